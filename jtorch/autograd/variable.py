"""torch.autograd.Variable: the pre-0.4 wrapper, now just a Tensor."""
from __future__ import annotations

import warnings
from typing import Any


class _VariableMeta(type):
    def __instancecheck__(cls, other: Any) -> bool:
        from ..tensor import Tensor
        return isinstance(other, Tensor)


class Variable(metaclass=_VariableMeta):
    """``Variable(t, requires_grad=False)`` returns a tensor sharing ``t``'s data, as in torch."""

    def __new__(cls, data: Any, requires_grad: bool = False, volatile: bool = False) -> Any:
        from ..tensor import Tensor
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                          UserWarning, stacklevel=2)
        out = data.detach()  # type: ignore[attr-defined]  # a registry method
        if requires_grad:
            out.requires_grad_(True)
        return out
