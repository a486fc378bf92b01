"""Pooling: max / avg / adaptive / lp / fractional pooling and max-unpooling, 1-3 spatial dims.

Every kernel pools the last ``n`` dims, so batched (N, C, ...) and unbatched (C, ...) inputs share it.
Max pooling reduces (value, flat position) pairs, with a variadic reduce_window for regular windows or
a reduce over gathered taps for adaptive and fractional ones, keeping the element torch's CPU kernels
keep (the first maximum in row-major window order, or the last NaN). The values are differentiated as
a gather at the returned indices, so the gradient goes where torch's does, ties included.
"""
from __future__ import annotations

import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ...autograd.grad_mode import is_grad_enabled
from ...ops._registry import _type_name, op
from ...tensor import Tensor
from ._conv import _ints

_DIMS = {1: "one", 2: "two", 3: "three"}


# ------------------------------------------------------------------ arguments and output sizes
def _arg(v: Any, n: int, fn: str, what: str, omit: bool = False) -> tuple:
    """kernel_size / stride / padding / dilation as an n-tuple, with torch's message when malformed."""
    vals = _ints(v)
    if omit and not vals:
        return ()
    if len(vals) == 1:
        vals = vals * n
    if len(vals) != n:
        if n == 1:
            raise RuntimeError(f"{fn}() {what} must be an int, list of ints or tuple of ints of size 1 but got size "
                               f"{len(vals)}")
        lead = "must either be omitted, a single int, or" if omit else \
            "must be either a single int, or" if what == "dilation" else "must either be a single int, or"
        raise RuntimeError(f"{fn}: {what} {lead} a tuple of {_DIMS[n]} ints")
    return tuple(vals)


def _out_size(size: int, k: int, pad: int, s: int, d: int, ceil: bool) -> int:
    """torch's pooling_output_shape: floor (or ceil) division; a last window must start inside input+left pad."""
    out = (size + 2 * pad - d * (k - 1) - 1 + (s - 1 if ceil else 0)) // s + 1
    if ceil and (out - 1) * s >= size + pad:
        out -= 1
    return out


def _pool_geometry(input: Tensor, n: int, fn: str, k: tuple, s: tuple, p: tuple, d: tuple, ceil: bool) -> tuple:
    """Validate like torch's pool{n}d_shape_check; returns the output spatial size."""
    if any(x == 0 for x in s):
        raise RuntimeError("stride should not be zero")
    if any(x < 0 for x in p):
        raise RuntimeError(f"pad must be non-negative, but got pad: {min(p)}")
    for kk, pp, dd in zip(k, p, d):
        if pp > ((kk - 1) * dd + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={pp}, "
                               f"kernel_size={kk} and dilation={dd}")
    names = "THW"[3 - n:] if n > 1 else "W"
    if any(x <= 0 for x in k):
        raise RuntimeError("kernel size should be greater than zero, but got "
                           + " ".join(f"k{c}: {v}" for c, v in zip(names, k)))
    if any(x <= 0 for x in s):
        raise RuntimeError("stride should be greater than zero, but got "
                           + " ".join(f"d{c}: {v}" for c, v in zip(names, s)))
    if any(x <= 0 for x in d):
        raise RuntimeError("dilation should be greater than zero, but got "
                           + " ".join(f"dilation{c}: {v}" for c, v in zip(names, d)))
    shape = list(input.shape)
    if len(shape) not in (n + 1, n + 2) or any(v == 0 for v in shape[-n - 1:]):
        raise RuntimeError(f"Expected {n + 1}D or {n + 2}D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:{shape}")
    sizes = shape[-n:]
    out = tuple(_out_size(*a, ceil) for a in zip(sizes, k, p, s, d))
    if any(o < 1 for o in out):
        ins = [shape[-n - 1]] + ([1] if n == 1 else []) + sizes
        outs = [shape[-n - 1]] + ([1] if n == 1 else []) + list(out)
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, ins))}). Calculated output size: "
                           f"({'x'.join(map(str, outs))}). Output size is too small")
    return out


def _not_for(input: Tensor, name: str, floating_only: bool = False) -> None:
    dt = input.dtype
    if dt.name == "bool" or (floating_only and not dt.is_floating_point) or dt.is_complex:
        raise NotImplementedError(f"\"{name}\" not implemented for '{_type_name(dt)}'")


# ------------------------------------------------------------------ selecting the maximum of each window
def _lowest(dtype) -> Any:
    return -jnp.inf if jnp.issubdtype(dtype, jnp.inexact) else jnp.iinfo(dtype).min


def _better(a: tuple, b: tuple) -> tuple:
    """Reducer over (value, flat index) pairs picking what torch's CPU kernels keep scanning a window with
    `val > max || isnan(val)`: the last NaN, else the first maximum. A total order, so any reduction order
    gives the same element."""
    (va, ia), (vb, ib) = a, b
    na, nb = va != va, vb != vb  # isnan (False for integers)
    take_b = jnp.where(na | nb, nb & (~na | (ib > ia)), (vb > va) | ((vb == va) & (ib < ia)))
    return jnp.where(take_b, vb, va), jnp.where(take_b, ib, ia)


def _gather_plane(x, idx, n: int):
    """x[..., idx] with ``idx`` flat positions in x's last ``n`` dims (leading dims shared)."""
    lead = idx.shape[:x.ndim - n]
    plane = x.reshape(lead + (-1,))
    return jnp.take_along_axis(plane, idx.reshape(lead + (-1,)), axis=-1).reshape(idx.shape)


def _picked(find, x, n: int) -> tuple:
    """``(values, best) = find(x)`` with values == x[..., best] (flat positions in the last ``n`` dims),
    differentiated as that gather: the gradient goes to exactly the element whose index is returned, as
    torch's does at ties (jax's max would split it)."""
    @jax.custom_jvp
    def pick(x):
        return find(x)

    @pick.defjvp
    def pick_jvp(primals, tangents):
        values, best = pick(primals[0])
        return (values, best), (_gather_plane(tangents[0], best, n), np.zeros(best.shape, jax.dtypes.float0))

    return pick(x)


def _select_max(x, idx, valid, n: int):
    """Max over the last axis of windows given as flat positions ``idx`` (..., *out, K) into x's last ``n``
    dims (``valid`` masks taps off the input). Returns (values, flat indices)."""
    sentinel = int(np.prod(x.shape[x.ndim - n:], dtype=np.int64))
    low = jnp.asarray(_lowest(x.dtype), x.dtype)
    if valid is not None:
        idx = jnp.where(valid, idx, sentinel)

    def find(x):
        g = _gather_plane(x, jnp.minimum(idx, sentinel - 1), n)
        if valid is not None:
            g = jnp.where(valid, g, low)
        return lax.reduce((g, idx), (low, jnp.asarray(sentinel, idx.dtype)), _better, (g.ndim - 1,))

    return _picked(find, x, n)


def _plane_positions(shape: tuple, n: int):
    """Flat position of every element within its plane (the last ``n`` dims), broadcast to ``shape``."""
    sizes = shape[len(shape) - n:]
    return jnp.broadcast_to(jnp.arange(int(np.prod(sizes, dtype=np.int64)), dtype=jnp.int64).reshape(sizes), shape)


def _flat_index(positions: list, sizes: tuple):
    idx = 0
    for pos, stride in zip(positions, np.cumprod((1,) + tuple(sizes[::-1]))[::-1][1:]):
        idx = idx + pos * int(stride)
    return idx


# ------------------------------------------------------------------ max pooling
def _max_pool(x, k, s, p, d, ceil, with_indices):
    n = len(k)
    lead = x.ndim - n
    sizes = x.shape[lead:]
    out = tuple(_out_size(*a, ceil) for a in zip(sizes, k, p, s, d))
    hi = [max(0, (o - 1) * ss + (kk - 1) * dd + 1 - (size + pp)) for o, ss, kk, dd, size, pp in
          zip(out, s, k, d, sizes, p)]
    sentinel = int(np.prod(sizes, dtype=np.int64))
    # a variadic reduce_window over (value, position): padding carries -inf and a position that loses ties
    values, best = _picked(lambda x: lax.reduce_window(
        (x, _plane_positions(x.shape, n)), (jnp.asarray(_lowest(x.dtype), x.dtype), jnp.asarray(sentinel, jnp.int64)),
        _better, (1,) * lead + tuple(k), (1,) * lead + tuple(s), [(0, 0)] * lead + list(zip(p, hi)),
        window_dilation=(1,) * lead + tuple(d)), x, n)
    return (values, best) if with_indices else values


def _max_pool_pre(n: int, fn: str):
    def pre(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
        k = _arg(kernel_size, n, fn, "kernel_size")
        s = _arg(stride, n, fn, "stride", omit=True) or k
        p = _arg(padding, n, fn, "padding")
        d = _arg(dilation, n, fn, "dilation")
        if input.dim() not in (n + 1, n + 2):
            raise RuntimeError(f"non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected for input")
        _not_for(input, fn)
        _pool_geometry(input, n, fn, k, s, p, d, ceil_mode)
        return input, k, s, p, d, ceil_mode
    return pre


def _make_max_pool(n: int):
    sig = ("(Tensor input, int[] kernel_size, int[] stride=(), int[] padding=0, int[] dilation=1, "
           "bool ceil_mode=False)")
    node = f"MaxPool{max(n, 2)}DWithIndicesBackward0"
    plain = op(f"max_pool{n}d{sig} -> Tensor", method=False, out=False, node_name=node,
               pre=_max_pool_pre(n, f"max_pool{n}d"))(
        lambda x, k, s, p, d, ceil_mode=False: _max_pool(x, k, s, p, d, ceil_mode, False))
    indexed = op(f"max_pool{n}d_with_indices{sig} -> (Tensor output, Tensor indices)", method=False, out=False,
                 node_name=node, function=n == 1, pre=_max_pool_pre(n, f"max_pool{n}d"))(
        lambda x, k, s, p, d, ceil_mode=False: _max_pool(x, k, s, p, d, ceil_mode, True))
    return plain, indexed


(_max_pool1d, _max_pool1d_with_indices), (_max_pool2d, _max_pool2d_with_indices), \
    (_max_pool3d, _max_pool3d_with_indices) = (_make_max_pool(n) for n in (1, 2, 3))


def _f_max_pool(n: int):
    plain, indexed = {1: (_max_pool1d, _max_pool1d_with_indices), 2: (_max_pool2d, _max_pool2d_with_indices),
                      3: (_max_pool3d, _max_pool3d_with_indices)}[n]

    def with_indices(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                     ceil_mode: bool = False, return_indices: bool = False) -> tuple:
        return indexed(input, kernel_size, () if stride is None else stride, padding, dilation, ceil_mode)

    def max_pool(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                 ceil_mode: bool = False, return_indices: bool = False) -> Any:
        if return_indices:
            return with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
        return plain(input, kernel_size, () if stride is None else stride, padding, dilation, ceil_mode)

    max_pool.__name__ = max_pool.__qualname__ = f"max_pool{n}d"
    with_indices.__name__ = with_indices.__qualname__ = f"max_pool{n}d_with_indices"
    return max_pool, with_indices


(max_pool1d, max_pool1d_with_indices), (max_pool2d, max_pool2d_with_indices), \
    (max_pool3d, max_pool3d_with_indices) = (_f_max_pool(n) for n in (1, 2, 3))


# ------------------------------------------------------------------ average pooling
def _avg_pool(x, k, s, p, ceil, count_include_pad=True, divisor_override=None):
    n = len(k)
    sizes = x.shape[-n:]
    out = tuple(_out_size(size, kk, pp, ss, 1, ceil) for size, kk, pp, ss in zip(sizes, k, p, s))
    hi = [max(0, (o - 1) * ss + kk - (size + pp)) for o, ss, kk, size, pp in zip(out, s, k, sizes, p)]
    lead = x.ndim - n
    xp = jnp.pad(x, [(0, 0)] * lead + list(zip(p, hi)))
    summed = lax.reduce_window(xp, np.zeros((), x.dtype), lax.add, (1,) * lead + tuple(k), (1,) * lead + tuple(s),
                               "VALID")
    if divisor_override is not None:
        div = np.full(out, divisor_override, np.int64)
    else:  # torch's divide factor: the window clipped to input+padding, or to the input alone
        div = np.ones(out, np.int64)
        for i, (o, ss, kk, pp, size) in enumerate(zip(out, s, k, p, sizes)):
            start = np.arange(o) * ss - pp
            end = np.minimum(start + kk, size + pp)
            count = (end - start) if count_include_pad else (np.minimum(end, size) - np.maximum(start, 0))
            div = div * np.maximum(count, 1).reshape(tuple(o if j == i else 1 for j in range(n)))
    if jnp.issubdtype(x.dtype, jnp.integer):
        # C++ integer division truncates toward zero
        return lax.div(summed, jnp.broadcast_to(jnp.asarray(div, x.dtype), summed.shape))
    return summed / jnp.asarray(div, x.dtype)


def _avg_pool_pre(n: int, fn: str):
    def pre(input, kernel_size, stride=(), padding=0, ceil_mode=False, count_include_pad=True,
            divisor_override=None):
        k = _arg(kernel_size, n, fn, "kernel_size")
        s = _arg(stride, n, fn, "stride", omit=True) or k
        p = _arg(padding, n, fn, "padding")
        if divisor_override is not None and divisor_override == 0:
            raise RuntimeError("divisor must be not zero")
        if input.dim() not in (n + 1, n + 2):
            if n == 1:
                raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional tensor for argument "
                                   "#1 'self' (while checking arguments for avg_pool1d)")
            raise RuntimeError(f"non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected for input")
        _not_for(input, fn)
        _pool_geometry(input, n, fn, k, s, p, (1,) * n, ceil_mode)
        return input, k, s, p, ceil_mode, count_include_pad, divisor_override
    return pre


def _make_avg_pool(n: int):
    extra = ", int? divisor_override=None" if n > 1 else ""
    return op(f"avg_pool{n}d(Tensor input, int[] kernel_size, int[] stride=(), int[] padding=0, "
              f"bool ceil_mode=False, bool count_include_pad=True{extra}) -> Tensor", method=False, out=False,
              saves="none", function=n == 1, pre=_avg_pool_pre(n, f"avg_pool{n}d"),
              node_name=f"AvgPool{max(n, 2)}DBackward0")(_avg_pool)


_avg_pool1d, _avg_pool2d, _avg_pool3d = (_make_avg_pool(n) for n in (1, 2, 3))


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    return _avg_pool1d(input, kernel_size, () if stride is None else stride, padding, ceil_mode, count_include_pad)


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    return _avg_pool2d(input, kernel_size, () if stride is None else stride, padding, ceil_mode, count_include_pad,
                       divisor_override)


def avg_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    return _avg_pool3d(input, kernel_size, () if stride is None else stride, padding, ceil_mode, count_include_pad,
                       divisor_override)


# ------------------------------------------------------------------ Lp pooling
@op("_lp_pool(Tensor input, float norm_type, int[] kernel_size, int[] stride, bool ceil_mode) -> Tensor",
    function=False, method=False, out=False)
def _lp_pool(x, norm_type, k, s, ceil_mode):
    out = _avg_pool(x ** norm_type, k, s, (0,) * len(k), ceil_mode)
    a = jnp.abs(out)
    # sign(out) * relu(|out|), with relu's gradient (zero where |out| <= 0, NaN passes): a zero sum gets a
    # zero gradient, as torch documents
    return (jnp.sign(out) * jnp.where(a <= 0, jnp.zeros((), a.dtype), a) * math.prod(k)) ** (1.0 / norm_type)


def _lp_pool_nd(n: int, input: Tensor, norm_type: Any, kernel_size: Any, stride: Any, ceil_mode: bool) -> Tensor:
    if isinstance(norm_type, (int, float)) and abs(norm_type) == math.inf:
        mp = {1: max_pool1d, 2: max_pool2d, 3: max_pool3d}[n]
        if norm_type > 0:
            return mp(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        return -mp(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    fn = f"avg_pool{n}d"
    k = _arg(kernel_size, n, fn, "kernel_size")
    s = _arg(() if stride is None else stride, n, fn, "stride", omit=True) or k
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected for input")
    _pool_geometry(input, n, fn, k, s, (0,) * n, (1,) * n, ceil_mode)
    return _lp_pool(input, norm_type, k, s, ceil_mode)


def lp_pool1d(input: Tensor, norm_type: Any, kernel_size: Any, stride: Any = None, ceil_mode: bool = False) -> Tensor:
    return _lp_pool_nd(1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input: Tensor, norm_type: Any, kernel_size: Any, stride: Any = None, ceil_mode: bool = False) -> Tensor:
    return _lp_pool_nd(2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input: Tensor, norm_type: Any, kernel_size: Any, stride: Any = None, ceil_mode: bool = False) -> Tensor:
    return _lp_pool_nd(3, input, norm_type, kernel_size, stride, ceil_mode)


# ------------------------------------------------------------------ adaptive pooling
def _adaptive_windows(size: int, out: int) -> tuple:
    """Static (out, L) tap positions (clamped), validity mask and counts for torch's window formula
    start = floor(i * size / out), end = ceil((i + 1) * size / out)."""
    i = np.arange(out)
    start, end = (i * size) // out, -((-(i + 1) * size) // out)
    L = int((end - start).max()) if out else 1
    pos = start[:, None] + np.arange(L)[None, :]
    valid = pos < end[:, None]
    return np.minimum(pos, size - 1), valid, end - start


def _adaptive_avg(x, out):
    n = len(out)
    for i, o in enumerate(out):
        ax = x.ndim - n + i
        size = x.shape[ax]
        if o and size % o == 0:  # equal windows: a reshape and a mean
            x = x.reshape(x.shape[:ax] + (o, size // o) + x.shape[ax + 1:]).mean(axis=ax + 1)
            continue
        pos, valid, count = _adaptive_windows(size, o)
        g = jnp.take(x, pos.reshape(-1), axis=ax).reshape(x.shape[:ax] + pos.shape + x.shape[ax + 1:])
        shape = (1,) * ax + pos.shape + (1,) * (x.ndim - ax - 1)
        g = jnp.where(valid.reshape(shape), g, jnp.zeros((), x.dtype))
        x = g.sum(axis=ax + 1) / jnp.asarray(count, x.dtype).reshape(shape[:ax + 1] + shape[ax + 2:])
    return x


def _window_table(wins: list, sizes: tuple) -> tuple:
    """Static flat positions (*out, K) and validity of n-d windows from per-dim (out_d, L_d) tables."""
    n = len(wins)
    idx, valid = np.zeros((1,) * 2 * n, np.int64), np.ones((1,) * 2 * n, bool)
    strides = np.cumprod((1,) + tuple(sizes[::-1]))[::-1][1:]
    for d, ((pos, ok, _), stride) in enumerate(zip(wins, strides)):
        shape = [1] * 2 * n
        shape[d], shape[n + d] = pos.shape
        idx = idx + pos.reshape(shape) * int(stride)
        valid = valid & ok.reshape(shape)
    out = tuple(pos.shape[0] for pos, _, _ in wins)
    return idx.reshape(out + (-1,)), valid.reshape(out + (-1,))


def _adaptive_max(x, out, with_indices):
    n = len(out)
    lead = x.shape[:x.ndim - n]
    sizes = x.shape[x.ndim - n:]
    table, valid = _window_table([_adaptive_windows(size, o) for size, o in zip(sizes, out)], sizes)
    idx = jnp.broadcast_to(jnp.asarray(table), lead + table.shape)
    values, best = _select_max(x, idx, None if valid.all() else valid, n)
    return (values, best) if with_indices else values


def _output_size(output_size: Any, input: Tensor, n: int, fn: str) -> tuple:
    if output_size is None:
        raise TypeError(f"{fn}(): argument 'output_size' (position 2) must be tuple of ints, not NoneType")
    vals = list(output_size) if isinstance(output_size, (list, tuple)) else [output_size]
    if n == 1 and len(vals) != 1:
        raise RuntimeError(f"{fn}() argument 'output_size' should contain one int (got {len(vals)})")
    if len(vals) == 1:
        vals = vals * n
    if len(vals) != n:
        raise RuntimeError(f"{fn}: output_size must be {n}" if "avg" in fn else
                           f"{fn}(): internal error: output_size.size() must be {n}")
    return tuple(int(input.shape[input.dim() - n + i]) if v is None else int(v) for i, v in enumerate(vals))


def _adaptive_pre(n: int, fn: str):
    def pre(input, output_size):
        out = _output_size(output_size, input, n, fn)
        shape = list(input.shape)
        if len(shape) not in (n + 1, n + 2):
            if n == 1:
                raise RuntimeError(f"Expected 2 to 3 dimensions, but got {len(shape)}-dimensional tensor for argument "
                                   f"#1 'self' (while checking arguments for {fn})")
            raise RuntimeError(f"{fn}(): Expected {n + 1}D or {n + 2}D tensor, but got{'' if 'avg' in fn else ':'} "
                               f"{shape}")
        if any(o < 0 for o in out):
            raise RuntimeError(f"{fn}: elements of output_size must be greater than or equal to 0 but received "
                               f"{{{', '.join(map(str, out))}}}")
        for d in range(len(shape) - n, len(shape)):
            if shape[d] == 0:
                raise RuntimeError(f"{fn}(): Expected input to have non-zero size for non-batch dimensions, but input "
                                   f"has sizes {shape} with dimension {d} being empty")
        _not_for(input, fn, floating_only=True)
        return input, out
    return pre


def _make_adaptive(n: int):
    avg = op(f"adaptive_avg_pool{n}d(Tensor input, int[] output_size) -> Tensor", method=False, out=False,
             saves="none", function=n == 1, pre=_adaptive_pre(n, f"adaptive_avg_pool{n}d"),
             node_name=f"AdaptiveAvgPool{max(n, 2)}DBackward0")(_adaptive_avg)
    mx = op(f"adaptive_max_pool{n}d(Tensor input, int[] output_size) -> (Tensor output, Tensor indices)",
            method=False, out=False, function=n == 1, pre=_adaptive_pre(n, f"adaptive_max_pool{n}d"),
            node_name=f"AdaptiveMaxPool{max(n, 2)}DBackward0")(lambda x, out: _adaptive_max(x, out, True))
    return avg, mx


(_adaptive_avg_pool1d, _adaptive_max_pool1d), (_adaptive_avg_pool2d, _adaptive_max_pool2d), \
    (_adaptive_avg_pool3d, _adaptive_max_pool3d) = (_make_adaptive(n) for n in (1, 2, 3))


def _check_output_dims(input: Tensor, output_size: Any) -> None:
    """torch.nn.functional's own check (2d/3d adaptive pools): a sized output_size needs more input dims."""
    if not isinstance(output_size, int) and hasattr(output_size, "__len__") and input.dim() <= len(output_size):
        raise ValueError(f"Input dimension should be at least {len(output_size) + 1}")


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    return _adaptive_avg_pool1d(input, output_size)


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    _check_output_dims(input, output_size)
    return _adaptive_avg_pool2d(input, output_size)


def adaptive_avg_pool3d(input: Tensor, output_size: Any) -> Tensor:
    _check_output_dims(input, output_size)
    return _adaptive_avg_pool3d(input, output_size)


def _f_adaptive_max(n: int, op_fn):
    def with_indices(input: Tensor, output_size: Any, return_indices: bool = False) -> tuple:
        if n > 1:
            _check_output_dims(input, output_size)
        return op_fn(input, output_size)

    def adaptive_max_pool(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
        if n > 1:
            _check_output_dims(input, output_size)
        res = op_fn(input, output_size)
        return res if return_indices else res[0]

    adaptive_max_pool.__name__ = adaptive_max_pool.__qualname__ = f"adaptive_max_pool{n}d"
    with_indices.__name__ = with_indices.__qualname__ = f"adaptive_max_pool{n}d_with_indices"
    return adaptive_max_pool, with_indices


(adaptive_max_pool1d, adaptive_max_pool1d_with_indices), (adaptive_max_pool2d, adaptive_max_pool2d_with_indices), \
    (adaptive_max_pool3d, adaptive_max_pool3d_with_indices) = (
        _f_adaptive_max(n, f) for n, f in ((1, _adaptive_max_pool1d), (2, _adaptive_max_pool2d),
                                           (3, _adaptive_max_pool3d)))


# ------------------------------------------------------------------ fractional max pooling
def _fractional_starts(u, size: int, out: int, k: int):
    """torch's generate_intervals, computed in the input's floating dtype from per-plane samples ``u``."""
    if out == 1:
        return jnp.full(u.shape + (1,), size - k, jnp.int64)
    alpha = jnp.asarray(size - k, u.dtype) / jnp.asarray(out - 1, u.dtype)
    i = jnp.arange(out - 1, dtype=u.dtype)
    seq = ((i + u[..., None]) * alpha).astype(jnp.int64) - (u * alpha).astype(jnp.int64)[..., None]
    return jnp.concatenate([seq, jnp.full(u.shape + (1,), size - k, jnp.int64)], axis=-1)


# which column of _random_samples drives each spatial dim (torch: 2-d (W, H); 3-d (T, H, W))
_SAMPLE_COLUMN = {2: (1, 0), 3: (0, 1, 2)}


def _fractional_max(x, samples, k, out):
    n = len(k)
    unbatched = x.ndim == n + 1
    if unbatched:
        x = x[None]
    nb, c = x.shape[:2]
    sizes = x.shape[2:]
    u = samples[:nb].astype(x.dtype if x.dtype in (jnp.float32, jnp.float64) else jnp.float32)
    starts = [_fractional_starts(u[..., col], size, o, kk)
              for col, size, o, kk in zip(_SAMPLE_COLUMN[n], sizes, out, k)]  # each (N, C, o)
    taps = []
    for i, (st, kk) in enumerate(zip(starts, k)):  # (N, C, *out, *k) positions along dim i
        shape = (nb, c) + tuple(o if j == i else 1 for j, o in enumerate(out)) + (1,) * n
        t = st.reshape(shape) + np.arange(kk).reshape((1,) * (2 + n + i) + (kk,) + (1,) * (n - i - 1))
        taps.append(t)
    flat = jnp.broadcast_to(_flat_index(taps, sizes), (nb, c) + tuple(out) + tuple(k))
    values, idx = _select_max(x, flat.reshape((nb, c) + tuple(out) + (-1,)), None, n)
    return (values[0], idx[0]) if unbatched else (values, idx)


def _make_fractional(n: int):
    return op(f"fractional_max_pool{n}d(Tensor input, Tensor random_samples, int[] kernel_size, int[] output_size) "
              "-> (Tensor output, Tensor indices)", function=False, method=False, out=False,
              node_name=f"FractionalMaxPool{n}DBackward0")(
        lambda x, samples, k, out: _fractional_max(x, samples, k, out))


_fractional_max_pool2d, _fractional_max_pool3d = _make_fractional(2), _make_fractional(3)


def _fractional(n: int, input: Tensor, kernel_size: Any, output_size: Any, output_ratio: Any,
                return_indices: bool, _random_samples: Tensor | None) -> Any:
    fn = f"fractional_max_pool{n}d"
    if output_size is None and output_ratio is None:
        raise ValueError(f"{fn} requires specifying either an output_size or an output_ratio")
    if output_size is None:
        if n == 2 and isinstance(output_ratio, (list, tuple)) and len(output_ratio) > 2:
            raise ValueError(f"{fn} requires output_ratio to either be a single Int or tuple of Ints.")
        ratio = tuple(output_ratio) if isinstance(output_ratio, (list, tuple)) else (output_ratio,) * n
        output_size = [int(input.size(-n + i) * ratio[i]) for i in range(n)]
    ks = _ints(kernel_size)
    ks = ks * n if len(ks) == 1 else ks
    if len(ks) != n:
        raise RuntimeError(f"{fn}: kernel_size must either be a single Int or tuple of {_DIMS[n]} Ints")
    out = _ints(output_size)
    out = out * n if len(out) == 1 else out
    if len(out) != n:
        raise RuntimeError(f"{fn}: output_size must either be a single Int or tuple of {_DIMS[n]} Ints")
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"{fn}(): Expected {n + 1}D or {n + 2}D tensor, but got: {list(input.shape)}")
    _not_for(input, "check_uniform_bounds", floating_only=True)
    nb = 1 if input.dim() == n + 1 else input.size(0)
    if _random_samples is None:
        from ...ops.random import rand
        _random_samples = rand(nb, input.size(-n - 1), n, dtype=input.dtype)
    names = ("time", "height", "width")[3 - n:]
    for name, kk, o, size in zip(names, ks, out, input.shape[-n:]):
        if o + kk - 1 > size:
            where = f"{fn}()" if n == 2 else f"{fn}_out()"
            raise RuntimeError(f"{where}: pool {name} {kk} too large relative to input {name} {size}")
    rs = _random_samples
    if rs.requires_grad and is_grad_enabled():
        raise RuntimeError(f"The function '{fn}' is not differentiable with respect to argument 'random_samples'. "
                           "This input cannot have requires_grad True.")
    if rs.dtype != input.dtype:
        raise RuntimeError("Expect _random_samples to have the same dtype as input")
    if rs.dim() != 3:
        raise RuntimeError(f"Expect _random samples to have 3 dimensions, got {rs.dim()}")
    if rs.size(0) < nb:
        raise RuntimeError("Expect _random_samples.size(0) no less then input batch size.")
    if rs.size(1) != input.size(-n - 1):
        raise RuntimeError("Expect _random_samples.size(1) equals to input channel size.")
    if rs.size(2) != n:
        raise RuntimeError(f"Expect _random_samples.size(2) equals to {n}; got {rs.size(2)}.")
    op_fn = _fractional_max_pool2d if n == 2 else _fractional_max_pool3d
    values, indices = op_fn(input, rs, tuple(ks), tuple(out))
    return (values, indices) if return_indices else values


def fractional_max_pool2d(input: Tensor, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
                          return_indices: bool = False, _random_samples: Tensor | None = None) -> Any:
    return _fractional(2, input, kernel_size, output_size, output_ratio, return_indices, _random_samples)


def fractional_max_pool3d(input: Tensor, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
                          return_indices: bool = False, _random_samples: Tensor | None = None) -> Any:
    return _fractional(3, input, kernel_size, output_size, output_ratio, return_indices, _random_samples)


def fractional_max_pool2d_with_indices(input: Tensor, kernel_size: Any, output_size: Any = None,
                                       output_ratio: Any = None, return_indices: bool = False,
                                       _random_samples: Tensor | None = None) -> tuple:
    return _fractional(2, input, kernel_size, output_size, output_ratio, True, _random_samples)


def fractional_max_pool3d_with_indices(input: Tensor, kernel_size: Any, output_size: Any = None,
                                       output_ratio: Any = None, return_indices: bool = False,
                                       _random_samples: Tensor | None = None) -> tuple:
    return _fractional(3, input, kernel_size, output_size, output_ratio, True, _random_samples)


# ------------------------------------------------------------------ max unpooling
def _max_unpool(x, indices, output_size):
    n = len(output_size)
    lead = x.shape[:-n]
    planes = int(np.prod(lead, dtype=np.int64))
    zeros = jnp.zeros((planes, int(np.prod(output_size, dtype=np.int64))), x.dtype)
    at = zeros.at[jnp.arange(planes)[:, None], indices.reshape(planes, -1)]
    x = x.reshape(planes, -1)
    # the value of a scatter-set, the gradient of a scatter-add: torch's backward gathers the output
    # gradient at every index, repeated ones included (jax's set would credit one of them)
    added = at.add(x, mode="drop")
    out = lax.stop_gradient(at.set(x, mode="drop") - added) + added
    return out.reshape(lead + tuple(output_size))


_max_unpool2d, _max_unpool3d = (
    op(f"max_unpool{n}d(Tensor input, Tensor indices, int[] output_size) -> Tensor", function=False, method=False,
       out=False, node_name=f"MaxUnpool{n}DBackward0")(_max_unpool) for n in (2, 3))


def _unpool(n: int, input: Tensor, indices: Tensor, kernel_size: Any, stride: Any, padding: Any,
            output_size: Any) -> Tensor:
    k = tuple(_ints(kernel_size) * (n if len(_ints(kernel_size)) == 1 else 1))
    s = k if stride is None else tuple(_ints(stride) * (n if len(_ints(stride)) == 1 else 1))
    p = tuple(_ints(padding) * (n if len(_ints(padding)) == 1 else 1))
    default = [(input.size(-n + d) - 1) * s[d] + k[d] - 2 * p[d] for d in range(n)]
    if output_size is None:
        out = default
    else:
        out = list(output_size)
        if len(out) == n + 2:
            out = out[2:]
        if len(out) != n:
            raise ValueError(f"output_size should be a sequence containing {n} or {n + 2} elements, but it has a "
                             f"length of '{len(out)}'")
        for d in range(n):
            lo, hi = default[d] - s[d], default[d] + s[d]
            if not lo < out[d] < hi:
                raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between {lo} and {hi})')
    out = [int(o) for o in out]
    for d in range(n):
        if out[d] < 0:
            raise ValueError("max_unpooling: output_size must contain non-negative spatial dimensions, but got "
                             f"output_size[{d}]={out[d]}")
    nd = max(n, 2)
    if input.dim() not in (nd + 1, nd + 2) and not (n == 1 and input.dim() in (2, 3)):
        raise RuntimeError(f"Input to max_unpooling{nd}d should be a {nd + 1}d or {nd + 2}d Tensor, but got a tensor "
                           f"with {input.dim()} dimensions.")
    if indices.dtype.name != "int64":
        raise RuntimeError(f"elements in indices should be type int64 but got: {_type_name(indices.dtype)}")
    if list(indices.shape) != list(input.shape):
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor ({list(input.shape)}) "
                           f"but got indices tensor with shape: {list(indices.shape)}")
    iv = indices._value
    if not isinstance(iv, jax.core.Tracer) and iv.size:  # eagerly, reject indices outside the output planes
        bad = np.asarray(iv)
        plane = int(np.prod(out, dtype=np.int64))
        wrong = bad[(bad < 0) | (bad >= plane)]
        if wrong.size:
            dims = "x".join(map(str, out + ([1] if n == 1 else [])))
            raise RuntimeError(f"Found an invalid max index: {wrong.flat[0]} (output volumes are of size {dims})")
    return (_max_unpool3d if n == 3 else _max_unpool2d)(input, indices, tuple(out))


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 output_size: Any = None) -> Tensor:
    return _unpool(1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 output_size: Any = None) -> Tensor:
    return _unpool(2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 output_size: Any = None) -> Tensor:
    return _unpool(3, input, indices, kernel_size, stride, padding, output_size)


__all__ = ["max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "max_pool2d_with_indices",
           "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d", "avg_pool3d", "lp_pool1d", "lp_pool2d",
           "lp_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d",
           "adaptive_max_pool2d", "adaptive_max_pool3d", "adaptive_max_pool1d_with_indices",
           "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d_with_indices", "fractional_max_pool2d",
           "fractional_max_pool3d", "fractional_max_pool2d_with_indices", "fractional_max_pool3d_with_indices",
           "max_unpool1d", "max_unpool2d", "max_unpool3d"]
