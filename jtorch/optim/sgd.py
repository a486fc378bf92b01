"""SGD with momentum, dampening, Nesterov momentum, weight decay and maximize."""
from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ..tensor import Tensor
from .optimizer import Optimizer, _fresh, _check_hyper, _check_impl_flags, _nonzero

__all__ = ["SGD", "sgd_update"]


def sgd_update(p, g, s, h, *, momentum: bool, nesterov: bool, maximize: bool, decay: bool):
    """One parameter's SGD step. ``h``: lr, momentum, dampening, weight_decay (float64 scalars)."""
    def c(x):
        return jnp.asarray(x, p.dtype)

    def direction(p, g):  # the gradient with maximize and weight decay applied
        if maximize:
            g = -g
        return g + c(h["weight_decay"]) * p if decay else g
    d = direction(p, g)
    if momentum:
        buf = s.get("momentum_buffer")
        # the first step copies the gradient into the buffer (torch: buf = grad.clone())
        buf = d if buf is None else buf * c(h["momentum"]) + c(1 - h["dampening"]) * d
        s = {"momentum_buffer": buf}
        if nesterov:  # the same d, recomputed inside the parameter's update rather than stored (see _fresh)
            d = (direction(*_fresh(p, g)) if decay or maximize else d) + c(h["momentum"]) * buf
        else:
            d = buf
    return p + c(-h["lr"]) * d, s


class SGD(Optimizer):
    _update = staticmethod(sgd_update)

    def __init__(self, params: Any, lr: float | Tensor = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float | Tensor = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False, fused: bool | None = None) -> None:
        _check_hyper("lr", lr)
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize, "foreach": foreach, "differentiable": differentiable,
                    "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        _check_impl_flags(self, foreach=foreach, fused=fused, differentiable=differentiable)

    def _has_state(self, group: dict) -> bool:
        return group["momentum"] != 0

    def _init_state(self, p: Tensor, group: dict) -> dict:
        return {}  # momentum_buffer appears after the first step, as in torch

    def _options(self, group: dict) -> tuple[dict, dict]:
        return ({"lr": group["lr"], "momentum": group["momentum"], "dampening": group["dampening"],
                 "weight_decay": group["weight_decay"]},
                {"momentum": _nonzero(group["momentum"]), "nesterov": group["nesterov"], "maximize": group["maximize"],
                 "decay": _nonzero(group["weight_decay"])})
