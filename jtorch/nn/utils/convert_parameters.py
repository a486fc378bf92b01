"""parameters_to_vector and vector_to_parameters."""
from __future__ import annotations

from typing import Iterable

import jax.numpy as jnp

from ..._kernel import Kernel, run
from ...tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]

# differentiable, like torch.cat of views: gradients flow back to each parameter
_FLAT_CAT = Kernel("cat", lambda *vs: jnp.concatenate([v.reshape(-1) for v in vs]), saves="none",
                   node_name="CatBackward0")


def _check_param_device(param: Tensor, old_param_device: int | None) -> int:
    if old_param_device is None:
        return param.get_device() if param.device.type == "cuda" else -1
    warn = param.get_device() != old_param_device if param.device.type == "cuda" else old_param_device != -1
    if warn:
        raise TypeError("Found two parameters on different devices, this is currently not supported.")
    return old_param_device


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    param_device = None
    params = []
    for param in parameters:
        param_device = _check_param_device(param, param_device)
        params.append(param)
    if not params:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    return run(_FLAT_CAT, params, [p._value for p in params])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    if not isinstance(vec, Tensor):
        from ..modules.module import _typename
        raise TypeError(f"expected torch.Tensor, but got: {_typename(vec)}")
    param_device = None
    pointer = 0
    for param in parameters:
        param_device = _check_param_device(param, param_device)
        num_param = param.numel()
        param.data = vec[pointer:pointer + num_param].view_as(param).data
        pointer += num_param
