"""Run one scenario with real torch and with jtorch and compare what happened: the returned values
(tensors, nested tuples, flags, node names) or the raised exception's type and message.

    same_behaviour(lambda m: m.ones(2, requires_grad=True).long().requires_grad)
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import torch

import jtorch


def _plain(x: Any) -> Any:
    """A structure of builtins and numpy arrays describing ``x`` (torch and jtorch alike)."""
    if isinstance(x, (torch.Tensor, jtorch.Tensor)):
        arr = np.asarray(x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else x.detach().numpy())
        return ("tensor", tuple(x.shape), str(x.dtype).replace("torch.", ""), x.requires_grad, arr)
    if isinstance(x, (list, tuple)):
        return (type(x).__name__ if type(x) in (list, tuple) else "tuple", tuple(_plain(v) for v in x))
    if isinstance(x, (torch.autograd.graph.Node, jtorch.autograd.graph.Node)):
        return ("node", x.name())
    return x


def outcome(fn: Callable, m: Any) -> tuple:
    try:
        return ("returns", _plain(fn(m)))
    except Exception as e:  # the scenario's exception is part of its behaviour
        return ("raises", type(e).__name__, str(e))


def _same(a: Any, b: Any, rtol: float, atol: float) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y, rtol, atol) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return bool(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True))
    return a == b


def same_behaviour(fn: Callable, *, message: bool = True, rtol: float = 1e-5, atol: float = 1e-6) -> Any:
    """Assert ``fn(torch)`` and ``fn(jtorch)`` behave alike; with ``message=False`` only exception types
    must agree. Returns torch's outcome."""
    t, j = outcome(fn, torch), outcome(fn, jtorch)
    if t[0] == "raises" and j[0] == "raises":
        assert t[1] == j[1], f"torch raised {t[1]}({t[2]}), jtorch raised {j[1]}({j[2]})"
        if message:
            assert t[2] == j[2], f"messages differ:\n torch:  {t[2]}\n jtorch: {j[2]}"
        return t
    assert _same(t, j, rtol, atol), f"behaviour differs:\n torch:  {t}\n jtorch: {j}"
    return t
