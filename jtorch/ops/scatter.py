"""Gathers and scatters along a dim: gather/scatter/scatter_add/scatter_reduce, index_select,
index_add/index_copy/index_fill/index_reduce, masked_fill/masked_scatter, take/take_along_dim/put.

Index bounds are checked eagerly (they need the index values); under jax.jit an out-of-range index
follows jax (clamped reads, dropped writes).
"""
from __future__ import annotations

import builtins
import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from ..tensor import Tensor, _wrap_dim
from ._registry import _type_name, exported, function, op, tensor_method

_sg = jax.lax.stop_gradient


def _bounds(index: Tensor, n: int, exc: type, msg: Any, negative: bool = False) -> None:
    """Eager bounds check: ``msg(bad_value)`` for an index outside [0, n) (or [-n, n))."""
    v = index._value
    if isinstance(v, jax.core.Tracer) or v.size == 0:
        return
    a = np.asarray(v)
    lo, hi = a.min(), a.max()
    if hi >= n or lo < (-n if negative else 0):
        raise exc(msg(builtins.int(hi if hi >= n else lo)))


def _dim_msg(dim: int, n: int):
    return lambda k: f"index {k} is out of bounds for dimension {dim} with size {n}"


def _size(t: Tensor, d: int) -> int:
    return t.shape[d] if t.dim() else 1


def _same_dtype(input: Tensor, other: Tensor, msg: str) -> None:
    if input.dtype != other.dtype:
        raise RuntimeError(msg.format(a=_type_name(input.dtype), b=_type_name(other.dtype)))


def _as_1d(f):
    """Run a kernel body on 0-d tensors as on 1-element vectors (torch treats them as such)."""
    def body(x, dim, index, *rest, **kw):
        if x.ndim:
            return f(x, dim, index, *rest, **kw)
        rest = builtins.tuple(r.reshape(-1) if hasattr(r, "ndim") and r.ndim == 0 else r for r in rest)
        return f(x.reshape(1), 0, index.reshape(-1), *rest, **kw).reshape(())
    body.__name__, body.__doc__, body.__module__ = f.__name__, f.__doc__, __name__
    return body


def _at_dim(dim: int, index):
    return (slice(None),) * dim + (index.reshape(-1),)


def _along(dim: int, index):
    """Index arrays selecting x[..., index[...], ...] along ``dim`` (index may be smaller than x)."""
    grids = builtins.list(jnp.meshgrid(*[jnp.arange(n) for n in index.shape], indexing="ij", sparse=True))
    grids[dim] = index
    return builtins.tuple(grids)


def _lowest(dt, highest: bool = False):
    if jnp.issubdtype(dt, jnp.floating):
        return jnp.inf if highest else -jnp.inf
    if dt == jnp.bool_:
        return highest
    info = jnp.iinfo(dt)
    return info.max if highest else info.min


def _reduce_into(x, idx, upd, reduce: str, include_self: bool):
    """``x`` with ``upd`` reduced into ``x[idx]`` (torch's scatter_reduce / index_reduce), with torch's
    gradients: amax/amin share the gradient evenly among the elements equal to the result, prod
    sends each element the product of the others (also where some are 0)."""
    if x.dtype == jnp.bool_:  # sum/amax are "or", prod/amin "and"
        r = _reduce_into(x.astype(jnp.int32), idx, upd.astype(jnp.int32), reduce, include_self)
        return r.astype(bool)
    upd = upd.astype(x.dtype)
    hit = jnp.zeros(x.shape, bool).at[idx].set(True)
    own = jnp.ones(x.shape, bool) if include_self else ~hit  # where x itself takes part
    inexact = jnp.issubdtype(x.dtype, jnp.inexact)
    if reduce == "sum":
        return jnp.where(own, x, 0).at[idx].add(upd)
    if reduce == "mean":
        total = jnp.where(own, x, 0).at[idx].add(upd)
        count = own.astype(x.dtype).at[idx].add(jnp.ones_like(upd))
        return total / count if inexact else jnp.floor_divide(total, count)
    if reduce in ("amax", "amin"):
        hi = reduce == "amin"
        base = jnp.where(own, x, _lowest(x.dtype, hi))
        res = base.at[idx].min(upd) if hi else base.at[idx].max(upd)
        if not inexact:
            return res
        r = _sg(res)
        self_is = (x == r).astype(x.dtype)
        src_is = (upd == r[idx]).astype(x.dtype)
        n = _sg(self_is.at[idx].add(src_is))
        w_self = jnp.where(own, self_is / n, 0)
        w_src = src_is / n[idx]
        return r + (x - _sg(x)) * _sg(w_self) + jnp.zeros_like(x).at[idx].add((upd - _sg(upd)) * _sg(w_src))
    # prod
    base = jnp.where(own, x, 1)
    if not inexact:
        return base.at[idx].multiply(upd)
    xs, us = _sg(x), _sg(upd)
    res = _sg(base).at[idx].multiply(us)
    zeros = ((xs == 0) & own).astype(jnp.int32).at[idx].add((us == 0).astype(jnp.int32))
    nz = jnp.where((xs == 0) | ~own, 1, xs).at[idx].multiply(jnp.where(us == 0, 1, us))

    def others(e, zc, p):  # the product of the other elements of e's group
        return jnp.where(e != 0, jnp.where(zc == 0, p / jnp.where(e == 0, 1, e), 0), jnp.where(zc == 1, p, 0))
    w_self = jnp.where(own, others(xs, zeros, nz), 0)
    w_src = others(us, zeros[idx], nz[idx])
    return res + (x - xs) * w_self + jnp.zeros_like(x).at[idx].add((upd - us) * w_src)


_REDUCES = ("sum", "prod", "mean", "amax", "amin")


def _set_at(x, idx, upd):
    """``x.at[idx].set(upd)`` with torch's gradient: with repeated indices every update gets the
    gradient of its target (jax gives it to the one that was kept)."""
    upd = jnp.broadcast_to(upd.astype(x.dtype), x[idx].shape)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        return x.at[idx].set(upd)
    hit = jnp.zeros(x.shape, bool).at[idx].set(True)
    return jnp.where(hit, _sg(x.at[idx].set(upd)), x) + jnp.zeros_like(x).at[idx].add(upd - _sg(upd))


# ------------------------------------------------------------------ index_select, gather
def _index_select_pre(input, dim, index):
    d = _wrap_dim(dim, input.dim())
    if index.dim() > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if index.dtype not in (_dtype.int32, _dtype.int64):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if input.dim() == 0 and index.numel() != 1:
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {index.numel()} value(s)")
    _bounds(index, _size(input, d), IndexError, lambda k: "index out of range in self")
    return input, d, index


@op("index_select(Tensor input, int dim, Tensor index) -> Tensor", pre=_index_select_pre, saves="none")
def index_select(x, dim, index):
    if x.ndim == 0:
        return x
    return jnp.take(x, index.reshape(-1), axis=dim)


def _gather_pre(input, dim, index, sparse_grad=False):
    d = _wrap_dim(dim, input.dim())
    if index.dtype not in (_dtype.int32, _dtype.int64) and index.numel():
        raise RuntimeError("gather(): Expected dtype int32/int64 for index")
    if index.dim() != input.dim() and not (index.dim() <= 1 and input.dim() <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    for k in builtins.range(index.dim()):
        if k != d and index.shape[k] > input.shape[k]:
            raise RuntimeError(f"Size does not match at dimension {k} expected index {list(index.shape)} to be "
                               f"smaller than self {list(input.shape)} apart from dimension {d}")
    _bounds(index, _size(input, d), RuntimeError, _dim_msg(d, _size(input, d)))
    return input, d, index, sparse_grad


@op("gather(Tensor input, int dim, Tensor index, *, bool sparse_grad=False) -> Tensor", pre=_gather_pre,
    saves="none", exact_out=True)
def gather(x, dim, index, *, sparse_grad=False):
    if index.size == 0:
        return jnp.zeros(index.shape, x.dtype)
    if x.ndim == 0:
        return x.reshape(index.shape)
    return x[_along(dim, index)]


# ------------------------------------------------------------------ scatter, scatter_add, scatter_reduce
def _scatter_checks(input, dim, index, src) -> int:
    d = _wrap_dim(dim, input.dim())
    if index.dtype not in (_dtype.int32, _dtype.int64):
        raise RuntimeError("scatter(): Expected dtype int32/int64 for index")
    if src is not None:
        _same_dtype(input, src, "scatter(): Expected self.dtype to be equal to src.dtype")
    if index.dim() != input.dim() and not (index.dim() <= 1 and input.dim() <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    if src is not None and index.dim() != src.dim() and not (index.dim() <= 1 and src.dim() <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    for k in builtins.range(index.dim()):
        if (k != d and index.shape[k] > input.shape[k]) or (src is not None and index.shape[k] > _size(src, k)):
            raise RuntimeError(f"Expected index {list(index.shape)} to be no larger than self {list(input.shape)} "
                               f"apart from dimension {d} and to be no larger size than src "
                               f"{list(src.shape) if src is not None else []}")
    _bounds(index, _size(input, d), RuntimeError, _dim_msg(d, _size(input, d)))
    return d


def _scatter_pre(input, dim, index, src=None, value=None, reduce=None):
    if reduce not in (None, "add", "multiply"):
        raise RuntimeError(f"reduce argument must be either add or multiply, got {reduce}")
    return input, _scatter_checks(input, dim, index, src), index, src, value, reduce


@op("_scatter(Tensor input, int dim, Tensor index, Tensor? src=None, Scalar? value=None, str? reduce=None) "
    "-> Tensor", inplace=True, function=False, method=False, node_name="ScatterBackward0", pre=_scatter_pre,
    saves="none")
@_as_1d
def _scatter(x, dim, index, src=None, value=None, reduce=None):
    idx = _along(dim, index)
    upd = src[builtins.tuple(slice(0, n) for n in index.shape)] if src is not None else \
        jnp.broadcast_to(jnp.asarray(value), index.shape)
    if reduce is None:
        return _set_at(x, idx, upd)
    return _reduce_into(x, idx, upd, "sum" if reduce == "add" else "prod", True)


def _scatter_args(src: Any, value: Any) -> tuple:
    if value is not None:
        return None, value
    if isinstance(src, Tensor):
        return src, None
    return None, src


@function
def scatter(input: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None, reduce=None, out=None):
    s, v = _scatter_args(src, value)
    return _scatter(input, dim, index, s, v, reduce, out=out)


@tensor_method("scatter")
def _scatter_method(self: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None, reduce=None):
    return scatter(self, dim, index, src, value=value, reduce=reduce)


@tensor_method("scatter_")
def _scatter_inplace(self: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None, reduce=None):
    s, v = _scatter_args(src, value)
    return self._scatter_(dim, index, s, v, reduce)


@function
def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor, *, out=None) -> Tensor:
    return _scatter(input, dim, index, src, None, "add", out=out)


@tensor_method("scatter_add")
def _scatter_add_method(self: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    return scatter_add(self, dim, index, src)


@tensor_method("scatter_add_")
def _scatter_add_inplace(self: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    return self._scatter_(dim, index, src, None, "add")


def _scatter_reduce_pre(input, dim, index, src, reduce, include_self=True):
    if reduce not in _REDUCES:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    return input, _scatter_checks(input, dim, index, src), index, src, reduce, include_self


@op("scatter_reduce(Tensor input, int dim, Tensor index, Tensor src, str reduce, *, bool include_self=True) "
    "-> Tensor", inplace=True, saves="none", pre=_scatter_reduce_pre, node_name="ScatterReduceBackward0")
@_as_1d
def scatter_reduce(x, dim, index, src, reduce, *, include_self):
    upd = src[builtins.tuple(slice(0, n) for n in index.shape)]
    return _reduce_into(x, _along(dim, index), upd, reduce, include_self)


# ------------------------------------------------------------------ index_add, index_copy, index_fill, index_reduce
def _index_src_pre(name: str, long_only: bool, exc: type, bounds_msg: Any, dtype_msg: str, count_msg: str):
    """torch's checks of index_add/index_copy/index_reduce (each words them its own way)."""
    def pre(input, dim, index, source, *rest):
        d = _wrap_dim(dim, input.dim())
        if index.dim() > 1:
            raise IndexError(f"{name}(): Index is supposed to be a vector, but got dim: {index.dim()} with type: "
                             f"{_type_name(index.dtype)} and size: {list(index.shape)}")
        if long_only and index.dtype is not _dtype.int64:
            raise RuntimeError(f"{name}(): Expected a long tensor for index, but got {_type_name(index.dtype)}")
        if index.dtype not in (_dtype.int32, _dtype.int64):
            raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index but got: {_type_name(index.dtype)}")
        _same_dtype(input, source, dtype_msg)
        if input.dim() and source.dim() and input.dim() != source.dim():
            raise exc(f"{name}(): When source and destination are not scalars, their dimensionality must match. "
                      f"Source dimensionality ({source.dim()}), destination dimensionality ({input.dim()})")
        if index.numel() != _size(source, d):
            raise exc(count_msg.format(n=index.numel(), m=_size(source, d), d=d))
        if input.dim() and source.dim() and any(a != b for k, (a, b) in enumerate(zip(input.shape, source.shape))
                                                if k != d):
            raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the specified "
                               f"dimension. Got self.shape = {list(input.shape)} source.shape = {list(source.shape)}")
        n = _size(input, d)
        _bounds(index, n, exc, lambda k: bounds_msg.format(k=k, d=d, n=n))
        return (input, d, index, source) + rest
    return pre


@op("index_add(Tensor input, int dim, Tensor index, Tensor source, *, Scalar alpha=1) -> Tensor", inplace=True,
    saves="none", pre=_index_src_pre(
        "index_add_", False, RuntimeError, "index {k} is out of bounds for dimension {d} with size {n}",
        "index_add_(): self ({a}) and source ({b}) must have the same scalar type",
        "index_add_(): Number of indices ({n}) should be equal to source.size(dim): ({m}), for dim: {d}"))
@_as_1d
def index_add(x, dim, index, source, *, alpha):
    if not (isinstance(alpha, builtins.int) and alpha == 1):
        source = source * jnp.asarray(alpha).astype(source.dtype)
    at = x.at[_at_dim(dim, index)]
    source = source.reshape(_selected(x, dim, index))
    return at.max(source) if x.dtype == jnp.bool_ else at.add(source)  # bool: "or"


def _selected(x, dim: int, index) -> tuple:
    return x.shape[:dim] + (index.size,) + x.shape[dim + 1:]


@op("index_copy(Tensor input, int dim, Tensor index, Tensor source) -> Tensor", inplace=True, saves="none",
    pre=_index_src_pre(
        "index_copy_", True, IndexError, "index_copy_(): index {k} is out of bounds for dimension {d} with size {n}",
        "index_copy_(): self and source expected to have the same dtype, but got (self) {a} and (source) {b}",
        "index_copy_(): Number of indices ({n}) should be equal to source.size(dim) ({m})"))
@_as_1d
def index_copy(x, dim, index, source):
    return _set_at(x, _at_dim(dim, index), source.reshape(_selected(x, dim, index)))


def _index_fill_pre(input, dim, index, value):
    d = _wrap_dim(dim, input.dim())
    if index.dtype is not _dtype.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    if index.dim() > 1:
        raise IndexError("index_fill_(): Index is supposed to be a vector")
    if isinstance(value, Tensor) and value.dim() != 0:
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.dim()} dimension(s).")
    n = _size(input, d)
    _bounds(index, n, IndexError, _dim_msg(d, n), negative=True)
    _check_scalar_fits(value, input.dtype)
    return input, d, index, value


@op("index_fill(Tensor input, int dim, Tensor index, Tensor|Scalar value) -> Tensor", inplace=True,
    saves="none", out=False, pre=_index_fill_pre)
@_as_1d
def index_fill(x, dim, index, value):
    return x.at[_at_dim(dim, index)].set(value.astype(x.dtype))


_index_reduce_checks = _index_src_pre(
    "index_reduce_", False, IndexError, "index out of range in self",
    "index_reduce_(): self ({a}) and source ({b}) must have the same scalar type",
    "index_reduce_(): Number of indices ({n}) should be equal to source.size(dim): ({m}), for dim: {d}")


def _index_reduce_pre(input, dim, index, source, reduce, include_self=True):
    warnings.warn("index_reduce() is in beta and the API may change at any time.", UserWarning, stacklevel=3)
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    return _index_reduce_checks(input, dim, index, source, reduce, include_self)


@op("index_reduce(Tensor input, int dim, Tensor index, Tensor source, str reduce, *, bool include_self=True) "
    "-> Tensor", inplace=True, saves="none", pre=_index_reduce_pre)
@_as_1d
def index_reduce(x, dim, index, source, reduce, *, include_self):
    shape = _selected(x, dim, index)
    pos = jnp.broadcast_to(index.reshape((1,) * dim + (-1,) + (1,) * (x.ndim - dim - 1)), shape)
    return _reduce_into(x, _along(dim, pos), source.reshape(shape), reduce, include_self)


# ------------------------------------------------------------------ masked_fill, masked_scatter
def _broadcast(a: tuple, b: tuple) -> tuple:
    """The broadcast shape of a and b, or torch's error."""
    nd = builtins.max(len(a), len(b))
    a, b = (1,) * (nd - len(a)) + a, (1,) * (nd - len(b)) + b
    for k, (p, q) in enumerate(zip(a, b)):
        if p != q and p != 1 and q != 1:
            raise RuntimeError(f"The size of tensor a ({p}) must match the size of tensor b ({q}) at non-singleton "
                               f"dimension {k}")
    return builtins.tuple(q if p == 1 else p for p, q in zip(a, b))


_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
            "int64": "int64_t", "int32": "int", "int16": "int16_t", "int8": "int8_t"}


def _check_scalar_fits(value: Any, dt: _dtype.dtype) -> None:
    """torch refuses a Python number that overflows the tensor's dtype (uint8 and bool wrap), and
    a complex value for a real tensor."""
    if not dt.is_complex and (isinstance(value, builtins.complex) or
                              (isinstance(value, Tensor) and value.dtype.is_complex)):
        raise RuntimeError(f"value cannot be converted to type {_C_NAMES.get(dt.name, dt.name)} without overflow")
    if not isinstance(value, (builtins.int, builtins.float)) or isinstance(value, builtins.bool) or \
            dt.name not in _C_NAMES:
        return
    if isinstance(value, builtins.int) and not -2**63 <= value < 2**63:
        raise OverflowError("int too big to convert")
    info = np.finfo(dt.np) if dt.is_floating_point else np.iinfo(dt.np)
    if np.isfinite(value) and not builtins.float(info.min) <= value <= builtins.float(info.max):
        raise RuntimeError(f"value cannot be converted to type {_C_NAMES[dt.name]} without overflow")


def _mask_name(t: Tensor) -> str:
    return "unsigned char" if t.dtype is _dtype.uint8 else _type_name(t.dtype)


def _masked_fill_pre(input, mask, value):
    if mask.dtype is not _dtype.bool:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {_mask_name(mask)}")
    if isinstance(value, Tensor) and value.dim() != 0:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.dim()} dimension(s).")
    _broadcast(builtins.tuple(input.shape), builtins.tuple(mask.shape))
    _check_scalar_fits(value, input.dtype)
    return input, mask, value


@op("masked_fill(Tensor input, Tensor mask, Tensor|Scalar value) -> Tensor", inplace=True, pre=_masked_fill_pre,
    saves="none", out=False)
def masked_fill(x, mask, value):
    return jnp.where(mask, value.astype(x.dtype), x)


def _masked_scatter_pre(input, mask, source):
    if mask.dtype is not _dtype.bool:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype "
                           f"{_type_name(mask.dtype)}")
    _same_dtype(input, source, "masked_scatter: expected self and source to have same dtypes but got{a} and {b}")
    shape = _broadcast(builtins.tuple(input.shape), builtins.tuple(mask.shape))
    m = mask._value
    if not isinstance(m, jax.core.Tracer) and np.count_nonzero(np.broadcast_to(np.asarray(m), shape)) > \
            source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return input, mask, source


@op("masked_scatter(Tensor input, Tensor mask, Tensor source) -> Tensor", inplace=True, saves="none", out=False,
    pre=_masked_scatter_pre)
def masked_scatter(x, mask, source):
    """Under jax.jit a source with fewer elements than the mask's ones is not detected."""
    shape = jnp.broadcast_shapes(x.shape, mask.shape)
    m = jnp.broadcast_to(mask, shape).reshape(-1)
    xb = jnp.broadcast_to(x, shape).reshape(-1)
    if source.size == 0:
        return xb.reshape(shape)
    pos = jnp.clip(jnp.cumsum(m) - 1, 0, source.size - 1)  # the i-th selected element takes source[i]
    return jnp.where(m, source.reshape(-1)[pos], xb).reshape(shape)


# ------------------------------------------------------------------ take, take_along_dim, put
def _take_pre(input, index):
    if index.dtype is not _dtype.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {_type_name(index.dtype)}")
    n = input.numel()
    _bounds(index, n, IndexError, lambda k: f"out of range: tried to access index {k} on a tensor of {n} elements.",
            negative=True)
    return input, index


@op("take(Tensor input, Tensor index) -> Tensor", pre=_take_pre, saves="none")
def take(x, index):
    return x.reshape(-1)[index]


def _take_along_dim_pre(input, indices, dim=None):
    if indices.dtype is not _dtype.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{_type_name(indices.dtype)}")
    if dim is None:
        return input, indices, None
    if input.dim() != indices.dim():
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input.dim()} dimensions for input, and {indices.dim()} dimensions for indices")
    d = _wrap_dim(dim, input.dim())
    n = _size(input, d)
    _bounds(indices, n, RuntimeError, _dim_msg(d, n), negative=True)
    return input, indices, d


@op("take_along_dim(Tensor input, Tensor indices, int? dim=None) -> Tensor", saves="none",
    pre=_take_along_dim_pre)
def take_along_dim(x, indices, dim=None):
    if dim is None:
        return x.reshape(-1)[indices.reshape(-1)]
    if x.ndim == 0:
        return x.reshape(indices.shape)
    shape = jnp.broadcast_shapes(x.shape[:dim] + (1,) + x.shape[dim + 1:],
                                 indices.shape[:dim] + (1,) + indices.shape[dim + 1:])
    xi = jnp.broadcast_to(x, shape[:dim] + (x.shape[dim],) + shape[dim + 1:])
    ii = jnp.broadcast_to(indices, shape[:dim] + (indices.shape[dim],) + shape[dim + 1:])
    return jnp.take_along_axis(xi, jnp.where(ii < 0, ii + x.shape[dim], ii), axis=dim)


def _put_pre(input, index, source, accumulate=False):
    if index.dtype is not _dtype.int64:
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got {_type_name(index.dtype)}")
    _same_dtype(input, source, "put_(): self and source expected to have the same dtype, but got self.dtype = {a} "
                               "and source.dtype = {b}")
    if index.numel() != source.numel():
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, but got "
                         f"source.numel() = {source.numel()}, index.numel() = {index.numel()}")
    n = input.numel()
    _bounds(index, n, IndexError, lambda k: f"out of range: tried to access index {k} on a tensor of {n} elements.",
            negative=True)
    return input, index, source, accumulate


@op("put(Tensor input, Tensor index, Tensor source, bool accumulate=False) -> Tensor", inplace=True,
    saves="none", out=False, pre=_put_pre)
def put(x, index, source, accumulate):
    flat, idx, src = x.reshape(-1), index.reshape(-1), source.reshape(-1)
    out = (flat.at[idx].max(src) if x.dtype == jnp.bool_ else flat.at[idx].add(src)) if accumulate else \
        _set_at(flat, idx, src)
    return out.reshape(x.shape)


__all__ = exported(__name__)
