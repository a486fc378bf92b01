"""torch dtypes, their JAX counterparts, and PyTorch's type-promotion rules."""
from __future__ import annotations

import builtins
from typing import Any

import jax.numpy as jnp
import ml_dtypes
import numpy as np


class dtype:
    """A torch dtype: an interned object such as ``jtorch.float32``."""

    __slots__ = ("name", "np", "is_floating_point", "is_complex", "is_signed", "itemsize", "_rank")

    def __init__(self, name: str, np_dtype: Any, kind: str, itemsize: int, rank: int):
        self.name = name
        self.np = np.dtype(np_dtype) if np_dtype is not None else None
        self.is_floating_point = kind == "f"
        self.is_complex = kind == "c"
        self.is_signed = kind in "fci"
        self.itemsize = itemsize
        self._rank = rank  # order inside a category, for promotion

    def __repr__(self) -> str:
        return "torch." + self.name

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))

    def to_real(self) -> dtype:
        return {complex64: float32, complex128: float64, complex32: float16}.get(self, self)

    def to_complex(self) -> dtype:
        return {float32: complex64, float64: complex128, float16: complex32, bfloat16: complex64}.get(self, self)

    @property
    def is_integer(self) -> bool:  # jtorch helper, not a torch attribute
        return not (self.is_floating_point or self.is_complex or self is bool)


bool = dtype("bool", np.bool_, "b", 1, 0)
uint8 = dtype("uint8", np.uint8, "u", 1, 1)
int8 = dtype("int8", np.int8, "i", 1, 1)
int16 = dtype("int16", np.int16, "i", 2, 2)
int32 = dtype("int32", np.int32, "i", 4, 3)
int64 = dtype("int64", np.int64, "i", 8, 4)
uint16 = dtype("uint16", np.uint16, "u", 2, 2)
uint32 = dtype("uint32", np.uint32, "u", 4, 3)
uint64 = dtype("uint64", np.uint64, "u", 8, 4)
float16 = dtype("float16", np.float16, "f", 2, 1)
bfloat16 = dtype("bfloat16", ml_dtypes.bfloat16, "f", 2, 1)
float32 = dtype("float32", np.float32, "f", 4, 2)
float64 = dtype("float64", np.float64, "f", 8, 3)
float8_e4m3fn = dtype("float8_e4m3fn", ml_dtypes.float8_e4m3fn, "f", 1, 0)
float8_e5m2 = dtype("float8_e5m2", ml_dtypes.float8_e5m2, "f", 1, 0)
# NOTE: XLA has no complex32; the dtype exists for promotion and names, tensors of it cannot be made.
complex32 = dtype("complex32", None, "c", 4, 1)
complex64 = dtype("complex64", np.complex64, "c", 8, 2)
complex128 = dtype("complex128", np.complex128, "c", 16, 3)

# torch's aliases
half, float, double = float16, float32, float64
short, int, long = int16, int32, int64
cfloat, cdouble, chalf = complex64, complex128, complex32

ALL = (bool, uint8, int8, int16, int32, int64, uint16, uint32, uint64, float16, bfloat16, float32,
       float64, float8_e4m3fn, float8_e5m2, complex32, complex64, complex128)
_BY_NAME = {d.name: d for d in ALL}
_BY_NP = {d.np: d for d in ALL if d.np is not None}


def _dtype_by_name(name: str) -> dtype:
    return _BY_NAME[name]


def from_np(np_dtype: Any) -> dtype:
    """The torch dtype of a numpy / jax dtype."""
    try:
        return _BY_NP[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(f"jtorch has no dtype matching {np_dtype!r}") from None


def to_np(d: dtype) -> np.dtype:
    if d.np is None:
        raise NotImplementedError(f"{d} tensors are not supported: XLA has no such type")
    return d.np


# ---------------------------------------------------------------- default dtype
_default_float = float32


def get_default_dtype() -> dtype:
    return _default_float


def set_default_dtype(d: dtype) -> None:
    global _default_float
    if not isinstance(d, dtype) or d not in (float16, bfloat16, float32, float64):
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default_float = d


def default_complex() -> dtype:
    return complex128 if _default_float is float64 else complex64


# ---------------------------------------------------------------- promotion
def _category(d: dtype) -> builtins.int:
    if d is bool:
        return 0
    if d.is_complex:
        return 3
    if d.is_floating_point:
        return 2
    return 1


_FLOAT8 = (float8_e4m3fn, float8_e5m2)
_BIG_UNSIGNED = (uint16, uint32, uint64)


def promote_types(a: dtype, b: dtype) -> dtype:
    """torch.promote_types."""
    if a is b:
        return a
    if a in _FLOAT8 or b in _FLOAT8:
        raise RuntimeError(f"Promotion for Float8 Types is not supported, attempted to promote {a.name} and {b.name}")
    ca, cb = _category(a), _category(b)
    if ca < cb or (ca == cb and a._rank < b._rank):
        a, b, ca, cb = b, a, cb, ca  # now a is the "larger"
    if (a in _BIG_UNSIGNED and cb < 2) or (b in _BIG_UNSIGNED and (ca < 2 or ca == 3)):
        raise RuntimeError(f"Promotion for uint16, uint32, uint64 types is not supported, attempted to promote {a.name} and {b.name}")
    if ca == 3:
        if cb == 3:
            return a
        if cb == 2:
            real = promote_types(a.to_real(), b)
            return real.to_complex() if real is not bfloat16 else complex64
        return a
    if ca == 2:
        if cb == 2 and a._rank == b._rank:  # float16 with bfloat16
            return float32
        return a
    if ca == 1:
        if cb == 1 and a.is_signed != b.is_signed:
            signed, unsigned = (a, b) if a.is_signed else (b, a)
            # only uint8 remains here; it fits a signed type twice its size
            return signed if signed.itemsize > unsigned.itemsize else int16
        return a
    return a


def scalar_dtype(x: Any) -> dtype:
    """The dtype a Python scalar takes when it becomes a tensor on its own."""
    if isinstance(x, builtins.bool):
        return bool
    if isinstance(x, builtins.int):
        return int64
    if isinstance(x, builtins.float):
        return _default_float
    if isinstance(x, builtins.complex):
        return default_complex()
    if isinstance(x, np.generic):
        return from_np(x.dtype)
    raise TypeError(f"expected a number, got {type(x).__name__}")


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    # c10's combine_categories: a dimensioned operand keeps its dtype unless a lower-priority operand
    # belongs to a higher category (int < float < complex).
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.is_complex:
        return higher
    if higher.is_floating_point:
        if lower.is_complex:
            return higher.to_complex() if higher is not bfloat16 else complex64
        return higher
    if higher is bool or lower.is_floating_point or lower.is_complex:
        return promote_types(higher, lower)
    return higher


def result_type_of(dims: list, zeros: list, scalars: list) -> dtype:
    """PyTorch's result type for operands split into dimensioned tensors, 0-dim tensors and Python
    scalars (each list holds dtypes; scalars hold Python numbers)."""
    def fold(ds):
        out = None
        for d in ds:
            out = d if out is None else promote_types(out, d)
        return out

    wrapped = None
    for s in scalars:
        if isinstance(s, builtins.bool):
            d = bool
        elif isinstance(s, builtins.int):
            d = int64
        elif isinstance(s, builtins.float):
            d = _default_float
        elif isinstance(s, builtins.complex):
            d = default_complex()
        else:
            d = scalar_dtype(s)
        wrapped = d if wrapped is None else promote_types(wrapped, d)
    out = _combine(fold(dims), _combine(fold(zeros), wrapped))
    return out if out is not None else _default_float


def can_cast(from_: dtype, to: dtype) -> builtins.bool:
    """torch.can_cast: no float->int, complex->non-complex or non-bool->bool casts."""
    if from_.is_complex and not to.is_complex:
        return False
    if from_.is_floating_point and not (to.is_floating_point or to.is_complex):
        return False
    if from_ is not bool and to is bool:
        return False
    return True


# ---------------------------------------------------------------- finfo / iinfo
class finfo:
    def __init__(self, type: dtype | None = None):
        type = type or _default_float
        if not (type.is_floating_point or type.is_complex):
            raise TypeError(f"torch.finfo() requires a floating point input type. Use torch.iinfo to handle '{type}'")
        info = ml_dtypes.finfo(to_np(type.to_real()))
        self.dtype = type.to_real().name
        self.bits = info.bits
        self.eps = builtins.float(info.eps)
        self.max = builtins.float(info.max)
        self.min = builtins.float(info.min)
        self.tiny = self.smallest_normal = builtins.float(info.smallest_normal)
        self.resolution = 10.0 ** -builtins.int(info.precision)

    def __eq__(self, other: object) -> builtins.bool:
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self) -> builtins.int:
        return hash(("finfo", self.dtype))

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    def __init__(self, type: dtype):
        if type.is_floating_point or type.is_complex or type is bool:
            raise TypeError(f"torch.iinfo() requires an integer input type. Use torch.finfo to handle '{type}'")
        info = np.iinfo(np.uint8 if type is bool else to_np(type))
        self.dtype = type.name
        self.bits = info.bits
        self.max = builtins.int(info.max)
        self.min = builtins.int(info.min)

    def __eq__(self, other: object) -> builtins.bool:
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self) -> builtins.int:
        return hash(("iinfo", self.dtype))

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


def jnp_dtype(d: dtype) -> Any:
    """The dtype object jax.numpy expects."""
    return jnp.dtype(to_np(d))
