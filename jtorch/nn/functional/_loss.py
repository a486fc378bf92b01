"""Losses: torch.nn.functional's loss functions and the loss ops of the torch namespace.

Each loss is one registry op (pure JAX body, ``reduction`` as ATen's enum: 0 none, 1 mean, 2 sum) and,
where torch has one, a Python function with torch.nn.functional's signature that maps the string
``reduction`` (and the deprecated ``size_average`` / ``reduce``, with torch's warning) to the enum. The
torch-namespace losses (torch.kl_div, torch.ctc_loss ...) are the ops themselves.

Checks that need values (a class index out of range, BCE inputs outside [0, 1], negative variances, CTC
lengths) run eagerly, as torch's do. Under jax.jit the values are unknown and those checks are skipped:
an out-of-range class index then gives nan, BCE/variance/CTC inputs are used as they are.

Gradients follow torch's formulas where they differ from the derivative of the forward: BCE's input
gradient is ``(x - y) / max(x (1 - x), 1e-12)`` (not the derivative of the clamped log), GaussianNLL's
variance is clamped without blocking its gradient, and CTC's gradient carries torch's ``exp(log_probs)``
term (see :func:`_ctc_nll`).
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from ... import _dtype
from ...autograd.grad_mode import STATE
from ...ops._registry import DEFAULT, INT_TO_FLOAT, KEEP, _type_name, op
from ...ops.pointwise import supports
from ...ops.shape import broadcast_shapes
from ...tensor import Tensor
from .. import _reduction as _Reduction
from .._reduction import MEAN, NONE

_EPSILON = 1e-12  # ATen's loss epsilon (BCE backward, cosine embedding)


# ------------------------------------------------------------------ shared helpers
def _enum(size_average: Any, reduce: Any, reduction: str) -> int:
    """ATen's reduction enum for torch.nn.functional's (size_average, reduce, reduction) arguments."""
    if size_average is not None or reduce is not None:
        return _Reduction.legacy_get_enum(size_average, reduce)
    return _Reduction.get_enum(reduction)


def _legacy(size_average: Any, reduce: Any, reduction: str) -> str:
    if size_average is not None or reduce is not None:
        return _Reduction.legacy_get_string(size_average, reduce)
    return reduction


def _reduce(loss: Any, reduction: int) -> Any:
    return loss if reduction == NONE else jnp.mean(loss) if reduction == MEAN else jnp.sum(loss)


def _values(t: Tensor) -> np.ndarray | None:
    """``t``'s values, or None while it is traced (value checks are skipped under jax.jit)."""
    v = t._value
    return None if isinstance(v, jax.core.Tracer) else np.asarray(v)


def _not_differentiable(fn: str, **tensors: Any) -> None:
    if STATE.grad:
        for name, t in tensors.items():
            if isinstance(t, Tensor) and t.requires_grad:
                raise RuntimeError(f"The function '{fn}' is not differentiable with respect to argument '{name}'. "
                                   "This input cannot have requires_grad True.")


def _broadcast(*shapes: tuple) -> tuple:
    """The broadcast shape, or torch's error for a binary op's operands."""
    out: tuple = ()
    for b in shapes:
        nd = max(len(out), len(b))
        res = []
        for j in range(nd, 0, -1):
            x, y = (out[-j] if j <= len(out) else 1), (b[-j] if j <= len(b) else 1)
            if x != y and x != 1 and y != 1:
                raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                                   f"non-singleton dimension {nd - j}")
            res.append(y if x == 1 else x)
        out = tuple(res)
    return out


def _warn_size(input: Tensor, target: Tensor) -> None:
    if target.size() != input.size():
        warnings.warn(f"Using a target size ({target.size()}) that is different to the input size ({input.size()}). "
                      "This will likely lead to incorrect results due to broadcasting. "
                      "Please ensure they have the same size.", stacklevel=3)


def _abs(d: Any) -> Any:
    return d * jnp.sign(d)  # |d| whose gradient at 0 is sign(0) = 0, as torch's abs


def _clamp_min0(z: Any) -> Any:
    return jnp.where(z >= 0, z, jnp.zeros_like(z))  # torch's clamp_min gradient is 1 at the bound


def _relu_strict(z: Any) -> Any:
    return jnp.where(z > 0, z, jnp.zeros_like(z))  # margin kernels count only z > 0 (gradient 0 at 0)


def _fits_input(float_result: bool) -> Callable:
    """check=: the loss is written into a tensor of the input's dtype (torch's ``result type ... can't be
    cast``); ``float_result``: the formula gives a float even for integer operands."""
    def check(input, target, *rest):
        rdt = _dtype.promote_types(input.dtype, target.dtype)
        if float_result and not (rdt.is_floating_point or rdt.is_complex):
            rdt = _dtype.get_default_dtype()
        if not _dtype.can_cast(rdt, input.dtype):
            raise RuntimeError(f"result type {_type_name(rdt)} can't be cast to the desired output type "
                               f"{_type_name(input.dtype)}")
    return check


def _no_bool_sub(input, target, *rest):
    if input.dtype is _dtype.bool or target.dtype is _dtype.bool:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")


def _mean_needs_float(reduction: int, dt: Any) -> None:
    if reduction == MEAN and not (dt.is_floating_point or dt.is_complex):
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {_type_name(dt)}")


# ------------------------------------------------------------------ regression
def _l1_check(input, target, weight, reduction):
    _no_bool_sub(input, target)
    _mean_needs_float(reduction, _dtype.promote_types(input.dtype, target.dtype))


def _weighted_pre(input, target, weight, *rest):
    _broadcast(tuple(input.shape), tuple(target.shape))
    if weight is not None and weight.size() != input.size():
        raise ValueError("Weights and input must have the same size.")
    return (input, target, weight, *rest)


def _weighted_reduce(loss, w, reduction, mean_by_weight):
    if w is None:
        return _reduce(loss, reduction)
    loss = loss * w
    if reduction == MEAN and mean_by_weight:
        return jnp.sum(loss) / jnp.sum(w)
    return _reduce(loss, reduction)


@op("l1_loss(Tensor input, Tensor target, Tensor? weight=None, int reduction=1) -> Tensor", promote=DEFAULT,
    function=False, method=False, out=False, pre=_weighted_pre, check=_l1_check)
def _l1_loss(x, t, w=None, reduction=MEAN):
    return _weighted_reduce(_abs(x - t), w, reduction, True)


@op("mse_loss(Tensor input, Tensor target, Tensor? weight=None, int reduction=1) -> Tensor", promote=DEFAULT,
    function=False, method=False, out=False, pre=_weighted_pre, check=supports("f", "mse_cpu", n=2))
def _mse_loss(x, t, w=None, reduction=MEAN):
    return _weighted_reduce(jnp.square(x - t), w, reduction, True)


def _beta_pre(input, target, reduction, beta):
    _broadcast(tuple(input.shape), tuple(target.shape))
    return input, target, reduction, beta


def _smooth_l1_check(input, target, reduction, beta):
    supports("f", "smooth_l1_cpu", n=2)(input, target)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")


@op("smooth_l1_loss(Tensor input, Tensor target, int reduction=1, float beta=1.0) -> Tensor", promote=DEFAULT,
    function=False, method=False, out=False, pre=_beta_pre, check=_smooth_l1_check)
def _smooth_l1_loss(x, t, reduction=MEAN, beta=1.0):
    z = _abs(x - t)
    if beta == 0.0:
        return _reduce(z, reduction)
    return _reduce(jnp.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta), reduction)


def _huber_check(input, target, weight, reduction, delta):
    _fits_input(False)(input, target)
    supports("f", "huber_cpu", n=1)(input)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")


# the loss has the input's dtype (ATen writes it into a tensor like the input)
@op("huber_loss(Tensor input, Tensor target, Tensor? weight=None, int reduction=1, float delta=1.0) -> Tensor",
    promote=KEEP, promote_args=("input", "target"), function=False, method=False, out=False, pre=_weighted_pre,
    check=_huber_check)
def _huber_loss(x, t, w=None, reduction=MEAN, delta=1.0):
    z = _abs(x - t)
    return _weighted_reduce(jnp.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta)), w, reduction, False)


def l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
            weight: Tensor | None = None) -> Tensor:
    _warn_size(input, target)
    return _l1_loss(input, target, weight, _enum(size_average, reduce, reduction))


def mse_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
             weight: Tensor | None = None) -> Tensor:
    _warn_size(input, target)
    return _mse_loss(input, target, weight, _enum(size_average, reduce, reduction))


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    _warn_size(input, target)
    return _smooth_l1_loss(input, target, _enum(size_average, reduce, reduction), beta)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    _warn_size(input, target)
    return _huber_loss(input, target, weight, _Reduction.get_enum(reduction), delta)


# ------------------------------------------------------------------ binary targets
@jax.custom_vjp
def _bce(x, t):
    # ATen clamps both logs at -100, so the loss stays finite at x = 0 and x = 1
    return (t - 1) * jnp.maximum(jnp.log1p(-x), -100.0) - t * jnp.maximum(jnp.log(x), -100.0)


def _bce_fwd(x, t):
    return _bce(x, t), (x, t)


def _bce_bwd(res, g):
    x, t = res
    # torch's formulas: not the derivative of the clamped logs
    gx = g * (x - t) / jnp.maximum((1 - x) * x, _EPSILON)
    gt = -g * (jnp.log(x) - jnp.log1p(-x))
    return gx, gt


_bce.defvjp(_bce_fwd, _bce_bwd)


def _bce_check(input, target, weight, reduction):
    if target.dtype is not input.dtype:
        raise RuntimeError(f"Found dtype {_type_name(target.dtype)} but expected {_type_name(input.dtype)}")
    supports("f", "binary_cross_entropy")(input)


def _bce_pre(input, target, weight, reduction):
    _not_differentiable("binary_cross_entropy", weight=weight)
    if weight is not None:  # torch expands the weight to broadcast_shapes(target, weight)
        shape = tuple(broadcast_shapes(tuple(target.shape), tuple(weight.shape)))
        if shape != tuple(input.shape):
            raise RuntimeError(f"output with shape {list(input.shape)} doesn't match the broadcast shape "
                               f"{list(shape)}")
    x, t = _values(input), _values(target)
    if x is not None and not np.all((x >= 0) & (x <= 1)):
        raise RuntimeError("all elements of input should be between 0 and 1")
    if t is not None and not np.all((t >= 0) & (t <= 1)):
        raise RuntimeError("all elements of target should be between 0 and 1")
    return input, target, weight, reduction


@op("binary_cross_entropy(Tensor input, Tensor target, Tensor? weight=None, int reduction=1) -> Tensor",
    function=False, method=False, out=False, pre=_bce_pre, check=_bce_check)
def _binary_cross_entropy(x, t, w=None, reduction=MEAN):
    loss = _bce(x, t)
    return _reduce(loss if w is None else loss * w.astype(x.dtype), reduction)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
                         reduce: Any = None, reduction: str = "mean") -> Tensor:
    red = _enum(size_average, reduce, reduction)
    if target.size() != input.size():
        raise ValueError(f"Using a target size ({target.size()}) that is different to the input size "
                         f"({input.size()}) is deprecated. Please ensure they have the same size.")
    return _binary_cross_entropy(input, target, weight, red)


def _bcel_check(input, target, weight=None, pos_weight=None, reduction=MEAN):
    supports("f", "log_sigmoid_cpu")(input)
    if target.dtype is _dtype.bool:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                           "`logical_xor()` operator instead.")
    _fits_input(False)(target, input)


def _bcel_pre(input, target, weight=None, pos_weight=None, reduction=MEAN):
    _not_differentiable("binary_cross_entropy_with_logits", weight=weight, pos_weight=pos_weight)
    shapes = [tuple(input.shape), tuple(target.shape)]
    if pos_weight is not None:
        _broadcast(tuple(pos_weight.shape), tuple(target.shape))
    if weight is not None:
        shapes.append(tuple(weight.shape))
    _broadcast(*shapes)
    return input, target, weight, pos_weight, reduction


# The loss is computed in target's dtype, as ATen's composite ((1 - target) * input - ...) is.
@op("binary_cross_entropy_with_logits(Tensor input, Tensor target, Tensor? weight=None, Tensor? pos_weight=None, "
    "int reduction=1) -> Tensor", function=True, method=False, out=False, pre=_bcel_pre, check=_bcel_check)
def binary_cross_entropy_with_logits_op(x, t, w=None, pw=None, reduction=MEAN):
    dt = t.dtype
    ct = jnp.promote_types(x.dtype, dt)  # both floating here: JAX's promotion is torch's
    x, t = x.astype(ct), t.astype(ct)
    ls = jax.nn.log_sigmoid(x)
    if pw is not None:
        ls = ls * ((pw.astype(ct) - 1) * t + 1)
    loss = (1 - t) * x - ls
    if w is not None:
        loss = loss * w.astype(ct)
    return _reduce(loss, reduction).astype(dt)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average: Any = None, reduce: Any = None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    red = _enum(size_average, reduce, reduction)
    if target.size() != input.size():
        raise ValueError(f"Target size ({target.size()}) must be the same as input size ({input.size()})")
    return binary_cross_entropy_with_logits_op(input, target, weight, pos_weight, red)


def _soft_margin_pre(input, target, reduction):
    _not_differentiable("soft_margin_loss", target=target)
    _broadcast(tuple(input.shape), tuple(target.shape))
    return input, target, reduction


@op("soft_margin_loss(Tensor input, Tensor target, int reduction=1) -> Tensor", promote=KEEP, function=False,
    method=False, out=False, pre=_soft_margin_pre, check=_fits_input(True))
def _soft_margin_loss(x, t, reduction=MEAN):
    return _reduce(jnp.log1p(jnp.exp(-x * t)), reduction)  # ATen's formula (overflows as torch's does)


def soft_margin_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
                     reduction: str = "mean") -> Tensor:
    return _soft_margin_loss(input, target, _enum(size_average, reduce, reduction))


def _mlsm_check(input, target, weight, reduction):
    supports("f", "log_sigmoid_cpu")(input)
    _no_bool_sub(target, target)


def _mlsm_pre(input, target, weight, reduction):
    _broadcast(*[tuple(a.shape) for a in (target, input, weight) if a is not None])
    return input, target, weight, reduction


@op("multilabel_soft_margin_loss(Tensor input, Tensor target, Tensor? weight=None, int reduction=1) -> Tensor",
    promote=DEFAULT, function=False, method=False, out=False, pre=_mlsm_pre, check=_mlsm_check)
def _multilabel_soft_margin_loss(x, t, w=None, reduction=MEAN):
    loss = -(t * jax.nn.log_sigmoid(x) + (1 - t) * jax.nn.log_sigmoid(-x))
    if w is not None:
        loss = loss * w
    cdim = x.ndim - 1
    return _reduce(jnp.sum(loss, axis=cdim) / x.shape[cdim] if x.ndim else loss, reduction)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> Tensor:
    reduction = _legacy(size_average, reduce, reduction)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    return _multilabel_soft_margin_loss(input, target, weight, _Reduction.get_enum(reduction))


# ------------------------------------------------------------------ distributions
def _kl_check(input, target, reduction=MEAN, log_target=False):
    if not (input.dtype.is_floating_point or input.dtype.is_complex) or \
            not (target.dtype.is_floating_point or target.dtype.is_complex):
        raise RuntimeError("kl_div: Integral inputs not supported.")


def _binary_pre(input, target, *rest):
    _broadcast(tuple(input.shape), tuple(target.shape))
    return (input, target, *rest)


@op("kl_div(Tensor input, Tensor target, int reduction=1, *, bool log_target=False) -> Tensor", promote=DEFAULT,
    method=False, out=False, pre=_binary_pre, check=_kl_check)
def kl_div_op(x, t, reduction=MEAN, *, log_target=False):
    loss = jnp.exp(t) * (t - x) if log_target else jax.scipy.special.xlogy(t, t) - t * x
    return _reduce(loss, reduction)


def kl_div(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    if size_average is not None or reduce is not None:
        red = _Reduction.legacy_get_enum(size_average, reduce)
    else:
        if reduction == "mean":
            warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                          "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                          "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                          stacklevel=2)
        red = _Reduction.get_enum("sum" if reduction == "batchmean" else reduction)
    out = kl_div_op(input, target, red, log_target=log_target)
    if reduction == "batchmean" and input.dim() != 0:
        out = out / input.size()[0]
    return out


@op("poisson_nll_loss(Tensor input, Tensor target, bool log_input, bool full, float eps, int reduction) -> Tensor",
    promote=INT_TO_FLOAT, method=False, out=False, pre=_binary_pre)
def poisson_nll_loss_op(x, t, log_input, full, eps, reduction):
    loss = jnp.exp(x) - t * x if log_input else x - t * jnp.log(x + eps)
    if full:
        stirling = t * jnp.log(t) - t + 0.5 * jnp.log(2 * math.pi * t)
        loss = loss + jnp.where(t <= 1, jnp.zeros_like(stirling), stirling)
    return _reduce(loss, reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average: Any = None, eps: float = 1e-8, reduce: Any = None,
                     reduction: str = "mean") -> Tensor:
    reduction = _legacy(size_average, reduce, reduction)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not a valid value for reduction")
    return poisson_nll_loss_op(input, target, log_input, full, eps, _Reduction.get_enum(reduction))


def _gaussian_pre(input, target, var, *rest):
    _broadcast(tuple(input.shape), tuple(target.shape), tuple(var.shape) if isinstance(var, Tensor) else ())
    return (input, target, var, *rest)


@op("gaussian_nll_loss(Tensor input, Tensor target, Tensor|Scalar var, bool full=False, float eps=1e-6, "
    "int reduction=1) -> Tensor", promote=DEFAULT, function=False, method=False, out=False, pre=_gaussian_pre)
def _gaussian_nll_loss(x, t, var, full=False, eps=1e-6, reduction=MEAN):
    # torch clamps a copy of var in place under no_grad: the clamped value, with var's gradient passing through
    v = var - jax.lax.stop_gradient(var) + jax.lax.stop_gradient(jnp.maximum(var, eps))
    loss = 0.5 * (jnp.log(v) + (x - t) ** 2 / v)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor | float, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Tensor:
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
    elif not isinstance(var, Tensor):
        raise TypeError(f"any(): argument 'input' (position 1) must be Tensor, not {type(var).__name__}")
    else:
        v = _values(var)
        if v is not None and np.any(v < 0):
            raise ValueError("var has negative entry/entries")
        if var.size() != input.size():
            if input.size()[:-1] == var.size():
                var = var.unsqueeze(-1)
            elif not (input.dim() == var.dim() and
                      sum(y for x, y in zip(input.size(), var.size()) if x != y) == 1):
                raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    return _gaussian_nll_loss(input, target, var, full, eps, _Reduction.get_enum(reduction))


# ------------------------------------------------------------------ margins and embeddings
def _mrl_pre(input1, input2, target, margin=0.0, reduction=MEAN):
    _broadcast(tuple(input1.shape), tuple(input2.shape), tuple(target.shape))
    return input1, input2, target, margin, reduction


@op("margin_ranking_loss(Tensor input1, Tensor input2, Tensor target, float margin=0.0, int reduction=1) -> Tensor",
    promote=INT_TO_FLOAT, method=False, out=False, pre=_mrl_pre)
def margin_ranking_loss_op(x1, x2, t, margin=0.0, reduction=MEAN):
    return _reduce(_clamp_min0(-t * (x1 - x2) + margin), reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0, size_average: Any = None,
                        reduce: Any = None, reduction: str = "mean") -> Tensor:
    red = _enum(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} ")
    return margin_ranking_loss_op(input1, input2, target, margin, red)


def _hinge_check(input, target, margin=1.0, reduction=MEAN):
    _mean_needs_float(reduction, input.dtype)


# the loss has the input's dtype (ATen's where() keeps it)
@op("hinge_embedding_loss(Tensor input, Tensor target, float margin=1.0, int reduction=1) -> Tensor",
    promote=KEEP, promote_args=("input",), method=False, out=False, pre=_binary_pre, check=_hinge_check)
def hinge_embedding_loss_op(x, t, margin=1.0, reduction=MEAN):
    zero = jnp.zeros((), x.dtype)
    out = jnp.where(t != 1, _clamp_min0(margin - x), zero) + jnp.where(t != -1, x, zero)
    return _reduce(out.astype(x.dtype), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, size_average: Any = None,
                         reduce: Any = None, reduction: str = "mean") -> Tensor:
    return hinge_embedding_loss_op(input, target, margin, _enum(size_average, reduce, reduction))


def _cosine_pre(input1, input2, target, margin=0.0, reduction=MEAN):
    td = target.dim()
    if td not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    want = 2 if td == 1 else 1
    if input1.dim() != want or input2.dim() != want:
        raise RuntimeError(f"{td}D target tensor expects {want}D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    s = _broadcast(tuple(input1.shape), tuple(input2.shape))
    _broadcast(s[:td], tuple(target.shape))
    return input1, input2, target, margin, reduction


@op("cosine_embedding_loss(Tensor input1, Tensor input2, Tensor target, float margin=0.0, int reduction=1) "
    "-> Tensor", promote=INT_TO_FLOAT, promote_args=("input1", "input2"), method=False, out=False, pre=_cosine_pre)
def cosine_embedding_loss_op(x1, x2, t, margin=0.0, reduction=MEAN):
    d = t.ndim
    prod = jnp.sum(x1 * x2, axis=d)
    mag1 = jnp.sum(x1 * x1, axis=d) + _EPSILON
    mag2 = jnp.sum(x2 * x2, axis=d) + _EPSILON
    cos = prod / jnp.sqrt(mag1 * mag2)
    zero = jnp.zeros_like(cos)
    out = jnp.where(t == 1, 1 - cos, zero) + jnp.where(t == -1, _clamp_min0(cos - margin), zero)
    return _reduce(out, reduction)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                          size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> Tensor:
    return cosine_embedding_loss_op(input1, input2, target, margin, _enum(size_average, reduce, reduction))


def _margin_shape(input: Tensor) -> tuple:
    """(samples, classes) of a multi-margin input: (C,) / (N, C), or a 0-dim single score."""
    s = tuple(input.shape)
    if not ((len(s) == 2 and s[1] != 0) or (len(s) == 1 and s[0] != 0) or len(s) == 0):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: {list(s)}")
    return (1 if len(s) <= 1 else s[0]), (1 if len(s) == 0 else s[-1])


def _long_target(target: Tensor) -> None:
    if target.dtype is not _dtype.int64:
        raise RuntimeError(f"expected scalar type Long but found {_type_name(target.dtype)}")


def _multi_margin_check(input, target, p=1, margin=1.0, weight=None, reduction=MEAN):
    supports("f", "multi_margin_loss_cpu_kernel")(input)
    _long_target(target)
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError(f"expected scalar type {_type_name(input.dtype)} but found {_type_name(weight.dtype)}")


def _multi_margin_pre(input, target, p=1, margin=1.0, weight=None, reduction=MEAN):
    _not_differentiable("multi_margin_loss", weight=weight)
    n, c = _margin_shape(input)
    if not (target.dim() <= 1 and target.numel() == n):
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
                           f"samples (batch size). Expected target size [{n}], but got {list(target.shape)}. Input "
                           f"has shape {list(input.shape)}.")
    if weight is not None and not (weight.dim() <= 1 and weight.numel() == c):
        raise RuntimeError(f"inconsistent weight size, expected {c} but got {list(weight.shape)}")
    tv = _values(target)
    if tv is not None and np.any((tv < 0) | (tv >= c)):
        raise RuntimeError("target out of range")
    return input, target, p, margin, weight, reduction


@op("multi_margin_loss(Tensor input, Tensor target, int p=1, float margin=1.0, Tensor? weight=None, "
    "int reduction=1) -> Tensor", function=False, method=False, out=False, pre=_multi_margin_pre,
    check=_multi_margin_check)
def _multi_margin_loss(x, t, p=1, margin=1.0, w=None, reduction=MEAN):
    out_shape = t.shape
    x2 = x.reshape(-1, x.shape[-1] if x.ndim else 1)
    c = x2.shape[1]
    t2 = t.reshape(-1)
    safe = jnp.clip(t2, 0, c - 1)
    z = margin - jnp.take_along_axis(x2, safe[:, None], axis=1) + x2
    h = _relu_strict(z) if p == 1 else jnp.where(z > 0, z * z, jnp.zeros_like(z))
    if w is not None:
        h = h * w.reshape(-1)[safe][:, None]
    other = jnp.arange(c) != t2[:, None]
    loss = jnp.sum(jnp.where(other, h, jnp.zeros_like(h)), axis=1) / c
    loss = jnp.where((t2 >= 0) & (t2 < c), loss, jnp.nan)  # out of range (only seen under jax.jit)
    if reduction == NONE:
        return loss.reshape(out_shape) if x.ndim <= 1 else loss
    return _reduce(loss, reduction)


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0,
                      weight: Tensor | None = None, size_average: Any = None, reduce: Any = None,
                      reduction: str = "mean") -> Tensor:
    red = _enum(size_average, reduce, reduction)
    if p != 1 and p != 2:
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    return _multi_margin_loss(input, target, p, margin, weight, red)


def _mlm_check(input, target, reduction=MEAN):
    supports("f", "multilabel_margin_loss_forward_out_frame")(input)
    _long_target(target)


def _mlm_pre(input, target, reduction=MEAN):
    n, c = _margin_shape(input)
    ok = tuple(target.shape) == tuple(input.shape) if input.dim() else target.numel() == 1 and target.dim() <= 1
    if not ok:
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}")
    tv = _values(target)
    if tv is not None and np.any((tv < -1) | (tv >= c)):
        raise RuntimeError("argument #2 'target' is out of range")
    return input, target, reduction


@op("multilabel_margin_loss(Tensor input, Tensor target, int reduction=1) -> Tensor", function=False,
    method=False, out=False, pre=_mlm_pre, check=_mlm_check)
def _multilabel_margin_loss(x, t, reduction=MEAN):
    c = x.shape[-1] if x.ndim else 1
    x2, t2 = x.reshape(-1, c), t.reshape(-1, c)
    valid = jnp.cumprod((t2 != -1).astype(jnp.int32), axis=1) > 0  # the target classes end at the first -1
    safe = jnp.where(valid, jnp.clip(t2, 0, c - 1), 0)
    is_target = jnp.any(valid[:, :, None] & (safe[:, :, None] == jnp.arange(c)), axis=1)
    z = 1 - jnp.take_along_axis(x2, safe, axis=1)[:, :, None] + x2[:, None, :]
    keep = valid[:, :, None] & ~is_target[:, None, :]
    loss = jnp.sum(jnp.where(keep, _relu_strict(z), jnp.zeros_like(z)), axis=(1, 2)) / c
    if reduction == NONE:
        return loss if x.ndim == 2 else loss.reshape(())
    return _reduce(loss, reduction)


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
                           reduction: str = "mean") -> Tensor:
    return _multilabel_margin_loss(input, target, _enum(size_average, reduce, reduction))


def _pairwise_distance(x1, x2, p, eps):
    """torch.pairwise_distance: the p-norm of x1 - x2 + eps over the last dimension."""
    d = x1 - x2 + eps
    a = _abs(d)
    if p == math.inf:
        return jnp.max(a, axis=-1)
    if p == 0:
        return jnp.sum((d != 0).astype(d.dtype), axis=-1)
    if p == 1:
        return jnp.sum(a, axis=-1)
    return jnp.sum(a ** p, axis=-1) ** (1 / p)


def _triplet_pre(anchor, positive, negative, *rest):
    a, p, n = anchor.dim(), positive.dim(), negative.dim()
    if not (a == p == n):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a}D, positive {p}D, and negative {n}D inputs")
    _broadcast(tuple(anchor.shape), tuple(positive.shape), tuple(negative.shape))
    return (anchor, positive, negative, *rest)


@op("triplet_margin_loss(Tensor anchor, Tensor positive, Tensor negative, float margin=1.0, float p=2, "
    "float eps=1e-06, bool swap=False, int reduction=1) -> Tensor", promote=INT_TO_FLOAT, method=False, out=False,
    pre=_triplet_pre)
def triplet_margin_loss_op(a, pos, neg, margin=1.0, p=2.0, eps=1e-6, swap=False, reduction=MEAN):
    d_pos = _pairwise_distance(a, pos, p, eps)
    d_neg = _pairwise_distance(a, neg, p, eps)
    if swap:
        d_neg = jnp.minimum(d_neg, _pairwise_distance(pos, neg, p, eps))
    return _reduce(_clamp_min0(margin + d_pos - d_neg), reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average: Any = None, reduce: Any = None,
                        reduction: str = "mean") -> Tensor:
    red = _enum(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    return triplet_margin_loss_op(anchor, positive, negative, margin, p, eps, swap, red)


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function: Callable | None = None, margin: float = 1.0,
                                      swap: bool = False, reduction: str = "mean") -> Tensor:
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _triplet_pre(anchor, positive, negative)
    if distance_function is None:  # torch.pairwise_distance (p=2, eps=1e-6): the triplet margin loss itself
        return triplet_margin_loss_op(anchor, positive, negative, margin, 2.0, 1e-6, swap,
                                      _Reduction.get_enum(reduction))
    d_pos = distance_function(anchor, positive)
    d_neg = distance_function(anchor, negative)
    if swap:
        d_neg = d_neg.minimum(distance_function(positive, negative))
    loss = (margin + d_pos - d_neg).clamp_min(0)
    return loss.sum() if reduction == "sum" else loss.mean() if reduction == "mean" else loss


from ._loss_ctc import ctc_loss  # noqa: E402,F401
from ._loss_nll import *  # noqa: E402,F401,F403  (nll_loss, cross_entropy)
from ._loss_nll import __all__ as _class_all  # noqa: E402

__all__ = ["binary_cross_entropy", "binary_cross_entropy_with_logits", "cosine_embedding_loss", "ctc_loss",
           "gaussian_nll_loss", "hinge_embedding_loss", "huber_loss", "kl_div", "l1_loss", "margin_ranking_loss",
           "mse_loss", "multi_margin_loss", "multilabel_margin_loss", "multilabel_soft_margin_loss",
           "poisson_nll_loss", "smooth_l1_loss", "soft_margin_loss", "triplet_margin_loss",
           "triplet_margin_with_distance_loss"] + _class_all
