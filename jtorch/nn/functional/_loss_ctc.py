"""torch.ctc_loss and F.ctc_loss: the connectionist temporal classification loss.

The forward is the CTC forward (alpha) recursion in log space, a ``jax.lax.scan`` over time; the
gradient is ``jax.vjp`` of that scan. Targets come padded ``(N, S)`` or concatenated ``(sum(lengths),)``,
lengths as tensors or tuples, log_probs batched ``(T, N, C)`` or unbatched ``(T, C)``.
"""
from __future__ import annotations

import functools
from typing import Any, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from ... import _dtype
from ...ops._registry import _EXPORTS, FUNCTIONS, _type_name, op
from ...tensor import Tensor
from .. import _reduction as _Reduction
from .._reduction import MEAN, SUM
from ._loss import _values

_NEG = -jnp.inf
_FROM = " (while checking arguments for ctc_loss_allocate_outputs)"


def _lse(*xs: Any) -> Any:
    """log(sum(exp(x))) of same-shaped arrays; -inf where all are -inf, with finite gradients there too
    (unreachable states would otherwise turn the whole gradient into nan)."""
    m = functools.reduce(jnp.maximum, xs)
    finite = m > _NEG
    ms = jax.lax.stop_gradient(jnp.where(finite, m, 0))
    s = sum(jnp.exp(x - ms) for x in xs)
    return jnp.where(finite, ms + jnp.log(jnp.where(finite, s, 1)), _NEG)


def _ctc_forward(lp: Any, labels: Any, in_len: Any, tgt_len: Any, blank: int) -> Any:
    """-log p(target | input) per sample. lp: (T, N, C); labels: (N, S) padded classes."""
    t_max, n, c = lp.shape
    s = labels.shape[1]
    ext = jnp.full((n, 2 * s + 1), blank, labels.dtype).at[:, 1::2].set(labels)  # blank, l1, blank, l2 ... blank
    before2 = jnp.concatenate([jnp.full((n, 2), blank, ext.dtype), ext[:, :-2]], axis=1)
    skip = (ext != blank) & (ext != before2) & (jnp.arange(ext.shape[1]) >= 2)  # may jump over a blank
    lp_ext = jnp.take_along_axis(lp, jnp.broadcast_to(ext[None], (t_max,) + ext.shape), axis=2)  # (T, N, 2S+1)
    pad1, pad2 = jnp.full((n, 1), _NEG, lp.dtype), jnp.full((n, 2), _NEG, lp.dtype)

    def step(alpha, frame):
        lpt, t = frame
        a1 = jnp.concatenate([pad1, alpha[:, :-1]], axis=1)
        a2 = jnp.where(skip, jnp.concatenate([pad2, alpha[:, :-2]], axis=1), _NEG)
        new = lpt + _lse(alpha, a1, a2)
        return jnp.where((t < in_len)[:, None], new, alpha), None

    start = jnp.full(ext.shape, _NEG, lp.dtype).at[:, 0].set(0)  # before the first frame: at the first blank
    alpha, _ = jax.lax.scan(step, start, (lp_ext, jnp.arange(t_max)))
    end = 2 * tgt_len
    last = jnp.take_along_axis(alpha, end[:, None], axis=1)[:, 0]
    last_label = jnp.take_along_axis(alpha, jnp.maximum(end - 1, 0)[:, None], axis=1)[:, 0]
    return -_lse(last, jnp.where(tgt_len > 0, last_label, _NEG))


@functools.partial(jax.custom_vjp, nondiff_argnums=(4, 5))
def _ctc_nll(lp, labels, in_len, tgt_len, blank, zero_infinity):
    return _ctc_forward(lp, labels, in_len, tgt_len, blank)


def _ctc_nll_fwd(lp, labels, in_len, tgt_len, blank, zero_infinity):
    nll, pullback = jax.vjp(lambda x: _ctc_forward(x, labels, in_len, tgt_len, blank), lp)
    return nll, (lp, in_len, nll, pullback)


def _ctc_nll_bwd(blank, zero_infinity, res, g):
    lp, in_len, nll, pullback = res
    (grad,) = pullback(g)
    # torch's gradient adds exp(log_probs) over the input frames: its formula is the gradient with respect
    # to the logits of a log_softmax (the two agree once backpropagated through log_softmax)
    frames = (jnp.arange(lp.shape[0])[:, None] < in_len[None, :])[:, :, None]
    grad = grad + jnp.where(frames, jnp.exp(lp) * g[None, :, None], jnp.zeros((), lp.dtype))
    # an impossible alignment (infinite loss) has a nan gradient over its input frames in torch (zero with
    # zero_infinity)
    impossible = (nll == jnp.inf)[None, :, None]
    grad = jnp.where(impossible, jnp.where(frames & (not zero_infinity), jnp.nan, 0).astype(lp.dtype), grad)
    return grad, None, None, None


_ctc_nll.defvjp(_ctc_nll_fwd, _ctc_nll_bwd)


def _padded(targets: Any, tgt_len: Any, s: int, blank: int, classes: int) -> Any:
    """(N, s) target classes from padded (N, S) or concatenated targets, blank past each length."""
    n = tgt_len.shape[0]
    pos = jnp.arange(s)
    if targets.ndim == 2:
        labels = targets[:, :s]
    elif targets.shape[0] == 0:
        labels = jnp.zeros((n, s), targets.dtype)
    else:
        start = jnp.cumsum(tgt_len) - tgt_len
        labels = targets[jnp.clip(start[:, None] + pos[None], 0, targets.shape[0] - 1)]
    labels = jnp.where(pos[None] < tgt_len[:, None], labels.astype(jnp.int32), blank)
    return jnp.clip(labels, 0, classes - 1)  # torch does not check target classes either


@op("ctc_loss(Tensor log_probs, Tensor targets, Tensor input_lengths, Tensor target_lengths, int blank, "
    "int reduction, bool zero_infinity, int max_target_length) -> Tensor", function=False, method=False, out=False,
    node_name="CtcLossBackward0")
def _ctc_loss(lp, targets, in_len, tgt_len, blank, reduction, zero_infinity, max_target_length):
    batched = lp.ndim == 3
    if not batched:
        lp, targets = lp[:, None], (targets[None] if targets.ndim == 1 else targets)
    in_len, tgt_len = in_len.reshape(-1).astype(jnp.int32), tgt_len.reshape(-1).astype(jnp.int32)
    labels = _padded(targets, tgt_len, max_target_length, blank, lp.shape[2])
    nll = _ctc_nll(lp, labels, in_len, tgt_len, blank, zero_infinity)
    if zero_infinity:
        nll = jnp.where(nll == jnp.inf, jnp.zeros((), nll.dtype), nll)
    if reduction == MEAN:
        return jnp.mean(nll / jnp.maximum(tgt_len, 1).astype(nll.dtype))
    if reduction == SUM:
        return jnp.sum(nll)
    return nll if batched else nll.reshape(())


# ------------------------------------------------------------------ argument checks (torch's order)
def _lengths(name: str, x: Any) -> Tensor:
    if isinstance(x, Tensor):
        if x.dtype is _dtype.bool or x.dtype.is_floating_point or x.dtype.is_complex:
            raise RuntimeError(f"{name} must be integral")
        return x
    return Tensor._make(jnp.asarray(np.asarray(x, dtype=np.int64).reshape(-1)))


def _check(log_probs: Tensor, targets: Tensor, il: Tensor, tl: Tensor, blank: int, tuples: bool) -> int:
    """torch's checks (value checks eagerly only); the padded target width for the kernel. Unbatched
    targets are one padded row with tensor lengths, concatenated with tuple lengths (as in torch)."""
    if log_probs.dtype not in (_dtype.float32, _dtype.float64):
        raise NotImplementedError(f"\"ctc_loss_cpu\" not implemented for '{_type_name(log_probs.dtype)}'")
    batched = log_probs.dim() == 3
    lp_dim, tg_dim = log_probs.dim() + (not batched), targets.dim() + (not batched and not tuples)
    if lp_dim != 3:
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {lp_dim}-dimensional tensor for argument #1 "
                           f"'log_probs'{_FROM}")
    n, c = (log_probs.shape[1] if batched else 1), log_probs.shape[-1]
    if not 0 <= blank < c:
        raise RuntimeError("blank must be in label range")
    if il.numel() != n:
        raise RuntimeError("input_lengths must be of size batch_size")
    if tl.numel() != n:
        raise RuntimeError("target_lengths must be of size batch_size")
    if not 1 <= tg_dim <= 2:
        raise RuntimeError(f"Expected 1 to 2 dimensions, but got {tg_dim}-dimensional tensor for argument #2 "
                           f"'targets'{_FROM}")
    ilv, tlv = _values(il), _values(tl)
    padded = tg_dim == 2
    if padded and (targets.shape[0] if targets.dim() == 2 else 1) != n:
        raise RuntimeError(f"Expected tensor to have size {n} at dimension 0, but got size {targets.shape[0]} for "
                           f"argument #2 'targets'{_FROM}")
    width = targets.shape[-1] if padded else targets.shape[0]
    if tlv is not None:
        tlv = tlv.reshape(-1)
        if np.any(tlv < 0):
            raise RuntimeError(f"Expected target_lengths to have value at least 0, but got value "
                               f"{tlv[tlv < 0][0]}{_FROM}")
        longest = int(tlv.max()) if tlv.size else 0
        if padded and longest > width:
            raise RuntimeError(f"Expected tensor to have size at least {longest} at dimension 1, but got size "
                               f"{width} for argument #2 'targets'{_FROM}")
        if not padded:
            if int(tlv.sum()) != width:
                raise RuntimeError(f"Expected tensor to have size {int(tlv.sum())} at dimension 0, but got size "
                                   f"{width} for argument #2 'targets'{_FROM}")
            width = longest
    if ilv is not None:
        ilv = ilv.reshape(-1)
        t_max = log_probs.shape[0]
        if np.any(ilv < 0):
            raise RuntimeError(f"Expected input_lengths to have value at least 0, but got value "
                               f"{ilv[ilv < 0][0]}{_FROM}")
        if np.any(ilv > t_max):
            raise RuntimeError(f"Expected input_lengths to have value at most {t_max}, but got value "
                               f"{ilv[ilv > t_max][0]}{_FROM}")
    return width


def _torch_ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths: Tensor | Sequence[int],
                    target_lengths: Tensor | Sequence[int], blank: int = 0, reduction: int = MEAN,
                    zero_infinity: bool = False) -> Tensor:
    tensors = isinstance(input_lengths, Tensor), isinstance(target_lengths, Tensor)
    seqs = all(isinstance(x, (tuple, list)) for x in (input_lengths, target_lengths))
    if not (all(tensors) or seqs):
        got = ", ".join(type(a).__name__ for a in (log_probs, targets, input_lengths, target_lengths))
        raise TypeError(f"ctc_loss() received an invalid combination of arguments - got ({got}, int, int, bool), "
                        "but expected one of:\n * (Tensor log_probs, Tensor targets, tuple of ints input_lengths, "
                        "tuple of ints target_lengths, int blank = 0, int reduction = at::Reduction::Mean, bool "
                        "zero_infinity = False)\n * (Tensor log_probs, Tensor targets, Tensor input_lengths, "
                        "Tensor target_lengths, int blank = 0, int reduction = at::Reduction::Mean, bool "
                        "zero_infinity = False)")
    il, tl = _lengths("input_lengths", input_lengths), _lengths("target_lengths", target_lengths)
    width = _check(log_probs, targets, il, tl, blank, seqs)
    return _ctc_loss(log_probs, targets, il, tl, blank, reduction, zero_infinity, width)


_torch_ctc_loss.__name__ = _torch_ctc_loss.__qualname__ = "ctc_loss"
FUNCTIONS["ctc_loss"] = _torch_ctc_loss  # torch.ctc_loss (two overloads: tensor or tuple lengths)
_EXPORTS[__name__].append("ctc_loss")


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths: Tensor, target_lengths: Tensor, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    return _torch_ctc_loss(log_probs, targets, input_lengths, target_lengths, blank,
                           _Reduction.get_enum(reduction), zero_infinity)


__all__ = ["ctc_loss"]
