"""Random sampling and filling.

The in-place samplers (``uniform_``, ``normal_``, ``bernoulli_``, ``cauchy_``, ``exponential_``,
``geometric_``, ``log_normal_``, ``random_``) are registry entries; the factories (``rand``, ``randn``,
``randint`` and their ``_like`` forms) fill a new tensor with them, as torch does. ``normal``,
``multinomial``, ``poisson`` and ``randperm`` have entries of their own. ``fill_``/``zero_`` live here
too: they are the deterministic fillers.

Every sampler takes a ``Generator?`` argument, so the registry hands the body a fresh key drawn from
the generator (``jtorch/_random.py``): lift the generator state through ``jax.jit`` and a compiled run
draws the same numbers as an eager one. jtorch's streams are not PyTorch's streams.

Sampled values carry no gradient (torch's derivative of every sampler is zero), hence the
``lax.stop_gradient`` on parameters.
"""
from __future__ import annotations

import builtins
import math
import operator
import warnings
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _dtype
from .._random import as_key
from ..tensor import Tensor
from . import creation
from ._registry import KEEP, _type_name, exported, function, is_number, op, tensor_method
from .views import _expand_pre

_MASK64 = (1 << 64) - 1
_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1

# c10's names for dtypes in its error messages: TypeMeta names (random_/uniform_ bounds) ...
_CPP_NAME = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
             "uint8": "unsigned char", "int8": "signed char", "int16": "short int", "int32": "int",
             "int64": "long int", "uint16": "short unsigned int", "uint32": "unsigned int",
             "uint64": "long unsigned int", "bool": "bool", "complex64": "c10::complex<float>",
             "complex128": "c10::complex<double>"}
# ... and the names of checked scalar conversions (fill_)
_CONVERT_NAME = {**_CPP_NAME, "uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int64": "int64_t",
                 "uint16": "uint16_t", "uint32": "uint32_t", "uint64": "uint64_t"}
# bits of mantissa (std::numeric_limits<T>::digits): floats hold every integer up to 2^digits
_DIGITS = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}


def _g(x: Any) -> str:
    """A number as C++ streams print it (torch's messages)."""
    return f"{x:g}" if isinstance(x, builtins.float) else str(x)


def _not_implemented(kernel: str, d: _dtype.dtype) -> NotImplementedError:
    return NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(d)}\'')


def _is_float(d: _dtype.dtype) -> bool:
    return d.is_floating_point


def _float_arg(fn: str, name: str, pos: int, v: Any) -> Any:
    """A float parameter: a real Python number, or a 0-d real tensor (kept dynamic)."""
    if isinstance(v, Tensor):
        if v.dim() != 0 or v.dtype.is_complex:
            raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be float, not Tensor")
        return v
    if not is_number(v) or isinstance(v, (builtins.complex, np.complexfloating)):
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be float, not {type(v).__name__}")
    return v


def _sg(v: Any) -> Any:
    return v if isinstance(v, (builtins.int, builtins.float)) else lax.stop_gradient(v)


def _real_dtype(x: Any) -> Any:
    """The dtype samples are computed in: float64 for double precision, float32 otherwise."""
    return jnp.float64 if x.dtype in (jnp.float64, jnp.complex128) else jnp.float32


def _per_component(x: Any, sample: Callable) -> Any:
    """``sample(shape)`` for real ``x``; for complex ``x`` the real and imaginary parts are drawn
    independently (torch samples complex tensors as their real view)."""
    if jnp.issubdtype(x.dtype, jnp.complexfloating):
        s = sample(x.shape + (2,))
        return lax.complex(s[..., 0], s[..., 1])
    return sample(x.shape)


# ------------------------------------------------------------------ in-place samplers
def _dtype_guard(kernel: str, allow: Callable) -> Callable:
    def check(input, *rest):
        if not allow(input.dtype):
            raise _not_implemented(kernel, input.dtype)
    return check


def _continuous_guard(name: str, cpp_names: bool) -> Callable:
    def check(input, *rest):
        d = input.dtype
        if not d.is_floating_point:
            shown = _CPP_NAME[d.name] if cpp_names else _type_name(d)
            raise RuntimeError(f"{name} distribution is a continuous probability distribution. dtype must be a "
                               f"floating point but you specified {shown}")
    return check


def _uniform_pre(input, from_=0, to=1, generator=None):
    from_, to = _float_arg("uniform_", "from", 1, from_), _float_arg("uniform_", "to", 2, to)
    d = input.dtype
    if is_number(from_) and is_number(to) and (d.is_floating_point or d.is_complex):
        info = _dtype.finfo(d)
        name = _CPP_NAME[d.to_real().name]
        for v, what in ((from_, "from"), (to, "to")):
            if not info.min <= v <= info.max:
                raise RuntimeError(f"{what} is out of bounds for {name}")
        if from_ > to:
            raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={_g(from_)} > "
                               f"to={_g(to)}")
        if to - from_ > info.max:
            raise RuntimeError(f"uniform_ expects to-from <= std::numeric_limits<{_type_name(d.to_real())}>::max(), "
                               f"but found to={_g(to)} and from={_g(from_)} which result in to-from to exceed the "
                               "limit")
    return input, from_, to, generator


@op("uniform(Tensor input, Scalar from=0, Scalar to=1, *, Generator? generator=None) -> Tensor", inplace=True,
    function=False, method=False, saves="none", pre=_uniform_pre,
    check=_dtype_guard("check_uniform_bounds", lambda d: d.is_floating_point or d.is_complex))
def _uniform(x, lo, hi, *, generator):
    key, rdt = as_key(generator), _real_dtype(x)
    tdt = jnp.real(jnp.zeros((), x.dtype)).dtype
    lo, hi = _sg(lo), _sg(hi)

    def sample(shape):
        r = (lo + (hi - lo) * _unit(key, shape, tdt, rdt)).astype(tdt)
        top = jnp.asarray(hi, rdt).astype(tdt)
        # rounding to a narrow dtype may reach ``to``: keep the interval half-open, as torch
        return jnp.where((r >= top) & (top > jnp.asarray(lo, rdt).astype(tdt)), jnp.nextafter(top, -jnp.inf), r)
    return _per_component(x, sample)


def _unit(key: Any, shape: tuple, target: Any, rdt: Any) -> Any:
    """U[0, 1) in ``rdt``. For float16/bfloat16, torch's grid k / 2^digits (k < 2^digits): a float32
    draw would round up to 1 in the narrow type."""
    digits = {jnp.dtype(jnp.float16): 11, jnp.dtype(jnp.bfloat16): 8}.get(jnp.dtype(target))
    if digits is None:
        return jax.random.uniform(key, shape, rdt)
    k = jax.random.bits(key, shape, jnp.uint32) & np.uint32((1 << digits) - 1)
    return k.astype(rdt) * (1.0 / (1 << digits))


def _normal_inplace_pre(input, mean=0, std=1, generator=None):
    mean, std = _float_arg("normal_", "mean", 1, mean), _float_arg("normal_", "std", 2, std)
    if is_number(std) and not std >= 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_g(std)}")
    return input, mean, std, generator


@op("normal(Tensor input, Scalar mean=0, Scalar std=1, *, Generator? generator=None) -> Tensor", inplace=True,
    function=False, method=False, saves="none", pre=_normal_inplace_pre,
    check=_dtype_guard("normal_kernel_cpu", lambda d: d.is_floating_point or d.is_complex))
def _normal_(x, mean, std, *, generator):
    key, rdt = as_key(generator), _real_dtype(x)
    if jnp.issubdtype(x.dtype, jnp.complexfloating):
        std = _sg(std) / math.sqrt(2.0)  # each part of a complex normal has half the variance
    return _per_component(x, lambda shape: _sg(mean) + _sg(std) * jax.random.normal(key, shape, rdt))


def _positive_pre(fn: str, names: tuple, shown: str) -> Callable:
    """Check float parameters ``names``; the last must be > 0 (``shown``: its name in torch's message)."""
    def pre(input, *args):
        *params, generator = args
        params = [_float_arg(fn, n, i + 1, v) for i, (n, v) in enumerate(zip(names, params))]
        if is_number(params[-1]) and not params[-1] > 0:
            raise RuntimeError(f"{fn} expects {shown} > 0.0, but found {shown}={_g(params[-1])}")
        return (input, *params, generator)
    return pre


@op("cauchy(Tensor input, Scalar median=0, Scalar sigma=1, *, Generator? generator=None) -> Tensor", inplace=True,
    function=False, method=False, saves="none", pre=_positive_pre("cauchy_", ("median", "sigma"), "sigma"),
    check=_continuous_guard("Cauchy", cpp_names=True))
def _cauchy(x, median, sigma, *, generator):
    return _sg(median) + _sg(sigma) * jax.random.cauchy(as_key(generator), x.shape, _real_dtype(x))


@op("exponential(Tensor input, Scalar lambd=1, *, Generator? generator=None) -> Tensor", inplace=True,
    function=False, method=False, saves="none", pre=_positive_pre("exponential_", ("lambd",), "lambda"),
    check=_continuous_guard("Exponential", cpp_names=False))
def _exponential(x, lambd, *, generator):
    return jax.random.exponential(as_key(generator), x.shape, _real_dtype(x)) / _sg(lambd)


def _geometric_pre(input, p, generator=None):
    p = _float_arg("geometric_", "p", 1, p)
    if is_number(p) and not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_g(p)}")
    return input, p, generator


@op("geometric(Tensor input, Scalar p, *, Generator? generator=None) -> Tensor", inplace=True, function=False,
    method=False, saves="none", pre=_geometric_pre,
    check=_dtype_guard("geometric_cpu", lambda d: not d.is_complex and d is not _dtype.bool))
def _geometric(x, p, *, generator):
    u = jax.random.uniform(as_key(generator), x.shape, _real_dtype(x))
    # the number of Bernoulli(p) trials up to the first success: at least 1
    return jnp.maximum(jnp.ceil(jnp.log1p(-u) / jnp.log1p(-_sg(p))), 1)


@op("log_normal(Tensor input, Scalar mean=1, Scalar std=2, *, Generator? generator=None) -> Tensor",
    inplace=True, function=False, method=False, saves="none", pre=_positive_pre("log_normal_", ("mean", "std"), "std"),
    check=_dtype_guard("log_normal_cpu", _is_float), node_name="LogNormalBackward0")
def _log_normal(x, mean, std, *, generator):
    return jnp.exp(_sg(mean) + _sg(std) * jax.random.normal(as_key(generator), x.shape, _real_dtype(x)))


def _bernoulli_pre(input, p=0.5, generator=None):
    if isinstance(p, Tensor):
        if input.dtype.is_complex:
            raise _not_implemented("bernoulli_tensor_cpu_self_", input.dtype)
        if not p.dtype.is_floating_point:
            raise _not_implemented("bernoulli_tensor_cpu_p_", p.dtype)
        _expand_pre(p, tuple(input.shape))
        v = p._value
        if not isinstance(v, jax.core.Tracer) and v.size and not builtins.bool(jnp.all((v >= 0) & (v <= 1))):
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
                               "message be improved?  If so, please report an enhancement request to PyTorch.)")
    else:
        p = _float_arg("bernoulli_", "p", 1, p)
        if input.dtype.is_complex:
            raise _not_implemented("bernoulli_scalar_cpu_", input.dtype)
        if is_number(p) and not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_g(p)}")
    return input, p, generator


@op("bernoulli(Tensor input, Tensor|Scalar p=0.5, *, Generator? generator=None) -> Tensor", inplace=True,
    function=False, method=False, saves="none", pre=_bernoulli_pre)
def _bernoulli_(x, p, *, generator):
    u = jax.random.uniform(as_key(generator), x.shape, _real_dtype(x))
    return u < _sg(p)


@op("_random(Tensor input, int from, int? to, *, Generator? generator=None) -> Tensor", inplace=True,
    function=False, method=False, saves="none", node_name="RandomBackward0")
def _random(x, lo, hi, *, generator):
    """Integers in [lo, hi) (hi=None: all of int64), wrapped to 64 bits then cast, as torch's kernel."""
    bits = jax.random.bits(as_key(generator), x.shape, jnp.uint64)
    if hi is not None:
        bits = bits % np.uint64(hi - lo)
    return lax.bitcast_convert_type(bits + np.uint64(lo & _MASK64), jnp.int64)


def _int_arg(fn: str, name: str, pos: int, v: Any) -> int:
    try:
        i = operator.index(v)
    except TypeError:
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be int, not {type(v).__name__}") from None
    if not _INT64_MIN <= i <= _INT64_MAX:
        raise ValueError("Overflow when unpacking long long")
    return i


def _check_in_range(d: _dtype.dtype, from_: int, to_inc: int) -> None:
    """torch's check_from_to_in_range."""
    name = _CPP_NAME.get(d.name, d.name)
    if d.is_floating_point:
        info = _dtype.finfo(d)
        for v, what in ((from_, "from"), (to_inc, "to - 1")):
            if not info.min <= v <= info.max:
                raise RuntimeError(f"{what} is out of bounds for {name}")
        digits = _DIGITS[d.name]
        for v, what in ((from_, "from"), (to_inc, "to - 1")):
            if not -(1 << digits) <= v <= 1 << digits:
                warnings.warn(f"{what} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision limitations "
                              f"{name} can support discrete uniform distribution only within this range. This "
                              "warning will become an error in version 1.7 release, please fix the code in advance",
                              UserWarning, stacklevel=4)
    elif d.is_complex:
        raise RuntimeError("check_random_bounds handles only integral, floating-point and boolean types")
    else:
        lo, hi = (0, 1) if d is _dtype.bool else (np.iinfo(d.np).min, np.iinfo(d.np).max)
        for v, what in ((from_, "from"), (to_inc, "to - 1")):
            if not lo <= v <= hi:
                raise RuntimeError(f"{what} is out of bounds for {name}")


def _random_bounds(d: _dtype.dtype, from_: int | None, to: int | None) -> tuple:
    """torch's random_ overloads as a half-open range [lo, hi); hi None means all 64 bits.
    ``from_`` None: random_() without bounds."""
    if from_ is None:  # [0, the largest exactly representable value]
        if d.is_complex or d.name in ("uint16", "uint32", "uint64"):
            raise _not_implemented("random_kernel_cpu", d)
        if d.is_floating_point:
            return 0, (1 << _DIGITS[d.name]) + 1
        return 0, (2 if d is _dtype.bool else int(np.iinfo(d.np).max) + 1)
    if to is not None:
        if from_ >= to:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={from_} >= to={to}")
        _check_in_range(d, from_, to - 1)
        return from_, to
    if from_ == _INT64_MIN:
        if d.is_complex or d in (_dtype.float16, _dtype.bool):
            raise _not_implemented("random_full_64_bits_range_kernel_cpu", d)
        if d not in (_dtype.int64, _dtype.float64, _dtype.float32, _dtype.bfloat16):
            raise RuntimeError("random_full_64_bits_range_kernel_cpu handles only int64, double, float and bfloat16")
        return from_, None
    if d.is_floating_point:
        to_inc = 1 << _DIGITS[d.name]
        if from_ >= to_inc:
            raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' casted "
                               f"to dtype, but got from={from_} > to_inc={to_inc}")
    elif d.is_complex:
        raise RuntimeError("random_from_to_impl handles only integral, floating-point and boolean types")
    else:
        to_inc = 1 if d is _dtype.bool else int(np.iinfo(d.np).max)
    _check_in_range(d, from_, to_inc)
    return from_, to_inc + 1


_UNSET = object()


@tensor_method("random_")
def random_(self: Tensor, *args: Any, generator=None, **kwargs: Any) -> Tensor:
    """random_(from, to) / random_(to) / random_(): torch's three overloads."""
    unknown = set(kwargs) - {"from", "to"}
    if unknown or len(args) > 2:
        raise TypeError(f"random_() received an invalid combination of arguments - got {len(args)} positional "
                        f"arguments and keywords {sorted(kwargs)}")
    if len(args) == 2 and kwargs:
        raise TypeError("random_() got multiple values for argument 'from' or 'to'")
    from_: Any = kwargs.get("from", _UNSET)
    to: Any = kwargs.get("to", _UNSET)
    if len(args) == 2:
        from_, to = args
    elif len(args) == 1:
        if to is _UNSET:
            to = args[0]
        else:
            from_ = args[0]
    if from_ is _UNSET and to is _UNSET:
        lo, hi = _random_bounds(self.dtype, None, None)
    else:
        from_ = 0 if from_ is _UNSET else _int_arg("random_", "from", 1, from_)
        to = None if to is None else _int_arg("random_", "to", 2 if len(args) == 2 else 1, to)
        lo, hi = _random_bounds(self.dtype, from_, to)
    if self.numel() == 0:
        return self
    return self._random_(lo, hi, generator=generator)


# ------------------------------------------------------------------ fill_ / zero_
def _convert_overflows(value: Any, d: _dtype.dtype) -> bool:
    """c10's checked scalar conversion: would ``value`` overflow ``d``?"""
    if d is _dtype.bool:
        return False
    if isinstance(value, (builtins.complex, np.complexfloating)):
        if not d.is_complex:
            return value.imag != 0 or _convert_overflows(value.real, d)
        return _convert_overflows(value.real, d.to_real()) or _convert_overflows(value.imag, d.to_real())
    if d.is_floating_point or d.is_complex:
        big = _dtype.finfo(d).max
        return math.isfinite(value) and builtins.abs(value) > big
    info = np.iinfo(d.np)
    if isinstance(value, (builtins.float, np.floating)):
        return not info.min <= value <= info.max  # NaN fails too
    if info.min == 0 and value < 0:  # unsigned targets accept negatives down to -max (two's complement)
        return -value > info.max
    return not info.min <= value <= info.max


def _fill_pre(input, value):
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.dim()} "
                               "dimensions.")
    elif not is_number(value):
        raise TypeError(f"fill_() received an invalid combination of arguments - got ({type(value).__name__}), "
                        "but expected one of: (Tensor value), (Number value)")
    elif _convert_overflows(value, input.dtype):
        raise RuntimeError(f"value cannot be converted to type {_CONVERT_NAME.get(input.dtype.name)} without "
                           "overflow")
    return input, value


@op("fill(Tensor input, Tensor|Scalar value) -> Tensor", inplace=True, method=False, out=False, saves="none",
    pre=_fill_pre, node_name="FillBackward2")
def fill(x, value):
    if jnp.issubdtype(value.dtype, jnp.complexfloating) and not jnp.issubdtype(x.dtype, jnp.complexfloating):
        value = jnp.real(value)
    return jnp.broadcast_to(value.astype(x.dtype), x.shape)


@op("zero(Tensor input) -> Tensor", inplace=True, function=False, method=False, saves="none")
def _zero(x):
    return jnp.zeros_like(x)


# ------------------------------------------------------------------ factories
def _size(fn: str, args: tuple, size: Any) -> tuple:
    if size is not None:
        if args:
            raise TypeError(f"{fn}() got multiple values for argument 'size'")
        args = (size,)
    if not args:
        raise TypeError(f"{fn}() received an invalid combination of arguments - got (), but expected (tuple of "
                        "ints size, ...)")
    if len(args) == 1 and isinstance(args[0], (builtins.tuple, builtins.list)):
        args = builtins.tuple(args[0])
    shape = []
    for s in args:
        try:
            shape.append(operator.index(s))
        except TypeError:
            raise TypeError(f"{fn}(): argument 'size' (position 1) must be tuple of ints, not "
                            f"{type(s).__name__}") from None
    for s in shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {shape}")
    return builtins.tuple(shape)


def _factory_dtype(dtype: Any, out: Tensor | None, default: _dtype.dtype) -> _dtype.dtype:
    dt = creation._as_dtype_arg(dtype)
    if out is not None:
        if dt is not None and dt != out.dtype:
            raise RuntimeError(f"dtype {_type_name(dt)} does not match dtype of out parameter "
                               f"({_type_name(out.dtype)})")
        return out.dtype
    return dt or default


def _check_layout(layout: Any) -> None:
    if layout is not None and layout is not creation.strided:
        raise NotImplementedError(f"layout={layout} is not supported; jtorch tensors are strided")


def _into(t: Tensor, out: Tensor | None) -> Tensor:
    """Write a sampled tensor into ``out`` (resized like torch's out= when it is not a view)."""
    if out is None:
        return t
    if not isinstance(out, Tensor):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    if out._base is not None and builtins.tuple(out.shape) != builtins.tuple(t.shape):
        raise RuntimeError(f"out= view has shape {list(out.shape)} but the result has shape {list(t.shape)}")
    out._check_inplace()
    v = t._value
    return out._commit(Tensor._make(v if v.dtype == out._value.dtype else v.astype(out._value.dtype)))


def _sampled(shape: tuple, dt: _dtype.dtype, device: Any, requires_grad: bool, layout: Any,
             out: Tensor | None, fill: Callable[[Tensor], Any]) -> Tensor:
    """A new tensor, sampled in place by ``fill`` (torch's ``empty(...).sampler_()``)."""
    _check_layout(layout)
    t = creation._filled(shape, 0, dt, device, False)
    fill(t)
    t._vc = None  # a fresh tensor: version 0, as torch's factories (the fill is not a user's write)
    return _into(_requires_grad(t, requires_grad), out)


def _requires_grad(t: Tensor, requires_grad: bool) -> Tensor:
    if requires_grad:
        if not (t.dtype.is_floating_point or t.dtype.is_complex):
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t.requires_grad_(True)
    return t


def _like(input: Tensor, dtype: Any, device: Any, requires_grad: bool, layout: Any, fill: Callable) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    dt, dev = creation._like_kwargs(input, dtype, device)
    return _sampled(builtins.tuple(input.shape), dt, dev, requires_grad, layout, None, fill)


# NOTE: pin_memory is accepted and has no effect: host memory belongs to jax (as Tensor.pin_memory).
@function
def rand(*size: Any, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
         pin_memory: bool = False, **kwargs: Any) -> Tensor:
    shape = _size("rand", size, _size_kw("rand", kwargs))
    dt = _factory_dtype(dtype, out, _dtype.get_default_dtype())
    return _sampled(shape, dt, device, requires_grad, layout, out, lambda t: t.uniform_(generator=generator))


@function
def randn(*size: Any, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
          pin_memory: bool = False, **kwargs: Any) -> Tensor:
    shape = _size("randn", size, _size_kw("randn", kwargs))
    dt = _factory_dtype(dtype, out, _dtype.get_default_dtype())
    return _sampled(shape, dt, device, requires_grad, layout, out, lambda t: t.normal_(generator=generator))


def _size_kw(fn: str, kwargs: dict) -> Any:
    """``size=``: a keyword that cannot sit beside ``*size`` in a Python signature."""
    for k in kwargs:
        if k != "size":
            raise TypeError(f"{fn}() got an unexpected keyword argument '{k}'")
    return kwargs.get("size")


@function
def rand_like(input: Tensor, *, generator=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
              memory_format=None) -> Tensor:
    return _like(input, dtype, device, requires_grad, layout, lambda t: t.uniform_(generator=generator))


@function
def randn_like(input: Tensor, *, generator=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
               memory_format=None) -> Tensor:
    return _like(input, dtype, device, requires_grad, layout, lambda t: t.normal_(generator=generator))


def _low_high(fn: str, ints: tuple, low: Any, high: Any) -> tuple:
    """randint's ``(high)`` / ``(low, high)`` forms, positional or keyword."""
    if len(ints) > 2 or (len(ints) == 2 and (low is not None or high is not None)):
        raise TypeError(f"{fn}() received an invalid combination of arguments")
    if len(ints) == 2:
        low, high = ints
    elif len(ints) == 1:
        if high is None:
            high = ints[0]
        elif low is None:
            low = ints[0]
        else:
            raise TypeError(f"{fn}() got multiple values for argument 'low'")
    if high is None:
        raise TypeError(f"{fn}() missing 1 required positional arguments: \"high\"")
    pos = 1 if fn == "randint" else 2
    return (0 if low is None else _int_arg(fn, "low", pos, low)), _int_arg(fn, "high", pos + (len(ints) == 2), high)


@function
def randint(*args: Any, low=None, high=None, size=None, generator=None, out=None, dtype=None, layout=None,
            device=None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    if size is None:
        if not args:
            raise TypeError("randint() missing 1 required positional arguments: \"size\"")
        *ints, size = args
        if not isinstance(size, (builtins.tuple, builtins.list)):
            raise TypeError(f"randint(): argument 'size' (position {len(args)}) must be tuple of ints, not "
                            f"{type(size).__name__}")
    else:
        ints = list(args)
    lo, hi = _low_high("randint", builtins.tuple(ints), low, high)
    shape = _size("randint", (), size)
    dt = _factory_dtype(dtype, out, _dtype.int64)
    return _sampled(shape, dt, device, requires_grad, layout, out,
                    lambda t: t.random_(lo, hi, generator=generator))


@function
def randint_like(input: Tensor, *args: Any, low=None, high=None, generator=None, dtype=None, layout=None,
                 device=None, requires_grad: bool = False, memory_format=None) -> Tensor:
    lo, hi = _low_high("randint_like", args, low, high)
    return _like(input, dtype, device, requires_grad, layout, lambda t: t.random_(lo, hi, generator=generator))


# ------------------------------------------------------------------ randperm
def _randperm_check(n, dtype, generator=None):
    if dtype is _dtype.bool or dtype.is_complex or dtype.name in ("uint16", "uint32", "uint64"):
        raise _not_implemented("randperm", dtype)
    if dtype.is_floating_point:
        limit = {"float16": (2049, "2049"), "float32": ((1 << 24) + 1, "2^24+1"),
                 "float64": ((1 << 53) + 1, "2^53+1")}.get(dtype.name)
        if limit is not None and n > limit[0]:
            raise RuntimeError(f"n cannot be greater than {limit[1]} for {_type_name(dtype)} type.")
    elif n > 0 and n - 1 > np.iinfo(dtype.np).max:
        raise RuntimeError(f"value cannot be converted to type {_CONVERT_NAME[dtype.name]} without overflow")


@op("randperm(int n, ScalarType dtype, *, Generator? generator=None) -> Tensor", function=False, method=False,
    out=False, differentiable=False, check=_randperm_check)
def _randperm(n, dtype, *, generator):
    return jax.random.permutation(as_key(generator), n).astype(dtype.np)


@function
def randperm(n: int, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    n = _int_arg("randperm", "n", 1, n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    _check_layout(layout)
    dt = _factory_dtype(dtype, out, _dtype.int64)
    t = creation.place(_randperm(n, dt, generator=generator), device)
    return _into(_requires_grad(t, requires_grad), out)


# ------------------------------------------------------------------ normal, bernoulli, multinomial, poisson
def _broadcast(a: tuple, b: tuple) -> tuple:
    out = []
    for i in builtins.range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton "
                               f"dimension {max(len(a), len(b)) - i}")
        out.append(y if x == 1 else x)
    return builtins.tuple(reversed(out))


def _normal_pre(mean, std, generator=None):
    if isinstance(std, Tensor):
        v = std._value
        if not isinstance(v, jax.core.Tracer) and v.size and not builtins.bool(jnp.all(v >= 0)):
            raise RuntimeError("normal expects all elements of std >= 0.0")
        if isinstance(mean, Tensor):
            _broadcast(builtins.tuple(mean.shape), builtins.tuple(std.shape))
    elif is_number(std) and not std >= 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_g(std)}")
    return mean, std, generator


def _normal_check(mean, std, generator=None):
    d = (mean if isinstance(mean, Tensor) else std).dtype
    if not (d.is_floating_point or d.is_complex):
        raise _not_implemented("normal_kernel_cpu", d)


@op("_normal(Tensor|Scalar mean, Tensor|Scalar std, *, Generator? generator=None) -> Tensor", promote=KEEP,
    function=False, method=False, saves="none", pre=_normal_pre, check=_normal_check,
    node_name="NormalBackward3")
def _normal(mean, std, *, generator):
    mean, std = lax.stop_gradient(mean), lax.stop_gradient(std)
    if jnp.issubdtype(std.dtype, jnp.complexfloating):
        std = jnp.real(std)
    shape = jnp.broadcast_shapes(jnp.shape(mean), jnp.shape(std))
    dt = mean.dtype if jnp.issubdtype(mean.dtype, jnp.complexfloating) else _real_dtype(mean)
    # jax's complex normal already has variance 1/2 in each part, as torch's
    return mean + std * jax.random.normal(as_key(generator), shape, dt)


_NO = object()


@function
def normal(mean: Any = _NO, std: Any = _NO, size: Any = None, *, generator=None, out=None, dtype=None,
           layout=None, device=None, pin_memory: bool = False, requires_grad: bool = False) -> Tensor:
    """normal(mean, std) with a tensor mean and/or std, or normal(mean, std, size) with numbers."""
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        if size is not None or dtype is not None or layout is not None or device is not None or requires_grad:
            raise TypeError("normal() received an invalid combination of arguments: size, dtype, layout, device and "
                            "requires_grad go only with a float mean and std")
        if mean is _NO:
            raise TypeError('normal() missing 1 required positional arguments: "mean"')
        return _normal(mean, 1.0 if std is _NO else std, generator=generator, out=out)
    if mean is _NO or std is _NO or size is None or not isinstance(size, (builtins.tuple, builtins.list)):
        raise TypeError("normal() received an invalid combination of arguments: expected (Tensor mean, Tensor std), "
                        "(Tensor mean, float std), (float mean, Tensor std) or (float mean, float std, tuple of "
                        "ints size)")
    shape = _size("normal", (), size)
    dt = _factory_dtype(dtype, out, _dtype.get_default_dtype())
    return _sampled(shape, dt, device, requires_grad, layout, out,
                    lambda t: t.normal_(mean, std, generator=generator))


@function
def bernoulli(input: Tensor, p: Any = None, *, generator=None, out=None) -> Tensor:
    """bernoulli(input): ``input`` holds the probabilities; bernoulli(input, p): a float ``p`` for every
    element, ``input`` gives the shape and dtype."""
    if not isinstance(input, Tensor):
        raise TypeError(f"bernoulli(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if p is not None and (not is_number(p) or out is not None):
        raise TypeError("bernoulli() received an invalid combination of arguments - expected (Tensor input, *, "
                        "Generator generator, Tensor out) or (Tensor input, float p, *, Generator generator)")
    if p is None and not input.dtype.is_floating_point:
        raise (_not_implemented("bernoulli_tensor_cpu_self_", input.dtype) if input.dtype.is_complex
               else _not_implemented("bernoulli_tensor_cpu_p_", input.dtype))
    return _into(_like(input, None, None, False, None,
                       lambda t: t.bernoulli_(input if p is None else p, generator=generator)), out)


@tensor_method("bernoulli")
def _bernoulli_method(self: Tensor, p: Any = None, *, generator=None) -> Tensor:
    return bernoulli(self, p, generator=generator)


def _concrete_value(t: Tensor) -> Any:
    v = t._value
    return None if isinstance(v, jax.core.Tracer) else v


def _multinomial_pre(input, num_samples, replacement=False, generator=None):
    if not 1 <= input.dim() <= 2:
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{_type_name(input.dtype)}")
    n = _int_arg("multinomial", "num_samples", 2, num_samples)
    if n <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    categories = input.shape[-1]
    if not replacement and n > categories:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if categories > 1 << 24:
        raise RuntimeError("number of categories cannot exceed 2^24")
    v = _concrete_value(input)
    if v is not None and v.size:  # value checks need values: skipped while tracing
        v = v.astype(jnp.float32) if v.dtype in (jnp.float16, jnp.bfloat16) else v
        sums_ok = builtins.bool(jnp.all(v.sum(-1) > 0))
        if not replacement or n == 1:
            if not builtins.bool(jnp.all(v >= 0) & jnp.all(v < jnp.inf)):
                raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        elif not builtins.bool(jnp.all(v >= 0)):  # NaN lands here too, as in torch
            raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
        elif not builtins.bool(jnp.all(jnp.isfinite(v))):
            raise RuntimeError("invalid multinomial distribution (encountering probability entry = infinity or NaN)")
        if not sums_ok:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    return input, n, replacement, generator


@op("multinomial(Tensor input, int num_samples, bool replacement=False, *, Generator? generator=None) -> Tensor",
    differentiable=False, pre=_multinomial_pre)
def multinomial(p, num_samples, replacement=False, *, generator):
    key = as_key(generator)
    p = lax.stop_gradient(p).astype(_real_dtype(p))
    if replacement and num_samples > 1:
        draws = jax.random.categorical(key, jnp.log(p), axis=-1, shape=(num_samples,) + p.shape[:-1])
        return jnp.moveaxis(draws, 0, -1).astype(jnp.int64)
    # without replacement: the largest p / Exp(1) keys (torch's exponential race / Gumbel top-k)
    q = p / jax.random.exponential(key, p.shape, p.dtype)
    return lax.top_k(q, num_samples)[1].astype(jnp.int64)


def _poisson_pre(input, generator=None):
    if not input.dtype.is_floating_point:
        raise _not_implemented("poisson_cpu", input.dtype)
    v = _concrete_value(input)
    if v is not None and v.size and not builtins.bool(jnp.all(v >= 0)):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    return input, generator


@op("poisson(Tensor input, Generator? generator=None) -> Tensor", method=False, out=False, saves="none",
    pre=_poisson_pre)
def poisson(rate, generator):
    lam = lax.stop_gradient(rate).astype(_real_dtype(rate))
    return jax.random.poisson(as_key(generator), lam, rate.shape, jnp.int64).astype(rate.dtype)


__all__ = exported(__name__)
