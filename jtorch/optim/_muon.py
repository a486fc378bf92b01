"""Muon: momentum SGD whose 2-D update is orthogonalised by a bfloat16 Newton-Schulz iteration."""
from __future__ import annotations

import math
from typing import Any

import jax.numpy as jnp

from ..tensor import Tensor
from .optimizer import Optimizer, _check_hyper, _lerp, _zeros_like

__all__ = ["Muon", "muon_update"]

EPS = 1e-7
DEFAULT_A = 3.4445
DEFAULT_B = -4.7750
DEFAULT_C = 2.0315
DEFAULT_NS_STEPS = 5


def _zeropower_via_newtonschulz(grad, ns_coefficients, ns_steps: int, eps):
    """torch's bfloat16 iteration: every matmul accumulates in float32 and rounds its result to bfloat16."""
    if ns_steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if grad.ndim != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    a, b, c = ns_coefficients
    bf16, f32 = jnp.bfloat16, jnp.float32

    def mm(x, y):
        return jnp.matmul(x, y, preferred_element_type=f32)

    ortho = grad.astype(bf16)
    tall = grad.shape[0] > grad.shape[1]
    if tall:
        ortho = ortho.T
    norm = jnp.sqrt(jnp.sum(jnp.square(ortho.astype(f32)))).astype(bf16)
    ortho = (ortho.astype(f32) / jnp.maximum(norm, jnp.asarray(eps, bf16)).astype(f32)).astype(bf16)
    for _ in range(ns_steps):
        gram = mm(ortho, ortho.T).astype(bf16)
        gram_update = (b * gram.astype(f32) + c * mm(gram, gram)).astype(bf16)
        ortho = (a * ortho.astype(f32) + mm(gram_update, ortho)).astype(bf16)
    return ortho.T if tall else ortho


def _adjust_lr(lr: Any, adjust_lr_fn: str | None, param_shape: tuple) -> Any:
    A, B = param_shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        ratio = math.sqrt(max(1, A / B))
    elif adjust_lr_fn == "match_rms_adamw":
        ratio = 0.2 * math.sqrt(max(A, B))
    else:
        ratio = 1.0
    return lr * ratio


def muon_update(p, g, s, h, *, nesterov: bool, ns_coefficients: tuple, ns_steps: int, adjust_lr_fn: str | None):
    """One 2-D parameter's Muon step. ``h``: lr, weight_decay, momentum, eps."""
    def c(x):
        return jnp.asarray(x, p.dtype)
    if g.ndim != 2:
        raise ValueError("Param gradient must be a 2D matrix")
    buf = _lerp(s["momentum_buffer"], g, c(1 - h["momentum"]))
    update = _lerp(g, buf, c(h["momentum"])) if nesterov else buf
    update = _zeropower_via_newtonschulz(update, ns_coefficients, ns_steps, h["eps"])
    adjusted_lr = _adjust_lr(h["lr"], adjust_lr_fn, p.shape)
    p = p * c(1 - h["lr"] * h["weight_decay"])
    return p + c(-adjusted_lr) * update.astype(p.dtype), {"momentum_buffer": buf}


class Muon(Optimizer):
    _update = staticmethod(muon_update)
    _rejects_complex = True

    def __init__(self, params: Any, lr: float = 1e-3, weight_decay: float = 0.1, momentum: float = 0.95,
                 nesterov: bool = True, ns_coefficients: tuple = (DEFAULT_A, DEFAULT_B, DEFAULT_C), eps: float = EPS,
                 ns_steps: int = DEFAULT_NS_STEPS, adjust_lr_fn: str | None = None) -> None:
        _check_hyper("lr", lr)
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in ["original", "match_rms_adamw"]:
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = {"lr": lr, "weight_decay": weight_decay, "momentum": momentum, "nesterov": nesterov,
                    "ns_coefficients": ns_coefficients, "eps": eps, "ns_steps": ns_steps,
                    "adjust_lr_fn": adjust_lr_fn}
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError(f"Muon only supports 2D parameters whereas we found a parameter with size: "
                                     f"{p.size()}")

    def _init_state(self, p: Tensor, group: dict) -> dict:
        return {"momentum_buffer": _zeros_like(p)}

    def _options(self, group: dict) -> tuple[dict, dict]:
        if len(group["ns_coefficients"]) != 3:
            raise ValueError("Coefficients must be a tuple of exactly 3 values")
        return ({"lr": group["lr"], "weight_decay": group["weight_decay"], "momentum": group["momentum"],
                 "eps": group["eps"]},
                {"nesterov": group["nesterov"], "ns_coefficients": tuple(group["ns_coefficients"]),
                 "ns_steps": group["ns_steps"], "adjust_lr_fn": group["adjust_lr_fn"]})
