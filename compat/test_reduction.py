"""Reductions, scans, norms and diff against torch (jtorch/ops/reduction.py).

Each row: (id, fn(m, *tensors), arrays[, options for compare]). Float inputs require grad, so every
floating row also compares gradients (ties included) and re-runs under jax.jit.
"""
import warnings

import numpy as np
import pytest
import torch
from harness import compare

import jtorch

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4)).astype(np.float32)
B = RNG.standard_normal((4,)).astype(np.float32)
D = RNG.standard_normal((2, 3, 4))                       # float64
TIES = np.array([[1., 3., 3., 0.], [2., 2., -1., 2.], [0., 0., 0., 0.]])
NAN = np.array([[1., np.nan, 3., 0.], [2., 5., np.nan, np.nan], [0., 1., 2., 3.]], np.float32)
INF = np.array([[1., np.inf, 3., 0.], [-np.inf, -np.inf, -np.inf, -np.inf], [0., -np.inf, 2., 3.]])
ZEROS = np.array([[2., 0., 3., 1.], [0., 1., 0., 2.], [1., 2., 3., 4.]])
I = RNG.integers(-5, 5, (3, 4))                          # int64
I32 = I.astype(np.int32)
BO = I > 0
U8 = (I > 0).astype(np.uint8)
H = A.astype(np.float16)
E = np.zeros((0, 3), np.float32)
S = np.array(2.5)
CPLX = (A + 1j * A[::-1]).astype(np.complex64)

NOGRAD = {"grad": False}

CASES = [
    # sum
    ("sum", lambda m, a: m.sum(a), [A]),
    ("sum_dim", lambda m, d: m.sum(d, 1), [D]),
    ("sum_dims_keepdim", lambda m, d: m.sum(d, (0, -1), keepdim=True), [D]),
    ("sum_negdim_method", lambda m, d: d.sum(dim=-2), [D]),
    ("sum_list_dim", lambda m, d: d.sum([2, 0]), [D]),
    ("sum_empty_dims", lambda m, a: m.sum(a, ()), [A]),
    ("sum_int", lambda m, i: m.sum(i), [I]),
    ("sum_int32_dim", lambda m, i: m.sum(i, 0), [I32]),
    ("sum_bool", lambda m, b: m.sum(b, 1), [BO]),
    ("sum_uint8", lambda m, u: u.sum(), [U8]),
    ("sum_dtype", lambda m, a: m.sum(a, 1, dtype=m.float64), [A]),
    ("sum_int_dtype", lambda m, i: m.sum(i, dtype=m.int32), [I]),
    ("sum_half", lambda m, h: m.sum(h, 0), [H], {"rtol": 1e-3, "atol": 1e-3}),
    ("sum_complex", lambda m, c: m.sum(c, 1), [CPLX]),
    ("sum_empty", lambda m, e: m.sum(e), [E]),
    ("sum_empty_dim", lambda m, e: m.sum(e, 0, keepdim=True), [E]),
    ("sum_0d", lambda m, s: m.sum(s), [S]),
    ("sum_0d_dim", lambda m, s: m.sum(s, 0, keepdim=True), [S]),
    ("sum_0d_dim_oor", lambda m, s: m.sum(s, 1), [S]),
    ("sum_dim_oor", lambda m, a: m.sum(a, 2), [A]),
    ("sum_dim_oor_neg", lambda m, a: m.sum(a, -3), [A]),
    ("sum_dim_repeated", lambda m, a: m.sum(a, (0, -2)), [A]),
    ("sum_dim_float", lambda m, a: m.sum(a, 1.5), [A]),
    ("nansum", lambda m, x: m.nansum(x), [NAN]),
    ("nansum_dim", lambda m, x: x.nansum(1, keepdim=True), [NAN]),
    ("nansum_int", lambda m, i: m.nansum(i, 0), [I]),
    ("nansum_complex", lambda m, c: m.nansum(c), [CPLX]),
    # mean
    ("mean", lambda m, a: m.mean(a), [A]),
    ("mean_dim_keepdim", lambda m, d: m.mean(d, 1, keepdim=True), [D]),
    ("mean_dims", lambda m, d: d.mean((0, 2)), [D]),
    ("mean_int", lambda m, i: m.mean(i), [I]),
    ("mean_int_dtype", lambda m, i: m.mean(i, dtype=m.float64), [I]),
    ("mean_bad_dtype", lambda m, a: m.mean(a, dtype=m.int64), [A]),
    ("mean_float_dtype", lambda m, a: m.mean(a, 0, dtype=m.float64), [A]),
    ("mean_half", lambda m, h: m.mean(h, 1), [H], {"rtol": 1e-3, "atol": 1e-3}),
    ("mean_empty", lambda m, e: m.mean(e), [E]),
    ("mean_empty_dim", lambda m, e: m.mean(e, 1), [E]),
    ("mean_nan", lambda m, x: m.mean(x, 1), [NAN]),
    ("nanmean", lambda m, x: m.nanmean(x), [NAN]),
    ("nanmean_dim", lambda m, x: m.nanmean(x, 1), [NAN]),
    ("nanmean_int", lambda m, i: m.nanmean(i), [I]),
    # prod
    ("prod", lambda m, a: m.prod(a), [A]),
    ("prod_zeros_dim", lambda m, z: m.prod(z, 1), [ZEROS]),
    ("prod_zeros_dim0", lambda m, z: z.prod(0, keepdim=True), [ZEROS]),
    ("prod_one_zero", lambda m, z: m.prod(z[0]), [ZEROS]),
    ("prod_two_zeros", lambda m, z: m.prod(z[1]), [ZEROS]),
    ("prod_int", lambda m, i: m.prod(i, 1), [I]),
    ("prod_bool", lambda m, b: m.prod(b), [BO]),
    ("prod_dtype", lambda m, a: m.prod(a, 0, dtype=m.float64), [A]),
    ("prod_0d", lambda m, s: m.prod(s, 0), [S]),
    ("prod_dim_tuple", lambda m, a: m.prod(a, (0, 1)), [A]),
    ("prod_keepdim_no_dim", lambda m, a: m.prod(a, keepdim=True), [A]),
    # var / std
    ("var", lambda m, a: m.var(a), [A]),
    ("var_dim", lambda m, d: m.var(d, 1), [D]),
    ("var_dims_keepdim_corr0", lambda m, d: m.var(d, (0, 2), keepdim=True, correction=0), [D]),
    ("var_unbiased_pos", lambda m, a: m.var(a, False), [A]),
    ("var_legacy_positional", lambda m, a: m.var(a, 1, True, True), [A]),
    ("var_unbiased_kw", lambda m, d: d.var(dim=2, unbiased=False), [D]),
    ("var_correction_float", lambda m, d: m.var(d, 1, correction=0.5), [D]),
    ("var_correction_big", lambda m, d: m.var(d, 0, correction=3), [D]),
    ("var_both", lambda m, a: m.var(a, 1, unbiased=False, correction=1), [A]),
    ("var_int", lambda m, i: m.var(i), [I]),
    ("var_0d", lambda m, s: m.var(s), [S]),
    ("var_complex", lambda m, c: m.var(c, 1), [CPLX]),
    ("std", lambda m, a: m.std(a), [A]),
    ("std_dim", lambda m, d: d.std(-1, keepdim=True), [D]),
    ("std_constant_grad", lambda m, t: m.std(t, 1), [TIES]),
    ("std_correction0", lambda m, t: m.std(t, 0, correction=0), [TIES]),
    ("std_int", lambda m, i: m.std(i, 1), [I]),
    ("var_mean", lambda m, d: m.var_mean(d, 1), [D]),
    ("var_mean_correction", lambda m, d: m.var_mean(d, (0, 1), correction=2, keepdim=True), [D]),
    ("std_mean", lambda m, a: m.std_mean(a), [A]),
    ("std_mean_unbiased", lambda m, t: m.std_mean(t, 1, False), [TIES]),
    ("var_mean_int", lambda m, i: m.var_mean(i), [I]),
    # max / min: full, by dim, elementwise
    ("max", lambda m, a: m.max(a), [A]),
    ("max_ties", lambda m, t: m.max(t), [TIES]),
    ("min_ties", lambda m, t: t.min(), [TIES]),
    ("max_nan", lambda m, x: m.max(x), [NAN]),
    ("min_nan", lambda m, x: m.min(x), [NAN]),
    ("max_dim", lambda m, d: m.max(d, 1), [D]),
    ("max_dim_ties", lambda m, t: m.max(t, 1), [TIES]),
    ("min_dim_ties_keepdim", lambda m, t: m.min(t, 1, keepdim=True), [TIES]),
    ("max_dim0_ties", lambda m, t: m.max(t, dim=0), [TIES]),
    ("max_dim_nan", lambda m, x: m.max(x, 1), [NAN]),
    ("min_dim_nan", lambda m, x: x.min(dim=1), [NAN]),
    ("max_values_attr", lambda m, d: d.max(dim=-1).values, [D]),
    ("max_indices_attr", lambda m, d: d.max(0, True).indices, [D]),
    ("max_int", lambda m, i: (m.max(i), m.max(i, 0)), [I]),
    ("min_bool_dim", lambda m, b: m.min(b, 1), [BO]),
    ("max_0d", lambda m, s: (m.max(s), m.max(s, 0), m.max(s, -1, True)), [S]),
    ("max_elementwise", lambda m, a, b: m.max(a, b), [A, B]),
    ("min_elementwise", lambda m, a, b: m.min(a, other=b), [A, B]),
    ("max_method_elementwise", lambda m, a, b: a.max(b), [A, B]),
    ("max_empty", lambda m, e: m.max(e), [E]),
    ("max_empty_dim", lambda m, e: m.max(e, 0), [E]),
    ("max_empty_other_dim", lambda m, e: m.max(e, 1), [E]),
    ("max_dim_oor", lambda m, a: m.max(a, 2), [A]),
    ("max_keepdim_no_dim", lambda m, a: m.max(a, keepdim=True), [A]),
    ("max_complex", lambda m, c: m.max(c), [CPLX]),
    ("amax", lambda m, t: m.amax(t), [TIES]),
    ("amax_dim_ties", lambda m, t: m.amax(t, 1), [TIES]),
    ("amin_dims_keepdim", lambda m, t: m.amin(t, (0, 1), keepdim=True), [TIES]),
    ("amax_nan", lambda m, x: m.amax(x, 1), [NAN]),
    ("amin_int", lambda m, i: i.amin(-1), [I]),
    ("amax_empty", lambda m, e: m.amax(e), [E]),
    ("amax_empty_dim", lambda m, e: m.amax(e, 0), [E]),
    ("amax_empty_other_dim", lambda m, e: m.amax(e, 1), [E]),
    ("aminmax", lambda m, a: m.aminmax(a), [A]),
    ("aminmax_dim", lambda m, t: m.aminmax(t, dim=1, keepdim=True), [TIES]),
    ("aminmax_ties", lambda m, t: t.aminmax(dim=0), [TIES]),
    ("aminmax_keepdim_all", lambda m, a: m.aminmax(a, keepdim=True), [A]),
    ("aminmax_empty", lambda m, e: m.aminmax(e), [E]),
    ("aminmax_int", lambda m, i: m.aminmax(i, dim=-1), [I]),
    ("argmax", lambda m, a: m.argmax(a), [A]),
    ("argmax_dim_ties", lambda m, t: m.argmax(t, 1), [TIES]),
    ("argmin_dim_ties_keepdim", lambda m, t: m.argmin(t, 1, keepdim=True), [TIES]),
    ("argmax_keepdim_all", lambda m, d: m.argmax(d, keepdim=True), [D]),
    ("argmax_nan", lambda m, x: (m.argmax(x, 1), m.argmin(x, 1), m.argmax(x)), [NAN]),
    ("argmin_int", lambda m, i: i.argmin(0), [I]),
    ("argmax_0d", lambda m, s: (m.argmax(s), m.argmax(s, 0)), [S]),
    ("argmax_bool", lambda m, b: m.argmax(b), [BO]),
    ("argmax_empty", lambda m, e: m.argmax(e), [E]),
    ("argmax_empty_dim", lambda m, e: m.argmax(e, 0), [E]),
    ("argmax_empty_other_dim", lambda m, e: m.argmax(e, 1), [E]),
    # all / any / count_nonzero
    ("all_any_bool", lambda m, b: (m.all(b), m.any(b), b.all(1), b.any(0, keepdim=True)), [BO]),
    ("all_any_float_nan", lambda m, x: (m.all(x), m.any(x, 1), x.all((0, 1))), [NAN]),
    ("all_any_uint8", lambda m, u: (m.all(u), m.any(u, 1)), [U8]),
    ("all_any_empty", lambda m, e: (m.all(e), m.any(e), m.all(e, 0), m.any(e, 1)), [E]),
    ("all_any_complex", lambda m, c: (m.all(c), m.any(c, 0)), [CPLX]),
    ("count_nonzero", lambda m, i: (m.count_nonzero(i), m.count_nonzero(i, 1), i.count_nonzero((0, 1))), [I]),
    ("count_nonzero_float", lambda m, z: m.count_nonzero(z, 0), [ZEROS]),
    # logsumexp
    ("logsumexp", lambda m, a: m.logsumexp(a, 1), [A]),
    ("logsumexp_dims_keepdim", lambda m, d: m.logsumexp(d, (0, 2), keepdim=True), [D]),
    ("logsumexp_inf", lambda m, x: m.logsumexp(x, 1), [INF]),
    ("logsumexp_int", lambda m, i: m.logsumexp(i, 0), [I]),
    ("logsumexp_empty", lambda m, e: m.logsumexp(e, 0), [E]),
    ("logsumexp_0d", lambda m, s: m.logsumexp(s, 0), [S]),
    # norm / dist
    ("norm", lambda m, a: m.norm(a), [A]),
    ("norm_p1_zeros", lambda m, z: m.norm(z, 1), [ZEROS]),
    ("norm_p2_dim", lambda m, d: m.norm(d, 2, 1), [D]),
    ("norm_zero_row_grad", lambda m, t: m.norm(t, dim=1), [TIES]),
    ("norm_inf_ties", lambda m, t: m.norm(t, float("inf"), 1), [TIES]),
    ("norm_neginf", lambda m, t: m.norm(t, -float("inf"), 0), [TIES]),
    ("norm_p0", lambda m, z: m.norm(z, 0, 1), [ZEROS]),
    ("norm_p3", lambda m, d: m.norm(d, 3, (0, 2)), [D]),
    ("norm_p3_zero_row", lambda m, t: m.norm(t, 3, 1), [TIES]),
    ("norm_p1_5_zero_row", lambda m, t: m.norm(t, 1.5, 1), [TIES]),
    ("norm_p_half_zeros", lambda m, z: m.norm(z, 0.5, 1), [ZEROS]),
    ("norm_p_neg", lambda m, d: m.norm(d, -2, 1), [D]),
    ("norm_p_neg_zeros", lambda m, z: m.norm(z, -1, 1), [ZEROS]),
    ("norm_fro_dim", lambda m, d: m.norm(d, "fro", (1, 2), keepdim=True), [D]),
    ("norm_fro_3dims", lambda m, d: m.norm(d, "fro", (0, 1, 2)), [D]),
    ("norm_nuc", lambda m, a: m.norm(a.double(), "nuc"), [A]),
    ("norm_nuc_dims_keepdim", lambda m, d: m.norm(d, "nuc", (0, 2), keepdim=True), [D]),
    ("norm_nuc_3d", lambda m, d: m.norm(d, "nuc"), [D]),
    ("norm_nuc_1d", lambda m, b: m.norm(b, "nuc"), [B]),
    ("norm_bad_str", lambda m, d: m.norm(d, "abc"), [D]),
    ("norm_dtype", lambda m, a: m.norm(a, dtype=m.float64), [A]),
    ("norm_dtype_narrowing", lambda m, d: m.norm(d, dtype=m.float32), [D]),
    ("norm_dtype_int", lambda m, a: m.norm(a, dtype=m.int64), [A]),
    ("norm_int", lambda m, i: m.norm(i), [I]),
    ("norm_half", lambda m, h: m.norm(h, 2, 1), [H], {"rtol": 1e-3, "atol": 1e-3}),
    ("norm_complex", lambda m, c: (m.norm(c), m.norm(c, 1, 1)), [CPLX], NOGRAD),
    ("norm_empty_inf", lambda m, e: m.norm(e, float("inf")), [E]),
    ("norm_empty_neg", lambda m, e: m.norm(e, -1), [E]),
    ("norm_empty_p1", lambda m, e: m.norm(e, 1), [E]),
    ("norm_empty_other_dim", lambda m, e: m.norm(e, float("inf"), 0), [E]),
    ("norm_method", lambda m, d: d.norm(2, -1, True), [D]),
    ("norm_0d", lambda m, s: m.norm(s), [S]),
    ("dist", lambda m, a, b: m.dist(a, b), [A, B]),
    ("dist_p", lambda m, a, b: (m.dist(a, b, 1), m.dist(a, b, float("inf")), a.dist(b, 3)), [A, B]),
    ("dist_p0", lambda m, a, b: m.dist(a, b, 0), [A, B], NOGRAD),
    ("dist_same", lambda m, t: m.dist(t, t), [TIES]),
    ("dist_int", lambda m, i: m.dist(i, i), [I]),
    # scans
    ("cumsum", lambda m, a: m.cumsum(a, 1), [A]),
    ("cumsum_neg_dim", lambda m, d: d.cumsum(-3), [D]),
    ("cumsum_int32", lambda m, i: m.cumsum(i, 0), [I32]),
    ("cumsum_bool", lambda m, b: m.cumsum(b, 1), [BO]),
    ("cumsum_dtype", lambda m, a: m.cumsum(a, 0, dtype=m.float64), [A]),
    ("cumsum_half", lambda m, h: m.cumsum(h, 1), [H], {"rtol": 1e-3, "atol": 1e-3}),
    ("cumsum_0d", lambda m, s: m.cumsum(s, 0), [S]),
    ("cumsum_empty", lambda m, e: m.cumsum(e, 0), [E]),
    ("cumsum_dim_oor", lambda m, a: m.cumsum(a, 2), [A]),
    ("cumsum_inplace", lambda m, a: (a * 1).cumsum_(1), [A]),
    ("cumsum_inplace_int32", lambda m, i: i.clone().cumsum_(0), [I32]),
    ("cumprod", lambda m, a: m.cumprod(a, 1), [A]),
    ("cumprod_zeros", lambda m, z: m.cumprod(z, 1), [ZEROS]),
    ("cumprod_zeros_dim0", lambda m, z: z.cumprod(0), [ZEROS]),
    ("cumprod_int_bool", lambda m, i, b: (m.cumprod(i, 1), m.cumprod(b, 0)), [I, BO]),
    ("cumprod_inplace", lambda m, z: (z * 1).cumprod_(0), [ZEROS]),
    ("cummax_ties", lambda m, t: m.cummax(t, 1), [TIES]),
    ("cummin_ties", lambda m, t: m.cummin(t, 1), [TIES]),
    ("cummax_dim0", lambda m, d: d.cummax(0), [D]),
    ("cummax_nan", lambda m, x: (m.cummax(x, 1), m.cummin(x, 1)), [NAN]),
    ("cummax_nan_twice", lambda m: m.cummax(m.tensor([1., float("nan"), 3., float("nan"), 0.]), 0), []),
    ("cummin_int", lambda m, i: m.cummin(i, 1), [I]),
    ("cummax_bool", lambda m, b: m.cummax(b, 1), [BO]),
    ("cummax_0d", lambda m, s: m.cummax(s, 0), [S]),
    ("cummax_empty", lambda m, e: m.cummin(e, 0), [E]),
    ("logcumsumexp", lambda m, a: m.logcumsumexp(a, 1), [A]),
    ("logcumsumexp_dim0", lambda m, d: d.logcumsumexp(0), [D]),
    ("logcumsumexp_inf", lambda m, x: m.logcumsumexp(x, 1), [INF]),
    ("logcumsumexp_int", lambda m, i: m.logcumsumexp(i, 1), [I]),
    ("logcumsumexp_0d", lambda m, s: m.logcumsumexp(s, 0), [S]),
    # renorm
    ("renorm", lambda m, a: m.renorm(a, 2, 0, 1.0), [A]),
    ("renorm_p1_dim1", lambda m, d: m.renorm(d, 1, 1, 2.5), [D]),
    ("renorm_inf", lambda m, t: t.renorm(float("inf"), 0, 2.0), [TIES]),
    ("renorm_inplace", lambda m, a: (a * 1).renorm_(2, 1, 0.5), [A]),
    ("renorm_bad_p", lambda m, a: m.renorm(a, 0, 0, 1.0), [A]),
    ("renorm_bad_maxnorm", lambda m, a: m.renorm(a, 2, 0, -1.0), [A]),
    ("renorm_1d", lambda m, b: m.renorm(b, 2, 0, 1.0), [B]),
    ("renorm_int", lambda m, i: m.renorm(i, 2, 0, 1.0), [I]),
    ("renorm_dim_oor", lambda m, a: m.renorm(a, 2, 2, 1.0), [A]),
    # diff
    ("diff", lambda m, a: m.diff(a), [A]),
    ("diff_n2_dim0", lambda m, d: m.diff(d, 2, 0), [D]),
    ("diff_n0", lambda m, a: m.diff(a, 0), [A]),
    ("diff_n_large", lambda m, a: m.diff(a, n=5), [A]),
    ("diff_prepend_append", lambda m, a, b: m.diff(a, dim=0, prepend=b[None], append=a[:1]), [A, B]),
    ("diff_int_float_prepend", lambda m, i, a: m.diff(i, prepend=a[:, :1]), [I, A]),
    ("diff_bool", lambda m, b: m.diff(b, 2), [BO]),
    ("diff_method", lambda m, d: d.diff(dim=1), [D]),
    ("diff_0d", lambda m, s: m.diff(s), [S]),
    ("diff_neg_n", lambda m, a: m.diff(a, -1), [A]),
    ("diff_prepend_ndim", lambda m, a, b: m.diff(a, prepend=b), [A, B]),
    ("diff_prepend_shape", lambda m, a: m.diff(a, dim=0, prepend=a[:, :2]), [A]),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_reduction_ops(case):
    name, fn, arrays, opts = (case + ({},))[:4]
    opts = {"grad": True, **opts}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compare(fn, arrays, what=name, **opts)


@pytest.mark.parametrize("name, fn, dtype", [
    ("sum", lambda m, x, out: m.sum(x, 1, out=out), "float32"),
    ("sum_int", lambda m, x, out: m.sum(x.long(), 0, out=out), "int64"),
    ("max", lambda m, x, out: m.max(x, 1, out=out), None),
    ("cumsum", lambda m, x, out: m.cumsum(x, 0, out=out), "float64"),
    ("amax", lambda m, x, out: m.amax(x, 0, out=out), "float32"),
    ("norm", lambda m, x, out: m.norm(x, 2, 1, out=out), "float32"),
    ("var_mean_no_out", lambda m, x, out: m.var_mean(x, 1, out=out), None),
])
def test_out(name, fn, dtype):
    """out= writes the result (cast to out's dtype) into the given tensors and returns them."""
    for m in (torch, jtorch):
        x = m.tensor(A)
        out = m.empty(0, dtype=getattr(m, dtype)) if dtype else (m.empty(0), m.empty(0, dtype=m.int64))
        if name == "var_mean_no_out":
            with pytest.raises(TypeError):
                fn(m, x, (m.empty(0), m.empty(0)))
            continue
        res = fn(m, x, out)
        if m is torch:
            expected = res
        else:
            outs = out if isinstance(out, tuple) else (out,)
            res_t = res if isinstance(res, tuple) else (res,)
            exp_t = expected if isinstance(expected, tuple) else (expected,)
            assert all(r is o for r, o in zip(res_t, outs)), name
            for r, e in zip(res_t, exp_t):
                assert str(r.dtype) == str(e.dtype) and tuple(r.shape) == tuple(e.shape), name
                np.testing.assert_allclose(np.asarray(r.tolist()), e.tolist(), rtol=1e-5, err_msg=name)


def test_named_tuples_and_grad_fn():
    x = jtorch.tensor(TIES, requires_grad=True)
    r = jtorch.max(x, 1)
    assert type(r).__name__ == "max" and type(r).__module__ == "torch.return_types"
    assert r.values is r[0] and r.indices.dtype is jtorch.int64 and not r.indices.requires_grad
    for name in ("min", "cummax", "cummin", "aminmax"):
        res = getattr(jtorch, name)(x, 1) if name != "aminmax" else jtorch.aminmax(x, dim=1)
        assert type(res).__name__ == name
    assert type(jtorch.var_mean(x)) is tuple
    assert jtorch.sum(x).grad_fn.name() == "SumBackward0"
    assert jtorch.norm(x).grad_fn.name() == "LinalgVectorNormBackward0"
    assert jtorch.max(x).grad_fn.name() == "MaxBackward1"


def test_inplace_scans_need_grad_rules():
    for m in (torch, jtorch):
        leaf = m.ones(3, requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable"):
            leaf.cumsum_(0)
        y = leaf * 2
        y.cumsum_(0)
        y.sum().backward()
        assert leaf.grad.tolist() == [6.0, 4.0, 2.0]


def test_double_backward_through_reductions():
    """create_graph=True: gradients of gradients match torch (custom gradients included)."""
    for fn in (lambda m, x: m.norm(x, 3) + m.std(x, 1).sum(), lambda m, x: m.logsumexp(x, 1).sum(),
               lambda m, x: m.prod(x, 1).sum() + (m.max(x, 1).values ** 2).sum(),
               lambda m, x: m.logcumsumexp(x, 1).sum()):
        res = []
        for m in (torch, jtorch):
            x = m.tensor(D[0], requires_grad=True)
            (g,) = m.autograd.grad(fn(m, x), x, create_graph=True)
            (gg,) = m.autograd.grad((g * g).sum(), x)
            res.append(np.asarray(gg.tolist()))
        np.testing.assert_allclose(res[1], res[0], rtol=1e-6, atol=1e-8)
