"""Embeddings: F.embedding, F.embedding_bag, F.one_hot, and torch.embedding / torch.embedding_renorm_.

The lookup is ``weight[indices]`` with torch's embedding backward (a custom VJP): rows equal to
``padding_idx`` get no gradient and ``scale_grad_by_freq`` divides each row's gradient by how often its
index occurs in the batch. ``embedding_bag`` reduces looked-up rows per bag with segment sums (bags are
given by ``offsets``), so it has static shapes and runs under jax.jit; ``max`` mode routes the gradient
to the first maximal entry of each bag and feature, as torch's kernel does.

NOTE: with ``scale_grad_by_freq``, torch's CPU embedding_bag backward divides the gradient of the i-th
distinct index by the frequency of the i-th index in *sorted order* (not of that index); jtorch divides
by the index's own frequency, as documented and as ``embedding`` does.

``max_norm`` renormalises the referenced rows of ``weight`` in place under no_grad (torch's
``embedding_renorm_``). Index bounds and offsets are checked eagerly (as torch does); a traced index
has no value to check, and an out-of-range one then reads NaN (floating weights) instead of raising.

``sparse=True`` asks for a sparse gradient of ``weight``; jtorch has no sparse tensors, so that raises
NotImplementedError whenever a gradient for ``weight`` would be recorded.
"""
from __future__ import annotations

import functools
import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ...autograd.grad_mode import STATE, no_grad
from ...ops._registry import FUNCTIONS, _type_name, function, op
from ...ops.creation import arange, zeros
from ...tensor import Tensor
from ._activation import _nn_inplace

_INDEX_DTYPES = ("int64", "int32")


def _tensor_type(t: Tensor) -> str:
    return f"torch.{_type_name(t.dtype)}Tensor"


def _check_indices(t: Tensor, fn: str) -> None:
    if t.dtype.name not in _INDEX_DTYPES:
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {_tensor_type(t)} instead (while checking arguments for {fn})")


def _concrete(t: Tensor) -> np.ndarray | None:
    """The value of ``t`` for eager checks, None while it is traced."""
    v = t._value
    return None if isinstance(v, jax.core.Tracer) else np.asarray(v)


# ------------------------------------------------------------------ the lookup and torch's embedding backward
@functools.partial(jax.custom_vjp, nondiff_argnums=(2, 3))
def _lookup(w: Any, idx: Any, padding_idx: int, scale_grad_by_freq: bool) -> Any:
    return jnp.take(w, idx, axis=0, mode="fill")


def _lookup_fwd(w, idx, padding_idx, scale_grad_by_freq):
    return _lookup(w, idx, padding_idx, scale_grad_by_freq), (idx, jnp.zeros((w.shape[0], 0), w.dtype))


def _lookup_bwd(padding_idx, scale_grad_by_freq, res, g):
    idx, rows = res
    return _dense_backward(g, idx, rows.shape[0], padding_idx, scale_grad_by_freq), None


@functools.partial(jax.custom_vjp, nondiff_argnums=(2, 3, 4))
def _dense_backward(g: Any, idx: Any, n: int, padding_idx: int, scale_grad_by_freq: bool) -> Any:
    """torch's embedding_dense_backward: scatter-add the rows' gradients, none into ``padding_idx``,
    each divided by its index's frequency with ``scale_grad_by_freq``."""
    flat = idx.reshape(-1)
    gf = g.reshape(flat.shape[0], g.shape[-1])
    if padding_idx >= 0:
        gf = jnp.where((flat == padding_idx)[:, None], jnp.zeros_like(gf), gf)
    if scale_grad_by_freq:
        counts = jnp.zeros((n,), gf.dtype).at[flat].add(1, mode="drop")
        gf = gf / jnp.maximum(counts[flat], 1)[:, None]
    return jnp.zeros((n, gf.shape[1]), g.dtype).at[flat].add(gf, mode="drop")


def _dense_backward_fwd(g, idx, n, padding_idx, scale_grad_by_freq):
    return _dense_backward(g, idx, n, padding_idx, scale_grad_by_freq), idx


def _dense_backward_bwd(n, padding_idx, scale_grad_by_freq, idx, ct):
    """torch's embedding_dense_double_backward: the rows gathered, padding zeroed, and (as in torch) no
    frequency scaling."""
    gg = jnp.take(ct, idx, axis=0, mode="fill")
    if padding_idx >= 0:
        gg = jnp.where((idx == padding_idx)[..., None], jnp.zeros_like(gg), gg)
    return gg, None


_dense_backward.defvjp(_dense_backward_fwd, _dense_backward_bwd)
_lookup.defvjp(_lookup_fwd, _lookup_bwd)


def _embedding_pre(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    if not isinstance(weight, Tensor) or not isinstance(indices, Tensor):
        bad, name = (weight, "weight") if not isinstance(weight, Tensor) else (indices, "indices")
        raise TypeError(f"embedding(): argument '{name}' must be Tensor, not {type(bad).__name__}")
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    _check_indices(indices, "embedding")
    _check_sparse(weight, sparse, "embedding")
    a = _concrete(indices)
    if a is not None and a.size and (a.min() < 0 or a.max() >= weight.shape[0]):
        raise IndexError("index out of range in self")
    return weight, indices, padding_idx, scale_grad_by_freq, sparse


def _check_sparse(weight: Tensor, sparse: bool, fn: str) -> None:
    if sparse and STATE.grad and weight.requires_grad:
        raise NotImplementedError(f"{fn}: sparse=True (a sparse gradient for weight) is not supported by jtorch, "
                                  "which has no sparse tensors; use sparse=False for a dense gradient")


@op("embedding(Tensor weight, Tensor indices, int padding_idx=-1, bool scale_grad_by_freq=False, "
    "bool sparse=False) -> Tensor", method=False, out=False, pre=_embedding_pre)
def _embedding(w, idx, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    return _lookup(w, idx, padding_idx, scale_grad_by_freq)


@op("embedding_renorm(Tensor input, Tensor indices, float max_norm, float norm_type) -> Tensor", inplace=True,
    function=False, method=False, differentiable=False, out=False)
def _embedding_renorm(w, idx, max_norm, norm_type):
    """Rows of ``w`` referenced by ``idx`` whose ``norm_type``-norm exceeds ``max_norm`` are scaled to it."""
    flat = idx.reshape(-1)
    rows = jnp.take(w, flat, axis=0, mode="clip")
    acc = jnp.float64 if w.dtype == jnp.float64 else jnp.float32
    norm = jnp.linalg.norm(rows.astype(acc), ord=norm_type, axis=-1)
    scale = jnp.where(norm > max_norm, max_norm / (norm + 1e-7), 1.0)
    # a repeated index writes the same scaled row each time
    return w.at[flat].set((rows * scale[:, None]).astype(w.dtype), mode="drop")


_embedding_renorm_op = _nn_inplace(_embedding_renorm)


def embedding_renorm_(input: Tensor, indices: Tensor, max_norm: float, norm_type: float) -> Tensor:
    _check_indices(indices, "embedding_renorm_")
    a = _concrete(indices)
    if a is not None and a.size and (a.min() < 0 or a.max() >= input.shape[0]):
        raise IndexError("index out of range in self")
    return _embedding_renorm_op(input, indices, float(max_norm), float(norm_type))


embedding_renorm_.__module__ = "jtorch"
function(embedding_renorm_)


def _no_grad_renorm(weight: Tensor, input: Tensor, max_norm: float, norm_type: float) -> None:
    with no_grad():
        embedding_renorm_(weight, input, max_norm, norm_type)


def _resolve_padding_idx(padding_idx: int | None, n: int, msg: str) -> int:
    if padding_idx is None:
        return -1
    if padding_idx > 0 and padding_idx >= n:
        raise AssertionError(msg)
    if padding_idx < 0:
        if padding_idx < -n:
            raise AssertionError(msg)
        padding_idx += n
    return padding_idx


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    padding_idx = _resolve_padding_idx(padding_idx, weight.size(0), "Padding_idx must be within num_embeddings")
    if max_norm is not None:
        input = input.contiguous()
        _no_grad_renorm(weight, input, max_norm, norm_type)
    return FUNCTIONS["embedding"](weight, input, padding_idx, scale_grad_by_freq, sparse)


# ------------------------------------------------------------------ embedding_bag
_MODES = {"sum": 0, "mean": 1, "max": 2}


@op("embedding_bag(Tensor weight, Tensor indices, Tensor offsets, bool scale_grad_by_freq, int mode, "
    "Tensor? per_sample_weights, bool include_last_offset, int padding_idx) -> Tensor",
    function=False, method=False, out=False)
def _embedding_bag(w, idx, offsets, scale_grad_by_freq, mode, psw, include_last_offset, padding_idx):
    n = idx.shape[0]
    bags = max(offsets.shape[0] - 1, 0) if include_last_offset else offsets.shape[0]
    if n == 0 or bags == 0:
        return jnp.zeros((bags, w.shape[1]), w.dtype)
    pos = jnp.arange(n)
    # NOTE: with include_last_offset, torch's last bag still runs to the end of the input
    seg = jnp.searchsorted(offsets[:bags], pos, side="right") - 1
    valid = (idx != padding_idx)[:, None] if padding_idx >= 0 else jnp.ones((n, 1), bool)
    emb = _lookup(w, idx, padding_idx, scale_grad_by_freq)
    if psw is not None:
        emb = emb * psw[:, None]
    if mode != 2:
        out = jax.ops.segment_sum(jnp.where(valid, emb, jnp.zeros_like(emb)), seg, num_segments=bags)
        if mode == 1:
            count = jax.ops.segment_sum(valid[:, 0].astype(w.dtype), seg, num_segments=bags)
            out = out / jnp.maximum(count, 1)[:, None]
        return out
    # max: the first maximal entry of each (bag, feature) carries the value and the gradient
    masked = jnp.where(valid, jax.lax.stop_gradient(emb), -jnp.inf)
    top = jax.ops.segment_max(masked, seg, num_segments=bags)
    hit = (masked == jnp.take(top, jnp.minimum(seg, bags - 1), axis=0)) & valid & (seg < bags)[:, None]
    first = jax.ops.segment_min(jnp.where(hit, pos[:, None], n), seg, num_segments=bags)
    found = first < n
    out = jnp.take_along_axis(emb, jnp.minimum(first, n - 1), axis=0)
    return jnp.where(found, out, jnp.zeros_like(out))


def _check_bag_values(input: Tensor, offsets: Tensor, n: int, include_last_offset: bool) -> None:
    a, o = _concrete(input), _concrete(offsets)
    if a is not None and a.size:
        bad = np.flatnonzero((a < 0) | (a >= n))
        if bad.size:
            raise RuntimeError(f"Index {bad[0]} of input takes value {a[bad[0]]} which is not in the valid range "
                               f"[0, {n})")
    if o is None or not o.size:
        return
    if o[0] != 0:
        raise RuntimeError("offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                           f"position 0. However, got {o[0]}")
    if o[-1] > input.numel():
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {input.numel()} but got "
                           f"offsets[-1] of {o[-1]}")
    if (np.diff(o) < 0).any():
        raise RuntimeError(f"embedding_bag: offsets must be non-decreasing, got {o.tolist()}")


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None, max_norm: float | None = None,
                  norm_type: float = 2, scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    if weight.dtype.name == "int64" and input.is_floating_point():
        warnings.warn("Argument order of nn.functional.embedding_bag was changed. Usage `embedding_bag(weight, "
                      "input, ...)` is deprecated, and should now be `embedding_bag(input, weight, ...)`.",
                      stacklevel=2)
        weight, input = input, weight
    if per_sample_weights is not None and input.size() != per_sample_weights.size():
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it "
                         f"must have the same shape as the input ({input.shape})")
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {type(offsets)}")
        offsets = arange(0, input.numel(), input.size(1), dtype=input.dtype, device=input.device)
        include_last_offset = False
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}")
    if mode not in _MODES:
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    if mode == "max" and sparse:
        raise ValueError("max mode does not support sparse weights")
    if max_norm is not None:
        _no_grad_renorm(weight, input, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError("embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  "GitHub.")
    _check_indices(input, "embedding_bag")
    _check_indices(offsets, "embedding_bag")
    if per_sample_weights is not None and per_sample_weights.dtype != weight.dtype:
        raise RuntimeError("Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 "
                           f"'per_sample_weights'; but type {_tensor_type(weight)} does not equal "
                           f"{_tensor_type(per_sample_weights)} (while checking arguments for embedding_bag)")
    n = weight.size(0)
    if padding_idx is not None and not -n <= padding_idx < n:
        raise RuntimeError(f"padding_idx must be within the number of embeddings, -{n} through {n - 1}, but got "
                           f"{padding_idx}")
    padding_idx = -1 if padding_idx is None else padding_idx % n
    _check_sparse(weight, sparse, "embedding_bag")
    _check_bag_values(input, offsets, n, include_last_offset)
    return _embedding_bag(weight, input, offsets, scale_grad_by_freq, _MODES[mode], per_sample_weights,
                          include_last_offset, padding_idx)


# ------------------------------------------------------------------ one_hot
@op("one_hot(Tensor input, int num_classes) -> Tensor", function=False, method=False, differentiable=False,
    out=False)
def _one_hot(x, num_classes):
    return (x[..., None] == jnp.arange(num_classes, dtype=x.dtype)).astype(jnp.int64)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """torch's one_hot. Under jax.jit the values cannot be checked: pass ``num_classes``; an out-of-range
    class then gives an all-zero row instead of an error."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"one_hot(): argument 'input' (position 1) must be Tensor, not {type(tensor).__name__}")
    if tensor.dtype.name != "int64":
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if tensor.numel() == 0:
        if num_classes <= 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        return zeros(tuple(tensor.shape) + (num_classes,), dtype=tensor.dtype, device=tensor.device)
    a = _concrete(tensor)
    if a is None:
        if num_classes == -1:
            raise RuntimeError("one_hot(): num_classes=-1 infers the number of classes from the tensor's values, "
                               "which a tensor traced by jax.jit / jtorch.compile does not have; pass num_classes")
        if num_classes <= 0:  # class values are non-negative, so none can be smaller
            raise RuntimeError("Class values must be smaller than num_classes.")
    else:
        if a.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if num_classes == -1:
            num_classes = int(a.max()) + 1
        elif num_classes <= a.max():
            raise RuntimeError("Class values must be smaller than num_classes.")
    return _one_hot(tensor, int(num_classes))


__all__ = ["embedding", "embedding_bag", "one_hot"]
