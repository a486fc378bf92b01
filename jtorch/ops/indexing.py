"""Python indexing (``x[idx]``, ``x[idx] = v``), index_put, and the data-dependent nonzero and
masked_select (gathers and scatters along a dim are in scatter.py).

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
from ..tensor import Tensor, _concrete
from ._registry import FUNCTIONS, exported, function, is_number, op, tensor_method

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
    if isinstance(x, (builtins.str, builtins.bytes)):
        raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
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


# ------------------------------------------------------------------ torch's indexing semantics
# torch applies ints (and 0-d integer tensors) as selects before the advanced indices, and a Python
# bool as a new dim indexed by [0] (True) or [] (False); numpy treats both as advanced indices, which
# moves the result dims differently (x[:, 0, :, [0, 1]] has shape (2, 4, 2) in torch, (2, 2, 4) in
# numpy). So an advanced index runs in two steps: the basic part, then the index arrays alone.

def _ellipsis_size(ndim: int, entries: tuple) -> int:
    return ndim - builtins.sum(1 for e in entries if e[0] in ("i", "s", "t"))


def _apply_index(x, entries: tuple, arrays: list):
    basic, adv, pos = [], [], 0
    for e in entries:
        tag = e[0]
        if tag == "i":
            basic.append(e[1])
        elif tag == "s":
            basic.append(slice(e[1], e[2], e[3]))
            pos += 1
        elif tag == "n":
            basic.append(None)
            pos += 1
        elif tag == "e":
            basic.append(Ellipsis)
            pos += _ellipsis_size(x.ndim, entries)
        elif tag == "b":
            basic.append(None)
            adv.append((pos, jnp.zeros((1 if e[1] else 0,), jnp.int64)))
            pos += 1
        else:
            a = arrays[e[1]]
            if a.ndim == 0:  # a traced 0-d index: a select, as torch
                basic.append(a)
            else:
                basic.append(slice(None))
                adv.append((pos, a))
                pos += 1
    y = x[builtins.tuple(basic)]
    if not adv:
        return y
    idx: list = [slice(None)] * y.ndim
    for p, a in adv:
        idx[p] = a
    return y[builtins.tuple(idx)]


def _result_shape(shape: tuple, entries: tuple, arrays: list) -> tuple:
    """The shape of ``x[index]`` (torch's rules), without computing it."""
    out: list = []
    adv: list = []
    dim = 0
    for e in entries:
        tag = e[0]
        if tag == "i":
            dim += 1
        elif tag == "s":
            out.append(len(builtins.range(*slice(e[1], e[2], e[3]).indices(shape[dim]))))
            dim += 1
        elif tag == "n":
            out.append(1)
        elif tag == "e":
            k = _ellipsis_size(len(shape), entries)
            out.extend(shape[dim:dim + k])
            dim += k
        elif tag == "b":
            adv.append((len(out), (1 if e[1] else 0,)))
            out.append(1)
        else:
            a = arrays[e[1]]
            if a.dim():
                adv.append((len(out), builtins.tuple(a.shape)))
                out.append(shape[dim])
            dim += 1
    out.extend(shape[dim:])
    if not adv:
        return builtins.tuple(out)
    from .shape import broadcast_shapes
    try:
        b = builtins.list(broadcast_shapes(*(s for _, s in adv)))
    except RuntimeError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes " +
                         " ".join(str(list(s)) for _, s in adv)) from None
    ps = [p for p, _ in adv]
    if ps == builtins.list(builtins.range(ps[0], ps[0] + len(ps))):
        return builtins.tuple(out[:ps[0]] + b + out[ps[-1] + 1:])
    return builtins.tuple(b + [n for k, n in enumerate(out) if k not in ps])


def _numpy_compatible(entries: tuple, arrays: list) -> bool:
    """numpy's and torch's rules agree: x.at[index] can be used directly."""
    tags = {e[0] for e in entries}
    if "b" in tags or builtins.any(e[0] == "t" and arrays[e[1]].ndim == 0 for e in entries):
        return False
    return "i" not in tags or "t" not in tags


# ------------------------------------------------------------------ x[idx]
@op("_index_basic(Tensor input, Any index) -> Tensor", view=True, saves="none", out=False, function=False,
    method=False, node_name="SliceBackward0")
def _index_basic(x, index):
    return x[_rebuild(index, [])]


@op("_index_advanced(Tensor input, Any index, Tensor[] indices) -> Tensor", out=False, function=False,
    method=False, node_name="IndexBackward0", saves="none")
def _index_advanced(x, index, indices):
    return _apply_index(x, index, indices)


def _mask_to_indices(a: Tensor) -> list:
    """A boolean mask becomes integer index arrays (data-dependent: needs concrete values)."""
    v = _concrete(a, "indexing with a boolean mask (the result's size depends on the data)")
    from .creation import tensor
    return [tensor(i, dtype=_dtype.int64, device=a.device) for i in np.nonzero(np.asarray(v))]


def _expand_masks(entries: tuple, arrays: list) -> tuple[tuple, list]:
    new_entries, new_arrays = [], []
    for e in entries:
        if e[0] == "t":
            a = arrays[e[1]]
            if a.dtype is _dtype.bool and a.dim() == 0:  # x[tensor(True)] adds a dim, as x[True]
                new_entries.append(("b", builtins.bool(_concrete(a, "indexing with a 0-d boolean tensor"))))
                continue
            for idx in (_mask_to_indices(a) if a.dtype is _dtype.bool else [a]):
                new_entries.append(("t", len(new_arrays)))
                new_arrays.append(idx)
        else:
            new_entries.append(e)
    return builtins.tuple(new_entries), new_arrays


def _as_tuple(index: Any) -> Any:
    """torch's (and numpy's) rule for a list index: a short list holding a sequence, slice, None,
    Ellipsis or tensor is a tuple of indices; otherwise it is one index tensor."""
    if isinstance(index, builtins.list) and len(index) < 32 and builtins.any(
            x is None or x is Ellipsis or isinstance(x, (builtins.list, builtins.tuple, slice, Tensor))
            for x in index):
        return builtins.tuple(index)
    return index


def getitem(self: Tensor, index: Any) -> Tensor:
    index = _as_tuple(index)
    if self.dim() == 0 and index is not None and index is not Ellipsis and not (
            isinstance(index, builtins.tuple) and builtins.all(i is None or i is Ellipsis for i in index)) \
            and not isinstance(index, (Tensor, builtins.bool)):
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
                         "C++ to convert a 0-dim tensor to a number")
    entries, arrays, advanced = _parse(self, index)
    if not advanced:
        return _index_basic(self, entries)
    entries, arrays = _expand_masks(entries, arrays)
    _result_shape(builtins.tuple(self.shape), entries, arrays)  # index arrays that do not broadcast
    return _index_advanced(self, entries, arrays)


Tensor.__getitem__ = getitem  # type: ignore[assignment]


# ------------------------------------------------------------------ x[idx] = v
@op("_index_put(Tensor input, Any index, Tensor[] indices, Tensor|Scalar values, bool accumulate=False) -> Tensor",
    out=False, function=False, method=False, node_name="IndexPutBackward0", saves="none")
def _index_put(x, index, indices, values, accumulate=False):
    from .scatter import _set_at
    values = values.astype(x.dtype)
    if _numpy_compatible(index, indices):
        idx = _rebuild(index, indices)
        if not accumulate:  # only index arrays can repeat a position
            return _set_at(x, idx, values) if indices else x.at[idx].set(values)
        return x.at[idx].max(values) if x.dtype == jnp.bool_ else x.at[idx].add(values)
    # scatter at the flat positions torch's rules select
    pos = _apply_index(jnp.arange(x.size).reshape(x.shape), index, indices)
    upd = jnp.broadcast_to(values, pos.shape).reshape(-1)
    pos = pos.reshape(-1)
    flat = x.reshape(-1)
    if not accumulate:
        return _set_at(flat, pos, upd).reshape(x.shape)
    return (flat.at[pos].max(upd) if x.dtype == jnp.bool_ else flat.at[pos].add(upd)).reshape(x.shape)


@op("_mask_fill(Tensor input, Tensor mask, Tensor|Scalar value) -> Tensor", function=False, method=False,
    node_name="MaskedFillBackward0", out=False, saves="none")
def _mask_fill(x, mask, value):
    return jnp.where(mask, value.astype(x.dtype), x)


def _where_mask(t: Tensor, index: Any) -> Tensor | None:
    """For ``x[..., mask, ...] = scalar`` (full slices around one boolean mask): the mask shaped to
    broadcast against x, so the write is a ``where`` and needs no concrete values; else None."""
    index = index if isinstance(index, builtins.tuple) else (index,)
    masks = [k for k, i in enumerate(index) if isinstance(i, Tensor) and i.dtype is _dtype.bool and i.dim() > 0]
    full = builtins.all(i is Ellipsis or (isinstance(i, slice) and i == slice(None)) for k, i in enumerate(index)
                        if k not in masks)
    if len(masks) != 1 or not full or builtins.sum(1 for i in index if i is Ellipsis) > 1:
        return None
    k = masks[0]
    mask = index[k]
    # dims before the mask: the slices before it, or (an Ellipsis before it) all but the mask's and the rest
    lead = t.dim() - mask.dim() - (len(index) - k - 1) if Ellipsis in index[:k] else k
    trail = t.dim() - lead - mask.dim()
    if lead < 0 or trail < 0:
        return None
    shape = builtins.tuple(t.shape)
    for j, n in enumerate(mask.shape):
        if shape[lead + j] != n:
            raise IndexError(f"The shape of the mask {list(mask.shape)} at index {j} does not match the shape of "
                             f"the indexed tensor {list(shape)} at index {lead + j}")
    return mask.reshape(builtins.tuple(mask.shape) + (1,) * trail)


def _fit_value(value: Any, rshape: tuple) -> Any:
    """torch's setitem broadcasting: leading 1-dims of the value are dropped, the rest broadcasts."""
    if not isinstance(value, Tensor):
        return value
    vshape = builtins.tuple(value.shape)
    s = vshape
    while len(s) > len(rshape) and s[0] == 1:
        s = s[1:]
    ok = len(s) <= len(rshape) and builtins.all(a == 1 or a == b for a, b in zip(s[::-1], rshape[::-1]))
    if not ok:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(vshape)} cannot be broadcast to indexing "
                           f"result of shape {list(rshape)}")
    return value.reshape(s) if s != vshape else value


def _put(self: Tensor, index: Any, value: Any, accumulate: bool) -> Tensor:
    entries, arrays, advanced = _parse(self, index)
    if advanced:
        entries, arrays = _expand_masks(entries, arrays)
    value = _fit_value(value, _result_shape(builtins.tuple(self.shape), entries, arrays))
    return _index_put(self, entries, arrays, value, accumulate)


def setitem(self: Tensor, index: Any, value: Any) -> None:
    if isinstance(value, (builtins.list, builtins.tuple)):
        raise TypeError(f"can't assign a {type(value).__name__} to a {self.type()}")
    if not isinstance(value, Tensor) and not is_number(value):
        from .creation import tensor
        value = tensor(value, dtype=self.dtype)
    if isinstance(value, Tensor) and value.device != self.device and value.dim() > 0 \
            and not isinstance(value._value, jax.core.Tracer):
        value = value.to(self.device)
    index = _as_tuple(index)
    self._check_inplace()
    if is_number(value) or value.dim() == 0:
        mask = _where_mask(self, index)
        if mask is not None:
            self._commit(_mask_fill(self, mask, value))
            return
    self._commit(_put(self, index, value, False))


Tensor.__setitem__ = setitem  # type: ignore[assignment]


def _index_put_args(self: Tensor, indices: Any, values: Any) -> tuple:
    if isinstance(indices, Tensor) or not isinstance(indices, (builtins.list, builtins.tuple)):
        raise TypeError(f"index_put(): argument 'indices' (position 1) must be tuple of Tensors, not "
                        f"{type(indices).__name__}")
    for k, i in enumerate(indices):
        if not isinstance(i, Tensor):
            raise TypeError(f"expected Tensor as element {k} in argument 0, but got {type(i).__name__}")
    if not isinstance(values, Tensor):
        raise TypeError(f"index_put(): argument 'values' (position 2) must be Tensor, not {type(values).__name__}")
    if values.dtype != self.dtype:
        from ._registry import _type_name
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{_type_name(self.dtype)} for the destination and {_type_name(values.dtype)} for the "
                           f"source.")
    if len(indices) > self.dim():
        raise IndexError(f"too many indices for tensor of dimension {self.dim()} (got {len(indices)})")
    return builtins.tuple(indices), values


@function
def index_put(input: Tensor, indices: Any, values: Tensor, accumulate: bool = False) -> Tensor:
    index, values = _index_put_args(input, indices, values)
    return _put(input, index, values, accumulate)


Tensor.index_put = index_put  # type: ignore[attr-defined]


@tensor_method()
def index_put_(self: Tensor, indices: Any, values: Tensor, accumulate: bool = False) -> Tensor:
    index, values = _index_put_args(self, indices, values)
    self._check_inplace()
    return self._commit(_put(self, index, values, accumulate))


FUNCTIONS["index_put_"] = index_put_


# ------------------------------------------------------------------ data-dependent: nonzero, masked_select
@function
def nonzero(input: Tensor, *, out=None, as_tuple: bool = False):
    v = np.asarray(_concrete(input, "torch.nonzero (its output shape depends on the data)"))
    from .creation import tensor
    if as_tuple:
        if v.ndim == 0:
            return (tensor(np.nonzero(v.reshape(1))[0], dtype=_dtype.int64, device=input.device),)
        return builtins.tuple(tensor(i, dtype=_dtype.int64, device=input.device) for i in np.nonzero(v))
    res = tensor(np.argwhere(v) if v.ndim else np.zeros((builtins.int(v != 0), 0)), dtype=_dtype.int64,
                 device=input.device)
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
    from .scatter import _broadcast
    from .views import flatten
    shape = _broadcast(builtins.tuple(input.shape), builtins.tuple(mask.shape))
    x = input.expand(shape) if builtins.tuple(input.shape) != shape else input
    m = mask.expand(shape) if builtins.tuple(mask.shape) != shape else mask
    res = flatten(x)[flatten(m)]
    if out is not None:
        out.data = res
        return out
    return res


Tensor.masked_select = masked_select  # type: ignore[attr-defined]


__all__ = exported(__name__)
