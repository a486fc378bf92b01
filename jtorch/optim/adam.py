"""Adam (amsgrad, weight decay coupled or decoupled, maximize). AdamW is Adam with decoupled decay."""
from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ..tensor import Tensor
from .optimizer import (Optimizer, _check_hyper, _check_impl_flags, _f64, _lerp, _nonzero, _scalar, _to_scalar,
                        _zeros_like)

__all__ = ["Adam", "adam_update"]


def adam_update(p, g, s, h, *, amsgrad: bool, maximize: bool, decoupled: bool, decay: bool):
    """One parameter's Adam step. ``h``: lr, beta1, beta2, eps, weight_decay."""
    def c(x):
        return jnp.asarray(x, p.dtype)
    lr, beta1, beta2 = h["lr"], h["beta1"], h["beta2"]
    if maximize:
        g = -g
    step = s["step"] + 1
    if decay:
        if decoupled:
            p = p * c(1 - lr * h["weight_decay"])
        else:
            g = g + c(h["weight_decay"]) * p
    m = _lerp(s["exp_avg"], g, c(1 - beta1))
    v = s["exp_avg_sq"] * c(beta2) + c(1 - beta2) * g * g
    t = _f64(step)
    bias_correction1 = 1 - beta1 ** t
    bias_correction2_sqrt = (1 - beta2 ** t) ** 0.5
    out = {"step": step, "exp_avg": m, "exp_avg_sq": v}
    if amsgrad:
        vmax = out["max_exp_avg_sq"] = jnp.maximum(s["max_exp_avg_sq"], v)
        denom = jnp.sqrt(vmax) / c(bias_correction2_sqrt) + c(h["eps"])
    else:
        denom = jnp.sqrt(v) / c(bias_correction2_sqrt) + c(h["eps"])
    return p + c(-lr / bias_correction1) * m / denom, out


class Adam(Optimizer):
    _update = staticmethod(adam_update)

    def __init__(self, params: Any, lr: float | Tensor = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None, decoupled_weight_decay: bool = False) -> None:
        if isinstance(lr, Tensor):
            if foreach and not capturable:
                raise ValueError("lr as a Tensor is not supported for capturable=False and foreach=True")
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
        if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
                or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
            raise ValueError("betas must be either both floats or both Tensors")
        for i in (0, 1):
            if isinstance(betas[i], Tensor):
                if not capturable and foreach:
                    raise ValueError(f"betas[{i}] as a Tensor is not supported for capturable=False and foreach=True")
                if betas[i].numel() != 1:
                    raise ValueError(f"Tensor betas[{i}] must be 1-element")
        betas = tuple(map(_to_scalar, betas))
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable, "fused": fused, "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)
        _check_impl_flags(self, foreach=foreach, fused=fused, differentiable=differentiable)

    def _init_state(self, p: Tensor, group: dict) -> dict:
        st = {"step": _scalar(0.0), "exp_avg": _zeros_like(p), "exp_avg_sq": _zeros_like(p)}
        if group["amsgrad"]:
            st["max_exp_avg_sq"] = _zeros_like(p)
        return st

    def _options(self, group: dict) -> tuple[dict, dict]:
        beta1, beta2 = group["betas"]
        decay = _nonzero(group["weight_decay"])
        return ({"lr": group["lr"], "beta1": beta1, "beta2": beta2, "eps": group["eps"],
                 "weight_decay": group["weight_decay"]},
                {"amsgrad": group["amsgrad"], "maximize": group["maximize"],
                 "decoupled": group["decoupled_weight_decay"] and decay, "decay": decay})
