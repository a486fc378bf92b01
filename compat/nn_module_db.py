"""PyTorch's module database (torch.testing._internal.common_modules.module_db) run through real torch and
jtorch modules: the torch module's state_dict is loaded into the jtorch module, then outputs, gradients of
inputs and parameters, and buffers after the forward (running statistics) are compared, eagerly and in a
step compiled by jtorch.compile (which lifts parameters, buffers and the random generator through jax.jit).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch
from harness import _leaves, assert_same, to_jtorch
from nn_models import to_jtorch_state
from torch.testing._internal.common_modules import module_db

import jtorch

_INFOS = {info.module_cls.__name__: info for info in module_db}


def cases(names: list, skip: dict | None = None) -> list:
    """(name, training, index) for every module_db input of the modules ``names``: both modes when the
    module's training and eval behaviour differ, training mode only otherwise. ``skip`` maps
    ``"Name:desc"`` to the reason a case is left out."""
    out = []
    for name in names:
        info = _INFOS[name]
        for training in ((True, False) if info.train_and_eval_differ else (True,)):
            for i, mi in enumerate(_inputs(info, training)):
                if f"{name}:{mi.desc}" not in (skip or {}):
                    out.append((name, training, i))
    return out


def case_id(case: tuple) -> str:
    name, training, i = case
    desc = _inputs(_INFOS[name], training)[i].desc
    return f"{name}-{'train' if training else 'eval'}-{desc or i}"


_CACHE: dict = {}


def _inputs(info: Any, training: bool) -> list:
    key = (info.module_cls.__name__, training)
    if key not in _CACHE:
        torch.manual_seed(0)
        _CACHE[key] = info.module_inputs_func(info, device="cpu", dtype=torch.float64, requires_grad=True,
                                              training=training)
    return _CACHE[key]


def _build(name: str, training: bool, i: int) -> tuple:
    mi = _inputs(_INFOS[name], training)[i]
    c = mi.constructor_input
    torch.manual_seed(0)
    tm = _INFOS[name].module_cls(*c.args, **c.kwargs).to(torch.float64)
    jm = getattr(jtorch.nn, name)(*to_jtorch(c.args), **to_jtorch(c.kwargs)).to(jtorch.float64)
    jm.load_state_dict(to_jtorch_state(tm.state_dict()))
    tm.train(training)
    jm.train(training)
    return mi, tm, jm


def _fresh_inputs(mi: Any) -> tuple:
    f = mi.forward_input
    targs = [a.detach().clone().requires_grad_(a.requires_grad) if isinstance(a, torch.Tensor) else a
             for a in f.args]
    return targs, to_jtorch(targs), f.kwargs, to_jtorch(f.kwargs)


def _grads(outs: list, leaves: list, cts: list, m: Any) -> list:
    pairs = [(o, c) for o, c in zip(outs, cts) if o.requires_grad]
    if not pairs or not leaves:
        return []
    return list(m.autograd.grad([o for o, _ in pairs], leaves, [c for _, c in pairs], allow_unused=True,
                                materialize_grads=True))


def run_case(name: str, training: bool, i: int, *, jit: bool = True, rtol: float = 1e-7,
             atol: float = 1e-8) -> None:
    mi, tm, jm = _build(name, training, i)
    what = case_id((name, training, i))
    targs, jargs, tkw, jkw = _fresh_inputs(mi)
    tout = tm(*targs, **tkw)
    jout = jm(*jargs, **jkw)
    assert_same(jout, tout, rtol, atol, what=what)
    touts = [o for o in _leaves(tout) if isinstance(o, torch.Tensor)]
    rng = np.random.default_rng(0)
    cts = [rng.standard_normal(tuple(o.shape)) for o in touts]
    tleaves = [a for a in targs if isinstance(a, torch.Tensor) and a.requires_grad] + \
        [p for p in tm.parameters() if p.requires_grad]
    tgrads = _grads(touts, tleaves, [torch.tensor(c, dtype=o.dtype) for c, o in zip(cts, touts)], torch)
    jcts = [jtorch.tensor(c, dtype=getattr(jtorch, str(o.dtype).replace("torch.", ""))) for c, o in zip(cts, touts)]

    def jgrads_of(module: Any, args: list, out: Any) -> list:
        leaves = [a for a in args if isinstance(a, jtorch.Tensor) and a.requires_grad] + \
            [p for p in module.parameters() if p.requires_grad]
        return _grads([o for o in _leaves(out) if isinstance(o, jtorch.Tensor)], leaves, jcts, jtorch)

    assert_same(jgrads_of(jm, jargs, jout), tgrads, rtol, atol, what=what + " gradients")
    tstate = tm.state_dict()
    assert_same(list(jm.state_dict().values()), list(tstate.values()), rtol, atol, what=what + " state after")
    if not jit:
        return
    # the same step compiled: a fresh jtorch module from the initial state
    _, _, jm2 = _build(name, training, i)
    _, jargs2, _, jkw2 = _fresh_inputs(mi)

    def step(*args: Any) -> tuple:
        out = jm2(*args, **jkw2)
        return out, jgrads_of(jm2, list(args), out)

    cout, cgrads = jtorch.compile(step)(*jargs2)
    assert_same(cout, tout, rtol, atol, what=what + " (compiled)")
    assert_same(cgrads, tgrads, rtol, atol, what=what + " gradients (compiled)")
    assert_same(list(jm2.state_dict().values()), list(tstate.values()), rtol, atol,
                what=what + " state after (compiled)")
