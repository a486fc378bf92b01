"""Reductions and sorting without torch: gradients at ties, and what works under jax.jit."""
import jax
import numpy as np
import pytest

import jtorch
from jtorch.testing import jit_apply

RNG = np.random.default_rng(0)
TIES = np.array([[1., 3., 3., 0., 3.], [2., 2., -1., 2., 0.], [0., 0., 0., 0., 0.]])
D = RNG.standard_normal((2, 3, 5))


@pytest.mark.parametrize("name, fn", [
    ("max", lambda x: jtorch.max(x, 1)),
    ("min", lambda x: jtorch.min(x, 1, keepdim=True)),
    ("sort", lambda x: jtorch.sort(x, 1, descending=True)),
    ("topk", lambda x: jtorch.topk(x, 2)),
    ("topk_smallest", lambda x: jtorch.topk(x, 3, largest=False)),
    ("kthvalue", lambda x: jtorch.kthvalue(x, 3)),
    ("median", lambda x: jtorch.median(x, 1)),
    ("nanmedian", lambda x: jtorch.nanmedian(x, 1, True)),
    ("mode", lambda x: jtorch.mode(x)),
    ("cummax", lambda x: jtorch.cummax(x, 1)),
    ("cummin", lambda x: jtorch.cummin(x, 1)),
])
def test_gradient_goes_to_returned_index(name, fn):
    """At ties, value-selecting reductions send each gradient to the index they return, nowhere else."""
    x = jtorch.tensor(TIES, requires_grad=True)
    values, indices = fn(x)
    g = jtorch.tensor(RNG.standard_normal(tuple(values.shape)))
    (grad,) = jtorch.autograd.grad(values, x, g)
    idx, gv = np.asarray(indices.tolist()), np.asarray(g.tolist())
    if idx.ndim == 1:
        idx, gv = idx[:, None], gv[:, None]
    expected = np.zeros_like(TIES)
    for r in range(TIES.shape[0]):
        np.add.at(expected[r], idx[r], gv[r])
    np.testing.assert_allclose(np.asarray(grad.tolist()), expected, err_msg=name)
    np.testing.assert_array_equal(np.take_along_axis(TIES, idx, 1), np.asarray(values.tolist()).reshape(idx.shape))


@pytest.mark.parametrize("fn", [
    lambda x: jtorch.unique(x), lambda x: jtorch.unique_consecutive(x), lambda x: jtorch.bincount(x.long()),
])
def test_data_dependent_shapes_raise_under_jit(fn):
    x = jtorch.tensor([1., 2., 2.])
    with pytest.raises(RuntimeError, match="concrete value"):
        jax.jit(lambda v: fn(jtorch.Tensor._make(v))._value)(x._value)


def test_histograms_trace_under_jit():
    x = jtorch.tensor(D)
    for fn in (lambda t: jtorch.histc(t, 4), lambda t: jtorch.histc(t, 4, -1, 1),
               lambda t: tuple(jtorch.histogram(t, 3, weight=t.abs()))):
        eager = fn(x)
        jitted = jit_apply(fn, x)
        for e, j in zip(eager if isinstance(eager, tuple) else (eager,), jitted if isinstance(jitted, tuple)
                        else (jitted,)):
            np.testing.assert_allclose(np.asarray(j.tolist()), np.asarray(e.tolist()))
