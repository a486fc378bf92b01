"""torch.nn.init: in-place initialisation of tensors (under no_grad).

Values are drawn with jax.random from keys of the given (or default) Generator; jtorch's random
streams are not torch's, so only the distributions match torch.
"""
from __future__ import annotations

import functools
import math
import warnings
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from .._random import as_key, draw_key
from ..autograd.grad_mode import no_grad
from ..tensor import Tensor

__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_", "eye_",
           "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "orthogonal_",
           "sparse_", "uniform", "normal", "constant", "eye", "dirac", "xavier_uniform", "xavier_normal",
           "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse"]


# ------------------------------------------------------------------ sampling and writing
def _write(tensor: Tensor, value: Any) -> Tensor:
    with no_grad():
        return tensor.copy_(Tensor._make(value))


def _real_dtype(dt: Any) -> Any:
    # low-precision floats are sampled in float32 and rounded, as torch's CPU kernels do
    if dt in (jnp.float16, jnp.bfloat16):
        return jnp.float32
    return jnp.finfo(dt).dtype


def _real_shape(shape: tuple, dt: Any) -> tuple:
    return shape + (2,) if jnp.issubdtype(dt, jnp.complexfloating) else shape


def _as_dtype(x: Any, dt: Any) -> Any:
    if jnp.issubdtype(dt, jnp.complexfloating):
        return jax.lax.complex(x[..., 0], x[..., 1]).astype(dt)
    return x.astype(dt)


@functools.partial(jax.jit, static_argnums=(1, 2))
def _uniform(key: Any, shape: tuple, dt: Any, a: Any, b: Any) -> Any:
    rdt = _real_dtype(dt)
    u = jax.random.uniform(as_key(key), _real_shape(shape, dt), rdt)
    return _as_dtype(a + (b - a) * u, dt)


@functools.partial(jax.jit, static_argnums=(1, 2))
def _normal(key: Any, shape: tuple, dt: Any, mean: Any, std: Any) -> Any:
    rdt = _real_dtype(dt)
    if jnp.issubdtype(dt, jnp.complexfloating):
        std = std / math.sqrt(2.0)  # torch splits the variance between the real and imaginary parts
    z = jax.random.normal(as_key(key), _real_shape(shape, dt), rdt)
    return _as_dtype(mean + std * z, dt)


def _check_float(tensor: Tensor, kernel: str) -> None:
    if not (tensor.dtype.is_floating_point or tensor.dtype.is_complex):
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_legacy_name(tensor)}\'')


def _legacy_name(tensor: Tensor) -> str:
    return tensor.type().split(".")[-1].replace("Tensor", "")


def _no_grad_uniform_(tensor: Tensor, a: float, b: float, generator: Any = None) -> Tensor:
    _check_float(tensor, "check_uniform_bounds")
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}")
    return _write(tensor, _uniform(draw_key(generator), tuple(tensor.shape), tensor._value.dtype, a, b))


def _no_grad_normal_(tensor: Tensor, mean: float, std: float, generator: Any = None) -> Tensor:
    _check_float(tensor, "normal_kernel_cpu")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    return _write(tensor, _normal(draw_key(generator), tuple(tensor.shape), tensor._value.dtype, mean, std))


# ------------------------------------------------------------------ gains and fans
def calculate_gain(nonlinearity: str, param: int | float | None = None) -> float:
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope: float = 0.01
        elif (not isinstance(param, bool) and isinstance(param, int)) or isinstance(param, float):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive_field_size = math.prod(tensor.shape[2:])
    return tensor.size(1) * receptive_field_size, tensor.size(0) * receptive_field_size


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]
    if mode not in valid_modes:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid_modes}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


# ------------------------------------------------------------------ the initialisers
def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Tensor:
    return _no_grad_uniform_(tensor, a, b, generator)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Any = None) -> Tensor:
    return _no_grad_normal_(tensor, mean, std, generator)


@functools.partial(jax.jit, static_argnums=(1, 2))
def _trunc_normal(key: Any, shape: tuple, dt: Any, mean: Any, std: Any, a: Any, b: Any) -> Any:
    rdt = _real_dtype(dt)
    z = jax.random.truncated_normal(as_key(key), (a - mean) / std, (b - mean) / std, shape, rdt)
    return jnp.clip(mean + std * z, a, b).astype(dt)


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0,
                  generator: Any = None) -> Tensor:
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may "
                      "be incorrect.", stacklevel=2)
    _check_float(tensor, "normal_kernel_cpu")
    return _write(tensor, _trunc_normal(draw_key(generator), tuple(tensor.shape), tensor._value.dtype,
                                        mean, std, a, b))


def constant_(tensor: Tensor, val: float) -> Tensor:
    v = val._value if isinstance(val, Tensor) else val
    return _write(tensor, jnp.asarray(v).astype(tensor._value.dtype))


def ones_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 1.0)


def zeros_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 0)


def eye_(tensor: Tensor) -> Tensor:
    if tensor.ndimension() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    return _write(tensor, jnp.eye(rows, cols, dtype=tensor._value.dtype))


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    dimensions = tensor.ndimension()
    if dimensions not in [3, 4, 5]:
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    sizes = tensor.size()
    if sizes[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_chans_per_grp = sizes[0] // groups
    min_dim = min(out_chans_per_grp, sizes[1])
    value = np.zeros(tuple(sizes), dtype=np.float32)
    centre = tuple(s // 2 for s in sizes[2:])
    for g in range(groups):
        for d in range(min_dim):
            value[(g * out_chans_per_grp + d, d) + centre] = 1
    return _write(tensor, jnp.asarray(value).astype(tensor._value.dtype))


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return _no_grad_uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return _no_grad_normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                     generator: Any = None) -> Tensor:
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    bound = math.sqrt(3.0) * calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return _no_grad_uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                    generator: Any = None) -> Tensor:
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    return _no_grad_normal_(tensor, 0, calculate_gain(nonlinearity, a) / math.sqrt(fan), generator)


@functools.partial(jax.jit, static_argnums=(1, 2, 3))
def _orthogonal(key: Any, rows: int, cols: int, dt: Any) -> Any:
    flat = jax.random.normal(as_key(key), (rows, cols), _real_dtype(dt))
    if rows < cols:
        flat = flat.T
    q, r = jnp.linalg.qr(flat)
    q = q * jnp.sign(jnp.diagonal(r))  # makes the decomposition unique, as torch does
    return (q.T if rows < cols else q).astype(dt)


def orthogonal_(tensor: Tensor, gain: float = 1, generator: Any = None) -> Tensor:
    if tensor.ndimension() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.size(0)
    cols = tensor.numel() // rows
    q = _orthogonal(draw_key(generator), rows, cols, tensor._value.dtype)
    return _write(tensor, (q * gain).astype(q.dtype).reshape(tuple(tensor.shape)))


@functools.partial(jax.jit, static_argnums=(1, 2, 3))
def _sparse(key: Any, shape: tuple, dt: Any, num_zeros: int, std: Any) -> Any:
    k1, k2 = jax.random.split(as_key(key))
    values = std * jax.random.normal(k1, shape, _real_dtype(dt))
    # in each column, the rows of the num_zeros smallest uniform draws (a random subset) become zero
    rank = jnp.argsort(jnp.argsort(jax.random.uniform(k2, shape), axis=0), axis=0)
    return jnp.where(rank < num_zeros, 0, values).astype(dt)


def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01, generator: Any = None) -> Tensor:
    if tensor.ndimension() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    _check_float(tensor, "normal_kernel_cpu")
    rows, _ = tensor.shape
    num_zeros = int(math.ceil(sparsity * rows))
    return _write(tensor, _sparse(draw_key(generator), tuple(tensor.shape), tensor._value.dtype, num_zeros, std))


def _make_deprecate(meth: Callable) -> Callable:
    new_name = meth.__name__
    old_name = new_name[:-1]

    def deprecated_init(*args: Any, **kwargs: Any) -> Any:
        warnings.warn(f"`nn.init.{old_name}` is now deprecated in favor of `nn.init.{new_name}`.", FutureWarning,
                      stacklevel=2)
        return meth(*args, **kwargs)

    deprecated_init.__name__ = old_name
    return deprecated_init


uniform = _make_deprecate(uniform_)
normal = _make_deprecate(normal_)
constant = _make_deprecate(constant_)
eye = _make_deprecate(eye_)
dirac = _make_deprecate(dirac_)
xavier_uniform = _make_deprecate(xavier_uniform_)
xavier_normal = _make_deprecate(xavier_normal_)
kaiming_uniform = _make_deprecate(kaiming_uniform_)
kaiming_normal = _make_deprecate(kaiming_normal_)
orthogonal = _make_deprecate(orthogonal_)
sparse = _make_deprecate(sparse_)
