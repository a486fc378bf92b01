"""torch.linalg and the matrix products against real torch: values, dtypes, errors, gradients, jit."""
import warnings

import numpy as np
import pytest
from harness import compare

import jtorch

RNG = np.random.default_rng(0)


def rand(*shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


def ints(*shape):
    return RNG.integers(-3, 4, shape).astype(np.int64)


def spd(*shape):
    """Symmetric positive definite matrices (well conditioned)."""
    a = rand(*shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def wellcond(*shape, dtype=np.float64):
    """Square matrices far from singular."""
    return (rand(*shape) + 3 * np.eye(shape[-1])).astype(dtype)


def cplx(*shape):
    return (rand(*shape) + 1j * rand(*shape)).astype(np.complex128)


# skips are data: why a case leaves out part of the comparison
SKIPS = {
    "lstsq_gelsd": "jit: the residuals' shape depends on the rank, which needs concrete values",
    "lstsq_gelss_vector": "jit: the residuals' shape depends on the rank, which needs concrete values",
    "lstsq_rcond": "jit: the residuals' shape depends on the rank, which needs concrete values",
    "lstsq_rank_deficient": "jit: the residuals' shape depends on the rank, which needs concrete values",
    "lstsq_wide": "grad: torch's own backward fails on the empty residuals of a wide gelsd problem",
    "matrix_norm_empty": "grad: torch returns a constant (no grad_fn) for an empty input",
    "vander_n0": "grad: torch returns a constant (no grad_fn) for N=0",
    "cond_fro_batch": "grad: torch's own backward fails (an in-place op inside its cond)",
    "cond_inf": "grad: torch's own backward fails (an in-place op inside its cond)",
    "vander": "grad: torch's own backward fails (an in-place op inside its vander)",
    "vander_n_increasing": "grad: torch's own backward fails (an in-place op inside its vander)",
}


# Every case compares eager values, dtypes and errors with torch. These also run under jax.jit and compare
# gradients (float64): at least one per op, chosen for the paths they exercise (a full check costs several
# XLA compilations, so the rest stay eager to keep the file fast).
FULL = {
    "matmul_1d_1d", "matmul_bcast", "matmul_complex", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer",
    "addmm_beta0_nan", "addmv", "addr", "addbmm", "baddbmm", "multi_dot_vectors", "chain_matmul", "einsum_three",
    "einsum_size1_bcast", "tensordot_lists",
    "inv_complex", "inv_ex", "det_complex", "det_singular_grad", "logdet", "slogdet_complex",
    "cholesky_upper_triangle_only", "cholesky_complex", "cholesky_ex_info", "qr_wide", "qr_complex",
    "svd_full_wide", "svd_complex", "svdvals", "eig", "eig_complex", "eigh_complex", "eigvalsh", "lu_tall",
    "matrix_exp", "matrix_power_neg", "householder_product",
    "solve_broadcast", "solve_complex", "solve_triangular_upper_right", "triangular_solve_lower_t",
    "cholesky_solve_upper", "cholesky_inverse", "lu_solve_complex_adjoint", "lstsq_batch", "pinv_complex",
    "matrix_rank_batch_tol",
    "vector_norm_ord3_dims", "vector_norm_inf_ties", "vector_norm_at_zero", "matrix_norm_nuc",
    "matrix_norm_neg_inf_dims", "cond", "linalg_cross_dim_bcast", "vecdot_complex_dim", "vander_int",
    "linalg_vander",
}


def _run(name, fn, arrays, opts):
    skip = SKIPS.get(name, "")
    full = name in FULL
    opts = {"grad": full, "jit": full, "rtol": 1e-6, "atol": 1e-8, **opts}
    for part in ("jit", "grad"):
        if skip.startswith(part + ":"):
            opts[part] = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compare(fn, arrays, what=name, **opts)


F32 = np.float32
M23, M34, M33, V3, V4 = rand(2, 3), rand(3, 4), rand(3, 3), rand(3), rand(4)
B233, B234, B343 = rand(2, 3, 3), rand(2, 3, 4), rand(3, 4, 3)
NAN3 = np.full(3, np.nan)

# (id, fn, arrays, options); every case runs eagerly and under jax.jit, gradients in float64
PRODUCTS = [
    ("matmul_1d_1d", lambda m, a, b: a @ b, [V3, rand(3)], {}),
    ("matmul_2d_1d", lambda m, a, b: m.matmul(a, b), [M23, V3], {}),
    ("matmul_1d_2d", lambda m, a, b: a.matmul(b), [V3, M34], {}),
    ("matmul_2d_2d", lambda m, a, b: a @ b, [M23, M34], {}),
    ("matmul_3d_2d", lambda m, a, b: a @ b, [B233, M34], {}),
    ("matmul_3d_1d", lambda m, a, b: a @ b, [B234, V4], {}),
    ("matmul_1d_3d", lambda m, a, b: a @ b, [V3, B234], {}),
    ("matmul_2d_3d", lambda m, a, b: a @ b, [M23, B234], {}),
    ("matmul_bcast", lambda m, a, b: a @ b, [rand(2, 1, 2, 3), B343[:, :3, :]], {}),
    ("matmul_f32", lambda m, a, b: a @ b, [M23.astype(F32), M34.astype(F32)], {"rtol": 1e-5}),
    ("matmul_int", lambda m, a, b: a @ b, [ints(2, 3), ints(3, 4)], {}),
    ("matmul_int_1d", lambda m, a, b: a @ b, [ints(3), ints(3)], {}),
    ("matmul_f16", lambda m, a, b: a @ b, [M23.astype(np.float16), M34.astype(np.float16)], {"rtol": 2e-3, "atol": 2e-3}),
    ("matmul_complex", lambda m, a, b: a @ b, [cplx(2, 3), cplx(3, 2)], {}),
    ("matmul_empty", lambda m, a, b: a @ b, [rand(0, 3), rand(3, 2)], {}),
    ("matmul_empty_k", lambda m, a, b: a @ b, [rand(2, 0), rand(0, 3)], {}),
    ("matmul_rmatmul", lambda m, a, b: a.__rmatmul__(b), [M34, M23], {}),
    ("matmul_imatmul", lambda m, a, b: a.__imatmul__(b) if hasattr(a, "__imatmul__") else a @ b, [M33, M33], {}),
    ("matmul_err_0d", lambda m, a, b: a @ b, [np.array(2.0), V3], {}),
    ("matmul_err_mm", lambda m, a, b: a @ b, [M23, rand(4, 5)], {}),
    ("matmul_err_dot", lambda m, a, b: a @ b, [V3, V4], {}),
    ("matmul_err_mv", lambda m, a, b: a @ b, [M23, V4], {}),
    ("matmul_err_vm", lambda m, a, b: a @ b, [V3, rand(2, 4)], {}),
    ("matmul_err_fold", lambda m, a, b: a @ b, [B234, rand(5, 6)], {}),
    ("matmul_err_bmm", lambda m, a, b: a @ b, [B234, rand(2, 5, 6)], {}),
    ("matmul_err_batch", lambda m, a, b: a @ b, [B234, rand(3, 4, 6)], {}),
    ("matmul_err_dtype", lambda m, a, b: a @ b, [M23, M34.astype(F32)], {}),
    ("matmul_err_bool", lambda m, a, b: a @ b, [M23 > 0, M34 > 0], {}),
    ("mm", lambda m, a, b: m.mm(a, b), [M23, M34], {}),
    ("mm_method", lambda m, a, b: a.mm(b), [M23, M34], {}),
    ("mm_err_1d", lambda m, a, b: m.mm(a, b), [V3, M34], {}),
    ("mm_err_shape", lambda m, a, b: m.mm(a, b), [M23, M23], {}),
    ("mm_err_dtype", lambda m, a, b: m.mm(a, b), [M23, M34.astype(F32)], {}),
    ("bmm", lambda m, a, b: m.bmm(a, b), [B233, B234], {}),
    ("bmm_err_2d", lambda m, a, b: m.bmm(a, b), [M23, B234], {}),
    ("bmm_err_shape", lambda m, a, b: m.bmm(a, b), [B234, B234], {}),
    ("bmm_err_dtype", lambda m, a, b: m.bmm(a, b), [B233, B234.astype(F32)], {}),
    ("mv", lambda m, a, b: m.mv(a, b), [M23, V3], {}),
    ("mv_err", lambda m, a, b: m.mv(a, b), [M23, V4], {}),
    ("mv_err_dim", lambda m, a, b: a.mv(b), [V3, V3], {}),
    ("dot", lambda m, a, b: m.dot(a, b), [V3, rand(3)], {}),
    ("dot_int", lambda m, a, b: a.dot(b), [ints(3), ints(3)], {}),
    ("dot_err_2d", lambda m, a, b: m.dot(a, b), [M23, V3], {}),
    ("dot_err_size", lambda m, a, b: m.dot(a, b), [V3, V4], {}),
    ("dot_err_dtype", lambda m, a, b: m.dot(a, b), [V3, V3.astype(F32)], {}),
    ("vdot", lambda m, a, b: m.vdot(a, b), [cplx(3), cplx(3)], {}),
    ("vdot_real", lambda m, a, b: a.vdot(b), [V3, rand(3)], {}),
    ("inner", lambda m, a, b: m.inner(a, b), [M23, rand(4, 3)], {}),
    ("inner_1d", lambda m, a, b: a.inner(b), [V3, rand(3)], {}),
    ("inner_0d_promotes", lambda m, a, b: m.inner(a, b), [np.array(2.0, dtype=F32), V3], {}),
    ("inner_err", lambda m, a, b: m.inner(a, b), [V3, V4], {}),
    ("inner_err_dtype", lambda m, a, b: m.inner(a, b), [M23, V3.astype(F32)], {}),
    ("outer", lambda m, a, b: m.outer(a, b), [V3, V4], {}),
    ("outer_promotes", lambda m, a, b: m.outer(a, b), [V3.astype(F32), ints(4)], {}),
    ("outer_bool", lambda m, a, b: m.outer(a, b), [V3 > 0, V4 > 0], {}),
    ("ger", lambda m, a, b: a.ger(b), [V3, V4], {}),
    ("outer_err", lambda m, a, b: m.outer(a, b), [M23, V4], {}),
    ("addmm", lambda m, c, a, b: m.addmm(c, a, b), [rand(4), M23, M34], {}),
    ("addmm_beta_alpha", lambda m, c, a, b: m.addmm(c, a, b, beta=0.5, alpha=-2), [rand(2, 4), M23, M34], {}),
    ("addmm_beta0_nan", lambda m, c, a, b: m.addmm(c, a, b, beta=0), [np.full(4, np.nan), M23, M34], {}),
    ("addmm_int", lambda m, c, a, b: m.addmm(c, a, b, beta=2, alpha=3), [ints(4), ints(2, 3), ints(3, 4)], {}),
    ("addmm_int_float_scalars", lambda m, c, a, b: m.addmm(c, a, b, beta=0.5, alpha=1.5),
     [ints(4), ints(2, 3), ints(3, 4)], {}),
    ("addmm_method", lambda m, c, a, b: c.addmm(a, b, alpha=2), [rand(2, 4), M23, M34], {}),
    ("addmm_inplace", lambda m, c, a, b: c.clone().addmm_(a, b, beta=3), [rand(2, 4), M23, M34], {}),
    ("addmm_inplace_err", lambda m, c, a, b: c.clone().addmm_(a, b), [rand(4), M23, M34], {}),
    ("addmm_err_bcast", lambda m, c, a, b: m.addmm(c, a, b), [rand(3), M23, M34], {}),
    ("addmm_err_1d", lambda m, c, a, b: m.addmm(c, a, b), [rand(4), V3, M34], {}),
    ("addmm_err_dtype", lambda m, c, a, b: m.addmm(c, a, b), [rand(4).astype(F32), M23, M34], {}),
    ("addmv", lambda m, c, a, b: m.addmv(c, a, b, beta=2, alpha=0.5), [rand(2), M23, V3], {}),
    ("addmv_beta0", lambda m, c, a, b: m.addmv(c, a, b, beta=0), [np.full(2, np.inf), M23, V3], {}),
    ("addmv_err", lambda m, c, a, b: m.addmv(c, a, b), [rand(3), M23, V3], {}),
    ("addmv_err_dtype", lambda m, c, a, b: m.addmv(c, a, b), [rand(2).astype(F32), M23, V3], {}),
    ("addr", lambda m, c, a, b: m.addr(c, a, b, beta=2, alpha=-1), [rand(3, 4), V3, V4], {}),
    ("addr_promotes", lambda m, c, a, b: m.addr(c, a, b), [rand(3, 4).astype(F32), V3, ints(4)], {}),
    ("addr_bool", lambda m, c, a, b: m.addr(c, a, b, beta=False), [M34 > 0, V3 > 0, V4 > 0], {}),
    ("addr_err_float_beta", lambda m, c, a, b: m.addr(c, a, b, beta=2.5), [ints(3, 4), ints(3), ints(4)], {}),
    ("addr_err_2d", lambda m, c, a, b: m.addr(c, a, b), [rand(3, 4), rand(3, 1), V4], {}),
    ("addbmm", lambda m, c, a, b: m.addbmm(c, a, b, alpha=2), [rand(3, 4), B233, B234], {}),
    ("addbmm_err_batches", lambda m, c, a, b: m.addbmm(c, a, b), [rand(3, 4), rand(3, 3, 3), B234], {}),
    ("addbmm_err_k", lambda m, c, a, b: m.addbmm(c, a, b), [rand(3, 4), B234, B234], {}),
    ("baddbmm", lambda m, c, a, b: m.baddbmm(c, a, b, beta=0.5), [rand(4), B233, B234], {}),
    ("baddbmm_beta0_nan", lambda m, c, a, b: m.baddbmm(c, a, b, beta=0), [np.full(4, np.nan), B233, B234], {}),
    ("baddbmm_inplace", lambda m, c, a, b: c.clone().baddbmm_(a, b), [rand(2, 3, 4), B233, B234], {}),
    ("baddbmm_err_dtype", lambda m, c, a, b: m.baddbmm(c, a, b), [rand(4).astype(F32), B233, B234], {}),
    ("baddbmm_err_bcast", lambda m, c, a, b: m.baddbmm(c, a, b), [rand(5), B233, B234], {}),
    ("multi_dot", lambda m, a, b, c: m.linalg.multi_dot([a, b, c]), [M23, M34, rand(4, 2)], {}),
    ("multi_dot_vectors", lambda m, a, b, c: m.linalg.multi_dot([a, b, c]), [V3, M34, V4], {}),
    ("multi_dot_err_one", lambda m, a: m.linalg.multi_dot([a]), [M23], {}),
    ("multi_dot_err_mid", lambda m, a, b, c: m.linalg.multi_dot([a, b, c]), [M23, V3, M34], {}),
    ("multi_dot_err_shape", lambda m, a, b: m.linalg.multi_dot([a, b]), [M23, M23], {}),
    ("multi_dot_err_dtype", lambda m, a, b: m.linalg.multi_dot([a, b]), [M23, M34.astype(F32)], {}),
    ("chain_matmul", lambda m, a, b, c: m.chain_matmul(a, b, c), [M23, M34, rand(4, 2)], {}),
    ("chain_matmul_one", lambda m, a: m.chain_matmul(a), [M23], {}),
    ("chain_matmul_err_1d", lambda m, a, b: m.chain_matmul(a, b), [M23, V3], {}),
    ("einsum_mm", lambda m, a, b: m.einsum("ij,jk->ik", a, b), [M23, M34], {}),
    ("einsum_list", lambda m, a, b: m.einsum("ij,jk", [a, b]), [M23, M34], {}),
    ("einsum_implicit", lambda m, a, b: m.einsum("ba,ac", a, b), [M23, M34], {}),
    ("einsum_trace", lambda m, a: m.einsum("ii", a), [M33], {}),
    ("einsum_diag", lambda m, a: m.einsum("ii->i", a), [M33], {}),
    ("einsum_transpose", lambda m, a: m.einsum("ij->ji", a), [M23], {}),
    ("einsum_sum", lambda m, a: m.einsum("ij->", a), [M23], {}),
    ("einsum_ellipsis", lambda m, a, b: m.einsum("...ij,...jk->...ik", a, b), [B233, B234], {}),
    ("einsum_ellipsis_bcast", lambda m, a, b: m.einsum("b...j,jk->b...k", a, b), [rand(2, 3, 3), M34], {}),
    ("einsum_size1_bcast", lambda m, a, b: m.einsum("ij,ij->i", a, b), [rand(2, 1), M23], {}),
    ("einsum_three", lambda m, a, b, c: m.einsum("ij,jk,kl->il", a, b, c), [M23, M34, rand(4, 2)], {}),
    ("einsum_outer", lambda m, a, b: m.einsum("i,j->ij", a, b), [V3, V4], {}),
    ("einsum_batch", lambda m, a, b: m.einsum("bij,bjk->bik", a, b), [B233, B234], {}),
    ("einsum_spaces", lambda m, a, b: m.einsum("i j , j k -> i k", a, b), [M23, M34], {}),
    ("einsum_upper", lambda m, a, b: m.einsum("iJ,Jk->ik", a, b), [M23, M34], {}),
    ("einsum_sublist", lambda m, a, b: m.einsum(a, [0, 1], b, [1, 2], [0, 2]), [M23, M34], {}),
    ("einsum_sublist_implicit", lambda m, a, b: m.einsum(a, [0, 1], b, [1, 2]), [M23, M34], {}),
    ("einsum_sublist_ellipsis", lambda m, a: m.einsum(a, [Ellipsis, 0, 1], [Ellipsis, 1, 0]), [B234], {}),
    ("einsum_int", lambda m, a, b: m.einsum("ij,jk->ik", a, b), [ints(2, 3), ints(3, 4)], {}),
    ("einsum_err_dims", lambda m, a: m.einsum("ijk->i", a), [M23], {}),
    ("einsum_err_operands", lambda m, a, b: m.einsum("ij->i", a, b), [M23, M23], {}),
    ("einsum_err_size", lambda m, a, b: m.einsum("ij,jk->ik", a, b), [M23, M23], {}),
    ("einsum_err_char", lambda m, a: m.einsum("i1->i", a), [M23], {}),
    ("einsum_err_out", lambda m, a: m.einsum("ij->k", a), [M23], {}),
    ("einsum_err_dtype", lambda m, a, b: m.einsum("ij,jk->ik", a, b), [M23, M34.astype(F32)], {}),
    ("tensordot_int", lambda m, a, b: m.tensordot(a, b, dims=1), [B234, rand(4, 2)], {}),
    ("tensordot_default", lambda m, a, b: m.tensordot(a, b), [B234, rand(3, 4, 2)], {}),
    ("tensordot_lists", lambda m, a, b: m.tensordot(a, b, dims=([1, 0], [0, 2])), [B234, rand(3, 5, 2)], {}),
    ("tensordot_tuple_ints", lambda m, a, b: m.tensordot(a, b, dims=([2], [0])), [B234, M34[:, :2].T.copy()], {}),
    ("tensordot_zero", lambda m, a, b: m.tensordot(a, b, dims=0), [V3, V4], {}),
    ("tensordot_neg", lambda m, a, b: m.tensordot(a, b, dims=([-1], [-2])), [B234, rand(4, 2)], {}),
    ("tensordot_err_size", lambda m, a, b: m.tensordot(a, b, dims=([1], [0])), [B234, rand(4, 2)], {}),
    ("tensordot_err_neg", lambda m, a, b: m.tensordot(a, b, dims=-1), [B234, rand(4, 2)], {}),
]


@pytest.mark.parametrize("name,fn,arrays,opts", PRODUCTS, ids=[c[0] for c in PRODUCTS])
def test_products(name, fn, arrays, opts):
    _run(name, fn, arrays, opts)


def test_matmul_messages():
    a, b = jtorch.tensor(M23), jtorch.tensor(rand(4, 5))
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"):
        a @ b
    with pytest.raises(RuntimeError, match=r"expected m1 and m2 to have the same dtype, but got: double != float"):
        a @ jtorch.tensor(M34.astype(F32))
    with pytest.raises(RuntimeError, match=r"Expected size for first two dimensions of batch2 tensor to be: "
                                           r"\[2, 4\] but got: \[2, 5\]"):
        jtorch.tensor(B234) @ jtorch.tensor(rand(2, 5, 6))


def test_matmul_grad_fn_and_saved_versions():
    a = jtorch.tensor(M23).requires_grad_()
    b = jtorch.tensor(M34)
    out = a @ b
    b.add_(1)  # b is saved for a's gradient
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()
    a2 = jtorch.tensor(M23)
    out2 = a2 @ jtorch.tensor(M34).requires_grad_()
    a2.add_(1)  # a's value is needed for b's gradient
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out2.sum().backward()


def test_out_argument():
    out = jtorch.empty(2, 4, dtype=jtorch.float64)
    r = jtorch.mm(jtorch.tensor(M23), jtorch.tensor(M34), out=out)
    assert r is out
    np.testing.assert_allclose(out.numpy(), M23 @ M34)


def test_chain_matmul_warns():
    with pytest.warns(UserWarning, match="deprecated"):
        jtorch.chain_matmul(jtorch.tensor(M23), jtorch.tensor(M34))


SPD3, WC3, WC233 = spd(3, 3), wellcond(3, 3), wellcond(2, 3, 3)
SING = np.array([[1.0, 2.0], [2.0, 4.0]])
SING_BATCH = np.stack([np.eye(2), SING])
NOT_PD = np.diag([1.0, 2.0, -1.0])
A43, A34 = rand(4, 3), rand(3, 4)
C33 = cplx(3, 3) + 3 * np.eye(3)


def _svd_invariants(m, A, **kw):
    U, S, Vh = m.linalg.svd(A, **kw)
    k = S.shape[-1]
    return S, (U[..., :k] * S[..., None, :]) @ Vh[..., :k, :], U[..., :k].abs(), Vh[..., :k, :].abs()


def _eig_invariants(m, A):
    L, V = m.linalg.eig(A)
    return L, V.abs(), (V * L[..., None, :]) @ m.linalg.inv(V)


def _eigh_invariants(m, A, **kw):
    L, V = m.linalg.eigh(A, **kw)
    return L, V.abs(), (V * L[..., None, :]) @ V.mH


FACTORIZATIONS = [
    ("inv", lambda m, a: m.linalg.inv(a), [WC3], {}),
    ("inv_batch", lambda m, a: m.linalg.inv(a), [WC233], {}),
    ("inv_f32", lambda m, a: m.linalg.inv(a), [WC3.astype(F32)], {"rtol": 1e-4, "atol": 1e-5}),
    ("inv_complex", lambda m, a: m.linalg.inv(a), [C33], {}),
    ("inv_empty", lambda m, a: m.linalg.inv(a), [rand(2, 0, 0)], {}),
    ("inverse", lambda m, a: m.inverse(a), [WC3], {}),
    ("inverse_method", lambda m, a: a.inverse(), [WC3], {}),
    ("inv_ex", lambda m, a: m.linalg.inv_ex(a), [WC233], {}),
    ("inv_ex_singular_info", lambda m, a: m.linalg.inv_ex(a).info, [SING_BATCH], {}),
    ("inv_err_singular", lambda m, a: m.linalg.inv(a), [SING], {}),
    ("inv_err_singular_batch", lambda m, a: m.linalg.inv(a), [SING_BATCH], {}),
    ("inv_ex_err_check", lambda m, a: m.linalg.inv_ex(a, check_errors=True), [SING], {}),
    ("inv_err_int", lambda m, a: m.linalg.inv(a), [ints(2, 2)], {}),
    ("inv_err_half", lambda m, a: m.linalg.inv(a), [WC3.astype(np.float16)], {}),
    ("inv_err_nonsquare", lambda m, a: m.linalg.inv(a), [A43], {}),
    ("inv_err_1d", lambda m, a: m.linalg.inv(a), [V3], {}),
    ("det", lambda m, a: m.linalg.det(a), [WC233], {}),
    ("det_torch", lambda m, a: m.det(a), [M33], {}),
    ("det_method", lambda m, a: a.det(), [M33], {}),
    ("det_singular_grad", lambda m, a: m.det(a), [SING], {}),
    ("det_complex", lambda m, a: m.det(a), [C33], {}),
    ("det_empty", lambda m, a: m.det(a), [rand(0, 0)], {}),
    ("det_err_int", lambda m, a: m.det(a), [ints(2, 2)], {}),
    ("det_err_nonsquare", lambda m, a: m.det(a), [A43], {}),
    ("logdet", lambda m, a: m.logdet(a), [SPD3], {}),
    ("logdet_negative", lambda m, a: m.logdet(a), [np.diag([-1.0, 1.0])], {}),
    ("logdet_zero", lambda m, a: m.logdet(a), [np.zeros((2, 2))], {}),
    ("slogdet", lambda m, a: m.slogdet(a), [WC233], {}),
    ("slogdet_method", lambda m, a: tuple(a.slogdet()), [M33], {}),
    ("linalg_slogdet", lambda m, a: m.linalg.slogdet(a), [M33], {}),
    ("slogdet_complex", lambda m, a: m.linalg.slogdet(a), [C33], {}),
    ("cholesky", lambda m, a: m.linalg.cholesky(a), [SPD3], {}),
    ("cholesky_upper", lambda m, a: m.linalg.cholesky(a, upper=True), [SPD3], {}),
    ("cholesky_lower_triangle_only", lambda m, a: m.linalg.cholesky(a), [SPD3 + np.triu(rand(3, 3), 1)], {}),
    ("cholesky_upper_triangle_only", lambda m, a: m.linalg.cholesky(a, upper=True), [SPD3 + np.tril(rand(3, 3), -1)],
     {}),
    ("cholesky_batch", lambda m, a: m.linalg.cholesky(a), [spd(2, 3, 3)], {}),
    ("cholesky_complex", lambda m, a: m.linalg.cholesky(a), [(lambda c: c @ c.conj().T + 3 * np.eye(3))(cplx(3, 3))],
     {}),
    ("cholesky_torch", lambda m, a: m.cholesky(a, True), [SPD3], {}),
    ("cholesky_ex", lambda m, a: m.linalg.cholesky_ex(a), [SPD3], {}),
    ("cholesky_ex_info", lambda m, a: m.linalg.cholesky_ex(a).info, [np.stack([SPD3, NOT_PD])], {}),
    ("cholesky_err_not_pd", lambda m, a: m.linalg.cholesky(a), [NOT_PD], {}),
    ("cholesky_err_int", lambda m, a: m.linalg.cholesky(a), [ints(3, 3)], {}),
    ("qr", lambda m, a: m.linalg.qr(a), [A43], {}),
    ("qr_wide", lambda m, a: m.linalg.qr(a), [A34], {}),
    ("qr_complete", lambda m, a: m.linalg.qr(a, mode="complete"), [A43], {}),
    ("qr_complete_wide", lambda m, a: m.linalg.qr(a, mode="complete"), [A34], {}),
    ("qr_r", lambda m, a: m.linalg.qr(a, mode="r"), [A43], {}),
    ("qr_batch", lambda m, a: m.linalg.qr(a), [rand(2, 4, 3)], {}),
    ("qr_complex", lambda m, a: m.linalg.qr(a), [cplx(4, 3)], {}),
    ("qr_torch", lambda m, a: m.qr(a, some=False), [A34], {}),
    ("qr_err_mode", lambda m, a: m.linalg.qr(a, mode="x"), [A43], {}),
    ("svd", _svd_invariants, [A43], {}),
    ("svd_reduced", lambda m, a: _svd_invariants(m, a, full_matrices=False), [A34], {}),
    ("svd_full_wide", lambda m, a: _svd_invariants(m, a, full_matrices=True), [A34], {}),
    ("svd_square_batch", _svd_invariants, [rand(2, 3, 3)], {}),
    ("svd_complex", lambda m, a: _svd_invariants(m, a, full_matrices=False), [cplx(4, 3)], {}),
    ("svd_f32", lambda m, a: m.linalg.svd(a)[1], [A43.astype(F32)], {"rtol": 1e-4}),
    ("svd_full_orthogonal", lambda m, a: (lambda u: u @ u.mT)(m.linalg.svd(a)[0]), [A43], {}),
    ("svd_torch", lambda m, a: (lambda r: (r.S, (r.U * r.S) @ r.V.mT))(m.svd(a)), [A43], {}),
    ("svd_torch_no_uv", lambda m, a: m.svd(a, compute_uv=False), [A43], {}),
    ("svdvals", lambda m, a: m.linalg.svdvals(a), [rand(2, 4, 3)], {}),
    ("svdvals_complex", lambda m, a: m.linalg.svdvals(a), [cplx(3, 4)], {}),
    ("svd_err_int", lambda m, a: m.linalg.svd(a), [ints(3, 3)], {}),
    ("eig", _eig_invariants, [M33], {}),
    ("eig_complex", _eig_invariants, [cplx(3, 3)], {}),
    ("eigvals", lambda m, a: m.linalg.eigvals(a), [M33], {}),
    ("eigvals_batch", lambda m, a: m.linalg.eigvals(a), [rand(2, 3, 3)], {}),
    ("eig_err_nonsquare", lambda m, a: m.linalg.eig(a), [A43], {}),
    ("eigh", _eigh_invariants, [SPD3], {}),
    ("eigh_upper", lambda m, a: _eigh_invariants(m, a, UPLO="U"), [SPD3 + np.tril(rand(3, 3), -1)], {}),
    ("eigh_lower_only", _eigh_invariants, [SPD3 + np.triu(rand(3, 3), 1)], {}),
    ("eigh_complex", _eigh_invariants, [(lambda c: c + c.conj().T)(cplx(3, 3))], {}),
    ("eigvalsh", lambda m, a: m.linalg.eigvalsh(a), [rand(2, 3, 3)], {}),
    ("eigvalsh_upper", lambda m, a: m.linalg.eigvalsh(a, UPLO="U"), [M33], {}),
    ("eigh_err_uplo", lambda m, a: m.linalg.eigh(a, UPLO="X"), [M33], {}),
    ("lu_factor", lambda m, a: m.linalg.lu_factor(a), [M33], {}),
    ("lu_factor_batch_rect", lambda m, a: m.linalg.lu_factor(a), [rand(2, 4, 3)], {}),
    ("lu_factor_ex", lambda m, a: m.linalg.lu_factor_ex(a), [SING], {}),
    ("lu_factor_err_singular", lambda m, a: m.linalg.lu_factor(a), [SING], {}),
    ("lu_factor_err_pivot", lambda m, a: m.linalg.lu_factor(a, pivot=False), [M33], {}),
    ("lu", lambda m, a: m.linalg.lu(a), [M33], {}),
    ("lu_wide", lambda m, a: m.linalg.lu(a), [A34], {}),
    ("lu_tall", lambda m, a: m.linalg.lu(a), [A43], {}),
    ("lu_unpack", lambda m, a: m.lu_unpack(*m.linalg.lu_factor(a)), [rand(2, 4, 3)], {}),
    ("lu_unpack_no_data", lambda m, a: m.lu_unpack(*m.linalg.lu_factor(a), unpack_data=False), [M33], {}),
    ("lu_torch", lambda m, a: m.lu(a), [M33], {}),
    ("lu_torch_infos", lambda m, a: tuple(m.lu(a, get_infos=True)), [SING], {}),
    ("lu_method", lambda m, a: a.lu(), [M33], {}),
    ("matrix_exp", lambda m, a: m.linalg.matrix_exp(a), [M33], {}),
    ("matrix_exp_batch", lambda m, a: m.matrix_exp(a), [rand(2, 3, 3) * 0.5], {}),
    ("matrix_exp_method", lambda m, a: a.matrix_exp(), [M33], {}),
    ("matrix_exp_empty", lambda m, a: m.matrix_exp(a), [rand(0, 0)], {}),
    ("matrix_exp_err_int", lambda m, a: m.matrix_exp(a), [ints(3, 3)], {}),
    ("matrix_exp_err_nonsquare", lambda m, a: m.matrix_exp(a), [A43], {}),
    ("matrix_power_3", lambda m, a: m.matrix_power(a, 3), [M33], {}),
    ("matrix_power_0", lambda m, a: m.linalg.matrix_power(a, 0), [B233], {}),
    ("matrix_power_1", lambda m, a: a.matrix_power(1), [M33], {}),
    ("matrix_power_neg", lambda m, a: m.linalg.matrix_power(a, -2), [WC3], {}),
    ("matrix_power_int", lambda m, a: m.matrix_power(a, 3), [ints(3, 3)], {}),
    ("matrix_power_err_int_neg", lambda m, a: m.matrix_power(a, -1), [ints(3, 3)], {}),
    ("matrix_power_err_nonsquare", lambda m, a: m.matrix_power(a, 2), [A43], {}),
    ("matrix_power_err_1d", lambda m, a: m.matrix_power(a, 2), [V3], {}),
    ("householder_product", lambda m, a, t: m.linalg.householder_product(a, t), [A43, rand(2)], {}),
    ("householder_full", lambda m, a, t: m.linalg.householder_product(a, t), [rand(2, 4, 3), rand(2, 3)], {}),
    ("orgqr_geqrf_like", lambda m, a, t: m.orgqr(a, t), [M33, rand(3)], {}),
    ("householder_err_wide", lambda m, a, t: m.linalg.householder_product(a, t), [A34, rand(2)], {}),
]


@pytest.mark.parametrize("name,fn,arrays,opts", FACTORIZATIONS, ids=[c[0] for c in FACTORIZATIONS])
def test_factorizations(name, fn, arrays, opts):
    _run(name, fn, arrays, opts)


def test_linalg_error_messages_and_types():
    assert issubclass(jtorch.linalg.LinAlgError, RuntimeError)
    with pytest.raises(jtorch.linalg.LinAlgError, match=r"linalg.inv: \(Batch element 1\): The diagonal element 2 is "
                                                        r"zero"):
        jtorch.linalg.inv(jtorch.tensor(SING_BATCH))
    with pytest.raises(jtorch.linalg.LinAlgError, match=r"the leading minor of order 3 is not positive-definite"):
        jtorch.linalg.cholesky(jtorch.tensor(NOT_PD))
    with pytest.raises(RuntimeError, match=r"linalg.inv: A must be batches of square matrices, but they are 4 by 3"):
        jtorch.linalg.inv(jtorch.tensor(A43))


def test_qr_backward_errors_at_backward_time():
    a = jtorch.tensor(A43).requires_grad_()
    q, r = jtorch.linalg.qr(a, mode="complete")  # the forward works, as in torch
    with pytest.raises(RuntimeError, match="not differentiable when mode='complete'"):
        q.sum().backward()
    q, r = jtorch.linalg.qr(a, mode="r")
    with pytest.raises(RuntimeError, match="mode='r'"):
        r.sum().backward()


def test_singular_inputs_under_jit_do_not_raise():
    from jtorch.testing import jit_apply
    inv, info = jit_apply(lambda a: tuple(jtorch.linalg.inv_ex(a)), jtorch.tensor(SING_BATCH))
    assert info.tolist() == [0, 2]


LOW3 = np.tril(rand(3, 3)) + 3 * np.eye(3)
UP3 = LOW3.T.copy()
RANKDEF = np.array([[1.0, 2.0, 2.0], [3.0, 1.0, 1.0], [0.0, 1.0, 1.0], [2.0, 2.0, 2.0]])

SOLVERS = [
    ("solve", lambda m, a, b: m.linalg.solve(a, b), [WC3, rand(3, 2)], {}),
    ("solve_vector", lambda m, a, b: m.linalg.solve(a, b), [WC3, V3], {}),
    ("solve_batch_vector", lambda m, a, b: m.linalg.solve(a, b), [WC233, rand(2, 3)], {}),
    ("solve_broadcast", lambda m, a, b: m.linalg.solve(a, b), [wellcond(2, 1, 3, 3), rand(4, 3, 2)], {}),
    ("solve_left_false", lambda m, a, b: m.linalg.solve(a, b, left=False), [WC3, rand(2, 3)], {}),
    ("solve_complex", lambda m, a, b: m.linalg.solve(a, b), [C33, cplx(3, 2)], {}),
    ("solve_f32", lambda m, a, b: m.linalg.solve(a, b), [WC3.astype(F32), rand(3, 2).astype(F32)], {"rtol": 1e-4}),
    ("solve_ex", lambda m, a, b: m.linalg.solve_ex(a, b), [WC3, rand(3, 2)], {}),
    ("solve_err_singular", lambda m, a, b: m.linalg.solve(a, b), [SING, rand(2)], {}),
    ("solve_err_shape", lambda m, a, b: m.linalg.solve(a, b), [WC3, V4], {}),
    ("solve_err_b_rows", lambda m, a, b: m.linalg.solve(a, b), [WC233, rand(1, 3)], {}),
    ("solve_err_dtype", lambda m, a, b: m.linalg.solve(a, b), [WC3, V3.astype(F32)], {}),
    ("solve_err_int", lambda m, a, b: m.linalg.solve(a, b), [ints(3, 3), ints(3)], {}),
    ("solve_err_0d_b", lambda m, a, b: m.linalg.solve(a, b), [WC3, np.array(1.0)], {}),
    ("solve_triangular", lambda m, a, b: m.linalg.solve_triangular(a, b, upper=False), [LOW3 + np.triu(M33, 1),
                                                                                         rand(3, 2)], {}),
    ("solve_triangular_upper_right", lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True, left=False),
     [UP3, rand(2, 3)], {}),
    ("solve_triangular_unit", lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True, unitriangular=True),
     [UP3, rand(3, 2)], {}),
    ("solve_triangular_bcast", lambda m, a, b: m.linalg.solve_triangular(a, b, upper=False),
     [np.stack([LOW3, LOW3 * 2])[:, None], rand(4, 3, 2)], {}),
    ("solve_triangular_err_shape", lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True), [UP3, rand(4, 2)], {}),
    ("solve_triangular_err_int", lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True),
     [ints(3, 3), ints(3, 2)], {}),
    ("triangular_solve", lambda m, b, a: m.triangular_solve(b, a), [rand(3, 2), UP3], {}),
    ("triangular_solve_lower_t", lambda m, b, a: m.triangular_solve(b, a, upper=False, transpose=True),
     [rand(2, 3, 2), LOW3], {}),
    ("triangular_solve_method", lambda m, b, a: tuple(b.triangular_solve(a, unitriangular=True)), [rand(3, 2), UP3],
     {}),
    ("triangular_solve_err", lambda m, b, a: m.triangular_solve(b, a), [rand(4, 2), UP3], {}),
    ("triangular_solve_err_1d", lambda m, b, a: m.triangular_solve(b, a), [V3, UP3], {}),
    ("cholesky_solve", lambda m, b, l: m.cholesky_solve(b, l), [rand(3, 2), np.linalg.cholesky(SPD3)], {}),
    ("cholesky_solve_upper", lambda m, b, u: m.cholesky_solve(b, u, upper=True),
     [rand(2, 3, 2), np.linalg.cholesky(SPD3).T.copy()], {}),
    ("cholesky_solve_err", lambda m, b, l: m.cholesky_solve(b, l), [rand(4, 2), LOW3], {}),
    ("cholesky_solve_err_dtype", lambda m, b, l: m.cholesky_solve(b, l), [rand(3, 2).astype(F32), LOW3], {}),
    ("cholesky_inverse", lambda m, l: m.cholesky_inverse(l), [LOW3], {}),
    ("cholesky_inverse_upper", lambda m, u: u.cholesky_inverse(upper=True), [np.stack([UP3, UP3 + np.eye(3)])], {}),
    ("cholesky_inverse_err", lambda m, l: m.cholesky_inverse(l), [A43], {}),
    ("lu_solve", lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(a), b), [WC3, rand(3, 2)], {}),
    ("lu_solve_adjoint", lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(a), b, adjoint=True),
     [WC3, rand(3, 2)], {}),
    ("lu_solve_right", lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(a), b, left=False), [WC3, rand(2, 3)],
     {}),
    ("lu_solve_right_adjoint", lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(a), b, left=False, adjoint=True),
     [WC233, rand(2, 3)], {}),
    ("lu_solve_complex_adjoint", lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(a), b, adjoint=True),
     [C33, cplx(3, 2)], {}),
    ("lu_solve_torch", lambda m, a, b: m.lu_solve(b, *m.linalg.lu_factor(a)), [WC233, rand(2, 3, 2)], {}),
    ("lu_solve_err_1d", lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(a), b), [WC3, V3], {}),
    ("lu_solve_err_shape", lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(a), b), [WC3, rand(4, 2)], {}),
    ("lstsq", lambda m, a, b: m.linalg.lstsq(a, b), [A43, rand(4, 2)], {}),
    ("lstsq_gelsd", lambda m, a, b: m.linalg.lstsq(a, b, driver="gelsd"), [A43, rand(4, 2)], {}),
    ("lstsq_gelss_vector", lambda m, a, b: m.linalg.lstsq(a, b, driver="gelss"), [A43, V4], {}),
    ("lstsq_gels", lambda m, a, b: m.linalg.lstsq(a, b, driver="gels"), [A43, rand(4, 2)], {}),
    ("lstsq_wide", lambda m, a, b: m.linalg.lstsq(a, b, driver="gelsd"), [A34, rand(3, 2)], {}),
    ("lstsq_rank_deficient", lambda m, a, b: m.linalg.lstsq(a, b, driver="gelsd")[1:], [RANKDEF, rand(4, 2)],
     {}),
    ("lstsq_rcond", lambda m, a, b: m.linalg.lstsq(a, b, rcond=0.5, driver="gelsd"), [A43, rand(4, 2)],
     {}),
    ("lstsq_batch", lambda m, a, b: m.linalg.lstsq(a, b), [rand(2, 4, 3), rand(2, 4, 2)], {}),
    ("lstsq_err_driver", lambda m, a, b: m.linalg.lstsq(a, b, driver="x"), [A43, rand(4, 2)], {}),
    ("lstsq_err_rows", lambda m, a, b: m.linalg.lstsq(a, b), [A43, rand(3, 2)], {}),
    ("lstsq_err_dtype", lambda m, a, b: m.linalg.lstsq(a, b), [A43, rand(4, 2).astype(F32)], {}),
    ("pinv", lambda m, a: m.linalg.pinv(a), [A43], {}),
    ("pinv_wide_batch", lambda m, a: m.linalg.pinv(a), [rand(2, 3, 4)], {}),
    ("pinv_rank_deficient", lambda m, a: m.linalg.pinv(a), [RANKDEF], {}),
    ("pinv_atol", lambda m, a: m.linalg.pinv(a, atol=0.5), [A43], {}),
    ("pinv_rtol_tensor", lambda m, a, t: m.linalg.pinv(a, rtol=t), [rand(2, 4, 3), np.array([0.5, 0.01])],
     {}),
    ("pinv_rcond", lambda m, a: m.linalg.pinv(a, 0.3), [A43], {}),
    ("pinv_hermitian", lambda m, a: m.linalg.pinv(a, hermitian=True), [SPD3], {}),
    ("pinv_complex", lambda m, a: m.linalg.pinv(a), [cplx(4, 3)], {}),
    ("pinverse", lambda m, a: m.pinverse(a), [A34], {}),
    ("pinv_err_int", lambda m, a: m.linalg.pinv(a), [ints(3, 3)], {}),
    ("matrix_rank", lambda m, a: m.linalg.matrix_rank(a), [RANKDEF], {}),
    ("matrix_rank_batch_tol", lambda m, a: m.linalg.matrix_rank(a, atol=1.0, rtol=0.1), [rand(2, 4, 3)], {}),
    ("matrix_rank_tol", lambda m, a: m.linalg.matrix_rank(a, 0.5), [A43], {}),
    ("matrix_rank_hermitian", lambda m, a: m.linalg.matrix_rank(a, hermitian=True), [np.diag([1.0, 0.0, 2.0])], {}),
    ("tensorinv", lambda m, a: m.linalg.tensorinv(a, ind=1), [wellcond(4, 4).reshape(4, 2, 2)], {}),
    ("tensorinv_err", lambda m, a: m.linalg.tensorinv(a, ind=1), [rand(4, 2, 3)], {}),
    ("tensorsolve", lambda m, a, b: m.linalg.tensorsolve(a, b), [wellcond(6, 6).reshape(2, 3, 6), rand(2, 3)], {}),
    ("tensorsolve_dims", lambda m, a, b: m.linalg.tensorsolve(a, b, dims=(0,)),
     [wellcond(6, 6).T.copy().reshape(6, 2, 3), rand(2, 3)], {}),
]


@pytest.mark.parametrize("name,fn,arrays,opts", SOLVERS, ids=[c[0] for c in SOLVERS])
def test_solvers(name, fn, arrays, opts):
    _run(name, fn, arrays, opts)


INF = float("inf")
TIES = np.array([1.0, -3.0, 3.0, 0.0])

NORMS = [
    ("vector_norm", lambda m, x: m.linalg.vector_norm(x), [B234], {}),
    ("vector_norm_ord3_dims", lambda m, x: m.linalg.vector_norm(x, 3, dim=(0, 2), keepdim=True), [B234], {}),
    ("vector_norm_ord_half", lambda m, x: m.linalg.vector_norm(x, 0.5, dim=-1), [B234], {}),
    ("vector_norm_ord1_zero", lambda m, x: m.linalg.vector_norm(x, 1), [TIES], {}),
    ("vector_norm_inf_ties", lambda m, x: m.linalg.vector_norm(x, INF), [TIES], {}),
    ("vector_norm_neg_inf", lambda m, x: m.linalg.vector_norm(x, -INF), [TIES + 2], {}),
    ("vector_norm_ord0", lambda m, x: m.linalg.vector_norm(x, 0), [TIES], {}),
    ("vector_norm_neg1", lambda m, x: m.linalg.vector_norm(x, -1), [TIES + 5], {}),
    ("vector_norm_at_zero", lambda m, x: m.linalg.vector_norm(x), [np.zeros(3)], {}),
    ("vector_norm_p3_at_zero", lambda m, x: m.linalg.vector_norm(x, 3), [np.zeros(3)], {}),
    ("vector_norm_0d", lambda m, x: m.linalg.vector_norm(x), [np.array(-3.0)], {}),
    ("vector_norm_empty", lambda m, x: m.linalg.vector_norm(x), [rand(0)], {}),
    ("vector_norm_complex", lambda m, x: m.linalg.vector_norm(x, 3), [cplx(4)], {}),
    ("vector_norm_complex_dtype", lambda m, x: m.linalg.vector_norm(x, dtype=m.complex128), [cplx(4).astype(np.complex64)],
     {}),
    ("vector_norm_f16", lambda m, x: m.linalg.vector_norm(x), [V4.astype(np.float16)], {"rtol": 1e-3}),
    ("vector_norm_dtype_up", lambda m, x: m.linalg.vector_norm(x, dtype=m.float64), [V4.astype(F32)], {}),
    ("vector_norm_err_narrow", lambda m, x: m.linalg.vector_norm(x, dtype=m.float32), [V4], {}),
    ("vector_norm_err_int", lambda m, x: m.linalg.vector_norm(x), [ints(3)], {}),
    ("vector_norm_err_inf_empty", lambda m, x: m.linalg.vector_norm(x, INF), [rand(0)], {}),
    ("vector_norm_err_dim_empty", lambda m, x: m.linalg.vector_norm(x, -1, dim=1), [rand(2, 0)], {}),
    ("vector_norm_err_dim", lambda m, x: m.linalg.vector_norm(x, dim=2), [M23], {}),
    ("vector_norm_err_str", lambda m, x: m.linalg.vector_norm(x, "fro"), [M23], {}),
    ("matrix_norm_fro", lambda m, a: m.linalg.matrix_norm(a), [B234], {}),
    ("matrix_norm_nuc", lambda m, a: m.linalg.matrix_norm(a, "nuc"), [B234], {}),
    ("matrix_norm_2", lambda m, a: m.linalg.matrix_norm(a, 2), [B234], {}),
    ("matrix_norm_neg2", lambda m, a: m.linalg.matrix_norm(a, -2), [B234], {}),
    ("matrix_norm_1", lambda m, a: m.linalg.matrix_norm(a, 1), [B234], {}),
    ("matrix_norm_neg1", lambda m, a: m.linalg.matrix_norm(a, -1, keepdim=True), [B234], {}),
    ("matrix_norm_inf", lambda m, a: m.linalg.matrix_norm(a, INF), [B234], {}),
    ("matrix_norm_neg_inf_dims", lambda m, a: m.linalg.matrix_norm(a, -INF, dim=(2, 0)), [B234], {}),
    ("matrix_norm_nuc_dims_keepdim", lambda m, a: m.linalg.matrix_norm(a, "nuc", dim=(0, 2), keepdim=True), [B234],
     {}),
    ("matrix_norm_complex", lambda m, a: m.linalg.matrix_norm(a, 1), [cplx(3, 3)], {}),
    ("matrix_norm_empty", lambda m, a: m.linalg.matrix_norm(a, INF), [rand(0, 3)], {}),
    ("matrix_norm_dtype", lambda m, a: m.linalg.matrix_norm(a, dtype=m.float64), [M33.astype(F32)], {}),
    ("matrix_norm_err_ord", lambda m, a: m.linalg.matrix_norm(a, 3), [M33], {}),
    ("matrix_norm_err_str", lambda m, a: m.linalg.matrix_norm(a, "abc"), [M33], {}),
    ("matrix_norm_err_1d", lambda m, a: m.linalg.matrix_norm(a), [V3], {}),
    ("matrix_norm_err_same_dims", lambda m, a: m.linalg.matrix_norm(a, dim=(0, 0)), [B234], {}),
    ("linalg_norm_flat", lambda m, a: m.linalg.norm(a), [B234], {}),
    ("linalg_norm_2d_inf", lambda m, a: m.linalg.norm(a, INF), [M23], {}),
    ("linalg_norm_1d_ord", lambda m, a: m.linalg.norm(a, 3), [V4], {}),
    ("linalg_norm_dim1", lambda m, a: m.linalg.norm(a, 3, dim=1), [B234], {}),
    ("linalg_norm_dim2", lambda m, a: m.linalg.norm(a, "nuc", dim=(1, 2)), [B234], {}),
    ("linalg_norm_err_3d_ord", lambda m, a: m.linalg.norm(a, 2), [B234], {}),
    ("linalg_norm_err_dims", lambda m, a: m.linalg.norm(a, dim=(0, 1, 2)), [B234], {}),
    ("linalg_norm_err_fro_1d", lambda m, a: m.linalg.norm(a, "fro"), [V3], {}),
    ("nuclear_norm", lambda m, a: m.nuclear_norm(a), [M33], {}),
    ("frobenius_norm", lambda m, a: m.frobenius_norm(a, dim=(0, 1)), [M23], {}),
    ("cond", lambda m, a: m.linalg.cond(a), [WC3], {}),
    ("cond_neg2_rect", lambda m, a: m.linalg.cond(a, -2), [A43], {}),
    ("cond_fro_batch", lambda m, a: m.linalg.cond(a, "fro"), [WC233], {}),
    ("cond_inf", lambda m, a: m.linalg.cond(a, INF), [WC3], {}),
    ("cond_singular", lambda m, a: (m.linalg.cond(a, "nuc"), m.linalg.cond(a, 1)), [np.diag([1.0, 0.0])], {}),
    ("cond_err_ord", lambda m, a: m.linalg.cond(a, 3), [WC3], {}),
    ("cond_err_nonsquare", lambda m, a: m.linalg.cond(a, "fro"), [A34], {}),
    ("linalg_cross", lambda m, a, b: m.linalg.cross(a, b), [rand(2, 3), rand(2, 3)], {}),
    ("linalg_cross_dim_bcast", lambda m, a, b: m.linalg.cross(a, b, dim=0), [rand(3, 1), rand(3, 4)], {}),
    ("linalg_cross_int", lambda m, a, b: m.linalg.cross(a, b), [ints(3), ints(3)], {}),
    ("linalg_cross_err_dtype", lambda m, a, b: m.linalg.cross(a, b), [ints(3), V3], {}),
    ("cross_err_len", lambda m, a, b: m.linalg.cross(a, b), [rand(2, 4), rand(2, 4)], {}),
    ("cross_err_ndim", lambda m, a, b: m.linalg.cross(a, b), [rand(2, 1, 3), rand(4, 3)], {}),
    ("vecdot", lambda m, a, b: m.linalg.vecdot(a, b), [M23, V3], {}),
    ("vecdot_complex_dim", lambda m, a, b: m.linalg.vecdot(a, b, dim=0), [cplx(3, 2), cplx(3, 2)], {}),
    ("vecdot_err_dtype", lambda m, a, b: m.linalg.vecdot(a, b), [V3, V3.astype(F32)], {}),
    ("vander", lambda m, x: m.vander(x), [V3], {}),
    ("vander_n_increasing", lambda m, x: m.vander(x, N=4, increasing=True), [V3], {}),
    ("vander_int", lambda m, x: m.vander(x), [ints(3)], {}),
    ("vander_bool", lambda m, x: m.vander(x), [V3 > 0], {}),
    ("vander_n0", lambda m, x: m.vander(x, N=0), [V3], {}),
    ("vander_err_2d", lambda m, x: m.vander(x), [M23], {}),
    ("vander_err_neg", lambda m, x: m.vander(x, N=-1), [V3], {}),
    ("linalg_vander", lambda m, x: m.linalg.vander(x, N=4), [M23], {}),
    ("linalg_vander_int", lambda m, x: m.linalg.vander(x), [ints(3)], {}),
    ("linalg_vander_err_n", lambda m, x: m.linalg.vander(x, N=1), [V3], {}),
    ("linalg_vander_err_bool", lambda m, x: m.linalg.vander(x), [V3 > 0], {}),
    ("linalg_diagonal", lambda m, a: m.linalg.diagonal(a, offset=1), [B234], {}),
]


@pytest.mark.parametrize("name,fn,arrays,opts", NORMS, ids=[c[0] for c in NORMS])
def test_norms(name, fn, arrays, opts):
    _run(name, fn, arrays, opts)


def test_tables_are_consistent():
    names = [c[0] for table in (PRODUCTS, FACTORIZATIONS, SOLVERS, NORMS) for c in table]
    assert len(names) == len(set(names)), "duplicate case names"
    assert not (FULL - set(names)), f"FULL names no case: {FULL - set(names)}"
    assert not (set(SKIPS) - set(names)), f"SKIPS names no case: {set(SKIPS) - set(names)}"
