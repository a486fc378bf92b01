"""RAdam: Adam with variance rectification (coupled or decoupled weight decay)."""
from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ..tensor import Tensor
from .optimizer import Optimizer, _check_hyper, _check_impl_flags, _f64, _lerp, _nonzero, _scalar, _zeros_like

__all__ = ["RAdam", "radam_update"]


def radam_update(p, g, s, h, *, maximize: bool, decoupled: bool, decay: bool):
    """One parameter's RAdam step. ``h``: lr, beta1, beta2, eps, weight_decay."""
    def c(x):
        return jnp.asarray(x, p.dtype)
    lr, beta1, beta2 = h["lr"], h["beta1"], h["beta2"]
    if maximize:
        g = -g
    step = s["step"] + 1
    t = _f64(step)
    if decay:
        if decoupled:
            p = p * c(1 - lr * h["weight_decay"])
        else:
            g = g + c(h["weight_decay"]) * p
    m = _lerp(s["exp_avg"], g, c(1 - beta1))
    v = s["exp_avg_sq"] * c(beta2) + c(1 - beta2) * g * g
    bias_correction1 = 1 - beta1 ** t
    bias_correction2 = 1 - beta2 ** t
    bias_corrected_exp_avg = m / c(bias_correction1)
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * t * (beta2 ** t) / bias_correction2
    # torch branches in Python on rho_t > 5; both candidates are computed and one selected
    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
    adaptive_lr = c(bias_correction2 ** 0.5) / (jnp.sqrt(v) + c(h["eps"]))
    rectified = p + -(bias_corrected_exp_avg * c(lr) * adaptive_lr * c(rect))
    plain = p + -(bias_corrected_exp_avg * c(lr))
    return jnp.where(rho_t > 5.0, rectified, plain), {"step": step, "exp_avg": m, "exp_avg_sq": v}


class RAdam(Optimizer):
    _update = staticmethod(radam_update)

    def __init__(self, params: Any, lr: float | Tensor = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False) -> None:
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
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable, "decoupled_weight_decay": decoupled_weight_decay,
                    "differentiable": differentiable}
        super().__init__(params, defaults)
        _check_impl_flags(self, foreach=foreach, differentiable=differentiable)

    def _init_state(self, p: Tensor, group: dict) -> dict:
        return {"step": _scalar(0.0), "exp_avg": _zeros_like(p), "exp_avg_sq": _zeros_like(p)}

    def _options(self, group: dict) -> tuple[dict, dict]:
        beta1, beta2 = group["betas"]
        decay = _nonzero(group["weight_decay"])
        return ({"lr": group["lr"], "beta1": beta1, "beta2": beta2, "eps": group["eps"],
                 "weight_decay": group["weight_decay"]},
                {"maximize": group["maximize"], "decoupled": group["decoupled_weight_decay"] and decay,
                 "decay": decay})
