"""Tensor creation: tensor/as_tensor/from_numpy, zeros/ones/full/empty and _like, arange, linspace,
logspace, eye, the legacy constructors, and the factory keyword arguments (dtype, device,
requires_grad)."""
from __future__ import annotations

import builtins
import math
import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import _device, _dtype
from ..tensor import Size, Tensor
from ._registry import exported, function, op, tensor_method


class layout:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return "torch." + self.name


strided = layout("strided")
sparse_coo = layout("sparse_coo")


class memory_format:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return "torch." + self.name


contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
preserve_format = memory_format("preserve_format")


# ------------------------------------------------------------------ placement
def place(t: Tensor, device: Any) -> Tensor:
    """Put a freshly made tensor on ``device`` (torch's default device when None)."""
    v = t._v
    if isinstance(v, jax.core.Tracer):
        return t
    d = _device.as_device(device)
    jd = _device.jax_device(d)
    if jd not in v.devices():
        t._v = jax.device_put(v, jd)
    return t


def _factory_post(t: Tensor, device: Any, requires_grad: bool) -> Tensor:
    place(t, device)
    if requires_grad:
        t.requires_grad_(True)
    return t


# ------------------------------------------------------------------ tensor() and friends
def _infer_dtype(data: Any) -> _dtype.dtype | None:
    """The dtype torch.tensor infers for nested Python data (None when nothing decides it)."""
    kind = 0  # 0 none, 1 bool, 2 int, 3 float, 4 complex
    found: _dtype.dtype | None = None
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, Tensor):
            d = x.dtype
            found = d if found is None else _dtype.promote_types(found, d)
        elif isinstance(x, np.ndarray):
            d = _dtype.from_np(x.dtype)
            found = d if found is None else _dtype.promote_types(found, d)
        elif isinstance(x, (builtins.list, builtins.tuple)):
            stack.extend(x)
        elif isinstance(x, (builtins.bool, np.bool_)):
            kind = max(kind, 1)
        elif isinstance(x, (builtins.int, np.integer)):
            kind = max(kind, 2)
        elif isinstance(x, (builtins.float, np.floating)):
            kind = max(kind, 3)
        elif isinstance(x, (builtins.complex, np.complexfloating)):
            kind = max(kind, 4)
        else:
            raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
    by_kind = {1: _dtype.bool, 2: _dtype.int64, 3: _dtype.get_default_dtype(), 4: _dtype.default_complex()}
    py = by_kind.get(kind)
    if found is None:
        return py
    if py is None:
        return found
    return _dtype.promote_types(found, py) if kind >= 3 or found is _dtype.bool else found


def _to_numpy_nested(data: Any) -> Any:
    if isinstance(data, Tensor):
        return np.asarray(data.detach()._value)
    if isinstance(data, (builtins.list, builtins.tuple)):
        return [_to_numpy_nested(x) for x in data]
    return data


def _check_ragged(data: Any, dim: int = 0) -> tuple:
    if isinstance(data, (builtins.list, builtins.tuple)):
        if not data:
            return (0,)
        shapes = [_check_ragged(x, dim + 1) for x in data]
        first = shapes[0]
        for s in shapes[1:]:
            if s != first:
                raise ValueError(f"expected sequence of length {first[0] if first else 0} at dim {dim + 1} "
                                 f"(got {s[0] if s else 0})")
        return (len(data),) + first
    if isinstance(data, (Tensor, np.ndarray)):
        return tuple(data.shape)
    return ()


def _array_from_data(data: Any, dtype: _dtype.dtype | None) -> Any:
    if isinstance(data, Tensor):
        v = data.detach()._value
        return v.astype(_dtype.to_np(dtype)) if dtype is not None and dtype.np != v.dtype else v
    if isinstance(data, jax.Array):
        return data.astype(_dtype.to_np(dtype)) if dtype is not None else data
    if isinstance(data, np.ndarray):
        _dtype.from_np(data.dtype)  # rejects object / string arrays with torch's TypeError
        return data.astype(_dtype.to_np(dtype)) if dtype is not None else data
    if isinstance(data, (str, bytes)) or not (isinstance(data, (builtins.list, builtins.tuple)) or
                                              np.isscalar(data) or isinstance(data, np.generic)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    _check_ragged(data)
    inferred = _infer_dtype(data)
    target = dtype or inferred or _dtype.get_default_dtype()
    arr = np.array(_to_numpy_nested(data))
    if arr.dtype == object:
        raise TypeError("new(): invalid data type 'object'")
    if target.is_integer and arr.dtype.kind in "iu":
        info = np.iinfo(_dtype.to_np(target))
        if arr.size and (arr.max() > info.max or arr.min() < info.min) and target is _dtype.int64:
            raise RuntimeError("Overflow when unpacking long")
    return arr.astype(_dtype.to_np(target), copy=False)


@function
def tensor(data: Any, *, dtype=None, device=None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() "
                      "or sourceTensor.clone().detach().requires_grad_(True), rather than torch.tensor("
                      "sourceTensor).", UserWarning, stacklevel=2)
    dt = _as_dtype_arg(dtype)
    arr = _array_from_data(data, dt)
    t = Tensor._make(jnp.array(arr) if not isinstance(arr, jax.Array) else jnp.array(arr, copy=True))
    return _factory_post(t, device if device is not None else _data_device(data), requires_grad)


def _data_device(data: Any) -> Any:
    return data.device if isinstance(data, Tensor) else None


def _as_dtype_arg(dtype: Any) -> _dtype.dtype | None:
    if dtype is None or isinstance(dtype, _dtype.dtype):
        return dtype
    py = {builtins.float: _dtype.float64, builtins.int: _dtype.int64, builtins.bool: _dtype.bool,
          builtins.complex: _dtype.complex128}
    if dtype in py:
        return py[dtype]
    return _dtype.from_np(dtype)


@function
def as_tensor(data: Any, dtype=None, device=None) -> Tensor:
    dt = _as_dtype_arg(dtype)
    if isinstance(data, Tensor):
        out = data
        if dt is not None and dt != data.dtype:
            out = data.to(dt)
        if device is not None and _device.as_device(device) != data.device:
            out = out.to(device)
        return out
    arr = _array_from_data(data, dt)
    return place(Tensor._make(jnp.asarray(arr)), device)


@function
def asarray(obj: Any, *, dtype=None, device=None, copy=None, requires_grad: bool = False) -> Tensor:
    t = as_tensor(obj, dtype=dtype, device=device)
    if copy:
        t = t.clone()
    if requires_grad:
        t = t.detach().requires_grad_(True) if t.requires_grad is False else t
    return t


@function
def from_numpy(ndarray: np.ndarray) -> Tensor:
    """NOTE: jax arrays are immutable, so the tensor is a copy: later writes to ``ndarray`` are not seen."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    try:
        _dtype.from_np(ndarray.dtype)
    except TypeError:
        raise TypeError(f"can't convert np.ndarray of type {ndarray.dtype}. The only supported types are: "
                        "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint64, "
                        "uint32, uint16, uint8, and bool.") from None
    return place(Tensor._make(jnp.asarray(ndarray)), "cpu")


@function
def from_dlpack(ext_tensor: Any) -> Tensor:
    if isinstance(ext_tensor, Tensor):
        return ext_tensor
    return Tensor._make(jnp.from_dlpack(ext_tensor))


def _legacy_new(cls, dtype: _dtype.dtype | None, *args: Any, device=None) -> Tensor:
    """torch.Tensor(...) / torch.FloatTensor(...): data, or sizes of an uninitialised tensor."""
    dt = dtype or _dtype.get_default_dtype()
    if not args:
        t = Tensor._make(jnp.zeros((0,), dt.np))
    elif builtins.all(isinstance(a, (builtins.int, np.integer)) and not isinstance(a, builtins.bool) for a in args):
        t = Tensor._make(jnp.zeros(tuple(int(a) for a in args), dt.np))
    elif len(args) == 1 and isinstance(args[0], Size):
        t = Tensor._make(jnp.zeros(tuple(args[0]), dt.np))
    elif len(args) == 1 and isinstance(args[0], Tensor):
        if dtype is not None and args[0].dtype != dtype:
            raise TypeError(f"expected {dt} (got {args[0].dtype})")
        return args[0].detach() if cls is Tensor else args[0]
    elif len(args) == 1:
        t = Tensor._make(jnp.asarray(_array_from_data(args[0], dt)))
    else:
        raise TypeError(f"new() received an invalid combination of arguments - got {tuple(type(a).__name__ for a in args)}")
    t = place(t, device)
    if cls is not Tensor:
        t.__class__ = cls
    return t


class _LegacyMeta(type):
    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor) and obj.dtype is cls._dtype and (
            cls._cuda == (obj.device.type == "cuda"))


def _legacy_class(name: str, dt: _dtype.dtype, cuda: bool = False):
    def __new__(cls, *args, device=None):
        return _legacy_new(Tensor, dt, *args, device=("cuda" if cuda else device))
    return _LegacyMeta(name, (), {"__new__": __new__, "_dtype": dt, "_cuda": cuda, "dtype": dt,
                                 "__module__": "torch.cuda" if cuda else "torch"})


_LEGACY = {"FloatTensor": _dtype.float32, "DoubleTensor": _dtype.float64, "HalfTensor": _dtype.float16,
           "BFloat16Tensor": _dtype.bfloat16, "ByteTensor": _dtype.uint8, "CharTensor": _dtype.int8,
           "ShortTensor": _dtype.int16, "IntTensor": _dtype.int32, "LongTensor": _dtype.int64,
           "BoolTensor": _dtype.bool}
LEGACY_CLASSES = {n: _legacy_class(n, d) for n, d in _LEGACY.items()}
CUDA_LEGACY_CLASSES = {n: _legacy_class(n, d, cuda=True) for n, d in _LEGACY.items()}
_LEGACY_BY_DTYPE = {d: n for n, d in _LEGACY.items()}


def legacy_type_name(t: Tensor) -> str:
    name = _LEGACY_BY_DTYPE.get(t.dtype)
    if name is None:
        raise RuntimeError(f"no legacy tensor type for {t.dtype}")
    return ("torch.cuda." if t.is_cuda else "torch.") + name


def set_default_tensor_type(t: Any) -> None:
    if isinstance(t, str):
        name = t.split(".")[-1]
        cls = LEGACY_CLASSES.get(name)
        if cls is None:
            raise TypeError(f"invalid type: '{t}'")
    else:
        cls = t
    dt = getattr(cls, "_dtype", None)
    if dt is None or not dt.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _dtype.set_default_dtype(dt)


# ------------------------------------------------------------------ factories
def _dt(dtype: Any) -> _dtype.dtype:
    return _as_dtype_arg(dtype) or _dtype.get_default_dtype()


def _size_arg(size: tuple) -> tuple:
    if len(size) == 1 and isinstance(size[0], (builtins.list, builtins.tuple, Size)):
        size = tuple(size[0])
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = int(s)
        if not isinstance(s, (builtins.int, np.integer)) or isinstance(s, builtins.bool):
            raise TypeError(f"zeros(): argument 'size' must be tuple of ints, but found element of type "
                            f"{type(s).__name__}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
        out.append(int(s))
    return tuple(out)


_full_jit = jax.jit(lambda fill, shape, dt: jnp.full(shape, fill, dt), static_argnums=(1, 2))


def _filled(shape: tuple, fill: Any, dt: _dtype.dtype, device: Any, requires_grad: bool) -> Tensor:
    from ._registry import scalar_array
    t = Tensor._make(_full_jit(scalar_array(fill) if not isinstance(fill, jax.Array) else fill, shape,
                               _dtype.to_np(dt)))
    return _factory_post(t, device, requires_grad)


def _out_or(t: Tensor, out: Tensor | None) -> Tensor:
    if out is None:
        return t
    out._commit(Tensor._make(t._value.astype(out._value.dtype)))
    return out


@function
def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
          names=None) -> Tensor:
    return _out_or(_filled(_size_arg(size), 0, _dt(dtype), device, requires_grad), out)


@function
def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
         names=None) -> Tensor:
    return _out_or(_filled(_size_arg(size), 1, _dt(dtype), device, requires_grad), out)


@function
def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
          memory_format=None, names=None) -> Tensor:
    """NOTE: jtorch's empty tensors hold zeros (XLA has no uninitialised memory)."""
    return _out_or(_filled(_size_arg(size), 0, _dt(dtype), device, requires_grad), out)


@function
def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False, names=None) -> Tensor:
    if dtype is None:
        if isinstance(fill_value, Tensor):
            dt = fill_value.dtype
        else:
            dt = _dtype.scalar_dtype(fill_value)
    else:
        dt = _dt(dtype)
    fill = fill_value._value if isinstance(fill_value, Tensor) else fill_value
    return _out_or(_filled(_size_arg((size,)), fill, dt, device, requires_grad), out)


@function
def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                  pin_memory=False) -> Tensor:
    return empty(tuple(size), dtype=dtype, device=device, requires_grad=requires_grad)


def _like_kwargs(input: Tensor, dtype, device) -> tuple:
    return (_as_dtype_arg(dtype) or input.dtype, device if device is not None else input.device)


@function
def zeros_like(input: Tensor, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None) -> Tensor:
    dt, dev = _like_kwargs(input, dtype, device)
    return _filled(tuple(input.shape), 0, dt, dev, requires_grad)


@function
def ones_like(input: Tensor, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None) -> Tensor:
    dt, dev = _like_kwargs(input, dtype, device)
    return _filled(tuple(input.shape), 1, dt, dev, requires_grad)


@function
def empty_like(input: Tensor, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None) -> Tensor:
    dt, dev = _like_kwargs(input, dtype, device)
    return _filled(tuple(input.shape), 0, dt, dev, requires_grad)


@function
def full_like(input: Tensor, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None) -> Tensor:
    dt, dev = _like_kwargs(input, dtype, device)
    return _filled(tuple(input.shape), fill_value, dt, dev, requires_grad)


@tensor_method()
def new_tensor(self: Tensor, data, *, dtype=None, device=None, requires_grad=False, layout=None,
               pin_memory=False) -> Tensor:
    return tensor(data, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


@tensor_method()
def new_zeros(self: Tensor, *size, dtype=None, device=None, requires_grad=False, layout=None,
              pin_memory=False) -> Tensor:
    return zeros(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


@tensor_method()
def new_ones(self: Tensor, *size, dtype=None, device=None, requires_grad=False, layout=None,
             pin_memory=False) -> Tensor:
    return ones(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


@tensor_method()
def new_empty(self: Tensor, *size, dtype=None, device=None, requires_grad=False, layout=None,
              pin_memory=False) -> Tensor:
    return empty(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


@tensor_method()
def new_full(self: Tensor, size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None,
             pin_memory=False) -> Tensor:
    return full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device,
                requires_grad=requires_grad)


def _num(x: Any) -> Any:
    if isinstance(x, Tensor):
        return x.item()
    return x


@function
def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
           pin_memory=False) -> Tensor:
    start, end, step = _num(start), _num(end), _num(step)
    if end is None:
        start, end = 0, start
    if not builtins.all(math.isfinite(v) for v in (start, end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (step > 0 and start > end) or (step < 0 and start < end):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype is None and out is not None:
        dt = out.dtype
    elif dtype is None:
        is_float = builtins.any(isinstance(v, (builtins.float, np.floating)) for v in (start, end, step))
        dt = _dtype.get_default_dtype() if is_float else _dtype.int64
    else:
        dt = _dt(dtype)
    if not (dt.is_floating_point or dt.is_complex) and int(step) == 0:
        # torch converts step to an integral result dtype first: 0.5 becomes 0
        raise ValueError("step must be nonzero")
    n = max(int(math.ceil((end - start) / step)), 0)
    # computed in float64/int64 like torch, then cast
    acc = np.float64 if (dt.is_floating_point or dt.is_complex) else np.int64
    arr = jnp.asarray(np.arange(n, dtype=np.float64) * step + start if acc is np.float64
                      else np.arange(n, dtype=np.int64) * int(step) + int(start)).astype(_dtype.to_np(dt))
    return _out_or(_factory_post(Tensor._make(arr), device, requires_grad), out)


@function
def range(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Deprecated torch.range: includes ``end``."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values "
                  "in [start, end).", UserWarning, stacklevel=2)
    start, end, step = _num(start), _num(end), _num(step)
    n = int(math.floor((end - start) / step)) + 1
    dt = _dt(dtype)
    arr = jnp.asarray(np.arange(n, dtype=np.float64) * step + start).astype(_dtype.to_np(dt))
    return _out_or(_factory_post(Tensor._make(arr), device, requires_grad), out)


def _endpoint(v: Any) -> Any:
    if isinstance(v, Tensor):
        x = v._value
        return x.astype(np.complex128 if jnp.iscomplexobj(x) else np.float64)
    return v


def _check_steps(name: str, start, end, steps) -> None:
    # torch's overloads take only an int for steps (or an integer tensor; not a float or a bool)
    ok = isinstance(steps, (builtins.int, np.integer)) and not isinstance(steps, (builtins.bool, np.bool_))
    if isinstance(steps, Tensor):
        ok = steps.dim() == 0 and not steps.dtype.is_floating_point and not steps.dtype.is_complex and \
            steps.dtype is not _dtype.bool
    if not ok:
        kinds = ", ".join("Tensor" if isinstance(v, Tensor) else type(v).__name__ for v in (start, end, steps))
        raise TypeError(f"{name}() received an invalid combination of arguments - got ({kinds}), but expected "
                        f"(Tensor or Number start, Tensor or Number end, int steps, ...)")
    dims = [v.dim() if isinstance(v, Tensor) else 0 for v in (start, end)]
    if builtins.any(dims):
        raise RuntimeError(f"{name} only supports 0-dimensional start and end tensors, but got start with {dims[0]} "
                           f"dimension(s) and end with {dims[1]} dimension(s).")


@function
def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    _check_steps("linspace", start, end, steps)
    steps = _num(steps)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    # tensor endpoints stay jax values (they may be traced under jax.jit); numbers stay Python numbers
    start, end = _endpoint(start), _endpoint(end)
    dt = _dt(dtype)
    if steps == 1:
        arr = jnp.full((1,), start, dtype=jnp.result_type(start, np.float64))
    else:
        # torch computes the two halves from each end, which keeps the endpoint exact
        stepv = (end - start) / max(steps - 1, 1)
        i = np.arange(steps, dtype=np.float64)
        half = steps // 2
        arr = jnp.where(i < half, start + stepv * i, end - stepv * (steps - 1 - i))
    if dt.is_integer:
        arr = jnp.trunc(arr)
    t = Tensor._make(jnp.asarray(arr).astype(_dtype.to_np(dt)))
    return _out_or(_factory_post(t, device, requires_grad), out)


@function
def logspace(start, end, steps, base: float = 10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False) -> Tensor:
    _check_steps("logspace", start, end, steps)
    lin = linspace(start, end, steps, dtype=_dtype.float64)
    dt = _dt(dtype)
    arr = jnp.power(base, lin._value).astype(_dtype.to_np(dt))
    return _out_or(_factory_post(Tensor._make(arr), device, requires_grad), out)


@function
def eye(n: int, m: int | None = None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
        pin_memory=False) -> Tensor:
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    m = n if m is None else m
    if m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    t = Tensor._make(jnp.eye(n, m, dtype=_dtype.to_np(_dt(dtype))))
    return _out_or(_factory_post(t, device, requires_grad), out)


@op("clone(Tensor input, *, MemoryFormat? memory_format=None) -> Tensor", saves="none", out=False)
def clone(x, *, memory_format=None):
    return jnp.copy(x)


@op("copy_(Tensor input, Tensor src, bool non_blocking=False) -> Tensor", saves="none", out=False,
    function=False, method=False, node_name="CopyBackwards")
def _copy_value(x, src, non_blocking=False):
    return jnp.broadcast_to(src.astype(x.dtype), x.shape)


@tensor_method()
def copy_(self: Tensor, src: Tensor, non_blocking: bool = False) -> Tensor:
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'src' (position 1) must be Tensor, not {type(src).__name__}")
    self._check_inplace()
    if src.device != self.device and not isinstance(src._value, jax.core.Tracer):
        src = src.to(self.device)
    try:
        jnp.broadcast_shapes(tuple(src.shape), tuple(self.shape))
        if jnp.broadcast_shapes(tuple(src.shape), tuple(self.shape)) != tuple(self.shape):
            raise ValueError
    except ValueError:
        raise RuntimeError(f"The size of tensor a ({self.shape[-1] if self.dim() else 1}) must match the size of "
                           f"tensor b ({src.shape[-1] if src.dim() else 1}) at non-singleton dimension "
                           f"{max(self.dim() - 1, 0)}") from None
    return self._commit(_copy_value(self, src))


@function
def complex(real: Tensor, imag: Tensor, *, out=None) -> Tensor:
    from .pointwise import _complex
    from ._registry import _type_name
    if out is not None and isinstance(real, Tensor) and real.dtype.is_floating_point:
        want = real.dtype.to_complex()
        if out.dtype is not want:  # torch requires exactly the complex counterpart of the inputs' dtype
            raise RuntimeError(f"Expected object of scalar type {_type_name(want)} but got scalar type "
                               f"{_type_name(out.dtype)} for argument 'out'")
    return _complex(real, imag, out=out)


__all__ = exported(__name__)
