"""Rprop (etas, step_sizes, maximize). ``lr`` only sets the initial per-element step size."""
from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ..tensor import Tensor
from .optimizer import Optimizer, _check_hyper, _check_impl_flags, _full_like, _scalar, _to_scalar, _zeros_like

__all__ = ["Rprop", "rprop_update"]


def rprop_update(p, g, s, h, *, maximize: bool):
    """One parameter's Rprop step. ``h``: etaminus, etaplus, step_size_min, step_size_max."""
    def c(x):
        return jnp.asarray(x, p.dtype)
    if maximize:
        g = -g
    sign = jnp.sign(g * s["prev"])
    factor = jnp.where(sign > 0, c(h["etaplus"]), jnp.where(sign < 0, c(h["etaminus"]), c(1.0)))
    step_size = jnp.clip(s["step_size"] * factor, c(h["step_size_min"]), c(h["step_size_max"]))
    g = jnp.where(sign < 0, jnp.zeros_like(g), g)  # where the sign flipped, skip this step
    p = p + c(-1.0) * jnp.sign(g) * step_size
    return p, {"step": s["step"] + 1, "prev": g, "step_size": step_size}


class Rprop(Optimizer):
    _update = staticmethod(rprop_update)

    def __init__(self, params: Any, lr: float | Tensor = 1e-2, etas: tuple = (0.5, 1.2), step_sizes: tuple = (1e-6, 50),
                 *, capturable: bool = False, foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        _check_hyper("lr", lr)
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)
        _check_impl_flags(self, foreach=foreach, differentiable=differentiable)

    def _init_state(self, p: Tensor, group: dict) -> dict:
        lr = _to_scalar(group["lr"])
        if p.is_complex():
            lr = complex(lr, lr)  # real and imaginary parts step independently
        return {"step": _scalar(0.0), "prev": _zeros_like(p), "step_size": _full_like(p, lr)}

    def _options(self, group: dict) -> tuple[dict, dict]:
        etaminus, etaplus = group["etas"]
        step_size_min, step_size_max = group["step_sizes"]
        return ({"etaminus": etaminus, "etaplus": etaplus, "step_size_min": step_size_min,
                 "step_size_max": step_size_max},
                {"maximize": group["maximize"]})
