"""Spectral normalisation (the hook-based API) and the kernels it shares with parametrizations."""
from __future__ import annotations

import functools
from typing import Any

import jax
import jax.numpy as jnp

from ...autograd.grad_mode import no_grad
from ...ops._registry import op
from ...ops.creation import empty
from ...tensor import Tensor
from .. import init
from ..modules.module import Module
from ..parameter import Parameter, UninitializedParameter

__all__ = ["SpectralNorm", "SpectralNormLoadStateDictPreHook", "SpectralNormStateDictHook", "spectral_norm",
           "remove_spectral_norm"]


def _as_matrix(w: Any, dim: int) -> Any:
    if dim != 0:
        w = jnp.moveaxis(w, dim, 0)
    return w.reshape(w.shape[0], -1)


def _normalize(x: Any, eps: float) -> Any:
    return x / jnp.maximum(jnp.linalg.norm(x), eps)


@functools.partial(jax.jit, static_argnums=(3, 4, 5, 6))
def _power_iteration(w: Any, u: Any, v: Any, dim: int, n: int, eps: float, u_first: bool) -> tuple:
    m = _as_matrix(w, dim)
    for _ in range(n):
        if u_first:  # parametrizations.spectral_norm's order
            u = _normalize(m @ v, eps)
            v = _normalize(m.conj().T @ u, eps)
        else:
            v = _normalize(m.T @ u, eps)
            u = _normalize(m @ v, eps)
    return u, v


def power_iteration_(weight: Tensor, u: Tensor, v: Tensor, dim: int, n: int, eps: float, u_first: bool) -> None:
    """``n`` steps of the power method, written in place into the buffers ``u`` and ``v``."""
    with no_grad():
        nu, nv = _power_iteration(weight._value, u._value, v._value, dim, n, eps, u_first)
        u.copy_(Tensor._make(nu))
        v.copy_(Tensor._make(nv))


@op("_spectral_divide(Tensor weight, Tensor u, Tensor v, int dim, bool conj) -> Tensor", function=False,
    method=False, out=False, node_name="DivBackward0")
def spectral_divide(w, u, v, dim, conj):
    """weight / sigma with sigma = u . (W_mat v) (vdot when ``conj``)."""
    mv = _as_matrix(w, dim) @ v
    sigma = jnp.vdot(u, mv) if conj else jnp.dot(u, mv)
    return w / sigma


@op("_normalize_vector(Tensor input, float eps) -> Tensor", function=False, method=False, out=False,
    node_name="DivBackward0")
def normalize_vector(x, eps):
    return _normalize(x, eps)


def _default_dim(module: Module) -> int:
    # transposed convolutions keep output channels in dim 1 (matched by name: they live in another file)
    return 1 if type(module).__name__ in ("ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d") else 0


def random_unit(n: int, like: Tensor, eps: float) -> Tensor:
    t = init.normal_(empty(n, dtype=like.dtype, device=like.device), 0, 1)
    return Tensor._make(_normalize(t._value, eps))


class SpectralNorm:
    _version: int = 1

    def __init__(self, name: str = "weight", n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12) -> None:
        self.name = name
        self.dim = dim
        if n_power_iterations <= 0:
            raise ValueError(f"Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.n_power_iterations = n_power_iterations
        self.eps = eps

    def reshape_weight_to_matrix(self, weight: Tensor) -> Tensor:
        if self.dim != 0:
            weight = weight.permute(self.dim, *[d for d in range(weight.dim()) if d != self.dim])
        return weight.reshape(weight.size(0), -1)

    def compute_weight(self, module: Module, do_power_iteration: bool) -> Tensor:
        weight = getattr(module, self.name + "_orig")
        u = getattr(module, self.name + "_u")
        v = getattr(module, self.name + "_v")
        if do_power_iteration:
            power_iteration_(weight, u, v, self.dim, self.n_power_iterations, self.eps, False)
            u, v = u.clone(), v.clone()
        return spectral_divide(weight, u, v, self.dim, False)

    def remove(self, module: Module) -> None:
        with no_grad():
            weight = self.compute_weight(module, do_power_iteration=False)
        delattr(module, self.name)
        delattr(module, self.name + "_u")
        delattr(module, self.name + "_v")
        delattr(module, self.name + "_orig")
        module.register_parameter(self.name, Parameter(weight.detach()))

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self.name, self.compute_weight(module, do_power_iteration=module.training))

    def _solve_v_and_rescale(self, weight_mat: Tensor, u: Tensor, target_sigma: Tensor) -> Tensor:
        m, uu = weight_mat._value, u._value
        v = jnp.linalg.pinv(m.T @ m) @ m.T @ uu
        return Tensor._make(v * (target_sigma._value / jnp.dot(uu, m @ v)))

    @staticmethod
    def apply(module: Module, name: str, n_power_iterations: int, dim: int, eps: float) -> "SpectralNorm":
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, SpectralNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two spectral_norm hooks on the same parameter {name}")
        fn = SpectralNorm(name, n_power_iterations, dim, eps)
        weight = module._parameters[name]
        if weight is None:
            raise ValueError(f"`SpectralNorm` cannot be applied as parameter `{name}` is None")
        if isinstance(weight, UninitializedParameter):
            raise ValueError("The module passed to `SpectralNorm` can't have uninitialized parameters. Make sure to "
                             "run the dummy forward before applying spectral normalization")
        h, w = fn.reshape_weight_to_matrix(weight).shape
        u = random_unit(h, weight, fn.eps)
        v = random_unit(w, weight, fn.eps)
        delattr(module, fn.name)
        module.register_parameter(fn.name + "_orig", weight)
        setattr(module, fn.name, weight.data)
        module.register_buffer(fn.name + "_u", u)
        module.register_buffer(fn.name + "_v", v)
        module.register_forward_pre_hook(fn)
        module._register_state_dict_hook(SpectralNormStateDictHook(fn))
        module._register_load_state_dict_pre_hook(SpectralNormLoadStateDictPreHook(fn))
        return fn


class SpectralNormLoadStateDictPreHook:
    """Converts checkpoints saved before version 1 (which stored the normalised weight, not ``_v``)."""

    def __init__(self, fn: SpectralNorm) -> None:
        self.fn = fn

    def __call__(self, state_dict: dict, prefix: str, local_metadata: dict, strict: bool, missing_keys: list,
                 unexpected_keys: list, error_msgs: list) -> None:
        fn = self.fn
        version = local_metadata.get("spectral_norm", {}).get(fn.name + ".version", None)
        if version is not None and version >= 1:
            return
        weight_key = prefix + fn.name
        if version is None and all(weight_key + s in state_dict for s in ("_orig", "_u", "_v")) and \
                weight_key not in state_dict:
            return
        has_missing_keys = False
        for suffix in ("_orig", "", "_u"):
            key = weight_key + suffix
            if key not in state_dict:
                has_missing_keys = True
                if strict:
                    missing_keys.append(key)
        if has_missing_keys:
            return
        with no_grad():
            weight_orig = state_dict[weight_key + "_orig"]
            weight = state_dict.pop(weight_key)
            sigma = (weight_orig / weight).mean()
            weight_mat = fn.reshape_weight_to_matrix(weight_orig)
            state_dict[weight_key + "_v"] = fn._solve_v_and_rescale(weight_mat, state_dict[weight_key + "_u"], sigma)


class SpectralNormStateDictHook:
    def __init__(self, fn: SpectralNorm) -> None:
        self.fn = fn

    def __call__(self, module: Module, state_dict: dict, prefix: str, local_metadata: dict) -> None:
        if "spectral_norm" not in local_metadata:
            local_metadata["spectral_norm"] = {}
        key = self.fn.name + ".version"
        if key in local_metadata["spectral_norm"]:
            raise RuntimeError(f"Unexpected key in metadata['spectral_norm']: {key}")
        local_metadata["spectral_norm"][key] = self.fn._version


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1, eps: float = 1e-12,
                  dim: int | None = None) -> Module:
    if dim is None:
        dim = _default_dim(module)
    SpectralNorm.apply(module, name, n_power_iterations, dim, eps)
    return module


def remove_spectral_norm(module: Module, name: str = "weight") -> Module:
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, SpectralNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            break
    else:
        raise ValueError(f"spectral_norm of '{name}' not found in {module}")
    for hooks, kind in ((module._state_dict_hooks, SpectralNormStateDictHook),
                        (module._load_state_dict_pre_hooks, SpectralNormLoadStateDictPreHook)):
        for k, hook in hooks.items():
            hook = getattr(hook, "hook", hook)  # load pre hooks are wrapped
            if isinstance(hook, kind) and hook.fn.name == name:
                del hooks[k]
                break
    return module
