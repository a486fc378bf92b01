"""Python indexing (x[idx], x[idx] = v) and the gather/scatter/index ops against torch."""
import warnings

import jax
import numpy as np
import pytest
import torch
from harness import compare

import jtorch

RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 3, 4))                   # float64: gradients are compared too
M = RNG.standard_normal((3, 4))
V = RNG.standard_normal(4)
S = np.array(2.5)
XI = np.arange(24).reshape(2, 3, 4)
XB = XI % 3 == 0
EAGER = {"jit": False}  # boolean-mask reads have data-dependent shapes: eager only (jit raises, tested below)


def _mask(m, x, *dims):
    return x.sum(dims) > 0 if dims else x > 0


# ------------------------------------------------------------------ x[idx]
GET = [
    # ints, slices, None, Ellipsis
    ("int", lambda m, x: x[1]),
    ("neg_int", lambda m, x: x[-1, -2]),
    ("ints_all", lambda m, x: x[1, 2, 3]),
    ("slice", lambda m, x: x[1:]),
    ("slice_step", lambda m, x: x[:, ::2, 1::2]),
    ("slice_neg", lambda m, x: x[:, -2:, :-1]),
    ("slice_empty", lambda m, x: x[:, 2:1]),
    ("slice_past_end", lambda m, x: x[:, 1:10]),
    ("slice_step0", lambda m, x: x[::0]),
    ("slice_negstep", lambda m, x: x[::-1]),
    ("slice_float", lambda m, x: x[0.5:]),
    ("none", lambda m, x: x[None]),
    ("none_mid", lambda m, x: x[0, None, :, None]),
    ("ellipsis", lambda m, x: x[..., 1]),
    ("ellipsis_mid", lambda m, x: x[0, ..., 1]),
    ("ellipsis_none", lambda m, x: x[..., None]),
    ("int_tensor_0d", lambda m, x: x[m.tensor(1), m.tensor(-1)]),
    ("bool_true", lambda m, x: x[True]),
    ("bool_false", lambda m, x: x[False]),
    ("bool_with_int", lambda m, x: x[0, True]),
    ("bool_with_list", lambda m, x: x[[1], True]),
    ("too_many", lambda m, x: x[0, 0, 0, 0]),
    ("int_oob", lambda m, x: x[2]),
    ("int_neg_oob", lambda m, x: x[:, -4]),
    ("float", lambda m, x: x[1.0]),
    ("str", lambda m, x: x["a"]),
    # integer tensors and lists
    ("list", lambda m, x: x[[1, 0, 1]]),
    ("list_neg", lambda m, x: x[:, [-1, 0]]),
    ("list_empty", lambda m, x: x[[]]),
    ("tensor", lambda m, x: x[m.tensor([1, 0])]),
    ("tensor_2d", lambda m, x: x[:, m.tensor([[0, 1], [2, 2]])]),
    ("tensor_int32", lambda m, x: x[m.tensor([1], dtype=m.int32)]),
    ("tensor_float", lambda m, x: x[m.tensor([1.0])]),
    ("tensor_oob", lambda m, x: x[m.tensor([0, 3])]),
    ("tensor_neg_oob", lambda m, x: x[:, :, m.tensor([-5])]),
    ("list_of_lists_is_tuple", lambda m, x: x[[[0, 1], [1, 0]]]),
    ("list_with_slice_is_tuple", lambda m, x: x[[0, slice(None), 1]]),
    ("two_adjacent", lambda m, x: x[:, [0, 1], [2, 3]]),
    ("two_leading", lambda m, x: x[[0, 1], [2, 0]]),
    ("two_separated", lambda m, x: x[[0, 1], :, [1, 3]]),
    ("broadcast_indices", lambda m, x: x[[[0], [1]], :, [0, 1, 2]]),
    ("broadcast_mismatch", lambda m, x: x[[0, 1], [0, 1, 2]]),
    ("int_then_list", lambda m, x: x[0, :, [0, 1]]),           # torch: ints select first
    ("slice_int_list", lambda m, x: x[:, 0, [1, 3]]),
    ("list_slice_int", lambda m, x: x[[1, 0], :, 2]),
    ("list_int_list", lambda m, x: x[[1, 0], 1, [2, 3]]),
    ("none_between", lambda m, x: x[None, [0, 1], None, [0, 2]]),
    ("ellipsis_list", lambda m, x: x[..., [0, 1]]),
    ("list_none", lambda m, x: x[[0, 1], None]),
    ("tensor0d_with_list", lambda m, x: x[:, m.tensor(1), [0, 2]]),
]

GET_MASK = [
    ("mask_full", lambda m, x: x[x > 0]),
    ("mask_dim0", lambda m, x: x[m.tensor([True, False])]),
    ("mask_dims01", lambda m, x: x[x.sum(2) > 0]),
    ("mask_dim1", lambda m, x: x[:, m.tensor([True, False, True])]),
    ("mask_last", lambda m, x: x[..., m.tensor([False, True, True, False])]),
    ("mask_and_list", lambda m, x: x[m.tensor([True, True]), :, [0, 1]]),
    ("mask_0d_true", lambda m, x: x[m.tensor(True)]),
    ("mask_0d_false", lambda m, x: x[:, m.tensor(False)]),
    ("mask_none_selected", lambda m, x: x[x > 100]),
    ("mask_bad_shape", lambda m, x: x[m.tensor([True, False, True])]),
    ("mask_uint8", lambda m, x: x[m.tensor([1, 0], dtype=m.uint8)]),
]


@pytest.mark.parametrize("name,fn", GET, ids=[c[0] for c in GET])
def test_getitem(name, fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch deprecates lists holding slices as tuples
        compare(fn, [X], grad=True, what=name)


@pytest.mark.parametrize("name,fn", GET_MASK, ids=[c[0] for c in GET_MASK])
def test_getitem_mask(name, fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns about uint8 masks
        compare(fn, [X], grad=True, what=name, **EAGER)


@pytest.mark.parametrize("name,fn", [
    ("int_types", lambda m, x: x[1, :, [0, 2]]),
    ("bool_tensor", lambda m, x: x[0]),
    ("mask", lambda m, x: x[x > 10]),
], ids=lambda c: c if isinstance(c, str) else "")
def test_getitem_dtypes(name, fn):
    compare(fn, [XI], what=name, **(EAGER if "mask" in name else {}))
    compare(fn, [XB.astype(np.int64) * 11], what=name, **(EAGER if "mask" in name else {}))


def test_getitem_0d():
    for idx in [None, Ellipsis, (None, None), True, False]:
        compare(lambda m, s, idx=idx: s[idx], [S], grad=True, what=str(idx))
    for idx in [0, slice(None), (0,)]:
        compare(lambda m, s, idx=idx: s[idx], [S], what=str(idx))


def test_getitem_basic_is_view_advanced_is_copy():
    for m in (torch, jtorch):
        x = m.arange(6.0).reshape(2, 3)
        v, c = x[0, 1:], x[[0], 1:]
        x.add_(10)
        assert v.tolist() == [11.0, 12.0] and c.tolist() == [[1.0, 2.0]]
        assert x[m.tensor(1)]._base is x._base  # a 0-d integer tensor selects (a view), as an int


def test_mask_read_under_jit_raises():
    x = jtorch.arange(6.0)
    with pytest.raises(RuntimeError, match="boolean mask"):
        jax.jit(lambda v: jtorch.Tensor._make(v)[jtorch.Tensor._make(v) > 2]._value)(x._value)


# ------------------------------------------------------------------ x[idx] = v
def _set(idx, value):
    def fn(m, x, *vals):
        y = x.clone()
        y[idx(m, y) if callable(idx) else idx] = value(m, *vals) if callable(value) else value
        return y
    return fn


SET = [
    ("int_scalar", _set(1, 3.0), [X]),
    ("int_tensor_value", _set(0, lambda m, v: v), [X, V]),
    ("slice_broadcast", _set((slice(None), 1), lambda m, v: v), [X, V]),
    ("slice_step", _set((slice(None), slice(None, None, 2)), lambda m, m2: m2[:2]), [X, M]),
    ("leading_ones_dropped", _set((0, 0), lambda m, v: v.reshape(1, 1, 4)), [X, V]),
    ("none_ellipsis", _set((None, Ellipsis, 0), lambda m, m2: m2[:, 0]), [X, M]),
    ("list", _set([1, 0], lambda m, m2: m2), [X, M]),
    ("list_scalar", _set((slice(None), [0, 2]), -1.0), [X]),
    ("two_lists", _set(([0, 1], [1, 2]), lambda m, v: v), [X, V]),
    ("separated_lists", _set(([0, 1], slice(None), [1, 3]), lambda m, m2: m2[:2, :3]), [X, M]),
    ("int_then_list", _set((0, slice(None), [0, 1]), lambda m, m2: m2[:, :2]), [X, M]),
    ("slice_int_list", _set((slice(None), 0, [1, 3]), lambda m, v: v[:2]), [X, V]),
    ("bool_true", _set(True, lambda m, v: v), [X, V]),
    ("tensor0d_value", _set((1, 2), lambda m, s: s), [X, S]),
    ("int_value_on_float", _set(0, 7), [X]),
    ("double_value", _set(0, lambda m, v: v.float()), [X, V]),
    ("mask_scalar", _set(lambda m, y: y > 0, 0.0), [X]),
    ("mask_0d_tensor", _set(lambda m, y: y > 0, lambda m, s: s), [X, S]),
    ("mask_dim1_scalar", _set(lambda m, y: (slice(None), m.tensor([True, False, True])), 9.0), [X]),
    ("mask_ellipsis", _set(lambda m, y: (Ellipsis, m.tensor([True, False, True, False])), 9.0), [X]),
    ("mask_leading", _set(lambda m, y: y.sum(2) > 0, lambda m, s: s), [X, S]),
    ("mask_bad_shape", _set(lambda m, y: m.tensor([True, False, True]), 1.0), [X]),
    # errors
    ("bad_shape", _set(0, lambda m, v: v[:3]), [X, V]),
    ("bad_shape_adv", _set([0], lambda m, v: v[:2]), [X, V]),
    ("too_big", _set(0, lambda m, x2: x2), [X, X]),
    ("oob", _set(2, 1.0), [X]),
    ("oob_tensor", _set(lambda m, y: m.tensor([5]), 1.0), [X]),
    ("negstep", _set(slice(None, None, -1), 1.0), [X]),
    ("list_value", _set(0, [1.0, 2.0]), [X]),
]

SET_MASK = [  # data-dependent number of written elements: eager only
    ("mask_values", _set(lambda m, y: y > 0, lambda m, v: v.repeat(6)[:int((X > 0).sum())]), [X, V]),
    ("mask_rows", _set(lambda m, y: m.tensor([False, True]), lambda m, m2: m2), [X, M]),
    ("mask_and_list", _set(lambda m, y: (m.tensor([True, True]), slice(None), [0, 1]), lambda m, m2: m2[0, :2]),
     [X, M]),
]


@pytest.mark.parametrize("name,fn,arrays", SET, ids=[c[0] for c in SET])
def test_setitem(name, fn, arrays):
    compare(fn, arrays, grad=True, what=name)


@pytest.mark.parametrize("name,fn,arrays", SET_MASK, ids=[c[0] for c in SET_MASK])
def test_setitem_mask(name, fn, arrays):
    compare(fn, arrays, grad=True, what=name, **EAGER)


def _iadd(idx):
    def fn(m, x, v):
        y = x.clone()
        y[idx] += v
        return y
    return fn


@pytest.mark.parametrize("idx", [0, (slice(None), 1), ([0, 1], [2, 0]), (Ellipsis, 2)], ids=str)
def test_setitem_iadd(idx):
    compare(_iadd(idx), [X, V[:1]], grad=True)


def test_setitem_versions_and_aliases():
    out = []
    for m in (torch, jtorch):
        x = m.arange(6.0).reshape(2, 3)
        v = x[1]
        x[1, 1:] += 1             # a view's add_ and the write back: two versions, as torch
        x[[0, 1], [0, 0]] += 1
        x[x > 100] = 0.0
        out.append((x.tolist(), v.tolist(), x._version))
    assert out[0] == out[1]


def test_mask_setitem_under_jit():
    from jtorch.testing import assert_jit_matches

    def f(x):
        y = x.clone()
        y[y > 2] = 0.0
        y[:, y[0] > 0] = -1.0
        return y
    assert_jit_matches(f, jtorch.arange(6.0).reshape(2, 3))


# ------------------------------------------------------------------ gather/scatter and the index ops
IDX2 = np.array([[0, 1, 0, 1], [1, 1, 0, 0], [0, 0, 0, 1]])   # index into dim 0 of M[:2] / into X's dim 0
TIES = np.array([[1.0, 3.0, 3.0, 0.0], [3.0, 1.0, 2.0, 0.0]])  # ties for amax/amin gradients
ZEROS = np.array([[0.0, 2.0, 0.0, 3.0], [0.0, 0.0, 4.0, 5.0]])  # zeros for prod gradients


def _t(m, a):
    return m.tensor(a)


OPS = [
    # index_select
    ("index_select", lambda m, x: m.index_select(x, 1, _t(m, [2, 0, 2])), [X]),
    ("index_select_neg_dim", lambda m, x: x.index_select(-1, _t(m, [3])), [X]),
    ("index_select_0d_index", lambda m, x: x.index_select(0, _t(m, 1)), [X]),
    ("index_select_empty", lambda m, x: x.index_select(2, _t(m, [], )), [X]),
    ("index_select_int32", lambda m, x: x.index_select(1, _t(m, [1]).int()), [X]),
    ("index_select_0d", lambda m, s: s.index_select(0, _t(m, [0])), [S]),
    ("index_select_oob", lambda m, x: x.index_select(0, _t(m, [2])), [X]),
    ("index_select_neg", lambda m, x: x.index_select(0, _t(m, [-1])), [X]),
    ("index_select_float", lambda m, x: x.index_select(0, _t(m, [0.0])), [X]),
    ("index_select_2d", lambda m, x: x.index_select(0, _t(m, [[0]])), [X]),
    ("index_select_out", lambda m, x: m.index_select(x, 0, _t(m, [1]), out=m.empty(0, dtype=m.float64)), [X]),
    # gather
    ("gather", lambda m, mm: m.gather(mm, 0, _t(m, IDX2)), [M]),
    ("gather_dim1", lambda m, mm: mm.gather(1, _t(m, [[3, 0], [1, 1], [2, 2]])), [M]),
    ("gather_small", lambda m, mm: mm.gather(1, _t(m, [[1]])), [M]),
    ("gather_0d", lambda m, s: s.gather(0, _t(m, 0)), [S]),
    ("gather_int", lambda m, xi: xi.gather(2, _t(m, [[[3, 0]]])), [XI]),
    ("gather_oob", lambda m, mm: mm.gather(0, _t(m, [[3]])), [M]),
    ("gather_neg", lambda m, mm: mm.gather(0, _t(m, [[-1]])), [M]),
    ("gather_ndim", lambda m, mm: mm.gather(0, _t(m, [0])), [M]),
    ("gather_big", lambda m, mm: mm.gather(0, _t(m, [[0] * 5])), [M]),
    ("gather_empty_uint8", lambda m, mm: mm.gather(1, m.zeros(3, 0, dtype=m.uint8)), [M]),
    # scatter / scatter_add
    ("scatter_src", lambda m, mm, v: mm.scatter(0, _t(m, [[2, 0, 1, 2]]), v.reshape(1, 4)), [M, V]),
    ("scatter_value", lambda m, mm: mm.scatter(1, _t(m, [[0], [3], [1]]), 5.0), [M]),
    ("scatter_fn_value", lambda m, mm: m.scatter(mm, 1, _t(m, [[0], [3], [1]]), value=-1.0), [M]),
    ("scatter_inplace", lambda m, mm: mm.clone().scatter_(0, _t(m, [[1, 0]]), 2.0), [M]),
    # torch's backward fails when src is bigger than index ("invalid gradient"): values only
    ("scatter_src_bigger", lambda m, mm, m2: mm.scatter(0, _t(m, [[2, 0]]), m2), [M, M], {"grad": False}),
    ("scatter_add", lambda m, mm, m2: mm.scatter_add(0, _t(m, IDX2), m2), [M, M]),
    ("scatter_add_fn", lambda m, mm, m2: m.scatter_add(mm, 1, _t(m, [[0, 0], [1, 1], [3, 0]]), m2), [M, M],
     {"grad": False}),
    ("scatter_add_dup", lambda m, mm, m2: m.scatter_add(mm, 1, _t(m, [[0, 0], [1, 1], [3, 0]]), m2[:, :2]), [M, M]),
    ("scatter_dup", lambda m, mm, m2: m.scatter(mm, 1, _t(m, [[0, 0], [1, 1], [3, 0]]), m2[:, :2]), [M, M]),
    ("scatter_add_", lambda m, mm, m2: mm.clone().scatter_add_(0, _t(m, IDX2), m2), [M, M]),
    # torch has no derivative for scatter(reduce=...)
    ("scatter_reduce_add", lambda m, mm, m2: mm.scatter(0, _t(m, IDX2), m2, reduce="add"), [M, M], {"grad": False}),
    ("scatter_reduce_multiply", lambda m, mm, m2: mm.scatter(0, _t(m, IDX2), m2, reduce="multiply"), [M, M],
     {"grad": False}),
    ("scatter_0d", lambda m, s: s.scatter(0, _t(m, 0), 1.0), [S]),
    ("scatter_oob", lambda m, mm: mm.scatter(0, _t(m, [[3]]), 1.0), [M]),
    ("scatter_neg", lambda m, mm: mm.scatter(0, _t(m, [[-1]]), 1.0), [M]),
    ("scatter_dtype", lambda m, mm: mm.scatter(0, _t(m, [[1]]), mm.float()), [M]),
    ("scatter_ndim", lambda m, mm: mm.scatter(0, _t(m, [1]), mm), [M]),
    ("scatter_src_small", lambda m, mm: mm.scatter(0, _t(m, [[1, 1, 1]]), mm[:1, :2]), [M]),
    ("scatter_bad_reduce", lambda m, mm: mm.scatter(0, _t(m, [[1]]), mm, reduce="max"), [M]),
    # scatter_reduce
    *[(f"scatter_reduce_{r}{'' if inc else '_noself'}",
       (lambda red, own: lambda m, mm, src: mm.scatter_reduce(0, _t(m, IDX2), src, red, include_self=own))(r, inc),
       [M, M]) for r in ("sum", "prod", "mean", "amax", "amin") for inc in (True, False)],
    ("scatter_reduce_amax_ties", lambda m, t, src: t.scatter_reduce(1, _t(m, [[0, 1, 1, 0], [2, 2, 0, 0]]), src,
                                                                      "amax"), [TIES, TIES[::-1].copy()]),
    ("scatter_reduce_amin_ties", lambda m, t, src: t.scatter_reduce(1, _t(m, [[0, 1, 1, 0], [2, 2, 0, 0]]), src,
                                                                      "amin", include_self=False),
     [TIES, TIES[::-1].copy()]),
    ("scatter_reduce_prod_zeros", lambda m, z, src: z.scatter_reduce(1, _t(m, [[0, 1, 1, 0], [2, 2, 3, 3]]), src,
                                                                       "prod"), [ZEROS, ZEROS[::-1].copy()]),
    ("scatter_reduce_prod_zeros_noself", lambda m, z, src: z.scatter_reduce(
        1, _t(m, [[0, 1, 1, 0], [2, 2, 3, 3]]), src, "prod", include_self=False), [ZEROS, ZEROS[::-1].copy()]),
    ("scatter_reduce_int_mean", lambda m, xi: xi.scatter_reduce(2, _t(m, [[[0, 0, 1, 1]]]).expand(2, 3, 4),
                                                                 -xi, "mean"), [XI]),
    ("scatter_reduce_int_amax", lambda m, xi: xi.scatter_reduce(0, _t(m, [[[1, 0, 1, 0]]]), xi * 2, "amax"), [XI]),
    ("scatter_reduce_bool", lambda m, xb: xb.scatter_reduce(1, _t(m, [[[0, 0, 1, 1]]]), ~xb, "sum"), [XB]),
    ("scatter_reduce_0d", lambda m, s: s.scatter_reduce(0, _t(m, 0), s * 3, "prod"), [S]),
    ("scatter_reduce_", lambda m, mm, src: mm.clone().scatter_reduce_(0, _t(m, IDX2), src, "amax"), [M, M]),
    ("scatter_reduce_out", lambda m, mm, src: m.scatter_reduce(mm, 0, _t(m, IDX2), src, "sum",
                                                               out=m.empty(0, dtype=m.float64)), [M, M]),
    ("scatter_reduce_bad", lambda m, mm, src: mm.scatter_reduce(0, _t(m, IDX2), src, "foo"), [M, M]),
    ("scatter_reduce_dtype", lambda m, mm: mm.scatter_reduce(0, _t(m, IDX2), mm.float(), "sum"), [M]),
    ("scatter_reduce_oob", lambda m, mm: mm.scatter_reduce(0, _t(m, [[3]]), mm, "sum"), [M]),
    # index_add / index_copy / index_fill
    ("index_add", lambda m, x, mm: x.index_add(1, _t(m, [2, 0, 2]), mm.expand(2, 3, 4)), [X, M]),
    ("index_add_alpha", lambda m, x, mm: m.index_add(x, 1, _t(m, [1, 0, 2]), mm.expand(2, 3, 4), alpha=-0.5),
     [X, M]),
    ("index_add_int_alpha", lambda m, xi: xi.index_add(2, _t(m, [0, 0]), xi[..., :2], alpha=2), [XI]),
    ("index_add_int32_index", lambda m, x: x.index_add(0, _t(m, [1]).int(), x[:1]), [X]),
    ("index_add_0d_index", lambda m, mm: mm.index_add(0, _t(m, 1), mm[:1]), [M]),
    ("index_add_0d", lambda m, s: s.index_add(0, _t(m, [0]), s * 2), [S]),
    ("index_add_bool", lambda m, xb: xb.index_add(0, _t(m, [1]), xb[:1]), [XB]),
    ("index_add_", lambda m, x, mm: x.clone().index_add_(1, _t(m, [2, 0, 2]), mm.expand(2, 3, 4)), [X, M]),
    ("index_add_out", lambda m, mm: m.index_add(mm, 0, _t(m, [0]), mm[:1], out=m.empty(0, dtype=m.float64)), [M]),
    ("index_add_dtype", lambda m, mm: mm.index_add(0, _t(m, [0]), mm[:1].float()), [M]),
    ("index_add_float_index", lambda m, mm: mm.index_add(0, _t(m, [0.0]), mm[:1]), [M]),
    ("index_add_2d_index", lambda m, mm: mm.index_add(0, _t(m, [[0]]), mm[:1]), [M]),
    ("index_add_count", lambda m, mm: mm.index_add(0, _t(m, [0, 1]), mm[:1]), [M]),
    ("index_add_shape", lambda m, mm: mm.index_add(0, _t(m, [0]), mm[:1, :2]), [M]),
    ("index_add_oob", lambda m, mm: mm.index_add(0, _t(m, [3]), mm[:1]), [M]),
    ("index_add_neg", lambda m, mm: mm.index_add(0, _t(m, [-1]), mm[:1]), [M]),
    ("index_copy", lambda m, x, mm: x.index_copy(1, _t(m, [2, 0]), mm[:2].expand(2, 2, 4)), [X, M]),
    ("index_copy_fn", lambda m, mm, v: m.index_copy(mm, 1, _t(m, [3]), v[:3, None]), [M, V]),
    ("index_copy_", lambda m, mm, v: mm.clone().index_copy_(0, _t(m, [1]), v[None]), [M, V]),
    ("index_copy_0d", lambda m, s: s.index_copy(0, _t(m, [0]), s * 3), [S]),
    ("index_copy_int32", lambda m, mm: mm.index_copy(0, _t(m, [1]).int(), mm[:1]), [M]),
    ("index_copy_dtype", lambda m, mm: mm.index_copy(0, _t(m, [1]), mm[:1].float()), [M]),
    ("index_copy_count", lambda m, mm: mm.index_copy(0, _t(m, [0, 1]), mm[:1]), [M]),
    ("index_copy_oob", lambda m, mm: mm.index_copy(0, _t(m, [3]), mm[:1]), [M]),
    ("index_copy_ndim", lambda m, mm: mm.index_copy(0, _t(m, 0), mm[0]), [M]),
    ("index_fill", lambda m, x: x.index_fill(2, _t(m, [0, 3]), -1.0), [X]),
    ("index_fill_neg", lambda m, x: m.index_fill(x, 1, _t(m, [-1]), 7), [X]),
    ("index_fill_tensor", lambda m, x, s: x.index_fill(0, _t(m, [1]), s), [X, S]),
    ("index_fill_int", lambda m, xi: xi.index_fill(1, _t(m, [0]), 2.7), [XI]),
    ("index_fill_bool", lambda m, xb: xb.index_fill(0, _t(m, [0]), True), [XB]),
    ("index_fill_0d", lambda m, s: s.index_fill(0, _t(m, [0]), 3), [S]),
    ("index_fill_0d_index", lambda m, mm: mm.index_fill(0, _t(m, 0), 3), [M]),
    ("index_fill_", lambda m, mm: mm.clone().index_fill_(1, _t(m, [1, 2]), 0.5), [M]),
    ("index_fill_int32", lambda m, mm: mm.index_fill(0, _t(m, [0]).int(), 3), [M]),
    ("index_fill_1d_value", lambda m, mm: mm.index_fill(0, _t(m, [0]), _t(m, [1.0])), [M]),
    ("index_fill_oob", lambda m, mm: mm.index_fill(0, _t(m, [3]), 1), [M]),
    # index_reduce
    *[(f"index_reduce_{r}{'' if inc else '_noself'}",
       (lambda red, own: lambda m, x, src: x.index_reduce(1, _t(m, [2, 0, 2]), src, red, include_self=own))(r, inc),
       [X, X]) for r, inc in (("prod", True), ("prod", False), ("mean", True), ("mean", False), ("amax", True),
                              ("amin", False))],
    ("index_reduce_amax_ties", lambda m, t, src: t.index_reduce(0, _t(m, [1, 1]), src, "amax"),
     [TIES, TIES[::-1].copy()]),
    ("index_reduce_prod_zeros", lambda m, z, src: z.index_reduce(1, _t(m, [0, 0, 1, 1]), src, "prod"),
     [ZEROS, ZEROS[::-1].copy()]),
    ("index_reduce_int_mean", lambda m, xi: xi.index_reduce(0, _t(m, [0, 0]), -xi, "mean"), [XI]),
    ("index_reduce_int_mean_noself", lambda m, xi: xi.index_reduce(0, _t(m, [0, 0]), -xi, "mean",
                                                                    include_self=False), [XI]),
    ("index_reduce_", lambda m, mm: mm.clone().index_reduce_(0, _t(m, [2, 2, 0]), mm, "amin"), [M]),
    ("index_reduce_sum", lambda m, mm: mm.index_reduce(0, _t(m, [0]), mm[:1], "sum"), [M]),
    ("index_reduce_shape", lambda m, mm: mm.index_reduce(0, _t(m, [0]), mm[:1, :2], "prod"), [M]),
    ("index_reduce_oob", lambda m, mm: mm.index_reduce(0, _t(m, [3]), mm[:1], "prod"), [M]),
    # index_put
    ("index_put", lambda m, x, v: x.index_put((_t(m, [0, 1]), _t(m, [2, 0])), v), [X, V]),
    ("index_put_list", lambda m, x: m.index_put(x, [_t(m, [1])], _t(m, 2.0).double()), [X]),
    ("index_put_acc", lambda m, x, v: x.index_put((_t(m, [0, 0, 1]), _t(m, [2, 2, 2])), v, accumulate=True),
     [X, V]),
    ("index_put_", lambda m, x, mm: x.clone().index_put_((_t(m, [1]),), mm), [X, M]),
    ("index_put_acc_", lambda m, x, mm: x.clone().index_put_((_t(m, [1, 1]),), mm, True), [X, M]),
    ("index_put_none", lambda m, x, v: x.index_put((None, _t(m, [0])), v), [X, V]),
    ("index_put_dtype", lambda m, x, v: x.index_put((_t(m, [0]),), v.float()), [X, V]),
    ("index_put_too_many", lambda m, mm, s: mm.index_put((_t(m, [0]),) * 3, s), [M, S]),
    ("index_put_oob", lambda m, mm, s: mm.index_put((_t(m, [5]),), s), [M, S]),
    ("index_put_shape", lambda m, mm, v: mm.index_put((_t(m, [0]),), v[:2]), [M, V]),
    ("index_put_tensor_arg", lambda m, mm, v: mm.index_put(_t(m, [0]), v), [M, V]),
    # masked_fill / masked_scatter / masked_select
    ("masked_fill", lambda m, x: x.masked_fill(x > 0, 1.5), [X]),
    ("masked_fill_tensor", lambda m, x, s: m.masked_fill(x, x < 0, s), [X, S]),
    ("masked_fill_bcast", lambda m, x, v: x.masked_fill(v > 0, -2.0), [X, V]),
    ("masked_fill_bcast_input", lambda m, v, x: v.masked_fill(x > 0, 3.0), [V, X]),
    ("masked_fill_int", lambda m, xi: xi.masked_fill(xi > 5, 2.5), [XI]),
    ("masked_fill_int_tensor", lambda m, xi: xi.masked_fill(xi > 5, _t(m, 2.5)), [XI]),
    ("masked_fill_bool", lambda m, xb: xb.masked_fill(~xb, True), [XB]),
    ("masked_fill_0d", lambda m, s: s.masked_fill(s > 0, 0.0), [S]),
    ("masked_fill_", lambda m, x, v: x.clone().masked_fill_(v > 0, 0.0), [X, V]),
    ("masked_fill__bcast_bad", lambda m, v, x: v.clone().masked_fill_(x > 0, 0.0), [V, X]),
    ("masked_fill_uint8", lambda m, x: x.masked_fill((x > 0).byte(), 0.0), [X]),
    ("masked_fill_1d_value", lambda m, x, v: x.masked_fill(x > 0, v[:1]), [X, V]),
    ("masked_fill_bad_shape", lambda m, x: x.masked_fill(m.ones(3, dtype=m.bool), 0.0), [X]),
    ("masked_fill_overflow", lambda m, x: x.float().masked_fill(x > 0, 1e100), [X]),
    ("masked_fill_int_overflow", lambda m, xi: xi.int().masked_fill(xi > 0, 2 ** 40), [XI]),
    ("masked_fill_inf", lambda m, x: x.float().masked_fill(x > 0, float("-inf")), [X]),
    ("masked_fill_complex", lambda m, x: x.masked_fill(x > 0, 1j), [X]),
    ("masked_fill_complex_tensor", lambda m, xi: xi.masked_fill(xi > 0, _t(m, 1 + 1j)), [XI]),
    ("masked_fill_uint8_wraps", lambda m, xi: xi.byte().masked_fill(xi > 3, -1), [XI]),
    ("masked_scatter", lambda m, x, src: x.masked_scatter(x > 0, src), [X, X]),
    ("masked_scatter_bcast", lambda m, x, v, src: x.masked_scatter(v > 0, src), [X, V, X]),
    ("masked_scatter_bcast_input", lambda m, v, x, src: v.masked_scatter(x > 0, src), [V, X, X]),
    ("masked_scatter_", lambda m, mm, src: mm.clone().masked_scatter_(mm < 0, src), [M, X]),
    ("masked_scatter_0d", lambda m, s, v: s.masked_scatter(s > 0, v), [S, V]),
    ("masked_scatter_int", lambda m, xi: xi.masked_scatter(xi % 2 == 0, -xi), [XI]),
    ("masked_scatter_short", lambda m, x, v: x.masked_scatter(x > -100, v), [X, V]),
    ("masked_scatter_dtype", lambda m, x: x.masked_scatter(x > 0, x.float()), [X]),
    ("masked_scatter_uint8", lambda m, x: x.masked_scatter((x > 0).byte(), x), [X]),
    ("masked_scatter__bcast_bad", lambda m, v, x: v.clone().masked_scatter_(x > 0, x), [V, X]),
    ("masked_select", lambda m, x: x.masked_select(x > 0), [X], EAGER),
    ("masked_select_bcast", lambda m, x, v: m.masked_select(x, v > 0), [X, V], EAGER),
    ("masked_select_bcast_input", lambda m, v, x: v.masked_select(x > 0), [V, X], EAGER),
    ("masked_select_uint8", lambda m, x: x.masked_select((x > 0).byte()), [X], EAGER),
    ("masked_select_bad", lambda m, x, v: x.masked_select(v[:3] > 0), [X, V], EAGER),
    # take / take_along_dim / put
    ("take", lambda m, x: x.take(_t(m, [[0, 23], [-1, 5]])), [X]),
    ("take_0d", lambda m, s: m.take(s, _t(m, [0, 0])), [S]),
    ("take_oob", lambda m, x: x.take(_t(m, [24])), [X]),
    ("take_int32", lambda m, x: x.take(_t(m, [1]).int()), [X]),
    ("take_along_dim", lambda m, mm: mm.take_along_dim(_t(m, IDX2[:, :1]).clamp(0, 2), 0), [M]),
    ("take_along_dim_bcast", lambda m, x: m.take_along_dim(x, _t(m, [[[1, 0]]]), -1), [X]),
    ("take_along_dim_none", lambda m, x: x.take_along_dim(_t(m, [3, 0, 23])), [X]),
    ("take_along_dim_int32", lambda m, x: x.take_along_dim(_t(m, [[[1]]]).int(), 0), [X]),
    ("take_along_dim_ndim", lambda m, x: x.take_along_dim(_t(m, [1]), 0), [X]),
    ("take_along_dim_neg", lambda m, x: x.take_along_dim(_t(m, [[[-1, -4]]]), 2), [X]),
    ("put", lambda m, x, v: x.put(_t(m, [0, 23, -1, 5]), v), [X, V]),
    ("put_acc", lambda m, x, v: m.put(x, _t(m, [[1, 1], [1, 2]]), v.reshape(2, 2), accumulate=True), [X, V]),
    ("put_", lambda m, mm, v: mm.clone().put_(_t(m, [2, 3, 4]), v[:3]), [M, V]),
    ("put_0d", lambda m, s: s.put(_t(m, 0), s * 2), [S]),
    ("put_empty", lambda m, mm: mm.put(_t(m, []).long(), mm[:0, 0]), [M]),
    ("put_oob", lambda m, mm, v: mm.put(_t(m, [12]), v[:1]), [M, V]),
    ("put_count", lambda m, mm, v: mm.put(_t(m, [1, 2]), v[:1]), [M, V]),
    ("put_dtype", lambda m, mm, v: mm.put(_t(m, [1]), v[:1].float()), [M, V]),
    ("put_int32", lambda m, mm, v: mm.put(_t(m, [1]).int(), v[:1]), [M, V]),
    # nonzero / argwhere
    ("nonzero", lambda m, x: (x > 0).nonzero(), [X], EAGER),
    ("nonzero_tuple", lambda m, x: m.nonzero(x > 0, as_tuple=True), [X], EAGER),
    ("nonzero_0d", lambda m, s: m.nonzero(s), [S], EAGER),
    ("nonzero_0d_false_tuple", lambda m, s: m.nonzero(s * 0, as_tuple=True), [S], EAGER),
    ("nonzero_empty", lambda m, x: m.nonzero(x[:0]), [X], EAGER),
    ("argwhere", lambda m, xi: m.argwhere(xi % 5 == 0), [XI], EAGER),
    ("where_1arg", lambda m, mm: m.where(mm > 0), [M], EAGER),
]


@pytest.mark.parametrize("case", OPS, ids=[c[0] for c in OPS])
def test_index_ops(case):
    name, fn, arrays, opts = (case + ({},))[:4]
    opts = {"grad": True, **opts}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # index_reduce is "in beta"; uint8 masks are deprecated
        compare(fn, arrays, what=name, **opts)


def test_index_reduce_warns_beta():
    with pytest.warns(UserWarning, match="beta"):
        jtorch.ones(2).index_reduce(0, jtorch.tensor([0]), jtorch.ones(1), "prod")


def test_nonzero_under_jit_raises():
    x = jtorch.arange(3.0)
    with pytest.raises(RuntimeError, match="nonzero"):
        jax.jit(lambda v: jtorch.nonzero(jtorch.Tensor._make(v))._value)(x._value)


def test_index_ops_under_jit_take_traced_indices():
    from jtorch.testing import assert_jit_matches
    x, i = jtorch.arange(12.0).reshape(3, 4), jtorch.tensor([[2, 0, 1, 2]])
    assert_jit_matches(lambda a, b: (a.gather(0, b), a.scatter_add(0, b, a), a.scatter_reduce(0, b, a, "amax"),
                                     a.index_add(1, b[0], a), a.put(b, a[0], accumulate=True), a[b[0], 1:]), x, i)
