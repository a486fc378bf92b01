"""Pointwise ops: arithmetic, math functions, comparisons, logical and bitwise ops.

Bodies receive their operands already cast to the computation dtype (the ``promote`` kind) and the
registry casts the result to the result dtype, so most bodies are one line of jax.numpy.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import jax.scipy.special as jsp

from .. import _dtype
from ..tensor import Tensor
from ._registry import (_EXPORTS, ALWAYS_BOOL, BOOL_TO_LONG, COMPLEX_TO_FLOAT, DEFAULT, FUNCTIONS, INT_TO_FLOAT,
                        exported, function, op, tensor_method)


def _no_bool_sub(input, other, alpha=1):
    for x in (input, other):
        if (isinstance(x, Tensor) and x.dtype is _dtype.bool) or isinstance(x, bool):
            raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
                               "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    return _check_alpha(input, other, alpha)


def _check_alpha(input, other, alpha=1):
    if isinstance(alpha, float) and not isinstance(alpha, bool):
        ints = all((not isinstance(x, Tensor)) and isinstance(x, int) or
                   (isinstance(x, Tensor) and not (x.dtype.is_floating_point or x.dtype.is_complex))
                   for x in (input, other))
        if ints:
            raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    return input, other, alpha


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


def _div_pre(input, other, rounding_mode=None):
    if rounding_mode not in (None, "trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"'{rounding_mode}'")
    return input, other, rounding_mode


@op("div(Tensor input, Tensor|Scalar other, *, str? rounding_mode=None) -> Tensor", promote=_div_kind,
    inplace=True, dunders=("__truediv__",), check=_div_pre)
def div(x, y, *, rounding_mode):
    if rounding_mode is None:
        return x / y
    if jnp.issubdtype(x.dtype, jnp.integer):
        q = jnp.floor_divide(x, y)
        if rounding_mode == "trunc":
            q = jnp.where((q < 0) & (q * y != x), q + 1, q)
        return q
    q = x / y
    return jnp.trunc(q) if rounding_mode == "trunc" else jnp.floor(q)


@op("true_divide(Tensor input, Tensor|Scalar other) -> Tensor", promote=INT_TO_FLOAT, inplace=True)
def true_divide(x, y):
    return x / y


@op("_rdiv(Tensor input, Tensor|Scalar other) -> Tensor", promote=INT_TO_FLOAT, function=False, method=False,
    dunders=("__rtruediv__",), node_name="DivBackward0")
def _rdiv(x, y):
    return y / x


@op("floor_divide(Tensor input, Tensor|Scalar other) -> Tensor", promote=DEFAULT, inplace=True,
    dunders=("__floordiv__",))
def floor_divide(x, y):
    return jnp.floor_divide(x, y) if jnp.issubdtype(x.dtype, jnp.integer) else jnp.floor(x / y)


@op("_rfloordiv(Tensor input, Tensor|Scalar other) -> Tensor", promote=DEFAULT, function=False, method=False,
    dunders=("__rfloordiv__",))
def _rfloordiv(x, y):
    return jnp.floor_divide(y, x) if jnp.issubdtype(x.dtype, jnp.integer) else jnp.floor(y / x)


@op("remainder(Tensor|Scalar input, Tensor|Scalar other) -> Tensor", promote=DEFAULT, inplace=True,
    dunders=("__mod__",))
def remainder(x, y):
    return jnp.remainder(x, y)


@op("_rremainder(Tensor input, Tensor|Scalar other) -> Tensor", promote=DEFAULT, function=False, method=False,
    dunders=("__rmod__",))
def _rremainder(x, y):
    return jnp.remainder(y, x)


@op("fmod(Tensor input, Tensor|Scalar other) -> Tensor", promote=DEFAULT, inplace=True)
def fmod(x, y):
    return jnp.fmod(x, y)


def _pow_pre(input, exponent):
    if (isinstance(input, Tensor) and input.dtype.is_integer and isinstance(exponent, int)
            and not isinstance(exponent, bool) and exponent < 0):
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return input, exponent


@op("pow(Tensor|Scalar input, Tensor|Scalar exponent) -> Tensor", promote=DEFAULT, inplace=True,
    dunders=("__pow__",), pre=_pow_pre)
def pow(x, y):
    if jnp.issubdtype(x.dtype, jnp.inexact):
        # torch's gradient of x**0 is 0, also at x == 0 (jax's would be 0 * inf)
        return jnp.where(y == 0, jnp.ones_like(x), jnp.power(x, jnp.where(y == 0, jnp.ones_like(y), y)))
    return jnp.power(x, y)


@op("_rpow(Tensor input, Tensor|Scalar other) -> Tensor", promote=DEFAULT, function=False, method=False,
    dunders=("__rpow__",), node_name="PowBackward1")
def _rpow(x, y):
    return jnp.power(y, x)


@op("float_power(Tensor|Scalar input, Tensor|Scalar exponent) -> Tensor", inplace=True,
    promote=lambda input, exponent: DEFAULT)
def float_power(x, y):
    dt = jnp.complex128 if (jnp.iscomplexobj(x) or jnp.iscomplexobj(y)) else jnp.float64
    return jnp.power(x.astype(dt), y.astype(dt))


def _no_bool_neg(input):
    if input.dtype is _dtype.bool:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")
    return (input,)


@op("neg(Tensor input) -> Tensor", promote=DEFAULT, inplace=True, saves="none", dunders=("__neg__",),
    check=_no_bool_neg)
def neg(x):
    return -x


@op("positive(Tensor input) -> Tensor", promote=DEFAULT, saves="none", dunders=("__pos__",), out=False,
    check=_no_bool_neg)
def positive(x):
    return x


@op("abs(Tensor input) -> Tensor", promote=COMPLEX_TO_FLOAT, inplace=True, dunders=("__abs__",))
def abs(x):
    if jnp.issubdtype(x.dtype, jnp.complexfloating) or x.dtype == jnp.bool_:
        return jnp.abs(x)
    return jnp.where(x >= 0, x, -x) if jnp.issubdtype(x.dtype, jnp.floating) else jnp.abs(x)


@op("sign(Tensor input) -> Tensor", promote=DEFAULT, inplace=True)
def sign(x):
    return jnp.sign(x) if x.dtype != jnp.bool_ else x


@op("sgn(Tensor input) -> Tensor", promote=DEFAULT, inplace=True)
def sgn(x):
    return jnp.sign(x) if x.dtype != jnp.bool_ else x


@op("square(Tensor input) -> Tensor", promote=BOOL_TO_LONG, inplace=True)
def square(x):
    return x * x


@op("reciprocal(Tensor input) -> Tensor", promote=INT_TO_FLOAT, inplace=True, saves="outputs")
def reciprocal(x):
    return 1 / x


def _rounding(name: str, f):
    def body(x):
        return f(x) if jnp.issubdtype(x.dtype, jnp.inexact) else x
    body.__name__ = name
    body.__module__ = __name__
    return op(f"{name}(Tensor input) -> Tensor", promote=DEFAULT, inplace=True, saves="none")(body)


floor = _rounding("floor", jnp.floor)
ceil = _rounding("ceil", jnp.ceil)
trunc = _rounding("trunc", jnp.trunc)
fix = _rounding("fix", jnp.trunc)


@op("frac(Tensor input) -> Tensor", promote=DEFAULT, inplace=True, saves="none")
def frac(x):
    return x - jnp.trunc(x)


@op("round(Tensor input, *, int decimals=0) -> Tensor", promote=DEFAULT, inplace=True, saves="none")
def round(x, *, decimals):
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        return x
    if decimals == 0:
        return jnp.round(x)
    s = 10.0 ** decimals
    return jnp.round(x * s) / s


# ------------------------------------------------------------------ unary float math (INT_TO_FLOAT)
# name -> (jax function, what in-place changes invalidate its backward)
_UNARY = {
    "exp": (jnp.exp, "outputs"), "exp2": (jnp.exp2, "outputs"), "expm1": (jnp.expm1, "outputs"),
    "log": (jnp.log, "inputs"), "log2": (jnp.log2, "inputs"), "log10": (jnp.log10, "inputs"),
    "log1p": (jnp.log1p, "inputs"), "sqrt": (jnp.sqrt, "outputs"), "rsqrt": (jax.lax.rsqrt, "outputs"),
    "sin": (jnp.sin, "inputs"), "cos": (jnp.cos, "inputs"), "tan": (jnp.tan, "outputs"),
    "asin": (jnp.arcsin, "inputs"), "acos": (jnp.arccos, "inputs"), "atan": (jnp.arctan, "inputs"),
    "sinh": (jnp.sinh, "inputs"), "cosh": (jnp.cosh, "inputs"), "tanh": (jnp.tanh, "outputs"),
    "asinh": (jnp.arcsinh, "inputs"), "acosh": (jnp.arccosh, "inputs"), "atanh": (jnp.arctanh, "inputs"),
    "sigmoid": (jax.nn.sigmoid, "outputs"), "erf": (jsp.erf, "inputs"), "erfc": (jsp.erfc, "inputs"),
    "erfinv": (jsp.erfinv, "inputs"), "lgamma": (jsp.gammaln, "inputs"), "digamma": (jsp.digamma, "inputs"),
    "i0": (jsp.i0, "inputs"), "sinc": (jnp.sinc, "inputs"), "deg2rad": (jnp.deg2rad, "none"),
    "rad2deg": (jnp.rad2deg, "none"),
}
_ALIASES = {"arcsin": "asin", "arccos": "acos", "arctan": "atan", "arcsinh": "asinh", "arccosh": "acosh",
            "arctanh": "atanh", "absolute": "abs", "negative": "neg", "multiply": "mul", "divide": "div",
            "subtract": "sub", "special_expit": "sigmoid"}


def _unary_float(name: str, f, saves: str):
    def body(x):
        return f(x)
    body.__name__ = name
    body.__module__ = __name__
    return op(f"{name}(Tensor input) -> Tensor", promote=INT_TO_FLOAT, inplace=True, saves=saves)(body)


for _name, (_f, _saves) in _UNARY.items():
    globals()[_name] = _unary_float(_name, _f, _saves)


@op("logit(Tensor input, float? eps=None) -> Tensor", promote=INT_TO_FLOAT, inplace=True)
def logit(x, eps=None):
    if eps is not None:
        x = jnp.clip(x, eps, 1 - eps)
    return jnp.log(x / (1 - x))


@op("xlogy(Tensor|Scalar input, Tensor|Scalar other) -> Tensor", promote=INT_TO_FLOAT, inplace=True)
def xlogy(x, y):
    return jsp.xlogy(x, y)


@op("polygamma(int n, Tensor input) -> Tensor", promote=INT_TO_FLOAT, method=False)
def polygamma(n, x):
    return jsp.polygamma(n, x)


@tensor_method("polygamma")
def _polygamma_method(self: Tensor, n: int) -> Tensor:
    return polygamma(n, self)


@op("mvlgamma(Tensor input, int p) -> Tensor", promote=INT_TO_FLOAT, inplace=True)
def mvlgamma(x, p):
    return jsp.multigammaln(x, p)


@op("angle(Tensor input) -> Tensor", promote=lambda input: INT_TO_FLOAT if not input.dtype.is_complex
    else COMPLEX_TO_FLOAT)
def angle(x):
    if jnp.iscomplexobj(x):
        return jnp.angle(x)
    return jnp.where(jnp.isnan(x), x, jnp.where(x < 0, jnp.pi, 0.0).astype(x.dtype))


# ------------------------------------------------------------------ two-operand math
@op("atan2(Tensor input, Tensor|Scalar other) -> Tensor", promote=INT_TO_FLOAT, inplace=True)
def atan2(x, y):
    return jnp.arctan2(x, y)


@op("hypot(Tensor input, Tensor other) -> Tensor", promote=DEFAULT, inplace=True)
def hypot(x, y):
    return jnp.hypot(x, y)


@op("copysign(Tensor input, Tensor|Scalar other) -> Tensor", promote=INT_TO_FLOAT, inplace=True)
def copysign(x, y):
    return jnp.copysign(x, y)


@op("lerp(Tensor input, Tensor end, Tensor|Scalar weight) -> Tensor", promote=DEFAULT, inplace=True)
def lerp(x, end, weight):
    # torch's formula: exact at both ends
    return jnp.where(jnp.abs(weight) < 0.5, x + weight * (end - x), end - (end - x) * (1 - weight))


@op("addcmul(Tensor input, Tensor tensor1, Tensor tensor2, *, Scalar value=1) -> Tensor", promote=DEFAULT,
    inplace=True)
def addcmul(x, t1, t2, *, value):
    return x + _scaled(t1 * t2, value)


@op("addcdiv(Tensor input, Tensor tensor1, Tensor tensor2, *, Scalar value=1) -> Tensor", promote=DEFAULT,
    inplace=True)
def addcdiv(x, t1, t2, *, value):
    return x + _scaled(t1 / t2, value)


@op("maximum(Tensor input, Tensor other) -> Tensor", promote=DEFAULT)
def maximum(x, y):
    return jnp.maximum(x, y)


@op("minimum(Tensor input, Tensor other) -> Tensor", promote=DEFAULT)
def minimum(x, y):
    return jnp.minimum(x, y)


@op("fmax(Tensor input, Tensor other) -> Tensor", promote=DEFAULT)
def fmax(x, y):
    return jnp.fmax(x, y)


@op("fmin(Tensor input, Tensor other) -> Tensor", promote=DEFAULT)
def fmin(x, y):
    return jnp.fmin(x, y)


def _clamp_pre(input, min=None, max=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return input, min, max


@op("clamp(Tensor input, Tensor|Scalar? min=None, Tensor|Scalar? max=None) -> Tensor", promote=DEFAULT,
    inplace=True, check=_clamp_pre)
def clamp(x, min=None, max=None):
    # torch passes the gradient through where min <= x <= max (boundaries included); jnp.clip would halve it
    if min is not None:
        x = jnp.where(x < min, min, x)
    if max is not None:
        x = jnp.where(x > max, max, x)
    return x


@op("clamp_min(Tensor input, Tensor|Scalar min) -> Tensor", promote=DEFAULT, inplace=True)
def clamp_min(x, min):
    return jnp.where(x < min, min, x)


@op("clamp_max(Tensor input, Tensor|Scalar max) -> Tensor", promote=DEFAULT, inplace=True)
def clamp_max(x, max):
    return jnp.where(x > max, max, x)


@op("where(Tensor condition, Tensor|Scalar input, Tensor|Scalar other) -> Tensor", promote=DEFAULT,
    promote_args=("input", "other"), method=False, saves="none")
def _where(cond, x, y):
    return jnp.where(cond, x, y)


@function
def where(condition: Tensor, input=None, other=None, *, out=None):
    if input is None and other is None:
        from .indexing import nonzero
        return nonzero(condition, as_tuple=True)
    if condition.dtype is not _dtype.bool and condition.dtype is not _dtype.uint8:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{_type_name(condition.dtype)}")
    return _where(condition, input, other, out=out)


@tensor_method("where")
def _where_method(self: Tensor, condition: Tensor, y) -> Tensor:
    return where(condition, self, y)


def _type_name(d):
    from ._registry import _type_name as tn
    return tn(d)


# ------------------------------------------------------------------ predicates
@op("isnan(Tensor input) -> Tensor", differentiable=False, out=False)
def isnan(x):
    return jnp.isnan(x)


@op("isinf(Tensor input) -> Tensor", differentiable=False, out=False)
def isinf(x):
    return jnp.isinf(x)


@op("isposinf(Tensor input) -> Tensor", differentiable=False)
def isposinf(x):
    return jnp.isposinf(x) if jnp.issubdtype(x.dtype, jnp.floating) else jnp.zeros(x.shape, bool)


@op("isneginf(Tensor input) -> Tensor", differentiable=False)
def isneginf(x):
    return jnp.isneginf(x) if jnp.issubdtype(x.dtype, jnp.floating) else jnp.zeros(x.shape, bool)


@op("isfinite(Tensor input) -> Tensor", differentiable=False, out=False)
def isfinite(x):
    return jnp.isfinite(x)


@op("isreal(Tensor input) -> Tensor", differentiable=False, out=False)
def isreal(x):
    return jnp.isreal(x)


@op("signbit(Tensor input) -> Tensor", differentiable=False)
def signbit(x):
    return jnp.signbit(x) if x.dtype != jnp.bool_ else jnp.zeros(x.shape, bool)


@op("nan_to_num(Tensor input, float? nan=0.0, float? posinf=None, float? neginf=None) -> Tensor",
    inplace=True)
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    return jnp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


# ------------------------------------------------------------------ comparisons
def _compare(name: str, f, dunder: str | None, aliases: tuple = ()):
    def body(x, y):
        return f(x, y)
    body.__name__ = name
    body.__module__ = __name__
    fn = op(f"{name}(Tensor input, Tensor|Scalar other) -> Tensor", promote=ALWAYS_BOOL, differentiable=False,
            inplace=True, dunders=(dunder,) if dunder else ())(body)
    return fn


eq = _compare("eq", jnp.equal, "__eq__")
ne = _compare("ne", jnp.not_equal, "__ne__")
lt = _compare("lt", jnp.less, "__lt__")
le = _compare("le", jnp.less_equal, "__le__")
gt = _compare("gt", jnp.greater, "__gt__")
ge = _compare("ge", jnp.greater_equal, "__ge__")
_ALIASES.update({"greater": "gt", "greater_equal": "ge", "less": "lt", "less_equal": "le", "not_equal": "ne"})


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
    return bool(jnp.array_equal(input._value, other._value))


Tensor.equal = equal  # type: ignore[attr-defined]


@op("isclose(Tensor input, Tensor other, float rtol=1e-05, float atol=1e-08, bool equal_nan=False) -> Tensor",
    differentiable=False, out=False)
def isclose(x, y, rtol, atol, equal_nan):
    dt = jnp.promote_types(x.dtype, y.dtype)
    return jnp.isclose(x.astype(dt), y.astype(dt), rtol=rtol, atol=atol, equal_nan=equal_nan)


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


def _int_only(name):
    def pre(input, other=None):
        for x in (input, other):
            if isinstance(x, Tensor) and (x.dtype.is_floating_point or x.dtype.is_complex):
                raise RuntimeError(f'"{name}_cpu" not implemented for \'{_type_name(x.dtype)}\'')
            if isinstance(x, float):
                raise RuntimeError(f'"{name}_cpu" not implemented for \'Float\'')
        return (input,) if other is None else (input, other)
    return pre


@op("bitwise_and(Tensor input, Tensor|Scalar other) -> Tensor", promote=DEFAULT, differentiable=False,
    inplace=True, dunders=("__and__", "__rand__"), check=_int_only("bitwise_and"))
def bitwise_and(x, y):
    return x & y


@op("bitwise_or(Tensor input, Tensor|Scalar other) -> Tensor", promote=DEFAULT, differentiable=False,
    inplace=True, dunders=("__or__", "__ror__"), check=_int_only("bitwise_or"))
def bitwise_or(x, y):
    return x | y


@op("bitwise_xor(Tensor input, Tensor|Scalar other) -> Tensor", promote=DEFAULT, differentiable=False,
    inplace=True, dunders=("__xor__", "__rxor__"), check=_int_only("bitwise_xor"))
def bitwise_xor(x, y):
    return x ^ y


@op("bitwise_not(Tensor input) -> Tensor", promote=DEFAULT, differentiable=False, inplace=True,
    dunders=("__invert__",), check=_int_only("bitwise_not"))
def bitwise_not(x):
    return ~x


@op("bitwise_left_shift(Tensor input, Tensor|Scalar other) -> Tensor", promote=DEFAULT, differentiable=False,
    inplace=True, dunders=("__lshift__",), check=_int_only("lshift"))
def bitwise_left_shift(x, y):
    return jnp.left_shift(x, y)


@op("bitwise_right_shift(Tensor input, Tensor|Scalar other) -> Tensor", promote=DEFAULT, differentiable=False,
    inplace=True, dunders=("__rshift__",), check=_int_only("rshift"))
def bitwise_right_shift(x, y):
    return jnp.right_shift(x, y)


# ------------------------------------------------------------------ complex
@op("real(Tensor input) -> Tensor", saves="none", out=False)
def real(x):
    return jnp.real(x)


@op("imag(Tensor input) -> Tensor", saves="none", out=False, pre=lambda input: _imag_pre(input))
def imag(x):
    return jnp.imag(x)


def _imag_pre(input):
    if not input.dtype.is_complex:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return (input,)


Tensor.real = property(real)  # type: ignore[assignment]
Tensor.imag = property(imag)  # type: ignore[assignment]


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
def resolve_conj(self: Tensor) -> Tensor:
    return self


@tensor_method()
def resolve_neg(self: Tensor) -> Tensor:
    return self


@op("_complex(Tensor real, Tensor imag) -> Tensor", function=False, method=False, node_name="ComplexBackward0")
def _complex(re, im):
    return jax.lax.complex(re, im)


@op("view_as_real(Tensor input) -> Tensor", saves="none", out=False)
def view_as_real(x):
    return jnp.stack([jnp.real(x), jnp.imag(x)], axis=-1)


@op("view_as_complex(Tensor input) -> Tensor", saves="none", out=False)
def view_as_complex(x):
    return jax.lax.complex(x[..., 0], x[..., 1])


@op("polar(Tensor abs, Tensor angle) -> Tensor", method=False)
def polar(a, t):
    return a * jnp.cos(t) + 1j * (a * jnp.sin(t))


for _alias, _target in _ALIASES.items():
    _fn = globals()[_target]
    globals()[_alias] = _fn
    FUNCTIONS[_alias] = _fn
    _EXPORTS[__name__].append(_alias)
    if hasattr(Tensor, _target):
        setattr(Tensor, _alias, getattr(Tensor, _target))
    if hasattr(Tensor, _target + "_"):
        setattr(Tensor, _alias + "_", getattr(Tensor, _target + "_"))


@tensor_method("__iadd__")
def _iadd(self, other):
    return self.add_(other)


@tensor_method("__isub__")
def _isub(self, other):
    return self.sub_(other)


@tensor_method("__imul__")
def _imul(self, other):
    return self.mul_(other)


@tensor_method("__itruediv__")
def _itruediv(self, other):
    return self.div_(other)


@tensor_method("__ifloordiv__")
def _ifloordiv(self, other):
    return self.floor_divide_(other)


@tensor_method("__imod__")
def _imod(self, other):
    return self.remainder_(other)


@tensor_method("__ipow__")
def _ipow(self, other):
    return self.pow_(other)


@tensor_method("__iand__")
def _iand(self, other):
    return self.bitwise_and_(other)


@tensor_method("__ior__")
def _ior(self, other):
    return self.bitwise_or_(other)


@tensor_method("__ixor__")
def _ixor(self, other):
    return self.bitwise_xor_(other)


@tensor_method("__ilshift__")
def _ilshift(self, other):
    return self.bitwise_left_shift_(other)


@tensor_method("__irshift__")
def _irshift(self, other):
    return self.bitwise_right_shift_(other)


__all__ = exported(__name__)
