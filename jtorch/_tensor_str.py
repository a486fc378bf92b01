"""Printing tensors in torch's format (torch/_tensor_str.py, on numpy values).

The rules are torch's: ``_Formatter`` picks integer, fixed or scientific notation from the largest
and smallest nonzero finite magnitudes; rows wrap at ``linewidth``; tensors above ``threshold``
elements show ``edgeitems`` per side around ``...``; suffixes name what the reader cannot infer
(non-default dtype, device, grad_fn, requires_grad). Values are formatted by Python's own float
formatting, as in torch, so the strings are identical.

jtorch only: a tensor traced by jax.jit has no values; it prints as
``tensor(<traced>, size=(2, 3), dtype=torch.float32)``.
"""
from __future__ import annotations

import contextlib
import dataclasses
import math
from typing import Any

import jax
import numpy as np

from . import _dtype


@dataclasses.dataclass
class _PrinterOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrinterOptions()

_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, math.inf, 3, 80)}


def set_printoptions(precision: int | None = None, threshold: float | None = None, edgeitems: int | None = None,
                     linewidth: int | None = None, profile: str | None = None, sci_mode: bool | None = None) -> None:
    if profile is not None:
        if profile not in _PROFILES:  # torch ignores unknown profiles silently; jtorch says so
            raise ValueError(f"set_printoptions(): profile must be one of {sorted(_PROFILES)}, got {profile!r}")
        (PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems,
         PRINT_OPTS.linewidth) = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs: Any):
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


# ------------------------------------------------------------------ element formatting
class _Formatter:
    """torch's _Formatter: one format and width for every element of a (real) array."""

    def __init__(self, a: np.ndarray):
        self.floating_dtype = a.dtype.kind == "f" or _is_ml_float(a.dtype)
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = a.reshape(-1)
        if not self.floating_dtype:
            for value in flat.tolist():
                self.max_width = max(self.max_width, len(f"{value}"))
            return
        v = flat.astype(np.float64)
        vals = v[np.isfinite(v) & (v != 0)]
        if vals.size == 0:
            return
        mags = np.abs(vals)
        big, small = float(mags.max()), float(mags.min())
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        opts = PRINT_OPTS
        self.sci_mode = (big / small > 1000.0 or big > 1.0e8 or small < 1.0e-4) if opts.sci_mode is None \
            else opts.sci_mode
        values = vals.tolist()
        if self.sci_mode:
            fmt = f"{{:.{opts.precision}e}}"
            self.max_width = max(len(fmt.format(x)) for x in values)
        elif self.int_mode:
            # an integer-valued float prints with a trailing "." (not counted in the strings here)
            self.max_width = max(len(f"{x:.0f}") + 1 for x in values)
        else:
            fmt = f"{{:.{opts.precision}f}}"
            self.max_width = max(len(fmt.format(x)) for x in values)

    def width(self) -> int:
        return self.max_width

    def format(self, value: Any) -> str:
        if self.floating_dtype:
            if self.sci_mode:
                ret = f"{{:{self.max_width}.{PRINT_OPTS.precision}e}}".format(value)
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{{:.{PRINT_OPTS.precision}f}}".format(value)
        else:
            ret = f"{value}"
        return (self.max_width - len(ret)) * " " + ret


def _is_ml_float(d: np.dtype) -> bool:
    return d.kind == "V" or d.name in ("bfloat16", "float8_e4m3fn", "float8_e5m2")


def _py(a: np.ndarray) -> Any:
    """Python numbers, as torch's ``tolist()``/``item()`` give them to the formatter."""
    if _is_ml_float(a.dtype):
        a = a.astype(np.float64)
    return a.tolist()


def _val_str(val: Any, f1: _Formatter, f2: _Formatter | None) -> str:
    if f2 is None:
        return f1.format(val)
    real_str = f1.format(val.real)
    imag_str = (f2.format(val.imag) + "j").lstrip()
    # negative numbers, +0.0 and -0.0 bring their own sign
    return real_str + imag_str if imag_str[0] in "+-" else real_str + "+" + imag_str


def _vector_str(a: np.ndarray, indent: int, summarize: bool, f1: _Formatter, f2: _Formatter | None) -> str:
    element_length = f1.width() + 2  # with the ", " between elements
    if f2 is not None:
        element_length += f2.width() + 1  # and the "j"
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))
    e = PRINT_OPTS.edgeitems
    if summarize and not e:
        data = ["..."]
    elif summarize and a.shape[0] > 2 * e:
        data = ([_val_str(v, f1, f2) for v in _py(a[:e])] + [" ..."] +
                [_val_str(v, f1, f2) for v in _py(a[-e:])])
    else:
        data = [_val_str(v, f1, f2) for v in _py(a)]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _array_str(a: np.ndarray, indent: int, summarize: bool, f1: _Formatter, f2: _Formatter | None) -> str:
    if a.ndim == 0:
        return _val_str(_py(a), f1, f2)
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, f1, f2)
    e = PRINT_OPTS.edgeitems
    n = a.shape[0]
    if summarize and n > 2 * e:
        slices = ([_array_str(a[i], indent + 1, summarize, f1, f2) for i in range(e)] + ["..."] +
                  [_array_str(a[i], indent + 1, summarize, f1, f2) for i in range(n - e, n)])
    else:
        slices = [_array_str(a[i], indent + 1, summarize, f1, f2) for i in range(n)]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _summarized(a: np.ndarray) -> np.ndarray:
    """The elements a summarized print shows (what the formatter is fitted to)."""
    e = PRINT_OPTS.edgeitems
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        return np.concatenate((a[:e], a[-e:])) if a.shape[0] > 2 * e else a
    if not e:
        return a[(slice(0, 0),) * a.ndim]
    rows = [a[i] for i in range(e)] + [a[i] for i in range(len(a) - e, len(a))] if a.shape[0] > 2 * e else list(a)
    return np.stack([_summarized(x) for x in rows])


def _values_str(a: np.ndarray, indent: int) -> str:
    if a.size == 0:
        return "[]"
    summarize = a.size > PRINT_OPTS.threshold
    pick = _summarized if summarize else (lambda x: x)
    if a.dtype.kind == "c":
        return _array_str(a, indent, summarize, _Formatter(pick(a.real)), _Formatter(pick(a.imag)))
    return _array_str(a, indent, summarize, _Formatter(pick(a)), None)


# ------------------------------------------------------------------ the repr
def _add_suffixes(tensor_str: str, suffixes: list, indent: int) -> str:
    parts = [tensor_str]
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def _grad_suffix(t: Any) -> list:
    node = t.grad_fn
    if node is not None:
        return [f"grad_fn=<{node.name().rsplit('::', 1)[-1]}>"]
    return ["requires_grad=True"] if t.requires_grad else []


def tensor_repr(t: Any) -> str:
    from .tensor import Tensor
    cls = type(t)
    is_param = bool(getattr(cls, "_jtorch_param", False))
    plain = cls is Tensor or (is_param and "_jtorch_param" in cls.__dict__)
    prefix = "tensor(" if plain else f"{cls.__name__}("
    indent = len(prefix)
    v = t._value
    d = t.dtype
    suffixes = []
    if isinstance(v, jax.core.Tracer):
        out = _add_suffixes(prefix + "<traced>", [f"size={tuple(v.shape)}", f"dtype={d}"] + _grad_suffix(t), indent)
        return f"Parameter({out})" if is_param and not plain else out
    device = t.device
    if device.type != "cpu":
        suffixes.append(f"device='{device}'")
    default = _dtype.get_default_dtype()
    if t.numel() == 0:
        if t.dim() != 1:
            suffixes.append(f"size={tuple(t.shape)}")
        if d is not default:  # nothing in an empty tensor tells its dtype
            suffixes.append(f"dtype={d}")
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(t.shape)}")
        if d not in (default, _dtype.default_complex(), _dtype.int64, _dtype.bool):
            suffixes.append(f"dtype={d}")
        body = _values_str(np.asarray(v), indent)
    out = _add_suffixes(prefix + body, suffixes + _grad_suffix(t), indent)
    return f"Parameter({out})" if is_param and not plain else out
