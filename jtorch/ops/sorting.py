"""Sorting and order statistics: sort, argsort, topk, kthvalue, median, mode, quantile; unique,
bincount, histc, histogram, searchsorted, bucketize.

Every sort here is stable with torch's order (NaN above +inf, -0.0 equal to 0.0). Where torch leaves
the index of tied elements unspecified (topk, kthvalue, median/nanmedian(dim), sort with stable=False
and mode on long slices), jtorch returns the tied element that comes first in a stable sort (the last
one for mode, as torch does on short slices); the gradient always goes to the returned index.
``unique``, ``unique_consecutive`` and ``bincount`` have data-dependent shapes: they work eagerly and
raise a clear error under jax.jit. ``histc`` and ``histogram`` have static shapes and also trace.
"""
from __future__ import annotations

import builtins
import operator
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _dtype
from ..tensor import Tensor, _concrete, _wrap_dim
from ._registry import _type_name, exported, function, is_number, op, tensor_method
from .reduction import _check_tensor, _nonempty, _pick, _shared


# ------------------------------------------------------------------ the stable sort
def _argsort(x, axis: int, descending: bool):
    """Stable argsort along ``axis`` in torch's order."""
    if jnp.issubdtype(x.dtype, jnp.floating):
        # one zero and one NaN, so lax.sort's total order (-0.0 < 0.0, -nan first) becomes torch's
        k = jnp.where(x == 0, jnp.zeros_like(x), x)
        k = jnp.where(jnp.isnan(k), jnp.full_like(k, jnp.nan), k)
    else:
        k = x.astype(jnp.uint8) if x.dtype == jnp.bool_ else x
    if descending:  # a stable descending sort is a stable ascending sort of the reversed input, reversed
        k = jnp.flip(k, axis)
    iota = lax.broadcasted_iota(jnp.int64, k.shape, axis)
    _, idx = lax.sort((k, iota), dimension=axis, is_stable=True, num_keys=1)
    if descending:
        idx = (x.shape[axis] - 1) - jnp.flip(idx, axis)
    return idx


def _sort_pre(input, dim=-1, *rest):
    if input.dtype.is_complex:
        raise RuntimeError("Sort does not support complex dtypes on CPU")
    return (input, _wrap_dim(operator.index(dim), input.dim())) + rest


def _scalar_result(x):
    return x, jnp.zeros((), jnp.int64)


@op("sort(Tensor input, int dim=-1, bool descending=False, *, bool? stable=False) -> (Tensor values, Tensor indices)",
    pre=_sort_pre)
def sort(x, dim=-1, descending=False, *, stable=False):
    if x.ndim == 0:
        return _scalar_result(x)
    idx = _argsort(x, dim, descending)
    return jnp.take_along_axis(x, idx, axis=dim), idx


@op("argsort(Tensor input, int dim=-1, bool descending=False, *, bool stable=False) -> Tensor",
    differentiable=False, pre=_sort_pre, out=False)
def argsort(x, dim=-1, descending=False, *, stable=False):
    return jnp.zeros((), jnp.int64) if x.ndim == 0 else _argsort(x, dim, descending)


@op("msort(Tensor input) -> Tensor", pre=lambda input: _sort_pre(input, 0)[:1])
def msort(x):
    return x if x.ndim == 0 else jnp.take_along_axis(x, _argsort(x, 0, False), axis=0)


def _topk_pre(input, k, dim=-1, largest=True, sorted=True):
    input, d = _sort_pre(input, dim)
    if not 0 <= k <= (input.shape[d] if input.dim() else 1):
        raise RuntimeError("selected index k out of range")
    return input, k, d, largest, sorted


@op("topk(Tensor input, int k, int dim=-1, bool largest=True, bool sorted=True) -> (Tensor values, Tensor indices)",
    pre=_topk_pre)
def topk(x, k, dim=-1, largest=True, sorted=True):
    """With sorted=False jtorch still returns the values in sorted order (torch's order is unspecified)."""
    if x.ndim == 0:
        return _scalar_result(x)
    idx = lax.slice_in_dim(_argsort(x, dim, largest), 0, k, axis=dim)
    return jnp.take_along_axis(x, idx, axis=dim), idx


def _kthvalue_pre(input, k, dim=-1, keepdim=False):
    input, d = _sort_pre(input, dim)
    if not 1 <= k <= (input.shape[d] if input.dim() else 1):
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    return input, k, d, keepdim


@op("kthvalue(Tensor input, int k, int dim=-1, bool keepdim=False) -> (Tensor values, Tensor indices)",
    pre=_kthvalue_pre)
def kthvalue(x, k, dim=-1, keepdim=False):
    if x.ndim == 0:
        return _scalar_result(x)
    return _pick(x, lax.slice_in_dim(_argsort(x, dim, False), k - 1, k, axis=dim), dim, keepdim)


# ------------------------------------------------------------------ median, mode
def _median_all_pre(input):
    if input.dtype.is_complex:
        raise RuntimeError("Sort does not support complex dtypes on CPU")
    return (input,)


def _median_value(flat, ignore_nan: bool):
    """The lower median of a 1-d array (NaN if it has a NaN, unless ``ignore_nan``)."""
    n = flat.shape[0]
    if n == 0:
        return jnp.full((), jnp.nan, flat.dtype)
    s = jnp.take(flat, _argsort(flat, 0, False))
    nans = jnp.sum(jnp.isnan(flat)) if jnp.issubdtype(flat.dtype, jnp.floating) else 0
    if ignore_nan:
        pos = jnp.maximum((n - nans - 1) // 2, 0)
    else:
        pos = jnp.where(nans > 0, n - 1, (n - 1) // 2)
    return s[pos]


@op("_median_all(Tensor input) -> Tensor", function=False, method=False, node_name="MedianBackward0",
    pre=_median_all_pre)
def _median_all(x):
    flat = x.reshape(-1)
    return _shared(flat, lax.stop_gradient(_median_value(flat, False))).reshape(())


@op("_nanmedian_all(Tensor input) -> Tensor", function=False, method=False, node_name="NanmedianBackward0",
    pre=_median_all_pre)
def _nanmedian_all(x):
    flat = x.reshape(-1)
    return _shared(flat, lax.stop_gradient(_median_value(flat, True))).reshape(())


def _median_dim_pre(name: str):
    def pre(input, dim, keepdim=False):
        input, d = _sort_pre(input, dim)
        _nonempty(name, input, (d,), False)
        return input, d, keepdim
    return pre


def _median_dim(x, dim, keepdim, ignore_nan):
    if x.ndim == 0:
        return _scalar_result(x)
    n = x.shape[dim]
    order = _argsort(x, dim, False)  # NaNs last
    nans = jnp.sum(jnp.isnan(x), axis=dim, keepdims=True) if jnp.issubdtype(x.dtype, jnp.floating) \
        else jnp.zeros((1,) * x.ndim, jnp.int64)
    if ignore_nan:
        pos = jnp.maximum((n - nans - 1) // 2, 0)
    else:  # a NaN makes the median NaN: point at the first NaN
        pos = jnp.where(nans > 0, n - nans, (n - 1) // 2)
    return _pick(x, jnp.take_along_axis(order, pos.astype(jnp.int64), axis=dim), dim, keepdim)


@op("median(Tensor input, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)", function=False,
    method=False, pre=_median_dim_pre("median"))
def _median_by_dim(x, dim, keepdim=False):
    return _median_dim(x, dim, keepdim, False)


@op("nanmedian(Tensor input, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)", function=False,
    method=False, pre=_median_dim_pre("nanmedian"))
def _nanmedian_by_dim(x, dim, keepdim=False):
    return _median_dim(x, dim, keepdim, True)


def _median_function(name: str, full, by_dim):
    def f(input: Tensor, dim: Any = None, keepdim: builtins.bool = False, *, out: Any = None) -> Any:
        _check_tensor(name, input)
        if dim is None:
            if keepdim:
                raise TypeError(f"{name}() received an invalid combination of arguments - got keepdim without dim")
            return full(input, out=out)
        return by_dim(input, dim, keepdim, out=out)
    f.__name__ = f.__qualname__ = name
    f.__module__ = __name__
    return f


median = function(_median_function("median", _median_all, _median_by_dim))
nanmedian = function(_median_function("nanmedian", _nanmedian_all, _nanmedian_by_dim))
tensor_method("median")(median)
tensor_method("nanmedian")(nanmedian)


@op("mode(Tensor input, int dim=-1, bool keepdim=False) -> (Tensor values, Tensor indices)",
    pre=_median_dim_pre("mode"))
def mode(x, dim=-1, keepdim=False):
    """The most frequent value (the smallest among equally frequent ones) and its last index."""
    if x.ndim == 0:
        return _scalar_result(x)
    n = x.shape[dim]
    if n == 0:
        return _pick(x, jnp.zeros(x.shape[:dim] + (1,) + x.shape[dim + 1:], jnp.int64), dim, keepdim)
    order = _argsort(x, dim, False)
    s = jnp.take_along_axis(x, order, axis=dim)
    pos = lax.broadcasted_iota(jnp.int64, s.shape, dim)
    first = lax.slice_in_dim(s, 0, 1, axis=dim)
    starts = jnp.concatenate([jnp.ones_like(first, bool), lax.slice_in_dim(s, 1, None, axis=dim)
                              != lax.slice_in_dim(s, 0, -1, axis=dim)], axis=dim)
    ends = jnp.concatenate([lax.slice_in_dim(starts, 1, None, axis=dim), jnp.ones_like(first, bool)], axis=dim)
    run_start = lax.cummax(jnp.where(starts, pos, 0), axis=dim)
    count = jnp.where(ends, pos - run_start + 1, 0)
    # a stable sort keeps equal values in index order: a run's end holds the value's last index
    best = jnp.argmax(count, axis=dim, keepdims=True)
    return _pick(x, jnp.take_along_axis(order, best, axis=dim), dim, keepdim)


# ------------------------------------------------------------------ quantile
_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile_pre(name: str):
    def pre(input, q, dim=None, keepdim=False, interpolation="linear"):
        if input.numel() == 0:
            raise RuntimeError(f"{name}() input tensor must be non-empty")
        if isinstance(q, Tensor) and q.dim() > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if input.dtype not in (_dtype.float32, _dtype.float64):
            raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
        if isinstance(q, Tensor):
            if q.dtype is not input.dtype:
                raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
            v = q._value
            if not isinstance(v, jax.core.Tracer) and not bool(jnp.all((v >= 0) & (v <= 1))):
                raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
        elif not 0 <= q <= 1:
            raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {q}")
        if interpolation not in _INTERPOLATIONS:
            raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                               f"but got {interpolation}")
        d = None if dim is None else _wrap_dim(operator.index(dim), input.dim())
        return input, q, d, keepdim, interpolation
    return pre


def _quantile(x, q, dim, keepdim, interpolation, ignore_nan):
    """torch's algorithm: sort (NaNs last), rank = q * (count - 1), then interpolate."""
    if dim is None:
        s, kept = x.reshape(-1), (1,) * x.ndim if keepdim else ()
    else:
        s = jnp.moveaxis(x, dim, -1) if x.ndim else x.reshape(1)
        kept = x.shape[:dim] + ((1,) if keepdim else ()) + x.shape[dim + 1:] if x.ndim else ()
    s = jnp.take_along_axis(s, _argsort(s, s.ndim - 1, False), axis=-1)
    qv = jnp.asarray(q).astype(x.dtype)
    qf = qv.reshape(-1)
    nan = jnp.isnan(s)
    if ignore_nan:
        ranks = qf * (jnp.sum(~nan, axis=-1, keepdims=True) - 1).astype(x.dtype)
        ranks = jnp.where(ranks < 0, 0, ranks)
    else:
        last = s.shape[-1] - 1
        ranks = jnp.where(jnp.any(nan, axis=-1, keepdims=True), last, qf * last).astype(x.dtype)
    if interpolation == "lower":
        ranks = jnp.floor(ranks)
    elif interpolation == "higher":
        ranks = jnp.ceil(ranks)
    elif interpolation == "nearest":
        ranks = jnp.round(ranks)
    below = lax.stop_gradient(ranks).astype(jnp.int64)
    r = jnp.take_along_axis(s, below, axis=-1)
    if interpolation in ("linear", "midpoint"):
        w = jnp.full_like(ranks, 0.5) if interpolation == "midpoint" else ranks - below
        hi = jnp.take_along_axis(s, jnp.ceil(lax.stop_gradient(ranks)).astype(jnp.int64), axis=-1)
        r = jnp.where(w < 0.5, r + w * (hi - r), hi - (hi - r) * (1 - w))  # torch's lerp
    r = jnp.moveaxis(r, -1, 0).reshape((qf.shape[0],) + kept)
    return r[0] if qv.ndim == 0 else r


@op("quantile(Tensor input, Tensor|Scalar q, int? dim=None, bool keepdim=False, *, str interpolation='linear') "
    "-> Tensor", pre=_quantile_pre("quantile"))
def quantile(x, q, dim=None, keepdim=False, *, interpolation="linear"):
    return _quantile(x, q, dim, keepdim, interpolation, False)


@op("nanquantile(Tensor input, Tensor|Scalar q, int? dim=None, bool keepdim=False, *, str interpolation='linear') "
    "-> Tensor", pre=_quantile_pre("nanquantile"))
def nanquantile(x, q, dim=None, keepdim=False, *, interpolation="linear"):
    return _quantile(x, q, dim, keepdim, interpolation, True)


# ------------------------------------------------------------------ ops without a derivative
def _no_derivative(name: str):
    """Identity whose backward raises torch's error: the outputs require grad as in torch, but
    backpropagating through them fails loudly instead of giving a silent zero."""
    @jax.custom_vjp
    def f(x):
        return x

    def bwd(_, g):
        raise RuntimeError(f"the derivative for '{name}' is not implemented.")

    f.defvjp(lambda x: (x, None), bwd)
    return f


_unique_grad = _no_derivative("_unique2")
_bincount_grad = _no_derivative("bincount")
_histogram_grad = _no_derivative("histogram")


# ------------------------------------------------------------------ unique
@op("_unique_take(Tensor input, Tensor index, int? dim=None) -> Tensor", function=False, method=False,
    node_name="Unique2Backward0", out=False)
def _unique_take(x, index, dim=None):
    return _unique_grad(x.reshape(-1)[index] if dim is None else jnp.take(x, index, axis=dim))


def _long(a: np.ndarray, like: Tensor) -> Tensor:
    from .creation import tensor
    return tensor(np.asarray(a, dtype=np.int64), dtype=_dtype.int64, device=like.device)


def _result(values: Tensor, inverse: Any, counts: Any, return_inverse: bool, return_counts: bool) -> Any:
    if not (return_inverse or return_counts):
        return values
    return (values,) + ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())


def _rows(v: np.ndarray, dim: int) -> np.ndarray:
    """Slices along ``dim`` as rows of a 2-d array."""
    return np.moveaxis(v, dim, 0).reshape(v.shape[dim], -1)


@function
def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
           dim: int | None = None) -> Any:
    """Always sorted, as torch's CPU implementation (sorted=False gives the same order)."""
    _check_tensor("unique", input)
    v = np.asarray(_concrete(input, "torch.unique (its output shape depends on the data)"))
    if dim is None:
        flat = v.reshape(-1)
        _, first, inv, cnt = np.unique(flat, return_index=True, return_inverse=True, return_counts=True,
                                       equal_nan=False)
        values = _unique_take(input, _long(first, input))
        return _result(values, _long(np.reshape(inv, v.shape), input), _long(cnt, input), return_inverse,
                       return_counts)
    d = _wrap_dim(operator.index(dim), input.dim())
    rows = _rows(v, d)
    if rows.shape[0] == 0:
        first, inv, cnt = (np.zeros(0, np.int64),) * 3
    else:
        _, first, inv, cnt = np.unique(rows, axis=0, return_index=True, return_inverse=True, return_counts=True)
    values = _unique_take(input, _long(first, input), d)
    return _result(values, _long(np.reshape(inv, -1), input), _long(cnt, input), return_inverse, return_counts)


@function
def unique_consecutive(input: Tensor, return_inverse: bool = False, return_counts: bool = False,
                       dim: int | None = None) -> Any:
    _check_tensor("unique_consecutive", input)
    v = np.asarray(_concrete(input, "torch.unique_consecutive (its output shape depends on the data)"))
    if dim is None:
        rows, d = v.reshape(-1, 1), None
    else:
        d = _wrap_dim(operator.index(dim), input.dim())
        rows = _rows(v, d)
    n = rows.shape[0]
    change = np.any(rows[1:] != rows[:-1], axis=1) if n else np.zeros(0, bool)
    starts = np.concatenate([[0], np.nonzero(change)[0] + 1]) if n else np.zeros(0, np.int64)
    inv = np.concatenate([[0], np.cumsum(change)]) if n else np.zeros(0, np.int64)
    counts = np.diff(np.append(starts, n))
    values = _unique_take(input, _long(starts, input), d)
    inverse = _long(inv.reshape(v.shape) if d is None else inv, input)
    return _result(values, inverse, _long(counts, input), return_inverse, return_counts)


tensor_method("unique")(unique)
tensor_method("unique_consecutive")(unique_consecutive)


# ------------------------------------------------------------------ bincount, histc, histogram
@op("_bincount(Tensor input, Tensor? weights, int length) -> Tensor", function=False, method=False,
    node_name="NotImplemented")
def _bincount(x, weights, length):
    if weights is None:
        return jnp.bincount(x, length=length).astype(jnp.int64)
    w = weights if jnp.issubdtype(weights.dtype, jnp.floating) else weights.astype(jnp.float64)
    return _bincount_grad(jnp.zeros(length, w.dtype).at[x].add(w))


@function
def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    _check_tensor("bincount", input)
    if not input.dtype.is_integer:
        raise NotImplementedError(f'"bincount_cpu" not implemented for \'{_type_name(input.dtype)}\'')
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if input.dim() != 1:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and (weights.dim() != 1 or weights.shape[0] != input.shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    v = np.asarray(_concrete(input, "torch.bincount (its output length depends on the data)"))
    if v.size and v.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    length = builtins.max(builtins.int(v.max()) + 1 if v.size else 0, minlength)
    return _bincount(input, weights, length)


tensor_method("bincount")(bincount)


def _hist_dtype_check(input) -> None:
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"histogram_cpu" not implemented for \'{_type_name(input.dtype)}\'')


def _histc_pre(input, bins=100, min=0, max=0):
    _hist_dtype_check(input)
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    lo, hi = builtins.float(min), builtins.float(max)
    if lo == hi and input.numel() and not isinstance(input._value, jax.core.Tracer):
        v = np.asarray(input._value)
        lo, hi = builtins.float(v.min()), builtins.float(v.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo}, {hi}] is not finite")
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    return input, bins, min, max


def _count(pos, inside, weight, bins: int, dtype):
    """Per-bin sums of ``weight`` at bin ``pos`` of the elements ``inside`` the range."""
    slot = jnp.where(inside, pos, bins).reshape(-1)
    w = jnp.ones(slot.shape, dtype) if weight is None else weight.reshape(-1).astype(dtype)
    return jnp.zeros(bins + 1, dtype).at[slot].add(w)[:bins]


@op("histc(Tensor input, int bins=100, float min=0, float max=0) -> Tensor", differentiable=False,
    pre=_histc_pre)
def histc(x, bins=100, lo=0.0, hi=0.0):
    if lo == hi:  # the data's range (widened by 1 on each side when it is a single value)
        lo_a, hi_a = (jnp.min(x), jnp.max(x)) if x.size else (jnp.asarray(lo, x.dtype),) * 2
        same = lo_a == hi_a
        lo_a, hi_a = jnp.where(same, lo_a - 1, lo_a), jnp.where(same, hi_a + 1, hi_a)
    else:
        lo_a, hi_a = jnp.asarray(lo, x.dtype), jnp.asarray(hi, x.dtype)
    inside = (x >= lo_a) & (x <= hi_a)
    # torch's linear interpolation, in the input's precision
    pos = ((x - lo_a) * bins / (hi_a - lo_a)).astype(jnp.int64)
    pos = jnp.where(pos == bins, bins - 1, pos)
    return _count(pos, inside, None, bins, x.dtype)


def _linspace(lo, hi, steps: int, dtype):
    """torch's CPU linspace (the second half counts back from the end, so both ends are exact)."""
    i = jnp.arange(steps)
    step = (hi - lo) / (steps - 1)
    return jnp.where(i < steps // 2, lo + step * i, hi - step * (steps - 1 - i)).astype(dtype)


def _histogram_pre(input, bins, bin_count, range, weight, density):
    _hist_dtype_check(input)
    if bins is not None:
        if bins.dim() != 1 or bins.numel() < 1:
            raise RuntimeError("torch.histogramdd: bins tensor should have one dimension and at least 1 entry")
        if bins.dtype is not input.dtype:
            raise RuntimeError("torch.histogramdd: input tensor and bins tensors should have the same dtype")
    elif bin_count <= 0:
        raise RuntimeError(f"torch.histogramdd(): bins must be > 0, but got {bin_count} for dimension 0")
    if weight is not None and builtins.tuple(weight.shape) != builtins.tuple(input.shape):
        raise RuntimeError("torch.histogramdd: if weight tensor is provided, it should have the same shape as the "
                           "input tensor excluding its innermost dimension")
    if range is not None:
        range = builtins.tuple(builtins.float(r) for r in range)
        if len(range) != 2:
            raise RuntimeError("torch.histogram(): range should have 2 elements")
        if range[0] > range[1]:
            raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {range[0]} max "
                               f"{range[1]} for dimension 0")
    return input, bins, bin_count, range, weight, density


@op("histogram(Tensor input, Tensor? bins, int bin_count, Any? range, Tensor? weight, bool density) "
    "-> (Tensor hist, Tensor bin_edges)", function=False, method=False, node_name="NotImplemented",
    pre=_histogram_pre)
def _histogram(x, edges, bin_count, range, weight, density):
    if edges is None:
        if range is not None:
            lo, hi = jnp.asarray(range[0], x.dtype), jnp.asarray(range[1], x.dtype)
        elif x.size:
            lo, hi = jnp.min(x), jnp.max(x)
        else:
            lo = hi = jnp.zeros((), x.dtype)
        same = lo == hi
        lo, hi = jnp.where(same, lo - 0.5, lo), jnp.where(same, hi + 0.5, hi)
        edges = _linspace(lo, hi, bin_count + 1, x.dtype)
    bins = edges.shape[0] - 1
    flat = x.reshape(-1)
    pos = jnp.searchsorted(edges, flat, side="right") - 1
    pos = jnp.where(pos >= bins, bins - 1, pos)
    inside = (flat >= edges[0]) & (flat <= edges[-1])
    hist = _count(pos, inside, weight, builtins.max(bins, 0), x.dtype)
    if density:
        hist = hist / (jnp.sum(hist) * jnp.diff(edges))
    return _histogram_grad(hist), _histogram_grad(edges)


@function
def histogram(input: Tensor, bins: Any = 100, *, range: Any = None, weight: Tensor | None = None,
              density: bool = False, out: Any = None) -> Any:
    if isinstance(bins, Tensor):
        if range is not None:
            raise TypeError("histogram(): range cannot be combined with a bins tensor")
        return _histogram(input, bins, 0, None, weight, density, out=out)
    return _histogram(input, None, operator.index(bins), range, weight, density, out=out)


tensor_method("histogram")(histogram)


# ------------------------------------------------------------------ searchsorted, bucketize
def _binary_search(seq, v, right: bool):
    """torch's binary search, step by step (so a NaN in ``seq`` or ``v`` lands where torch's does).
    ``seq`` is 1-d, or (..., M) with ``v`` (..., K)."""
    m = seq.shape[-1]
    start = jnp.zeros(v.shape, jnp.int64)
    end = jnp.full(v.shape, m, jnp.int64)
    for _ in builtins.range(m.bit_length()):
        active = start < end
        mid = start + (end - start) // 2
        safe = jnp.minimum(mid, m - 1)
        at = seq[safe] if seq.ndim == 1 else jnp.take_along_axis(seq, safe, axis=-1)
        go_on = ~(at > v) if right else ~(at >= v)
        start = jnp.where(active & go_on, mid + 1, start)
        end = jnp.where(active & ~go_on, mid, end)
    return start


def _searchsorted_pre(sorted_sequence, input, out_int32=False, right=False, side=None, sorter=None):
    if side is not None and side not in ("left", "right"):
        raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
    if side is not None and right and side == "left":
        raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left while "
                           "right was True")
    seq_shape = builtins.tuple(sorted_sequence.shape)
    if sorted_sequence.dim() == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 "
                           "dimension")
    if is_number(input) or (isinstance(input, Tensor) and input.dim() == 0 and sorted_sequence.dim() != 1):
        if sorted_sequence.dim() != 1:
            raise RuntimeError("torch.searchsorted(): input value can be a scalar only when boundaries tensor "
                               f"dimension is 1, but we got boundaries tensor dim({sorted_sequence.dim()}) and "
                               "input value's dim(0) numel(1)")
    elif sorted_sequence.dim() != 1 and (input.dim() != len(seq_shape)
                                         or builtins.tuple(input.shape[:-1]) != seq_shape[:-1]):
        raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions "
                           "of boundaries tensor and input value tensor must match, but we got boundaries tensor "
                           f"{list(seq_shape)} and input value tensor {list(input.shape)}")
    if sorter is not None:
        if sorter.dtype is not _dtype.int64:
            raise RuntimeError("torch.searchsorted(): sorter must be a tensor of long dtype but got dtype "
                               f"{_type_name(sorter.dtype)}")
        if builtins.tuple(sorter.shape) != seq_shape:
            raise RuntimeError("torch.searchsorted(): boundary and sorter must have the same size, but got boundary "
                               f"tensor {list(seq_shape)}and got sorter tensor {list(sorter.shape)}")
    return sorted_sequence, input, out_int32, right or side == "right", None, sorter


@op("searchsorted(Tensor sorted_sequence, Tensor|Scalar input, *, bool out_int32=False, bool right=False, "
    "str? side=None, Tensor? sorter=None) -> Tensor", differentiable=False, pre=_searchsorted_pre)
def searchsorted(seq, v, *, out_int32=False, right=False, side=None, sorter=None):
    if sorter is not None:
        seq = jnp.take_along_axis(seq, sorter, axis=-1)
    ct = jnp.result_type(seq, v)
    r = _binary_search(seq.astype(ct), v.astype(ct), right)
    return r.astype(jnp.int32 if out_int32 else jnp.int64)


def _bucketize_pre(input, boundaries, out_int32=False, right=False):
    if boundaries.dim() != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.dim()})")
    return input, boundaries, out_int32, right


@op("bucketize(Tensor|Scalar input, Tensor boundaries, *, bool out_int32=False, bool right=False) -> Tensor",
    differentiable=False, method=False, pre=_bucketize_pre)
def bucketize(v, boundaries, *, out_int32=False, right=False):
    ct = jnp.result_type(boundaries, v)
    r = _binary_search(boundaries.astype(ct), v.astype(ct), right)
    return r.astype(jnp.int32 if out_int32 else jnp.int64)


__all__ = exported(__name__)
