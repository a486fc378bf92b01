"""F.pad and torch.constant_pad_nd.

``pad`` lists (left, right) amounts from the last dimension backwards, as torch's. Negative amounts
crop.
"""
from __future__ import annotations

from typing import Any

import jax.numpy as jnp
from jax import lax

from ...ops._registry import _type_name, op
from ...tensor import Tensor


def _pad_list(pad: Any) -> tuple:
    if isinstance(pad, Tensor):
        pad = pad.tolist()
    if not isinstance(pad, (list, tuple)):
        raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, not {type(pad).__name__}")
    for i, p in enumerate(pad):
        if isinstance(p, bool) or not isinstance(p, int) and not (isinstance(p, Tensor) and p.dim() == 0
                                                                  and not p.dtype.is_floating_point):
            raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, but found element of type "
                            f"{type(p).__name__} at pos {i}")
    return tuple(int(p) for p in pad)


def _per_dim(ndim: int, pad: tuple) -> list:
    """(low, high) for every dim of an ``ndim``-d input from torch's last-dim-first flat pad list."""
    cfg = [(0, 0)] * ndim
    for i in range(len(pad) // 2):
        cfg[ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return cfg


def _constant_pad_pre(input, pad, value=0):
    pad = _pad_list(pad)
    if len(pad) % 2:
        raise RuntimeError(f"Length of pad must be even but instead it equals {len(pad)}")
    if len(pad) // 2 > input.dim():
        raise RuntimeError("Length of pad should be no more than twice the number of dimensions of the input. Pad "
                           f"length is {len(pad)}while the input has {input.dim()}dimensions.")
    for d, (lo, hi) in enumerate(_per_dim(input.dim(), pad)):
        if input.shape[d] + lo + hi < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
    return input, pad, value


@op("constant_pad_nd(Tensor input, int[] pad, Scalar value=0) -> Tensor", method=False, out=False, saves="none",
    pre=_constant_pad_pre)
def constant_pad_nd(x, pad, value=0):
    fill = jnp.asarray(value).astype(x.dtype)
    return lax.pad(x, fill, [(lo, hi, 0) for lo, hi in _per_dim(x.ndim, pad)])


def _pad_and_crop(x, pad: tuple, mode: str):
    """Positive amounts pad, negative ones crop. Like torch's kernels, reflection and replication index the
    whole input (pad first, then crop); circular padding wraps what is left after cropping."""
    cfg = _per_dim(x.ndim, pad)
    grow = [(max(lo, 0), max(hi, 0)) for lo, hi in cfg]
    crop = tuple(slice(max(-lo, 0), n - max(-hi, 0)) for n, (lo, hi) in zip(x.shape, cfg))
    if mode == "wrap":
        return jnp.pad(x[crop], grow, mode=mode)
    y = jnp.pad(x, grow, mode=mode)
    return y[tuple(slice(s.start, y.shape[d] - (n - s.stop)) for d, (s, n) in enumerate(zip(crop, x.shape)))]


def _make_pad_op(name: str, mode: str):
    @op(f"{name}(Tensor input, int[] padding) -> Tensor", function=False, method=False, out=False, saves="none")
    def body(x, padding):
        return _pad_and_crop(x, padding, mode)
    return body


_PAD_OPS = {("reflect", n): _make_pad_op(f"reflection_pad{n}d", "reflect") for n in (1, 2, 3)}
_PAD_OPS.update({("replicate", n): _make_pad_op(f"replication_pad{n}d", "edge") for n in (1, 2, 3)})
_pad_circular = _make_pad_op("_pad_circular", "wrap")

_COMBOS = ("Supported combinations for non-constant padding:\n"
           "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
           "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
           "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")


def _check_nonconstant(input: Tensor, pad: tuple, mode: str) -> None:
    shape, n = list(input.shape), len(pad) // 2
    if mode == "circular":
        for d, (lo, hi) in enumerate(_per_dim(len(shape), pad)[-n:], start=len(shape) - n):
            if lo > shape[d] or hi > shape[d]:
                raise RuntimeError("Padding value causes wrapping around more than once.")
            if shape[d] + lo + hi < 0:
                raise RuntimeError("Negative padding value is resulting in an empty dimension")
        return
    if input.dtype.name == "bool":
        kind = "reflection" if mode == "reflect" else "replication"
        raise NotImplementedError(f"\"{kind}_pad{n}d\" not implemented for '{_type_name(input.dtype)}'")
    if any(s == 0 for s in shape[-n - 1:]):
        raise RuntimeError(f"Expected {n + 1}D or {n + 2}D (batch mode) tensor with possibly 0 batch size and other "
                           f"non-zero dimensions for input, but got: {shape}")
    if mode == "reflect":
        for i in range(n):
            d, (lo, hi) = len(shape) - 1 - i, (pad[2 * i], pad[2 * i + 1])
            if lo >= shape[d] or hi >= shape[d]:
                raise RuntimeError(f"Argument #{4 + 2 * i}: Padding size should be less than the corresponding input "
                                   f"dimension, but got: padding ({lo}, {hi}) at dimension {d} of input {shape}")
    names = "DHW"[3 - n:]
    outs = [shape[len(shape) - n + j] + lo + hi for j, (lo, hi) in enumerate(_per_dim(len(shape), pad)[-n:])]
    if any(o < (1 if n == 1 else 0) for o in outs):
        ins = ", ".join(f"{c}: {shape[len(shape) - n + j]}" for j, c in enumerate(names))
        raise RuntimeError(f"input ({ins}) is too small. Calculated output "
                           + " ".join(f"{c}: {o}" for c, o in zip(names, outs)))


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    pads = _pad_list(pad)
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if len(pads) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pads) > 2 * input.dim():
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pads)} and input of dimension {input.dim()}")
    if mode == "constant":
        return constant_pad_nd(input, pads, 0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    n = len(pads) // 2
    if n not in (1, 2, 3) or input.dim() not in (n + 1, n + 2):
        raise NotImplementedError(f"Padding size {len(pads)} is not supported for {input.dim()}D input tensor.\n"
                                  + _COMBOS)
    _check_nonconstant(input, pads, mode)
    if mode == "circular":
        return _pad_circular(input, pads)
    return _PAD_OPS[(mode, n)](input, pads)


__all__ = ["pad"]
