"""Normalization: batch_norm, instance_norm, layer_norm, rms_norm, group_norm, local_response_norm, normalize.

Running statistics: the batch/instance-norm kernels return the updated running mean and variance next to
the output, and the function writes them into the buffers in place (under no_grad), as torch's kernel
does. That is an ordinary in-place tensor op, so it also works while jax.jit traces a step (the buffers
then hold tracers, and jtorch.compile hands the new values back). The momentum is a dynamic scalar: the
cumulative average's ``1 / num_batches_tracked`` may be a traced tensor and never recompiles.

Half-precision inputs are normalized in float32 (torch's accumulate type) and the result cast back.
"""
from __future__ import annotations

import math
from typing import Any

import jax.numpy as jnp
from jax import lax

from ... import _dtype
from ...autograd.grad_mode import no_grad
from ...ops._registry import _type_name, function, op
from ...tensor import Tensor

_HALF = (jnp.float16, jnp.bfloat16)


def _acc(x: Any) -> Any:
    return x.astype(jnp.float32) if x.dtype in _HALF else x


def _affine(y: Any, w: Any, b: Any, shape: tuple) -> Any:
    if w is not None:
        y = y * _acc(w).reshape(shape)
    if b is not None:
        y = y + _acc(b).reshape(shape)
    return y


def _check_float(kernel: str, input: Tensor) -> None:
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_type_name(input.dtype)}'")


def _check_param_dtypes(input: Tensor, *params: Tensor | None) -> None:
    """torch's CPU mixed-dtype rule: parameters share the input's dtype, or are float32 for a half input."""
    for p in params:
        if p is None or p.dtype == input.dtype:
            continue
        if input.dtype is _dtype.float64:
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
        if p.dtype is not _dtype.float32 or input.dtype is _dtype.float32:
            raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")


def _check_size(what: str, t: Tensor | None, n: int, got: int | None = None) -> None:
    if t is not None and (got if got is not None else t.numel()) != n:
        raise RuntimeError(f"{what} should contain {n} elements not {got if got is not None else t.numel()}")


def _stat(t: Tensor | None) -> Tensor | None:
    """A running-statistics buffer as a kernel operand: the same value under a fresh version counter, so
    that updating the buffer after the forward does not invalidate the backward (torch's kernel writes the
    buffer without a version bump)."""
    return None if t is None else Tensor._make(t._value)


def _update(buffers: tuple, values: tuple) -> None:
    with no_grad():
        for b, v in zip(buffers, values):
            if b is not None:
                b.copy_(v)


def _running(rm: Any, rv: Any, mean: Any, var_unbiased: Any, momentum: Any) -> tuple:
    """(1 - momentum) * running + momentum * batch, without gradient (torch updates under no_grad)."""
    m = jnp.asarray(momentum).astype(rm.dtype)
    mean, var = lax.stop_gradient(mean).astype(rm.dtype), lax.stop_gradient(var_unbiased).astype(rv.dtype)
    return (1 - m) * rm + m * mean, (1 - m) * rv + m * var


# ------------------------------------------------------------------ batch norm
@op("_batch_norm(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var, "
    "bool training, Scalar momentum, float eps) -> (Tensor output, Tensor mean, Tensor var)", function=False, method=False, out=False,
    node_name="NativeBatchNormBackward0")
def _batch_norm_kernel(x, w, b, rm, rv, training, momentum, eps):
    """(output, new running mean, new running var); without running statistics the last two are the
    batch mean and biased variance."""
    xa = _acc(x)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    axes = (0,) + tuple(range(2, x.ndim))
    if x.size == 0:  # an empty batch: empty output, statistics unchanged
        empty = jnp.zeros((x.shape[1] if x.ndim > 1 else 0,), xa.dtype)
        return x, (empty if rm is None else rm), (empty if rv is None else rv)
    if training:
        mean = jnp.mean(xa, axis=axes)
        var = jnp.mean(jnp.square(xa - mean.reshape(shape)), axis=axes)
        y = (xa - mean.reshape(shape)) * lax.rsqrt(var.reshape(shape) + eps)
        if rm is not None:
            n = x.size // x.shape[1]
            mean, var = _running(rm, rv, mean, var * (n / (n - 1)), momentum)
    else:
        mean, var = rm, rv
        y = (xa - _acc(rm).reshape(shape)) * lax.rsqrt(_acc(rv).reshape(shape) + eps)
    return _affine(y, w, b, shape).astype(x.dtype), mean, var


def _batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None, running_mean: Tensor | None,
                running_var: Tensor | None, training: bool, momentum: Any, eps: float) -> Tensor:
    _check_float("batch_norm", input)
    c = input.shape[1] if input.dim() > 1 else 0
    for what, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        _check_size(what, t, c)
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError(f"running_{'mean' if running_mean is None else 'var'} must be defined in evaluation mode")
    _check_param_dtypes(input, weight, bias, running_mean, running_var)
    if momentum is None:
        raise TypeError("batch_norm(): argument 'momentum' (position 7) must be float, not NoneType")
    out, mean, var = _batch_norm_kernel(input, weight, bias, _stat(running_mean), _stat(running_var), bool(training),
                                        momentum, float(eps))
    if training and input.numel():
        _update((running_mean, running_var), (mean, var))
    return out


def _verify_batch_size(size: Any) -> None:
    size_prods = size[0]
    for s in size[2:]:
        size_prods *= s
    if size_prods == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {size}")


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None, weight: Tensor | None = None,
               bias: Tensor | None = None, training: bool = False, momentum: Any = 0.1, eps: float = 1e-5) -> Tensor:
    if training:
        _verify_batch_size(input.size())
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    elif eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    return _batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps)


def _torch_batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None, running_mean: Tensor | None,
                      running_var: Tensor | None, training: bool, momentum: float, eps: float,
                      cudnn_enabled: bool) -> Tensor:
    return _batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps)


# ------------------------------------------------------------------ instance norm
@op("_instance_norm(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var, "
    "bool use_input_stats, Scalar momentum, float eps) -> (Tensor output, Tensor mean, Tensor var)", function=False, method=False,
    out=False, node_name="NativeBatchNormBackward0")
def _instance_norm_kernel(x, w, b, rm, rv, use_input_stats, momentum, eps):
    xa = _acc(x)
    n, c = x.shape[:2]
    spatial = tuple(range(2, x.ndim))
    per_channel = (1, c) + (1,) * len(spatial)
    if use_input_stats:
        mean = jnp.mean(xa, axis=spatial, keepdims=True)
        var = jnp.mean(jnp.square(xa - mean), axis=spatial, keepdims=True)
        y = (xa - mean) * lax.rsqrt(var + eps)
        new_m = new_v = jnp.zeros((0,), xa.dtype)
        if rm is not None:
            k = math.prod(x.shape[2:])
            # torch updates one running copy per instance and averages them over the batch
            new_m, new_v = _running(rm, rv, jnp.mean(mean.reshape(n, c), 0),
                                    jnp.mean(var.reshape(n, c), 0) * (k / (k - 1)), momentum)
    else:
        y = (xa - _acc(rm).reshape(per_channel)) * lax.rsqrt(_acc(rv).reshape(per_channel) + eps)
        new_m, new_v = rm, rv
    return _affine(y, w, b, per_channel).astype(x.dtype), new_m, new_v


def _instance_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None, running_mean: Tensor | None,
                   running_var: Tensor | None, use_input_stats: bool, momentum: Any, eps: float) -> Tensor:
    _check_float("batch_norm", input)
    n, c = input.shape[:2]
    for what, t in (("running_mean", running_mean), ("running_var", running_var)):
        _check_size(what, t, n * c, None if t is None else n * t.numel())  # torch repeats them per instance
    for what, t in (("weight", weight), ("bias", bias)):
        _check_size(what, t, n * c, None if t is None else n * t.numel())
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("Expected running_mean and running_var to be defined when use_input_stats is false")
    _check_param_dtypes(input, weight, bias, running_mean, running_var)
    out, mean, var = _instance_norm_kernel(input, weight, bias, _stat(running_mean), _stat(running_var),
                                           bool(use_input_stats), momentum, float(eps))
    if use_input_stats and input.numel():
        _update((running_mean, running_var), (mean, var))
    return out


def _verify_spatial_size(size: Any) -> None:
    size_prods = 1
    for s in size[2:]:
        size_prods *= s
    if size_prods == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {size}")


def instance_norm(input: Tensor, running_mean: Tensor | None = None, running_var: Tensor | None = None,
                  weight: Tensor | None = None, bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: Any = 0.1, eps: float = 1e-5) -> Tensor:
    if use_input_stats:
        _verify_spatial_size(input.size())
    return _instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps)


def _torch_instance_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None, running_mean: Tensor | None,
                         running_var: Tensor | None, use_input_stats: bool, momentum: float, eps: float,
                         cudnn_enabled: bool) -> Tensor:
    return _instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps)


for _f, _name in ((_torch_batch_norm, "batch_norm"), (_torch_instance_norm, "instance_norm")):
    _f.__name__ = _f.__qualname__ = _name
    function(_f)


# ------------------------------------------------------------------ layer norm, rms norm
def _shape_message(shape: list, sep: str) -> str:
    return "[*" + sep + ", ".join(str(s) for s in shape) + "]"


def _last_dims_pre(name: str, sep: str):
    def pre(input, normalized_shape, weight=None, *rest):
        if not isinstance(normalized_shape, (tuple, list)):
            raise TypeError(f"{name}(): argument 'normalized_shape' (position 2) must be tuple of ints, not "
                            f"{type(normalized_shape).__name__}")
        shape = [int(s) for s in normalized_shape]
        if not shape:
            raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least "
                               "one element, but got normalized_shape = []")
        params = [("weight", weight)] + ([("bias", rest[0])] if name == "layer_norm" else [])
        _check_param_dtypes(input, *(t for _, t in params))
        for what, t in params:
            if t is not None and list(t.shape) != shape:
                raise RuntimeError(f"Expected {what} to be of same shape as normalized_shape, but got {what} of shape "
                                   f"{list(t.shape)} and normalized_shape = {shape}")
        if input.dim() < len(shape) or list(input.shape[input.dim() - len(shape):]) != shape:
            raise RuntimeError(f"Given normalized_shape={shape}, expected input with shape {_shape_message(shape, sep)}, "
                               f"but got input of size{list(input.shape)}")
        _check_float("LayerNormKernelImpl" if name == "layer_norm" else name, input)
        return (input, tuple(shape), weight) + tuple(rest)
    return pre


@op("layer_norm(Tensor input, int[] normalized_shape, Tensor? weight=None, Tensor? bias=None, float eps=1e-05, "
    "bool cudnn_enable=True) -> Tensor", method=False, out=False, pre=_last_dims_pre("layer_norm", ", "),
    node_name="NativeLayerNormBackward0")
def _layer_norm(x, normalized_shape, w=None, b=None, eps=1e-5, cudnn_enable=True):
    xa = _acc(x)
    axes = tuple(range(x.ndim - len(normalized_shape), x.ndim))
    mean = jnp.mean(xa, axis=axes, keepdims=True)
    var = jnp.mean(jnp.square(xa - mean), axis=axes, keepdims=True)
    y = (xa - mean) * lax.rsqrt(var + eps)
    return _affine(y, w, b, normalized_shape).astype(x.dtype)


def layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    return _layer_norm(input, normalized_shape, weight, bias, eps)


@op("rms_norm(Tensor input, int[] normalized_shape, Tensor? weight=None, float? eps=None) -> Tensor", method=False,
    out=False, pre=_last_dims_pre("rms_norm", ""), node_name="MulBackward0")
def _rms_norm(x, normalized_shape, w=None, eps=None):
    xa = _acc(x)
    if eps is None:
        eps = float(jnp.finfo(xa.dtype).eps)  # of the accumulate type, as torch
    axes = tuple(range(x.ndim - len(normalized_shape), x.ndim))
    y = xa * lax.rsqrt(jnp.mean(jnp.square(xa), axis=axes, keepdims=True) + eps)
    return _affine(y, w, None, normalized_shape).astype(x.dtype)


def rms_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None, eps: float | None = None) -> Tensor:
    return _rms_norm(input, normalized_shape, weight, eps)


# ------------------------------------------------------------------ group norm
def _group_norm_pre(input, num_groups, weight=None, bias=None, eps=1e-5, cudnn_enabled=True):
    shape = list(input.shape)
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.dim()}")
    c = shape[1]
    if num_groups <= 0 or c % num_groups:
        raise RuntimeError("Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {shape} and num_groups={num_groups}")
    for what, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.dim() != 1 or t.numel() != c):
            raise RuntimeError(f"Expected {what} to be a vector of size equal to the number of channels in input, but "
                               f"got {what} of shape {list(t.shape)} and input of shape {shape}")
    _check_float("GroupNormKernelImpl", input)
    _check_param_dtypes(input, weight, bias)
    return input, num_groups, weight, bias, eps, cudnn_enabled


@op("group_norm(Tensor input, int num_groups, Tensor? weight=None, Tensor? bias=None, float eps=1e-05, "
    "bool cudnn_enabled=True) -> Tensor", method=False, out=False, pre=_group_norm_pre,
    node_name="NativeGroupNormBackward0")
def _group_norm(x, num_groups, w=None, b=None, eps=1e-5, cudnn_enabled=True):
    xa = _acc(x)
    n = x.shape[0]
    g = xa.reshape(n, num_groups, -1)
    mean = jnp.mean(g, axis=-1, keepdims=True)
    var = jnp.mean(jnp.square(g - mean), axis=-1, keepdims=True)
    y = ((g - mean) * lax.rsqrt(var + eps)).reshape(x.shape)
    return _affine(y, w, b, (1, -1) + (1,) * (x.ndim - 2)).astype(x.dtype)


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.dim()}")
    _verify_batch_size([input.size(0) * input.size(1) // num_groups, num_groups] + list(input.size()[2:]))
    return _group_norm(input, num_groups, weight, bias, eps)


# ------------------------------------------------------------------ local response norm, normalize
@op("_local_response_norm(Tensor input, int size, float alpha, float beta, float k) -> Tensor", function=False,
    method=False, out=False, node_name="DivBackward0")
def _local_response_norm(x, size, alpha, beta, k):
    xa = _acc(x)
    pads = [(0, 0)] * x.ndim
    pads[1] = (size // 2, (size - 1) // 2)
    sq = jnp.pad(xa * xa, pads)
    c = x.shape[1]
    # the mean of squares over a window of channels, zero-padded (torch's avg_pool counts the padding)
    s = sum(lax.slice_in_dim(sq, i, i + c, axis=1) for i in range(size))
    return (xa / (s / size * alpha + k) ** beta).astype(x.dtype)


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> Tensor:
    dim = input.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    _check_float("avg_pool2d" if dim == 3 else "avg_pool3d", input)
    if dim > 3 and input.dtype is _dtype.float16:
        raise NotImplementedError("\"avg_pool3d_out_frame\" not implemented for 'Half'")
    return _local_response_norm(input, int(size), float(alpha), float(beta), float(k))


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Tensor | None = None) -> Tensor:
    from ...ops.pointwise import div
    if out is None:
        return input / input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    return div(input, input.norm(p, dim, keepdim=True).clamp_min_(eps).expand_as(input), out=out)


__all__ = ["batch_norm", "instance_norm", "layer_norm", "rms_norm", "group_norm", "local_response_norm", "normalize"]
