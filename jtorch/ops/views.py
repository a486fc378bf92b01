"""View ops, and how views share their base's storage.

A view remembers its root base and the chain of view steps that derives it from the base. Reading
a view of a base that was written since re-runs the chain; writing to a view scatters the new values
into the base (``_write_through``) at the flat positions the chain selects, on the tape when
gradients are involved (torch's CopySlices).
"""
from __future__ import annotations

import builtins
import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._kernel import Kernel, run
from ..autograd.grad_mode import STATE
from ..tensor import Tensor, _contiguous_strides, _no_record, _wrap_dim
from ._registry import exported, function, op, tensor_method


# ------------------------------------------------------------------ view bookkeeping
def _step_of(o, args: tuple, i: int | None) -> tuple:
    """(op, static args) that re-derives this output from the op's input."""
    if o.view is True:
        return o, tuple(args[1:])
    return o.view(i, args)  # multi-output views give each output its own step


def mark_view(o, result: Any, args: tuple, layout: tuple) -> None:
    src = args[0]
    root = src if src._base is None else src._base
    vc = src._version_cell()
    outs = result if isinstance(result, tuple) else (result,)
    for i, t in enumerate(outs):
        step = _step_of(o, args, i if isinstance(result, tuple) else None)
        t._base = root
        t._vchain = src._vchain + (step,)
        t._vc = vc
        t._seen = root._sv
        t._sid = root._sid


def _is_detached(t: Tensor) -> bool:
    return builtins.any(o.detaches for o, _ in t._vchain)


_overlap_checked: dict = {}


def _scatter(base, idx, value):
    return base.reshape(-1).at[idx.reshape(-1)].set(value.reshape(-1).astype(base.dtype)).reshape(base.shape)


def _replace(base, value):
    return value.astype(base.dtype).reshape(base.shape)


_SCATTER = Kernel("copy_slices", _scatter, saves="none", node_name="torch::autograd::CopySlices")
_REPLACE = Kernel("copy_slices", _replace, saves="none", node_name="torch::autograd::CopySlices")


def _scatter_part(part: str):
    """Scatter into the real or imaginary part of complex elements (views made by real/imag)."""
    def scatter(base, idx, value):
        flat, i = base.reshape(-1), idx.reshape(-1)
        old = flat[i]
        v = value.reshape(-1).astype(old.real.dtype)
        new = jax.lax.complex(v, old.imag) if part == "real" else jax.lax.complex(old.real, v)
        return flat.at[i].set(new).reshape(base.shape)
    return Kernel("copy_slices", scatter, saves="none", node_name="torch::autograd::CopySlices")


_SCATTER_PART = {"real": _scatter_part("real"), "imag": _scatter_part("imag")}


def _write_through(view: Tensor, out: Tensor) -> None:
    """Write ``out`` (the view's new value) into the view's base."""
    base = view._base
    base_v = base._value
    if view._is_flat_alias():
        kernel, tensors, vals = _REPLACE, (base, out), (base_v, out._v)
    else:
        idx = view._view_index()
        if id(idx) not in _overlap_checked:
            if np.unique(idx).size != idx.size:
                raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers "
                                   "to a single memory location. Please clone() the tensor before performing "
                                   "the operation.")
            _overlap_checked[id(idx)] = True
            if len(_overlap_checked) > 10000:
                _overlap_checked.clear()
        part = next((o.component for o, _ in view._vchain if getattr(o, "component", None)), None)
        kernel, tensors, vals = _SCATTER_PART[part] if part else _SCATTER, (base, None, out), (base_v, idx, out._v)
    if _is_detached(view):
        with _no_record():
            new = run(kernel, tensors, vals)
        base._v = new._v  # .data / detach() writes are invisible to autograd
    else:
        new = run(kernel, tensors, vals)
        base._v = new._v
        if new._node is not None or STATE.grad:  # under no_grad the base keeps its history, as in torch
            base._node, base._nr = new._node, new._nr
    base._sv += 1


# ------------------------------------------------------------------ stride logic (torch's computeStride)
def _infer_size(shape: tuple, numel: int) -> tuple:
    shape = tuple(shape)
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for s in shape:
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s}")
    known = math.prod(s for s in shape if s != -1)
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = shape[:neg[0]] + (numel // known,) + shape[neg[0] + 1:]
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def _compute_stride(oldshape: tuple, oldstride: tuple, newshape: tuple) -> tuple | None:
    if not oldshape:
        return tuple(1 for _ in newshape)
    numel = math.prod(oldshape)
    if numel == 0:
        return _contiguous_strides(newshape)
    newstride = [0] * len(newshape)
    view_d = len(newshape) - 1
    chunk_base_stride = oldstride[-1]
    tensor_numel = view_numel = 1
    for tensor_d in range(len(oldshape) - 1, -1, -1):
        tensor_numel *= oldshape[tensor_d]
        if tensor_d == 0 or (oldshape[tensor_d - 1] != 1 and
                             oldstride[tensor_d - 1] != tensor_numel * chunk_base_stride):
            while view_d >= 0 and (view_numel < tensor_numel or newshape[view_d] == 1):
                newstride[view_d] = view_numel * chunk_base_stride
                view_numel *= newshape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if tensor_d > 0:
                chunk_base_stride = oldstride[tensor_d - 1]
                tensor_numel = view_numel = 1
    if view_d != -1:
        return None
    return tuple(newstride)


def _viewable(t: Tensor, shape: tuple) -> bool:
    if t._base is None or t.is_contiguous():
        return True
    return _compute_stride(tuple(t.shape), t.stride(), shape) is not None


# ------------------------------------------------------------------ the view ops
def _view_pre(input, size):
    if len(size) == 1 and isinstance(size[0], _dtype.dtype):
        raise NotImplementedError("Tensor.view(dtype) is not supported; use Tensor.to(dtype) for a converting copy")
    shape = _infer_size(tuple(size), input.numel())
    if not _viewable(input, shape):
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                           "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return input, shape


@op("view(Tensor input, int... size) -> Tensor", view=True, flat_alias=True, saves="none", function=False,
    pre=_view_pre, out=False)
def view(x, size):
    return x.reshape(size)


@op("_unsafe_view(Tensor input, int[] size) -> Tensor", view=True, flat_alias=True, saves="none", function=False,
    method=False, node_name="ViewBackward0", out=False)
def _unsafe_view(x, size):
    return x.reshape(size)


@op("_reshape_copy(Tensor input, int[] size) -> Tensor", saves="none", function=False, method=False,
    node_name="ReshapeAliasBackward0", out=False)
def _reshape_copy(x, size):
    return x.reshape(size)


@function
def reshape(input: Tensor, shape) -> Tensor:
    shape = _infer_size(tuple(shape) if not isinstance(shape, int) else (shape,), input.numel())
    if _viewable(input, shape):
        return _unsafe_view(input, shape)
    return _reshape_copy(input, shape)


@tensor_method("reshape")
def _reshape_method(self: Tensor, *shape) -> Tensor:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return reshape(self, shape)


@tensor_method()
def view_as(self: Tensor, other: Tensor) -> Tensor:
    return self.view(tuple(other.shape))


@tensor_method()
def reshape_as(self: Tensor, other: Tensor) -> Tensor:
    return reshape(self, tuple(other.shape))


@function
def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    nd = input.dim()
    if nd == 0:
        return reshape(input, (1,))
    s, e = _wrap_dim(start_dim, nd), _wrap_dim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shape = tuple(input.shape)
    return reshape(input, shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:])


Tensor.flatten = flatten  # type: ignore[attr-defined]


@function
def unflatten(input: Tensor, dim: int, sizes) -> Tensor:
    d = _wrap_dim(dim, input.dim())
    shape = tuple(input.shape)
    sizes = _infer_size(tuple(sizes), shape[d])
    return input.view(shape[:d] + sizes + shape[d + 1:])


Tensor.unflatten = unflatten  # type: ignore[attr-defined]


def _squeeze_dims(x, dim):
    if dim is None:
        return tuple(i for i, s in enumerate(x.shape) if s == 1)
    nd = max(x.ndim, 1)
    return tuple(d % nd for d in dim if x.ndim and x.shape[d % nd] == 1)


@op("squeeze(Tensor input, int[]? dim=None) -> Tensor", view=True, flat_alias=True, saves="none", out=False,
    pre=lambda input, dim=None: (input, None if dim is None else tuple(_wrap_dim(d, input.dim()) for d in
                                                                       ((dim,) if isinstance(dim, int) else dim))))
def squeeze(x, dim=None):
    return jnp.squeeze(x, _squeeze_dims(x, dim))


@op("unsqueeze(Tensor input, int dim) -> Tensor", view=True, flat_alias=True, saves="none", out=False,
    pre=lambda input, dim: (input, _wrap_dim(dim, input.dim() + 1)))
def unsqueeze(x, dim):
    return jnp.expand_dims(x, dim)


def _perm_pre(input, dims):
    nd = input.dim()
    if len(dims) != nd:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the length "
                           f"of the desired ordering of dimensions i.e. input.dim() = {nd} is not equal to "
                           f"len(dims) = {len(dims)}")
    dims = tuple(_wrap_dim(d, nd) for d in dims)
    if len(set(dims)) != nd:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return input, dims


@op("permute(Tensor input, int... dims) -> Tensor", view=True, saves="none", out=False, pre=_perm_pre)
def permute(x, dims):
    return jnp.transpose(x, dims)


@op("transpose(Tensor input, int dim0, int dim1) -> Tensor", view=True, saves="none", out=False,
    pre=lambda input, dim0, dim1: (input, _wrap_dim(dim0, input.dim()), _wrap_dim(dim1, input.dim())))
def transpose(x, dim0, dim1):
    return jnp.swapaxes(x, dim0, dim1) if x.ndim else x


def _t_pre(input):
    if input.dim() > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.dim()}D")
    return (input,)


@op("t(Tensor input) -> Tensor", view=True, saves="none", out=False, pre=_t_pre)
def t(x):
    return x.T


def _expand_pre(input, size):
    shape = tuple(input.shape)
    if len(size) < len(shape):
        raise RuntimeError(f"expand({input.type()}{{{list(shape)}}}, size={list(size)}): the number of sizes "
                           f"provided ({len(size)}) must be greater or equal to the number of dimensions in the "
                           f"tensor ({len(shape)})")
    lead = len(size) - len(shape)
    out = []
    for i, s in enumerate(size):
        old = shape[i - lead] if i >= lead else None
        if s == -1:
            if old is None:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                                   f"non-existing dimension {i}")
            s = old
        elif old is not None and old != 1 and old != s:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({old}) at "
                               f"non-singleton dimension {i}.  Target sizes: {list(size)}.  Tensor sizes: "
                               f"{list(shape)}")
        out.append(s)
    return input, tuple(out)


@op("expand(Tensor input, int... size) -> Tensor", view=True, saves="none", out=False, function=False,
    pre=_expand_pre)
def expand(x, size):
    return jnp.broadcast_to(x, size)


@tensor_method()
def expand_as(self: Tensor, other: Tensor) -> Tensor:
    return self.expand(tuple(other.shape))


def _narrow_pre(input, dim, start, length):
    if input.dim() == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, input.dim())
    n = input.shape[d]
    if isinstance(start, Tensor):
        start = int(start)
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
    start = start % n if start < 0 else start
    if start + length > n or length < 0:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return input, d, start, length


@op("narrow(Tensor input, int dim, int start, int length) -> Tensor", view=True, saves="none", out=False,
    pre=_narrow_pre)
def narrow(x, dim, start, length):
    return jnp.asarray(x)[(slice(None),) * dim + (slice(start, start + length),)]


def _select_pre(input, dim, index):
    if input.dim() == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, input.dim())
    n = input.shape[d]
    index = int(index)
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
                         f"dimension {d}")
    return input, d, index % n


@op("select(Tensor input, int dim, int index) -> Tensor", view=True, saves="none", out=False, pre=_select_pre)
def select(x, dim, index):
    return x[(slice(None),) * dim + (index,)]


def _unbind_step(i, args):
    return select._op, (args[1], i)


@op("unbind(Tensor input, int dim=0) -> Tensor[]", view=_unbind_step, saves="none", out=False,
    pre=lambda input, dim=0: (input, _wrap_dim(dim, input.dim())))
def unbind(x, dim):
    return tuple(x[(slice(None),) * dim + (i,)] for i in range(x.shape[dim]))


def _split_sizes(n: int, split_size) -> tuple:
    if isinstance(split_size, int):
        if split_size <= 0 and n:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
        if split_size == 0:
            return (0,)
        return tuple(min(split_size, n - s) for s in range(0, n, split_size)) or (0,)
    sizes = tuple(int(s) for s in split_size)
    if sum(sizes) != n:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                           f"dimension {0}), but got split_sizes={list(sizes)}")
    return sizes


def _narrow_step(i, args):
    input_, sizes, dim = args
    start = sum(sizes[:i])
    return narrow._op, (dim, start, sizes[i])


@op("_split(Tensor input, int[] sizes, int dim) -> Tensor[]", view=_narrow_step, saves="none", out=False,
    function=False, method=False, node_name="SplitWithSizesBackward0")
def _split(x, sizes, dim):
    outs, start = [], 0
    for s in sizes:
        outs.append(x[(slice(None),) * dim + (slice(start, start + s),)])
        start += s
    return tuple(outs)


@function
def split(tensor: Tensor, split_size_or_sections, dim: int = 0) -> tuple:
    d = _wrap_dim(dim, tensor.dim())
    return _split(tensor, _split_sizes(tensor.shape[d], split_size_or_sections), d)


@tensor_method("split")
def _split_method(self: Tensor, split_size, dim: int = 0) -> tuple:
    return split(self, split_size, dim)


@function
def split_with_sizes(input: Tensor, split_sizes, dim: int = 0) -> tuple:
    return split(input, list(split_sizes), dim)


Tensor.split_with_sizes = split_with_sizes  # type: ignore[attr-defined]


@function
def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    d = _wrap_dim(dim, input.dim())
    n = input.shape[d]
    return split(input, -(-n // chunks) if n else 0, d)


Tensor.chunk = chunk  # type: ignore[attr-defined]


@function
def tensor_split(input: Tensor, indices_or_sections, dim: int = 0) -> tuple:
    d = _wrap_dim(dim, input.dim())
    n = input.shape[d]
    if isinstance(indices_or_sections, int):
        k = indices_or_sections
        if k <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {k}")
        q, r = divmod(n, k)
        sizes = [q + 1] * r + [q] * (k - r)
    else:
        idx = [int(i) for i in indices_or_sections]
        bounds = [0] + [min(max(i if i >= 0 else i + n, 0), n) for i in idx] + [n]
        sizes = [max(b - a, 0) for a, b in zip(bounds[:-1], bounds[1:])]
        starts = bounds[:-1]
        return tuple(narrow(input, d, min(s, n), sz) for s, sz in zip(starts, sizes))
    return _split(input, tuple(sizes), d)


Tensor.tensor_split = tensor_split  # type: ignore[attr-defined]


def _diag_pre(input, offset=0, dim1=0, dim2=1):
    nd = input.dim()
    d1, d2 = _wrap_dim(dim1, nd), _wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return input, offset, d1, d2


@op("diagonal(Tensor input, int offset=0, int dim1=0, int dim2=1) -> Tensor", view=True, saves="none", out=False,
    pre=_diag_pre)
def diagonal(x, offset, dim1, dim2):
    return jnp.diagonal(x, offset, dim1, dim2)


@op("movedim(Tensor input, int[] source, int[] destination) -> Tensor", view=True, saves="none", out=False,
    pre=lambda input, source, destination: _movedim_pre(input, source, destination))
def movedim(x, source, destination):
    return jnp.moveaxis(x, source, destination)


def _movedim_pre(input, source, destination):
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} dims) should contain "
                           f"the same number of dims as destination ({list(dst)} dims)")
    nd = input.dim()
    ws, wd = tuple(_wrap_dim(d, nd) for d in src), tuple(_wrap_dim(d, nd) for d in dst)
    for name, given, wrapped in (("source", src, ws), ("destination", dst, wd)):
        if len(set(wrapped)) != len(wrapped):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(given)})")
    return input, ws, wd


def _unfold_pre(input, dimension, size, step):
    d = _wrap_dim(dimension, input.dim())
    n = input.shape[d] if input.dim() else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return input, d, size, step


@op("unfold(Tensor input, int dimension, int size, int step) -> Tensor", view=True, saves="none", out=False,
    function=False, pre=_unfold_pre)
def unfold(x, dimension, size, step):
    if x.ndim == 0:
        return x.reshape(1)
    n = (x.shape[dimension] - size) // step + 1
    idx = np.arange(n)[:, None] * step + np.arange(size)[None, :]
    moved = jnp.moveaxis(x, dimension, -1)[..., idx]  # (..., n, size)
    return jnp.moveaxis(moved, -2, dimension)


def _strided_positions(size: tuple, stride: tuple, offset: int) -> np.ndarray:
    return offset + sum(np.arange(n).reshape((-1,) + (1,) * (len(size) - i - 1)) * s
                        for i, (n, s) in enumerate(zip(size, stride))) * np.ones(size, np.int64)


@function
def as_strided(input: Tensor, size, stride, storage_offset: int | None = None) -> Tensor:
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got strides: "
                           f"{list(stride)}")
    if any(n < 0 for n in size):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(size)}: {list(size)}")
    off = input.storage_offset() if storage_offset is None else int(storage_offset)
    if off < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {off}")
    # strides count elements of the storage, which is the root base's value in row-major order
    src, outside = input, None
    if input._base is not None:
        src = input._base
        if _is_detached(input):
            with _no_record():
                src = detach(src)
        # torch's gradient reaches only the elements of the input view: not those it reads beside it
        inside = np.isin(_strided_positions(size, stride, off), input._view_index())
        if not inside.all():
            outside = tuple(np.flatnonzero(~inside).tolist())
    need = off + sum((n - 1) * s for n, s in zip(size, stride)) + 1 if 0 not in size else 0
    if need > src.numel():
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {off}, and "
                           f"itemsize {input.element_size()} requiring a storage size of "
                           f"{need * input.element_size()} are out of bounds for storage of size "
                           f"{src.numel() * input.element_size()}")
    return _as_strided(src, size, stride, off, outside)


Tensor.as_strided = as_strided  # type: ignore[attr-defined]


@op("_as_strided(Tensor input, int[] size, int[] stride, int storage_offset, Any outside=None) -> Tensor",
    view=True, saves="none", out=False, function=False, method=False, node_name="AsStridedBackward0")
def _as_strided(x, size, stride, storage_offset, outside):
    v = x.reshape(-1)[_strided_positions(size, stride, storage_offset)]
    if outside:
        mask = np.zeros(v.size, bool)
        mask[list(outside)] = True
        v = jnp.where(mask.reshape(v.shape), jax.lax.stop_gradient(v), v)
    return v


@op("detach(Tensor input) -> Tensor", view=True, flat_alias=True, differentiable=False, saves="none", out=False)
def detach(x):
    return x


@op("alias(Tensor input) -> Tensor", view=True, flat_alias=True, saves="none", out=False, function=False)
def alias(x):
    return x


detach._op.detaches = True
detach._op.identity = True


def alias_data(t: Tensor) -> Tensor:
    """``t.data``: shares t's storage, but is detached and has its own version counter."""
    with _no_record():
        a = detach(t)
    a._vc = [0]
    return a


@tensor_method("swapaxes")
def _swapaxes(self: Tensor, axis0: int, axis1: int) -> Tensor:
    return transpose(self, axis0, axis1)


Tensor.swapdims = _swapaxes  # type: ignore[attr-defined]
Tensor.moveaxis = movedim  # type: ignore[attr-defined]


@function
def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:
    return transpose(input, axis0, axis1)


@function
def swapdims(input: Tensor, dim0: int, dim1: int) -> Tensor:
    return transpose(input, dim0, dim1)


@function
def moveaxis(input: Tensor, source, destination) -> Tensor:
    return movedim(input, source, destination)


@function
def adjoint(input: Tensor) -> Tensor:
    return transpose(input, -2, -1).conj()


Tensor.adjoint = adjoint  # type: ignore[attr-defined]


def _mT(self: Tensor) -> Tensor:
    if self.dim() < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got "
                           f"{self.dim()}-D tensor.")
    return transpose(self, -2, -1)


def _T(self: Tensor) -> Tensor:
    return permute(self, tuple(range(self.dim() - 1, -1, -1)))


Tensor.T = property(_T)  # type: ignore[attr-defined]
Tensor.mT = property(_mT)  # type: ignore[attr-defined]
Tensor.H = property(lambda self: _T(self).conj())  # type: ignore[attr-defined]
Tensor.mH = property(lambda self: _mT(self).conj())  # type: ignore[attr-defined]


# ------------------------------------------------------------------ in-place view ops (t_, squeeze_ ...)
def _own_storage(x: Tensor) -> None:
    """Turn base ``x`` into an identity view of a new hidden root that takes over its storage, so x's
    shape and strides can change while views taken from x before keep reading the same storage
    (``Tensor._refresh`` moves them to the root)."""
    root = Tensor._make(x._v)
    root._node, root._nr, root._sv, root._sid = x._node, x._nr, x._sv, x._sid
    root._vc = x._version_cell()
    root._owner = x  # type: ignore[attr-defined]  # resize_ may give x a storage of its own again
    x._base, x._vchain, x._vidx, x._seen = root, (), None, root._sv
    x._sv = -1  # never equal to a view's _seen: views of x re-read and move to the root


def inplace_view(x: Tensor, fn: Any, *args: Any) -> Tensor:
    """``x`` becomes ``fn(x, *args)`` (a view op) in place, as torch's ``t_()``, ``squeeze_()``..."""
    x._check_inplace()
    if x._base is None:
        _own_storage(x)
    y = fn(x, *args)
    x._v, x._node, x._nr, x._vchain, x._seen, x._vidx = y._v, y._node, y._nr, y._vchain, y._seen, None
    x._bump()
    return x


@tensor_method()
def t_(self: Tensor) -> Tensor:
    return inplace_view(self, t)


@tensor_method()
def transpose_(self: Tensor, dim0: int, dim1: int) -> Tensor:
    return inplace_view(self, transpose, dim0, dim1)


Tensor.swapaxes_ = transpose_  # type: ignore[attr-defined]
Tensor.swapdims_ = transpose_  # type: ignore[attr-defined]


@tensor_method()
def squeeze_(self: Tensor, dim=None) -> Tensor:
    return inplace_view(self, squeeze, dim)


@tensor_method()
def unsqueeze_(self: Tensor, dim: int) -> Tensor:
    return inplace_view(self, unsqueeze, dim)


@function
def as_strided_(input: Tensor, size, stride, storage_offset: int | None = None) -> Tensor:
    return inplace_view(input, as_strided, size, stride, storage_offset)


Tensor.as_strided_ = as_strided_  # type: ignore[attr-defined]


@tensor_method()
def contiguous(self: Tensor, memory_format=None) -> Tensor:
    return self if self.is_contiguous() else self.clone()


__all__ = exported(__name__)
