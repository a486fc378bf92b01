"""Adadelta (rho, eps, weight decay, maximize)."""
from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ..tensor import Tensor
from .optimizer import Optimizer, _check_hyper, _check_impl_flags, _nonzero, _scalar, _zeros_like

__all__ = ["Adadelta", "adadelta_update"]


def adadelta_update(p, g, s, h, *, maximize: bool, decay: bool):
    """One parameter's Adadelta step. ``h``: lr, rho, eps, weight_decay."""
    def c(x):
        return jnp.asarray(x, p.dtype)
    rho, eps = c(h["rho"]), c(h["eps"])
    if maximize:
        g = -g
    if decay:
        g = g + c(h["weight_decay"]) * p
    square_avg = s["square_avg"] * rho + c(1 - h["rho"]) * g * g
    std = jnp.sqrt(square_avg + eps)
    delta = jnp.sqrt(s["acc_delta"] + eps) / std * g
    acc_delta = s["acc_delta"] * rho + c(1 - h["rho"]) * delta * delta
    return p + c(-h["lr"]) * delta, {"step": s["step"] + 1, "square_avg": square_avg, "acc_delta": acc_delta}


class Adadelta(Optimizer):
    _update = staticmethod(adadelta_update)

    def __init__(self, params: Any, lr: float | Tensor = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: bool | None = None, *, capturable: bool = False,
                 maximize: bool = False, differentiable: bool = False) -> None:
        _check_hyper("lr", lr)
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "capturable": capturable, "foreach": foreach, "differentiable": differentiable}
        super().__init__(params, defaults)
        _check_impl_flags(self, foreach=foreach, differentiable=differentiable)

    def _init_state(self, p: Tensor, group: dict) -> dict:
        return {"step": _scalar(0.0), "square_avg": _zeros_like(p), "acc_delta": _zeros_like(p)}

    def _options(self, group: dict) -> tuple[dict, dict]:
        return ({"lr": group["lr"], "rho": group["rho"], "eps": group["eps"], "weight_decay": group["weight_decay"]},
                {"maximize": group["maximize"], "decay": _nonzero(group["weight_decay"])})
