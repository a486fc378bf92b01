"""Sorting, order statistics, unique, histograms and searchsorted against torch (jtorch/ops/sorting.py).

Each row: (id, fn(m, *tensors), arrays[, options for compare]). Float inputs require grad unless the
row says otherwise. Where torch leaves the index of tied elements unspecified (topk, kthvalue,
median(dim)), tie rows compare values only; tests/test_reduction_jit.py checks where their
gradients go.
"""
import warnings

import numpy as np
import pytest
import torch
from harness import compare

import jtorch

RNG = np.random.default_rng(1)
A = RNG.standard_normal((3, 4)).astype(np.float32)
D = RNG.standard_normal((2, 3, 5))                       # float64, no ties
TIES = np.array([[1., 3., 3., 0., 3.], [2., 2., -1., 2., 0.], [0., 0., 0., 0., 0.]])
NAN = np.array([[1., np.nan, 3., 0., -1.], [2., 5., np.nan, np.nan, 1.], [0., 1., 2., 3., 4.]], np.float32)
ZS = np.array([0., -0., 1., -1., 0., np.inf, -np.inf, np.nan, -0.])
I = np.array([[3, 1, 3, 2, 2, 5], [1, 1, 4, 4, 0, 0], [7, 7, 7, 1, 1, 1]])   # int64
BO = I > 2
S = np.array(2.5)
E = np.zeros((0, 3), np.float32)
Q = np.array([0.1, 0.5, 0.75])
SEQ = np.array([1., 3., 5., 7., 9.])
VALS = np.array([[0., 3., 6.], [9., 10., 3.5]])

NOGRAD = {"grad": False}
EAGER = {"grad": False, "jit": False}  # data-dependent output shapes: under jax.jit these raise (tested below)

CASES = [
    # sort / argsort / msort
    ("sort", lambda m, a: m.sort(a), [A]),
    ("sort_dim0_desc", lambda m, d: m.sort(d, 0, True), [D]),
    ("sort_ties_stable", lambda m, t: m.sort(t, 1), [TIES]),
    ("sort_ties_desc", lambda m, t: t.sort(descending=True, stable=True), [TIES]),
    ("sort_nan", lambda m, x: (m.sort(x), m.sort(x, descending=True)), [NAN]),
    ("sort_signed_zero_inf_nan", lambda m, z: (m.sort(z), m.sort(z, descending=True)), [ZS]),
    ("sort_int_bool", lambda m, i, b: (m.sort(i, 1), m.sort(b, 0, True)), [I, BO]),
    ("sort_0d", lambda m, s: m.sort(s), [S]),
    ("sort_empty", lambda m, e: (m.sort(e, 0), m.sort(e)), [E]),
    ("sort_dim_oor", lambda m, a: m.sort(a, 2), [A]),
    ("sort_complex", lambda m, a: m.sort(a + 1j), [A], NOGRAD),
    ("argsort", lambda m, d: (m.argsort(d), d.argsort(1, True)), [D]),
    ("argsort_ties_stable", lambda m, t: (m.argsort(t, stable=True), m.argsort(t, descending=True)), [TIES]),
    ("argsort_nan", lambda m, x: m.argsort(x, dim=0, descending=True), [NAN]),
    ("msort", lambda m, d: m.msort(d), [D]),
    ("msort_0d", lambda m, s: s.msort(), [S]),
    # topk / kthvalue
    ("topk", lambda m, a: m.topk(a, 2), [A]),
    ("topk_smallest_dim0", lambda m, d: m.topk(d, 2, 0, largest=False), [D]),
    ("topk_unsorted", lambda m, d: d.topk(3, sorted=False).values.sort().values, [D]),
    ("topk_all_k0", lambda m, a: (m.topk(a, 4), m.topk(a, 0)), [A]),
    ("topk_nan", lambda m, x: (m.topk(x[::2], 2), m.topk(x, 2, largest=False)), [NAN]),
    ("topk_nan_ties_values", lambda m, x: m.topk(x, 2).values, [NAN], NOGRAD),
    ("topk_ties_values", lambda m, t: (m.topk(t, 2).values, m.topk(t, 3, largest=False).values), [TIES], NOGRAD),
    ("topk_int", lambda m, i: m.topk(i, 2).values, [I]),
    ("topk_0d", lambda m, s: m.topk(s, 1), [S]),
    ("topk_k_too_big", lambda m, a: m.topk(a, 5), [A]),
    ("topk_k_negative", lambda m, a: m.topk(a, -1), [A]),
    ("kthvalue", lambda m, a: m.kthvalue(a, 2), [A]),
    ("kthvalue_dim0_keepdim", lambda m, d: m.kthvalue(d, 1, 0, True), [D]),
    ("kthvalue_nan", lambda m, x: m.kthvalue(x[::2], 4), [NAN]),
    ("kthvalue_nan_ties_values", lambda m, x: m.kthvalue(x, 4).values, [NAN], NOGRAD),
    ("kthvalue_ties_values", lambda m, t: m.kthvalue(t, 3).values, [TIES], NOGRAD),
    ("kthvalue_0d", lambda m, s: m.kthvalue(s, 1), [S]),
    ("kthvalue_k0", lambda m, a: m.kthvalue(a, 0), [A]),
    ("kthvalue_k_too_big", lambda m, a: m.kthvalue(a, 5), [A]),
    ("kthvalue_empty_other_dim", lambda m, e: m.kthvalue(e, 1, 1), [E]),
    # median / nanmedian / mode
    ("median", lambda m, a: m.median(a), [A]),
    ("median_ties_grad", lambda m, t: m.median(t), [TIES]),
    ("median_nan", lambda m, x: m.median(x), [NAN]),
    ("median_dim", lambda m, d: m.median(d, 1), [D]),
    ("median_dim_keepdim", lambda m, d: d.median(dim=-1, keepdim=True), [D]),
    ("median_dim_nan", lambda m, x: m.median(x, 1), [NAN]),
    ("median_ties_values", lambda m, t: m.median(t, 1).values, [TIES], NOGRAD),
    ("median_int", lambda m, i: (m.median(i), m.median(i, 1).values), [I]),
    ("median_empty", lambda m, e: m.median(e), [E]),
    ("median_empty_dim", lambda m, e: (m.median(e, 0), m.median(e, 1)), [E]),
    ("median_0d", lambda m, s: (m.median(s), m.median(s, 0)), [S]),
    ("median_keepdim_no_dim", lambda m, a: m.median(a, keepdim=True), [A]),
    ("nanmedian", lambda m, x: m.nanmedian(x), [NAN]),
    ("nanmedian_dim", lambda m, x: x.nanmedian(1), [NAN]),
    ("nanmedian_all_nan_values", lambda m: (m.nanmedian(m.tensor([float("nan")] * 3)),
                                            m.nanmedian(m.tensor([[float("nan")] * 3]), 1).values), []),
    ("nanmedian_no_nan", lambda m, d: m.nanmedian(d, 0), [D]),
    ("mode", lambda m, i: m.mode(i), [I]),
    ("mode_dim0_keepdim", lambda m, i: m.mode(i, 0, True), [I]),
    ("mode_float", lambda m, t: m.mode(t), [TIES]),
    ("mode_unique_values", lambda m, d: d.mode(1), [D]),
    ("mode_bool", lambda m, b: m.mode(b), [BO]),
    ("mode_0d", lambda m, s: m.mode(s), [S]),
    ("mode_empty", lambda m, e: m.mode(e, 0), [E]),
    ("mode_empty_dim", lambda m, e: m.mode(e, 1), [E]),
    # quantile / nanquantile
    ("quantile", lambda m, d: m.quantile(d, 0.3), [D]),
    ("quantile_q_tensor_dim", lambda m, d, q: m.quantile(d, q, 1, keepdim=True), [D, Q]),
    ("quantile_q_tensor_flat", lambda m, a, q: m.quantile(a, q), [A, Q.astype(np.float32)]),
    ("quantile_0d_q", lambda m, d: d.quantile(m.tensor(0.6, dtype=m.float64), dim=0), [D]),
    ("quantile_keepdim_all", lambda m, d: m.quantile(d, 0.5, keepdim=True), [D]),
    ("quantile_interpolations", lambda m, d, q: tuple(m.quantile(d, q, -1, interpolation=i) for i in
                                                      ("lower", "higher", "midpoint", "nearest")), [D, Q]),
    ("quantile_nearest_half", lambda m: m.quantile(m.tensor([1., 2, 3, 4]), m.tensor([0.5, 1 / 6, 0.125]),
                                                   interpolation="nearest"), []),
    ("quantile_ties", lambda m, t, q: m.quantile(t, q, 1), [TIES, Q]),
    ("quantile_nan", lambda m, x: m.quantile(x, 0.5, 1), [NAN]),
    ("nanquantile", lambda m, x: m.nanquantile(x, 0.4, 1), [NAN]),
    ("nanquantile_all_nan", lambda m: m.nanquantile(m.tensor([[float("nan")] * 2, [1., 2.]]), 0.5, 1), []),
    ("nanquantile_flat", lambda m, x: x.nanquantile(m.tensor([0.2, 0.9]), interpolation="midpoint"), [NAN]),
    ("quantile_0d_input", lambda m, s: m.quantile(s, 0.2), [S]),
    ("quantile_q_out_of_range", lambda m, d: m.quantile(d, 1.5), [D]),
    ("quantile_q_tensor_out_of_range", lambda m, d: m.quantile(d, m.tensor([0.5, -0.1], dtype=m.float64)), [D]),
    ("quantile_q_dtype", lambda m, d: m.quantile(d, m.tensor([0.5])), [D]),
    ("quantile_q_2d", lambda m, d: m.quantile(d, m.ones(2, 2, dtype=m.float64) / 2), [D]),
    ("quantile_int", lambda m, i: m.quantile(i, 0.5), [I]),
    ("quantile_empty", lambda m, e: m.quantile(e, 0.5), [E]),
    ("quantile_bad_interpolation", lambda m, d: m.quantile(d, 0.5, interpolation="cubic"), [D]),
    ("quantile_dim_oor", lambda m, d: m.quantile(d, 0.5, 3), [D]),
    # unique / unique_consecutive (eager only)
    ("unique", lambda m, i: m.unique(i), [I], EAGER),
    ("unique_inverse_counts", lambda m, i: m.unique(i, sorted=False, return_inverse=True, return_counts=True),
     [I], EAGER),
    ("unique_counts_only", lambda m, t: m.unique(t, return_counts=True), [TIES], EAGER),
    ("unique_nan", lambda m, x: m.unique(x, return_inverse=True), [NAN], EAGER),
    ("unique_dim0", lambda m, i: m.unique(m.cat([i, i[:1]]), dim=0, return_inverse=True, return_counts=True),
     [I], EAGER),
    ("unique_dim1", lambda m, t: t.unique(dim=1, return_inverse=True), [TIES], EAGER),
    ("unique_bool", lambda m, b: m.unique(b, return_counts=True), [BO], EAGER),
    ("unique_0d", lambda m, s: m.unique(s, return_inverse=True), [S], EAGER),
    ("unique_empty", lambda m, e: m.unique(e, return_inverse=True, return_counts=True), [E], EAGER),
    ("unique_requires_grad", lambda m, a: m.unique(a).requires_grad, [A], {"jit": False, "grad": True}),
    ("unique_consecutive", lambda m, i: m.unique_consecutive(i), [I], EAGER),
    ("unique_consecutive_all", lambda m, i: m.unique_consecutive(i, return_inverse=True, return_counts=True),
     [I], EAGER),
    ("unique_consecutive_dim", lambda m, i: i.unique_consecutive(return_counts=True, return_inverse=True,
                                                                 dim=1), [np.array([[1, 1, 2], [3, 3, 4]])],
     EAGER),
    ("unique_consecutive_dim0", lambda m, t: m.unique_consecutive(t[[0, 0, 1, 2, 2]], dim=0,
                                                                  return_counts=True), [TIES], EAGER),
    ("unique_consecutive_nan", lambda m, x: m.unique_consecutive(x), [NAN], EAGER),
    # bincount (eager only)
    ("bincount", lambda m: m.bincount(m.tensor([1, 1, 3, 0, 5])), [], EAGER),
    ("bincount_minlength", lambda m: m.tensor([1, 1, 3]).bincount(minlength=7), [], EAGER),
    ("bincount_weights", lambda m, d: m.bincount(m.tensor([1, 1, 3, 0, 4]), d[0, 0]), [D], EAGER),
    ("bincount_weights_f32_int", lambda m, a: (m.bincount(m.tensor([2, 0, 2, 1]), a[0]),
                                               m.bincount(m.tensor([2, 0, 2]), m.tensor([1, 2, 3]))), [A], EAGER),
    ("bincount_empty", lambda m: (m.bincount(m.tensor([], dtype=m.long)),
                                  m.bincount(m.tensor([], dtype=m.long), minlength=3)), [], EAGER),
    ("bincount_int32", lambda m: m.bincount(m.tensor([3, 0], dtype=m.int32)), [], EAGER),
    ("bincount_negative", lambda m: m.bincount(m.tensor([1, -1])), [], EAGER),
    ("bincount_float", lambda m, a: m.bincount(a[0]), [A], EAGER),
    ("bincount_bool", lambda m, b: m.bincount(b[0]), [BO], EAGER),
    ("bincount_2d", lambda m, i: m.bincount(i), [I], EAGER),
    ("bincount_bad_minlength", lambda m: m.bincount(m.tensor([1]), minlength=-1), [], EAGER),
    ("bincount_bad_weights", lambda m: m.bincount(m.tensor([1, 2]), m.tensor([1.])), [], EAGER),
    # histc / histogram
    ("histc", lambda m, d: m.histc(d, bins=4, min=-1, max=1), [D], NOGRAD),
    ("histc_data_range", lambda m, a: (m.histc(a, 5), a.histc()), [A], NOGRAD),
    ("histc_edges", lambda m: m.histc(m.tensor([0., 1., 2., 3., 3., -0.5, 4.]), bins=3, min=0, max=3), [],
     NOGRAD),
    ("histc_constant", lambda m: (m.histc(m.ones(3), bins=4), m.histc(m.zeros(0), bins=2)), [], NOGRAD),
    ("histc_nan_outside", lambda m, x: m.histc(x, bins=3, min=0, max=3), [NAN], NOGRAD),
    ("histc_requires_grad", lambda m, a: m.histc(a, 3).requires_grad, [A]),
    ("histc_int", lambda m, i: m.histc(i), [I]),
    ("histc_bins0", lambda m, a: m.histc(a, 0), [A]),
    ("histc_min_gt_max", lambda m, a: m.histc(a, 4, min=3, max=1), [A]),
    ("histc_nan_range", lambda m, x: m.histc(x, 4), [NAN], {"grad": False, "jit": False}),
    ("histogram", lambda m, a: m.histogram(a, 4), [A], NOGRAD),
    ("histogram_range_density", lambda m, d: m.histogram(d, 5, range=(-1., 1.), density=True), [D], NOGRAD),
    ("histogram_bins_tensor_weight", lambda m, d: m.histogram(d, m.tensor([-1., 0., 0.5, 2.], dtype=m.float64),
                                                              weight=d.abs()), [D], NOGRAD),
    ("histogram_constant", lambda m: m.histogram(m.ones(2), bins=4), [], NOGRAD),
    ("histogram_method", lambda m, a: a.histogram(bins=3, range=(0., 1.)).hist, [A], NOGRAD),
    ("histogram_int", lambda m, i: m.histogram(i, 3), [I]),
    ("histogram_bins_dtype", lambda m, a: m.histogram(a, m.tensor([0., 1.], dtype=m.float64)), [A], NOGRAD),
    # searchsorted / bucketize
    ("searchsorted", lambda m, s, v: m.searchsorted(s, v), [SEQ, VALS]),
    ("searchsorted_right", lambda m, s, v: (m.searchsorted(s, v, right=True),
                                            m.searchsorted(s, v, side="right")), [SEQ, VALS]),
    ("searchsorted_int_seq", lambda m, v: m.searchsorted(m.tensor([1, 3, 5, 7]), v), [VALS]),
    ("searchsorted_scalar", lambda m, s: (m.searchsorted(s, 3), m.searchsorted(s, 4.5, right=True)), [SEQ]),
    ("searchsorted_nd", lambda m, v: m.searchsorted(m.tensor([[1., 3, 5], [2., 4, 6]], dtype=m.float64), v),
     [VALS]),
    ("searchsorted_int32_sorter", lambda m, v: m.searchsorted(m.tensor([9., 1, 5, 3, 7], dtype=m.float64), v,
                                                              out_int32=True, sorter=m.tensor([1, 3, 2, 4, 0])),
     [VALS]),
    ("searchsorted_nan", lambda m: (m.searchsorted(m.tensor([1., float("nan")]), m.tensor([float("nan"), 2.])),
                                    m.searchsorted(m.tensor([1., 2., 3.]), m.tensor([float("nan")]),
                                                   right=True)), []),
    ("searchsorted_empty_seq", lambda m, v: m.searchsorted(m.zeros(0, dtype=m.float64), v), [VALS]),
    ("searchsorted_side_conflict", lambda m, s, v: m.searchsorted(s, v, right=True, side="left"), [SEQ, VALS]),
    ("searchsorted_bad_side", lambda m, s, v: m.searchsorted(s, v, side="up"), [SEQ, VALS]),
    ("searchsorted_bad_shape", lambda m, v: m.searchsorted(m.ones(3, 2), v), [VALS]),
    ("bucketize", lambda m, v, s: m.bucketize(v, s), [VALS, SEQ]),
    ("bucketize_right_int32", lambda m, v, s: m.bucketize(v, s, right=True, out_int32=True), [VALS, SEQ]),
    ("bucketize_scalar", lambda m, s: m.bucketize(5, s), [SEQ]),
    ("bucketize_2d_boundaries", lambda m, v: m.bucketize(v, m.ones(2, 2)), [VALS]),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_sorting_ops(case):
    name, fn, arrays, opts = (case + ({},))[:4]
    opts = {"grad": True, **opts}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compare(fn, arrays, what=name, **opts)


def test_no_derivative_raises_like_torch():
    for m in (torch, jtorch):
        w = m.tensor([0.5, 1.5], requires_grad=True)
        out = m.bincount(m.tensor([0, 2]), w)
        assert out.requires_grad
        with pytest.raises(RuntimeError, match="derivative for .* is not implemented"):
            out.sum().backward()
        x = m.tensor([2., 1., 2.], requires_grad=True)
        u = m.unique(x)
        assert u.requires_grad
        with pytest.raises(RuntimeError, match="derivative for .* is not implemented"):
            u.sum().backward()


def test_sort_out_and_named_tuples():
    x = jtorch.tensor(TIES)
    v, i = jtorch.empty(0), jtorch.empty(0, dtype=jtorch.int64)
    r = jtorch.sort(x, 1, out=(v, i))
    assert r.values is v and r.indices is i and type(r).__name__ == "sort"
    assert v.tolist() == torch.sort(torch.tensor(TIES), 1).values.tolist()
    for name, res in [("topk", x.topk(2)), ("kthvalue", x.kthvalue(2)), ("median", x.median(0)),
                      ("mode", x.mode()), ("histogram", jtorch.histogram(x, 2))]:
        assert type(res).__name__ == name and type(res).__module__ == "torch.return_types"
