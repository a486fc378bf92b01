"""torch.nn.parameter: Parameter, Buffer and the uninitialized (lazy) variants."""
from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from .. import _dtype
from ..tensor import Tensor

__all__ = ["Parameter", "UninitializedParameter", "is_lazy", "Buffer", "UninitializedBuffer",
           "UninitializedTensorMixin"]


def _empty(device: Any = None, dtype: Any = None) -> Tensor:
    from ..ops.creation import empty
    return empty(0, device=device, dtype=dtype)


class Parameter(Tensor):
    """A Tensor that a Module registers as a parameter.

    NOTE: ``Parameter(t)`` starts from t's value (no copy) but is a new tensor of its own: later in-place
    writes to ``t`` are not seen by the parameter (jax arrays are immutable, jtorch shares values, not
    storages, between independent tensors).
    """

    _jtorch_param = True

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> "Parameter":
        if data is None:
            data = _empty()
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): argument 'data' must be Tensor, not {type(data).__name__}")
        p = object.__new__(cls)
        p._v = data._value
        if requires_grad:
            if not (p.dtype.is_floating_point or p.dtype.is_complex):
                raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
            p._req = True
        return p

    def __deepcopy__(self, memo: dict) -> "Parameter":
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.data.clone(), self.requires_grad)
        memo[id(self)] = result
        return result

    def __repr__(self, *, tensor_contents: Any = None) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, proto: Any) -> tuple:
        # user attributes travel (torch pickles the Python __dict__); jtorch's own tensor state does not
        state = {k: v for k, v in self.__dict__.items() if not (k == "_v" or hasattr(Tensor, k))}
        return (_rebuild_parameter, (np.asarray(self.detach()._value), self.dtype.name, self.requires_grad,
                                     type(self), state or None))


def _rebuild_parameter(array: np.ndarray, dtype_name: str, requires_grad: bool, cls: type,
                       state: dict | None) -> Parameter:
    p = cls(Tensor._make(jnp.asarray(array, dtype=_dtype._dtype_by_name(dtype_name).np)), requires_grad)
    if state:
        p.__dict__.update(state)
    return p


class UninitializedTensorMixin:
    """Shape-less placeholder of a lazy module; ``materialize`` turns it into a real tensor."""

    cls_to_become: type
    dtype: Any
    device: Any
    requires_grad: bool

    def materialize(self, shape: Any, device: Any = None, dtype: Any = None) -> None:
        from ..ops.creation import empty
        device = self.device if device is None else device
        dtype = self.dtype if dtype is None else dtype
        self.data = empty(shape, device=device, dtype=dtype)
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This error usually "
                           "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
                           "initialized one. Call `forward` to initialize the parameters before accessing their "
                           "attributes.")

    def share_memory_(self):
        raise RuntimeError("Can't share memory on an uninitialized parameter or buffer. Call `forward` to "
                           "initialize the parameters before calling `module.share_memory()`.")

    def __repr__(self, *, tensor_contents: Any = None) -> str:
        return f"<{self.__class__.__name__}>"

    def __reduce_ex__(self, proto: Any) -> tuple:
        return (self.__class__, (self.requires_grad,))


def is_lazy(param: Any) -> bool:
    return isinstance(param, UninitializedTensorMixin)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    cls_to_become = Parameter

    def __new__(cls, requires_grad: bool = True, device: Any = None, dtype: Any = None):
        p = Parameter.__new__(cls, _empty(device, dtype), requires_grad)
        return p

    def __deepcopy__(self, memo: dict):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.requires_grad, self.device, self.dtype)
        memo[id(self)] = result
        return result


class _BufferMeta(type):
    # torch.nn.Buffer(t) returns a plain Tensor flagged as a buffer; isinstance looks at the flag
    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False)


def _detached_copy(data: Tensor) -> Tensor:
    t = Tensor._make(data._value)
    if data.requires_grad:
        t.requires_grad_(True)
    return t


class Buffer(metaclass=_BufferMeta):
    """torch.nn.Buffer: marks a tensor to be registered as a module buffer (``persistent`` flag)."""

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True) -> Tensor:  # type: ignore[misc]
        if data is None:
            data = _empty()
        t = _detached_copy(data)
        t.persistent = persistent
        t._is_buffer = True
        return t


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    cls_to_become = Tensor
    persistent: bool
    _is_buffer: bool

    def __new__(cls, requires_grad: bool = False, device: Any = None, dtype: Any = None,
                persistent: bool = True):
        t = object.__new__(cls)
        t._v = _empty(device, dtype)._value
        if requires_grad:
            t.requires_grad_(True)
        t.persistent = persistent
        t._is_buffer = True
        return t
