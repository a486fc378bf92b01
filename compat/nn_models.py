"""Models defined once and built with either torch or jtorch (``m`` is the framework module)."""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
import torch

import jtorch


def to_jtorch_state(sd: dict) -> OrderedDict:
    """A torch state_dict as jtorch tensors (same keys, same order)."""
    return OrderedDict((k, jtorch.tensor(v.detach().numpy())) for k, v in sd.items())


def twin(build, dtype: str = "float64"):
    """(torch model, jtorch model) with the torch model's parameters and buffers loaded into jtorch's."""
    t = build(torch).to(getattr(torch, dtype))
    j = build(jtorch).to(getattr(jtorch, dtype))
    j.load_state_dict(to_jtorch_state(t.state_dict()))
    return t, j


def mlp(m):
    return m.nn.Sequential(m.nn.Linear(3, 5), m.nn.Flatten(), m.nn.Linear(5, 2, bias=False))


def _nested_classes(m):
    class Block(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = m.nn.Linear(4, 4)
            self.register_buffer("steps", m.zeros(2))
            self.register_buffer("scratch", m.ones(3), persistent=False)
            self.register_buffer("empty", None)

        def forward(self, x):
            return self.fc(x) * 2

    class Net(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.inp = m.nn.Linear(3, 4)
            self.blocks = m.nn.ModuleList([Block(), Block()])
            shared = m.nn.Linear(4, 4)
            self.heads = m.nn.ModuleDict({"a": shared, "b": m.nn.Bilinear(4, 4, 2)})
            self.tied = shared
            self.scale = m.nn.Parameter(m.ones(1))
            self.nothing = None

        def forward(self, x):
            h = self.inp(x)
            for b in self.blocks:
                h = b(h)
            h = self.heads["a"](h) * self.scale
            return self.heads["b"](h, h)

    return Block, Net


def _module_level(m, prefix: str) -> tuple:
    """The classes, named so that pickle finds them in this module."""
    classes = _nested_classes(m)
    for c in classes:
        c.__qualname__ = prefix + c.__name__
        globals()[c.__qualname__] = c
    return classes


_NETS = {"torch": _module_level(torch, "Torch")[1], "jtorch": _module_level(jtorch, "Jtorch")[1]}


def nested(m):
    return _NETS[m.__name__]()


def rand(*shape, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)
