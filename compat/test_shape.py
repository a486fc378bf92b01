"""Joining, tiling, flipping, diagonal and broadcasting ops against torch (jtorch/ops/shape.py)."""
import warnings

import numpy as np
import pytest
import torch
from harness import assert_same, compare

import jtorch

RNG = np.random.default_rng(0)
A = RNG.standard_normal((2, 3))                      # float64: gradients are compared too
B = RNG.standard_normal((2, 3))
C = RNG.standard_normal((3, 3))
V = RNG.standard_normal(3)
S = np.array(1.5)
E = np.zeros(0)                                      # the legacy empty 1-d tensor
E23 = np.zeros((0, 3))
I = np.arange(6).reshape(2, 3)                       # int64
BO = I % 2 == 0
F32 = A.astype(np.float32)
F16 = A.astype(np.float16)
X3 = RNG.standard_normal((2, 3, 4))
CB = RNG.standard_normal((2, 1, 3))

EAGER = {"jit": False}  # data-dependent output sizes: under jax.jit these raise (tested below)

CASES = [
    # cat / concat / concatenate
    ("cat", lambda m, a, b: m.cat([a, b]), [A, B]),
    ("cat_dim1", lambda m, a, b: m.cat((a, b), 1), [A, B]),
    ("cat_negdim", lambda m, a, b: m.cat([a, b, a], dim=-1), [A, B]),
    ("cat_one", lambda m, a: m.cat([a]), [A]),
    ("cat_promote", lambda m, a, i: m.cat([i, a]), [A, I]),
    ("cat_bool_int", lambda m, b, i: m.cat([b, i]), [BO, I]),
    ("cat_half_int", lambda m, h, i: m.cat([h, i]), [F16, I]),
    ("cat_f32_f64", lambda m, f, a: m.cat([f, a]), [F32, A]),
    ("cat_legacy_empty", lambda m, e, a: m.cat([e, a, e], 1), [E, A]),
    ("cat_legacy_empty_long", lambda m, e, i: m.cat([e, i]), [E, I]),
    ("cat_all_empty", lambda m, e: m.cat([e, e], 5), [E]),
    ("cat_empty_2d", lambda m, e, a: m.cat([e, a]), [E23, A]),
    ("cat_empty_2d_bad", lambda m, a: m.cat([m.zeros(0, 4, dtype=m.float64), a]), [A]),
    ("cat_0d", lambda m, s: m.cat([s, s]), [S]),
    ("cat_sizes", lambda m, a, c: m.cat([a, c], 1), [A, C]),
    ("cat_ndim", lambda m, a, v: m.cat([a, v]), [A, V]),
    ("cat_dim_oor", lambda m, a: m.cat([a, a], 2), [A]),
    ("cat_empty_list", lambda m: m.cat([]), []),
    ("cat_tensor_arg", lambda m, a: m.cat(a), [A]),
    ("concat", lambda m, a, b: m.concat([a, b], 1), [A, B]),
    ("concatenate", lambda m, a, b: m.concatenate([a, b], axis=1), [A, B]),
    # stack and friends
    ("stack", lambda m, a, b: m.stack([a, b]), [A, B]),
    ("stack_dim2", lambda m, a, b: m.stack([a, b], 2), [A, B]),
    ("stack_negdim", lambda m, a, b: m.stack([a, b], -2), [A, B]),
    ("stack_0d", lambda m, s: m.stack([s, s * 2]), [S]),
    ("stack_promote", lambda m, a, i: m.stack([i, a]), [A, I]),
    ("stack_sizes", lambda m, a, c: m.stack([a, c]), [A, C]),
    ("stack_dim_oor", lambda m, a: m.stack([a, a], 3), [A]),
    ("stack_empty", lambda m: m.stack([]), []),
    ("hstack", lambda m, a, c: m.hstack([a, c.t()[:2]]), [A, C]),
    ("hstack_1d", lambda m, v: m.hstack([v, v]), [V]),
    ("hstack_0d", lambda m, s, v: m.hstack([s, v]), [S, V]),
    ("hstack_bad", lambda m, a, v: m.hstack([a, v]), [A, V]),
    ("hstack_empty", lambda m: m.hstack([]), []),
    ("vstack", lambda m, a, v: m.vstack([a, v, a]), [A, V]),
    ("vstack_0d", lambda m, s: m.vstack([s, s]), [S]),
    ("row_stack", lambda m, a, v: m.row_stack((a, v)), [A, V]),
    ("dstack", lambda m, a, b: m.dstack([a, b]), [A, B]),
    ("dstack_1d", lambda m, v, i: m.dstack([v, i[0]]), [V, I]),
    ("dstack_3d", lambda m, x, a: m.dstack([x, a]), [X3, A]),
    ("column_stack", lambda m, v, c: m.column_stack([v, c, v]), [V, C]),
    ("column_stack_0d", lambda m, s: m.column_stack([s, s]), [S]),
    ("column_stack_bad", lambda m, v, a: m.column_stack([v, a]), [V, A]),
    # flips, rotations, rolls
    ("flip", lambda m, x: m.flip(x, [0, 2]), [X3]),
    ("flip_int", lambda m, x: x.flip(-1), [X3]),
    ("flip_none", lambda m, a: m.flip(a, []), [A]),
    ("flip_kw", lambda m, a: m.flip(a, dims=[1]), [A]),
    ("flip_method_kw", lambda m, x: x.flip(dims=(0, 2)), [X3]),
    ("flip_method_list", lambda m, x: x.flip([1, 0]), [X3]),
    ("flip_0d", lambda m, s: m.flip(s, [0]), [S]),
    ("flip_int64", lambda m, i: m.flip(i, (1,)), [I]),
    ("flip_dup", lambda m, a: m.flip(a, [0, -2]), [A]),
    ("flip_oor", lambda m, a: m.flip(a, [2]), [A]),
    ("fliplr", lambda m, x: m.fliplr(x), [X3]),
    ("fliplr_1d", lambda m, v: m.fliplr(v), [V]),
    ("flipud", lambda m, v: v.flipud(), [V]),
    ("flipud_0d", lambda m, s: m.flipud(s), [S]),
    ("rot90", lambda m, a: m.rot90(a), [A]),
    ("rot90_k2", lambda m, a: a.rot90(2), [A]),
    ("rot90_k3", lambda m, x: m.rot90(x, 3, [2, 0]), [X3]),
    ("rot90_kneg", lambda m, i: m.rot90(i, -1, [1, 0]), [I]),
    ("rot90_k0", lambda m, a: m.rot90(a, 0), [A]),
    ("rot90_1d", lambda m, v: m.rot90(v), [V]),
    ("rot90_3dims", lambda m, a: m.rot90(a, 1, [0, 1, 1]), [A]),
    ("rot90_same", lambda m, a: m.rot90(a, 1, [0, -2]), [A]),
    ("roll_flat", lambda m, a: m.roll(a, 1), [A]),
    ("roll_flat_neg", lambda m, i: m.roll(i, -7), [I]),
    ("roll_dim", lambda m, a: a.roll(2, 1), [A]),
    ("roll_dims", lambda m, x: m.roll(x, (1, -1), (0, 2)), [X3]),
    ("roll_same_dim", lambda m, i: m.roll(i, (1, 1), (1, 1)), [I]),
    ("roll_empty", lambda m, e: m.roll(e, 1, 0), [E23]),
    ("roll_0d", lambda m, s: m.roll(s, 1), [S]),
    ("roll_0d_dim", lambda m, s: m.roll(s, 1, 0), [S]),
    ("roll_mismatch", lambda m, a: m.roll(a, (1, 2), (0,)), [A]),
    ("roll_noshift", lambda m, a: m.roll(a, ()), [A]),
    # repeat, tile, repeat_interleave
    ("repeat", lambda m, a: a.repeat(2, 1), [A]),
    ("repeat_more", lambda m, a: a.repeat(2, 1, 3), [A]),
    ("repeat_tuple", lambda m, i: i.repeat((1, 2)), [I]),
    ("repeat_zero", lambda m, a: a.repeat(2, 0), [A]),
    ("repeat_0d", lambda m, s: s.repeat(3), [S]),
    ("repeat_fewer", lambda m, a: a.repeat(2), [A]),
    ("repeat_neg", lambda m, a: a.repeat(2, -1), [A]),
    ("tile", lambda m, a: m.tile(a, (2,)), [A]),
    ("tile_more", lambda m, a: a.tile(2, 1, 2), [A]),
    ("tile_empty", lambda m, a: a.tile(()), [A]),
    ("tile_neg", lambda m, a: a.tile(-2), [A]),
    ("ri_int", lambda m, a: m.repeat_interleave(a, 2), [A]),
    ("ri_int_dim", lambda m, a: a.repeat_interleave(3, dim=1), [A]),
    ("ri_int_negdim", lambda m, i: m.repeat_interleave(i, 2, -2), [I]),
    ("ri_int_output_size", lambda m, a: m.repeat_interleave(a, 2, 0, output_size=4), [A]),
    ("ri_int_bad_output_size", lambda m, a: m.repeat_interleave(a, 2, 0, output_size=5), [A]),
    ("ri_bool", lambda m, b: b.repeat_interleave(2), [BO]),
    ("ri_0d", lambda m, s: m.repeat_interleave(s, 3), [S]),
    ("ri_0d_dim", lambda m, s: m.repeat_interleave(s, 3, 0), [S]),
    ("ri_neg", lambda m, a: m.repeat_interleave(a, -1), [A]),
    ("ri_float_repeats", lambda m, a: m.repeat_interleave(a, 2.5), [A]),
    ("ri_dim_oor", lambda m, a: m.repeat_interleave(a, 2, 2), [A]),
    ("ri_tensor", lambda m, a: m.repeat_interleave(a, m.tensor([1, 2]), 0), [A], EAGER),
    ("ri_tensor_zero", lambda m, a: m.repeat_interleave(a, m.tensor([0, 2, 1]), 1), [A], EAGER),
    ("ri_tensor_one", lambda m, a: m.repeat_interleave(a, m.tensor([2]), 0), [A], EAGER),
    ("ri_tensor_0d", lambda m, a: m.repeat_interleave(a, m.tensor(2), 1), [A], EAGER),
    ("ri_tensor_int32", lambda m, a: m.repeat_interleave(a, m.tensor([1, 2], dtype=m.int32), 0), [A], EAGER),
    ("ri_tensor_flat", lambda m, a: m.repeat_interleave(a, m.tensor([1, 2, 0, 1, 1, 1])), [A], EAGER),
    ("ri_tensor_output_size", lambda m, a: m.repeat_interleave(a, m.tensor([1, 2]), 0, output_size=3), [A]),
    ("ri_tensor_bad_size", lambda m, a: m.repeat_interleave(a, m.tensor([1, 2, 3]), 0), [A]),
    ("ri_tensor_2d", lambda m, a: m.repeat_interleave(a, m.tensor([[2]]), 0), [A]),
    ("ri_tensor_neg", lambda m, a: m.repeat_interleave(a, m.tensor([1, -2]), 0), [A]),
    ("ri_tensor_float", lambda m, a: m.repeat_interleave(a, m.tensor([1.0, 2.0]), 0), [A]),
    ("ri_tensor_bad_output_size", lambda m, a: m.repeat_interleave(a, m.tensor([1, 2]), 0, output_size=4), [A]),
    ("ri_repeats_only", lambda m: m.repeat_interleave(m.tensor([1, 0, 3])), [], EAGER),
    ("ri_repeats_only_int32", lambda m: m.repeat_interleave(m.tensor([2, 1], dtype=m.int32)), [], EAGER),
    ("ri_repeats_only_2d", lambda m: m.repeat_interleave(m.tensor([[1, 2]])), []),
    # triangles and diagonals
    ("tril", lambda m, x: m.tril(x), [X3]),
    ("tril_diag", lambda m, a: a.tril(1), [A]),
    ("tril_negdiag", lambda m, c: m.tril(c, -1), [C]),
    ("triu", lambda m, x: m.triu(x, -1), [X3]),
    ("triu_bool", lambda m, b: m.triu(b), [BO]),
    ("tril_empty", lambda m, e: m.tril(e), [E23]),
    ("tril_1d", lambda m, v: m.tril(v), [V]),
    ("tril_", lambda m, c: c.clone().tril_(), [C]),
    ("triu_", lambda m, c: c.clone().triu_(1), [C]),
    ("triu_out", lambda m, c: m.triu(c, out=m.empty(0, dtype=m.float64)), [C]),
    ("diag_1d", lambda m, v: m.diag(v), [V]),
    ("diag_1d_offset", lambda m, v: m.diag(v, -2), [V]),
    ("diag_2d", lambda m, a: m.diag(a), [A]),
    ("diag_2d_offset", lambda m, a: a.diag(1), [A]),
    ("diag_2d_far", lambda m, a: m.diag(a, 5), [A]),
    ("diag_3d", lambda m, x: m.diag(x), [X3]),
    ("diag_0d", lambda m, s: m.diag(s), [S]),
    ("diag_embed", lambda m, a: m.diag_embed(a), [A]),
    ("diag_embed_offset", lambda m, a: m.diag_embed(a, 1, 0, 2), [A]),
    ("diag_embed_swapped", lambda m, a: a.diag_embed(-1, -1, 0), [A]),
    ("diag_embed_same", lambda m, a: m.diag_embed(a, 0, 1, 1), [A]),
    ("diag_embed_0d", lambda m, s: m.diag_embed(s), [S]),
    ("diagflat", lambda m, a: m.diagflat(a), [A]),
    ("diagflat_offset", lambda m, a: a.diagflat(-1), [A]),
    ("diagflat_0d", lambda m, s: m.diagflat(s), [S]),
    ("trace", lambda m, a: m.trace(a), [A]),
    ("trace_int", lambda m, i: i.trace(), [I]),
    ("trace_bool", lambda m, b: m.trace(b), [BO]),
    ("trace_1d", lambda m, v: m.trace(v), [V]),
    # broadcasting
    ("broadcast_to", lambda m, v: m.broadcast_to(v, (2, 3)), [V]),
    ("broadcast_to_method", lambda m, c: c.broadcast_to(2, 1, 3), [CB[0]]),
    ("broadcast_to_neg1", lambda m, a: m.broadcast_to(a, (4, -1, 3)), [A]),
    ("broadcast_to_bad", lambda m, a: m.broadcast_to(a, (3, 3)), [A]),
    ("broadcast_to_fewer", lambda m, a: m.broadcast_to(a, (3,)), [A]),
    ("broadcast_tensors", lambda m, a, v, cb: m.broadcast_tensors(a, v, cb), [A, V, CB]),
    ("broadcast_tensors_bad", lambda m, a, x: m.broadcast_tensors(a, x), [A, X3]),
    ("meshgrid_ij", lambda m, v, i: m.meshgrid(v, i[0].double()[:2], indexing="ij"), [V, I]),
    ("meshgrid_xy", lambda m, v, s: m.meshgrid(v, v[:2], s, indexing="xy"), [V, S]),
    ("meshgrid_list", lambda m, v: m.meshgrid([v, v], indexing="xy"), [V]),
    ("meshgrid_one", lambda m, v: m.meshgrid(v, indexing="xy"), [V]),
    ("meshgrid_bad_indexing", lambda m, v: m.meshgrid(v, indexing="xx"), [V]),
    ("meshgrid_2d", lambda m, a: m.meshgrid(a, indexing="ij"), [A]),
    ("meshgrid_dtypes", lambda m, v, i: m.meshgrid(v, i[0], indexing="ij"), [V, I]),
    ("meshgrid_empty", lambda m: m.meshgrid(indexing="ij"), []),
    ("cartesian_prod", lambda m, v: m.cartesian_prod(v, v[:2], v), [V]),
    ("cartesian_prod_one", lambda m, v: m.cartesian_prod(v), [V]),
    ("cartesian_prod_2d", lambda m, a: m.cartesian_prod(a), [A]),
    ("combinations", lambda m, v: m.combinations(v), [V]),
    ("combinations_r3", lambda m, i: m.combinations(i.flatten()[:4], 3), [I]),
    ("combinations_repl", lambda m, v: m.combinations(v, with_replacement=True), [V]),
    ("combinations_r0", lambda m, v: m.combinations(v, 0), [V]),
    ("combinations_rbig", lambda m, v: m.combinations(v, 4), [V]),
    ("combinations_empty", lambda m, e: m.combinations(e), [E]),
    ("combinations_neg", lambda m, v: m.combinations(v, -1), [V]),
    ("combinations_2d", lambda m, a: m.combinations(a), [A]),
    ("atleast_1d", lambda m, s: m.atleast_1d(s), [S]),
    ("atleast_1d_many", lambda m, s, a: m.atleast_1d(s, a), [S, A]),
    ("atleast_2d", lambda m, s, v, a: m.atleast_2d([s, v, a]), [S, V, A]),
    ("atleast_3d", lambda m, s, v, a, x: m.atleast_3d((s, v, a, x)), [S, V, A, X3]),
    ("atleast_3d_one", lambda m, v: m.atleast_3d(v), [V]),
    # products
    ("kron", lambda m, a, c: m.kron(a, c), [A, C]),
    ("kron_ndim", lambda m, v, a: m.kron(v, a), [V, A]),
    ("kron_3d", lambda m, x, a: x.kron(a), [X3, A]),
    ("kron_promote", lambda m, i, a: m.kron(i, a), [I, A]),
    ("kron_0d", lambda m, s, a: m.kron(s, a), [S, A]),
    ("kron_bool", lambda m, b: m.kron(b, b[:, :2]), [BO]),
    ("block_diag", lambda m, s, v, a: m.block_diag(s, v, a), [S, V, A]),
    ("block_diag_promote", lambda m, i, a: m.block_diag(i, a), [I, A]),
    ("block_diag_empty", lambda m, e: m.block_diag(e, m.ones(1, dtype=m.float64)), [E23]),
    ("block_diag_none", lambda m: m.block_diag(), []),
    ("block_diag_3d", lambda m, x: m.block_diag(x), [X3]),
    ("cross", lambda m, c, d: m.cross(c, d, dim=1), [C, C[::-1].copy()]),
    ("cross_dim0", lambda m, a, b: m.cross(a.t(), b.t(), 0), [A, B]),
    ("cross_bcast", lambda m, cb, c: m.cross(cb, c.unsqueeze(0), dim=-1), [CB, C]),
    ("cross_default_dim", lambda m, a, b: m.cross(a.t(), b.t()), [A, B]),
    ("cross_int", lambda m, i: m.cross(i.t(), i.t().flip(0), dim=0), [I]),
    ("cross_no3", lambda m, x: m.cross(x, x), [X3[:, :2]]),
    ("cross_bad_len", lambda m, x: m.cross(x, x, dim=2), [X3]),
    ("cross_ndim", lambda m, v, c: m.cross(v, c, dim=0), [V, C]),
    ("cross_dtypes", lambda m, i, c: m.cross(i.t(), c[:, :2], dim=0), [I, C]),
    ("narrow_copy", lambda m, a: m.narrow_copy(a, 1, 1, 2), [A]),
    ("narrow_copy_method", lambda m, x: x.narrow_copy(-1, -3, 2), [X3]),
    ("narrow_copy_bad", lambda m, a: m.narrow_copy(a, 1, 2, 2), [A]),
    ("narrow_copy_0d", lambda m, s: m.narrow_copy(s, 0, 0, 1), [S]),
    ("narrow_copy_dim_oor", lambda m, x: m.narrow_copy(x, 3, 0, 0), [X3]),
    ("narrow_copy_negdim_oor", lambda m, x: m.narrow_copy(x, -4, 0, 0), [X3]),
]

CDIST_X = RNG.standard_normal((3, 2))
CDIST_Y = np.concatenate([CDIST_X[:1], RNG.standard_normal((3, 2))])  # a zero distance: torch's grad there is 0
CDIST_B = RNG.standard_normal((2, 1, 3, 2))
CDIST_CASES = [
    ("cdist", lambda m, x, y: m.cdist(x, y), [CDIST_X, CDIST_Y]),
    ("cdist_p1", lambda m, x, y: m.cdist(x, y, p=1), [CDIST_X, CDIST_Y]),
    ("cdist_p0", lambda m, x, y: m.cdist(x, y, p=0), [CDIST_X, CDIST_Y]),
    ("cdist_p3", lambda m, x, y: m.cdist(x, y, 3.0), [CDIST_X, CDIST_Y]),
    ("cdist_p05", lambda m, x, y: m.cdist(x, y, 0.5), [CDIST_X, CDIST_Y]),
    ("cdist_inf", lambda m, x, y: m.cdist(x, y, float("inf")), [CDIST_X, CDIST_Y]),
    ("cdist_batch", lambda m, b, y: m.cdist(b, y.unsqueeze(0)), [CDIST_B, CDIST_Y]),
    ("cdist_float32", lambda m, x, y: m.cdist(x.float(), y.float(), compute_mode="donot_use_mm_for_euclid_dist"),
     [CDIST_X, CDIST_Y]),
    ("cdist_int", lambda m, i: m.cdist(i, i), [I]),
    ("cdist_half", lambda m, x: m.cdist(x.half(), x.half()), [CDIST_X]),
    ("cdist_1d", lambda m, v: m.cdist(v, v), [V]),
    ("cdist_mode", lambda m, x: m.cdist(x, x, compute_mode="foo"), [CDIST_X]),
    ("cdist_pneg", lambda m, x: m.cdist(x, x, p=-1), [CDIST_X]),
    ("cdist_cols", lambda m, x, c: m.cdist(x, c), [CDIST_X, C]),
    ("cdist_dtypes", lambda m, x: m.cdist(x, x.float()), [CDIST_X]),
]


@pytest.mark.parametrize("case", CASES + CDIST_CASES, ids=[c[0] for c in CASES + CDIST_CASES])
def test_shape_ops(case):
    name, fn, arrays, opts = (case + ({},))[:4]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compare(fn, arrays, grad=True, what=name, **opts)


def test_cdist_large_float32_matches_mm_path():
    # torch switches to a matmul formulation above 25 rows: the values still agree
    x, y = RNG.standard_normal((30, 4)).astype(np.float32), RNG.standard_normal((27, 4)).astype(np.float32)
    compare(lambda m, a, b: m.cdist(a, b), [x, y], rtol=1e-4, atol=1e-5)


def test_cat_out_and_grad_fn():
    t = jtorch.empty(0)
    r = jtorch.cat([jtorch.ones(2), jtorch.zeros(1)], out=t)
    assert r is t and t.tolist() == [1.0, 1.0, 0.0]
    a = jtorch.ones(2, requires_grad=True)
    assert jtorch.cat([a, a]).grad_fn.name() == "CatBackward0"
    assert jtorch.stack([a, a]).grad_fn.name() == "StackBackward0"


def test_warnings_like_torch():
    v = jtorch.arange(3.0)
    with pytest.warns(UserWarning, match="indexing argument"):
        jtorch.meshgrid(v, v)
    with pytest.warns(UserWarning, match="without specifying the dim"):
        jtorch.cross(jtorch.ones(3, 2), jtorch.ones(3, 2))


def test_views_share_storage_like_torch():
    for m in (torch, jtorch):
        x = m.arange(3.0)
        g = m.meshgrid(x, x, indexing="ij")[0]
        b = m.broadcast_to(x, (2, 3))
        a2 = m.atleast_2d(x)
        x.add_(1)
        assert g[2, 0].item() == 3.0 and b[1, 2].item() == 3.0 and a2[0, 1].item() == 2.0
        assert m.broadcast_tensors(x, x)[0] is x and m.atleast_1d(x) is x and m.cartesian_prod(x) is x


def test_tri_indices():
    for args, kw in [((3, 4, 1), {}), ((4, 3, -1), {}), ((0, 3), {}), ((3, 3), {"dtype": "int32"}),
                     ((3, 3), {"dtype": "float32"}), ((-1, 4), {}), ((2, 2, 5), {})]:
        for name in ("tril_indices", "triu_indices"):
            kw_t = {k: getattr(torch, v) for k, v in kw.items()}
            kw_j = {k: getattr(jtorch, v) for k, v in kw.items()}
            compare(lambda m, name=name, args=args, kw_t=kw_t, kw_j=kw_j:
                    getattr(m, name)(*args, **(kw_t if m is torch else kw_j)), [], what=name)


def test_broadcast_shapes():
    for shapes in [((2, 1), (3,), 1), ((2, 1), (1, 4)), (), ((0,), (1,)), (5,), ((2, 1), (3, 2)), ((2, -1),),
                   ((1, 3), 4)]:
        compare(lambda m, shapes=shapes: tuple(m.broadcast_shapes(*shapes)), [], what=str(shapes))
    assert repr(jtorch.broadcast_shapes((2, 1), (3,))) == "torch.Size([2, 3])"


def test_repeat_interleave_under_jit_needs_output_size():
    import jax

    from jtorch.testing import jit_apply
    x, r = jtorch.arange(3.0), jtorch.tensor([1, 0, 2])
    out = jit_apply(lambda a, b: jtorch.repeat_interleave(a, b, 0, output_size=3), x, r)
    assert out.tolist() == [0.0, 2.0, 2.0]
    with pytest.raises(RuntimeError, match="output_size"):
        jax.jit(lambda a, b: jtorch.repeat_interleave(jtorch.Tensor._make(a), jtorch.Tensor._make(b))._value)(
            x._value, r._value)


# ------------------------------------------------------------------ in-place view ops and resize_
def _meta_script(m):
    out = []
    x = m.arange(6.0).reshape(2, 3)
    before = x[0]                      # a view taken before the metadata change
    x.t_()
    x[0, 1] = 100.0                    # writes x's storage: (1, 0) of the original layout
    out += [x.clone(), before.clone(), list(x.stride()), x._version, x.is_contiguous()]
    y = m.arange(6.0)
    v = y.view(2, 3)
    v.transpose_(0, 1)
    v[0, 1] = -1.0
    out += [y.clone(), v.clone(), list(v.stride()), v._base is y]
    z = m.arange(4.0).view(2, 2, 1)
    z.squeeze_(-1).unsqueeze_(0)
    z.mul_(2)
    out += [z.clone(), list(z.shape), list(z.stride())]
    w = m.zeros(2, 3)
    w.swapaxes_(0, 1).swapdims_(0, 1)
    out += [list(w.shape), w.is_contiguous()]
    s = m.arange(6.0)
    s.as_strided_((2, 2), (1, 2), 1)
    out += [s.clone(), list(s.stride()), s.storage_offset()]
    return out


def _resize_script(m):
    out = []
    x = m.arange(6.0)
    v = x[1:3]
    x.resize_(2, 2)
    out += [x.clone(), v.clone(), list(x.stride())]
    x.resize_(6)                        # the storage kept the old values
    out += [x.clone()]
    x.resize_(3, 2)
    x[0] = 9.0
    out += [x.clone(), v.clone()]
    y = m.arange(6.0).reshape(2, 3).t()
    y.resize_(3, 2)                     # same shape: unchanged strides
    out += [list(y.stride())]
    y.resize_(6)
    out += [y.clone(), list(y.stride())]
    z = m.ones(2, 3)
    z.resize_as_(m.ones(3, 2))
    out += [z.clone()]
    q = m.ones(2)
    q.resize_(4)                        # growing: the new elements' values are unspecified
    out += [list(q.shape), q[:2].clone()]
    return out


def _resize_errors(m):
    a = m.ones(3, requires_grad=True)
    out = []
    for f in (lambda: a.resize_(2), lambda: (a * 1).resize_(3, 1), lambda: m.ones(2).resize_(-1)):
        try:
            f()
            out.append("ok")
        except RuntimeError:
            out.append("RuntimeError")
    try:
        a.t_()
    except RuntimeError:
        out.append("leaf")
    return out


@pytest.mark.parametrize("script", [_meta_script, _resize_script, _resize_errors])
def test_inplace_view_ops(script):
    for j, t in zip(script(jtorch), script(torch)):
        if isinstance(t, torch.Tensor):
            assert_same(j, t)
        else:
            assert j == t, (j, t)


def test_inplace_view_ops_autograd():
    res = []
    for m in (torch, jtorch):
        a = m.arange(6.0).reshape(2, 3).requires_grad_()
        b = a * 1
        b.t_()
        b.unsqueeze_(0)
        (b * m.arange(6.0).reshape(1, 3, 2)).sum().backward()
        res.append((a.grad.tolist(), b.grad_fn is not None, list(b.shape)))
        with m.no_grad():
            p = m.ones(2, 3, requires_grad=True)
            p.t_()
        (p * 2).sum().backward()
        res.append((p.is_leaf, list(p.grad.shape), p.grad.sum().item()))
    assert res[:2] == res[2:]
