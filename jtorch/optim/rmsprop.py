"""RMSprop (alpha, centered, momentum, weight decay, maximize)."""
from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ..tensor import Tensor
from .optimizer import Optimizer, _check_hyper, _check_impl_flags, _lerp, _nonzero, _scalar, _zeros_like

__all__ = ["RMSprop", "rmsprop_update"]


def rmsprop_update(p, g, s, h, *, centered: bool, momentum: bool, maximize: bool, decay: bool):
    """One parameter's RMSprop step. ``h``: lr, alpha, eps, weight_decay, momentum."""
    def c(x):
        return jnp.asarray(x, p.dtype)
    if maximize:
        g = -g
    out = {"step": s["step"] + 1}
    if decay:
        g = g + c(h["weight_decay"]) * p
    square_avg = out["square_avg"] = s["square_avg"] * c(h["alpha"]) + c(1 - h["alpha"]) * g * g
    if centered:
        grad_avg = out["grad_avg"] = _lerp(s["grad_avg"], g, c(1 - h["alpha"]))
        avg = jnp.sqrt(square_avg + c(-1.0) * grad_avg * grad_avg)
    else:
        avg = jnp.sqrt(square_avg)
    avg = avg + c(h["eps"])
    if momentum:
        buf = out["momentum_buffer"] = s["momentum_buffer"] * c(h["momentum"]) + g / avg
        return p + c(-h["lr"]) * buf, out
    return p + c(-h["lr"]) * g / avg, out


class RMSprop(Optimizer):
    _update = staticmethod(rmsprop_update)

    def __init__(self, params: Any, lr: float | Tensor = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        _check_hyper("lr", lr)
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable}
        super().__init__(params, defaults)
        _check_impl_flags(self, foreach=foreach, differentiable=differentiable)

    def _init_state(self, p: Tensor, group: dict) -> dict:
        st = {"step": _scalar(0.0), "square_avg": _zeros_like(p)}
        if group["momentum"] > 0:
            st["momentum_buffer"] = _zeros_like(p)
        if group["centered"]:
            st["grad_avg"] = _zeros_like(p)
        return st

    def _options(self, group: dict) -> tuple[dict, dict]:
        return ({"lr": group["lr"], "alpha": group["alpha"], "eps": group["eps"],
                 "weight_decay": group["weight_decay"], "momentum": group["momentum"]},
                {"centered": group["centered"], "momentum": _nonzero(group["momentum"]),
                 "maximize": group["maximize"], "decay": _nonzero(group["weight_decay"])})
