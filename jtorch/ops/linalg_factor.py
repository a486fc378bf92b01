"""Matrix functions and factorizations: inv, det, slogdet, cholesky, qr, svd, eig, eigh, lu, matrix_exp,
matrix_power, householder_product.

Errors that depend on the values (a singular matrix, a matrix that is not positive-definite) are
raised as torch's ``LinAlgError`` when the result is concrete. Under ``jax.jit`` they cannot be raised:
the result then holds inf/NaN, like torch's ``*_ex`` variants with ``check_errors=False``.

Where JAX's derivative is missing or differs from torch's (full SVD, eig's eigenvectors, the
triangle-only inputs of cholesky/eigh), the gradient is written out after torch's formulas.
"""
from __future__ import annotations

import builtins
import functools
import warnings
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _dtype
from ..tensor import Tensor
from ._registry import OPS, _return_type, _write_out, exported, function, op, tensor_method


class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a linear algebra routine failed on the values of its input."""


# ------------------------------------------------------------------ shared checks and helpers
def _t_name(d: _dtype.dtype) -> str:
    from ._registry import _type_name
    return _type_name(d)


def check_float(fn: str, A: Tensor) -> None:
    d = A.dtype
    if not (d.is_floating_point or d.is_complex):
        raise RuntimeError(f"{fn}: Expected a floating point or complex tensor as input. Got {_t_name(d)}")
    if d in (_dtype.float16, _dtype.bfloat16):
        raise RuntimeError(f"{fn}: Low precision dtypes not supported. Got {_t_name(d)}")


def check_matrix(fn: str, A: Any, *, square: bool = True, name: str = "A", dtype: bool = True) -> None:
    """torch's checks of a (batch of) matrix argument."""
    if not isinstance(A, Tensor):
        raise TypeError(f"{fn}: argument '{name}' must be Tensor, not {type(A).__name__}")
    if A.dim() < 2:
        raise RuntimeError(f"{fn}: The input tensor {name} must have at least 2 dimensions.")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{fn}: {name} must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")
    if dtype:
        check_float(fn, A)


def _square_pre(fn: str) -> Callable:
    def pre(A, *rest):
        check_matrix(fn, A)
        return (A,) + rest
    return pre


def raise_info(info: Tensor, fn: str, message: Callable[[int], str], error: type = LinAlgError) -> None:
    """Raise ``error`` for the first non-zero LAPACK-style ``info`` (eagerly; nothing under tracing)."""
    v = info._value
    if isinstance(v, jax.core.Tracer):
        return
    a = np.asarray(v)
    if not a.any():
        return
    if a.ndim == 0:
        raise error(f"{fn}: {message(builtins.int(a))}")
    i = builtins.int(np.flatnonzero(a.reshape(-1))[0])
    raise error(f"{fn}: (Batch element {i}): {message(builtins.int(a.reshape(-1)[i]))}")


def to_out(name: str, result: Any, out: Any) -> Any:
    """Write a composite's result into ``out=`` like the registry does for op ``name``."""
    return result if out is None else _write_out(OPS[name], out, result)


def mH(x):
    return jnp.conj(jnp.swapaxes(x, -1, -2))


def _first_zero(d):
    """1-based index of the first zero along the last axis, 0 when none (LAPACK's info)."""
    z = d == 0
    if d.shape[-1] == 0:
        return jnp.zeros(d.shape[:-1], jnp.int32)
    return jnp.where(jnp.any(z, -1), jnp.argmax(z, -1) + 1, 0).astype(jnp.int32)


def _safe_div(num, den):
    # 0 / 0 terms come from gradients that are absent (zero cotangents); torch skips those terms
    return jnp.where(num == 0, jnp.zeros((), num.dtype), num / jnp.where(num == 0, 1, den))


def hermitian_from(x, upper: bool):
    """The Hermitian matrix that a LAPACK routine sees when it reads only one triangle of ``x``.

    The value comes from that triangle; the gradient flows through (x + x^H) / 2, the symmetric
    gradient torch reports."""
    t = jnp.triu(x) if upper else jnp.tril(x)
    strict = jnp.triu(x, 1) if upper else jnp.tril(x, -1)
    h = t + mH(strict)
    if jnp.iscomplexobj(x):
        h = h - 1j * jnp.imag(jnp.diagonal(h, axis1=-2, axis2=-1))[..., None] * jnp.eye(x.shape[-1], dtype=x.dtype)
    sym = (x + mH(x)) / 2
    return sym + lax.stop_gradient(h - sym)


# ------------------------------------------------------------------ inverse
@op("linalg_inv_ex(Tensor A) -> (Tensor inverse, Tensor info)", function=False, method=False,
    pre=_square_pre("linalg.inv"))
def _linalg_inv_ex(a):
    lu, piv, _ = lax.linalg.lu(a)
    eye = jnp.broadcast_to(jnp.eye(a.shape[-1], dtype=a.dtype), a.shape)
    inv = jax.scipy.linalg.lu_solve((lu, piv), eye)
    return inv, _first_zero(jnp.diagonal(lu, axis1=-2, axis2=-1))


def _singular_msg(i: int) -> str:
    return (f"The diagonal element {i} is zero, the inversion could not be completed because the input matrix is "
            "singular.")


def linalg_inv_ex(A: Tensor, *, check_errors: bool = False, out: Any = None) -> Any:
    res = _linalg_inv_ex(A, out=out)
    if check_errors:
        raise_info(res.info, "linalg.inv_ex", _singular_msg)
    return res


def linalg_inv(A: Tensor, *, out: Tensor | None = None) -> Tensor:
    res = _linalg_inv_ex(A)
    raise_info(res.info, "linalg.inv", _singular_msg)
    return to_out("linalg_inv_ex", res.inverse, out)


@function
def inverse(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    return linalg_inv(input, out=out)


tensor_method("inverse")(lambda self: linalg_inv(self))


# ------------------------------------------------------------------ determinants
@jax.custom_vjp
def _det(a):
    return jnp.linalg.det(a) if a.shape[-1] else jnp.ones(a.shape[:-2], a.dtype)


def _det_fwd(a):
    d = _det(a)
    return d, (a, d)


def _det_bwd(res, ct):
    # torch: grad * conj(det) * A^-H, and exactly zero at a singular matrix (det == 0)
    a, d = res
    if a.shape[-1] == 0:
        return (jnp.zeros_like(a),)
    scale = (jnp.conj(ct) * jnp.conj(d))[..., None, None]
    eye = jnp.eye(a.shape[-1], dtype=a.dtype)
    singular = (d == 0)[..., None, None]
    safe = jnp.where(singular, eye, a)
    g = jnp.where(singular, 0, jnp.linalg.solve(mH(safe), scale * eye))
    return (jnp.conj(g),)


_det.defvjp(_det_fwd, _det_bwd)


@op("det(Tensor input) -> Tensor", pre=_square_pre("linalg.det"), node_name="LinalgDetBackward0")
def det(a):
    return _det(a)


def linalg_det(A: Tensor, *, out: Tensor | None = None) -> Tensor:
    return det(A, out=out)


@op("linalg_slogdet(Tensor A) -> (Tensor sign, Tensor logabsdet)", function=False, method=False,
    pre=_square_pre("linalg.slogdet"))
def linalg_slogdet(a):
    sign, logabs = jnp.linalg.slogdet(a)
    return sign, logabs


_SLOGDET = _return_type("slogdet", ("sign", "logabsdet"))


@function
def slogdet(input: Tensor, *, out: Any = None) -> Any:
    return _SLOGDET(*linalg_slogdet(input, out=out))


tensor_method("slogdet")(lambda self: slogdet(self))


@op("logdet(Tensor input) -> Tensor", pre=_square_pre("linalg.logdet"), out=False)
def logdet(a):
    sign, logabs = jnp.linalg.slogdet(a)
    if jnp.iscomplexobj(a):
        return jnp.log(sign) + logabs
    # a negative determinant has no real logarithm; a zero one gives -inf (logabs already is)
    return jnp.where(sign < 0, jnp.nan, logabs)


# ------------------------------------------------------------------ cholesky
def _cholesky_info(a, upper: bool):
    """LAPACK potrf's info: the order of the first leading minor that is not positive-definite."""
    n = a.shape[-1]
    h = lax.stop_gradient(hermitian_from(a, upper))
    idx = jnp.arange(n)

    def step(j, carry):
        L, info = carry
        row = jnp.where(idx < j, L[..., j, :], 0)
        d = jnp.real(h[..., j, j]) - jnp.sum(jnp.abs(row) ** 2, -1)
        bad = ~(d > 0)
        info = jnp.where((info == 0) & bad, j + 1, info)
        dj = jnp.sqrt(jnp.where(bad, 1, d))
        col = (h[..., :, j] - jnp.einsum("...ik,...k->...i", jnp.where(idx < j, L, 0), jnp.conj(row))) / dj[..., None]
        col = jnp.where(idx > j, col, jnp.where(idx == j, dj[..., None].astype(col.dtype), 0))
        return L.at[..., :, j].set(col), info

    init = (jnp.zeros_like(h), jnp.zeros(a.shape[:-2], jnp.int32))
    return lax.fori_loop(0, n, step, init)[1]


@op("linalg_cholesky_ex(Tensor A, *, bool upper=False) -> (Tensor L, Tensor info)", function=False, method=False,
    pre=_square_pre("linalg.cholesky"))
def _linalg_cholesky_ex(a, *, upper):
    if a.shape[-1] == 0:
        return a, jnp.zeros(a.shape[:-2], jnp.int32)
    L = lax.linalg.cholesky(hermitian_from(a, upper), symmetrize_input=False)
    failed = jnp.isnan(jnp.real(jnp.diagonal(L, axis1=-2, axis2=-1))).any()
    info = lax.cond(failed, lambda x: _cholesky_info(x, upper), lambda x: jnp.zeros(x.shape[:-2], jnp.int32), a)
    return (mH(L) if upper else L), info


def _not_pd_msg(i: int) -> str:
    return (f"The factorization could not be completed because the input is not positive-definite (the leading "
            f"minor of order {i} is not positive-definite).")


def linalg_cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False, out: Any = None) -> Any:
    res = _linalg_cholesky_ex(A, upper=upper, out=out)
    if check_errors:
        raise_info(res.info, "linalg.cholesky_ex", _not_pd_msg)
    return res


def linalg_cholesky(A: Tensor, *, upper: bool = False, out: Tensor | None = None) -> Tensor:
    res = _linalg_cholesky_ex(A, upper=upper)
    raise_info(res.info, "linalg.cholesky", _not_pd_msg)
    return to_out("linalg_cholesky_ex", res.L, out)


@function
def cholesky(input: Tensor, upper: bool = False, *, out: Tensor | None = None) -> Tensor:
    warnings.warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a future "
                  "PyTorch release.", UserWarning, stacklevel=2)
    return linalg_cholesky(input, upper=upper, out=out)


tensor_method("cholesky")(lambda self, upper=False: cholesky(self, upper))


# ------------------------------------------------------------------ qr
def _undifferentiable(fn: Callable, message: str) -> Callable:
    """``fn`` whose backward raises torch's error (the forward still works)."""
    f = jax.custom_vjp(fn)

    def bwd(_, ct):
        raise RuntimeError(message)
    f.defvjp(lambda *args: (fn(*args), None), bwd)
    return f


def _qr_pre(A, mode="reduced"):
    check_matrix("linalg.qr", A, square=False)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or "
                           "'complete'")
    return A, mode


@op("linalg_qr(Tensor A, str mode='reduced') -> (Tensor Q, Tensor R)", function=False, method=False, pre=_qr_pre)
def linalg_qr(a, mode):
    m, n = a.shape[-2:]
    if mode == "r":
        def r_only(x):
            return jnp.zeros((0,), x.dtype), jnp.linalg.qr(x, mode="r")
        return _undifferentiable(r_only, "The derivative of linalg.qr depends on Q, which is not computed when "
                                         "mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to "
                                         "differentiate through linalg.qr.")(a)
    if mode == "complete" and m > n:
        return _undifferentiable(lambda x: tuple(jnp.linalg.qr(x, mode="complete")),
                                 "The QR decomposition is not differentiable when mode='complete' and nrows > "
                                 "ncols.")(a)
    q, r = jnp.linalg.qr(a, mode=mode)
    return q, r


_QR = _return_type("qr", ("Q", "R"))


@function
def qr(input: Tensor, some: bool = True, *, out: Any = None) -> Any:
    return _QR(*linalg_qr(input, "reduced" if some else "complete", out=out))


tensor_method("qr")(lambda self, some=True: qr(self, some))


# ------------------------------------------------------------------ svd
def _svd_backward(gU, gS, gVh, U, S, Vh):
    """torch's linalg_svd_backward (reduced factors, torch's gradient convention)."""
    m, n = U.shape[-2], Vh.shape[-1]
    skew = (lambda x: x - mH(x))
    UhgU = skew(mH(U) @ gU)
    VhgV = skew(Vh @ mH(gVh))
    S2 = S * S
    E = S2[..., None, :] - S2[..., :, None] + jnp.eye(S.shape[-1], dtype=S.dtype)
    gA = _safe_div(UhgU * S[..., None, :] + S[..., :, None] * VhgV, E.astype(UhgU.dtype))
    gA = gA + gS[..., :, None].astype(gA.dtype) * jnp.eye(S.shape[-1], dtype=gA.dtype)
    if jnp.iscomplexobj(U):
        d = jnp.diagonal(UhgU, axis1=-2, axis2=-1)
        gA = gA + _safe_div(d, (2 * S).astype(d.dtype))[..., None] * jnp.eye(S.shape[-1], dtype=gA.dtype)
    Sc = S.astype(gA.dtype)
    if m > n:
        gA = U @ gA
        gUSinv = _safe_div(gU, jnp.broadcast_to(Sc[..., None, :], gU.shape))
        gA = gA + gUSinv - U @ (mH(U) @ gUSinv)
        return gA @ Vh
    if m < n:
        gA = gA @ Vh
        SinvgVh = _safe_div(gVh, jnp.broadcast_to(Sc[..., :, None], gVh.shape))
        gA = gA + SinvgVh - (SinvgVh @ mH(Vh)) @ Vh
        return U @ gA
    return U @ (gA @ Vh)


@functools.partial(jax.custom_vjp, nondiff_argnums=(1,))
def _svd(a, full):
    return tuple(jnp.linalg.svd(a, full_matrices=full))


def _svd_fwd(a, full):
    out = _svd(a, full)
    return out, out


def _svd_bwd(full, res, cts):
    U, S, Vh = res
    gU, gS, gVh = (jnp.conj(c) for c in cts)  # JAX cotangents -> torch's convention
    k = S.shape[-1]
    if full:
        U, Vh, gU, gVh = U[..., :k], Vh[..., :k, :], gU[..., :k], gVh[..., :k, :]
    return (jnp.conj(_svd_backward(gU, gS, gVh, U, S, Vh)),)


_svd.defvjp(_svd_fwd, _svd_bwd)


@jax.custom_vjp
def _svdvals(a):
    return jnp.linalg.svd(a, compute_uv=False)


def _svdvals_fwd(a):
    U, S, Vh = jnp.linalg.svd(a, full_matrices=False)
    return S, (U, Vh)


def _svdvals_bwd(res, gS):
    U, Vh = res
    return (jnp.conj((U * gS[..., None, :].astype(U.dtype)) @ Vh),)


_svdvals.defvjp(_svdvals_fwd, _svdvals_bwd)


def _svd_pre(fn):
    def pre(A, *rest):
        check_matrix(fn, A, square=False)
        return (A,) + rest
    return pre


@op("linalg_svd(Tensor A, bool full_matrices=True) -> (Tensor U, Tensor S, Tensor Vh)", function=False, method=False,
    pre=_svd_pre("linalg.svd"))
def linalg_svd(a, full_matrices):
    return _svd(a, full_matrices)


@op("linalg_svdvals(Tensor A) -> Tensor", function=False, method=False, pre=_svd_pre("linalg.svdvals"))
def linalg_svdvals(a):
    return _svdvals(a)


_SVD = _return_type("svd", ("U", "S", "V"))


@function
def svd(input: Tensor, some: bool = True, compute_uv: bool = True, *, out: Any = None) -> Any:
    """torch.svd: returns V (not Vh); with compute_uv=False, U and V are zero matrices."""
    if compute_uv:
        U, S, Vh = linalg_svd(input, full_matrices=not some)
        result = _SVD(U, S, Vh.mH)
    else:
        from .creation import zeros
        S = linalg_svdvals(input)
        m, n = input.shape[-2:]
        batch = tuple(input.shape[:-2])
        result = _SVD(zeros(batch + (m, m), dtype=input.dtype), S, zeros(batch + (n, n), dtype=input.dtype))
    if out is not None:
        for o, r in zip(out, result):
            o._commit(Tensor._make(r._value.astype(o._value.dtype)))
        return _SVD(*out)
    return result


tensor_method("svd")(lambda self, some=True, compute_uv=True: svd(self, some, compute_uv))


# ------------------------------------------------------------------ eigen decompositions
def _eig_backward(gL, gV, L, V):
    """torch's linalg_eig_backward (non-Hermitian), in torch's gradient convention."""
    Vh = mH(V)
    VhgV = Vh @ gV
    diag_re = jnp.real(jnp.diagonal(VhgV, axis1=-2, axis2=-1))
    VhgV = VhgV - Vh @ (V * diag_re[..., None, :].astype(V.dtype))
    Lc = jnp.conj(L)
    E = Lc[..., None, :] - Lc[..., :, None] + jnp.eye(L.shape[-1], dtype=L.dtype)
    gA = _safe_div(VhgV, E)
    eye = jnp.eye(L.shape[-1], dtype=gA.dtype)
    gA = gA * (1 - eye) + gL[..., :, None] * eye
    return jnp.linalg.solve(Vh, gA @ Vh)


@functools.partial(jax.custom_vjp, nondiff_argnums=(1,))
def _eig(a, real_input):
    w, v = jnp.linalg.eig(a)
    return w, v


def _eig_fwd(a, real_input):
    out = _eig(a, real_input)
    return out, out


def _eig_bwd(real_input, res, cts):
    gL, gV = (jnp.conj(c) for c in cts)  # JAX cotangents -> torch's convention
    gA = jnp.conj(_eig_backward(gL, gV, *res))
    # a real A gets the real part of the complex gradient (torch's handle_r_to_c)
    return (jnp.real(gA) if real_input else gA,)


_eig.defvjp(_eig_fwd, _eig_bwd)


def _eig_check(A):
    check_matrix("linalg.eig", A)
    return (A,)


@op("linalg_eig(Tensor A) -> (Tensor eigenvalues, Tensor eigenvectors)", function=False, method=False,
    pre=_eig_check)
def linalg_eig(a):
    return _eig(a, not jnp.iscomplexobj(a))


@op("linalg_eigvals(Tensor A) -> Tensor", function=False, method=False, pre=_square_pre("linalg.eigvals"),
    node_name="LinalgEigBackward0")
def linalg_eigvals(a):
    return _eig(a, not jnp.iscomplexobj(a))[0]


def _eigh_pre(fn):
    def pre(A, UPLO="L"):
        check_matrix(fn, A)
        if UPLO not in ("L", "U"):
            raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
        return A, UPLO
    return pre


@op("linalg_eigh(Tensor A, str UPLO='L') -> (Tensor eigenvalues, Tensor eigenvectors)", function=False,
    method=False, pre=_eigh_pre("linalg.eigh"))
def linalg_eigh(a, UPLO):
    w, v = jnp.linalg.eigh(hermitian_from(a, UPLO == "U"), symmetrize_input=False)
    return w, v


@op("linalg_eigvalsh(Tensor A, str UPLO='L') -> Tensor", function=False, method=False,
    pre=_eigh_pre("linalg.eigvalsh"), node_name="LinalgEighBackward0")
def linalg_eigvalsh(a, UPLO):
    return jnp.linalg.eigh(hermitian_from(a, UPLO == "U"), symmetrize_input=False)[0]


# ------------------------------------------------------------------ LU
def _lu_pre(fn):
    def pre(A, pivot=True):
        check_matrix(fn, A, square=False)
        if not pivot:
            raise RuntimeError(f"{fn}: LU without pivoting is not implemented on the CPU")
        return A, pivot
    return pre


@op("linalg_lu_factor_ex(Tensor A, *, bool pivot=True) -> (Tensor LU, Tensor pivots, Tensor info)", function=False,
    method=False, pre=_lu_pre("linalg.lu_factor"))
def _linalg_lu_factor_ex(a, *, pivot):
    lu, piv, _ = lax.linalg.lu(a)
    return lu, piv + 1, _first_zero(jnp.diagonal(lu, axis1=-2, axis2=-1))


def linalg_lu_factor_ex(A: Tensor, *, pivot: bool = True, check_errors: bool = False, out: Any = None) -> Any:
    res = _linalg_lu_factor_ex(A, pivot=pivot, out=out)
    if check_errors:
        raise_info(res.info, "torch.linalg.lu_factor_ex", lambda i: f"U[{i},{i}] is zero and using it on lu_solve "
                   "would result in a division by zero. If you still want to perform the factorization, consider "
                   "calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)", RuntimeError)
    return res


_LU_FACTOR = _return_type("linalg_lu_factor", ("LU", "pivots"))


def linalg_lu_factor(A: Tensor, *, pivot: bool = True, out: Any = None) -> Any:
    res = _linalg_lu_factor_ex(A, pivot=pivot)
    raise_info(res.info, "torch.linalg.lu_factor", lambda i: f"U[{i},{i}] is zero and using it on lu_solve would "
               "result in a division by zero. If you still want to perform the factorization, consider calling "
               "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)", RuntimeError)
    if out is not None:
        for o, r in zip(out, res[:2]):
            o._commit(Tensor._make(r._value.astype(o._value.dtype)))
        return _LU_FACTOR(*out)
    return _LU_FACTOR(res.LU, res.pivots)


def _lu_unpack_pre(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    check_matrix("torch.lu_unpack", LU_data, square=False, name="LU_data", dtype=False)
    if LU_pivots.dtype is not _dtype.int32:
        raise RuntimeError("torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 dtype.\n"
                           "Note: this function is intended to be used with the output produced by "
                           "torch.linalg.lu_factor")
    return LU_data, LU_pivots, unpack_data, unpack_pivots


@op("_lu_factors(Tensor LU) -> (Tensor L, Tensor U)", function=False, method=False, node_name="LuUnpackBackward0")
def _lu_factors(lu):
    k = builtins.min(lu.shape[-2], lu.shape[-1])
    L = jnp.tril(lu[..., :, :k], -1) + jnp.eye(lu.shape[-2], k, dtype=lu.dtype)
    return L, jnp.triu(lu[..., :k, :])


# the permutation matrix is not differentiable: torch's P does not require grad
@op("_lu_permutation(Tensor pivots, int m, ScalarType dtype) -> Tensor", function=False, method=False,
    differentiable=False)
def _lu_permutation(piv, m, dtype):
    perm = lax.linalg.lu_pivots_to_permutation(piv - 1, m)
    return jnp.swapaxes(jax.nn.one_hot(perm, m, dtype=dtype.np), -1, -2)


_LU_UNPACK = _return_type("lu_unpack", ("P", "L", "U"))
_LINALG_LU = _return_type("linalg_lu", ("P", "L", "U"))


@function
def lu_unpack(LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True, unpack_pivots: bool = True, *,
              out: Any = None) -> Any:
    _lu_unpack_pre(LU_data, LU_pivots)
    empty = LU_data.new_zeros((0,))  # type: ignore[attr-defined]
    P = _lu_permutation(LU_pivots, LU_data.shape[-2], LU_data.dtype) if unpack_pivots else empty
    L, U = _lu_factors(LU_data) if unpack_data else (empty, empty)
    result = _LU_UNPACK(P, L, U)
    if out is not None:
        for o, r in zip(out, result):
            o._commit(Tensor._make(r._value.astype(o._value.dtype)))
        return _LU_UNPACK(*out)
    return result


def linalg_lu(A: Tensor, *, pivot: bool = True, out: Any = None) -> Any:
    LU, piv, _ = _linalg_lu_factor_ex(A, pivot=pivot)
    P, L, U = lu_unpack(LU, piv, out=out)
    return _LINALG_LU(P, L, U)


_LU_WITH_INFO = _return_type("_lu_with_info", ("LU", "pivots", "info"))


@function
def lu(A: Tensor, pivot: bool = True, get_infos: bool = False, out: Any = None) -> Any:
    """Deprecated torch.lu."""
    warnings.warn("torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and will be "
                  "removed in a future PyTorch release.", UserWarning, stacklevel=2)
    res = linalg_lu_factor_ex(A, pivot=pivot, check_errors=not get_infos)
    result = _LU_WITH_INFO(*res) if get_infos else (res.LU, res.pivots)
    if out is not None:
        for o, r in zip(out, result):
            o._commit(Tensor._make(r._value.astype(o._value.dtype)))
        return out
    return result


tensor_method("lu")(lambda self, pivot=True, get_infos=False: lu(self, pivot, get_infos))


# ------------------------------------------------------------------ matrix functions
# Pade approximant of degree 13 with scaling and squaring (Higham 2005); the squarings count per matrix
_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0, 129060195264000.0,
           10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0,
           1.0)
_THETA13 = 5.371920351148152


def _expm(a):
    b = _PADE13
    norm = jnp.max(jnp.sum(jnp.abs(a), axis=-2), axis=-1)
    ratio = jnp.where(norm > 0, norm / _THETA13, 1.0)
    s = jnp.where(ratio > 1, jnp.ceil(jnp.log2(jnp.where(ratio > 1, ratio, 1.0))), 0).astype(jnp.int32)
    a = a / (2.0 ** s).astype(a.dtype)[..., None, None]
    eye = jnp.eye(a.shape[-1], dtype=a.dtype)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
    r = jnp.linalg.solve(v - u, v + u)
    steps = s[..., None, None]
    return lax.fori_loop(0, jnp.max(s, initial=0), lambda i, r: jnp.where(i < steps, r @ r, r), r)


@jax.custom_vjp
def _matrix_exp(a):
    return _expm(a)


def _matrix_exp_bwd(a, ct):
    # torch: the upper-right block of exp([[A^H, G], [0, A^H]])
    n = a.shape[-1]
    ah = mH(a)
    top = jnp.concatenate([ah, jnp.conj(ct)], -1)
    bottom = jnp.concatenate([jnp.zeros_like(ah), ah], -1)
    return (jnp.conj(_expm(jnp.concatenate([top, bottom], -2))[..., :n, n:]),)


_matrix_exp.defvjp(lambda a: (_expm(a), a), _matrix_exp_bwd)


@op("matrix_exp(Tensor input) -> Tensor", pre=_square_pre("linalg.matrix_exp"), out=False,
    node_name="LinalgMatrixExpBackward0")
def matrix_exp(a):
    if a.shape[-1] == 0:
        return a
    return _matrix_exp(a)


def linalg_matrix_exp(A: Tensor) -> Tensor:
    return matrix_exp(A)


def _matrix_power_pre(input, n):
    check_matrix("linalg.matrix_power", input, dtype=False)
    return input, n


@op("_matrix_power(Tensor input, int n) -> Tensor", function=False, method=False, pre=_matrix_power_pre,
    node_name="LinalgMatrixPowerBackward0")
def _matrix_power(a, n):
    if n == 0:
        return jnp.broadcast_to(jnp.eye(a.shape[-1], dtype=a.dtype), a.shape)
    result = None
    base = a
    while n:  # binary exponentiation, unrolled over the static exponent
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return result


@function
def matrix_power(input: Tensor, n: int, *, out: Tensor | None = None) -> Tensor:
    if isinstance(input, Tensor):
        check_matrix("linalg.matrix_power", input, dtype=False)
    if n < 0:
        input, n = linalg_inv(input), -n
    result = _matrix_power(input, n)
    return result if out is None else _write_out(OPS["_matrix_power"], out, result)


tensor_method("matrix_power")(lambda self, n: matrix_power(self, n))


def _householder_pre(A, tau):
    check_matrix("torch.linalg.householder_product", A, square=False, dtype=False)
    m, n = A.shape[-2:]
    if m < n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-2] must be greater than or equal to "
                           "input.shape[-1]")
    if tau.shape[-1] > n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-1] must be greater than or equal to "
                           "tau.shape[-1]")
    if tau.dim() != A.dim() - 1:
        raise RuntimeError(f"torch.linalg.householder_product: Expected tau to have one dimension less than input, "
                           f"but got tau.ndim equal to {tau.dim()} and input.ndim is equal to {A.dim()}")
    if A.dtype is not tau.dtype:
        raise RuntimeError(f"torch.linalg.householder_product: tau dtype {tau.dtype} does not match input dtype "
                           f"{A.dtype}")
    return A, tau


@op("linalg_householder_product(Tensor A, Tensor tau) -> Tensor", function=False, method=False,
    pre=_householder_pre)
def linalg_householder_product(a, tau):
    # Q = H_1 ... H_k (first n columns), H_i = I - tau_i v_i v_i^H: plain products, so JAX differentiates them
    m, n = a.shape[-2:]
    q = jnp.broadcast_to(jnp.eye(m, n, dtype=a.dtype), a.shape[:-2] + (m, n))
    rows = jnp.arange(m)
    for i in reversed(range(tau.shape[-1])):
        v = jnp.where(rows > i, a[..., :, i], jnp.where(rows == i, 1, 0).astype(a.dtype))
        q = q - tau[..., i, None, None] * v[..., :, None] * (jnp.conj(v)[..., None, :] @ q)
    return q


@function
def orgqr(input: Tensor, tau: Tensor, *, out: Tensor | None = None) -> Tensor:
    return linalg_householder_product(input, tau, out=out)


tensor_method("orgqr")(lambda self, tau: orgqr(self, tau))

__all__ = exported(__name__)
