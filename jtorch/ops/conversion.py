"""Tensor.to / .type: dtype casts (on the tape) and device moves."""
from __future__ import annotations

import warnings
from typing import Any

import jax
import jax.numpy as jnp

from .. import _device, _dtype
from ..autograd.grad_mode import STATE
from ..autograd.graph import Node
from ..tensor import Tensor
from ._registry import op


@op("_to_copy(Tensor input, ScalarType dtype) -> Tensor", saves="none", function=False, method=False,
    out=False, node_name="ToCopyBackward0")
def _to_copy(x, dtype):
    if jnp.issubdtype(x.dtype, jnp.floating) and dtype.is_integer and dtype.itemsize < 8:
        # torch converts through int64 and keeps the low bits (300.2 -> int8 44); XLA would saturate
        return x.astype(jnp.int64).astype(dtype.np)
    return x.astype(dtype.np)


class ToDeviceBackward(Node):
    """Moves the gradient back to the device the input lived on."""

    def __init__(self, edge: tuple, meta: tuple, src: Any):
        super().__init__((edge,), (meta,))
        self._src = src

    def name(self) -> str:
        return "ToCopyBackward0"

    def apply(self, grads: list, create_graph: bool) -> list:
        g = grads[0]
        if g is None:
            return [None]
        if create_graph:
            return [g.to(_device.from_jax(self._src))]
        return [jax.device_put(g, self._src)]


def _move(t: Tensor, d: _device.device) -> Tensor:
    v = t._value
    if isinstance(v, jax.core.Tracer):
        return t  # placement inside a compiled function follows the inputs
    jd = _device.jax_device(d)
    src = next(iter(v.devices()))
    out = Tensor._make(jax.device_put(v, jd))
    if STATE.grad and t.requires_grad:
        out._node = ToDeviceBackward(t._edge(), (v.shape, v.dtype), src)
    return out


def _parse_to(args: tuple, kwargs: dict) -> tuple:
    device = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    non_blocking = kwargs.pop("non_blocking", False)
    copy = kwargs.pop("copy", False)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() received an invalid combination of arguments - got unexpected keyword "
                        f"{sorted(kwargs)[0]!r}")
    args = list(args)
    if args and isinstance(args[0], Tensor):
        other = args.pop(0)
        device, dtype = other.device, other.dtype
    elif args and isinstance(args[0], _dtype.dtype):
        dtype = args.pop(0)
    elif args and (isinstance(args[0], (str, _device.device, int)) and not isinstance(args[0], bool)):
        device = args.pop(0)
        if args and isinstance(args[0], _dtype.dtype):
            dtype = args.pop(0)
    elif args and args[0] is None:
        args.pop(0)
    if args and isinstance(args[0], bool):
        non_blocking = args.pop(0)
        if args and isinstance(args[0], bool):
            copy = args.pop(0)
    if args:
        raise TypeError(f"to() received an invalid combination of arguments - got "
                        f"({', '.join(type(a).__name__ for a in args)})")
    if device is not None:
        device = _device.device("cuda", device) if isinstance(device, int) else _device.as_device(device)
    if dtype is not None and not isinstance(dtype, _dtype.dtype):
        dtype = {float: _dtype.float64, int: _dtype.int64, bool: _dtype.bool}.get(dtype) or _dtype.from_np(dtype)
    return device, dtype, non_blocking, copy


def to(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    device, dtype, _non_blocking, copy = _parse_to(args, kwargs)
    out = self
    if dtype is not None and dtype != self.dtype:
        if self.dtype.is_complex and not dtype.is_complex:
            warnings.warn("Casting complex values to real discards the imaginary part", UserWarning, stacklevel=3)
        out = _to_copy(self, dtype)
    if device is not None:
        jd = _device.jax_device(device)
        v = out._value
        if not isinstance(v, jax.core.Tracer) and jd not in v.devices():
            out = _move(out, device)
    if out is self and copy:
        out = self.clone()
    return out


def tensor_type(self: Tensor, dtype: Any = None, non_blocking: bool = False, **kwargs: Any):
    from .creation import LEGACY_CLASSES, legacy_type_name
    if dtype is None:
        return legacy_type_name(self)
    if isinstance(dtype, str):
        cuda = dtype.startswith("torch.cuda.")
        cls = LEGACY_CLASSES.get(dtype.split(".")[-1])
        if cls is None:
            raise ValueError(f"invalid type: '{dtype}'")
        out = self.to(cls._dtype)
        return out.cuda() if cuda else out
    if isinstance(dtype, _dtype.dtype):
        return self.to(dtype)
    if hasattr(dtype, "_dtype"):
        out = self.to(dtype._dtype)
        return out.cuda() if dtype._cuda else out
    raise TypeError(f"type(): invalid type {dtype!r}")
