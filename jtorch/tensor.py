"""Tensor: a mutable Python object holding an immutable jax.Array (or a tracer while compiling).

State lives in plain attributes that get rebound:
  _v      the value (for a view: valid while ``_seen == _base._sv``)
  _node   grad_fn (None for leaves), _nr its output index
  _req    requires_grad of a leaf
  _grad   .grad
  _vc     the version counter, a one-element list shared by a base, its views and detach()
  _base   the root tensor a view reads from and writes through to; _vchain how it was derived
  _sv     (bases only) how many times the storage was written, so views know when to re-read
Class attributes give the defaults, so a fresh result tensor sets only ``_v``.
"""
from __future__ import annotations

import builtins
import copy as _copy
import math
import warnings
import weakref
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from . import _device, _dtype
from ._device import device as _device_cls
from .autograd.grad_mode import STATE
from .autograd.graph import AccumulateGrad, RemovableHandle


class Size(tuple):
    """torch.Size: a tuple of ints with numel()."""

    def __new__(cls, seq=()):
        return super().__new__(cls, (builtins.int(s) for s in seq))

    def numel(self) -> int:
        return math.prod(self)

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(str(s) for s in self)}])"

    def __getitem__(self, k):
        r = super().__getitem__(k)
        return Size(r) if isinstance(k, slice) else r

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __reduce__(self):
        return (Size, (tuple(self),))


def _contiguous_strides(shape) -> tuple:
    strides, acc = [], 1
    for s in reversed(shape):
        strides.append(acc)
        acc *= max(s, 1)
    return tuple(reversed(strides))


class _TracingError(RuntimeError):
    pass


def _concrete(t: "Tensor", what: str) -> Any:
    v = t._value
    if isinstance(v, jax.core.Tracer):
        raise _TracingError(
            f"{what} needs a concrete value, but this tensor is being traced by jax.jit / jtorch.compile. "
            "Keep it outside the compiled function, or use a tensor op instead (e.g. torch.where instead of "
            "an `if` on a tensor); return the tensor and call .item() after the compiled call.")
    return v


class Tensor:
    # defaults for instance attributes (see the module docstring)
    _base: "Tensor | None" = None
    _vchain: tuple = ()
    _seen = 0
    _sv = 0
    _sid = 0
    _vidx: Any = None
    _node: Any = None
    _nr = 0
    _req = False
    _grad: "Tensor | None" = None
    _vc: list | None = None
    _acc: Any = None
    _leaf_hooks: dict | None = None
    _post_acc_hooks: dict | None = None
    _retains = False
    __array_priority__ = 1000

    # ------------------------------------------------------------------ construction
    def __new__(cls, *args, **kwargs):
        # torch.Tensor(data) / torch.Tensor(2, 3): the legacy constructor of the default dtype
        from .ops.creation import _legacy_new
        return _legacy_new(cls, None, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        pass

    @staticmethod
    def _make(v: Any) -> "Tensor":
        t = object.__new__(Tensor)
        t._v = v
        return t

    @staticmethod
    def _from_edge(v: Any, edge: tuple | None) -> "Tensor":
        """A tensor standing for a saved input: its gradient flows along ``edge``."""
        t = object.__new__(Tensor)
        t._v = v
        if edge is not None:
            t._node, t._nr = edge
        return t

    # ------------------------------------------------------------------ value, views, versions
    @property
    def _value(self) -> Any:
        b = self._base
        if b is None or self._seen == b._sv:
            return self._v
        return self._refresh()

    def _refresh(self) -> Any:
        """Re-read a view whose base was written since the view last looked."""
        base = self._base
        while base._base is not None:  # the base became a view (t_(), resize_()...): its root has the storage
            base = self._base = base._base
            if self._seen == base._sv:
                return self._v
        if base._sid != self._sid:  # the base got new storage (x.data = y): this view keeps its own
            self._base = None
            return self._v
        cur = base
        for o, args in self._vchain:
            cur = o.replay(cur, *args)
        self._v, self._node, self._nr = cur._v, cur._node, cur._nr
        self._seen = base._sv
        return self._v

    def _version_cell(self) -> list:
        vc = self._vc
        if vc is None:
            vc = self._vc = [0]
        return vc

    def _bump(self) -> None:
        self._version_cell()[0] += 1

    @property
    def _version(self) -> int:
        return self._vc[0] if self._vc is not None else 0

    def _view_index(self) -> Any:
        """Flat positions in the base's storage of each element of this view (cached)."""
        if self._vidx is None:
            self._value  # a stale view first moves to its base's root (see _refresh)
            base = self._base
            with jax.ensure_compile_time_eval():
                n = math.prod(base._v.shape)
                cur = Tensor._make(jnp.arange(n, dtype=jnp.int32 if n < 2**31 else jnp.int64)
                                   .reshape(base._v.shape))
                with _no_record():
                    for o, args in self._vchain:
                        cur = o.replay(cur, *args)
                idx = np.asarray(cur._v)
            self._vidx = idx
        return self._vidx

    def _is_flat_alias(self) -> bool:
        return builtins.all(o.flat_alias for o, _ in self._vchain)

    def _check_inplace(self) -> None:
        """torch's guards against in-place ops that autograd cannot handle."""
        if not STATE.grad:
            return
        if self._base is None:
            if self._node is None and self._req:
                raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        else:
            b = self._base
            if self._node is None and self._req:  # a view made a leaf (requires_grad_() after no_grad)
                raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
            if b._node is None and b._req and not builtins.any(o.detaches for o, _ in self._vchain):
                raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place "
                                   "operation.")

    def _commit(self, out: "Tensor") -> "Tensor":
        """Make ``self`` hold ``out`` (same shape and dtype): the end of every in-place op.
        A view writes through to its base, recording the write on the tape when grads are involved."""
        base = self._base
        # under no_grad an in-place op changes the value but keeps the history, as in torch
        keep = out._node is None and not STATE.grad
        if base is None:
            self._v = out._v
            if not keep:
                self._node, self._nr = out._node, out._nr
            self._sv += 1
        else:
            from .ops.views import _write_through
            _write_through(self, out)
            self._v = out._v
            if not keep:
                self._node, self._nr = out._node, out._nr
            self._seen = base._sv
        self._bump()
        node = out._node
        if node is not None and node._saved:
            # the op's own node saved this tensor (or its result, now this tensor): it refers to the new version
            cell, ocell = self._vc, out._vc
            node._saved = tuple((cell, cell[0], weakref.ref(self), nr) if c is cell or c is ocell else (c, v, r, nr)
                                for c, v, r, nr in node._saved)
        return self

    def _edge(self) -> tuple | None:
        if self._node is not None:
            return (self._node, self._nr)
        if self._req:
            acc = self._acc
            if acc is None:
                acc = self._acc = AccumulateGrad(self)
            return (acc, 0)
        return None

    # ------------------------------------------------------------------ metadata
    @property
    def shape(self) -> Size:
        return Size(self._value.shape)

    def size(self, dim: int | None = None):
        shape = self._value.shape
        if dim is None:
            return Size(shape)
        return shape[_wrap_dim(dim, len(shape))]

    @property
    def dtype(self) -> _dtype.dtype:
        return _dtype._BY_NP[self._value.dtype]

    @property
    def device(self) -> _device_cls:
        v = self._value
        if isinstance(v, jax.core.Tracer):
            return _device.get_default_device()
        try:
            return _device.from_jax(next(iter(v.devices())))
        except Exception:
            return _device.get_default_device()

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    @property
    def is_cpu(self) -> bool:
        return self.device.type == "cpu"

    @property
    def is_meta(self) -> bool:
        return False

    @property
    def is_sparse(self) -> bool:
        return False

    @property
    def is_quantized(self) -> bool:
        return False

    @property
    def layout(self):
        from .ops.creation import strided
        return strided

    @property
    def ndim(self) -> int:
        return len(self._value.shape)

    def dim(self) -> int:
        return len(self._value.shape)

    ndimension = dim

    def numel(self) -> int:
        return math.prod(self._value.shape)

    nelement = numel

    def element_size(self) -> int:
        return self.dtype.itemsize

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self.numel() * self.dtype.itemsize

    def stride(self, dim: int | None = None):
        if self._base is None:
            st = _contiguous_strides(self._value.shape)
        else:
            st = _strides_of_index(self._view_index())
        return st if dim is None else st[_wrap_dim(dim, len(st))]

    def storage_offset(self) -> int:
        if self._base is None:
            return 0
        idx = self._view_index()
        return builtins.int(idx.reshape(-1)[0]) if idx.size else 0

    def is_contiguous(self, memory_format=None) -> bool:
        if self._base is None:
            return True
        shape = self._value.shape
        want = _contiguous_strides(shape)
        return builtins.all(s == w for s, w, n in zip(self.stride(), want, shape) if n != 1)

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def is_complex(self) -> bool:
        return self.dtype.is_complex

    def is_signed(self) -> bool:
        return self.dtype.is_signed

    def get_device(self) -> int:
        d = self.device
        return -1 if d.type == "cpu" else d.index

    def data_ptr(self) -> int:
        return id(self._base if self._base is not None else self) + self.storage_offset() * self.dtype.itemsize

    def untyped_storage(self):
        raise NotImplementedError("untyped_storage(): jtorch tensors hold immutable jax arrays, not storages")

    # ------------------------------------------------------------------ autograd surface
    @property
    def requires_grad(self) -> bool:
        return self._node is not None or self._req

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if value and self._node is None and not (self.dtype.is_floating_point or self.dtype.is_complex):
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        if self._node is not None:
            if not requires_grad:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                    "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")
            return self
        if requires_grad and not (self.dtype.is_floating_point or self.dtype.is_complex):
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._req = builtins.bool(requires_grad)
        return self

    @property
    def is_leaf(self) -> bool:
        return self._node is None

    @property
    def grad_fn(self):
        if self._base is not None:
            self._value  # a view of a changed base regenerates its grad_fn
        return self._node

    @property
    def output_nr(self) -> int:
        return self._nr

    @property
    def grad(self) -> "Tensor | None":
        if self._node is not None and not self._retains and self._grad is None:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
                "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
                "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor "
                "by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 "
                "for more information.", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: "Tensor | None") -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value.dtype != self.dtype:
                raise RuntimeError("assigned grad has data of a different type")
            if tuple(value.shape) != tuple(self.shape):
                raise RuntimeError("assigned grad has data of a different size")
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    def retain_grad(self) -> None:
        if self._node is None:
            if not self._req:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if self._retains:
            return
        self._retains = True
        node = self._node
        if node._retained is None:
            node._retained = {}
        node._retained[self._nr] = weakref.ref(self)

    @property
    def retains_grad(self) -> bool:
        return self._node is not None and self._retains

    def register_hook(self, hook: Callable) -> RemovableHandle:
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._node is None:
            if self._leaf_hooks is None:
                self._leaf_hooks = {}
            h = RemovableHandle(self._leaf_hooks)
            self._leaf_hooks[h.id] = hook
            return h
        node = self._node
        if node._tensor_hooks is None:
            node._tensor_hooks = {}
        hooks = node._tensor_hooks.setdefault(self._nr, {})
        h = RemovableHandle(hooks)
        hooks[h.id] = hook
        return h

    def register_post_accumulate_grad_hook(self, hook: Callable) -> RemovableHandle:
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._node is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if self._post_acc_hooks is None:
            self._post_acc_hooks = {}
        h = RemovableHandle(self._post_acc_hooks)
        self._post_acc_hooks[h.id] = hook
        return h

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None) -> None:
        from .autograd.engine import backward
        backward((self,), None if gradient is None else (gradient,), retain_graph, create_graph,
                 inputs=inputs)

    @property
    def data(self) -> "Tensor":
        from .ops.views import alias_data
        return alias_data(self)

    @data.setter
    def data(self, new: "Tensor") -> None:
        if not isinstance(new, Tensor):
            raise TypeError(f"data must be a Tensor, got {type(new).__name__}")
        root = self if self._base is None else self._base
        if self._base is not None:
            # A view that gets new data leaves its base: it becomes a tensor of its own.
            self._base, self._vchain, self._vidx = None, (), None
            root = self
        root._v = new._value
        root._sid += 1
        root._sv += 1

    def detach_(self) -> "Tensor":
        if self._base is not None and not builtins.any(o.detaches for o, _ in self._vchain):
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) "
                "for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and "
                "hence detach_() cannot be called on these gradients. To fix this error, please refer to the "
                "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.")
        self._node, self._nr, self._req = None, 0, False
        return self

    # ------------------------------------------------------------------ Python protocols
    def __len__(self) -> int:
        shape = self._value.shape
        if not shape:
            raise TypeError("len() of a 0-d tensor")
        return shape[0]

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self) -> int:
        return id(self)

    def __bool__(self) -> bool:
        n = self.numel()
        if n != 1:
            raise RuntimeError(f"Boolean value of Tensor with {'no values' if n == 0 else 'more than one value'} "
                               "is ambiguous")
        return builtins.bool(_concrete(self, "bool(tensor) / `if tensor:`").reshape(()))

    def __float__(self) -> float:
        return builtins.float(self._scalar("float(tensor)"))

    def __int__(self) -> int:
        return builtins.int(self._scalar("int(tensor)"))

    def __complex__(self) -> complex:
        return builtins.complex(self._scalar("complex(tensor)"))

    def __index__(self) -> int:
        if self.dtype.is_floating_point or self.dtype.is_complex or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return builtins.int(self._scalar("operator.index(tensor)"))

    def _scalar(self, what: str) -> Any:
        n = self.numel()
        if n != 1:
            raise RuntimeError(f"a Tensor with {n} elements cannot be converted to Scalar")
        return np.asarray(_concrete(self, what)).reshape(()).item()

    def item(self):
        return self._scalar("Tensor.item()")

    def tolist(self):
        return np.asarray(_concrete(self, "Tensor.tolist()")).tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead.")
        # NOTE: a copy, not shared memory: jax arrays are immutable.
        return np.array(_concrete(self, "Tensor.numpy()"))

    def __array__(self, dtype=None, copy=None):
        a = np.asarray(_concrete(self, "numpy.asarray(tensor)"))
        return a.astype(dtype) if dtype is not None else a

    def __jax_array__(self):
        return self._value

    def __dlpack__(self, *args, **kwargs):
        return self._value.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return self._value.__dlpack_device__()

    def __repr__(self, *, tensor_contents=None) -> str:
        from ._tensor_str import tensor_repr
        return tensor_repr(self)

    def __format__(self, spec: str) -> str:
        if self.dim() == 0 and not isinstance(self._value, jax.core.Tracer):
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, protocol):
        from .serialization import _rebuild_tensor
        return (_rebuild_tensor, (np.asarray(self.detach()._value), self.dtype.name, self.requires_grad,
                                  type(self)))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        new = self.detach().clone()
        if type(self) is not Tensor:
            new = type(self).__new__(type(self), new, self.requires_grad) \
                if hasattr(type(self), "_jtorch_param") else new
        new._req = self._req if self._node is None else False
        if self._grad is not None:
            new._grad = _copy.deepcopy(self._grad, memo)
        new.__dict__.update({k: _copy.deepcopy(v, memo) for k, v in self.__dict__.items()
                             if not k.startswith("_")})
        memo[id(self)] = new
        return new

    # ------------------------------------------------------------------ conversions
    def to(self, *args, **kwargs) -> "Tensor":
        from .ops.conversion import to
        return to(self, *args, **kwargs)

    def type(self, dtype=None, non_blocking: bool = False, **kwargs):
        from .ops.conversion import tensor_type
        return tensor_type(self, dtype, non_blocking, **kwargs)

    def cpu(self, memory_format=None) -> "Tensor":
        return self.to("cpu")

    def cuda(self, device=None, non_blocking: bool = False, memory_format=None) -> "Tensor":
        d = _device.device("cuda") if device is None else (
            _device.device("cuda", device) if isinstance(device, builtins.int) else _device.as_device(device))
        return self.to(d)

    def float(self, memory_format=None):
        return self.to(_dtype.float32)

    def double(self, memory_format=None):
        return self.to(_dtype.float64)

    def half(self, memory_format=None):
        return self.to(_dtype.float16)

    def bfloat16(self, memory_format=None):
        return self.to(_dtype.bfloat16)

    def long(self, memory_format=None):
        return self.to(_dtype.int64)

    def int(self, memory_format=None):
        return self.to(_dtype.int32)

    def short(self, memory_format=None):
        return self.to(_dtype.int16)

    def char(self, memory_format=None):
        return self.to(_dtype.int8)

    def byte(self, memory_format=None):
        return self.to(_dtype.uint8)

    def bool(self, memory_format=None):
        return self.to(_dtype.bool)

    def cfloat(self, memory_format=None):
        return self.to(_dtype.complex64)

    def cdouble(self, memory_format=None):
        return self.to(_dtype.complex128)

    def type_as(self, other: "Tensor") -> "Tensor":
        return self.to(other.dtype)

    def pin_memory(self, device=None) -> "Tensor":
        # Host memory is managed by jax; pinning is a CUDA allocator detail with no jtorch counterpart.
        return self

    def is_pinned(self, device=None) -> bool:
        return False

    def share_memory_(self) -> "Tensor":
        return self

    def is_shared(self) -> bool:
        return False

    def jax(self) -> jax.Array:
        """The jax.Array behind this tensor (no copy). jtorch-only."""
        return self._value


def _wrap_dim(dim: int, ndim: int) -> int:
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _strides_of_index(idx: np.ndarray) -> tuple:
    strides = []
    for d, n in enumerate(idx.shape):
        if n <= 1 or idx.size == 0:
            strides.append(builtins.int(np.prod(idx.shape[d + 1:], dtype=np.int64)) if n <= 1 else 1)
            continue
        a = idx[(0,) * d + (1,) + (0,) * (idx.ndim - d - 1)]
        b = idx[(0,) * idx.ndim]
        strides.append(builtins.int(a) - builtins.int(b))
    return tuple(strides)


class _no_record:
    """Run ops without recording and without grad-mode side effects (internal)."""

    def __enter__(self):
        self.prev = STATE.grad
        STATE.grad = False

    def __exit__(self, *exc):
        STATE.grad = self.prev


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)
