"""Pointwise math: elementary and special functions, two-operand math, and the activations that live in
the torch namespace (relu, selu, celu, threshold, hardshrink, prelu).

Where jax's value or derivative differs from torch's (digamma at 0, polygamma for negative x, the
derivative of i0 at 0, copysign at 0 ...), the body says so and matches torch.
"""
from __future__ import annotations

import functools
import math
from typing import Callable

import jax
import jax.numpy as jnp
import jax.scipy.special as jsp

from .. import _dtype
from ..tensor import Tensor
from ._registry import (
    ALWAYS_BOOL,
    COMPLEX_TO_FLOAT,
    DEFAULT,
    FUNCTIONS,
    INT_TO_FLOAT,
    KEEP,
    _type_name,
    exported,
    function,
    op,
    tensor_method,
)
from .pointwise import all_of, mul, needs_tensor, pow, supports


# ------------------------------------------------------------------ special functions torch computes differently
def _trigamma(x):
    # torch's trigamma: a reflection below 0.5, six recurrence steps, then the asymptotic series
    small = x < 0.5
    sin_pi_x = jnp.sin(jnp.pi * x)
    result = jnp.where(small, -(jnp.pi * jnp.pi) / (sin_pi_x * sin_pi_x), jnp.zeros_like(x))
    z = jnp.where(small, 1 - x, x)
    for _ in range(6):
        result = result + 1 / (z * z)
        z = z + 1
    ixx = 1 / (z * z)
    result = result + (1 + 1 / (2 * z) + ixx * (1.0 / 6 - ixx * (1.0 / 30 - ixx * (1.0 / 42)))) / z
    return jnp.where(small, -result, result)


# Euler-Maclaurin coefficients of Cephes' zeta (torch's)
_ZETA_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10,
           -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15,
           1.8152105401943546773e17, -7.1661652561756670113e18)


def _zeta(s: int, q):
    """Hurwitz zeta(s, q) for an integer s >= 2 and any q (Cephes' algorithm, as torch): sum terms until
    q + i > 9, then the Euler-Maclaurin tail. jax's zeta is inaccurate for negative q."""
    total = jnp.power(q, -float(s))

    def more(state):
        i, a, _, _ = state
        return jnp.any((i < 9) | (a <= 9))

    def step(state):
        i, a, b, acc = state
        active = (i < 9) | (a <= 9)
        a2 = jnp.where(active, a + 1, a)
        b2 = jnp.where(active, jnp.power(a2, -float(s)), b)
        return i + 1, a2, b2, jnp.where(active, acc + b2, acc)

    _, a, b, total = jax.lax.while_loop(more, step, (0, q, jnp.zeros_like(q), total))
    w = a
    total = total + b * w / (s - 1) - 0.5 * b
    fa, k = 1.0, 0.0
    for coeff in _ZETA_A:
        fa *= s + k
        b = b / w
        total = total + fa * b / coeff
        k += 1.0
        fa *= s + k
        b = b / w
        k += 1.0
    # zeta has poles at the non-positive integers
    return jnp.where((q <= 0) & (q == jnp.floor(q)), jnp.inf, total)


def _digamma(x):
    # torch: digamma(+-0) = -+inf (jax gives nan); negative integers give nan in both
    return jnp.where(x == 0, jnp.copysign(jnp.inf, -x).astype(x.dtype), jsp.digamma(x))


@functools.partial(jax.custom_jvp, nondiff_argnums=(0,))
def _polygamma(n: int, x):
    if n == 0:
        return _digamma(x)
    if n == 1:
        return _trigamma(x)
    return (1.0 if n % 2 else -1.0) * math.factorial(n) * _zeta(n + 1, x)


@_polygamma.defjvp
def _polygamma_jvp(n, primals, tangents):
    (x,), (t,) = primals, tangents
    return _polygamma(n, x), _polygamma(n + 1, x) * t


@jax.custom_jvp
def _i0(x):
    return jsp.i0(x)


@_i0.defjvp
def _i0_jvp(primals, tangents):
    # i0' = i1 (jax's derivative goes through |x| and is wrong at 0)
    (x,), (t,) = primals, tangents
    return _i0(x), jsp.i1(x) * t


# ------------------------------------------------------------------ unary float math (INT_TO_FLOAT)
# name -> (function, what in-place changes invalidate its backward, dtype kinds torch supports)
_UNARY = {
    "exp": (jnp.exp, "outputs", "bifc"), "exp2": (jnp.exp2, "outputs", "bifc"),
    "expm1": (jnp.expm1, "outputs", "bifc"), "log": (jnp.log, "inputs", "bifc"),
    "log2": (jnp.log2, "inputs", "bifc"), "log10": (jnp.log10, "inputs", "bifc"),
    "log1p": (jnp.log1p, "inputs", "bifc"), "sqrt": (jnp.sqrt, "outputs", "bifc"),
    "rsqrt": (jax.lax.rsqrt, "outputs", "bifc"), "sin": (jnp.sin, "inputs", "bifc"),
    "cos": (jnp.cos, "inputs", "bifc"), "tan": (jnp.tan, "outputs", "bifc"),
    "asin": (jnp.arcsin, "inputs", "bifc"), "acos": (jnp.arccos, "inputs", "bifc"),
    "atan": (jnp.arctan, "inputs", "bifc"), "sinh": (jnp.sinh, "inputs", "bifc"),
    "cosh": (jnp.cosh, "inputs", "bifc"), "tanh": (jnp.tanh, "outputs", "bifc"),
    "asinh": (jnp.arcsinh, "inputs", "bifc"), "acosh": (jnp.arccosh, "inputs", "bifc"),
    "atanh": (jnp.arctanh, "inputs", "bifc"), "sigmoid": (jax.nn.sigmoid, "outputs", "bifc"),
    "sinc": (jnp.sinc, "inputs", "bifc"), "erf": (jsp.erf, "inputs", "bif"),
    "erfc": (jsp.erfc, "inputs", "bif"), "erfinv": (jsp.erfinv, "inputs", "bif"),
    "lgamma": (jsp.gammaln, "inputs", "bif"), "digamma": (functools.partial(_polygamma, 0), "inputs", "bif"),
    "i0": (_i0, "inputs", "bif"), "deg2rad": (jnp.deg2rad, "none", "bif"),
    "rad2deg": (jnp.rad2deg, "none", "bif"),
}
# torch's kernel names (for its NotImplementedError messages) where they are not "<name>_vml_cpu"
_KERNELS = {"digamma": "digamma"}
# torch's own errors for a dtype kind
_ERRORS = {"deg2rad": {"c": (RuntimeError, "deg2rad is not supported for complex tensors.")},
           "rad2deg": {"c": (RuntimeError, "rad2deg is not supported for complex tensors.")}}


def _unary_float(name: str, f: Callable, saves: str, kinds: str) -> Callable:
    def body(x):
        return f(x)
    body.__name__ = name
    body.__module__ = __name__
    check = supports(kinds, _KERNELS.get(name, f"{name}_vml_cpu"), errors=_ERRORS.get(name))
    return op(f"{name}(Tensor input) -> Tensor", promote=INT_TO_FLOAT, inplace=True, saves=saves, check=check)(body)


for _name, (_f, _saves, _kinds) in _UNARY.items():
    globals()[_name] = _unary_float(_name, _f, _saves, _kinds)


@functools.partial(jax.custom_jvp, nondiff_argnums=(1,))
def _logit(x, eps):
    if eps is not None:
        x = jnp.clip(x, eps, 1 - eps)
    return jnp.log(x / (1 - x))


@_logit.defjvp
def _logit_jvp(eps, primals, tangents):
    # torch's logit_backward: 1 / (x (1 - x)); NaN outside [0, 1], or 0 outside [eps, 1 - eps] (bounds included)
    (x,), (t,) = primals, tangents
    lo, hi, fill = (0.0, 1.0, jnp.nan) if eps is None else (eps, 1 - eps, 0.0)
    d = jnp.where((x < lo) | (x > hi), jnp.asarray(fill, x.dtype), 1 / (x * (1 - x)))
    return _logit(x, eps), d * t


@op("logit(Tensor input, float? eps=None) -> Tensor", promote=INT_TO_FLOAT, inplace=True,
    check=supports("bif", "logit_cpu"))
def logit(x, eps=None):
    return _logit(x, eps)


def _polygamma_check(n, input):
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    supports("bif", "polygamma" if n > 1 else ("trigamma" if n == 1 else "digamma"))(input)


@op("polygamma(int n, Tensor input) -> Tensor", promote=INT_TO_FLOAT, method=False, check=_polygamma_check)
def polygamma(n, x):
    return _polygamma(n, x)


@tensor_method("polygamma")
def _polygamma_method(self: Tensor, n: int) -> Tensor:
    return polygamma(n, self)


@tensor_method("polygamma_")
def _polygamma_inplace(self: Tensor, n: int) -> Tensor:
    r = polygamma(n, self)
    if not _dtype.can_cast(r.dtype, self.dtype):
        raise RuntimeError(f"result type {_type_name(r.dtype)} can't be cast to the desired output type "
                           f"{_type_name(self.dtype)}")
    return self.copy_(r)


def _mvlgamma_check(input, p):
    if input.dtype is _dtype.bool:
        raise RuntimeError("The input tensor may not be a boolean tensor.")
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    supports("if", "mvlgamma")(input)


@op("mvlgamma(Tensor input, int p) -> Tensor", promote=INT_TO_FLOAT, inplace=True, check=_mvlgamma_check)
def mvlgamma(x, p):
    return jsp.multigammaln(x, p)


@op("angle(Tensor input) -> Tensor", promote=lambda input: INT_TO_FLOAT if not input.dtype.is_complex
    else COMPLEX_TO_FLOAT)
def angle(x):
    if jnp.iscomplexobj(x):
        return jnp.angle(x)
    return jnp.where(jnp.isnan(x), x, jnp.where(x < 0, jnp.pi, 0.0).astype(x.dtype))


# ------------------------------------------------------------------ two-operand math
@op("atan2(Tensor input, Tensor other) -> Tensor", promote=INT_TO_FLOAT, inplace=True,
    check=supports("bif", "atan2_cpu", 2))
def atan2(x, y):
    return jnp.arctan2(x, y)


@op("hypot(Tensor input, Tensor other) -> Tensor", promote=DEFAULT, inplace=True,
    check=supports("f", "hypot_cpu", 2))
def hypot(x, y):
    return jnp.hypot(x, y)


@op("copysign(Tensor input, Tensor|Scalar other) -> Tensor", promote=INT_TO_FLOAT, inplace=True,
    check=supports("bif", "copysign_cpu", 2))
def copysign(x, y):
    r = jnp.copysign(x, y)
    return jnp.where(x == 0, jax.lax.stop_gradient(r), r)  # torch's derivative at 0 is 0, not +-1


@op("xlogy(Tensor|Scalar input, Tensor|Scalar other) -> Tensor", promote=INT_TO_FLOAT, inplace=True,
    check=all_of(needs_tensor("xlogy"), supports("bif", "xlogy_cpu", 2)))
def xlogy(x, y):
    return _xlogy(x, y)


@jax.custom_jvp
def _xlogy(x, y):
    # torch: nan where y is nan, else 0 where x == 0
    safe = jnp.where(x == 0, jnp.ones_like(y), y)
    return jnp.where(jnp.isnan(y), y, jnp.where(x == 0, jnp.zeros_like(x), x * jnp.log(safe)))


@_xlogy.defjvp
def _xlogy_jvp(primals, tangents):
    # torch's derivatives: log(y) for x (0 where x == 0 and y <= 0), x / y for y
    x, y = primals
    tx, ty = tangents
    dx = _xlogy(((x != 0) | (y > 0)).astype(x.dtype), y)
    return _xlogy(x, y), dx * tx + (x / y) * ty


def _lerp_check(input, end, weight):
    for other, nm in ((end, "end"), (weight, "weight")):
        # a 0-dim weight is a scalar to torch
        if isinstance(other, Tensor) and other.dtype is not input.dtype and not (nm == "weight" and other.dim() == 0):
            raise RuntimeError(f"expected dtype {_torch_c_name(input.dtype)} for `{nm}` but got dtype "
                               f"{_torch_c_name(other.dtype)}")
    supports("fc", "lerp_kernel_tensor" if isinstance(weight, Tensor) else "lerp_kernel_scalar")(input)


def _torch_c_name(d: _dtype.dtype) -> str:
    return {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
            "complex64": "c10::complex<float>", "complex128": "c10::complex<double>", "int64": "long int",
            "int32": "int"}.get(d.name, d.name)


@op("lerp(Tensor input, Tensor end, Tensor|Scalar weight) -> Tensor", promote=KEEP, inplace=True,
    check=_lerp_check)
def lerp(x, end, weight):
    # torch's formula: exact at both ends
    return jnp.where(jnp.abs(weight) < 0.5, x + weight * (end - x), end - (end - x) * (1 - weight))


@op("addcmul(Tensor input, Tensor tensor1, Tensor tensor2, *, Scalar value=1) -> Tensor", promote=DEFAULT,
    inplace=True, check=supports("ifc", "addcmul_cpu_out", 3))
def addcmul(x, t1, t2, *, value):
    return x + _times(t1 * t2, value)


def _addcdiv_check(input, tensor1, tensor2, value=1):
    if all(not (t.dtype.is_floating_point or t.dtype.is_complex) for t in (tensor1, tensor2)):
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a "
            "true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + "
            "value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * "
            "tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: "
            "(input + value * tensor1 / tensor2), for all dtypes.")


@op("addcdiv(Tensor input, Tensor tensor1, Tensor tensor2, *, Scalar value=1) -> Tensor", promote=DEFAULT,
    inplace=True, check=_addcdiv_check)
def addcdiv(x, t1, t2, *, value):
    return x + _times(t1 / t2, value)


def _times(y, value):
    if isinstance(value, int) and value == 1:
        return y
    return y * jnp.asarray(value).astype(y.dtype)


def _no_complex(name: str) -> Callable:
    return supports("bif", name, 2, errors={"c": (RuntimeError, f"{name} not implemented for complex tensors.")})


@op("maximum(Tensor input, Tensor other) -> Tensor", promote=DEFAULT, check=_no_complex("maximum"))
def maximum(x, y):
    return jnp.maximum(x, y)  # NaN propagates; at ties each side gets half the gradient, as in torch


@op("minimum(Tensor input, Tensor other) -> Tensor", promote=DEFAULT, check=_no_complex("minimum"))
def minimum(x, y):
    return jnp.minimum(x, y)


@op("fmax(Tensor input, Tensor other) -> Tensor", promote=DEFAULT, check=_no_complex("fmax"))
def fmax(x, y):
    # NaN is ignored; at ties the gradient goes to input, as in torch
    return jnp.where((x >= y) | jnp.isnan(y), x, y)


@op("fmin(Tensor input, Tensor other) -> Tensor", promote=DEFAULT, check=_no_complex("fmin"))
def fmin(x, y):
    return jnp.where((x <= y) | jnp.isnan(y), x, y)


def _heaviside_check(input, values):
    if input.dtype.is_complex or values.dtype.is_complex:
        raise RuntimeError("heaviside is not yet implemented for complex tensors.")
    if input.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")


@op("heaviside(Tensor input, Tensor values) -> Tensor", promote=DEFAULT, inplace=True, differentiable=False,
    check=_heaviside_check)
def heaviside(x, values):
    return jnp.where(x == 0, values, (x > 0).astype(x.dtype))


@op("logaddexp(Tensor input, Tensor other) -> Tensor", promote=DEFAULT, check=supports("fc", "logaddexp_cpu", 2))
def logaddexp(x, y):
    if jnp.iscomplexobj(x):
        # torch's complex formula, max + log1p(exp(min - max)) by real part: the imaginary part is not wrapped
        first = jnp.real(x) >= jnp.real(y)
        hi, lo = jnp.where(first, x, y), jnp.where(first, y, x)
        return hi + jnp.log1p(jnp.exp(lo - hi))
    return jnp.logaddexp(x, y)


@op("logaddexp2(Tensor input, Tensor other) -> Tensor", promote=DEFAULT, check=supports("f", "logaddexp2_cpu", 2))
def logaddexp2(x, y):
    return jnp.logaddexp2(x, y)


@jax.custom_jvp
def _nextafter(x, y):
    return jnp.nextafter(x, y)


@_nextafter.defjvp
def _nextafter_jvp(primals, tangents):
    # torch's derivative: 1 for input, 0 for other
    return _nextafter(*primals), tangents[0] + jnp.zeros_like(tangents[1])


@op("nextafter(Tensor input, Tensor other) -> Tensor", promote=DEFAULT, inplace=True,
    check=supports("f", "nextafter_cpu", 2))
def nextafter(x, y):
    return _nextafter(x, y)


def _two_for(input: Tensor) -> Tensor:
    integral = not (input.dtype.is_floating_point or input.dtype.is_complex)
    return FUNCTIONS["full"]((), 2.0, dtype=_dtype.float32 if integral else input.dtype)


@function
def ldexp(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    # torch's definition, with its promotion and gradients: input * 2 ** other, 2 a 0-dim tensor of
    # input's (floating) dtype
    for name, t in (("input", input), ("other", other)):
        if not isinstance(t, Tensor):
            raise TypeError(f"ldexp(): argument '{name}' must be Tensor, not {type(t).__name__}")
    return mul(input, pow(_two_for(input), other), out=out)


@tensor_method("ldexp")
def _ldexp_method(self: Tensor, other: Tensor) -> Tensor:
    return ldexp(self, other)


@tensor_method("ldexp_")
def _ldexp_inplace(self: Tensor, other: Tensor) -> Tensor:
    return self.mul_(pow(_two_for(self), other))


FUNCTIONS["ldexp_"] = _ldexp_inplace


def _frexp(x):
    """(mantissa, exponent) from the bits, so that subnormals are right too (XLA's CPU arithmetic flushes
    them to zero, and jnp.frexp with it)."""
    info = jnp.finfo(x.dtype)
    nbits, mbits = info.bits, info.nmant
    bias = info.maxexp - 1
    u = {16: jnp.uint16, 32: jnp.uint32, 64: jnp.uint64}[nbits]
    bits = jax.lax.bitcast_convert_type(x, u)
    one = u(1)
    mant_mask = (one << mbits) - one
    sign = bits & (one << (nbits - 1))
    field = (bits >> mbits) & ((one << (nbits - 1 - mbits)) - one)
    mant = bits & mant_mask
    # a subnormal's leading one moves up to the implicit position
    lz = jax.lax.clz(mant).astype(jnp.int32) - (nbits - mbits)
    sub = field == 0
    frac = jnp.where(sub, (mant << (lz + 1).astype(u)) & mant_mask, mant)
    exponent = jnp.where(sub, 1 - lz - bias, field.astype(jnp.int32) - bias + 1)
    m_bits = sign | (u(bias - 1) << mbits) | frac
    mantissa = jax.lax.bitcast_convert_type(m_bits, x.dtype)
    special = (x == 0) | ~jnp.isfinite(x)
    return jnp.where(special, x, mantissa), jnp.where(special, 0, exponent)


@jax.custom_jvp
def _mantissa(x):
    return _frexp(x)[0]


@_mantissa.defjvp
def _mantissa_jvp(primals, tangents):
    # torch's derivative, 2 ** -exponent (jnp.frexp's is 0)
    (x,), (t,) = primals, tangents
    m, e = _frexp(x)
    return m, t / jnp.exp2(e.astype(x.dtype))


@op("frexp(Tensor input) -> (Tensor mantissa, Tensor exponent)", promote=DEFAULT,
    check=supports("f", "frexp", errors={k: (RuntimeError, "torch.frexp() only supports floating-point dtypes")
                                         for k in "bic"}))
def frexp(x):
    return _mantissa(x), _frexp(x)[1]


@op("gcd(Tensor input, Tensor other) -> Tensor", promote=DEFAULT, inplace=True, differentiable=False,
    check=supports("i", "gcd_cpu", 2))
def gcd(x, y):
    return jnp.gcd(x, y)


@op("lcm(Tensor input, Tensor other) -> Tensor", promote=DEFAULT, inplace=True, differentiable=False,
    check=supports("i", "lcm_cpu", 2))
def lcm(x, y):
    return jnp.lcm(x, y)


# ------------------------------------------------------------------ activations in the torch namespace
@op("relu(Tensor input) -> Tensor", promote=DEFAULT, inplace=True, saves="outputs",
    check=supports("if", "relu", errors={"b": (RuntimeError, "Boolean inputs not supported for relu"),
                                          "c": (NotImplementedError, "clamp is not supported for complex types")}))
def relu(x):
    return jnp.where(x > 0, x, jnp.zeros_like(x))  # the derivative at 0 is 0, as torch's


@op("hardshrink(Tensor input, Scalar lambd=0.5) -> Tensor", promote=DEFAULT, check=supports("f", "hardshrink_cpu"))
def hardshrink(x, lambd=0.5):
    lambd = jnp.asarray(lambd, x.dtype)
    return jnp.where((x >= -lambd) & (x <= lambd), jnp.zeros_like(x), x)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _elu(x, alpha, scale, input_scale):
    # torch's elu kernel: the negative branch includes 0 (its derivative at 0 is alpha * scale * input_scale)
    return jnp.where(x > 0, scale * x, alpha * scale * jnp.expm1(x * input_scale))


@op("selu(Tensor input) -> Tensor", promote=DEFAULT, inplace=True, check=supports("f", "elu_cpu"))
def selu(x):
    return _elu(x, _SELU_ALPHA, _SELU_SCALE, 1.0)


@op("celu(Tensor input, Scalar alpha=1.0) -> Tensor", promote=DEFAULT, inplace=True, check=supports("f", "elu_cpu"))
def celu(x, alpha=1.0):
    alpha = jnp.asarray(alpha, x.dtype)
    return _elu(x, alpha, 1.0, 1 / alpha)


@op("threshold(Tensor input, Scalar threshold, Scalar value) -> Tensor", promote=DEFAULT, inplace=True,
    check=supports("if", "threshold_cpu"))
def threshold(x, threshold, value):
    # torch converts threshold and value to the input's dtype first
    t = jnp.asarray(threshold).astype(x.dtype)
    return jnp.where(x <= t, jnp.asarray(value).astype(x.dtype), x)


def _prelu_pre(input, weight):
    supports("f", "prelu_cpu")(input)
    if weight.numel() != 1:
        if input.dim() == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = input.shape[1] if input.dim() >= 2 else 1
        if weight.numel() != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                               f"{weight.numel()} and channel size = {channels}.")
    if weight.dim() > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.dim()}")
    return input, weight


@op("prelu(Tensor input, Tensor weight) -> Tensor", promote=DEFAULT, pre=_prelu_pre, node_name="PreluKernelBackward0")
def prelu(x, w):
    if x.ndim == 0:
        w = w.reshape(())
    elif w.ndim == 1:
        axis = 0 if x.ndim == 1 else 1
        w = w.reshape((1,) * axis + (w.shape[0],) + (1,) * (x.ndim - axis - 1))
    return jnp.where(x > 0, x, x * w)


def _isin_check(elements, test_elements, assume_unique=False, invert=False):
    needs_tensor("isin")(elements, test_elements)
    for t in (elements, test_elements):
        if isinstance(t, Tensor) and (t.dtype is _dtype.bool or t.dtype.is_complex):
            raise RuntimeError(f"Unsupported input type encountered for isin(): {_type_name(t.dtype)}")


@op("isin(Tensor|Scalar elements, Tensor|Scalar test_elements, *, bool assume_unique=False, bool invert=False) "
    "-> Tensor", promote=ALWAYS_BOOL, differentiable=False, method=False, check=_isin_check)
def isin(x, test, *, assume_unique=False, invert=False):
    hit = jnp.isin(x, test)
    return ~hit if invert else hit


__all__ = exported(__name__)
