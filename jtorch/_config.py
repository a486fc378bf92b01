"""torch-level configuration and predicates that are not tensor ops."""
from __future__ import annotations

import builtins
from typing import Any

from . import _dtype
from ._dtype import set_default_dtype  # noqa: F401
from .tensor import Tensor

__all__ = ["set_default_dtype", "is_floating_point", "is_complex", "is_nonzero", "numel", "is_storage",
           "get_num_threads", "set_num_threads", "get_num_interop_threads", "set_num_interop_threads",
           "set_flush_denormal", "set_printoptions", "result_type", "use_deterministic_algorithms",
           "are_deterministic_algorithms_enabled", "typename", "is_grad_enabled", "set_float32_matmul_precision",
           "get_float32_matmul_precision"]


def is_floating_point(input: Tensor) -> bool:
    return input.dtype.is_floating_point


def is_complex(input: Tensor) -> bool:
    return input.dtype.is_complex


def is_nonzero(input: Tensor) -> bool:
    if input.numel() != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return builtins.bool(input)


def numel(input: Tensor) -> int:
    return input.numel()


def is_storage(obj: Any) -> bool:
    return False


_threads = {"intra": 1, "inter": 1}


def get_num_threads() -> int:
    import os
    return _threads.get("set") or os.cpu_count() or 1


def set_num_threads(n: int) -> None:
    """Recorded for get_num_threads; XLA sizes its own CPU thread pool."""
    if n <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _threads["set"] = n


def get_num_interop_threads() -> int:
    return _threads["inter"]


def set_num_interop_threads(n: int) -> None:
    _threads["inter"] = n


def set_flush_denormal(mode: bool) -> bool:
    """XLA's CPU backend flushes denormals itself; report that it is supported."""
    return True


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None,
                     sci_mode=None) -> None:
    from ._tensor_str import set_printoptions as _set
    _set(precision=precision, threshold=threshold, edgeitems=edgeitems, linewidth=linewidth, profile=profile,
         sci_mode=sci_mode)


def result_type(tensor1: Any, tensor2: Any) -> _dtype.dtype:
    dims, zeros, scalars = [], [], []
    for t in (tensor1, tensor2):
        if isinstance(t, Tensor):
            (dims if t.dim() else zeros).append(t.dtype)
        else:
            scalars.append(t)
    return _dtype.result_type_of(dims, zeros, scalars)


_deterministic = {"on": False}


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """XLA programs are deterministic on CPU; the flag is recorded for are_deterministic_algorithms_enabled."""
    _deterministic["on"] = builtins.bool(mode)


def are_deterministic_algorithms_enabled() -> bool:
    return _deterministic["on"]


def typename(obj: Any) -> str:
    if isinstance(obj, Tensor):
        return obj.type()
    return type(obj).__module__ + "." + type(obj).__qualname__


from .autograd.grad_mode import is_grad_enabled  # noqa: E402


# torch's float32 matmul precision -> jax's: 'highest' is full float32 (torch's default), 'high' allows
# TensorFloat32 on GPUs, 'medium' bfloat16 passes.
_MATMUL = {"highest": "float32", "high": "tensorfloat32", "medium": "bfloat16"}
_matmul_precision = {"value": "highest"}


def set_float32_matmul_precision(precision: str) -> None:
    import jax
    if precision not in _MATMUL:
        raise RuntimeError(f"Invalid value for float32 matmul precision: {precision}. Expected one of "
                           "'highest', 'high', 'medium'")
    _matmul_precision["value"] = precision
    jax.config.update("jax_default_matmul_precision", _MATMUL[precision])


def get_float32_matmul_precision() -> str:
    return _matmul_precision["value"]
