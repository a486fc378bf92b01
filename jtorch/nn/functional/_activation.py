"""Activations: F.relu ... F.gumbel_softmax, and torch.softmax / torch.log_softmax / torch.rrelu.

relu, selu, celu, threshold, hardshrink and prelu are registry ops of the torch namespace
(``ops/pointwise_math.py``); the rest are defined here. Where torch has an in-place form only in
``torch.nn.functional`` (``F.elu_``, ``inplace=True``), the op's in-place variant is taken off ``Tensor``
and the torch namespace (:func:`_nn_inplace`).

Gradients at the kinks follow torch's backward formulas (``where`` picks the branch torch's kernel
picks): hardtanh/relu6/hardsigmoid give 0 at their bounds, hardswish's middle branch includes both
bounds, softshrink gives 0 at +-lambda, leaky_relu/elu use the negative slope at 0.
"""
from __future__ import annotations

import functools
import warnings
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from ... import _dtype
from ..._random import as_key
from ...ops._registry import DEFAULT, FUNCTIONS, _type_name, function, is_number, op
from ...ops.pointwise import supports
from ...ops import pointwise_math as _pm
from ...ops.pointwise_math import _elu, hardshrink, prelu
from ...tensor import Tensor, _wrap_dim


def _nn_inplace(fn: Callable) -> Callable:
    """The in-place variant of registry op ``fn``. torch has it only in torch.nn.functional (torch._C._nn),
    so it is taken off Tensor and the torch namespace."""
    o = fn._op  # type: ignore[attr-defined]
    name = o.public_name + "_"
    delattr(Tensor, name)
    FUNCTIONS.pop(name, None)
    return o.inplace


def _as(v: Any, x: Any) -> Any:
    """A Scalar argument (a 0-d array or a Python number) in ``x``'s dtype."""
    return jnp.asarray(v).astype(x.dtype)


def _opmath(body: Callable) -> Callable:
    """Run ``body`` in float32 for float16/bfloat16 inputs, as torch's kernels do (their opmath type)."""
    @functools.wraps(body)
    def wrapped(x, *args, **kwargs):
        if x.dtype in (jnp.float16, jnp.bfloat16):
            return body(x.astype(jnp.float32), *args, **kwargs).astype(x.dtype)
        return body(x, *args, **kwargs)
    return wrapped


# ------------------------------------------------------------------ clamping family
_hardtanh_check = supports("if", "hardtanh", errors={"b": (RuntimeError, "Bool inputs not supported for hardtanh"),
                                                      "c": (NotImplementedError,
                                                            "clamp is not supported for complex types")})


@op("hardtanh(Tensor input, Scalar min_val=-1.0, Scalar max_val=1.0) -> Tensor", promote=DEFAULT, inplace=True,
    function=False, method=False, check=_hardtanh_check)
def _hardtanh(x, min_val=-1.0, max_val=1.0):
    lo, hi = _as(min_val, x), _as(max_val, x)
    # torch's gradient is 1 strictly inside (min_val, max_val) and 0 at the bounds
    return jnp.where((x > lo) & (x < hi), x, jnp.where(x <= lo, lo, hi))


_hardtanh_ = _nn_inplace(_hardtanh)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _hardtanh_(input, min_val, max_val) if inplace else _hardtanh(input, min_val, max_val)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    return hardtanh(input, 0.0, 6.0, inplace)


# torch-namespace in-place ops (F.relu_ is torch.relu_ ...)
relu_, selu_, celu_, threshold_ = (FUNCTIONS[n] for n in ("relu_", "selu_", "celu_", "threshold_"))


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    return relu_(input) if inplace else _pm.relu(input)


_ONE_SIXTH = float(np.float32(1 / 6))  # torch's hardsigmoid_backward multiplies by 1/6 rounded to float


@jax.custom_jvp
def _plus3_over6(x):
    return (x + 3) / 6


@_plus3_over6.defjvp
def _plus3_over6_jvp(primals, tangents):
    return _plus3_over6(primals[0]), tangents[0] * _ONE_SIXTH


@op("hardsigmoid(Tensor input) -> Tensor", promote=DEFAULT, inplace=True, function=False, method=False,
    check=supports("f", "hardsigmoid_cpu"))
@_opmath
def _hardsigmoid(x):
    # the gradient is nonzero strictly inside (-3, 3) only (torch's hardsigmoid_backward)
    return jnp.where((x > -3) & (x < 3), _plus3_over6(x), jnp.where(x <= -3, jnp.zeros_like(x), jnp.ones_like(x)))


_hardsigmoid_ = _nn_inplace(_hardsigmoid)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    return _hardsigmoid_(input) if inplace else _hardsigmoid(input)


@op("hardswish(Tensor input) -> Tensor", promote=DEFAULT, inplace=True, function=False, method=False,
    check=supports("f", "hardswish_cpu"))
@_opmath
def _hardswish(x):
    # torch's backward: 0 up to -3, x/3 + 1/2 strictly inside (-3, 3), 1 from 3 on
    return jnp.where(x <= -3, jnp.zeros_like(x), jnp.where(x < 3, x * (x + 3) / 6, x))


_hardswish_ = _nn_inplace(_hardswish)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    return _hardswish_(input) if inplace else _hardswish(input)


# ------------------------------------------------------------------ exponential-linear family
@op("elu(Tensor input, Scalar alpha=1.0, Scalar scale=1.0, Scalar input_scale=1.0) -> Tensor", promote=DEFAULT,
    inplace=True, function=False, method=False, check=supports("f", "elu_cpu"))
@_opmath
def _elu_op(x, alpha=1.0, scale=1.0, input_scale=1.0):
    return _elu(x, _as(alpha, x), _as(scale, x), _as(input_scale, x))


_elu_op_ = _nn_inplace(_elu_op)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    return _elu_op_(input, alpha) if inplace else _elu_op(input, alpha)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return elu(input, alpha, inplace=True)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    return selu_(input) if inplace else _pm.selu(input)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    return celu_(input, alpha) if inplace else _pm.celu(input, alpha)


@op("leaky_relu(Tensor input, Scalar negative_slope=0.01) -> Tensor", promote=DEFAULT, inplace=True, function=False,
    method=False, check=supports("f", "leaky_relu_cpu"))
def _leaky_relu(x, negative_slope=0.01):
    return jnp.where(x > 0, x, x * _as(negative_slope, x))  # the slope applies at 0, as in torch


_leaky_relu_ = _nn_inplace(_leaky_relu)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    return _leaky_relu_(input, negative_slope) if inplace else _leaky_relu(input, negative_slope)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return leaky_relu(input, negative_slope, inplace=True)


# ------------------------------------------------------------------ rrelu: random slopes while training
@op("rrelu_noise(Tensor input, Scalar lower, Scalar upper, *, Generator? generator=None) -> Tensor",
    function=False, method=False, differentiable=False, out=False)
def _rrelu_noise(x, lower, upper, *, generator):
    """torch's ``noise``: a slope drawn from U(lower, upper) where x <= 0, 1 elsewhere."""
    u = jax.random.uniform(as_key(generator), x.shape, jnp.float64 if x.dtype == jnp.float64 else jnp.float32)
    lo, hi = jnp.asarray(lower, u.dtype), jnp.asarray(upper, u.dtype)
    return jnp.where(x <= 0, (lo + (hi - lo) * u).astype(x.dtype), jnp.ones_like(x))


def _rrelu_args(input: Tensor, lower: Any, upper: Any, training: bool) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"rrelu(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if float(lower) > float(upper):
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if not input.dtype.is_floating_point:
        kernel = "rrelu_with_noise_out_cpu" if training else "leaky_relu_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_type_name(input.dtype)}'")


def _rrelu(input: Tensor, lower: Any, upper: Any, training: bool, generator: Any, inplace: bool) -> Tensor:
    _rrelu_args(input, lower, upper, training)
    if not training:  # the mean slope; nothing is drawn
        slope = (lower + upper) / 2
        return _leaky_relu_(input, slope) if inplace else _leaky_relu(input, slope)
    noise = _rrelu_noise(input, lower, upper, generator=generator)
    return input.mul_(noise) if inplace else input * noise


def _torch_rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
                 generator: Any = None) -> Tensor:
    """torch.rrelu. NOTE: in training mode the graph node is the product with the drawn slopes (MulBackward0)."""
    return _rrelu(input, lower, upper, training, generator, inplace=False)


def _torch_rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
                  generator: Any = None) -> Tensor:
    return _rrelu(input, lower, upper, training, generator, inplace=True)


for _f, _name in ((_torch_rrelu, "rrelu"), (_torch_rrelu_, "rrelu_")):
    _f.__name__ = _f.__qualname__ = _name
    function(_f)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False) -> Tensor:
    return _rrelu(input, lower, upper, training, None, inplace)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Tensor:
    return _rrelu(input, lower, upper, training, None, inplace=True)


# ------------------------------------------------------------------ smooth activations
def _glu_pre(input, dim=-1):
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = _wrap_dim(dim, input.dim())
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {input.shape[d]}")
    return input, d


@op("glu(Tensor input, int dim=-1) -> Tensor", promote=DEFAULT, function=False, method=False, pre=_glu_pre,
    check=supports("f", "glu_cpu"))
def glu(x, dim=-1):
    a, b = jnp.split(x, 2, axis=dim)
    return a * jax.nn.sigmoid(b)


def _gelu_check(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    supports("f", "GeluKernelImpl")(input)


@op("gelu(Tensor input, *, str approximate='none') -> Tensor", promote=DEFAULT, inplace=True, function=False,
    method=False, check=_gelu_check)
@_opmath
def _gelu(x, *, approximate="none"):
    return jax.nn.gelu(x, approximate=approximate == "tanh")


_gelu_ = _nn_inplace(_gelu)


def gelu(input: Tensor, *, approximate: str = "none") -> Tensor:
    return _gelu(input, approximate=approximate)


@op("silu(Tensor input) -> Tensor", promote=DEFAULT, inplace=True, function=False, method=False,
    check=supports("fc", "silu_cpu"))
@_opmath
def _silu(x):
    return x * jax.nn.sigmoid(x)


_silu_ = _nn_inplace(_silu)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    return _silu_(input) if inplace else _silu(input)


@op("mish(Tensor input) -> Tensor", promote=DEFAULT, inplace=True, function=False, method=False,
    check=supports("f", "mish_cpu"))
@_opmath
def _mish(x):
    return x * jnp.tanh(jax.nn.softplus(x))


_mish_ = _nn_inplace(_mish)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    return _mish_(input) if inplace else _mish(input)


@op("log_sigmoid(Tensor input) -> Tensor", promote=DEFAULT, function=False, method=False,
    check=supports("f", "log_sigmoid_cpu"))
@_opmath
def logsigmoid(x):
    return jax.nn.log_sigmoid(x)


@op("softplus(Tensor input, Scalar beta=1, Scalar threshold=20) -> Tensor", promote=DEFAULT, function=False,
    method=False, check=supports("f", "softplus_cpu"))
@_opmath
def softplus(x, beta=1, threshold=20):
    beta, threshold = _as(beta, x), _as(threshold, x)
    z = x * beta
    linear = z > threshold
    # the other branch sees 0 where it is not taken: no inf * 0 in its gradient
    return jnp.where(linear, x, jnp.log1p(jnp.exp(jnp.where(linear, jnp.zeros_like(z), z))) / beta)


def _softshrink_pre(input, lambd=0.5):
    if is_number(lambd) and input.dtype.is_floating_point:
        top = _dtype.finfo(input.dtype).max
        if not 0 <= lambd <= top:
            raise RuntimeError(f"lambda must be in range [0, {top:g}] for input dtype {_type_name(input.dtype)}, "
                               f"but found {lambd:g}")
    return input, lambd


@op("softshrink(Tensor input, Scalar lambd=0.5) -> Tensor", promote=DEFAULT, function=False, method=False,
    pre=_softshrink_pre, check=supports("f", "softshrink_check"))
def softshrink(x, lambd=0.5):
    lam = _as(lambd, x)
    # zero gradient on [-lambd, lambd], bounds included (torch's softshrink_backward)
    return jnp.where(x > lam, x - lam, jnp.where(x < -lam, x + lam, jnp.zeros_like(x)))


def tanhshrink(input: Tensor) -> Tensor:
    return input - input.tanh()


def softsign(input: Tensor) -> Tensor:
    return input / (input.abs() + 1)


def sigmoid(input: Tensor) -> Tensor:
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    return input.tanh()


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    return threshold_(input, threshold, value) if inplace else _pm.threshold(input, threshold, value)


# ------------------------------------------------------------------ softmax family
def _softmax_pre(input, dim, dtype=None):
    return input, _wrap_dim(dim, input.dim()), dtype


def _softmax_check(kernel: str) -> Callable:
    def check(input, dim, dtype=None):
        d = input.dtype if dtype is None else dtype
        if not d.is_floating_point:
            last = "lastdim_" if dim == max(input.dim(), 1) - 1 else ""
            raise NotImplementedError(f"\"{kernel}_{last}kernel_impl\" not implemented for '{_type_name(d)}'")
    return check


def _along(f: Callable, x: Any, dim: int, dtype: Any) -> Any:
    if dtype is not None:
        x = x.astype(dtype.np)
    if x.ndim == 0:
        return f(x[None], axis=0)[0]
    return f(x, axis=dim)


@op("softmax(Tensor input, int dim, ScalarType? dtype=None) -> Tensor", saves="outputs", pre=_softmax_pre,
    check=_softmax_check("softmax"))
def _softmax(x, dim, dtype=None):
    return _along(jax.nn.softmax, x, dim, dtype)


@op("log_softmax(Tensor input, int dim, ScalarType? dtype=None) -> Tensor", saves="outputs", pre=_softmax_pre,
    check=_softmax_check("log_softmax"))
def _log_softmax(x, dim, dtype=None):
    return _along(jax.nn.log_softmax, x, dim, dtype)


def _get_softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as "
                  "an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    if dim is None:
        dim = _get_softmax_dim("softmax", input.dim(), _stacklevel)
    return _softmax(input, dim, dtype)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    if dim is None:
        dim = _get_softmax_dim("softmin", input.dim(), _stacklevel)
    return _softmax(-input, dim, dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    if dim is None:
        dim = _get_softmax_dim("log_softmax", input.dim(), _stacklevel)
    return _log_softmax(input, dim, dtype)


def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10, dim: int = -1) -> Tensor:
    from ...ops.creation import empty_like, zeros_like
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    gumbels = -empty_like(logits).exponential_().log()  # ~Gumbel(0, 1), drawn from the default generator
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft  # straight-through: the value of y_hard, the gradient of y_soft


__all__ = ["threshold", "threshold_", "relu", "relu_", "relu6", "hardtanh", "hardtanh_", "elu", "elu_", "selu",
           "selu_", "celu", "celu_", "leaky_relu", "leaky_relu_", "prelu", "rrelu", "rrelu_", "glu", "gelu",
           "logsigmoid", "hardshrink", "tanhshrink", "softsign", "softplus", "softmin", "softmax", "log_softmax",
           "gumbel_softmax", "softshrink", "tanh", "sigmoid", "hardsigmoid", "silu", "mish", "hardswish"]
