"""Dropout: F.dropout, dropout1d/2d/3d, alpha_dropout, feature_alpha_dropout, and torch.dropout,
torch.feature_dropout, torch.alpha_dropout, torch.feature_alpha_dropout (with their in-place forms).

As torch's CPU kernel does, the noise is drawn by its own (non-differentiable) op and the input is
multiplied by it: ``input * noise`` (MulBackward0), so the gradient is the incoming gradient times the
mask scaled by ``1 / (1 - p)``. Alpha dropout adds a shift afterwards (AddBackward0). Feature dropout
draws one value per (sample, channel) and broadcasts it over the remaining dimensions.

The noise op takes a ``Generator?`` argument, so its key comes from jtorch's generator: an eager run
and a step compiled by jtorch.compile (which lifts the generator state) draw the same masks.
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Callable

import jax
import jax.numpy as jnp

from ..._random import as_key
from ...ops._registry import _type_name, function, op
from ...ops.creation import zeros
from ...tensor import Tensor

# SELU's negative saturation value, -scale * alpha (torch's constant)
_ALPHA = 1.7580993408473766


def _noise_shape(shape: tuple, feature: bool) -> tuple:
    return (shape[0], shape[1]) + (1,) * (len(shape) - 2) if feature else shape


def _keep(x: Any, p: float, feature: bool, generator: Any) -> Any:
    """1 where an element (a channel, for feature dropout) is kept, 0 where dropped, in the opmath dtype."""
    acc = jnp.float64 if x.dtype == jnp.float64 else jnp.float32
    return jax.random.bernoulli(as_key(generator), 1.0 - p, _noise_shape(x.shape, feature)).astype(acc)


@op("dropout_noise(Tensor input, float p, bool feature, *, Generator? generator=None) -> Tensor",
    function=False, method=False, differentiable=False, out=False)
def _dropout_noise(x, p, feature, *, generator):
    """torch's ``noise``: bernoulli(1 - p) / (1 - p), in the input's dtype."""
    return (_keep(x, p, feature, generator) / (1.0 - p)).astype(x.dtype)


@op("alpha_dropout_noise(Tensor input, float p, bool feature, *, Generator? generator=None) "
    "-> (Tensor noise, Tensor shift)", function=False, method=False, differentiable=False, out=False)
def _alpha_dropout_noise(x, p, feature, *, generator):
    """torch's alpha-dropout ``noise * a`` and shift ``b``: kept values become ``a * x + alpha * a * p``,
    dropped ones ``-alpha * a * (1 - p)``, which keeps a SELU network's mean and variance."""
    keep = _keep(x, p, feature, generator)
    a = 1.0 / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
    # torch's noise.add(-1).mul_(alpha * a).add_(alpha * a * p): each step rounds to the input's dtype
    acc, dt = keep.dtype, x.dtype
    shift = ((keep - 1).astype(dt).astype(acc) * (_ALPHA * a)).astype(dt)
    shift = (shift.astype(acc) + _ALPHA * a * p).astype(dt)
    return (keep * a).astype(dt), shift


def _check_input(name: str, input: Any) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")


def _dropout_impl(input: Tensor, p: float, train: bool, feature: bool, alpha: bool, inplace: bool) -> Tensor:
    """ATen's ``_dropout_impl``: the checks, shortcuts and the product in torch's order."""
    if not 0 <= p <= 1:
        # C++ streams print the double as %g
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {float(p):g}")
    if p == 0 or not train or input.numel() == 0:
        return input
    if p == 1:  # NOTE: a product, not a fill: NaN and inf stay NaN, as in torch
        z = zeros((), dtype=input.dtype, device=input.device)
        return input.mul_(z) if inplace else input * z
    if feature and input.dim() < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    d = input.dtype
    if d.is_complex:
        raise NotImplementedError(f"\"bernoulli_scalar_cpu_\" not implemented for '{_type_name(d)}'")
    if not d.is_floating_point:  # torch's noise.div_(1 - p) on an integer noise tensor
        shown = "Long" if alpha and d.name == "bool" else _type_name(d)  # bool noise.add(-1) is int64
        raise RuntimeError(f"result type Float can't be cast to the desired output type {shown}")
    if not alpha:
        noise = _dropout_noise(input, float(p), feature)
        return input.mul_(noise) if inplace else input * noise
    noise, shift = _alpha_dropout_noise(input, float(p), feature)
    return (input.mul_(noise) if inplace else input * noise).add_(shift)


def _namespace_fn(name: str, feature: bool, alpha: bool, inplace: bool) -> Callable:
    def fn(input: Tensor, p: float, train: bool) -> Tensor:
        _check_input(name, input)
        return _dropout_impl(input, p, train, feature, alpha, inplace)
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = "jtorch"
    return function(fn)


# torch.dropout(input, p, train) ... : RuntimeError for p outside [0, 1]
for _name, _feature, _alpha in (("dropout", False, False), ("feature_dropout", True, False),
                                ("alpha_dropout", False, True), ("feature_alpha_dropout", True, True)):
    _namespace_fn(_name, _feature, _alpha, False)
    _namespace_fn(_name + "_", _feature, _alpha, True)


# ------------------------------------------------------------------ torch.nn.functional
def _check_p(p: Any) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    _check_p(p)
    _check_input("dropout", input)
    return _dropout_impl(input, p, training, False, False, inplace)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    _check_p(p)
    _check_input("alpha_dropout", input)
    return _dropout_impl(input, p, training, False, True, inplace)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    _check_p(p)
    _check_input("feature_alpha_dropout", input)
    return _dropout_impl(input, p, training, True, True, inplace)


def _unbatched(input: Tensor, p: float, training: bool, inplace: bool) -> Tensor:
    """Feature dropout of an input without a batch dimension: as a batch of one."""
    x = input.unsqueeze_(0) if inplace else input.unsqueeze(0)
    out = _dropout_impl(x, p, training, True, False, inplace)
    return out.squeeze_(0) if inplace else out.squeeze(0)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    _check_p(p)
    _check_input("dropout1d", input)
    n = input.dim()
    if n not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {n}D input. Note that dropout1d exists to provide "
            "channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch "
            "dimension (i.e. 2D or 3D inputs).")
    if n == 2:
        return _unbatched(input, p, training, inplace)
    return _dropout_impl(input, p, training, True, False, inplace)


def _deprecated_dims(name: str, n: int, spatial: int) -> None:
    warnings.warn(
        f"{name}: Received a {n}-D input to {name}, which is deprecated and will result in an error in a future "
        f"release. To retain the behavior and silence this warning, please use dropout instead. Note that {name} "
        f"exists to provide channel-wise dropout on inputs with {spatial} spatial dimensions, a channel dimension, "
        f"and an optional batch dimension (i.e. {spatial + 1}D or {spatial + 2}D inputs).", stacklevel=3)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    _check_p(p)
    _check_input("dropout2d", input)
    n = input.dim()
    if n not in (3, 4):
        _deprecated_dims("dropout2d", n, 2)
    if n == 3:
        # NOTE: torch reads a 3-D input as (N, C, L), not as an unbatched (C, H, W) one
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is "
            "desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will "
            "change in a future release to interpret the input as one without a batch dimension, i.e. shape "
            "(C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d "
            "instead.", stacklevel=2)
    return _dropout_impl(input, p, training, True, False, inplace)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    _check_p(p)
    _check_input("dropout3d", input)
    n = input.dim()
    if n not in (4, 5):
        _deprecated_dims("dropout3d", n, 3)
    if n != 5:
        return _unbatched(input, p, training, inplace)
    return _dropout_impl(input, p, training, True, False, inplace)


__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"]
