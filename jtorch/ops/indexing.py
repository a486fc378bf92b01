"""Python indexing (``x[idx]``, ``x[idx] = v``) and the index ops: gather, scatter, index_select,
masked_fill, masked_select, nonzero, take ...

Basic indices (ints, slices, None, Ellipsis) give views; integer-tensor and boolean-mask indices give
copies, as in torch. A boolean mask selects a data-dependent number of elements, so reading through
one needs concrete values; writing a scalar through a mask (``x[x < 0] = 0``) is a ``where`` and
also works under jax.jit.
"""
from __future__ import annotations

import builtins
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from ..tensor import Tensor, _concrete, _wrap_dim
from ._registry import exported, function, is_number, op, tensor_method

# ------------------------------------------------------------------ index parsing
# A parsed index is a tuple of entries, hashable so it can be a static kernel argument:
#   ("i", k)  int     ("s", start, stop, step)  slice     ("n",) None     ("e",) Ellipsis
#   ("t", j)  the j-th integer index array (dynamic)      ("b", flag)  Python bool


def _is_int(x: Any) -> bool:
    return isinstance(x, (builtins.int, np.integer)) and not isinstance(x, (builtins.bool, np.bool_))


def _parse(t: Tensor, index: Any) -> tuple[tuple, list, bool]:
    """(entries, index tensors, has_advanced)."""
    if not isinstance(index, builtins.tuple):
        index = (index,)
    shape = builtins.tuple(t.shape)
    entries: list = []
    arrays: list = []
    advanced = False
    # how many dims the index consumes (for Ellipsis and bounds)
    consumed = 0
    for x in index:
        if x is None or x is Ellipsis or isinstance(x, (builtins.bool, np.bool_)):
            continue
        if isinstance(x, Tensor) and x.dtype in (_dtype.bool, _dtype.uint8):
            consumed += max(x.dim(), 1) if x.dim() else 0
        elif isinstance(x, np.ndarray) and x.dtype == np.bool_:
            consumed += max(x.ndim, 1) if x.ndim else 0
        else:
            consumed += 1
    if consumed > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    if builtins.sum(1 for x in index if x is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    dim = 0
    for x in index:
        if x is None:
            entries.append(("n",))
        elif x is Ellipsis:
            entries.append(("e",))
            dim += len(shape) - consumed
        elif isinstance(x, (builtins.bool, np.bool_)):
            entries.append(("b", builtins.bool(x)))
            advanced = True
        elif _is_int(x) or (isinstance(x, Tensor) and x.dim() == 0 and x.dtype.is_integer
                            and not isinstance(x._value, jax.core.Tracer)):
            k = builtins.int(x)
            n = shape[dim]
            if not -n <= k < n:
                raise IndexError(f"index {k} is out of bounds for dimension {dim} with size {n}")
            entries.append(("i", k % n))
            dim += 1
        elif isinstance(x, slice):
            start, stop, step = (_slice_part(x.start), _slice_part(x.stop), _slice_part(x.step))
            if step is not None and step <= 0:
                raise ValueError("step must be greater than zero")
            entries.append(("s", start, stop, step))
            dim += 1
        else:
            arr = _index_tensor(x)
            advanced = True
            if arr.dtype is _dtype.bool or arr.dtype is _dtype.uint8:
                arr = arr.bool() if arr.dtype is _dtype.uint8 else arr
                for k, n in enumerate(arr.shape):
                    if dim + k < len(shape) and shape[dim + k] != n:
                        raise IndexError(f"The shape of the mask {list(arr.shape)} at index {k} does not match "
                                         f"the shape of the indexed tensor {list(shape)} at index {dim + k}")
                dim += max(arr.dim(), 0)
            else:
                if not arr.dtype.is_integer:
                    raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
                _check_bounds(arr, shape[dim], dim)
                dim += 1
            entries.append(("t", len(arrays)))
            arrays.append(arr)
    return builtins.tuple(entries), arrays, advanced


def _slice_part(v: Any) -> int | None:
    if v is None:
        return None
    if isinstance(v, Tensor):
        return builtins.int(v)
    if not _is_int(v):
        raise TypeError("slice indices must be integers or None or have an __index__ method")
    return builtins.int(v)


def _index_tensor(x: Any) -> Tensor:
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (builtins.list, builtins.tuple, np.ndarray)):
        from .creation import tensor
        t = tensor(x)
        if t.dtype.is_floating_point and t.numel() == 0:
            return t.long()
        return t
    raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
                     "indices (got " + type(x).__name__ + ")")


def _check_bounds(arr: Tensor, n: int, dim: int) -> None:
    v = arr._value
    if isinstance(v, jax.core.Tracer) or v.size == 0:
        return  # under tracing, out-of-range indices follow jax (clamped reads, dropped writes)
    a = np.asarray(v)
    lo, hi = a.min(), a.max()
    if hi >= n or lo < -n:
        bad = hi if hi >= n else lo
        raise IndexError(f"index {bad} is out of bounds for dimension {dim} with size {n}")


def _rebuild(entries: tuple, arrays: list) -> tuple:
    out = []
    for e in entries:
        tag = e[0]
        if tag == "i":
            out.append(e[1])
        elif tag == "s":
            out.append(slice(e[1], e[2], e[3]))
        elif tag == "n":
            out.append(None)
        elif tag == "e":
            out.append(Ellipsis)
        elif tag == "b":
            out.append(e[1])
        else:
            out.append(arrays[e[1]])
    return builtins.tuple(out)


# ------------------------------------------------------------------ x[idx]
@op("_index_basic(Tensor input, Any index) -> Tensor", view=True, saves="none", out=False, function=False,
    method=False, node_name="SliceBackward0")
def _index_basic(x, index):
    return x[_rebuild(index, [])]


@op("_index_advanced(Tensor input, Any index, Tensor[] indices) -> Tensor", out=False, function=False,
    method=False, node_name="IndexBackward0", saves="none")
def _index_advanced(x, index, indices):
    return x[_rebuild(index, indices)]


def _mask_to_indices(arrays: list) -> list:
    """Boolean masks become integer index arrays (data-dependent: needs concrete values)."""
    out = []
    for a in arrays:
        if a.dtype is _dtype.bool:
            v = _concrete(a, "indexing with a boolean mask")
            nz = np.nonzero(np.asarray(v))
            from .creation import tensor
            out.extend(tensor(i, dtype=_dtype.int64, device=a.device) for i in nz)
        else:
            out.append(a)
    return out


def _expand_masks(entries: tuple, arrays: list) -> tuple[tuple, list]:
    new_entries, new_arrays = [], []
    for e in entries:
        if e[0] == "t":
            a = arrays[e[1]]
            if a.dtype is _dtype.bool:
                for idx in _mask_to_indices([a]):
                    new_entries.append(("t", len(new_arrays)))
                    new_arrays.append(idx)
                if a.dim() == 0:  # x[tensor(True)] adds a dim like None; x[tensor(False)] selects nothing
                    new_entries.pop()
                    new_arrays.pop()
                    new_entries.append(("b", builtins.bool(a)))
                continue
            new_entries.append(("t", len(new_arrays)))
            new_arrays.append(a)
        else:
            new_entries.append(e)
    return builtins.tuple(new_entries), new_arrays


def getitem(self: Tensor, index: Any) -> Tensor:
    if self.dim() == 0 and index is not None and index is not Ellipsis and not (
            isinstance(index, builtins.tuple) and builtins.all(i is None or i is Ellipsis for i in index)) \
            and not isinstance(index, (Tensor, builtins.bool)):
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
                         "C++ to convert a 0-dim tensor to a number")
    entries, arrays, advanced = _parse(self, index)
    if not advanced:
        return _index_basic(self, entries)
    entries, arrays = _expand_masks(entries, arrays)
    return _index_advanced(self, entries, arrays)


Tensor.__getitem__ = getitem  # type: ignore[assignment]


# ------------------------------------------------------------------ x[idx] = v
@op("_index_put(Tensor input, Any index, Tensor[] indices, Tensor|Scalar values, bool accumulate=False) -> Tensor",
    out=False, function=False, method=False, node_name="IndexPutBackward0", saves="none")
def _index_put(x, index, indices, values, accumulate=False):
    idx = _rebuild(index, indices)
    values = values.astype(x.dtype)
    return x.at[idx].add(values) if accumulate else x.at[idx].set(values)


@op("_mask_fill(Tensor input, Tensor mask, Tensor|Scalar value) -> Tensor", function=False, method=False,
    node_name="MaskedFillBackward0", out=False, saves="none")
def _mask_fill(x, mask, value):
    return jnp.where(mask, value.astype(x.dtype), x)


def setitem(self: Tensor, index: Any, value: Any) -> None:
    if not isinstance(value, Tensor) and not is_number(value):
        from .creation import tensor
        value = tensor(value, dtype=self.dtype)
    if isinstance(value, Tensor) and value.device != self.device and value.dim() > 0 \
            and not isinstance(value._value, jax.core.Tracer):
        value = value.to(self.device)
    self._check_inplace()
    # x[mask] = scalar (the mask spanning the leading dims) is a where: no data-dependent shapes
    if isinstance(index, Tensor) and index.dtype is _dtype.bool and index.dim() > 0 and (
            is_number(value) or value.dim() == 0):
        shape = builtins.tuple(self.shape)
        if builtins.tuple(index.shape) != shape[:index.dim()]:
            raise IndexError(f"The shape of the mask {list(index.shape)} at index 0 does not match the shape of "
                             f"the indexed tensor {list(shape)} at index 0")
        mask = index.reshape(builtins.tuple(index.shape) + (1,) * (self.dim() - index.dim()))
        self._commit(_mask_fill(self, mask, value))
        return
    entries, arrays, advanced = _parse(self, index)
    if advanced:
        entries, arrays = _expand_masks(entries, arrays)
    result = _index_put(self, entries, arrays, value)
    self._commit(result)


Tensor.__setitem__ = setitem  # type: ignore[assignment]


# ------------------------------------------------------------------ index ops
def _index_select_pre(input, dim, index):
    d = _wrap_dim(dim, input.dim())
    if index.dim() > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if not index.dtype.is_integer:
        raise IndexError("index_select(): Expected dtype int32/int64 for index")
    _check_bounds(index, input.shape[d] if input.dim() else 1, d)
    return input, d, index


@op("index_select(Tensor input, int dim, Tensor index) -> Tensor", pre=_index_select_pre, saves="none")
def index_select(x, dim, index):
    if x.ndim == 0:
        return x
    return jnp.take(x, index.reshape(-1), axis=dim)


def _gather_pre(input, dim, index, sparse_grad=False):
    d = _wrap_dim(dim, input.dim())
    if index.dtype is not _dtype.int64:
        raise RuntimeError("gather(): Expected dtype int64 for index")
    if index.dim() != input.dim() and not (index.dim() <= 1 and input.dim() <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    for k in builtins.range(index.dim()):
        if k != d and index.shape[k] > input.shape[k]:
            raise RuntimeError(f"Size does not match at dimension {k} expected index {list(index.shape)} to be "
                               f"smaller than self {list(input.shape)} apart from dimension {d}")
    _check_bounds(index, input.shape[d] if input.dim() else 1, d)
    return input, d, index, sparse_grad


def _along(x, dim, index):
    """The index arrays selecting x[..., index[...], ...] along ``dim`` (index may be smaller than x)."""
    grids = jnp.meshgrid(*[jnp.arange(n) for n in index.shape], indexing="ij", sparse=True)
    grids[dim] = index
    return builtins.tuple(grids)


@op("gather(Tensor input, int dim, Tensor index, *, bool sparse_grad=False) -> Tensor", pre=_gather_pre,
    saves="none")
def gather(x, dim, index, *, sparse_grad=False):
    if x.ndim == 0:
        return x.reshape(index.shape)
    return x[_along(x, dim, index)]


def _scatter_pre(input, dim, index, src=None, value=None, reduce=None):
    d = _wrap_dim(dim, input.dim())
    if index.dtype is not _dtype.int64:
        raise RuntimeError("scatter(): Expected dtype int64 for index")
    if reduce not in (None, "add", "multiply"):
        raise RuntimeError(f"reduce argument must be either add or multiply, got {reduce}")
    _check_bounds(index, input.shape[d] if input.dim() else 1, d)
    return input, d, index, src, value, reduce


@op("_scatter(Tensor input, int dim, Tensor index, Tensor? src=None, Scalar? value=None, str? reduce=None) "
    "-> Tensor", inplace=True, function=False, method=False, node_name="ScatterBackward0", pre=_scatter_pre,
    saves="none")
def _scatter(x, dim, index, src=None, value=None, reduce=None):
    if x.ndim == 0:  # torch treats a 0-dim tensor as one element along dim 0
        x0 = x
        x, index, src = x.reshape(1), index.reshape(-1), None if src is None else src.reshape(-1)
        return _scatter_1d(x, dim, index, src, value, reduce).reshape(x0.shape)
    return _scatter_1d(x, dim, index, src, value, reduce)


def _scatter_1d(x, dim, index, src, value, reduce):
    idx = _along(x, dim, index)
    upd = (src[builtins.tuple(slice(0, n) for n in index.shape)] if src is not None
           else jnp.asarray(value)).astype(x.dtype)
    if reduce == "add":
        return x.at[idx].add(upd)
    if reduce == "multiply":
        return x.at[idx].multiply(upd)
    return x.at[idx].set(upd)


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


def _masked_fill_pre(input, mask, value):
    if mask.dtype is not _dtype.bool:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {mask.dtype}")
    if isinstance(value, Tensor) and value.dim() != 0:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.dim()} dimension(s).")
    return input, mask, value


@op("masked_fill(Tensor input, Tensor mask, Tensor|Scalar value) -> Tensor", inplace=True, pre=_masked_fill_pre,
    saves="none", out=False)
def masked_fill(x, mask, value):
    return jnp.where(mask, value.astype(x.dtype), x)


@function
def nonzero(input: Tensor, *, out=None, as_tuple: bool = False):
    v = np.asarray(_concrete(input, "torch.nonzero (its output shape depends on the data)"))
    from .creation import tensor
    if as_tuple:
        if v.ndim == 0:
            return (tensor(np.nonzero(v.reshape(1))[0], dtype=_dtype.int64, device=input.device),)
        return builtins.tuple(tensor(i, dtype=_dtype.int64, device=input.device) for i in np.nonzero(v))
    res = tensor(np.argwhere(v).reshape(-1, v.ndim), dtype=_dtype.int64, device=input.device)
    if out is not None:
        out.data = res
        return out
    return res


Tensor.nonzero = nonzero  # type: ignore[attr-defined]


@function
def argwhere(input: Tensor) -> Tensor:
    return nonzero(input)


Tensor.argwhere = argwhere  # type: ignore[attr-defined]


@function
def masked_select(input: Tensor, mask: Tensor, *, out=None) -> Tensor:
    if mask.dtype is not _dtype.bool:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    from .views import flatten
    shape = jnp.broadcast_shapes(builtins.tuple(input.shape), builtins.tuple(mask.shape))
    x = input.expand(shape) if builtins.tuple(input.shape) != shape else input
    m = mask.expand(shape) if builtins.tuple(mask.shape) != shape else mask
    res = flatten(x)[flatten(m)]
    if out is not None:
        out.data = res
        return out
    return res


Tensor.masked_select = masked_select  # type: ignore[attr-defined]


def _take_pre(input, index):
    _check_bounds(index, input.numel(), 0)
    return input, index


@op("take(Tensor input, Tensor index) -> Tensor", pre=_take_pre, saves="none")
def take(x, index):
    return x.reshape(-1)[index]


@op("take_along_dim(Tensor input, Tensor indices, int? dim=None) -> Tensor", saves="none")
def take_along_dim(x, indices, dim=None):
    if dim is None:
        return x.reshape(-1)[indices.reshape(-1)]
    shape = jnp.broadcast_shapes(x.shape[:dim] + (1,) + x.shape[dim + 1:],
                                 indices.shape[:dim] + (1,) + indices.shape[dim + 1:])
    xi = jnp.broadcast_to(x, shape[:dim] + (x.shape[dim],) + shape[dim + 1:])
    ii = jnp.broadcast_to(indices, shape[:dim] + (indices.shape[dim],) + shape[dim + 1:])
    return jnp.take_along_axis(xi, ii, axis=dim)


__all__ = exported(__name__)
