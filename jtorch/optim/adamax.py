"""Adamax: Adam with the infinity norm."""
from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ..tensor import Tensor
from .optimizer import Optimizer, _check_hyper, _check_impl_flags, _f64, _lerp, _nonzero, _scalar, _zeros_like

__all__ = ["Adamax", "adamax_update"]


def adamax_update(p, g, s, h, *, maximize: bool, decay: bool):
    """One parameter's Adamax step. ``h``: lr, beta1, beta2, eps, weight_decay."""
    def c(x):
        return jnp.asarray(x, p.dtype)
    if maximize:
        g = -g
    step = s["step"] + 1
    if decay:
        g = g + c(h["weight_decay"]) * p
    m = _lerp(s["exp_avg"], g, c(1 - h["beta1"]))
    exp_inf = jnp.maximum(s["exp_inf"] * c(h["beta2"]), jnp.abs(g) + c(h["eps"]))
    clr = h["lr"] / (1 - h["beta1"] ** _f64(step))
    return p + c(-clr) * m / exp_inf, {"step": step, "exp_avg": m, "exp_inf": exp_inf}


class Adamax(Optimizer):
    _update = staticmethod(adamax_update)

    def __init__(self, params: Any, lr: float | Tensor = 2e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        _check_hyper("lr", lr)
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)
        _check_impl_flags(self, foreach=foreach, differentiable=differentiable)

    def _init_state(self, p: Tensor, group: dict) -> dict:
        return {"step": _scalar(0.0), "exp_avg": _zeros_like(p), "exp_inf": _zeros_like(p)}

    def _options(self, group: dict) -> tuple[dict, dict]:
        beta1, beta2 = group["betas"]
        return ({"lr": group["lr"], "beta1": beta1, "beta2": beta2, "eps": group["eps"],
                 "weight_decay": group["weight_decay"]},
                {"maximize": group["maximize"], "decay": _nonzero(group["weight_decay"])})
