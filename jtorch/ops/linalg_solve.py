"""Linear solvers: solve, solve_triangular, triangular_solve, cholesky_solve/inverse, lu_solve, lstsq, pinv,
matrix_rank, tensorinv, tensorsolve."""
from __future__ import annotations

import builtins
import functools
import math
import warnings
from typing import Any

import jax
import jax.numpy as jnp
from jax import lax

from .. import _dtype
from ..tensor import Tensor, _concrete, _wrap_dim
from ._registry import _return_type, exported, function, op, tensor_method
from .linalg_factor import (_first_zero, _svd, _t_name, check_float, check_matrix, hermitian_from, linalg_inv, mH,
                            raise_info, to_out)
from .views import permute, reshape


def _batch(*shapes: tuple) -> tuple:
    """Broadcast batch shapes with torch's message."""
    from .linalg import _broadcast_batch
    out: tuple = ()
    for s in shapes:
        out = _broadcast_batch(out, tuple(s))
    return out


def _bcast(x, batch: tuple, core: int):
    return jnp.broadcast_to(x, batch + x.shape[x.ndim - core:])


def _same_dtype(fn: str, A: Tensor, B: Tensor, a: str = "A", b: str = "B") -> None:
    if A.dtype is not B.dtype:
        raise RuntimeError(f"{fn}: Expected {a} and {b} to have the same dtype, but found {a} of type "
                           f"{_t_name(A.dtype)} and {b} of type {_t_name(B.dtype)} instead")


def _incompatible(fn: str, A: Tensor, B: Tensor, left: bool, vector: bool = False) -> None:
    """torch's check that AX = B (or XA = B) has compatible shapes."""
    n = A.shape[-1]
    rows = B.shape[-1] if vector else (B.shape[-2] if left else B.shape[-1])
    if rows != n:
        bs = f"{B.shape[-1]}x1" if vector else f"{B.shape[-2]}x{B.shape[-1]}"
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"{fn}: Incompatible shapes of A and B for the equation {eq} ({A.shape[-2]}x{n} and {bs})")


# ------------------------------------------------------------------ solve
def _is_vector_rhs(A: Tensor, B: Tensor) -> bool:
    return B.dim() == 1 or (B.dim() == A.dim() - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


def _solve_pre(A, B, left=True):
    check_matrix("linalg.solve", A)
    if not isinstance(B, Tensor):
        raise TypeError(f"linalg.solve: argument 'B' must be Tensor, not {type(B).__name__}")
    vector = left and _is_vector_rhs(A, B)
    if not vector and B.dim() < 2:
        raise RuntimeError("linalg.solve: The input tensor B must have at least 2 dimensions.")
    _same_dtype("linalg.solve", A, B)
    _incompatible("linalg.solve", A, B, left, vector)
    _batch(tuple(A.shape[:-2]), tuple(B.shape[:-1] if vector else B.shape[:-2]))
    return A, B, left


@op("linalg_solve_ex(Tensor A, Tensor B, *, bool left=True) -> (Tensor result, Tensor info)", function=False,
    method=False, pre=_solve_pre)
def _linalg_solve_ex(a, b, *, left):
    vector = left and (b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1]))
    if not left:  # X A = B  <=>  A^T X^T = B^T
        a, b = jnp.swapaxes(a, -1, -2), jnp.swapaxes(b, -1, -2)
    if vector:
        b = b[..., None]
    batch = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    lu, piv, _ = lax.linalg.lu(a)
    x = jax.scipy.linalg.lu_solve((_bcast(lu, batch, 2), _bcast(piv, batch, 1)), _bcast(b, batch, 2))
    if vector:
        x = x[..., 0]
    elif not left:
        x = jnp.swapaxes(x, -1, -2)
    return x, _first_zero(jnp.diagonal(lu, axis1=-2, axis2=-1))


def linalg_solve_ex(A: Tensor, B: Tensor, *, left: bool = True, check_errors: bool = False, out: Any = None) -> Any:
    res = _linalg_solve_ex(A, B, left=left, out=out)
    if check_errors:
        raise_info(res.info, "torch.linalg.solve_ex", lambda i: "The solver failed because the input matrix is "
                   "singular.")
    return res


def linalg_solve(A: Tensor, B: Tensor, *, left: bool = True, out: Tensor | None = None) -> Tensor:
    res = _linalg_solve_ex(A, B, left=left)
    raise_info(res.info, "torch.linalg.solve", lambda i: "The solver failed because the input matrix is singular.")
    return to_out("linalg_solve_ex", res.result, out)


# ------------------------------------------------------------------ triangular systems
def _tri_solve(a, b, *, upper: bool, left: bool, unitriangular: bool, transpose: bool = False,
               conjugate: bool = False):
    batch = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return lax.linalg.triangular_solve(_bcast(a, batch, 2), _bcast(b, batch, 2), left_side=left, lower=not upper,
                                       transpose_a=transpose, conjugate_a=conjugate, unit_diagonal=unitriangular)


def _solve_triangular_pre(A, B, upper, left=True, unitriangular=False):
    check_matrix("linalg.solve_triangular", A, dtype=False)
    check_matrix("linalg.solve_triangular", B, square=False, name="B", dtype=False)
    _incompatible("linalg.solve_triangular", A, B, left)
    _batch(tuple(A.shape[:-2]), tuple(B.shape[:-2]))
    if A.dtype is not B.dtype:
        raise RuntimeError(f"expected scalar type {_t_name(A.dtype)} but found {_t_name(B.dtype)}")
    if not (A.dtype.is_floating_point or A.dtype.is_complex) or A.dtype in (_dtype.float16, _dtype.bfloat16):
        raise RuntimeError(f"\"triangular_solve_cpu\" not implemented for '{_t_name(A.dtype)}'")
    return A, B, upper, left, unitriangular


@op("linalg_solve_triangular(Tensor A, Tensor B, *, bool upper, bool left=True, bool unitriangular=False) -> Tensor",
    function=False, method=False, pre=_solve_triangular_pre)
def linalg_solve_triangular(a, b, *, upper, left, unitriangular):
    return _tri_solve(a, b, upper=upper, left=left, unitriangular=unitriangular)


def _triangular_solve_pre(input, A, upper=True, transpose=False, unitriangular=False):
    if input.dim() < 2:
        raise RuntimeError(f"torch.triangular_solve: Expected b to have at least 2 dimensions, but it has "
                           f"{input.dim()} dimensions instead")
    if A.dim() < 2:
        raise RuntimeError(f"torch.triangular_solve: Expected A to have at least 2 dimensions, but it has {A.dim()} "
                           "dimensions instead")
    if A.shape[-1] != A.shape[-2] or A.shape[-1] != input.shape[-2]:
        raise RuntimeError(f"Incompatible matrix sizes for triangular_solve: each A matrix is {A.shape[-2]} by "
                           f"{A.shape[-1]} but each b matrix is {input.shape[-2]} by {input.shape[-1]}")
    if A.dtype is not input.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {_t_name(input.dtype)} "
                           f"and A of type {_t_name(A.dtype)} instead.")
    check_float("torch.triangular_solve", A)
    _batch(tuple(A.shape[:-2]), tuple(input.shape[:-2]))
    return input, A, upper, transpose, unitriangular


@op("triangular_solve(Tensor input, Tensor A, bool upper=True, bool transpose=False, bool unitriangular=False) -> "
    "(Tensor solution, Tensor cloned_coefficient)", pre=_triangular_solve_pre)
def triangular_solve(b, a, upper, transpose, unitriangular):
    batch = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    x = _tri_solve(a, b, upper=upper, left=True, unitriangular=unitriangular, transpose=transpose)
    return x, _bcast(a, batch, 2)


# ------------------------------------------------------------------ Cholesky-based solves
def _cholesky_solve_pre(input, input2, upper=False):
    if input.dim() < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {input.dim()} dimensions instead")
    if input2.dim() < 2:
        raise RuntimeError(f"u should have at least 2 dimensions, but has {input2.dim()} dimensions instead")
    if input2.shape[-1] != input2.shape[-2] or input2.shape[-1] != input.shape[-2]:
        raise RuntimeError(f"Incompatible matrix sizes for cholesky_solve: each A matrix is {input2.shape[-2]} by "
                           f"{input2.shape[-1]} but each b matrix is {input.shape[-2]} by {input.shape[-1]}")
    if input.dtype is not input2.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {_t_name(input.dtype)} "
                           f"and A of type {_t_name(input2.dtype)} instead.")
    check_float("cholesky_solve", input2)
    _batch(tuple(input.shape[:-2]), tuple(input2.shape[:-2]))
    return input, input2, upper


def _cho_solve(L, b, upper: bool):
    """A^-1 b with A = L L^H (or U^H U); only the triangle of L is read."""
    if upper:
        y = _tri_solve(L, b, upper=True, left=True, unitriangular=False, transpose=True, conjugate=True)
        return _tri_solve(L, y, upper=True, left=True, unitriangular=False)
    y = _tri_solve(L, b, upper=False, left=True, unitriangular=False)
    return _tri_solve(L, y, upper=False, left=True, unitriangular=False, transpose=True, conjugate=True)


# torch differentiates these as functions of the whole matrix L (A = L L^H), not of one triangle
@functools.partial(jax.custom_vjp, nondiff_argnums=(2,))
def _cholesky_solve(b, L, upper):
    return _cho_solve(L, b, upper)


def _cholesky_solve_fwd(b, L, upper):
    x = _cho_solve(L, b, upper)
    return x, (L, x)


def _cholesky_solve_bwd(upper, res, ct):
    L, x = res
    gb = _cho_solve(L, jnp.conj(ct), upper)
    common = gb @ mH(x)
    common = common + mH(common)
    gL = -(L @ common) if upper else -(common @ L)
    return jnp.conj(gb), jnp.conj(gL)


_cholesky_solve.defvjp(_cholesky_solve_fwd, _cholesky_solve_bwd)


@op("cholesky_solve(Tensor input, Tensor input2, bool upper=False) -> Tensor", pre=_cholesky_solve_pre)
def cholesky_solve(b, L, upper):
    batch = jnp.broadcast_shapes(b.shape[:-2], L.shape[:-2])
    return _cholesky_solve(_bcast(b, batch, 2), _bcast(L, batch, 2), upper)


def _cholesky_inverse_pre(input, upper=False):
    check_matrix("cholesky_inverse", input)
    return input, upper


def _cho_inverse(L, upper: bool):
    return _cho_solve(L, jnp.broadcast_to(jnp.eye(L.shape[-1], dtype=L.dtype), L.shape), upper)


@functools.partial(jax.custom_vjp, nondiff_argnums=(1,))
def _cholesky_inverse(L, upper):
    return _cho_inverse(L, upper)


def _cholesky_inverse_fwd(L, upper):
    inv = _cho_inverse(L, upper)
    return inv, (L, inv)


def _cholesky_inverse_bwd(upper, res, ct):
    L, inv = res
    g = jnp.conj(ct)
    common = inv @ ((g + mH(g)) @ inv)
    return (jnp.conj(-(L @ common) if upper else -(common @ L)),)


_cholesky_inverse.defvjp(_cholesky_inverse_fwd, _cholesky_inverse_bwd)


@op("cholesky_inverse(Tensor input, bool upper=False) -> Tensor", pre=_cholesky_inverse_pre)
def cholesky_inverse(L, upper):
    return _cholesky_inverse(L, upper)


# ------------------------------------------------------------------ LU-based solves
def _lu_solve_pre(LU, pivots, B, left=True, adjoint=False):
    check_matrix("linalg.lu_solve", LU, name="LU")
    check_matrix("linalg.lu_solve", B, square=False, name="B", dtype=False)
    if pivots.dtype is not _dtype.int32:
        raise RuntimeError("linalg.lu_solve: pivots should be a Tensor of scalar type torch.int32")
    if tuple(pivots.shape) != tuple(LU.shape[:-1]):
        raise RuntimeError("linalg.lu_solve: Expected LU.shape[:-1] and pivots.shape to be the same, but got pivots "
                           f"with shape {list(pivots.shape)} instead")
    _same_dtype("linalg.lu_solve", LU, B, "LU", "B")
    _incompatible("linalg.lu_solve", LU, B, left)
    _batch(tuple(LU.shape[:-2]), tuple(B.shape[:-2]))
    return LU, pivots, B, left, adjoint


def _lu_solve_left(lu, piv, b, adjoint: bool):
    """A^-1 b (or A^-H b) for A = P L U packed in ``lu`` with 1-based ``piv``."""
    batch = jnp.broadcast_shapes(lu.shape[:-2], b.shape[:-2])
    lu, piv, b = _bcast(lu, batch, 2), _bcast(piv, batch, 1), _bcast(b, batch, 2)
    perm = lax.linalg.lu_pivots_to_permutation(piv - 1, lu.shape[-1])
    tri = (lambda x, upper, unit, tr: lax.linalg.triangular_solve(lu, x, left_side=True, lower=not upper,
                                                                  transpose_a=tr, conjugate_a=tr, unit_diagonal=unit))
    if not adjoint:
        pb = jnp.take_along_axis(b, perm[..., :, None], axis=-2)
        return tri(tri(pb, False, True, False), True, False, False)
    y = tri(tri(b, True, False, True), False, True, True)
    inv_perm = jnp.argsort(perm, axis=-1)
    return jnp.take_along_axis(y, inv_perm[..., :, None], axis=-2)


@op("linalg_lu_solve(Tensor LU, Tensor pivots, Tensor B, *, bool left=True, bool adjoint=False) -> Tensor",
    function=False, method=False, pre=_lu_solve_pre)
def linalg_lu_solve(lu, piv, b, *, left, adjoint):
    if left:
        return _lu_solve_left(lu, piv, b, adjoint)
    # X A = B  <=>  A^H X^H = B^H (and X A^H = B  <=>  A X^H = B^H)
    return mH(_lu_solve_left(lu, piv, mH(b), not adjoint))


@function
def lu_solve(input: Tensor, LU_data: Tensor, LU_pivots: Tensor, *, out: Tensor | None = None) -> Tensor:
    warnings.warn("torch.lu_solve is deprecated in favor of torch.linalg.lu_solve and will be removed in a future "
                  "PyTorch release.", UserWarning, stacklevel=2)
    return linalg_lu_solve(LU_data, LU_pivots, input, out=out)


tensor_method("lu_solve")(lambda self, LU_data, LU_pivots: lu_solve(self, LU_data, LU_pivots))


# ------------------------------------------------------------------ least squares
_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def _lstsq_pre(A, B, rcond=None, driver=None):
    if A.dim() < 2:
        raise RuntimeError("torch.linalg.lstsq: input must have at least 2 dimensions.")
    if B.dim() < 1:
        raise RuntimeError("torch.linalg.lstsq: other must have at least 1 dimension.")
    if A.dtype is not B.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's "
                           f"dtype {_t_name(A.dtype)} and other's dtype {_t_name(B.dtype)}")
    check_float("torch.linalg.lstsq", A)
    vector = B.dim() == A.dim() - 1
    if (B.shape[-1] if vector else B.shape[-2]) != A.shape[-2]:
        raise RuntimeError(f"torch.linalg.lstsq: input.size(-2) should match other.size(-{1 if vector else 2})")
    if driver is not None and driver not in _DRIVERS:
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    _batch(tuple(A.shape[:-2]), tuple(B.shape[:-1] if vector else B.shape[:-2]))
    return A, B, rcond, driver or "gelsy"


@op("_linalg_lstsq(Tensor A, Tensor B, float? rcond=None, str driver='gelsy') -> "
    "(Tensor solution, Tensor residuals, Tensor rank, Tensor singular_values)", function=False, method=False,
    pre=_lstsq_pre, node_name="LinalgLstsqBackward0")
def _linalg_lstsq(a, b, rcond, driver):
    vector = b.ndim == a.ndim - 1
    if vector:
        b = b[..., None]
    m, n = a.shape[-2:]
    batch = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a, b = _bcast(a, batch, 2), _bcast(b, batch, 2)
    if rcond is None or rcond < 0:
        rcond = float(jnp.finfo(a.dtype).eps) * builtins.max(m, n)
    # every driver gives the minimum-norm solution of a full-rank problem; the SVD gives it for all
    U, S, Vh = _svd(a, False)
    keep = S > rcond * jnp.max(S, axis=-1, keepdims=True, initial=0.0)
    inv_s = jnp.where(keep, 1 / jnp.where(keep, S, 1), 0).astype(a.dtype)
    x = mH(Vh) @ (inv_s[..., :, None] * (mH(U) @ b))
    residuals = jnp.sum(jnp.abs(a @ x - b) ** 2, axis=-2)
    rank = jnp.sum(keep, axis=-1).astype(jnp.int64)
    return (x[..., 0] if vector else x), residuals, rank, S


def linalg_lstsq(A: Tensor, B: Tensor, rcond: float | None = None, *, driver: str | None = None) -> Any:
    """The residuals are empty unless m > n, the driver is not gelsy and every matrix has full rank: a shape
    that depends on the values, so gelsd/gelss with m > n need a concrete rank (they raise under jax.jit)."""
    driver = driver or "gelsy"
    sol, res, rank, sv = _linalg_lstsq(A, B, rcond, driver)
    m, n = A.shape[-2:]
    keep_res = m > n and driver != "gelsy"
    if keep_res and driver != "gels":
        keep_res = bool((_concrete(rank, "torch.linalg.lstsq's residuals") == n).all())
    if not keep_res:
        res = res.reshape(-1)[:0]  # empty, but still part of the graph as in torch
    sv = sv.detach() if driver in ("gelsd", "gelss") else sv.new_zeros((0,))
    return _LSTSQ(sol, res, rank if driver != "gels" else rank.new_zeros((0,)), sv)


_LSTSQ = _return_type("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))


# ------------------------------------------------------------------ pseudo-inverse and rank
def _pinv_backward(g, pinvA, A):
    """torch's pinv_backward (torch's gradient convention)."""
    m, n = A.shape[-2:]
    pinvAh, gh = mH(pinvA), mH(g)
    if m <= n:
        K = gh @ pinvA
        KpinvAh = K @ pinvAh
        return -mH(pinvA @ K) + KpinvAh - (A @ pinvA) @ KpinvAh + (pinvAh @ pinvA) @ (gh - K @ A)
    K = pinvA @ gh
    pinvAhK = pinvAh @ K
    return -mH(K @ pinvA) + pinvAhK - (pinvAhK @ pinvA) @ A + (gh - A @ K) @ pinvA @ pinvAh


def _tolerance(S, atol, rtol, m: int, n: int, dtype):
    smax = jnp.max(S, axis=-1, keepdims=True, initial=0.0) if S.shape[-1] else jnp.zeros(S.shape[:-1] + (1,), S.dtype)
    if rtol is None:
        default = float(jnp.finfo(dtype).eps) * builtins.max(m, n)
        rtol = default if atol is None else jnp.where(jnp.asarray(atol) > 0, 0.0, default)
    atol = 0.0 if atol is None else atol
    atol = jnp.asarray(atol, S.dtype)[..., None] if jnp.ndim(atol) else atol
    rtol = jnp.asarray(rtol, S.dtype)[..., None] if jnp.ndim(rtol) else rtol
    return jnp.maximum(atol, rtol * smax)


def _pinv_value(a, atol, rtol, hermitian: bool):
    m, n = a.shape[-2:]
    if hermitian:  # the lower triangle defines the matrix (the gradient still sees all of A, as torch's)
        w, V = jnp.linalg.eigh(lax.stop_gradient(hermitian_from(a, False)), symmetrize_input=False)
        tol = _tolerance(jnp.abs(w), atol, rtol, m, n, a.dtype)
        inv_w = jnp.where(jnp.abs(w) > tol, 1 / jnp.where(w == 0, 1, w), 0).astype(a.dtype)
        return (V * inv_w[..., None, :]) @ mH(V)
    U, S, Vh = jnp.linalg.svd(a, full_matrices=False)
    tol = _tolerance(S, atol, rtol, m, n, a.dtype)
    inv_s = jnp.where(S > tol, 1 / jnp.where(S == 0, 1, S), 0).astype(a.dtype)
    return mH(Vh) @ (inv_s[..., :, None] * mH(U))


@functools.partial(jax.custom_vjp, nondiff_argnums=(3,))
def _pinv(a, atol, rtol, hermitian):
    return _pinv_value(a, atol, rtol, hermitian)


def _pinv_fwd(a, atol, rtol, hermitian):
    p = _pinv_value(a, atol, rtol, hermitian)
    return p, (p, a, atol, rtol)


def _pinv_bwd(hermitian, res, ct):
    p, a, atol, rtol = res
    ga = jnp.conj(_pinv_backward(jnp.conj(ct), p, a))
    zero = (lambda t: None if t is None else jnp.zeros_like(t))  # the tolerances get no gradient
    return ga, zero(atol), zero(rtol)


_pinv.defvjp(_pinv_fwd, _pinv_bwd)


def _no_grad_tolerances(fn: str, **tols) -> None:
    for name, t in tols.items():
        if isinstance(t, Tensor) and t.requires_grad:
            raise RuntimeError(f"The function '{fn}' is not differentiable with respect to argument '{name}'. This "
                               "input cannot have requires_grad True.")


def _pinv_pre(A, atol=None, rtol=None, hermitian=False):
    _no_grad_tolerances("linalg_pinv", atol=atol, rtol=rtol)
    if A.dim() < 2 or not (A.dtype.is_floating_point or A.dtype.is_complex) or A.dtype in (_dtype.float16,
                                                                                              _dtype.bfloat16):
        raise RuntimeError(f"linalg.pinv({A.type().replace('torch.', '').replace('Tensor', '')}{{{list(A.shape)}}}): "
                           "expected a tensor with 2 or more dimensions of float, double, cfloat or cdouble types")
    if hermitian:
        check_matrix("linalg.pinv", A)
    return A, atol, rtol, hermitian


# atol/rtol are data (a float or a tensor of per-matrix tolerances); hermitian picks the algorithm
@op("_linalg_pinv(Tensor A, *, Tensor|Scalar? atol=None, Tensor|Scalar? rtol=None, bool hermitian=False) -> Tensor",
    function=False, method=False, pre=_pinv_pre, node_name="LinalgPinvBackward0")
def _linalg_pinv(a, *, atol, rtol, hermitian):
    return _pinv(a, atol, rtol, hermitian)


def linalg_pinv(A: Tensor, rcond: Any = None, hermitian: bool = False, *, atol: Any = None, rtol: Any = None,
                out: Tensor | None = None) -> Tensor:
    if rcond is not None:
        if rtol is not None:
            raise RuntimeError("linalg.pinv: rcond and rtol cannot be given together")
        rtol, atol = rcond, (0.0 if atol is None else atol)
    return to_out("_linalg_pinv", _linalg_pinv(A, atol=atol, rtol=rtol, hermitian=hermitian), out)


@function
def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    return linalg_pinv(input, rcond)


tensor_method("pinverse")(lambda self, rcond=1e-15: pinverse(self, rcond))


def _matrix_rank_pre(A, atol=None, rtol=None, hermitian=False):
    check_matrix("linalg.matrix_rank", A, square=hermitian)
    return A, atol, rtol, hermitian


@op("_linalg_matrix_rank(Tensor A, *, Tensor|Scalar? atol=None, Tensor|Scalar? rtol=None, bool hermitian=False) "
    "-> Tensor", function=False, method=False, differentiable=False, pre=_matrix_rank_pre)
def _linalg_matrix_rank(a, *, atol, rtol, hermitian):
    m, n = a.shape[-2:]
    if hermitian:
        S = jnp.abs(jnp.linalg.eigvalsh(jnp.tril(a) + mH(jnp.tril(a, -1)), symmetrize_input=False))
    else:
        S = jnp.linalg.svd(a, compute_uv=False)
    return jnp.sum(S > _tolerance(S, atol, rtol, m, n, a.dtype), axis=-1).astype(jnp.int64)


def linalg_matrix_rank(A: Tensor, tol: Any = None, hermitian: bool = False, *, atol: Any = None, rtol: Any = None,
                       out: Tensor | None = None) -> Tensor:
    if tol is not None:  # the deprecated form: an absolute tolerance only
        atol, rtol = tol, 0.0
    return to_out("_linalg_matrix_rank", _linalg_matrix_rank(A, atol=atol, rtol=rtol, hermitian=hermitian), out)


# ------------------------------------------------------------------ tensor equations (compositions)
def linalg_tensorinv(A: Tensor, ind: int = 2, *, out: Tensor | None = None) -> Tensor:
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    if math.prod(rows) != math.prod(cols):
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {math.prod(cols)} != {math.prod(rows)}")
    result = reshape(linalg_inv(reshape(A, (math.prod(rows), math.prod(cols)))), cols + rows)
    return to_out("linalg_inv_ex", result, out)


def linalg_tensorsolve(A: Tensor, B: Tensor, dims: Any = None, *, out: Tensor | None = None) -> Tensor:
    if dims is not None:
        nd = A.dim()
        dims = [_wrap_dim(d, nd) for d in dims]
        A = permute(A, [d for d in range(nd) if d not in dims] + dims)
    rhs = tuple(B.shape)
    rest = tuple(A.shape[len(rhs):])
    if math.prod(A.shape[:len(rhs)]) != math.prod(rhs) or math.prod(rhs) != math.prod(rest):
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {math.prod(rest)} != {math.prod(rhs)}")
    x = linalg_solve(reshape(A, (math.prod(rhs), math.prod(rest))), reshape(B, (math.prod(rhs),)))
    return to_out("linalg_solve_ex", reshape(x, rest), out)


__all__ = exported(__name__)
