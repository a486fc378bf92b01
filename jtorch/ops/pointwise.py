"""Pointwise ops: arithmetic, rounding, clamp/where, comparisons, logical and bitwise ops, complex parts.

Bodies receive their operands already cast to the computation dtype (the ``promote`` kind) and the
registry casts the result to the result dtype, so most bodies are one line of jax.numpy. Math and
special functions (exp, lgamma, atan2, relu ...) live in ``pointwise_math.py``.

Which dtypes an op accepts is data too: ``supports("fi", ...)`` rejects the others with the exception
torch's kernel raises.
"""
from __future__ import annotations

import builtins
import functools
from typing import Any, Callable

import jax
import jax.numpy as jnp
from jax.custom_derivatives import SymbolicZero

from .. import _dtype
from ..tensor import Tensor
from ._registry import (
    _EXPORTS,
    ALWAYS_BOOL,
    BOOL_TO_LONG,
    COMPLEX_TO_FLOAT,
    DEFAULT,
    FUNCTIONS,
    INT_TO_FLOAT,
    _type_name,
    exported,
    function,
    is_number,
    op,
    tensor_method,
)


# ------------------------------------------------------------------ argument checks shared by the family
def _kind(d: _dtype.dtype) -> str:
    return "b" if d is _dtype.bool else "c" if d.is_complex else "f" if d.is_floating_point else "i"


def common_dtype(args: tuple) -> _dtype.dtype:
    """The promoted dtype of the tensors and numbers among ``args`` (torch.result_type for many)."""
    dims, zeros, scalars = [], [], []
    for a in args:
        if isinstance(a, Tensor):
            (dims if a.dim() else zeros).append(a.dtype)
        elif is_number(a):
            scalars.append(a)
    return _dtype.result_type_of(dims, zeros, scalars)


def supports(kinds: str, kernel: str, n: int = 1, errors: dict | None = None) -> Callable:
    """A ``check=`` accepting the dtype kinds torch's kernel has: b(ool), i(nteger), f(loating), c(omplex),
    judged on the promoted dtype of the first ``n`` arguments. Other kinds raise torch's
    NotImplementedError for ``kernel``, or the (exception, message) that ``errors`` gives for the kind."""
    def check(*args):
        d = common_dtype(args[:n])
        k = _kind(d)
        if k not in kinds:
            if errors and k in errors:
                exc, msg = errors[k]
                raise exc(msg)
            raise NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(d)}\'')
    return check


def all_of(*checks: Callable) -> Callable:
    def check(*args):
        for c in checks:
            c(*args)
    return check


def needs_tensor(name: str, n: int = 2) -> Callable:
    """A ``check=`` for ops whose operands may be numbers, but not all of them."""
    def check(*args):
        if not any(isinstance(a, Tensor) for a in args[:n]):
            got = ", ".join(type(a).__name__ for a in args[:n])
            raise TypeError(f"{name}() received an invalid combination of arguments - got ({got}), but expected "
                            f"at least one Tensor")
    return check


def _integral(x: Any) -> bool:
    if isinstance(x, Tensor):
        return not (x.dtype.is_floating_point or x.dtype.is_complex)
    return isinstance(x, int)


def _no_int_zero_division(x: Any, y: Any) -> None:
    # NOTE: torch raises for an integer divisor of 0. That needs the divisor's values, so it is checked
    # eagerly; under jax.jit there are no values and the result at such positions is XLA's.
    if not (_integral(x) and _integral(y)) or common_dtype((x, y)) is _dtype.bool:
        return
    if isinstance(y, Tensor):
        v = y._value
        if not isinstance(v, jax.core.Tracer) and bool(jnp.any(v == 0)):
            raise RuntimeError("ZeroDivisionError")
    elif y == 0:
        raise RuntimeError("ZeroDivisionError")


def _int_division_pre(input, other, *rest):
    _no_int_zero_division(input, other)
    return (input, other) + rest


def _no_bool_sub(input, other, alpha=1):
    if all((isinstance(x, Tensor) and x.dtype is _dtype.bool) or isinstance(x, bool) for x in (input, other)):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                           "`logical_xor()` operator instead.")
    if any((isinstance(x, Tensor) and x.dtype is _dtype.bool) or isinstance(x, bool) for x in (input, other)):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
                           "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    _check_alpha(input, other, alpha)


def _check_alpha(input, other, alpha=1):
    if isinstance(alpha, float) and not isinstance(alpha, bool):
        if all(_integral(x) for x in (input, other)):
            raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")


# ------------------------------------------------------------------ arithmetic
@op("add(Tensor input, Tensor|Scalar other, *, Scalar alpha=1) -> Tensor", promote=DEFAULT, inplace=True,
    saves="none", dunders=("__add__", "__radd__"), check=_check_alpha)
def add(x, y, *, alpha):
    return x + _scaled(y, alpha)


def _scaled(y, alpha):
    """y * alpha; alpha is a static 1 (the default) or a dynamic scalar."""
    if isinstance(alpha, int) and alpha == 1:
        return y
    return y * jnp.asarray(alpha).astype(y.dtype)


@op("sub(Tensor input, Tensor|Scalar other, *, Scalar alpha=1) -> Tensor", promote=DEFAULT, inplace=True,
    saves="none", dunders=("__sub__",), check=_no_bool_sub)
def sub(x, y, *, alpha):
    return x - _scaled(y, alpha)


@op("rsub(Tensor input, Tensor|Scalar other, *, Scalar alpha=1) -> Tensor", promote=DEFAULT, saves="none",
    dunders=("__rsub__",), check=_no_bool_sub)
def rsub(x, y, *, alpha):
    return y - _scaled(x, alpha)


@op("mul(Tensor input, Tensor|Scalar other) -> Tensor", promote=DEFAULT, inplace=True, saves="others",
    dunders=("__mul__", "__rmul__"))
def mul(x, y):
    return x & y if x.dtype == jnp.bool_ else x * y


def _div_kind(input, other, rounding_mode=None):
    return INT_TO_FLOAT if rounding_mode is None else DEFAULT


def _div_check(input, other, rounding_mode=None):
    if rounding_mode not in (None, "trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                         f"'{rounding_mode}'")
    if rounding_mode is not None:
        supports("if", f"div_{rounding_mode}_cpu", 2)(input, other)


def _div_pre(input, other, rounding_mode=None):
    if rounding_mode is not None:
        _no_int_zero_division(input, other)
    return input, other, rounding_mode


def _floor_div(x, y):
    # Python's floor division (jnp.floor_divide), with torch's zero gradient
    return jax.lax.stop_gradient(jnp.floor_divide(x, y))


def _trunc_div(x, y):
    if jnp.issubdtype(x.dtype, jnp.integer):
        q = jnp.floor_divide(x, y)
        return jnp.where((q < 0) & (q * y != x), q + 1, q)
    return jnp.trunc(x / y)


@op("div(Tensor input, Tensor|Scalar other, *, str? rounding_mode=None) -> Tensor", promote=_div_kind,
    inplace=True, dunders=("__truediv__",), check=_div_check, pre=_div_pre)
def div(x, y, *, rounding_mode):
    if rounding_mode is None:
        return x / y
    return _trunc_div(x, y) if rounding_mode == "trunc" else _floor_div(x, y)


@op("true_divide(Tensor input, Tensor|Scalar other) -> Tensor", promote=INT_TO_FLOAT, inplace=True,
    node_name="DivBackward0")
def true_divide(x, y):
    return x / y


@op("_rdiv(Tensor input, Tensor|Scalar other) -> Tensor", promote=INT_TO_FLOAT, function=False, method=False,
    dunders=("__rtruediv__",), node_name="DivBackward0")
def _rdiv(x, y):
    return y / x


@op("floor_divide(Tensor input, Tensor|Scalar other) -> Tensor", promote=DEFAULT, inplace=True, differentiable=False,
    dunders=("__floordiv__",), check=supports("if", "div_floor_cpu", 2), pre=_int_division_pre)
def floor_divide(x, y):
    return _floor_div(x, y)


@op("_rfloordiv(Tensor input, Tensor|Scalar other) -> Tensor", promote=DEFAULT, function=False, method=False,
    differentiable=False,
    dunders=("__rfloordiv__",), check=supports("if", "div_floor_cpu", 2), node_name="FloorDivideBackward0",
    pre=lambda input, other: _int_division_pre(other, input)[::-1])
def _rfloordiv(x, y):
    return _floor_div(y, x)


@op("remainder(Tensor|Scalar input, Tensor|Scalar other) -> Tensor", promote=DEFAULT, inplace=True,
    dunders=("__mod__",), check=all_of(needs_tensor("remainder"), supports("if", "remainder_cpu", 2)),
    pre=_int_division_pre)
def remainder(x, y):
    return jnp.remainder(x, y)


@op("_rremainder(Tensor input, Tensor|Scalar other) -> Tensor", promote=DEFAULT, function=False, method=False,
    dunders=("__rmod__",), check=supports("if", "remainder_cpu", 2), node_name="RemainderBackward0",
    pre=lambda input, other: _int_division_pre(other, input)[::-1])
def _rremainder(x, y):
    return jnp.remainder(y, x)


@op("fmod(Tensor input, Tensor|Scalar other) -> Tensor", promote=DEFAULT, inplace=True,
    check=supports("if", "fmod_cpu", 2), pre=_int_division_pre)
def fmod(x, y):
    return jnp.fmod(x, y)


def _pow_pre(input, exponent):
    if (isinstance(input, Tensor) and _integral(input) and isinstance(exponent, int)
            and not isinstance(exponent, bool) and exponent < 0):
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return input, exponent


@jax.custom_jvp
def _pow_inexact(x, y):
    return jnp.power(x, y)


@functools.partial(_pow_inexact.defjvp, symbolic_zeros=True)
def _pow_inexact_jvp(primals, tangents):
    # torch's derivatives: d/dx is 0 where the exponent is 0 (also at x == 0); d/dy is 0 where x == 0 and
    # y >= 0 (jax's would be 0 * log(0) = nan)
    x, y = primals
    tx, ty = tangents
    out = _pow_inexact(x, y)
    t_out = jnp.zeros_like(out)
    # a constant operand (symbolic zero tangent) contributes nothing: a constant exponent on a negative
    # base must not bring in log(x) = nan
    if not isinstance(tx, SymbolicZero):
        t_out = t_out + jnp.where(y == 0, jnp.zeros_like(out), y * jnp.power(x, y - 1)) * tx
    if not isinstance(ty, SymbolicZero):
        dy = jnp.where((x == 0) & (jnp.real(y) >= 0), jnp.zeros_like(out), out * jnp.log(jnp.where(x == 0, 1, x)))
        t_out = t_out + dy * ty
    return out, t_out


def _pow(x, y):
    if jnp.iscomplexobj(x):
        # 0 ** y is 0 for Re(y) > 0 (jax's exp(y log 0) gives nan)
        r = _pow_inexact(x, y)
        return jnp.where((x == 0) & (jnp.real(y) > 0), jnp.zeros_like(r), r)
    if jnp.issubdtype(x.dtype, jnp.inexact):
        return _pow_inexact(x, y)
    # integers: a negative exponent gives 0, except for bases 1 and -1 (as torch)
    neg = y < 0
    r = jnp.power(x, jnp.where(neg, 0, y))
    r_neg = jnp.where(x == 1, 1, jnp.where(x == -1, jnp.where(y % 2 == 0, 1, -1), 0)).astype(x.dtype)
    return jnp.where(neg, r_neg, r)


@op("pow(Tensor|Scalar input, Tensor|Scalar exponent) -> Tensor", promote=DEFAULT, inplace=True,
    dunders=("__pow__",), pre=_pow_pre, check=all_of(needs_tensor("pow"), supports("ifc", "pow", 2)))
def pow(x, y):
    return _pow(x, y)


@op("_rpow(Tensor input, Tensor|Scalar other) -> Tensor", promote=DEFAULT, function=False, method=False,
    dunders=("__rpow__",), node_name="PowBackward1", check=supports("ifc", "pow", 2),
    pre=lambda input, other: _pow_pre(other, input)[::-1])
def _rpow(x, y):
    return _pow(y, x)


@op("float_power(Tensor|Scalar input, Tensor|Scalar exponent) -> Tensor", inplace=True,
    check=needs_tensor("float_power"))
def float_power(x, y):
    dt = jnp.complex128 if (jnp.iscomplexobj(x) or jnp.iscomplexobj(y)) else jnp.float64
    return _pow_inexact(x.astype(dt), y.astype(dt))


_float_power_inplace = Tensor.float_power_


@tensor_method("float_power_")
def _float_power_(self: Tensor, exponent) -> Tensor:
    cplx = self.is_complex() or isinstance(exponent, complex) or (isinstance(exponent, Tensor) and exponent.is_complex())
    want = _dtype.complex128 if cplx else _dtype.float64
    if self.dtype is not want:
        raise RuntimeError(f"the base given to float_power_ has dtype {_type_name(self.dtype)} but the operation's "
                           f"result requires dtype {_type_name(want)}")
    return _float_power_inplace(self, exponent)


def _no_bool(message: str) -> Callable:
    def check(input):
        if input.dtype is _dtype.bool:
            raise RuntimeError(message)
    return check


@op("neg(Tensor input) -> Tensor", promote=DEFAULT, inplace=True, saves="none", dunders=("__neg__",),
    check=_no_bool("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a "
                   "mask, use the `~` or `logical_not()` operator instead."))
def neg(x):
    return -x


@op("positive(Tensor input) -> Tensor", promote=DEFAULT, saves="none", dunders=("__pos__",), out=False,
    check=_no_bool("The `+` operator, on a bool tensor is not supported."))
def positive(x):
    return x


@op("abs(Tensor input) -> Tensor", promote=COMPLEX_TO_FLOAT, inplace=True, dunders=("__abs__",),
    check=supports("ifc", "abs_cpu"))
def abs(x):
    r = jnp.abs(x)
    if jnp.issubdtype(x.dtype, jnp.floating):
        r = jnp.where(x == 0, jax.lax.stop_gradient(r), r)  # torch's derivative at 0 is 0 (sgn(0))
    return r


_abs_inplace = Tensor.abs_


@tensor_method("abs_")
def _abs_(self: Tensor) -> Tensor:
    if self.is_complex():
        raise RuntimeError("In-place abs is not supported for complex tensors.")
    return _abs_inplace(self)


@op("sign(Tensor input) -> Tensor", promote=DEFAULT, inplace=True,
    check=supports("bif", "sign", errors={"c": (NotImplementedError, "Unlike NumPy, torch.sign is not intended to "
                                                "support complex numbers. Please use torch.sgn instead.")}))
def sign(x):
    return jnp.sign(x) if x.dtype != jnp.bool_ else x


@op("sgn(Tensor input) -> Tensor", promote=DEFAULT, inplace=True)
def sgn(x):
    if jnp.iscomplexobj(x):
        a = jnp.abs(x)
        return jnp.where(a == 0, jnp.zeros_like(x), x / jnp.where(a == 0, 1, a))
    return jnp.sign(x) if x.dtype != jnp.bool_ else x


@op("square(Tensor input) -> Tensor", promote=BOOL_TO_LONG, inplace=True)
def square(x):
    return x * x


@op("reciprocal(Tensor input) -> Tensor", promote=INT_TO_FLOAT, inplace=True, saves="outputs")
def reciprocal(x):
    return 1 / x


# ------------------------------------------------------------------ rounding
def _rounding(name: str, f: Callable) -> Callable:
    def body(x):
        return f(x) if jnp.issubdtype(x.dtype, jnp.inexact) else x
    body.__name__ = name
    body.__module__ = __name__
    check = supports("if", f"{name}_vml_cpu",
                     errors={"c": (NotImplementedError, f"{name} is not supported for complex inputs")})
    return op(f"{name}(Tensor input) -> Tensor", promote=DEFAULT, inplace=True, saves="none", check=check)(body)


floor = _rounding("floor", jnp.floor)
ceil = _rounding("ceil", jnp.ceil)
trunc = _rounding("trunc", jnp.trunc)


@op("frac(Tensor input) -> Tensor", promote=DEFAULT, inplace=True, saves="none", check=supports("f", "frac_cpu"))
def frac(x):
    return x - jnp.trunc(x)


def _round_check(input, decimals=None):
    # torch's round.decimals overload (any explicit decimals) has no integer kernel
    supports("f" if decimals is not None else "if", "round_cpu" if decimals else "round_vml_cpu")(input)


@op("round(Tensor input, *, int? decimals=None) -> Tensor", promote=DEFAULT, inplace=True, saves="none",
    check=_round_check)
def round(x, *, decimals=None):
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        return x
    if not decimals:
        return jnp.round(x)
    # torch's formula (and its rounding): scale by a power of ten in the tensor's dtype
    ten = jnp.asarray(10.0 ** builtins.abs(decimals), x.dtype)
    return jnp.round(x * ten) / ten if decimals > 0 else jnp.round(x / ten) * ten


# ------------------------------------------------------------------ clamp and where
def _clamp_check(input, min=None, max=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) and isinstance(max, Tensor):  # torch's clamp kernel for two tensor bounds
        supports("ifc", "clamp_cpu", 3)(input, min, max)
    supports("bif", "clamp", 3, errors={"c": (NotImplementedError, "clamp is not supported for complex types")})(
        input, min, max)


def _clamp(x, lo, hi):
    # NaN in x, min or max propagates (torch's maximum/minimum). Gradients follow torch's clamp_backward:
    # x gets them where lo <= x <= hi (bounds included), min where x < min < max, max where x > max or
    # max < min; a NaN x gets none.
    value = x
    if lo is not None:
        value = jnp.maximum(value, lo)
    if hi is not None:
        value = jnp.minimum(value, hi)
    inside = jnp.ones(jnp.shape(x), bool)
    if lo is not None:
        inside = inside & (x >= lo)
    if hi is not None:
        inside = inside & (x <= hi)
    out = jnp.where(inside, x, jax.lax.stop_gradient(value))
    if lo is not None:
        below = (x < lo) if hi is None else (x < lo) & (lo < hi)
        out = jnp.where(below, lo, out)
    if hi is not None:
        above = (x > hi) if lo is None else (x > hi) | (hi < lo)
        out = jnp.where(above, hi, out)
    return jnp.where(value != value, jax.lax.stop_gradient(value), out)  # a NaN bound makes NaN


@op("clamp(Tensor input, Tensor|Scalar? min=None, Tensor|Scalar? max=None) -> Tensor", promote=DEFAULT,
    inplace=True, check=_clamp_check)
def clamp(x, min=None, max=None):
    return _clamp(x, min, max)


@op("clamp_min(Tensor input, Tensor|Scalar min) -> Tensor", promote=DEFAULT, inplace=True,
    check=supports("bif", "clamp_min", 2, errors={"c": (NotImplementedError, "clamp is not supported for complex "
                                                          "types")}))
def clamp_min(x, min):
    return _clamp(x, min, None)


@op("clamp_max(Tensor input, Tensor|Scalar max) -> Tensor", promote=DEFAULT, inplace=True,
    check=supports("bif", "clamp_max", 2, errors={"c": (NotImplementedError, "clamp is not supported for complex "
                                                          "types")}))
def clamp_max(x, max):
    return _clamp(x, None, max)


@op("where(Tensor condition, Tensor|Scalar input, Tensor|Scalar other) -> Tensor", promote=DEFAULT,
    promote_args=("input", "other"), method=False, saves="none", function=False)
def _where(cond, x, y):
    return jnp.where(cond, x, y)


@function
def where(condition: Tensor, input=None, other=None, *, out=None):
    if input is None and other is None:
        from .indexing import nonzero
        return nonzero(condition, as_tuple=True)
    if not isinstance(condition, Tensor):
        raise TypeError(f"where(): argument 'condition' (position 1) must be Tensor, not {type(condition).__name__}")
    if condition.dtype is not _dtype.bool and condition.dtype is not _dtype.uint8:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{_type_name(condition.dtype)}")
    result = common_dtype((input, other))
    if result.is_integer or result is _dtype.uint8:
        for v in (input, other):  # torch converts a number operand to the result type, with a range check
            if isinstance(v, (int, float)) and not isinstance(v, bool) and not _fits(v, result):
                raise RuntimeError(f"value cannot be converted to type {result.name}_t without overflow")
    return _where(condition, input, other, out=out)


def _fits(v: float, d: _dtype.dtype) -> bool:
    info = _dtype.iinfo(d)
    if info.min == 0:  # unsigned: negative numbers wrap, as long as their magnitude fits (c10::overflows)
        return -info.max <= v <= info.max
    return info.min <= v <= info.max


@tensor_method("where")
def _where_method(self: Tensor, condition: Tensor, y) -> Tensor:
    return where(condition, self, y)


# ------------------------------------------------------------------ predicates
@op("isnan(Tensor input) -> Tensor", differentiable=False, out=False)
def isnan(x):
    return jnp.isnan(x)


@op("isinf(Tensor input) -> Tensor", differentiable=False, out=False)
def isinf(x):
    return jnp.isinf(x)


def _real_only(name: str) -> Callable:
    return supports("bif", name, errors={"c": (RuntimeError, f"{name} does not support complex inputs.")})


@op("isposinf(Tensor input) -> Tensor", differentiable=False, check=_real_only("isposinf"))
def isposinf(x):
    return jnp.isposinf(x) if jnp.issubdtype(x.dtype, jnp.floating) else jnp.zeros(x.shape, bool)


@op("isneginf(Tensor input) -> Tensor", differentiable=False, check=_real_only("isneginf"))
def isneginf(x):
    return jnp.isneginf(x) if jnp.issubdtype(x.dtype, jnp.floating) else jnp.zeros(x.shape, bool)


@op("isfinite(Tensor input) -> Tensor", differentiable=False, out=False)
def isfinite(x):
    return jnp.isfinite(x)


@op("isreal(Tensor input) -> Tensor", differentiable=False, out=False)
def isreal(x):
    return jnp.isreal(x)


@op("signbit(Tensor input) -> Tensor", differentiable=False,
    check=supports("bif", "signbit", errors={"c": (NotImplementedError, "signbit is not implemented for complex "
                                                   "tensors.")}))
def signbit(x):
    return jnp.signbit(x) if x.dtype != jnp.bool_ else jnp.zeros(x.shape, bool)


@op("nan_to_num(Tensor input, float? nan=0.0, float? posinf=None, float? neginf=None) -> Tensor",
    inplace=True)
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        return x
    return jnp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


# ------------------------------------------------------------------ comparisons
def _compare(name: str, f: Callable, dunder: str, ordered: bool) -> Callable:
    def body(x, y):
        return f(x, y)
    body.__name__ = name
    body.__module__ = __name__
    check = supports("bif", f"{name}_cpu", 2) if ordered else None
    return op(f"{name}(Tensor input, Tensor|Scalar other) -> Tensor", promote=ALWAYS_BOOL, differentiable=False,
              inplace=True, dunders=(dunder,), check=check)(body)


eq = _compare("eq", jnp.equal, "__eq__", False)
ne = _compare("ne", jnp.not_equal, "__ne__", False)
lt = _compare("lt", jnp.less, "__lt__", True)
le = _compare("le", jnp.less_equal, "__le__", True)
gt = _compare("gt", jnp.greater, "__gt__", True)
ge = _compare("ge", jnp.greater_equal, "__ge__", True)


def _eq_dunder(self, other):
    if not isinstance(other, (Tensor, int, float, bool, complex)):
        return NotImplemented if other is not None else False
    return eq(self, other)


def _ne_dunder(self, other):
    if not isinstance(other, (Tensor, int, float, bool, complex)):
        return NotImplemented if other is not None else True
    return ne(self, other)


Tensor.__eq__ = _eq_dunder  # type: ignore[assignment]
Tensor.__ne__ = _ne_dunder  # type: ignore[assignment]
Tensor.__hash__ = object.__hash__  # type: ignore[assignment]


@function
def equal(input: Tensor, other: Tensor) -> bool:
    if tuple(input.shape) != tuple(other.shape):
        return False
    return bool(Tensor._make(jnp.array_equal(input._value, other._value)))  # a clear error under jax.jit


Tensor.equal = equal  # type: ignore[attr-defined]


def _isclose_check(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{_type_name(input.dtype)} did not match {_type_name(other.dtype)}")
    if equal_nan and input.dtype.is_complex:
        raise RuntimeError("isclose with equal_nan=True is not supported for complex inputs.")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol:g}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol:g}")


@op("isclose(Tensor input, Tensor other, float rtol=1e-05, float atol=1e-08, bool equal_nan=False) -> Tensor",
    promote=ALWAYS_BOOL, differentiable=False, out=False, check=_isclose_check)
def isclose(x, y, rtol, atol, equal_nan):
    # torch's formula: equal, or a finite |x - y| <= atol + |rtol * y| (bools compare as the default float)
    close = x == y
    inexact = jnp.issubdtype(x.dtype, jnp.inexact)
    if equal_nan and inexact:
        close = close | (jnp.isnan(x) & jnp.isnan(y))
    if rtol == 0 and atol == 0:
        return close
    if x.dtype == jnp.bool_:
        x, y = x.astype(_dtype.get_default_dtype().np), y.astype(_dtype.get_default_dtype().np)
    allowed = atol + jnp.abs(rtol * (y if inexact else y.astype(_dtype.get_default_dtype().np)))
    actual = jnp.abs(x - y)
    return close | (jnp.isfinite(actual) & (actual <= allowed))


@function
def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    return bool(isclose(input, other, rtol, atol, equal_nan).all())


Tensor.allclose = allclose  # type: ignore[attr-defined]


# ------------------------------------------------------------------ logical and bitwise
@op("logical_and(Tensor input, Tensor other) -> Tensor", differentiable=False, inplace=True)
def logical_and(x, y):
    return jnp.logical_and(x, y)


@op("logical_or(Tensor input, Tensor other) -> Tensor", differentiable=False, inplace=True)
def logical_or(x, y):
    return jnp.logical_or(x, y)


@op("logical_xor(Tensor input, Tensor other) -> Tensor", differentiable=False, inplace=True)
def logical_xor(x, y):
    return jnp.logical_xor(x, y)


@op("logical_not(Tensor input) -> Tensor", differentiable=False, inplace=True)
def logical_not(x):
    return jnp.logical_not(x)


def _bitwise(name: str, f: Callable, dunders: tuple, kernel: str, kinds: str = "bi") -> Callable:
    def body(x, y):
        return f(x, y)
    body.__name__ = name
    body.__module__ = __name__
    return op(f"{name}(Tensor input, Tensor|Scalar other) -> Tensor", promote=DEFAULT, differentiable=False,
              inplace=True, dunders=dunders, check=supports(kinds, kernel, 2))(body)


def _shift_left(x, y):
    # torch: shifting by the bit width or more (or by a negative amount) gives 0
    bits = x.dtype.itemsize * 8
    return jnp.where((y >= 0) & (y < bits), jnp.left_shift(x, jnp.clip(y, 0, bits - 1)), jnp.zeros_like(x))


def _shift_right(x, y):
    # torch: shifting by the bit width or more fills with the sign (an arithmetic shift of bits - 1)
    bits = x.dtype.itemsize * 8
    return jnp.right_shift(x, jnp.where((y < 0) | (y >= bits), bits - 1, y).astype(x.dtype))


bitwise_and = _bitwise("bitwise_and", jnp.bitwise_and, ("__and__", "__rand__"), "bitwise_and_cpu")
bitwise_or = _bitwise("bitwise_or", jnp.bitwise_or, ("__or__", "__ror__"), "bitwise_or_cpu")
bitwise_xor = _bitwise("bitwise_xor", jnp.bitwise_xor, ("__xor__", "__rxor__"), "bitwise_xor_cpu")
bitwise_left_shift = _bitwise("bitwise_left_shift", _shift_left, ("__lshift__",), "lshift_cpu", "i")
bitwise_right_shift = _bitwise("bitwise_right_shift", _shift_right, ("__rshift__",), "rshift_cpu", "i")


@op("_rlshift(Tensor input, Tensor|Scalar other) -> Tensor", promote=DEFAULT, differentiable=False,
    function=False, method=False, dunders=("__rlshift__",), check=supports("i", "lshift_cpu", 2))
def _rlshift(x, y):
    return _shift_left(y, x)


@op("_rrshift(Tensor input, Tensor|Scalar other) -> Tensor", promote=DEFAULT, differentiable=False,
    function=False, method=False, dunders=("__rrshift__",), check=supports("i", "rshift_cpu", 2))
def _rrshift(x, y):
    return _shift_right(y, x)


@op("bitwise_not(Tensor input) -> Tensor", promote=DEFAULT, differentiable=False, inplace=True,
    check=supports("bi", "bitwise_not_cpu"))
def bitwise_not(x):
    return ~x


@tensor_method("__invert__")
def _invert(self: Tensor) -> Tensor:
    if self.dtype.is_floating_point or self.dtype.is_complex:
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return bitwise_not(self)


# ------------------------------------------------------------------ complex numbers
def _component(name: str) -> Callable:
    def body(x):
        if not jnp.iscomplexobj(x):
            return x  # only when views replay their chain on element positions
        return jnp.real(x) if name == "real" else jnp.imag(x)
    body.__name__ = "_" + name
    body.__module__ = __name__
    o = op(f"{name}(Tensor input) -> Tensor", view=True, saves="none", out=False, function=False,
           method=False)(body)
    o._op.component = name  # a view of one part of each complex element (see views._write_through)
    return o


_real = _component("real")
_imag = _component("imag")


@function
def real(input: Tensor) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"real(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return _real(input) if input.is_complex() else input


@function
def imag(input: Tensor) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"imag(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if not input.is_complex():
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return _imag(input)


def _set_real(self: Tensor, value: Any) -> None:
    real(self).copy_(value if isinstance(value, Tensor) else FUNCTIONS["tensor"](value))


def _set_imag(self: Tensor, value: Any) -> None:
    imag(self).copy_(value if isinstance(value, Tensor) else FUNCTIONS["tensor"](value))


Tensor.real = property(real, _set_real)  # type: ignore[assignment]
Tensor.imag = property(imag, _set_imag)  # type: ignore[assignment]


@op("conj(Tensor input) -> Tensor", saves="none", out=False)
def conj(x):
    return jnp.conj(x) if jnp.iscomplexobj(x) else x


@op("conj_physical(Tensor input) -> Tensor", saves="none", inplace=True)
def conj_physical(x):
    return jnp.conj(x) if jnp.iscomplexobj(x) else x


@tensor_method()
def is_conj(self: Tensor) -> bool:
    return False


@tensor_method()
def is_neg(self: Tensor) -> bool:
    return False


@tensor_method()
def resolve_conj(self: Tensor) -> Tensor:
    return self


@tensor_method()
def resolve_neg(self: Tensor) -> Tensor:
    return self


FUNCTIONS.update(is_conj=is_conj, is_neg=is_neg, resolve_conj=resolve_conj, resolve_neg=resolve_neg)


@op("_complex(Tensor real, Tensor imag) -> Tensor", function=False, method=False, node_name="ComplexBackward0",
    check=lambda real, imag: _polar_check(real, imag))
def _complex(re, im):
    re, im = jnp.broadcast_arrays(re, im)  # torch.complex broadcasts its arguments
    return jax.lax.complex(re, im)


@op("view_as_real(Tensor input) -> Tensor", saves="none", out=False,
    check=supports("c", "view_as_real", errors={k: (RuntimeError, "view_as_real is only supported for complex "
                                                   "tensors") for k in "bif"}))
def view_as_real(x):
    return jnp.stack([jnp.real(x), jnp.imag(x)], axis=-1)


def _view_as_complex_pre(input):
    if input.dtype not in (_dtype.float16, _dtype.float32, _dtype.float64):
        raise RuntimeError(f"view_as_complex is only supported for half, float and double tensors, but got a tensor "
                           f"of scalar type: {_type_name(input.dtype)}")
    if input.dim() == 0 or input.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    return (input,)


@op("view_as_complex(Tensor input) -> Tensor", saves="none", out=False, pre=_view_as_complex_pre)
def view_as_complex(x):
    return jax.lax.complex(x[..., 0], x[..., 1])


def _polar_check(abs, angle):
    for t in (abs, angle):
        if t.dtype not in (_dtype.float16, _dtype.float32, _dtype.float64):
            raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                               f"{_type_name(abs.dtype)} and {_type_name(angle.dtype)}")
    if abs.dtype is not angle.dtype:
        raise RuntimeError(f"Expected object of scalar type {_type_name(abs.dtype)} but got scalar type "
                           f"{_type_name(angle.dtype)} for second argument")
    if abs.dtype is _dtype.float16:
        raise NotImplementedError("\"polar_cpu\" not implemented for 'Half'")


@op("polar(Tensor abs, Tensor angle) -> Tensor", method=False, check=_polar_check)
def polar(a, t):
    return jax.lax.complex(a * jnp.cos(t), a * jnp.sin(t))


# ------------------------------------------------------------------ the math functions, then the aliases
from . import pointwise_math  # noqa: E402  (it uses the checks above)
from .pointwise_math import *  # noqa: E402,F401,F403

_ALIASES = {"arcsin": "asin", "arccos": "acos", "arctan": "atan", "arcsinh": "asinh", "arccosh": "acosh",
            "arctanh": "atanh", "arctan2": "atan2", "absolute": "abs", "negative": "neg", "multiply": "mul",
            "divide": "div", "subtract": "sub", "clip": "clamp", "fix": "trunc", "greater": "gt",
            "greater_equal": "ge", "less": "lt", "less_equal": "le", "not_equal": "ne"}

for _alias, _target in _ALIASES.items():
    _fn = FUNCTIONS[_target]
    globals()[_alias] = _fn
    FUNCTIONS[_alias] = _fn
    _EXPORTS[__name__].append(_alias)
    if hasattr(Tensor, _target):
        setattr(Tensor, _alias, getattr(Tensor, _target))
    if hasattr(Tensor, _target + "_"):
        setattr(Tensor, _alias + "_", getattr(Tensor, _target + "_"))
        if _target + "_" in FUNCTIONS:
            FUNCTIONS[_alias + "_"] = FUNCTIONS[_target + "_"]


# ------------------------------------------------------------------ augmented assignment
_AUGMENTED = {"__iadd__": "add_", "__isub__": "sub_", "__imul__": "mul_", "__itruediv__": "div_",
              "__ifloordiv__": "floor_divide_", "__imod__": "remainder_", "__ipow__": "pow_",
              "__iand__": "bitwise_and_", "__ior__": "bitwise_or_", "__ixor__": "bitwise_xor_",
              "__ilshift__": "bitwise_left_shift_", "__irshift__": "bitwise_right_shift_"}


def _augmented(method: str) -> Callable:
    def f(self, other):
        return getattr(self, method)(other)
    return f


for _dunder, _method in _AUGMENTED.items():
    setattr(Tensor, _dunder, _augmented(_method))


__all__ = exported(__name__) + pointwise_math.__all__
