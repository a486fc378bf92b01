"""NAdam: Adam with Nesterov momentum (momentum_decay schedule, coupled or decoupled weight decay)."""
from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ..tensor import Tensor
from .optimizer import Optimizer, _check_hyper, _check_impl_flags, _f64, _lerp, _nonzero, _scalar, _zeros_like

__all__ = ["NAdam", "nadam_update"]


def nadam_update(p, g, s, h, *, maximize: bool, decoupled: bool, decay: bool):
    """One parameter's NAdam step. ``h``: lr, beta1, beta2, eps, weight_decay, momentum_decay."""
    def c(x):
        return jnp.asarray(x, p.dtype)
    lr, beta1, beta2 = h["lr"], h["beta1"], h["beta2"]
    if maximize:
        g = -g
    step = s["step"] + 1
    t = _f64(step)
    bias_correction2 = 1 - beta2 ** t
    if decay:
        if decoupled:
            p = p * c(1 - lr * h["weight_decay"])
        else:
            g = g + c(h["weight_decay"]) * p
    mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * h["momentum_decay"]))
    mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * h["momentum_decay"]))
    # mu_product is a float32 state tensor: torch multiplies it by mu in its own dtype
    mu_product = s["mu_product"] * mu.astype(s["mu_product"].dtype)
    m = _lerp(s["exp_avg"], g, c(1 - beta1))
    v = s["exp_avg_sq"] * c(beta2) + c(1 - beta2) * g * g
    denom = jnp.sqrt(v / c(bias_correction2)) + c(h["eps"])
    mp = _f64(mu_product)
    p = p + c(-lr * (1.0 - mu) / (1.0 - mp)) * g / denom
    p = p + c((-lr * mu_next) / (1.0 - mp * mu_next)) * m / denom
    return p, {"step": step, "mu_product": mu_product, "exp_avg": m, "exp_avg_sq": v}


class NAdam(Optimizer):
    _update = staticmethod(nadam_update)

    def __init__(self, params: Any, lr: float | Tensor = 2e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
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
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay, "decoupled_weight_decay": decoupled_weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        super().__init__(params, defaults)
        _check_impl_flags(self, foreach=foreach, differentiable=differentiable)

    def _init_state(self, p: Tensor, group: dict) -> dict:
        return {"step": _scalar(0.0), "mu_product": _scalar(1.0), "exp_avg": _zeros_like(p),
                "exp_avg_sq": _zeros_like(p)}

    def _options(self, group: dict) -> tuple[dict, dict]:
        beta1, beta2 = group["betas"]
        decay = _nonzero(group["weight_decay"])
        return ({"lr": group["lr"], "beta1": beta1, "beta2": beta2, "eps": group["eps"],
                 "weight_decay": group["weight_decay"], "momentum_decay": group["momentum_decay"]},
                {"maximize": group["maximize"], "decoupled": group["decoupled_weight_decay"] and decay,
                 "decay": decay})
