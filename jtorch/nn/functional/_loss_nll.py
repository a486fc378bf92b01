"""F.nll_loss and F.cross_entropy: class indices (weights, ignore_index, label smoothing, K-dimensional and
unbatched inputs) and class probabilities (soft labels).

The class-index check (torch's ``IndexError: Target 5 is out of bounds.``) needs the targets' values: it
runs eagerly and is skipped under jax.jit, where an out-of-range target gives a nan loss instead.
"""
from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ... import _dtype
from ...ops._registry import DEFAULT, _type_name, op
from ...ops.pointwise import supports
from ...tensor import Tensor
from .._reduction import MEAN, NONE
from ._loss import _enum, _not_differentiable, _reduce, _values


# ------------------------------------------------------------------ checks
def _classes(input: Tensor, target: Tensor, weight: Tensor | None) -> int:
    """torch's nll_loss_nd shape checks; the number of classes."""
    xd, td = input.dim(), target.dim()
    if xd < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {xd})")
    if xd != 1 and input.shape[0] != (target.shape[0] if td else 0):
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
                         f"({target.shape[0] if td else 0}).")
    c = input.shape[1] if xd >= 2 else input.shape[0]
    if xd <= 2:
        if td > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if xd == 1 and td == 1 and target.shape[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}")
        if weight is not None and not (weight.dim() == 1 and weight.numel() == c):
            raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no classes but got "
                               f"weight tensor of shape: {list(weight.shape)}")
        return c
    spatial = tuple(input.shape[2:])
    if xd == 4:
        if td != 3:
            raise RuntimeError(f"only batches of spatial targets supported (3D tensors) but got targets of "
                               f"dimension: {td}")
    elif tuple(target.shape[1:]) != spatial:
        raise RuntimeError(f"Expected target size {[input.shape[0], *spatial]}, got {list(target.shape)}")
    if weight is not None and weight.numel() != c:
        raise RuntimeError("weight tensor should be defined either for all or no classes")
    if tuple(target.shape) != (input.shape[0],) + spatial:
        raise RuntimeError(f"size mismatch (got input: {list(input.shape)} , target: {list(target.shape)}")
    return c


def _in_bounds(target: Tensor, c: int, ignore_index: int) -> None:
    tv = _values(target)
    if tv is None:
        return
    tv = tv.astype(np.int64).reshape(-1)
    bad = (tv != ignore_index) & ((tv < 0) | (tv >= c))
    if bad.any():
        raise IndexError(f"Target {tv[bad][0]} is out of bounds.")


def _index_check(input, target, weight=None, reduction=MEAN, ignore_index=-100, label_smoothing=0.0, *,
                 kernel="nll_loss_out_frame"):
    if target.dtype not in (_dtype.int64, _dtype.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_type_name(target.dtype)}")
    supports("f", kernel)(input)
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError(f"expected scalar type {_type_name(input.dtype)} but found {_type_name(weight.dtype)}")
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")


def _index_pre(input, target, weight=None, reduction=MEAN, ignore_index=-100, *rest):
    _not_differentiable("nll_loss_forward", weight=weight)
    _in_bounds(target, _classes(input, target, weight), ignore_index)
    return (input, target, weight, reduction, ignore_index, *rest)


# ------------------------------------------------------------------ bodies
def _batched(x: Any, t: Any) -> tuple:
    """(N, C, d...) log-probabilities or logits and (N, d...) targets; unbatched (C,) gets N = 1."""
    return (x[None], t.reshape(1)) if x.ndim == 1 else (x, t)


def _nll(logp: Any, t: Any, w: Any, reduction: int, ignore_index: int) -> tuple:
    """The loss of class-index targets, and per target whether it counts and its weight."""
    c = logp.shape[1]
    t = t.astype(jnp.int64)
    counts = t != ignore_index
    inb = (t >= 0) & (t < c)
    safe = jnp.where(counts & inb, t, 0)
    picked = jnp.take_along_axis(logp, safe[:, None], axis=1)[:, 0]
    wt = w.reshape(-1)[safe] if w is not None else jnp.ones((), logp.dtype)
    zero = jnp.zeros((), logp.dtype)
    # where (not a product) zeroes ignored targets, so an all-ignored 'mean' is 0/0 = nan with zero
    # gradients, as torch's; a target out of range (seen only under jax.jit) gives nan
    loss = jnp.where(counts, jnp.where(inb, -picked * wt, jnp.nan), zero)
    total = jnp.sum(jnp.where(counts, wt, zero))
    out = loss.sum() / total if reduction == MEAN else _reduce(loss, reduction)
    return out, counts, total


def _unbatch(out: Any, x_ndim: int, reduction: int) -> Any:
    return out.reshape(()) if x_ndim == 1 and reduction == NONE else out


@op("nll_loss(Tensor input, Tensor target, Tensor? weight=None, int reduction=1, int ignore_index=-100) -> Tensor",
    function=False, method=False, out=False, pre=_index_pre, check=_index_check)
def _nll_loss(x, t, w=None, reduction=MEAN, ignore_index=-100):
    xb, tb = _batched(x, t)
    return _unbatch(_nll(xb, tb, w, reduction, ignore_index)[0], x.ndim, reduction)


def _ce_index_check(*args):
    _index_check(*args, kernel="log_softmax_lastdim_kernel_impl")


@op("cross_entropy_loss(Tensor input, Tensor target, Tensor? weight=None, int reduction=1, "
    "int ignore_index=-100, float label_smoothing=0.0) -> Tensor", function=False, method=False, out=False,
    pre=_index_pre, check=_ce_index_check, node_name="NllLossBackward0")
def _cross_entropy_index(x, t, w=None, reduction=MEAN, ignore_index=-100, label_smoothing=0.0):
    xb, tb = _batched(x, t)
    logp = jax.nn.log_softmax(xb, axis=1)
    out, counts, total = _nll(logp, tb, w, reduction, ignore_index)
    if label_smoothing > 0.0:  # torch ignores a negative label_smoothing
        c = xb.shape[1]
        lw = logp if w is None else logp * w.reshape((1, c) + (1,) * (xb.ndim - 2))
        smooth = jnp.where(counts, -jnp.sum(lw, axis=1), jnp.zeros((), logp.dtype))
        if reduction == MEAN:
            ret = smooth.sum() / (total if w is not None else jnp.sum(counts).astype(logp.dtype))
        else:
            ret = _reduce(smooth, reduction)
        out = (1 - label_smoothing) * out + ret * (label_smoothing / c)
    return _unbatch(out, x.ndim, reduction)


def _prob_check(input, target, weight=None, reduction=MEAN, label_smoothing=0.0):
    supports("f", "log_softmax_lastdim_kernel_impl")(input)
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")


def _prob_pre(input, target, weight=None, reduction=MEAN, label_smoothing=0.0):
    if not target.dtype.is_floating_point:
        raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                           f"{_type_name(target.dtype)}")
    if input.dim() == 0:
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    c = input.shape[0 if input.dim() == 1 else 1]
    if weight is not None and not (weight.dim() == 1 and weight.numel() == c):
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all {c} classes or no "
                           f"classes but got weight tensor of shape: {list(weight.shape)}")
    return input, target, weight, reduction, label_smoothing


@op("cross_entropy_loss_prob(Tensor input, Tensor target, Tensor? weight=None, int reduction=1, "
    "float label_smoothing=0.0) -> Tensor", promote=DEFAULT, function=False, method=False, out=False,
    pre=_prob_pre, check=_prob_check)
def _cross_entropy_prob(x, t, w=None, reduction=MEAN, label_smoothing=0.0):
    cdim = 0 if x.ndim == 1 else 1
    c = x.shape[cdim]
    if label_smoothing > 0.0:
        t = t * (1 - label_smoothing) + label_smoothing / c
    prod = jax.nn.log_softmax(x, axis=cdim) * t
    if w is not None:
        prod = prod * w.reshape((c,) + (1,) * (x.ndim - cdim - 1))
    if reduction == MEAN:
        return jnp.full((), jnp.nan, x.dtype) if x.size == 0 else -prod.sum() / (x.size // c)
    return -prod.sum(axis=cdim) if reduction == NONE else -prod.sum()


# ------------------------------------------------------------------ torch.nn.functional
def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
             ignore_index: int = -100, reduce: Any = None, reduction: str = "mean") -> Tensor:
    return _nll_loss(input, target, weight, _enum(size_average, reduce, reduction), ignore_index)


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
                  ignore_index: int = -100, reduce: Any = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    red = _enum(size_average, reduce, reduction)
    if input.shape == target.shape:  # class probabilities (ignore_index does not apply, as in torch)
        return _cross_entropy_prob(input, target, weight, red, label_smoothing)
    return _cross_entropy_index(input, target, weight, red, ignore_index, label_smoothing)


__all__ = ["cross_entropy", "nll_loss"]
