"""Reductions (sum, mean, ...), with dim / keepdim / dtype handling as torch's."""
from __future__ import annotations

import jax.numpy as jnp

from .. import _dtype
from ..tensor import Tensor, _wrap_dim
from ._registry import BOOL_TO_LONG, exported, op


def _dims(x, dim):
    if dim is None or dim == ():
        return None
    return tuple(d % max(x.ndim, 1) for d in dim)


def _dim_pre(input, dim=None, keepdim=False, dtype=None):
    if dim is not None:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        for d in dims:
            _wrap_dim(d, input.dim())
    return input, dim, keepdim, dtype


@op("sum(Tensor input, int[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor",
    promote=BOOL_TO_LONG, saves="none", pre=_dim_pre)
def sum(x, dim=None, keepdim=False, *, dtype=None):
    if dtype is not None:
        x = x.astype(dtype.np)
    elif jnp.issubdtype(x.dtype, jnp.integer) or x.dtype == jnp.bool_:
        x = x.astype(jnp.int64)
    return jnp.sum(x, axis=_dims(x, dim), keepdims=keepdim)


@op("mean(Tensor input, int[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor",
    saves="none", pre=_dim_pre)
def mean(x, dim=None, keepdim=False, *, dtype=None):
    if dtype is not None:
        x = x.astype(dtype.np)
    return jnp.mean(x, axis=_dims(x, dim), keepdims=keepdim)


__all__ = exported(__name__)
_ = (Tensor, _dtype)
