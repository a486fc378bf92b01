"""Adafactor: factored second moments (rows x columns of the last two dims) with relative step sizes."""
from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ..tensor import Tensor
from .optimizer import Optimizer, _check_hyper, _f64, _lerp, _nonzero, _scalar, _zeros_like

__all__ = ["Adafactor", "adafactor_update"]


def _norm(x):
    return jnp.sqrt(jnp.sum(x * x))


def adafactor_update(p, g, s, h, *, eps1_default: bool, maximize: bool, decay: bool):
    """One parameter's Adafactor step. ``h``: lr, beta2_decay, eps1, eps2, d, weight_decay. The values
    torch reads back with ``.item()`` (norms, step) are float64 here."""
    def c(x):
        return jnp.asarray(x, p.dtype)
    lr = h["lr"]
    eps1 = jnp.finfo(p.dtype).eps if eps1_default else h["eps1"]
    if maximize:
        g = -g
    step = s["step"] + 1
    t = _f64(step)
    one_minus_beta2_t = t ** h["beta2_decay"]
    rho_t = jnp.minimum(lr, 1 / t ** 0.5)
    alpha = jnp.maximum(h["eps2"], _f64(_norm(p)) / p.size ** 0.5) * rho_t
    if decay:
        p = p * c(1 - lr * h["weight_decay"])
    out = {"step": step}
    if g.ndim > 1:
        row_mean = jnp.square(jnp.sqrt(jnp.sum(g * g, axis=-1, keepdims=True))) / g.shape[-1]
        row_var = out["row_var"] = _lerp(s["row_var"], row_mean, c(one_minus_beta2_t))
        col_mean = jnp.square(jnp.sqrt(jnp.sum(g * g, axis=-2, keepdims=True))) / g.shape[-2]
        col_var = out["col_var"] = _lerp(s["col_var"], col_mean, c(one_minus_beta2_t))
        var_estimate = row_var @ col_var
        var_estimate = var_estimate / jnp.maximum(jnp.mean(row_var, axis=-2, keepdims=True), c(eps1))
    else:
        var_estimate = out["variance"] = _lerp(s["variance"], g * g, c(one_minus_beta2_t))
    update = jnp.maximum(var_estimate, c(eps1 * eps1)) ** -0.5 * g
    denom = jnp.maximum(1.0, _f64(_norm(update)) / (update.size ** 0.5 * h["d"]))
    return p + c(-alpha / denom) * update, out


class Adafactor(Optimizer):
    _update = staticmethod(adafactor_update)
    _rejects_complex = True

    def __init__(self, params: Any, lr: float | Tensor = 1e-2, beta2_decay: float = -0.8,
                 eps: tuple = (None, 1e-3), d: float = 1.0, weight_decay: float = 0.0, *,
                 foreach: bool | None = None, maximize: bool = False) -> None:
        _check_hyper("lr", lr)
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = {"lr": lr, "beta2_decay": beta2_decay, "eps": eps, "d": d, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize}
        super().__init__(params, defaults)

    def _init_state(self, p: Tensor, group: dict) -> dict:
        st = {"step": _scalar(0.0)}
        if p.dim() > 1:
            shape = tuple(p.shape)
            st["row_var"] = Tensor._make(jnp.zeros(shape[:-1] + (1,), p._value.dtype))
            st["col_var"] = Tensor._make(jnp.zeros(shape[:-2] + (1,) + shape[-1:], p._value.dtype))
        else:
            st["variance"] = _zeros_like(p)
        return st

    def _options(self, group: dict) -> tuple[dict, dict]:
        eps1, eps2 = group["eps"]
        return ({"lr": group["lr"], "beta2_decay": group["beta2_decay"], "eps1": 0.0 if eps1 is None else eps1,
                 "eps2": eps2, "d": group["d"], "weight_decay": group["weight_decay"]},
                {"eps1_default": eps1 is None, "maximize": group["maximize"],
                 "decay": _nonzero(group["weight_decay"])})
