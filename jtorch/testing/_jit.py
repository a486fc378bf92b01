"""Run jtorch code under jax.jit and compare with eager: every op must work in both modes."""
from __future__ import annotations

from typing import Any, Callable

import jax
import numpy as np

from ..tensor import Tensor


def _unwrap(tree: Any) -> Any:
    return jax.tree_util.tree_map(lambda t: t._value if isinstance(t, Tensor) else t, tree,
                                  is_leaf=lambda t: isinstance(t, Tensor))


def jit_apply(fn: Callable, *args: Any) -> Any:
    """``fn(*args)`` traced by jax.jit: Tensor arguments become Tensors wrapping tracers; Tensor results
    come back as Tensors (other results as jax values)."""
    is_t = [isinstance(a, Tensor) for a in args]
    req = [isinstance(a, Tensor) and a.requires_grad for a in args]
    dyn = [a._value for a, t in zip(args, is_t) if t]

    def pure(*vals):
        it = iter(vals)
        call = []
        for a, t, r in zip(args, is_t, req):
            if t:
                x = Tensor._make(next(it))
                if r:
                    x.requires_grad_(True)
                call.append(x)
            else:
                call.append(a)
        return _unwrap(fn(*call))

    out = jax.jit(pure)(*dyn)
    return jax.tree_util.tree_map(lambda v: Tensor._make(v) if isinstance(v, jax.Array) else v, out)


def assert_jit_matches(fn: Callable, *args: Any, rtol: float = 1e-6, atol: float = 1e-6) -> Any:
    """Run ``fn`` eagerly and under jax.jit; assert equal results (values, shapes, dtypes). Returns the
    eager result."""
    eager = fn(*args)
    jitted = jit_apply(fn, *args)
    e_leaves = jax.tree_util.tree_leaves(_unwrap(eager))
    j_leaves = jax.tree_util.tree_leaves(_unwrap(jitted))
    assert len(e_leaves) == len(j_leaves), "eager and jit results differ in structure"
    for e, j in zip(e_leaves, j_leaves):
        e, j = np.asarray(e), np.asarray(j)
        assert e.shape == j.shape, f"shape under jit {j.shape} != eager {e.shape}"
        assert e.dtype == j.dtype, f"dtype under jit {j.dtype} != eager {e.dtype}"
        if e.dtype.kind in "biu":
            np.testing.assert_array_equal(j, e)
        else:
            np.testing.assert_allclose(j, e, rtol=rtol, atol=atol, equal_nan=True)
    return eager
