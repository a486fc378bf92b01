"""ASGD: averaged SGD (lambd, alpha, t0, weight decay, maximize), with ``eta``/``mu``/``ax`` state."""
from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ..tensor import Tensor
from .optimizer import Optimizer, _check_hyper, _check_impl_flags, _f64, _nonzero, _scalar, _scalar_dtype, _to_scalar, _zeros_like

__all__ = ["ASGD", "asgd_update"]


def asgd_update(p, g, s, h, *, maximize: bool, decay: bool, scalar_dtype: str):
    """One parameter's ASGD step. ``h``: lr, lambd, alpha, t0, weight_decay. torch computes the new eta
    and mu as Python floats and stores them through ``torch.as_tensor`` (the default dtype):
    ``scalar_dtype`` reproduces that rounding."""
    def c(x):
        return jnp.asarray(x, p.dtype)
    lr, lambd = h["lr"], h["lambd"]
    if maximize:
        g = -g
    step = s["step"] + 1
    if decay:
        g = g + c(h["weight_decay"]) * p
    eta = _f64(s["eta"])
    p = p * c(1 - lambd * eta)
    p = p + c(-eta) * g
    mu = s["mu"]
    ax = jnp.where(mu != 1, s["ax"] + (p - s["ax"]) * mu.astype(p.dtype), p)
    t = _f64(step)
    new_eta = (lr / ((1 + lambd * lr * t) ** h["alpha"])).astype(scalar_dtype).astype(s["eta"].dtype)
    new_mu = (1 / jnp.maximum(1.0, t - h["t0"])).astype(scalar_dtype).astype(mu.dtype)
    return p, {"step": step, "eta": new_eta, "mu": new_mu, "ax": ax}


class ASGD(Optimizer):
    _update = staticmethod(asgd_update)

    def __init__(self, params: Any, lr: float | Tensor = 1e-2, lambd: float = 1e-4, alpha: float = 0.75,
                 t0: float = 1e6, weight_decay: float = 0, foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        _check_hyper("lr", lr)
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize, "differentiable": differentiable,
                    "capturable": capturable}
        super().__init__(params, defaults)
        _check_impl_flags(self, foreach=foreach, differentiable=differentiable)

    def _init_state(self, p: Tensor, group: dict) -> dict:
        lr = _to_scalar(group["lr"])
        return {"step": _scalar(0.0), "eta": _scalar(lr), "mu": _scalar(1.0), "ax": _zeros_like(p)}

    def _options(self, group: dict) -> tuple[dict, dict]:
        return ({"lr": group["lr"], "lambd": group["lambd"], "alpha": group["alpha"], "t0": group["t0"],
                 "weight_decay": group["weight_decay"]},
                {"maximize": group["maximize"], "decay": _nonzero(group["weight_decay"]),
                 "scalar_dtype": jnp.dtype(_scalar_dtype()).name})
