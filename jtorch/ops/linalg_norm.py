"""Norms and small vector helpers: torch.linalg's vector_norm, matrix_norm, norm, cond, cross, vander, vecdot;
torch.nuclear_norm / frobenius_norm and torch.vander (torch.norm is in reduction.py, torch.cross in shape.py)."""
from __future__ import annotations

import builtins
import functools
from typing import Any

import jax
import jax.numpy as jnp

from .. import _dtype
from ..tensor import Tensor, _wrap_dim
from ._registry import KEEP, exported, function, op
from .linalg_factor import (
    _linalg_inv_ex,
    _svdvals,
    _t_name,
    check_float,
    check_matrix,
    linalg_svdvals,
    to_out,
)

_INF = builtins.float("inf")


def _dims(ndim: int, dim: Any) -> tuple:
    if dim is None:
        return tuple(range(ndim))
    dim = (dim,) if isinstance(dim, builtins.int) else tuple(dim)
    return tuple(_wrap_dim(d, ndim) for d in dim)


def _norm_dtype(fn: str, x: Tensor, dtype: Any) -> None:
    check_float(fn, x) if x.dtype not in (_dtype.float16, _dtype.bfloat16) else None
    if dtype is not None:
        target = dtype if isinstance(dtype, _dtype.dtype) else _dtype.from_np(dtype)
        if _dtype.promote_types(x.dtype, target) is not target:
            raise RuntimeError(f"{fn}: the dtype of the input ({_t_name(x.dtype)}) should be convertible without "
                               f"narrowing to the specified dtype ({_t_name(target)})")


# ------------------------------------------------------------------ vector norms
def _vector_norm_value(x, ord: float, axes: tuple, keepdim: bool):
    a = jnp.abs(x)
    if ord == _INF:
        return jnp.max(a, axis=axes, keepdims=keepdim, initial=0.0)  # a norm is >= 0: 0 is max's identity
    if ord == -_INF:
        return jnp.min(a, axis=axes, keepdims=keepdim)
    if ord == 0:
        return jnp.sum((a != 0).astype(a.dtype), axis=axes, keepdims=keepdim)
    if ord == 1:
        return jnp.sum(a, axis=axes, keepdims=keepdim)
    if ord == 2:
        return jnp.sqrt(jnp.sum(a * a, axis=axes, keepdims=keepdim))
    return jnp.sum(a ** ord, axis=axes, keepdims=keepdim) ** (1.0 / ord)


def _sgn(x):
    if jnp.iscomplexobj(x):
        a = jnp.abs(x)
        return jnp.where(a == 0, 0, x / jnp.where(a == 0, 1, a))
    return jnp.sign(x)


@functools.partial(jax.custom_vjp, nondiff_argnums=(1, 2, 3))
def _vector_norm(x, ord, axes, keepdim):
    return _vector_norm_value(x, ord, axes, keepdim)


def _vector_norm_fwd(x, ord, axes, keepdim):
    n = _vector_norm_value(x, ord, axes, keepdim)
    return n, (x, n)


def _vector_norm_bwd(ord, axes, keepdim, res, g):
    """torch's norm_backward: zero where the norm is zero, ties of the inf-norms share the gradient."""
    x, n = res
    if not keepdim:
        n, g = jnp.expand_dims(n, axes), jnp.expand_dims(g, axes)
    a = jnp.abs(x)
    real = a.dtype
    if ord == 0:
        gx = jnp.zeros_like(x)
    elif ord == 1:
        gx = _sgn(x) * g.astype(x.dtype)
    elif builtins.abs(ord) == _INF:
        mask = (a == n).astype(real)
        gx = _sgn(x) * (g / jnp.sum(mask, axes, keepdims=True) * mask).astype(x.dtype)
    else:
        # |x|^(p-1) sgn(x) / norm^(p-1), without 0 * inf at x == 0 or norm == 0
        scaled = jnp.where(a == 0, 0, _sgn(x) * (jnp.where(a == 0, 1, a) ** (ord - 1)).astype(x.dtype))
        scale = jnp.where(n == 0, 0, g / jnp.where(n == 0, 1, n) ** (ord - 1))
        gx = scaled * scale.astype(x.dtype)
    return (jnp.conj(gx),)


_vector_norm.defvjp(_vector_norm_fwd, _vector_norm_bwd)


def _compute_dtype(x, dtype):
    """Cast to ``dtype`` (or keep); half precision accumulates in float32 as torch does."""
    if dtype is not None:
        x = x.astype(dtype.np)
    out = x.real.dtype if jnp.iscomplexobj(x) else x.dtype
    if x.dtype in (jnp.float16, jnp.bfloat16):
        x = x.astype(jnp.float32)
    return x, out


def _vector_norm_pre(x, ord=2, dim=None, keepdim=False, dtype=None):
    _norm_dtype("linalg.vector_norm", x, dtype)
    axes = _dims(x.dim(), dim)
    if (ord < 0 or ord == _INF) and x.numel() == 0:
        if dim is None:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {_fmt(ord)} norm on an empty tensor because "
                               "the operation does not have an identity")
        for d in axes:
            if x.shape[d] == 0:
                raise RuntimeError(f"linalg.vector_norm cannot compute the {_fmt(ord)} norm on the dimension {d}"
                                   "because this dimension is empty and the operation does not have an identity")
    return x, ord, axes, keepdim, dtype


def _fmt(ord: float) -> str:
    if builtins.abs(ord) == _INF:
        return "inf" if ord > 0 else "-inf"
    return str(builtins.int(ord)) if ord == builtins.int(ord) else str(ord)


@op("linalg_vector_norm(Tensor x, float ord=2, int[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> "
    "Tensor", function=False, method=False, pre=_vector_norm_pre)
def linalg_vector_norm(x, ord, dim, keepdim, *, dtype):
    x, out = _compute_dtype(x, dtype)
    axes = tuple(range(x.ndim)) if dim is None else dim
    if x.ndim == 0:
        return jnp.abs(x).astype(out)
    return _vector_norm(x, ord, axes, keepdim).astype(out)


# ------------------------------------------------------------------ matrix norms
_MATRIX_ORDS = ("fro", "nuc", _INF, -_INF, 1, -1, 2, -2)


def _matrix_norm_pre(A, ord="fro", dim=(-2, -1), keepdim=False, dtype=None):
    check_matrix("linalg.matrix_norm", A, square=False, dtype=False)
    _norm_dtype("linalg.matrix_norm", A, dtype)
    if isinstance(ord, builtins.str):
        if ord not in ("fro", "nuc"):
            raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    elif ord not in _MATRIX_ORDS:
        raise RuntimeError(f"linalg.matrix_norm: Order {_fmt(ord)} not supported.")
    dim = tuple(dim)
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(str(d) for d in dim)}")
    d0, d1 = _wrap_dim(dim[0], A.dim()), _wrap_dim(dim[1], A.dim())
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    ord = ord if isinstance(ord, builtins.str) else builtins.float(ord)
    return A, ord, (d0, d1), keepdim, dtype


@op("linalg_matrix_norm(Tensor A, Any ord='fro', int[] dim=(-2, -1), bool keepdim=False, *, "
    "ScalarType? dtype=None) -> Tensor", function=False, method=False, pre=_matrix_norm_pre)
def linalg_matrix_norm(a, ord, dim, keepdim, *, dtype):
    a, out = _compute_dtype(a, dtype)
    d0, d1 = dim
    if ord == "fro":
        r = _vector_norm(a, 2.0, (d0, d1), keepdim)
    elif ord in ("nuc", 2.0, -2.0):
        s = _svdvals(jnp.moveaxis(a, (d0, d1), (-2, -1)))
        r = jnp.sum(s, -1) if ord == "nuc" else (jnp.max(s, -1, initial=0.0) if ord == 2 else jnp.min(s, -1))
        if keepdim:
            r = jnp.expand_dims(r, tuple(sorted((d0, d1))))
    else:
        # 1 / -1: max / min column sum; inf / -inf: max / min row sum
        inner, outer = (d0, d1) if builtins.abs(ord) == 1 else (d1, d0)
        sums = _vector_norm(a, 1.0, (inner,), True)
        r = jnp.max(sums, outer, keepdims=True, initial=0.0) if ord > 0 else jnp.min(sums, outer, keepdims=True)
        if not keepdim:
            r = jnp.squeeze(r, (d0, d1))
    return r.astype(out)


# ------------------------------------------------------------------ torch.linalg.norm
def linalg_norm(A: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,
                out: Tensor | None = None) -> Tensor:
    if dim is not None:
        dims = (dim,) if isinstance(dim, builtins.int) else tuple(dim)
        if len(dims) == 1:
            r = linalg_vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)
        elif len(dims) == 2:
            r = linalg_matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype)
        else:
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dims)}")
    elif ord is None:
        r = linalg_vector_norm(A, 2, None, keepdim, dtype=dtype)
    elif isinstance(ord, builtins.str) or A.dim() == 2:
        r = linalg_matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    elif A.dim() == 1:
        r = linalg_vector_norm(A, ord, None, keepdim, dtype=dtype)
    else:
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                           f"{A.dim()}D.")
    return to_out("linalg_vector_norm", r, out)


@function
def nuclear_norm(input: Tensor, dim: Any = None, keepdim: bool = False, *, out: Tensor | None = None) -> Tensor:
    if isinstance(dim, builtins.bool):  # nuclear_norm(input, keepdim)
        dim, keepdim = None, dim
    r = linalg_matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim)
    return to_out("linalg_matrix_norm", r, out)


@function
def frobenius_norm(input: Tensor, dim: Any = (-2, -1), keepdim: bool = False, *, out: Tensor | None = None) -> Tensor:
    return to_out("linalg_vector_norm", linalg_vector_norm(input, 2, dim, keepdim), out)


# ------------------------------------------------------------------ cond
def linalg_cond(A: Tensor, p: Any = None, *, out: Tensor | None = None) -> Tensor:
    if p is not None and p not in _MATRIX_ORDS:
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    if p is None or p in (2, -2):
        check_matrix("linalg.svd", A, square=False)
        s = linalg_svdvals(A)
        r = s[..., -1] / s[..., 0] if p == -2 else s[..., 0] / s[..., -1]
        return to_out("linalg_vector_norm", r, out)
    check_matrix(f"linalg.cond(ord={p})", A)
    inv, info = _linalg_inv_ex(A)
    r = linalg_matrix_norm(A, p) * linalg_matrix_norm(inv, p)
    # a singular matrix has an infinite condition number (torch does not raise here)
    from .pointwise import where
    return to_out("linalg_vector_norm", where(info > 0, _INF, r), out)


# ------------------------------------------------------------------ cross, vecdot, vander
def _cross_check(input, other, dim=-1):
    if input.dtype is not other.dtype:
        raise RuntimeError(f"expected scalar type {_t_name(input.dtype)} but found {_t_name(other.dtype)}")


def _cross_pre(input, other, dim=-1):
    if input.dim() != other.dim():
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = _wrap_dim(dim, input.dim())
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[d]} and "
                           f"{other.shape[d]}")
    from .linalg import _broadcast_batch
    _broadcast_batch(tuple(input.shape), tuple(other.shape))
    return input, other, d


@op("linalg_cross(Tensor input, Tensor other, *, int dim=-1) -> Tensor", promote=KEEP, function=False, method=False,
    check=_cross_check, pre=_cross_pre, saves="others")
def linalg_cross(x, y, *, dim):
    return jnp.cross(x, y, axis=dim)


def _vecdot_pre(x, y, dim=-1):
    if x.dtype is not y.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
                           f"{_t_name(x.dtype)} and y of type {_t_name(y.dtype)} instead")
    check_float("linalg.vecdot", x)
    from .linalg import _broadcast_batch
    shape = _broadcast_batch(tuple(x.shape), tuple(y.shape))
    return x, y, _wrap_dim(dim, len(shape))


@op("linalg_vecdot(Tensor x, Tensor y, *, int dim=-1) -> Tensor", function=False, method=False, pre=_vecdot_pre,
    saves="others")
def linalg_vecdot(x, y, *, dim):
    nd = builtins.max(x.ndim, y.ndim)
    return jnp.sum(jnp.conj(x) * y, axis=dim - nd)


def _vander_pre(x, N=None, increasing=False):
    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    if N is not None and N < 0:
        raise RuntimeError("N must be non-negative.")
    return x, x.shape[0] if N is None else N, increasing


def _powers(x, n: int):
    """[1, x, x^2, ...] along a new last axis, by cumulative products (torch's formula, also for its gradient)."""
    if n == 0:
        return jnp.zeros(x.shape + (0,), x.dtype)
    ones = jnp.ones(x.shape + (1,), x.dtype)
    if n == 1:
        return ones
    return jnp.concatenate([ones, jnp.cumprod(jnp.broadcast_to(x[..., None], x.shape + (n - 1,)), -1)], -1)


@op("vander(Tensor x, int? N=None, bool increasing=False) -> Tensor", method=False, out=False, pre=_vander_pre)
def vander(x, N, increasing):
    if x.dtype == jnp.bool_ or jnp.issubdtype(x.dtype, jnp.integer):
        x = x.astype(jnp.int64)
    p = _powers(x, N)
    return p if increasing else jnp.flip(p, -1)


def _linalg_vander_pre(x, N=None):
    if x.dtype is _dtype.bool:
        raise RuntimeError("linalg.vander supports floating point, complex, and integer tensors, but got Bool")
    n = (x.shape[-1] if x.dim() else 1) if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    return x, n


@op("linalg_vander(Tensor x, *, int? N=None) -> Tensor", function=False, method=False, out=False,
    pre=_linalg_vander_pre)
def linalg_vander(x, *, N):
    return _powers(x[None] if x.ndim == 0 else x, N)  # torch treats a 0-d input as one element


def linalg_diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    from .views import diagonal
    return diagonal(A, offset, dim1, dim2)


__all__ = exported(__name__)
