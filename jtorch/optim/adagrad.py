"""Adagrad (lr_decay, initial_accumulator_value, weight decay, maximize)."""
from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ..tensor import Tensor
from .optimizer import Optimizer, _check_hyper, _check_impl_flags, _f64, _full_like, _nonzero, _scalar

__all__ = ["Adagrad", "adagrad_update"]


def adagrad_update(p, g, s, h, *, maximize: bool, decay: bool):
    """One parameter's Adagrad step. ``h``: lr, lr_decay, weight_decay, eps."""
    def c(x):
        return jnp.asarray(x, p.dtype)
    step = s["step"] + 1
    if maximize:
        g = -g
    if decay:
        g = g + c(h["weight_decay"]) * p
    clr = h["lr"] / (1 + (_f64(step) - 1) * h["lr_decay"])
    total = s["sum"] + g * g
    std = jnp.sqrt(total) + c(h["eps"])
    return p + c(-clr) * g / std, {"step": step, "sum": total}


class Adagrad(Optimizer):
    _update = staticmethod(adagrad_update)

    def __init__(self, params: Any, lr: float | Tensor = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, fused: bool | None = None) -> None:
        _check_hyper("lr", lr)
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        _check_impl_flags(self, foreach=foreach, fused=fused, differentiable=differentiable)
        # Adagrad creates its state up front, for every parameter (torch does too)
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p].update(self._init_state(p, group))

    def _init_state(self, p: Tensor, group: dict) -> dict:
        v = group["initial_accumulator_value"]
        init = complex(v, v) if p.is_complex() else v
        return {"step": _scalar(0.0), "sum": _full_like(p, init)}

    def _options(self, group: dict) -> tuple[dict, dict]:
        return ({"lr": group["lr"], "lr_decay": group["lr_decay"], "weight_decay": group["weight_decay"],
                 "eps": group["eps"]},
                {"maximize": group["maximize"], "decay": _nonzero(group["weight_decay"])})
