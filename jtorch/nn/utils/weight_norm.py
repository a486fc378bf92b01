"""Weight normalisation: the ``_weight_norm`` / ``norm_except_dim`` ops and the old hook-based API."""
from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ...ops._registry import op
from ...tensor import _wrap_dim
from ..modules.module import Module
from ..parameter import Parameter, UninitializedParameter

__all__ = ["WeightNorm", "weight_norm", "remove_weight_norm", "norm_except_dim"]


def _norm_except(v: Any, pow: int, dim: int) -> Any:
    """The p-norm of v over every dimension but ``dim`` (kept, size 1); dim=-1: the norm of all of v."""
    a = jnp.abs(v)
    axes = None if dim == -1 else tuple(i for i in range(v.ndim) if i != dim)
    keep = dim != -1
    if pow == 2:
        return jnp.sqrt(jnp.sum(a * a, axis=axes, keepdims=keep))
    return jnp.sum(a ** pow, axis=axes, keepdims=keep) ** (1.0 / pow)


def _dim_pre(v, second, dim=0):
    # torch: -1 means "the whole tensor"; other negative dims wrap
    return v, second, dim if dim == -1 else _wrap_dim(dim, v.dim())


@op("norm_except_dim(Tensor v, int pow=2, int dim=0) -> Tensor", function=False, method=False, out=False,
    pre=_dim_pre)
def norm_except_dim(v, pow, dim):
    return _norm_except(v, pow, dim)


@op("_weight_norm(Tensor v, Tensor g, int dim=0) -> Tensor", function=False, method=False, out=False,
    pre=_dim_pre, node_name="WeightNormInterfaceBackward0")
def _weight_norm(v, g, dim):
    return v * (g / _norm_except(v, 2, dim))


class WeightNorm:
    name: str
    dim: int

    def __init__(self, name: str, dim: int | None) -> None:
        self.name = name
        self.dim = -1 if dim is None else dim

    def compute_weight(self, module: Module) -> Any:
        return _weight_norm(getattr(module, self.name + "_v"), getattr(module, self.name + "_g"), self.dim)

    @staticmethod
    def apply(module: Module, name: str, dim: int | None) -> "WeightNorm":
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two weight_norm hooks on the same parameter {name}")
        fn = WeightNorm(name, dim)
        weight = getattr(module, name)
        if isinstance(weight, UninitializedParameter):
            raise ValueError("The module passed to `WeightNorm` can't have uninitialized parameters. Make sure to "
                             "run the dummy forward before applying weight normalization")
        del module._parameters[name]
        module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, 2, fn.dim).data))
        module.register_parameter(name + "_v", Parameter(weight.data))
        setattr(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module: Module) -> None:
        weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        setattr(module, self.name, Parameter(weight.data))

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    import warnings
    warnings.warn("`torch.nn.utils.weight_norm` is deprecated in favor of "
                  "`torch.nn.utils.parametrizations.weight_norm`.", FutureWarning, stacklevel=2)
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module: Module, name: str = "weight") -> Module:
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, WeightNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")
