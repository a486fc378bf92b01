"""Helpers for differential tests: run the same case in real torch and in jtorch, compare everything.

    compare(lambda m, x: m.add(x, 2), [arr])        # m is torch or jtorch, arrays become tensors
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import jax
import numpy as np
import torch

import jtorch
from jtorch.testing import jit_apply


def dtype_name(d: Any) -> str:
    return str(d).replace("torch.", "")


def to_torch(x: Any) -> Any:
    if isinstance(x, jtorch.Tensor):
        t = torch.from_numpy(np.array(x.detach()._value))
        return t.requires_grad_(x.requires_grad) if x.requires_grad else t
    if isinstance(x, jtorch.dtype):
        return getattr(torch, x.name)
    if isinstance(x, (list, tuple)):
        return type(x)(to_torch(v) for v in x)
    if isinstance(x, dict):
        return {k: to_torch(v) for k, v in x.items()}
    return x


def to_jtorch(x: Any) -> Any:
    if isinstance(x, torch.Tensor):
        t = jtorch.tensor(x.detach().numpy())
        return t.requires_grad_(True) if x.requires_grad else t
    if isinstance(x, torch.dtype):
        return getattr(jtorch, dtype_name(x))
    if isinstance(x, (list, tuple)):
        return type(x)(to_jtorch(v) for v in x)
    if isinstance(x, dict):
        return {k: to_jtorch(v) for k, v in x.items()}
    return x


def _leaves(x: Any) -> list:
    if isinstance(x, (list, tuple)):
        out = []
        for v in x:
            out.extend(_leaves(v))
        return out
    return [x]


def assert_same(j: Any, t: Any, rtol: float = 1e-5, atol: float = 1e-6, check_dtype: bool = True,
                what: str = "") -> None:
    """jtorch result ``j`` equals torch result ``t``: structure, shapes, dtypes and values."""
    jl, tl = _leaves(j), _leaves(t)
    assert len(jl) == len(tl), f"{what}: {len(jl)} results vs torch's {len(tl)}"
    for a, b in zip(jl, tl):
        if isinstance(b, torch.Tensor):
            assert isinstance(a, jtorch.Tensor), f"{what}: got {type(a).__name__}, torch gave a Tensor"
            assert tuple(a.shape) == tuple(b.shape), f"{what}: shape {tuple(a.shape)} vs torch {tuple(b.shape)}"
            if check_dtype:
                assert dtype_name(a.dtype) == dtype_name(b.dtype), f"{what}: dtype {a.dtype} vs torch {b.dtype}"
            bv = b.detach().cpu()
            if bv.dtype == torch.bfloat16:
                bv = bv.float()
            bn = bv.resolve_conj().numpy()
            an = np.asarray(a.detach()._value)
            if bn.dtype.kind in "biu" and an.dtype.kind in "biu":
                np.testing.assert_array_equal(an, bn, err_msg=what)
            else:
                np.testing.assert_allclose(an.astype(bn.dtype) if an.dtype != bn.dtype else an, bn, rtol=rtol,
                                           atol=atol, equal_nan=True, err_msg=what)
        elif isinstance(b, (bool, int, float, complex)):
            assert a == b or (isinstance(b, float) and np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)), \
                f"{what}: {a!r} vs torch {b!r}"
        else:
            assert a == b, f"{what}: {a!r} vs torch {b!r}"


def compare(fn: Callable, arrays: Sequence[np.ndarray], *, rtol: float = 1e-5, atol: float = 1e-6,
            grad: bool = False, jit: bool = True, check_dtype: bool = True, what: str = "") -> None:
    """Run ``fn(module, *tensors)`` with module = torch and jtorch on the same ``arrays``.

    Compares results (or that both raise the same exception type). With ``grad=True`` the floating
    inputs require grad and gradients of a random projection of the outputs are compared too. With
    ``jit=True`` the jtorch case is also run under jax.jit and must match its eager result.
    """
    what = what or getattr(fn, "__name__", "case")
    tin = [torch.from_numpy(np.array(a)) if isinstance(a, np.ndarray) else a for a in arrays]
    jin = [jtorch.tensor(np.array(a)) if isinstance(a, np.ndarray) else a for a in arrays]
    if grad:
        tin = [t.requires_grad_(True) if isinstance(t, torch.Tensor) and t.is_floating_point() else t for t in tin]
        jin = [t.requires_grad_(True) if isinstance(t, jtorch.Tensor) and t.is_floating_point() else t for t in jin]
    try:
        tout = fn(torch, *tin)
    except Exception as e:  # torch rejects the case: jtorch must reject it with the same type
        terr = type(e)
        try:
            fn(jtorch, *jin)
        except Exception as je:
            assert isinstance(je, terr) or issubclass(terr, type(je)) or _compatible(terr, type(je)), \
                f"{what}: jtorch raised {type(je).__name__}({je}), torch raised {terr.__name__}({e})"
            return
        raise AssertionError(f"{what}: torch raised {terr.__name__}({e}) but jtorch did not")
    jout = fn(jtorch, *jin)
    assert_same(jout, tout, rtol, atol, check_dtype, what)
    if jit:
        jitted = jit_apply(lambda *xs: fn(jtorch, *xs), *jin)
        assert_same(jitted, tout, rtol, atol, check_dtype, what + " (under jax.jit)")
    if grad:
        _compare_grads(fn, tin, jin, tout, jout, rtol, atol, what, jit)


def _compatible(terr: type, jerr: type) -> bool:
    # torch raises its own subclasses (torch.OutOfMemoryError...); what matters is the builtin base
    for base in (IndexError, ValueError, TypeError, RuntimeError, NotImplementedError):
        if issubclass(terr, base) and issubclass(jerr, base):
            return True
    return False


def _compare_grads(fn, tin, jin, tout, jout, rtol, atol, what, jit=True):
    touts = [o for o in _leaves(tout) if isinstance(o, torch.Tensor) and o.requires_grad]
    jouts = [o for o in _leaves(jout) if isinstance(o, jtorch.Tensor) and o.requires_grad]
    assert len(touts) == len(jouts), f"{what}: {len(jouts)} outputs require grad, torch has {len(touts)}"
    if not touts:
        return
    rng = np.random.default_rng(0)
    cts = [rng.standard_normal(tuple(o.shape)) for o in touts]
    tgrads = torch.autograd.grad(touts, [t for t in tin if isinstance(t, torch.Tensor) and t.requires_grad],
                                 [torch.from_numpy(c).to(o.dtype) for c, o in zip(cts, touts)], allow_unused=True)
    jleaves = [t for t in jin if isinstance(t, jtorch.Tensor) and t.requires_grad]
    jgrads = jtorch.autograd.grad(jouts, jleaves, [jtorch.tensor(c).to(o.dtype) for c, o in zip(cts, jouts)],
                                  allow_unused=True)
    for k, (jg, tg) in enumerate(zip(jgrads, tgrads)):
        if tg is None:
            assert jg is None or np.allclose(np.asarray(jg._value), 0), f"{what}: grad {k} should be None/zero"
            continue
        assert jg is not None, f"{what}: grad {k} is None, torch has one"
        assert_same(jg, tg, rtol, atol, True, f"{what}: grad of input {k}")
    if not jit:
        return

    # the same backward under jax.jit
    def fwd_bwd(*xs):
        outs = [o for o in _leaves(fn(jtorch, *xs)) if isinstance(o, jtorch.Tensor) and o.requires_grad]
        leaves = [x for x in xs if isinstance(x, jtorch.Tensor) and x.requires_grad]
        return list(jtorch.autograd.grad(outs, leaves, [jtorch.tensor(c).to(o.dtype) for c, o in zip(cts, outs)],
                                         allow_unused=True, materialize_grads=True))
    jit_grads = jit_apply(fwd_bwd, *jin)
    for k, (jg, tg) in enumerate(zip(jit_grads, tgrads)):
        if tg is not None:
            assert_same(jg, tg, rtol, atol, True, f"{what}: grad of input {k} under jax.jit")


def jax_available_devices() -> list:
    return jax.devices()
