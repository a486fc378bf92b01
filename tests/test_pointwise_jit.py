"""Every pointwise op, eagerly and under jax.jit (no torch needed): the function, the in-place variant,
out= and gradients give the same values, shapes and dtypes both ways. Arguments come from each op's
signature, so a new op is covered without editing this file."""
from __future__ import annotations

import numpy as np
import pytest

import jtorch
from jtorch.ops import OPS, pointwise, pointwise_math
from jtorch.ops._registry import _REQUIRED
from jtorch.testing import assert_jit_matches

_MODULES = {pointwise.__name__, pointwise_math.__name__}
NAMES = sorted(name for name, o in OPS.items() if o.body.__module__ in _MODULES)
RNG = np.random.default_rng(0)
# values in (0.2, 0.8): inside every op's domain that matters (log, atanh, logit, erfinv ...)
VALUES = RNG.uniform(0.2, 0.8, (3, 2))
DTYPES = (jtorch.float32, jtorch.int64, jtorch.bool, jtorch.complex64, jtorch.float64)
STATIC = {"n": 1, "p": 1}  # required static ints (polygamma's order, mvlgamma's dimension)


def _tensor(name: str, dtype) -> jtorch.Tensor:
    if name == "condition":
        return jtorch.tensor([[True, False]] * 3)
    v = VALUES[0] if name == "weight" else VALUES
    if dtype is jtorch.int64:
        return jtorch.tensor((v * 10).astype(np.int64) - 4)
    if dtype is jtorch.bool:
        return jtorch.tensor(v > 0.5)
    if dtype is jtorch.complex64:
        return jtorch.tensor(v + 0.5j * v[::-1], dtype=dtype)
    return jtorch.tensor(v, dtype=dtype)


def _call(name: str, dtype, variant: str = "function") -> tuple:
    """(function of tensors, tensors): op ``name`` with tensors of ``dtype`` for its tensor parameters, a
    value for each other required one; ``variant`` "inplace" or "out" calls x.name_(...) or name(..., out=)."""
    o = OPS[name]
    tensors, plan = [], []
    for p in o.params:
        if p.kind in ("T", "TS"):
            tensors.append(_tensor(p.name, dtype))
            plan.append((p.name, 1))
        elif p.kind == "TL":
            tensors.extend([_tensor(p.name, dtype)] * 2)
            plan.append((p.name, 2))
        elif p.default is _REQUIRED:
            plan.append((p.name, ("value", STATIC.get(p.name, 0.5))))

    def fn(*ts):
        it, kwargs = iter(ts), {}
        for pname, what in plan:
            kwargs[pname] = next(it) if what == 1 else [next(it), next(it)] if what == 2 else what[1]
        if variant == "inplace":
            first = o.params[0].name
            x = kwargs.pop(first).clone()
            r = getattr(x, name + "_")(**kwargs)
            assert r is x
            return x
        if variant == "out":
            buf = jtorch.zeros(tuple(o.fn(**kwargs).shape), dtype=o.fn(**kwargs).dtype)
            assert o.fn(**kwargs, out=buf) is buf
            return buf
        return o.fn(**kwargs)
    return fn, tensors


def _working_dtype(name: str):
    for dt in DTYPES:
        fn, ts = _call(name, dt)
        try:
            fn(*ts)
        except (NotImplementedError, RuntimeError, TypeError):
            continue
        return dt
    return None


def test_every_pointwise_op_has_a_case():
    assert len(NAMES) > 100
    stuck = [n for n in NAMES if _working_dtype(n) is None]
    assert not stuck, f"no dtype works for {stuck}: give them arguments in this file"


@pytest.mark.parametrize("name", NAMES)
def test_eager_matches_jit(name):
    dt = _working_dtype(name)
    assert_jit_matches(*_inline(_call(name, dt)))


INPLACE = [n for n in NAMES if OPS[n].inplace is not None]


@pytest.mark.parametrize("name", INPLACE)
def test_inplace_matches_jit(name):
    for dt in DTYPES:
        fn, ts = _call(name, dt, "inplace")
        try:
            fn(*ts)
        except (NotImplementedError, RuntimeError, TypeError):
            continue  # not for this dtype (or its result cannot be written into it)
        assert_jit_matches(fn, *ts)
        return
    pytest.fail(f"{name}_ works for none of {DTYPES}")


OUT = [n for n in NAMES if OPS[n].has_out and OPS[n].function and not OPS[n].multi]


@pytest.mark.parametrize("name", OUT)
def test_out_matches_jit(name):
    dt = _working_dtype(name)
    fn, ts = _call(name, dt, "out")
    plain, _ = _call(name, dt)
    result = assert_jit_matches(fn, *ts)
    np.testing.assert_array_equal(np.asarray(result.tolist()), np.asarray(plain(*ts).tolist()))


def _inline(pair):
    return pair[0], *pair[1]


DIFFERENTIABLE = [n for n in NAMES if OPS[n].differentiable]


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_gradient_matches_jit(name):
    fn, ts = _call(name, jtorch.float64)
    first = lambda *xs: _first(fn(*xs))  # noqa: E731
    try:
        out = first(*ts)
    except (NotImplementedError, RuntimeError, TypeError):
        out = None
    if out is None:
        assert _working_dtype(name) is not jtorch.float32, f"{name} takes float32 but not float64"
        return  # integer-only ops have no gradient
    if not (out.dtype.is_floating_point or out.dtype.is_complex):
        return

    def grads(*xs):
        xs = [x.detach().requires_grad_(x.dtype.is_floating_point) for x in xs]
        y = first(*xs)
        leaves = [x for x in xs if x.requires_grad]
        return jtorch.autograd.grad(y.abs().sum() if y.is_complex() else y.sum(), leaves, allow_unused=True,
                                    materialize_grads=True)
    assert_jit_matches(grads, *ts)


def _first(out):
    return out[0] if isinstance(out, tuple) else out
