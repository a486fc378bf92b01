"""SparseAdam: lazy Adam that updates only the entries present in the gradient.

NOTE: jtorch has no sparse tensors. ``SparseAdam.step`` raises torch's error for the dense gradients
autograd produces (torch does the same). The update itself is available as the functional
``jtorch.optim._functional.sparse_adam``, which takes dense gradients and treats their nonzero entries as
the sparse gradient's entries (what ``grad.to_sparse()`` would keep in torch).
"""
from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from ..autograd.grad_mode import enable_grad, no_grad
from ..tensor import Tensor
from .optimizer import Optimizer, _apply_fused, _check_hyper, _raw, _to_scalar, _zeros_like

__all__ = ["SparseAdam", "sparse_adam", "sparse_adam_update"]


def sparse_adam_update(p, g, s, h, *, maximize: bool):
    """One parameter's SparseAdam step; entries where ``g == 0`` keep their parameter and moments.
    ``s['step']`` is the (already incremented) step count. ``h``: lr, beta1, beta2, eps."""
    def c(x):
        return jnp.asarray(x, p.dtype)
    present = g != 0
    if maximize:
        g = -g
    m, v = s["exp_avg"], s["exp_avg_sq"]
    m_update = (g - m) * c(1 - h["beta1"])
    v_update = (g * g - v) * c(1 - h["beta2"])
    numer = m_update + m
    denom = jnp.sqrt(v_update + v) + c(h["eps"])
    t = s["step"]
    step_size = h["lr"] * jnp.sqrt(1 - h["beta2"] ** t) / (1 - h["beta1"] ** t)
    new_p = p + c(-step_size) * (numer / denom)
    return (jnp.where(present, new_p, p),
            {"exp_avg": jnp.where(present, m + m_update, m), "exp_avg_sq": jnp.where(present, v + v_update, v)})


def sparse_adam(params: list, grads: list, exp_avgs: list, exp_avg_sqs: list, state_steps: list, *, eps: float,
                beta1: float, beta2: float, lr: float, maximize: bool) -> None:
    """torch.optim._functional.sparse_adam on dense gradients (nonzero entries = the sparse entries):
    updates ``params``, ``exp_avgs`` and ``exp_avg_sqs`` in place, in one fused call."""
    states = [{"exp_avg": m, "exp_avg_sq": v, "step": np.float64(step)}
              for m, v, step in zip(exp_avgs, exp_avg_sqs, state_steps)]
    hyper = {"lr": _to_scalar(lr), "beta1": beta1, "beta2": beta2, "eps": eps}
    _apply_fused(sparse_adam_update, {"maximize": bool(maximize)}, hyper, list(params), [_raw(g) for g in grads],
                 states)


class SparseAdam(Optimizer):
    def __init__(self, params: Any, lr: float | Tensor = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 maximize: bool = False) -> None:
        _check_hyper("lr", lr)
        if not 0.0 < lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "maximize": maximize}
        super().__init__(params, defaults)
        sparse_params, complex_params = [], []
        for index, group in enumerate(self.param_groups):
            for d_index, d_param in enumerate(group["params"]):
                if d_param.is_sparse:
                    sparse_params.append([index, d_index])
                if d_param.is_complex():
                    complex_params.append([index, d_index])
        if sparse_params:
            raise ValueError(f"Sparse params at indices {sparse_params}: SparseAdam requires dense parameter tensors")
        if complex_params:
            raise ValueError(f"Complex params at indices {complex_params}: SparseAdam does not support complex "
                             "parameters")

    def step(self, closure: Any = None) -> Any:
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                params, grads, exp_avgs, exp_avg_sqs, steps = [], [], [], [], []
                beta1, beta2 = group["betas"]
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    if not p.grad.is_sparse:
                        raise RuntimeError("SparseAdam does not support dense gradients, please consider Adam instead")
                    params.append(p)
                    grads.append(p.grad)
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = 0
                        state["exp_avg"] = _zeros_like(p)
                        state["exp_avg_sq"] = _zeros_like(p)
                    exp_avgs.append(state["exp_avg"])
                    exp_avg_sqs.append(state["exp_avg_sq"])
                    state["step"] += 1
                    steps.append(state["step"])
                if params:
                    sparse_adam(params, grads, exp_avgs, exp_avg_sqs, steps, eps=group["eps"], beta1=beta1,
                                beta2=beta2, lr=group["lr"], maximize=group.get("maximize", False))
        return loss
