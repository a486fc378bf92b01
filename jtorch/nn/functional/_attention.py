"""F.scaled_dot_product_attention and F.multi_head_attention_forward.

Each is one registry kernel: multi-head attention (input projections, masks, bias_k/bias_v, zero
attention, softmax, dropout, output projection) runs as a single compiled call. Python does torch's
argument checks first. Ops that drop out come in two registrations, with and without a ``Generator``,
so a call without dropout draws nothing from the random stream.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import jax
import jax.numpy as jnp

from ..._random import as_key
from ...ops._registry import _type_name, op
from ...tensor import Size, Tensor
from ._linear import _HIGHEST, _c10

__all__ = ["scaled_dot_product_attention"]


def _mm(a, b):
    return jnp.matmul(a, b, precision=_HIGHEST)


def _dropout(p, key, dropout_p):
    if key is None or dropout_p == 0:
        return p
    keep = jax.random.bernoulli(as_key(key), 1.0 - dropout_p, p.shape)
    return jnp.where(keep, p * (1.0 / (1.0 - dropout_p) if dropout_p < 1 else 0.0), 0)


def _safe_softmax(s):
    """softmax over the last axis; a row masked entirely (all -inf) gives zeros, as torch's SDPA."""
    dead = jnp.all(s == -jnp.inf, axis=-1, keepdims=True)
    return jnp.where(dead, 0, jax.nn.softmax(jnp.where(dead, 0, s), axis=-1))


def _attend(q, k, v, mask, dropout_p, is_causal, scale, enable_gqa=False, *, generator=None):
    if enable_gqa and q.ndim >= 3 and k.shape[-3] != q.shape[-3]:  # grouped heads: repeat each key/value head
        k = jnp.repeat(k, q.shape[-3] // k.shape[-3], axis=-3)
        v = jnp.repeat(v, q.shape[-3] // v.shape[-3], axis=-3)
    s = _mm(q, jnp.swapaxes(k, -1, -2)) * (1.0 / math.sqrt(q.shape[-1]) if scale is None else scale)
    if is_causal:  # top-left aligned, as torch's; combined with attn_mask when both are given
        L, S = s.shape[-2:]
        s = jnp.where(jnp.tril(jnp.ones((L, S), bool)), s, -jnp.inf)
    if mask is not None:
        s = jnp.where(mask, s, -jnp.inf) if mask.dtype == jnp.bool_ else s + mask.astype(s.dtype)
    return _mm(_dropout(_safe_softmax(s), generator, dropout_p), v)


# ------------------------------------------------------------------ scaled_dot_product_attention
def _sdpa_pre(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False,
              *generator):
    if query.dtype != key.dtype or query.dtype != value.dtype:
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{_c10(query.dtype)} key.dtype: {_c10(key.dtype)} and value.dtype: {_c10(value.dtype)} "
                           "instead.")
    if attn_mask is not None and attn_mask.dtype != query.dtype and not attn_mask.dtype.is_floating_point \
            and attn_mask.dtype.name != "bool":
        raise RuntimeError(f"Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                           f"attn_mask.dtype: {_c10(attn_mask.dtype)} and  query.dtype: {_c10(query.dtype)} instead.")
    if min(query.dim(), key.dim(), value.dim()) < 2:
        raise RuntimeError(f"Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: "
                           f"{query.dim()} key.dim: {key.dim()} and value.dim: {value.dim()} instead.")
    if query.size(-1) != key.size(-1):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{key.shape[:-2].numel() if key.dim() > 2 else 1}, {query.size(-1)}] but got: "
                           f"[{key.shape[:-2].numel() if key.dim() > 2 else 1}, {key.size(-1)}].")
    if enable_gqa and query.dim() >= 3 and key.dim() >= 3:
        hq, hk, hv = query.size(-3), key.size(-3), value.size(-3)
        if hq % hk or hq % hv:
            raise RuntimeError("Number of heads in key and value must divide the number of heads in ")
    if attn_mask is not None:
        _check_broadcast(_score_shape(tuple(query.shape), tuple(key.shape), enable_gqa), tuple(attn_mask.shape))
    return (query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa) + generator


def _score_shape(q: tuple, k: tuple, gqa: bool) -> tuple:
    batch_q, batch_k = q[:-2], k[:-2]
    if gqa and len(batch_k):
        batch_k = batch_k[:-1] + batch_q[-1:]
    n = max(len(batch_q), len(batch_k))
    batch_q, batch_k = (1,) * (n - len(batch_q)) + batch_q, (1,) * (n - len(batch_k)) + batch_k
    return tuple(max(a, b) for a, b in zip(batch_q, batch_k)) + (q[-2], k[-2])


def _check_broadcast(a: tuple, b: tuple) -> None:
    """torch's message when the attention scores (a) and the mask (b) do not broadcast."""
    n = max(len(a), len(b))
    for d in range(1, n + 1):
        x, y = (a[-d] if d <= len(a) else 1), (b[-d] if d <= len(b) else 1)
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton "
                               f"dimension {n - d}")


_SDPA_ARGS = ("Tensor query, Tensor key, Tensor value, Tensor? attn_mask, float dropout_p, bool is_causal, float? scale, "
              "bool enable_gqa")
_sdpa = op(f"_scaled_dot_product_attention({_SDPA_ARGS}) -> Tensor", function=False, method=False, out=False,
           pre=_sdpa_pre, node_name="ScaledDotProductAttentionBackward0")(_attend)
_sdpa_dropout = op(f"_scaled_dot_product_attention_dropout({_SDPA_ARGS}, *, Generator? generator=None) -> Tensor",
                   function=False, method=False, out=False, pre=_sdpa_pre,
                   node_name="ScaledDotProductAttentionBackward0")(_attend)


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, *, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    args = (query, key, value, attn_mask, float(dropout_p), bool(is_causal), scale, bool(enable_gqa))
    return _sdpa_dropout(*args) if dropout_p > 0 else _sdpa(*args)


# ------------------------------------------------------------------ multi-head attention
def _canonical_mask(mask: Tensor | None, mask_name: str, other_type: Any, other_name: str, target_type: Any,
                    check_other: bool = True) -> Tensor | None:
    if mask is not None:
        _mask_checks(mask, mask_name, other_type, other_name, check_other)
        if not mask.is_floating_point():
            from ...ops.creation import zeros_like
            mask = zeros_like(mask, dtype=target_type).masked_fill_(mask, float("-inf"))
    return mask


def _mask_checks(mask: Tensor, mask_name: str, other_type: Any, other_name: str, check_other: bool = True) -> None:
    if mask.dtype.name != "bool" and not mask.is_floating_point():
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask.dtype != other_type:
        warnings.warn(f"Support for mismatched {mask_name} and {other_name} is deprecated. Use same type for both "
                      "instead.", stacklevel=3)


def _none_or_dtype(input: Tensor | None) -> Any:
    if input is None:
        return None
    if isinstance(input, Tensor):
        return input.dtype
    raise RuntimeError("input to _none_or_dtype() must be None or torch.Tensor")


def _neg_inf_where(mask, dtype):
    """A canonical (additive float) mask: True (masked out) becomes -inf; float masks pass through."""
    if mask is None or mask.dtype != jnp.bool_:
        return mask
    return jnp.where(mask, -jnp.inf, 0).astype(dtype)


def _mha(query, key, value, in_w, in_b, bias_k, bias_v, out_w, out_b, kpm, attn_mask, q_w, k_w, v_w, static_k,
         static_v, num_heads, add_zero_attn, dropout_p, need_weights, average_attn_weights, is_causal, batch_first,
         self_attention, *, generator=None):
    # Computed batch-first, (B, L, E) with heads as (B, H, L, hd), whatever the input layout: XLA folds the
    # layout transposes into the head split. ``self_attention`` (query is key is value) projects q, k, v with
    # one matmul against the packed in_proj_weight, as torch's _in_projection_packed.
    unbatched = query.ndim == 2
    if unbatched:
        query, key, value = query[None], key[None], value[None]
        kpm = None if kpm is None else kpm[None]
    elif not batch_first:
        query, key, value = (jnp.swapaxes(t, 0, 1) for t in (query, key, value))
    B, L, E = query.shape
    H = num_heads
    hd = E // H
    dt = query.dtype
    kpm = _neg_inf_where(kpm, dt)
    if is_causal and kpm is None and not need_weights:
        attn_mask = None  # the causal hint replaces the mask (torch's contract: they agree)
    else:
        attn_mask = _neg_inf_where(attn_mask, dt)
        is_causal = is_causal and kpm is None
    if self_attention:
        qkv = _mm(query, in_w.T) if in_b is None else _mm(query, in_w.T) + in_b
        q, k, v = jnp.split(qkv, 3, axis=-1)
    else:
        if q_w is None:
            q_w, k_w, v_w = jnp.split(in_w, 3)
        b_q, b_k, b_v = (None, None, None) if in_b is None else jnp.split(in_b, 3)
        q, k, v = (_mm(x, w.T) if b is None else _mm(x, w.T) + b for x, w, b in
                   ((query, q_w, b_q), (key, k_w, b_k), (value, v_w, b_v)))
    if attn_mask is not None:  # (L, S) or (B*H, L, S) -> broadcastable against the (B, H, L, S) scores
        attn_mask = attn_mask[None, None] if attn_mask.ndim == 2 else attn_mask.reshape(B, H, *attn_mask.shape[1:])

    def pad_last(m):
        return None if m is None else jnp.pad(m, [(0, 0)] * (m.ndim - 1) + [(0, 1)])

    if bias_k is not None:
        k = jnp.concatenate([k, jnp.broadcast_to(bias_k, (B, 1, E))], axis=1)
        v = jnp.concatenate([v, jnp.broadcast_to(bias_v, (B, 1, E))], axis=1)
        attn_mask, kpm = pad_last(attn_mask), pad_last(kpm)

    def heads(t):
        return jnp.transpose(t.reshape(B, t.shape[1], H, hd), (0, 2, 1, 3))

    q = heads(q)
    k = heads(k) if static_k is None else static_k.reshape(B, H, -1, hd)
    v = heads(v) if static_v is None else static_v.reshape(B, H, -1, hd)
    if add_zero_attn:
        k = jnp.concatenate([k, jnp.zeros((B, H, 1, hd), k.dtype)], axis=2)
        v = jnp.concatenate([v, jnp.zeros((B, H, 1, hd), v.dtype)], axis=2)
        attn_mask, kpm = pad_last(attn_mask), pad_last(kpm)
    S = k.shape[2]
    if kpm is not None:
        kpm = kpm.reshape(B, 1, 1, S)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if need_weights:  # explicit weights, with a plain softmax: a fully masked row gives NaN, as torch's
        w = _mm(q * math.sqrt(1.0 / float(hd)), jnp.swapaxes(k, -2, -1))
        if attn_mask is not None:
            w = w + attn_mask
        w = _dropout(jax.nn.softmax(w, axis=-1), generator, dropout_p)
        out = _mm(w, v)
        if average_attn_weights:
            w = w.mean(axis=1)
    else:
        out = _attend(q, k, v, attn_mask, dropout_p, is_causal, None, generator=generator)
        w = None
    out = jnp.transpose(out, (0, 2, 1, 3)).reshape(B, L, E)
    out = _mm(out, out_w.T) if out_b is None else _mm(out, out_w.T) + out_b
    if unbatched:
        out, w = out[0], (None if w is None else w[0])
    elif not batch_first:
        out = jnp.swapaxes(out, 0, 1)
    return (out,) if w is None else (out, w)


_MHA_ARGS = ("Tensor query, Tensor key, Tensor value, Tensor? in_proj_weight, Tensor? in_proj_bias, Tensor? bias_k, "
             "Tensor? bias_v, Tensor out_proj_weight, Tensor? out_proj_bias, Tensor? key_padding_mask, "
             "Tensor? attn_mask, Tensor? q_proj_weight, Tensor? k_proj_weight, Tensor? v_proj_weight, Tensor? static_k, "
             "Tensor? static_v, int num_heads, bool add_zero_attn, float dropout_p, bool need_weights, "
             "bool average_attn_weights, bool is_causal, bool batch_first, bool self_attention")
_mha_op = op(f"_multi_head_attention({_MHA_ARGS}) -> Tensor[]", function=False, method=False, out=False)(_mha)
_mha_dropout_op = op(f"_multi_head_attention_dropout({_MHA_ARGS}, *, Generator? generator=None) -> Tensor[]",
                     function=False, method=False, out=False)(_mha)


def _mha_shape_check(query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None,
                     attn_mask: Tensor | None, num_heads: int) -> bool:
    return _shape_check(Size(query.shape), Size(key.shape), Size(value.shape), key_padding_mask, attn_mask, num_heads)


def _shape_check(q: Size, k: Size, v: Size, key_padding_mask: Tensor | None, attn_mask: Tensor | None,
                 num_heads: int) -> bool:
    if len(q) == 3:
        if len(k) != 3 or len(v) != 3:
            raise AssertionError("For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                                 f"{len(k)}-D and {len(v)}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 2:
            raise AssertionError("For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but "
                                 f"found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise AssertionError("For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found "
                                 f"{attn_mask.dim()}-D tensor instead")
        return True
    if len(q) == 2:
        if len(k) != 2 or len(v) != 2:
            raise AssertionError("For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
                                 f"{len(k)}-D and {len(v)}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 1:
            raise AssertionError("For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D but "
                                 f"found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise AssertionError("For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but "
                                     f"found {attn_mask.dim()}-D tensor instead")
            if attn_mask.dim() == 3:
                expected_shape = (num_heads, q[0], k[0])
                if tuple(attn_mask.shape) != expected_shape:
                    raise AssertionError(f"Expected `attn_mask` shape to be {expected_shape} but got "
                                         f"{attn_mask.shape}")
        return False
    raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received {len(q)}-D query tensor")


def _mha_checks(q: Size, k: Size, v: Size, embed_dim_to_check, num_heads, in_proj_weight, bias_k, bias_v,
                add_zero_attn, key_padding_mask, need_weights, attn_mask, use_separate_proj_weight, q_proj_weight,
                k_proj_weight, v_proj_weight, static_k, static_v, is_causal) -> None:
    """torch's argument checks of multi_head_attention_forward, in its order; q, k, v: the (L, N, E) shapes."""
    is_batched = _shape_check(q, k, v, key_padding_mask, attn_mask, num_heads)
    if not is_batched:
        q, k, v = (Size((s[0], 1, s[1])) for s in (q, k, v))
    tgt_len, bsz, embed_dim = q
    src_len = k[0]
    if key_padding_mask is not None:
        _mask_checks(key_padding_mask, "key_padding_mask", _none_or_dtype(attn_mask), "attn_mask")
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                           "method `generate_square_subsequent_mask` to create this mask.")
    mask_used = attn_mask is not None and not (is_causal and key_padding_mask is None and not need_weights)
    if mask_used:
        _mask_checks(attn_mask, "attn_mask", None, "", check_other=False)
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if k[:2] != v[:2]:
            raise AssertionError(f"key's sequence and batch dims {k[:2]} do not match value's {v[:2]}")
        for name, w in (("q", q_proj_weight), ("k", k_proj_weight), ("v", v_proj_weight)):
            if w is None:
                raise AssertionError(f"use_separate_proj_weight is True but {name}_proj_weight is None")
        for name, w, e in (("query", q_proj_weight, embed_dim), ("key", k_proj_weight, k[2]),
                           ("value", v_proj_weight, v[2])):
            if tuple(w.shape) != (embed_dim, e):
                raise AssertionError(f"expecting {name} weights shape of {(embed_dim, e)}, but got {w.shape}")
    else:
        if k != v:
            raise AssertionError(f"key shape {k} does not match value shape {v}")
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
    if mask_used:
        if attn_mask.dim() == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                                   f"{(tgt_len, src_len)}.")
        elif attn_mask.dim() == 3:
            if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                                   f"{(bsz * num_heads, tgt_len, src_len)}.")
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")
    if bias_k is not None and bias_v is not None:
        if static_k is not None:
            raise AssertionError("bias cannot be added to static key.")
        if static_v is not None:
            raise AssertionError("bias cannot be added to static value.")
        src_len += 1
    elif bias_k is not None:
        raise AssertionError("bias_k is set but bias_v is None")
    elif bias_v is not None:
        raise AssertionError("bias_v is set but bias_k is None")
    for name, st in (("k", static_k), ("v", static_v)):
        if st is not None:
            if st.size(0) != bsz * num_heads:
                raise AssertionError(f"expecting static_{name}.size(0) of {bsz * num_heads}, but got {st.size(0)}")
            if st.size(2) != head_dim:
                raise AssertionError(f"expecting static_{name}.size(2) of {head_dim}, but got {st.size(2)}")
    if static_k is not None:
        src_len = static_k.size(1)
    src_len += bool(add_zero_attn)
    if key_padding_mask is not None:
        kpm = tuple(key_padding_mask.shape) if is_batched else (1,) + tuple(key_padding_mask.shape)
        padded = kpm[1] + (bias_k is not None) + bool(add_zero_attn)
        if kpm[0] != bsz:
            raise AssertionError(f"Expected key_padded_mask.shape[0] to be {bsz}, but got {kpm[0]}")
        if padded != src_len:
            raise AssertionError(f"Expected key_padded_mask.shape[1] to be {src_len}, but got {padded}")


def _multi_head_attention(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias, bias_k,
                          bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, training=True,
                          key_padding_mask=None, need_weights=True, attn_mask=None, use_separate_proj_weight=False,
                          q_proj_weight=None, k_proj_weight=None, v_proj_weight=None, static_k=None, static_v=None,
                          average_attn_weights=True, is_causal=False, batch_first=False) -> tuple:
    """multi_head_attention_forward; ``batch_first`` (batched inputs are (N, L, E)) is the module's layout."""
    shapes = [Size(t.shape) for t in (query, key, value)]
    if batch_first:
        shapes = [Size((s[1], s[0]) + tuple(s[2:])) if len(s) == 3 else s for s in shapes]
    _mha_checks(*shapes, embed_dim_to_check, num_heads, in_proj_weight, bias_k, bias_v, add_zero_attn,
                key_padding_mask, need_weights, attn_mask, use_separate_proj_weight, q_proj_weight, k_proj_weight,
                v_proj_weight, static_k, static_v, is_causal)
    if not use_separate_proj_weight:
        q_proj_weight = k_proj_weight = v_proj_weight = None
        weights = (in_proj_weight,) * 3
    else:
        in_proj_weight = None
        weights = (q_proj_weight, k_proj_weight, v_proj_weight)
    for x, w in zip((query, key, value), weights):  # the input projections' dtype checks, in torch's order
        if x.dtype != w.dtype:
            raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_type_name(x.dtype)} and "
                               f"{_type_name(w.dtype)}")
    dropout_p = float(dropout_p) if training else 0.0
    self_attention = query is key and key is value and in_proj_weight is not None
    args = (query, key, value, in_proj_weight, in_proj_bias, bias_k, bias_v, out_proj_weight, out_proj_bias,
            key_padding_mask, attn_mask, q_proj_weight, k_proj_weight, v_proj_weight, static_k, static_v, num_heads,
            bool(add_zero_attn), dropout_p, bool(need_weights), bool(average_attn_weights), bool(is_causal),
            bool(batch_first), self_attention)
    result = _mha_dropout_op(*args) if dropout_p > 0 else _mha_op(*args)
    return result[0], (result[1] if need_weights else None)


def multi_head_attention_forward(query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
                                 in_proj_weight: Tensor | None, in_proj_bias: Tensor | None, bias_k: Tensor | None,
                                 bias_v: Tensor | None, add_zero_attn: bool, dropout_p: float,
                                 out_proj_weight: Tensor, out_proj_bias: Tensor | None, training: bool = True,
                                 key_padding_mask: Tensor | None = None, need_weights: bool = True,
                                 attn_mask: Tensor | None = None, use_separate_proj_weight: bool = False,
                                 q_proj_weight: Tensor | None = None, k_proj_weight: Tensor | None = None,
                                 v_proj_weight: Tensor | None = None, static_k: Tensor | None = None,
                                 static_v: Tensor | None = None, average_attn_weights: bool = True,
                                 is_causal: bool = False) -> tuple:
    return _multi_head_attention(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, training,
                                 key_padding_mask, need_weights, attn_mask, use_separate_proj_weight, q_proj_weight,
                                 k_proj_weight, v_proj_weight, static_k, static_v, average_attn_weights, is_causal)


__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward", "_canonical_mask", "_none_or_dtype"]
