"""Activation modules: thin shells over torch.nn.functional.

Modules whose forward is ``F.<fn>(input, **hyper-parameters)`` are generated from their function by
:func:`_activation`; the others (Hardtanh, ReLU6, RReLU, PReLU, the softmax family) are written out.
MultiheadAttention lives in ``attention.py``.
"""
from __future__ import annotations

import inspect
import warnings
from typing import Any, Callable

from ...ops.creation import empty
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

_REQUIRED = inspect.Parameter.empty


def _activation(name: str, fn: Callable, params: tuple = (), show: str | None = "params") -> type:
    """A Module class ``name`` whose constructor takes ``params`` ((name, default) pairs, in order; default
    ``_REQUIRED`` for required ones) and whose forward is ``fn(input, **params)``.

    ``show`` is torch's repr: "params" lists ``name=value`` (``inplace=True`` only when set), "bare" the
    single value alone (Hardshrink(0.5)), None nothing (Hardswish)."""
    sig = inspect.Signature([inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)] +
                            [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=d)
                             for n, d in params])
    names = [n for n, _ in params]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        bound = sig.bind(self, *args, **kwargs)  # Python's TypeError for bad arguments
        bound.apply_defaults()
        Module.__init__(self)
        for n in names:
            setattr(self, n, bound.arguments[n])

    __init__.__signature__ = sig  # type: ignore[attr-defined]

    def forward(self, input: Tensor) -> Tensor:
        return fn(input, **{n: getattr(self, n) for n in names})

    def extra_repr(self) -> str:
        if show == "bare":
            return str(getattr(self, names[0]))
        shown = [f"{n}={getattr(self, n)!r}" for n in names if n != "inplace"]
        if "inplace" in names and self.inplace:
            shown.append("inplace=True")
        return ", ".join(shown)

    ns: dict = {"__init__": __init__, "forward": forward, "__constants__": names, "__module__": __name__,
                "__qualname__": name}
    if show is not None:
        ns["extra_repr"] = extra_repr
    return type(name, (Module,), ns)


_INPLACE = (("inplace", False),)

Threshold = _activation("Threshold", F.threshold, (("threshold", _REQUIRED), ("value", _REQUIRED)) + _INPLACE)
ReLU = _activation("ReLU", F.relu, _INPLACE)
SELU = _activation("SELU", F.selu, _INPLACE)
SiLU = _activation("SiLU", F.silu, _INPLACE)
Mish = _activation("Mish", F.mish, _INPLACE)
Hardsigmoid = _activation("Hardsigmoid", F.hardsigmoid, _INPLACE, show=None)
Hardswish = _activation("Hardswish", F.hardswish, _INPLACE, show=None)
ELU = _activation("ELU", F.elu, (("alpha", 1.0),) + _INPLACE)
CELU = _activation("CELU", F.celu, (("alpha", 1.0),) + _INPLACE)
LeakyReLU = _activation("LeakyReLU", F.leaky_relu, (("negative_slope", 1e-2),) + _INPLACE)
GLU = _activation("GLU", F.glu, (("dim", -1),))
GELU = _activation("GELU", F.gelu, (("approximate", "none"),))
Hardshrink = _activation("Hardshrink", F.hardshrink, (("lambd", 0.5),), show="bare")
Softshrink = _activation("Softshrink", F.softshrink, (("lambd", 0.5),), show="bare")
Softplus = _activation("Softplus", F.softplus, (("beta", 1.0), ("threshold", 20.0)))
Sigmoid = _activation("Sigmoid", F.sigmoid)
Tanh = _activation("Tanh", F.tanh)
LogSigmoid = _activation("LogSigmoid", F.logsigmoid)
Softsign = _activation("Softsign", F.softsign)
Tanhshrink = _activation("Tanhshrink", F.tanhshrink)


class Hardtanh(Module):
    __constants__ = ["min_val", "max_val", "inplace"]

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False,
                 min_value: float | None = None, max_value: float | None = None) -> None:
        super().__init__()
        if min_value is not None:
            warnings.warn("keyword argument `min_value` is deprecated and renamed to `min_val`", FutureWarning,
                          stacklevel=2)
            min_val = min_value
        if max_value is not None:
            warnings.warn("keyword argument `max_value` is deprecated and renamed to `max_val`", FutureWarning,
                          stacklevel=2)
            max_val = max_value
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace
        if self.max_val <= self.min_val:
            raise AssertionError(f"max_val ({self.max_val}) must be greater than min_val ({self.min_val})")

    def forward(self, input: Tensor) -> Tensor:
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}" + (", inplace=True" if self.inplace else "")


class ReLU6(Hardtanh):
    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class RReLU(Module):
    __constants__ = ["lower", "upper", "inplace"]

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, inplace: bool = False) -> None:
        super().__init__()
        self.lower = lower
        self.upper = upper
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}" + (", inplace=True" if self.inplace else "")


class PReLU(Module):
    __constants__ = ["num_parameters"]

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None, dtype: Any = None) -> None:
        self.num_parameters = num_parameters
        super().__init__()
        self.init = init
        self.weight = Parameter(empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.constant_(self.weight, self.init)

    def forward(self, input: Tensor) -> Tensor:
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class _SoftmaxNd(Module):
    """Softmax, Softmin, LogSoftmax: ``_fn(input, dim)`` (dim=None: torch's deprecated implicit choice)."""

    __constants__ = ["dim"]
    _fn: Callable

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        if not hasattr(self, "dim"):
            self.dim = None

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._fn(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_SoftmaxNd):
    _fn = staticmethod(F.softmax)


class Softmin(_SoftmaxNd):
    _fn = staticmethod(F.softmin)


class LogSoftmax(_SoftmaxNd):
    _fn = staticmethod(F.log_softmax)


class Softmax2d(Module):
    def forward(self, input: Tensor) -> Tensor:
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D instead")
        return F.softmax(input, -3, _stacklevel=5)


__all__ = ["Threshold", "ReLU", "RReLU", "Hardtanh", "ReLU6", "Sigmoid", "Hardsigmoid", "Tanh", "SiLU", "Mish",
           "Hardswish", "ELU", "CELU", "SELU", "GLU", "GELU", "Hardshrink", "LeakyReLU", "LogSigmoid", "Softplus",
           "Softshrink", "PReLU", "Softsign", "Tanhshrink", "Softmin", "Softmax", "Softmax2d", "LogSoftmax"]
