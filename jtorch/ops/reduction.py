"""Reductions (sum, mean, var, max, norm ...), scans (cumsum, cummax ...) and diff, with torch's dim /
keepdim / dtype rules and torch's gradients at ties.

Order statistics that need a sort (median, mode, kthvalue, quantile) live in ``sorting.py``.
"""
from __future__ import annotations

import builtins
import functools
import math
import operator
import warnings
from typing import Any

import jax
import jax.numpy as jnp
from jax import lax

from .. import _dtype
from ..tensor import Tensor, _wrap_dim
from ._registry import (
    COMPLEX_TO_FLOAT,
    DEFAULT,
    FUNCTIONS,
    INT_TO_FLOAT,
    _type_name,
    exported,
    function,
    op,
    tensor_method,
)

_LOW_FLOATS = (jnp.float16, jnp.bfloat16)


# ------------------------------------------------------------------ shared helpers
def _axes(input: Tensor, dim: Any) -> tuple:
    """``dim`` (None, an int or a sequence; empty means every dim) as sorted, wrapped axes."""
    nd = input.dim()
    if dim is None:
        return builtins.tuple(builtins.range(nd))
    dims = dim if isinstance(dim, (builtins.tuple, builtins.list)) else (dim,)
    seen: list = []
    for d in dims:
        w = _wrap_dim(operator.index(d), nd)
        if w in seen:
            raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
        seen.append(w)
    if not seen:
        return builtins.tuple(builtins.range(nd))
    return builtins.tuple(builtins.sorted(seen)) if nd else ()


def _dims_pre(input, dim=None, *rest):
    return (input, _axes(input, dim)) + rest


def _one_dim_pre(input, dim, *rest):
    return (input, _wrap_dim(operator.index(dim), input.dim())) + rest


def _nonempty(name: str, input: Tensor, axes: tuple, full: bool) -> None:
    """torch refuses to reduce over nothing where the reduction has no identity (max, mode ...)."""
    if full and input.numel() == 0:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                           "reduction dim with the 'dim' argument.")
    for a in axes:
        if input.dim() and input.shape[a] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {a} to have non-zero size.")


def _real_check(name: str):
    def check(input, *rest):
        if input.dtype.is_complex:
            raise NotImplementedError(f'"{name}" not implemented for \'{_type_name(input.dtype)}\'')
    return check


def _float_check(message: str):
    def check(input, *rest):
        if not (input.dtype.is_floating_point or input.dtype.is_complex):
            raise RuntimeError(message)
    return check


def _check_tensor(name: str, input: Any) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")


def _acc(x):
    """Half-precision values accumulate in float32, as torch's CPU kernels do."""
    return x.astype(jnp.float32) if x.dtype in _LOW_FLOATS else x


def _cast(x, dtype, ints_to_long: bool = False):
    if dtype is not None:
        return x.astype(dtype.np)
    if ints_to_long and (jnp.issubdtype(x.dtype, jnp.integer) or x.dtype == jnp.bool_):
        return x.astype(jnp.int64)
    return x


def _is_float(x) -> bool:
    return jnp.issubdtype(x.dtype, jnp.inexact)


@jax.custom_vjp
def _shared(x, value):
    """``value``, an element of ``x`` picked by a full reduction, with torch's gradient: shared evenly by
    the elements equal to it (by the NaNs when it is NaN)."""
    return value


def _shared_fwd(x, value):
    return value, jnp.where(jnp.isnan(value), jnp.isnan(x), x == value)


def _shared_bwd(mask, g):
    return jnp.where(mask, g / jnp.sum(mask).astype(g.dtype), 0), jnp.zeros_like(g)


_shared.defvjp(_shared_fwd, _shared_bwd)


@functools.partial(jax.custom_vjp, nondiff_argnums=(1, 2, 3, 4))
def _extreme(x, axes: tuple, keepdim: bool, largest: bool, nan_picks: bool):
    """amax / amin over ``axes`` with torch's gradient: shared evenly by the ties, and NaN for the whole
    slice when the extreme is NaN (``nan_picks``: the NaNs take it, as in torch's inf-norm)."""
    return (jnp.max if largest else jnp.min)(x, axis=axes, keepdims=keepdim)


def _extreme_fwd(x, axes, keepdim, largest, nan_picks):
    r = _extreme(x, axes, keepdim, largest, nan_picks)
    return r, (x, r)


def _extreme_bwd(axes, keepdim, largest, nan_picks, res, g):
    x, r = res
    if not keepdim:
        r, g = jnp.expand_dims(r, axes), jnp.expand_dims(g, axes)
    mask = (x == r) | jnp.isnan(x) if nan_picks else x == r
    count = jnp.sum(mask, axis=axes, keepdims=True)
    # written with where, not a product with the mask: XLA may turn 0 * inf into 0 under jit
    return (jnp.where(count == 0, jnp.nan, jnp.where(mask, g / count, 0)).astype(x.dtype),)


_extreme.defvjp(_extreme_fwd, _extreme_bwd)


def _pick(x, idx, dim: int, keepdim: bool):
    """(values, indices) of ``x`` at ``idx`` (keepdims shape) along ``dim``: the gradient reaches the
    picked element only, as torch's value-selecting reductions do."""
    values = jnp.take_along_axis(x, idx, axis=dim)
    if not keepdim:
        values, idx = jnp.squeeze(values, dim), jnp.squeeze(idx, dim)
    return values, idx.astype(jnp.int64)


# ------------------------------------------------------------------ sums and means
@op("sum(Tensor input, int[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", saves="none",
    pre=_dims_pre)
def sum(x, dim, keepdim=False, *, dtype=None):
    x = _cast(x, dtype, ints_to_long=True)
    return jnp.sum(_acc(x), axis=dim, keepdims=keepdim).astype(x.dtype)


def _nansum_check(input, dim=None, keepdim=False, dtype=None):
    if input.dtype.is_complex:
        raise RuntimeError("nansum does not support complex inputs")


@op("nansum(Tensor input, int[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor",
    saves="none", pre=_dims_pre, check=_nansum_check)
def nansum(x, dim, keepdim=False, *, dtype=None):
    x = _cast(x, dtype, ints_to_long=True)
    return jnp.sum(jnp.where(jnp.isnan(x), 0, _acc(x)), axis=dim, keepdims=keepdim).astype(x.dtype)


def _mean_check(name: str):
    def check(input, dim=None, keepdim=False, dtype=None):
        d = dtype if dtype is not None else input.dtype
        if d.is_floating_point or d.is_complex:
            return
        if name == "nanmean":
            raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                               f"{_type_name(d)}")
        what = "Input dtype" if dtype is None else "Optional dtype"
        raise RuntimeError(f"mean(): could not infer output dtype. {what} must be either a floating point or "
                           f"complex dtype. Got: {_type_name(d)}")
    return check


@op("mean(Tensor input, int[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor",
    saves="none", pre=_dims_pre, check=_mean_check("mean"))
def mean(x, dim, keepdim=False, *, dtype=None):
    x = _cast(x, dtype)
    return jnp.mean(_acc(x), axis=dim, keepdims=keepdim).astype(x.dtype)


@op("nanmean(Tensor input, int[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor",
    saves="none", pre=_dims_pre, check=_mean_check("nanmean"))
def nanmean(x, dim, keepdim=False, *, dtype=None):
    x = _cast(x, dtype)
    keep = ~jnp.isnan(x)
    total = jnp.sum(jnp.where(keep, _acc(x), 0), axis=dim, keepdims=keepdim)
    return (total / jnp.sum(keep, axis=dim, keepdims=keepdim)).astype(x.dtype)


def _prod_pre(input, dim=None, keepdim=False, dtype=None):
    if dim is None:
        if keepdim:
            raise TypeError("prod() received an invalid combination of arguments - got keepdim without dim")
        return input, None, keepdim, dtype
    return _one_dim_pre(input, dim, keepdim, dtype)


@op("prod(Tensor input, int? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", pre=_prod_pre)
def prod(x, dim=None, keepdim=False, *, dtype=None):
    x = _cast(x, dtype, ints_to_long=True)
    axis = () if x.ndim == 0 else dim
    return jnp.prod(_acc(x), axis=axis, keepdims=keepdim).astype(x.dtype)


# ------------------------------------------------------------------ variance and standard deviation
def _variance(x, axes: tuple, correction, keepdim: bool):
    """(var, mean) over ``axes``; divides by max(0, N - correction) as torch."""
    xa = _acc(x)
    n = math.prod(x.shape[a] for a in axes)
    m = jnp.mean(xa, axis=axes, keepdims=True)
    d = xa - m
    sq = jnp.real(d * jnp.conj(d)) if jnp.iscomplexobj(d) else d * d
    c = 1.0 if correction is None else correction
    total = jnp.sum(sq, axis=axes, keepdims=keepdim)
    var = total / (n - c) if n - c > 0 else _divide(total, 0.0, n - c)
    if not keepdim:
        m = jnp.squeeze(m, axes)
    return var.astype(jnp.real(x).dtype), m.astype(x.dtype)


@functools.partial(jax.custom_vjp, nondiff_argnums=(1, 2))
def _divide(total, by: float, grad_by: float):
    """total / by, differentiated as total / grad_by: torch's variance divides its value by
    max(0, N - correction) but its gradient by N - correction."""
    return total / by


_divide.defvjp(lambda total, by, grad_by: (total / by, None), lambda by, grad_by, _, g: (g / grad_by,))


def _safe_sqrt(v):
    # torch's std gradient is 0 where std is 0 (jax's sqrt would give inf * 0 = nan)
    zero = v == 0
    return jnp.where(zero, 0, jnp.sqrt(jnp.where(zero, 1, v)))


def _var_pre(input, dim=None, correction=None, keepdim=False):
    axes = _axes(input, dim)
    if math.prod(input.shape[a] for a in axes) - (1 if correction is None else correction) <= 0:
        warnings.warn("var(): degrees of freedom is <= 0. Correction should be strictly less than the reduction "
                      "factor (input numel divided by output numel).", UserWarning, stacklevel=3)
    return input, axes, correction, keepdim


_VAR_SIG = "(Tensor input, int[]? dim=None, float? correction=None, bool keepdim=False)"


@op("var" + _VAR_SIG + " -> Tensor", function=False, method=False, pre=_var_pre,
    check=_float_check("std and var only support floating point and complex dtypes"))
def _var(x, dim, correction, keepdim):
    return _variance(x, dim, correction, keepdim)[0]


@op("std" + _VAR_SIG + " -> Tensor", function=False, method=False, pre=_var_pre,
    check=_float_check("std and var only support floating point and complex dtypes"))
def _std(x, dim, correction, keepdim):
    return _safe_sqrt(_variance(x, dim, correction, keepdim)[0])


@op("var_mean" + _VAR_SIG + " -> Tensor[]", function=False, method=False, pre=_var_pre,
    check=_float_check("var_mean only support floating point and complex dtypes"))
def _var_mean(x, dim, correction, keepdim):
    return _variance(x, dim, correction, keepdim)


@op("std_mean" + _VAR_SIG + " -> Tensor[]", function=False, method=False, pre=_var_pre,
    check=_float_check("std_mean only support floating point and complex dtypes"))
def _std_mean(x, dim, correction, keepdim):
    v, m = _variance(x, dim, correction, keepdim)
    return _safe_sqrt(v), m


def _correction(name: str, dim: Any, unbiased: Any, correction: Any) -> tuple:
    """torch's three overloads: (input, unbiased), (input, dim, unbiased, keepdim), (input, dim, *, correction)."""
    if isinstance(dim, builtins.bool):
        if unbiased is not None:
            raise TypeError(f"{name}() received an invalid combination of arguments - got unbiased twice")
        dim, unbiased = None, dim
    if unbiased is not None:
        if correction is not None:
            raise TypeError(f"{name}() received an invalid combination of arguments - got both unbiased and "
                            "correction")
        correction = 1 if unbiased else 0
    return dim, correction


def _variance_function(name: str, impl, with_out: builtins.bool):
    def f(input: Tensor, dim: Any = None, unbiased: builtins.bool | None = None, keepdim: builtins.bool = False, *,
          correction: Any = None, out: Any = None) -> Any:
        if out is not None and not with_out:
            raise TypeError(f"{name}() got an unexpected keyword argument 'out'")
        _check_tensor(name, input)
        dim, correction = _correction(name, dim, unbiased, correction)
        return impl(input, dim, correction, keepdim, out=out)
    f.__name__ = f.__qualname__ = name
    f.__module__ = __name__
    return f


var = function(_variance_function("var", _var, True))
std = function(_variance_function("std", _std, True))
var_mean = function(_variance_function("var_mean", _var_mean, False))
std_mean = function(_variance_function("std_mean", _std_mean, False))
tensor_method("var")(var)
tensor_method("std")(std)


# ------------------------------------------------------------------ max / min and friends
def _full_pre(name: str):
    def pre(input):
        _nonempty(name, input, (), True)
        return (input,)
    return pre


def _by_dim_pre(name: str):
    def pre(input, dim, keepdim=False):
        d = _wrap_dim(operator.index(dim), input.dim())
        _nonempty(name, input, (d,), False)
        return input, d, keepdim
    return pre


@op("_max_all(Tensor input) -> Tensor", function=False, method=False, node_name="MaxBackward1",
    pre=_full_pre("max"), check=_real_check("max_all"))
def _max_all(x):
    return _shared(x, lax.stop_gradient(jnp.max(x)))


@op("_min_all(Tensor input) -> Tensor", function=False, method=False, node_name="MinBackward1",
    pre=_full_pre("min"), check=_real_check("min_all"))
def _min_all(x):
    return _shared(x, lax.stop_gradient(jnp.min(x)))


def _extreme_dim(x, dim, keepdim, arg):
    if x.ndim == 0:
        return x, jnp.zeros((), jnp.int64)
    return _pick(x, arg(x, axis=dim, keepdims=True), dim, keepdim)


@op("max(Tensor input, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)", function=False,
    method=False, pre=_by_dim_pre("max"), check=_real_check("max"))
def _max_dim(x, dim, keepdim=False):
    return _extreme_dim(x, dim, keepdim, jnp.argmax)


@op("min(Tensor input, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)", function=False,
    method=False, pre=_by_dim_pre("min"), check=_real_check("min"))
def _min_dim(x, dim, keepdim=False):
    return _extreme_dim(x, dim, keepdim, jnp.argmin)


def _overloaded(name: str, input: Tensor, dim: Any, keepdim: builtins.bool, other: Any, out: Any) -> Any:
    full, by_dim = {"max": (_max_all, _max_dim), "min": (_min_all, _min_dim)}[name]
    _check_tensor(name, input)
    if isinstance(dim, Tensor):
        if other is not None:
            raise TypeError(f"{name}() received an invalid combination of arguments - got other twice")
        dim, other = None, dim
    if other is not None:
        if dim is not None or keepdim:
            raise TypeError(f"{name}() received an invalid combination of arguments - got other with dim/keepdim")
        return FUNCTIONS["maximum" if name == "max" else "minimum"](input, other, out=out)
    if dim is None:
        if keepdim:
            raise TypeError(f"{name}() received an invalid combination of arguments - got keepdim without dim")
        return full(input, out=out)
    return by_dim(input, dim, keepdim, out=out)


@function
def max(input: Tensor, dim: Any = None, keepdim: builtins.bool = False, *, other: Tensor | None = None,
        out: Any = None) -> Any:
    return _overloaded("max", input, dim, keepdim, other, out)


@function
def min(input: Tensor, dim: Any = None, keepdim: builtins.bool = False, *, other: Tensor | None = None,
        out: Any = None) -> Any:
    return _overloaded("min", input, dim, keepdim, other, out)


tensor_method("max")(max)
tensor_method("min")(min)


def _amax_pre(name: str):
    def pre(input, dim=(), keepdim=False):
        axes = _axes(input, dim)
        _nonempty(name, input, axes, dim is None or (isinstance(dim, (builtins.tuple, builtins.list)) and not dim))
        return input, axes, keepdim
    return pre


@op("amax(Tensor input, int[] dim=(), bool keepdim=False) -> Tensor", pre=_amax_pre("amax"),
    check=_real_check("max_values_cpu"))
def amax(x, dim, keepdim=False):
    return _extreme(x, dim, keepdim, True, False)


@op("amin(Tensor input, int[] dim=(), bool keepdim=False) -> Tensor", pre=_amax_pre("amin"),
    check=_real_check("min_values_cpu"))
def amin(x, dim, keepdim=False):
    return _extreme(x, dim, keepdim, False, False)


def _aminmax_pre(input, dim=None, keepdim=False):
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                               "identity.")
        return input, dim, keepdim
    d = _wrap_dim(operator.index(dim), input.dim())
    if input.dim() and input.shape[d] == 0:
        raise IndexError(f"aminmax(): Expected reduction dim {d} to have non-zero size.")
    return input, d, keepdim


@op("aminmax(Tensor input, *, int? dim=None, bool keepdim=False) -> (Tensor min, Tensor max)", pre=_aminmax_pre,
    check=_real_check("aminmax_cpu"), exact_out=True)
def aminmax(x, *, dim=None, keepdim=False):
    axes = builtins.tuple(builtins.range(x.ndim)) if dim is None else ((dim,) if x.ndim else ())
    return _extreme(x, axes, keepdim, False, False), _extreme(x, axes, keepdim, True, False)


def _arg_pre(name: str):
    def pre(input, dim=None, keepdim=False):
        if dim is None:
            if input.numel() == 0:
                raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
            return input, None, keepdim
        d = _wrap_dim(operator.index(dim), input.dim())
        _nonempty(name, input, (d,), False)
        return input, d, keepdim
    return pre


def _arg_check(name: str):
    def check(input, *rest):
        if input.dtype is _dtype.bool:
            raise RuntimeError(f"{name}(): does not support bool input")
        _real_check(name)(input)
    return check


def _arg_extreme(x, dim, keepdim, f):
    if dim is None:
        r = f(x.reshape(-1))
        return (r.reshape((1,) * x.ndim) if keepdim else r).astype(jnp.int64)
    if x.ndim == 0:
        return jnp.zeros((), jnp.int64)
    return f(x, axis=dim, keepdims=keepdim).astype(jnp.int64)


@op("argmax(Tensor input, int? dim=None, bool keepdim=False) -> Tensor", differentiable=False,
    pre=_arg_pre("argmax"), check=_arg_check("argmax"))
def argmax(x, dim=None, keepdim=False):
    return _arg_extreme(x, dim, keepdim, jnp.argmax)


@op("argmin(Tensor input, int? dim=None, bool keepdim=False) -> Tensor", differentiable=False,
    pre=_arg_pre("argmin"), check=_arg_check("argmin"))
def argmin(x, dim=None, keepdim=False):
    return _arg_extreme(x, dim, keepdim, jnp.argmin)


# ------------------------------------------------------------------ logical reductions, counts
@op("all(Tensor input, int[]? dim=None, bool keepdim=False) -> Tensor", differentiable=False, pre=_dims_pre)
def all(x, dim, keepdim=False):
    r = jnp.all(x != 0, axis=dim, keepdims=keepdim)
    return r.astype(jnp.uint8) if x.dtype == jnp.uint8 else r


@op("any(Tensor input, int[]? dim=None, bool keepdim=False) -> Tensor", differentiable=False, pre=_dims_pre)
def any(x, dim, keepdim=False):
    r = jnp.any(x != 0, axis=dim, keepdims=keepdim)
    return r.astype(jnp.uint8) if x.dtype == jnp.uint8 else r


@op("count_nonzero(Tensor input, int[]? dim=None) -> Tensor", differentiable=False, pre=_dims_pre)
def count_nonzero(x, dim):
    return jnp.sum(x != 0, axis=dim).astype(jnp.int64)


@op("logsumexp(Tensor input, int[] dim, bool keepdim=False) -> Tensor", promote=INT_TO_FLOAT, pre=_dims_pre)
def logsumexp(x, dim, keepdim=False):
    xa = _acc(x)
    if builtins.any(x.shape[a] == 0 for a in dim):
        return jnp.full(jnp.sum(xa, axis=dim, keepdims=keepdim).shape, -jnp.inf, xa.dtype)
    m = jnp.max(jnp.real(xa), axis=dim, keepdims=True)
    # infinite maxima are not subtracted (torch: inf - inf would be nan); the shift carries no gradient and
    # is real, so a complex result keeps the principal branch of the log
    m = lax.stop_gradient(jnp.where(jnp.isinf(m), 0, m))
    r = jnp.log(jnp.sum(jnp.exp(xa - m), axis=dim, keepdims=True)) + m
    return r if keepdim else jnp.squeeze(r, dim)


# ------------------------------------------------------------------ norms
def _abs(x):
    # x * sign(x): torch's |x| gradient is sgn(x), 0 at 0 (jax's abs gives 1 there)
    return jnp.abs(x) if jnp.iscomplexobj(x) else x * jnp.sign(x)


def _vnorm(x, ord: float, axes: tuple, keepdim: bool):
    """The vector ``ord``-norm over ``axes`` with torch's gradient (0 where the norm or an element is 0)."""
    if ord == 0:
        return jnp.sum((x != 0).astype(jnp.real(x).dtype), axis=axes, keepdims=keepdim)
    a = _abs(x)
    if builtins.abs(ord) == math.inf:
        return _extreme(a, axes, keepdim, ord > 0, True)
    if ord == 1:
        return jnp.sum(a, axis=axes, keepdims=keepdim)
    if ord == 2:
        sq = x.real * x.real + x.imag * x.imag if jnp.iscomplexobj(x) else x * x
        return _safe_sqrt(jnp.sum(sq, axis=axes, keepdims=keepdim))
    # zero elements get torch's 0 gradient, not pow's inf * 0 (their |x|**ord is 0, or inf for ord < 0)
    zero = a == 0
    s = jnp.sum(jnp.where(zero, 0 if ord > 0 else jnp.inf, jnp.where(zero, 1, a) ** ord), axis=axes,
                keepdims=keepdim)
    if ord < 0:
        return s ** (1.0 / ord)
    s0 = s == 0
    return jnp.where(s0, 0, jnp.where(s0, 1, s) ** (1.0 / ord))


def _ord_name(ord: float) -> str:
    return str(builtins.int(ord)) if math.isfinite(ord) and ord == builtins.int(ord) else str(ord)


def _vector_norm_pre(input, ord=2, dim=None, keepdim=False, dtype=None):
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{_type_name(input.dtype)}")
    if dtype is not None:
        if not (dtype.is_floating_point or dtype.is_complex):
            raise RuntimeError(f"linalg.vector_norm: dtype should be floating point or complex, but got "
                               f"{_type_name(dtype)}")
        if _dtype.promote_types(input.dtype, dtype) is not dtype:
            raise RuntimeError(f"linalg.vector_norm: the dtype of the input ({_type_name(input.dtype)}) should be "
                               f"convertible without narrowing to the specified dtype ({_type_name(dtype)})")
    ord = builtins.float(ord)
    axes = _axes(input, dim)
    if ord < 0 or ord == math.inf:
        if input.numel() == 0 and (dim is None or builtins.any(input.shape[a] == 0 for a in axes)):
            raise RuntimeError(f"linalg.vector_norm cannot compute the {_ord_name(ord)} norm on an empty tensor "
                               "because the operation does not have an identity")
    return input, ord, axes, keepdim, dtype


@op("_vector_norm(Tensor input, float ord=2, int[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) "
    "-> Tensor", function=False, method=False, node_name="LinalgVectorNormBackward0", pre=_vector_norm_pre)
def _vector_norm(x, ord, dim, keepdim=False, *, dtype=None):
    x = _cast(x, dtype)
    return _vnorm(_acc(x), ord, dim, keepdim).astype(jnp.real(x).dtype)


def _matrix_norm_pre(input, ord, dim, keepdim=False, dtype=None):
    if input.dim() < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise RuntimeError("linalg.matrix_norm: Expected a floating point or complex tensor as input. Got "
                           f"{_type_name(input.dtype)}")
    if ord not in ("fro", "nuc"):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(str(d) for d in dim)}")
    d = builtins.tuple(_wrap_dim(operator.index(a), input.dim()) for a in dim)
    if d[0] == d[1]:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({d[0]}, {d[1]})")
    return input, ord, d, keepdim, dtype


@op("_matrix_norm(Tensor input, str ord, int[] dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor",
    function=False, method=False, node_name="LinalgMatrixNormBackward0", pre=_matrix_norm_pre)
def _matrix_norm(x, ord, dim, keepdim=False, *, dtype=None):
    x = _cast(x, dtype)
    xa = _acc(x)
    if ord == "fro":
        r = _vnorm(xa, 2.0, builtins.tuple(builtins.sorted(dim)), keepdim)
    else:  # nuclear: the sum of the singular values
        r = jnp.sum(jnp.linalg.svd(jnp.moveaxis(xa, dim, (-2, -1)), compute_uv=False), axis=-1)
        if keepdim:
            r = jnp.expand_dims(r, builtins.tuple(builtins.sorted(dim)))
    return r.astype(jnp.real(x).dtype)


@function
def norm(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: builtins.bool = False, out: Any = None,
         dtype: Any = None) -> Tensor:
    _check_tensor("norm", input)
    dims = None if dim is None else ((dim,) if isinstance(dim, builtins.int) else builtins.tuple(dim))
    if isinstance(p, str):
        if p == "fro" and (dims is None or len(dims) <= 2):
            return _vector_norm(input, 2.0, dims, keepdim, dtype=dtype, out=out)
        if dims is None:
            dims = builtins.tuple(builtins.range(input.dim()))
        return _matrix_norm(input, p, dims, keepdim, dtype=dtype, out=out)
    return _vector_norm(input, 2.0 if p is None else p, dims, keepdim, dtype=dtype, out=out)


@tensor_method("norm")
def _norm_method(self: Tensor, p: Any = "fro", dim: Any = None, keepdim: builtins.bool = False,
                 dtype: Any = None) -> Tensor:
    return norm(self, p, dim, keepdim, dtype=dtype)


def _dist_check(input, other, p=2):
    d = _dtype.promote_types(input.dtype, other.dtype)
    if not (d.is_floating_point or d.is_complex):
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got {_type_name(d)} "
                           "instead.")


@op("dist(Tensor input, Tensor other, float p=2) -> Tensor", promote=COMPLEX_TO_FLOAT, check=_dist_check)
def dist(x, y, p=2.0):
    d = _acc(x - y)
    return _vnorm(d, p, builtins.tuple(builtins.range(d.ndim)), False)


def _renorm_pre(input, p, dim, maxnorm):
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm:g}")
    if input.dim() < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.dim()} dimensions")
    d = _wrap_dim(operator.index(dim), input.dim())
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{_type_name(input.dtype)}")
    return input, p, d, maxnorm


@op("renorm(Tensor input, float p, int dim, float maxnorm) -> Tensor", inplace=True, pre=_renorm_pre)
def renorm(x, p, dim, maxnorm):
    xa = _acc(x)
    n = _vnorm(xa, p, builtins.tuple(a for a in builtins.range(x.ndim) if a != dim), True)
    factor = jnp.where(n > maxnorm, maxnorm / (n + 1e-7), 1.0)
    return (xa * factor).astype(x.dtype)


# ------------------------------------------------------------------ scans
@op("cumsum(Tensor input, int dim, *, ScalarType? dtype=None) -> Tensor", inplace=True, saves="none",
    pre=_one_dim_pre)
def cumsum(x, dim, *, dtype=None):
    x = _cast(x, dtype, ints_to_long=True)
    return x if x.ndim == 0 else jnp.cumsum(_acc(x), axis=dim).astype(x.dtype)


@op("cumprod(Tensor input, int dim, *, ScalarType? dtype=None) -> Tensor", inplace=True, pre=_one_dim_pre)
def cumprod(x, dim, *, dtype=None):
    x = _cast(x, dtype, ints_to_long=True)
    return x if x.ndim == 0 else jnp.cumprod(_acc(x), axis=dim).astype(x.dtype)


def _later_wins(larger: builtins.bool):
    """Does the later (value, index) of a running max (min) replace the earlier one? Ties go to the later
    index and a NaN sticks until the next NaN, as in torch's cummax / cummin."""
    def wins(later, earlier):
        beats = later >= earlier if larger else later <= earlier
        return jnp.isnan(later) | (~jnp.isnan(earlier) & beats) if _is_float(later) else beats
    return wins


def _cum_extreme(x, dim: int, larger: builtins.bool):
    if x.ndim == 0:
        return x, jnp.zeros((), jnp.int64)
    idx = lax.broadcasted_iota(jnp.int64, x.shape, dim)
    if x.shape[dim] == 0:
        return x, idx
    wins = _later_wins(larger)

    def combine(a, b):
        take = wins(b[0], a[0])
        return jnp.where(take, b[0], a[0]), jnp.where(take, b[1], a[1])

    _, i = lax.associative_scan(combine, (x, idx), axis=dim)
    return jnp.take_along_axis(x, i, axis=dim), i


@op("cummax(Tensor input, int dim) -> (Tensor values, Tensor indices)", pre=_one_dim_pre,
    check=_real_check("cummax_cpu"))
def cummax(x, dim):
    return _cum_extreme(x, dim, True)


@op("cummin(Tensor input, int dim) -> (Tensor values, Tensor indices)", pre=_one_dim_pre,
    check=_real_check("cummin_cpu"))
def cummin(x, dim):
    return _cum_extreme(x, dim, False)


def _rev_cumlogsumexp(v, axis):
    return jnp.flip(lax.cumlogsumexp(jnp.flip(v, axis), axis=axis), axis)


@functools.partial(jax.custom_vjp, nondiff_argnums=(1,))
def _logcumsumexp(x, axis):
    return lax.cumlogsumexp(x, axis=axis)


def _logcumsumexp_fwd(x, axis):
    r = lax.cumlogsumexp(x, axis=axis)
    return r, (x, r)


def _logcumsumexp_bwd(axis, res, g):
    # torch's formula (it keeps -inf inputs' gradients NaN exactly where torch's do)
    x, r = res
    lowest = jnp.finfo(g.dtype).min
    log_abs = jnp.log(jnp.abs(g))
    pos = jnp.where(g > 0, log_abs, lowest)
    neg = jnp.where(g < 0, log_abs, lowest)
    return (jnp.exp(_rev_cumlogsumexp(pos - r, axis) + x) - jnp.exp(_rev_cumlogsumexp(neg - r, axis) + x),)


_logcumsumexp.defvjp(_logcumsumexp_fwd, _logcumsumexp_bwd)


def _logcumsumexp_check(input, dim):
    if input.dtype.is_complex:
        raise NotImplementedError("logcumsumexp(): complex inputs are not supported by jtorch")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for \'{_type_name(input.dtype)}\'')


@op("logcumsumexp(Tensor input, int dim) -> Tensor", pre=_one_dim_pre, check=_logcumsumexp_check)
def logcumsumexp(x, dim):
    if x.ndim == 0 or x.size == 0:
        return x
    return _logcumsumexp(_acc(x), dim).astype(x.dtype)


# ------------------------------------------------------------------ diff
def _diff_pre(input, n=1, dim=-1, prepend=None, append=None):
    if input.dim() == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = _wrap_dim(operator.index(dim), input.dim())
    for t in (prepend, append):
        if t is None:
            continue
        if t.dim() != input.dim():
            raise RuntimeError("diff expects prepend or append to be the same dimension as input")
        for k in builtins.range(input.dim()):
            if k != d and t.shape[k] != input.shape[k]:
                raise RuntimeError("diff expects the shape of tensor to prepend or append to match that of input "
                                   f"except along the differencing dimension; input.size({k}) = {input.shape[k]}, "
                                   f"but got tensor.size({k}) = {t.shape[k]}")
    return input, n, d, prepend, append


@op("diff(Tensor input, int n=1, int dim=-1, Tensor? prepend=None, Tensor? append=None) -> Tensor",
    promote=DEFAULT, saves="none", pre=_diff_pre)
def diff(x, n=1, dim=-1, prepend=None, append=None):
    parts = [t for t in (prepend, x, append) if t is not None]
    x = jnp.concatenate(parts, axis=dim) if len(parts) > 1 else x
    for _ in builtins.range(n):
        if x.shape[dim] == 0:
            break
        hi, lo = lax.slice_in_dim(x, 1, None, axis=dim), lax.slice_in_dim(x, 0, -1, axis=dim)
        x = hi != lo if x.dtype == jnp.bool_ else hi - lo
    return x


__all__ = exported(__name__)
