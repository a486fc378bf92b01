"""Joining, tiling, flipping and diagonal ops: cat/stack and the *stack family, flip/rot90/roll,
repeat/tile/repeat_interleave, tril/triu, diag/diag_embed/diagflat, broadcasting helpers, meshgrid,
cartesian_prod/combinations, atleast_nd, trace, kron, block_diag, cross, cdist, resize_.
"""
from __future__ import annotations

import builtins
import itertools
import math
import warnings
from typing import Any, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from ..tensor import Size, Tensor, _concrete, _contiguous_strides, _wrap_dim
from ._registry import _EXPORTS, DEFAULT, FUNCTIONS, exported, function, op, tensor_method
from .views import _narrow_pre, _unsafe_view, as_strided, inplace_view, reshape, unsqueeze


def _alias(name: str, target: Any) -> None:
    FUNCTIONS[name] = target
    _EXPORTS[__name__].append(name)


def _tensor_list(name: str, tensors: Any) -> list:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (builtins.list, builtins.tuple)):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")
    for x in tensors:
        if not isinstance(x, Tensor):
            raise TypeError(f"{name}(): argument 'tensors' must be tuple of Tensors, but found element of type "
                            f"{type(x).__name__}")
    return builtins.list(tensors)


# ------------------------------------------------------------------ cat and the stacks
def _skipped(shape: tuple) -> bool:
    return shape == (0,)  # torch's legacy rule: 1-d empty tensors are ignored by cat


def _check_cat(shapes: list, dim: int) -> int:
    """torch's cat shape checks on ``shapes``; returns the wrapped dim."""
    kept = [(i, s) for i, s in enumerate(shapes) if not _skipped(s)]
    if not kept:
        return dim
    for i, s in enumerate(shapes):
        if len(s) == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    _, ref = kept[0]
    d = _wrap_dim(dim, len(ref))
    for i, s in kept[1:]:
        if len(s) != len(ref):
            raise RuntimeError(f"Tensors must have same number of dimensions: got {len(ref)} and {len(s)}")
        for k, (a, b) in enumerate(zip(ref, s)):
            if k != d and a != b:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size {a} but got "
                                   f"size {b} for tensor number {i} in the list.")
    return d


def _cat_pre(tensors, dim=0):
    tensors = _tensor_list("cat", tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    return tensors, _check_cat([builtins.tuple(t.shape) for t in tensors], dim)


def _concat(xs: list, dim: int):
    kept = [x for x in xs if not _skipped(x.shape)]
    return jnp.concatenate(kept, axis=dim) if kept else xs[0]


@op("cat(Tensor[] tensors, int dim=0) -> Tensor", promote=DEFAULT, saves="none", pre=_cat_pre)
def cat(xs, dim):
    return _concat(xs, dim)


_alias("concat", cat)


@function
def concatenate(tensors: Sequence[Tensor], axis: int = 0, out: Tensor | None = None) -> Tensor:
    return cat(tensors, axis, out=out)


def _stack_pre(tensors, dim=0):
    tensors = _tensor_list("stack", tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    s0 = builtins.tuple(tensors[0].shape)
    for i, t in enumerate(tensors[1:], 1):
        if builtins.tuple(t.shape) != s0:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(s0)} at entry 0 and "
                               f"{list(t.shape)} at entry {i}")
    return tensors, _wrap_dim(dim, len(s0) + 1)


@op("stack(Tensor[] tensors, int dim=0) -> Tensor", promote=DEFAULT, saves="none", pre=_stack_pre)
def stack(xs, dim):
    return jnp.stack(xs, axis=dim)


def _at_least(shape: tuple, n: int) -> tuple:
    """The shape atleast_{n}d gives (torch puts 1-d tensors in the middle for 3-d)."""
    if len(shape) >= n:
        return shape
    if n == 3 and len(shape) == 2:
        return shape + (1,)
    if n == 3 and len(shape) == 1:
        return (1,) + shape + (1,)
    return (1,) * (n - len(shape)) + shape


_STACKS = {  # name: (how each input is reshaped, cat dim)
    "hstack": (lambda s: _at_least(s, 1), lambda shapes: 0 if len(shapes[0]) == 1 else 1),
    "vstack": (lambda s: _at_least(s, 2), lambda shapes: 0),
    "dstack": (lambda s: _at_least(s, 3), lambda shapes: 2),
    "column_stack": (lambda s: (s[0] if s else 1, 1) if len(s) <= 1 else s, lambda shapes: 1),
}


def _stack_family(name: str):
    shape_of, dim_of = _STACKS[name]

    def pre(tensors):
        tensors = _tensor_list(name, tensors)
        if not tensors:
            raise RuntimeError(f"{name} expects a non-empty TensorList")
        shapes = [shape_of(builtins.tuple(t.shape)) for t in tensors]
        _check_cat(shapes, dim_of(shapes))
        return (tensors,)

    def body(xs):
        shapes = [shape_of(x.shape) for x in xs]
        return _concat([x.reshape(s) for x, s in zip(xs, shapes)], dim_of(shapes))
    body.__name__ = name
    body.__module__ = __name__
    return op(f"{name}(Tensor[] tensors) -> Tensor", promote=DEFAULT, saves="none", pre=pre,
              node_name="CatBackward0")(body)


hstack = _stack_family("hstack")
vstack = _stack_family("vstack")
dstack = _stack_family("dstack")
column_stack = _stack_family("column_stack")
_alias("row_stack", vstack)


# ------------------------------------------------------------------ flips, rotations, rolls
def _dims_pre(input, dims):
    nd = input.dim()
    wrapped = builtins.tuple(_wrap_dim(d, nd) for d in dims)
    for k, d in enumerate(wrapped):
        if d in wrapped[:k]:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return input, wrapped


@op("flip(Tensor input, int[] dims) -> Tensor", saves="none", out=False, pre=_dims_pre, method=False)
def flip(x, dims):
    return jnp.flip(x, dims) if x.ndim and dims else x


@tensor_method("flip")
def _flip_method(self: Tensor, *args, **kwargs) -> Tensor:  # x.flip(0, 1), x.flip([0, 1]), x.flip(dims=...)
    unknown = set(kwargs) - {"dims"}
    if unknown:
        raise TypeError(f"flip() got an unexpected keyword argument '{unknown.pop()}'")
    if "dims" in kwargs:
        if args:
            raise TypeError("flip() got multiple values for argument 'dims'")
        return flip(self, kwargs["dims"])
    return flip(self, args[0] if len(args) == 1 and not isinstance(args[0], builtins.int) else args)


def _min_dims(n: int):
    def pre(input):
        if input.dim() < n:
            raise RuntimeError(f"Input must be >= {n}-d.")
        return (input,)
    return pre


@op("fliplr(Tensor input) -> Tensor", saves="none", out=False, pre=_min_dims(2), node_name="FlipBackward0")
def fliplr(x):
    return jnp.flip(x, 1)


@op("flipud(Tensor input) -> Tensor", saves="none", out=False, pre=_min_dims(1), node_name="FlipBackward0")
def flipud(x):
    return jnp.flip(x, 0)


def _rot90_pre(input, k=1, dims=(0, 1)):
    dims = builtins.tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.dim() < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.dim()}")
    d0, d1 = _wrap_dim(dims[0], input.dim()), _wrap_dim(dims[1], input.dim())
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}")
    return input, k, (d0, d1)


@op("rot90(Tensor input, int k=1, int[] dims=[0, 1]) -> Tensor", saves="none", out=False, pre=_rot90_pre)
def rot90(x, k, dims):
    return jnp.rot90(x, k, axes=dims)


def _roll_pre(input, shifts, dims=()):
    shifts = (shifts,) if isinstance(shifts, builtins.int) else builtins.tuple(shifts)
    dims = () if dims is None else ((dims,) if isinstance(dims, builtins.int) else builtins.tuple(dims))
    if not shifts:
        raise RuntimeError("`shifts` required")
    if dims and len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    if not dims and len(shifts) != 1:
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
    if dims and input.dim() == 0:
        raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
    return input, shifts, builtins.tuple(_wrap_dim(d, input.dim()) for d in dims)


@op("roll(Tensor input, int[] shifts, int[] dims=[]) -> Tensor", saves="none", out=False, pre=_roll_pre)
def roll(x, shifts, dims):
    if x.ndim == 0 or x.size == 0:
        return x
    if not dims:
        return jnp.roll(x.reshape(-1), shifts[0]).reshape(x.shape)
    return jnp.roll(x, shifts, dims)


# ------------------------------------------------------------------ repeat, tile, repeat_interleave
def _repeat_pre(input, repeats):
    if len(repeats) < input.dim():
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           "tensor")
    shape = (1,) * (len(repeats) - input.dim()) + builtins.tuple(input.shape)
    out = [s * r for s, r in zip(shape, repeats)]
    for n in out:
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {out}")
    return input, repeats


@op("repeat(Tensor input, int... repeats) -> Tensor", saves="none", out=False, function=False, pre=_repeat_pre)
def repeat(x, repeats):
    x = x.reshape((1,) * (len(repeats) - x.ndim) + x.shape)
    return jnp.tile(x, repeats)


@function
def tile(input: Tensor, dims) -> Tensor:
    dims = (dims,) if isinstance(dims, builtins.int) else builtins.tuple(dims)
    return input.repeat((1,) * (input.dim() - len(dims)) + dims)


@tensor_method("tile")
def _tile_method(self: Tensor, *dims) -> Tensor:
    return tile(self, dims[0] if len(dims) == 1 and not isinstance(dims[0], builtins.int) else dims)


def _repeat_interleave_pre(input, repeats=None, dim=None, output_size=None):
    if repeats is None:  # repeat_interleave(repeats): the indices 0..n-1, each repeated
        repeats = input
        if repeats.dim() != 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        from .creation import arange
        input, dim = arange(repeats.shape[0], dtype=repeats.dtype, device=repeats.device), 0
    if dim is not None and input.dim() == 0:
        raise IndexError(f"Dimension out of range (expected to be in range of [-1, 0], but got {dim})")
    d = None if dim is None else _wrap_dim(dim, input.dim())
    n = input.numel() if d is None else input.shape[d]
    if isinstance(repeats, Tensor):
        if not repeats.dtype.is_integer:
            raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for "
                                      f"'{_type_name(repeats.dtype)}'")
        if repeats.dim() > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        if repeats.dim() == 1 and repeats.shape[0] not in (1, n):
            raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                               f"{repeats.shape[0]} and input.size({d or 0}) = {n}")
        v = repeats._value
        if output_size is None or not isinstance(v, jax.core.Tracer):
            r = np.asarray(_concrete(repeats, "repeat_interleave with tensor repeats and no output_size"))
            if (r < 0).any():
                raise RuntimeError("repeats can not be negative")
            total = builtins.int(r.sum()) * (n if r.size == 1 else 1)
            if output_size is not None and output_size != total:
                raise RuntimeError("allocated size does not match required size")
            output_size = total
    else:
        if not isinstance(repeats, (builtins.int, np.integer)) or isinstance(repeats, builtins.bool):
            raise TypeError(f"repeat_interleave(): argument 'repeats' must be Tensor or int, not "
                            f"{type(repeats).__name__}")
        if repeats < 0:
            raise RuntimeError("Repeats must be non-negative")
        if output_size is not None and output_size != n * repeats:
            raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {n * repeats} but got "
                               f"{output_size}")
        output_size = n * repeats
    return input, repeats, d, output_size


@op("repeat_interleave(Tensor input, Tensor|Scalar? repeats=None, int? dim=None, *, int? output_size=None) "
    "-> Tensor", saves="none", out=False, pre=_repeat_interleave_pre)
def repeat_interleave(x, repeats, dim, *, output_size):
    """Under jax.jit, tensor ``repeats`` need ``output_size`` (the output's length is data-dependent)."""
    if dim is None:
        x, dim = x.reshape(-1), 0
    if repeats.ndim == 1 and repeats.shape[0] == 1:
        repeats = repeats.reshape(())
    return jnp.repeat(x, repeats, axis=dim, total_repeat_length=output_size)


# ------------------------------------------------------------------ triangles and diagonals
def _tri_pre(name: str):
    def pre(input, diagonal=0):
        if input.dim() < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        return input, diagonal
    return pre


@op("tril(Tensor input, int diagonal=0) -> Tensor", inplace=True, saves="none", pre=_tri_pre("tril"))
def tril(x, diagonal):
    return jnp.tril(x, diagonal)


@op("triu(Tensor input, int diagonal=0) -> Tensor", inplace=True, saves="none", pre=_tri_pre("triu"))
def triu(x, diagonal):
    return jnp.triu(x, diagonal)


def _tri_indices(name: str, np_fn):
    def fn(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None) -> Tensor:
        from .creation import _as_dtype_arg, _factory_post, strided
        if layout is not None and layout is not strided:
            raise NotImplementedError(f"{name}(): layout={layout} is not supported; jtorch tensors are strided")
        dt = _as_dtype_arg(dtype) or _dtype.int64
        if not dt.is_integer or dt is _dtype.bool:
            raise NotImplementedError(f"\"{name}\" not implemented for '{_type_name(dt)}'")
        if row < 0:
            raise RuntimeError(f"row must be non-negative, got{row}")
        if col < 0:
            raise RuntimeError(f"col must be non-negative, got{col}")
        idx = np.stack(np_fn(row, offset, col)) if row and col else np.zeros((2, 0))
        return _factory_post(Tensor._make(jnp.asarray(idx, dt.np)), device, False)
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = __name__
    return function(fn)


tril_indices = _tri_indices("tril_indices", np.tril_indices)
triu_indices = _tri_indices("triu_indices", np.triu_indices)


def _diag_pre(input, diagonal=0):
    if input.dim() not in (1, 2):
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.dim()}D")
    return input, diagonal


@op("diag(Tensor input, int diagonal=0) -> Tensor", saves="none", pre=_diag_pre)
def diag(x, diagonal):
    return jnp.diag(x, diagonal)


def _diag_embed_pre(input, offset=0, dim1=-2, dim2=-1):
    nd = input.dim() + 1
    d1, d2 = _wrap_dim(dim1, nd), _wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return input, offset, d1, d2


def _embed(x, offset: int, dim1: int, dim2: int):
    m = x.shape[-1]
    n = m + builtins.abs(offset)
    i = np.arange(m)
    out = jnp.zeros(x.shape[:-1] + (n, n), x.dtype).at[..., i + builtins.max(-offset, 0),
                                                       i + builtins.max(offset, 0)].set(x)
    return jnp.moveaxis(out, (-2, -1), (dim1, dim2))


@op("diag_embed(Tensor input, int offset=0, int dim1=-2, int dim2=-1) -> Tensor", saves="none", out=False,
    pre=_diag_embed_pre)
def diag_embed(x, offset, dim1, dim2):
    return _embed(x, offset, dim1, dim2)


@op("diagflat(Tensor input, int offset=0) -> Tensor", saves="none", out=False, node_name="DiagEmbedBackward0")
def diagflat(x, offset):
    return _embed(x.reshape(-1), offset, 0, 1)


def _trace_pre(input):
    if input.dtype is _dtype.bool:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    if input.dim() != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.dim()}")
    return (input,)


@op("trace(Tensor input) -> Tensor", saves="none", out=False, pre=_trace_pre)
def trace(x):
    dt = jnp.int64 if jnp.issubdtype(x.dtype, jnp.integer) else x.dtype
    return jnp.trace(x, dtype=dt)


# ------------------------------------------------------------------ broadcasting
@function
def broadcast_shapes(*shapes) -> Size:
    sizes = [(s,) if isinstance(s, (builtins.int, np.integer)) else builtins.tuple(s) for s in shapes]
    for s in sizes:
        if any(n < 0 for n in s):
            raise ValueError("Attempting to broadcast a dimension with negative length!")
    nd = builtins.max((len(s) for s in sizes), default=0)
    out = [1] * nd
    for k, s in enumerate(sizes):
        for j in builtins.range(1, len(s) + 1):
            n = s[-j]
            if n == 1:
                continue
            if out[-j] == 1:
                out[-j] = n
            elif out[-j] != n:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {n} at {-j}! Mismatching argument "
                                   f"at index {k} had {s}; but expected shape should be broadcastable to {out}")
    return Size(out)


@function
def broadcast_to(input: Tensor, size) -> Tensor:
    return input.expand(size)


@tensor_method("broadcast_to")
def _broadcast_to_method(self: Tensor, *size) -> Tensor:
    return self.expand(*size)


@function
def broadcast_tensors(*tensors) -> tuple:
    if len(tensors) == 1 and isinstance(tensors[0], (builtins.list, builtins.tuple)):
        tensors = builtins.tuple(tensors[0])
    shape: tuple = ()
    for t in tensors:
        b = builtins.tuple(t.shape)
        nd = builtins.max(len(shape), len(b))
        for j in builtins.range(1, nd + 1):
            x, y = (shape[-j] if j <= len(shape) else 1), (b[-j] if j <= len(b) else 1)
            if x != y and x != 1 and y != 1:
                raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                                   f"non-singleton dimension {nd - j}")
        shape = builtins.tuple(broadcast_shapes(shape, b))
    return builtins.tuple(t if builtins.tuple(t.shape) == shape else t.expand(shape) for t in tensors)


@function
def meshgrid(*tensors, indexing: str | None = None) -> tuple:
    if len(tensors) == 1 and isinstance(tensors[0], (builtins.list, builtins.tuple)):
        tensors = builtins.tuple(tensors[0])
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    for t in tensors:
        if t.dim() > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
        if t.dtype != tensors[0].dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
        if t.device != tensors[0].device:
            raise RuntimeError("meshgrid expects all tensors to have the same device")
    swap = indexing == "xy" and len(tensors) >= 2
    ts = builtins.list(tensors)
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = builtins.tuple(t.numel() for t in ts)
    outs = []
    for k, t in enumerate(ts):
        view = (1,) * k + (-1,) + (1,) * (len(ts) - k - 1)
        outs.append(t.view(view).expand(shape))
    if swap:
        outs[0], outs[1] = outs[1], outs[0]
    return builtins.tuple(outs)


@function
def cartesian_prod(*tensors) -> Tensor:
    for t in tensors:
        if t.dim() != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.flatten() for g in grids], 1)


def _combinations_pre(input, r=2, with_replacement=False):
    if input.dim() != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    return input, r, with_replacement


@op("_combinations(Tensor input, int r, bool with_replacement) -> Tensor", saves="none", out=False,
    function=False, method=False, node_name="StackBackward0")
def _combinations(x, r, with_replacement):
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    idx = np.asarray(builtins.list(pick(builtins.range(x.shape[0]), r)), np.int64).reshape(-1, r)
    return x[idx]


@function
def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    _combinations_pre(input, r, with_replacement)
    if r == 0:  # torch returns a new empty tensor, outside the graph
        return input.new_empty(0)
    return _combinations(input, r, with_replacement)


def _atleast_view(t: Tensor, n: int) -> Tensor:
    nd = t.dim()
    if nd >= n:
        return t
    if nd == 0:
        return reshape(t, (1,) * n)
    if nd == 1:
        t = unsqueeze(t, 0)
    return unsqueeze(t, -1) if n == 3 else t


def _atleast(n: int):
    def fn(*tensors):
        if len(tensors) == 1 and isinstance(tensors[0], Tensor):
            return _atleast_view(tensors[0], n)
        if len(tensors) == 1 and isinstance(tensors[0], (builtins.list, builtins.tuple)):
            tensors = builtins.tuple(tensors[0])
        return builtins.tuple(_atleast_view(t, n) for t in tensors)
    fn.__name__ = fn.__qualname__ = f"atleast_{n}d"
    fn.__module__ = __name__
    return function(fn)


atleast_1d = _atleast(1)
atleast_2d = _atleast(2)
atleast_3d = _atleast(3)


# ------------------------------------------------------------------ products of shapes
@op("kron(Tensor input, Tensor other) -> Tensor", promote=DEFAULT, saves="others")
def kron(x, y):
    if x.dtype == jnp.bool_:  # "and" of the pairs
        return jnp.kron(x.astype(jnp.int8), y.astype(jnp.int8)).astype(bool)
    return jnp.kron(x, y)


def _block_pre(tensors):
    for i, t in enumerate(tensors):
        if t.dim() > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.dim()} dimensions")
    return (tensors,)


@op("_block_diag(Tensor[] tensors) -> Tensor", promote=DEFAULT, saves="none", out=False, function=False,
    method=False, pre=_block_pre, node_name="BlockDiagBackward0")
def _block_diag(xs):
    mats = [x.reshape(1, 1) if x.ndim == 0 else x.reshape(1, -1) if x.ndim == 1 else x for x in xs]
    rows = builtins.sum(m.shape[0] for m in mats)
    cols = builtins.sum(m.shape[1] for m in mats)
    out = jnp.zeros((rows, cols), xs[0].dtype)
    r = c = 0
    for m in mats:
        out = out.at[r:r + m.shape[0], c:c + m.shape[1]].set(m)
        r, c = r + m.shape[0], c + m.shape[1]
    return out


@function
def block_diag(*tensors: Tensor) -> Tensor:
    if not tensors:
        from .creation import empty
        return empty(1, 0)
    return _block_diag(builtins.list(tensors))


def _cross_pre(input, other, dim=None):
    if input.dim() != other.dim():
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if input.dtype != other.dtype:
        raise RuntimeError(f"expected scalar type {_type_name(input.dtype)} but found {_type_name(other.dtype)}")
    shape = builtins.tuple(broadcast_shapes(builtins.tuple(input.shape), builtins.tuple(other.shape)))
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning, stacklevel=3)
        dim = next((k for k, n in enumerate(input.shape) if n == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    d = _wrap_dim(dim, len(shape))
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {d} must have length 3. Got {input.shape[d]} and "
                           f"{other.shape[d]}")
    return input, other, d


@op("cross(Tensor input, Tensor other, int? dim=None) -> Tensor", saves="others", pre=_cross_pre,
    node_name="LinalgCrossBackward0")
def cross(x, y, dim):
    shape = jnp.broadcast_shapes(x.shape, y.shape)
    return jnp.cross(jnp.broadcast_to(x, shape), jnp.broadcast_to(y, shape), axis=dim)


def _type_name(d) -> str:
    from ._registry import _type_name as name
    return name(d)


_CDIST_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")


def _cdist_pre(x1, x2, p=2.0, compute_mode=None):
    if compute_mode is not None and compute_mode not in _CDIST_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    for name, x in (("X1", x1), ("X2", x2)):
        if x.dtype in (_dtype.float16, _dtype.bfloat16):
            raise NotImplementedError(f"\"cdist\" not implemented for '{_type_name(x.dtype)}'")
        if not x.dtype.is_floating_point:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {_type_name(x.dtype)}")
    if x1.dtype != x2.dtype:
        raise RuntimeError(f"expected scalar type {_type_name(x1.dtype)} but found {_type_name(x2.dtype)}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    for name, x in (("X1", x1), ("X2", x2)):
        if x.dim() < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {x.dim()}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    broadcast_shapes(builtins.tuple(x1.shape[:-2]), builtins.tuple(x2.shape[:-2]))
    return x1, x2, p, compute_mode


@op("cdist(Tensor x1, Tensor x2, float p=2.0, str? compute_mode=None) -> Tensor", out=False, pre=_cdist_pre)
def cdist(x1, x2, p, compute_mode):
    """Always computed from the differences (torch may use a matmul for p=2): the same values up to
    rounding, and torch's gradients, which are 0 where a distance is 0."""
    diff = x1[..., :, None, :] - x2[..., None, :, :]
    a = diff * jax.lax.stop_gradient(jnp.sign(diff))  # |diff| with torch's gradient sign(diff), 0 at 0
    if p == 0:
        return jnp.sum(jax.lax.stop_gradient(a) != 0, -1).astype(x1.dtype)
    if p == 1:
        return jnp.sum(a, -1)
    if p == math.inf:
        # torch sends the full gradient to every coordinate attaining the max (jnp.max splits it)
        dist = jax.lax.stop_gradient(jnp.max(a, -1, initial=0))
        return dist + jnp.sum(jnp.where(a == dist[..., None], a - jax.lax.stop_gradient(a), 0), -1)
    # |d|^p and s^(1/p) with zero gradient where d == 0 or the distance is 0 (torch's convention)
    nz = a != 0
    ap = jnp.where(nz, jnp.where(nz, a, 1) ** p, 0) if p != 2 else diff * diff
    s = jnp.sum(ap, -1)
    pos = s > 0
    return jnp.where(pos, jnp.where(pos, s, 1) ** (1 / p), 0)


# ------------------------------------------------------------------ copies of views, resizing
def _narrow_copy_pre(input, dim, start, length):
    if input.dim() and dim >= input.dim():  # torch's own wording for this one case
        raise RuntimeError("Expected dim < static_cast<int64_t>(self_sizes.size()) to be true, but got false.")
    return _narrow_pre(input, dim, start, length)


@op("narrow_copy(Tensor input, int dim, int start, int length) -> Tensor", saves="none", pre=_narrow_copy_pre)
def narrow_copy(x, dim, start, length):
    return jax.lax.slice_in_dim(x, start, start + length, axis=dim)


def _sizes(sizes: tuple) -> tuple:
    if len(sizes) == 1 and isinstance(sizes[0], (builtins.list, builtins.tuple)):
        sizes = builtins.tuple(sizes[0])
    out = builtins.tuple(builtins.int(s) for s in sizes)
    for s in out:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(out)}")
    return out


@tensor_method()
def resize_(self: Tensor, *sizes, memory_format=None) -> Tensor:
    """Shrinking keeps the storage (views stay aliased, as in torch). Growing a base gives it a new,
    zero-filled storage that earlier views no longer share; growing a view past its base's storage
    is not supported."""
    size = _sizes(sizes)
    if self.requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    if size == builtins.tuple(self.shape):
        return self
    n = math.prod(size)
    if n == self.numel() and self.is_contiguous():
        return inplace_view(self, _unsafe_view, size)
    root = self if self._base is None else self._base
    off = self.storage_offset()
    if off + n <= root.numel():
        return inplace_view(self, as_strided, size, _contiguous_strides(size), off)
    if self._base is not None and getattr(self._base, "_owner", None) is not self:
        raise NotImplementedError("resize_(): growing a view beyond its base's storage is not supported")
    self._check_inplace()
    flat = root._value.reshape(-1)[off:]
    new = jnp.concatenate([flat, jnp.zeros((n - flat.shape[0],), flat.dtype)]).reshape(size)
    if self._base is not None:  # x owned the storage it was a view of (an earlier t_(), resize_()...)
        self._sv = root._sv  # above what views of x taken before saw: they re-read (and keep the old storage)
        self._base, self._vchain, self._vidx, self._node, self._nr = None, (), None, None, 0
    self._v = new
    self._sid += 1  # a new storage: earlier views keep the old one
    self._sv += 1
    self._bump()
    return self


@tensor_method()
def resize_as_(self: Tensor, the_template: Tensor, *, memory_format=None) -> Tensor:
    return resize_(self, builtins.tuple(the_template.shape))


FUNCTIONS["resize_as_"] = resize_as_

__all__ = exported(__name__)
