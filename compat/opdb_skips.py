"""What the op_db tests skip or expect to fail, and why: data, one reason per entry.

Keys are OpInfo names with their variant (``div.floor_rounding``), optionally followed by ``:mode``
(float32, int64, bool, complex64, grad, errors; for SKIP also method, inplace, out). Shrink these
tables: a fixed op turns its XFAIL into an unexpected pass, which fails until the entry is removed.
"""
from __future__ import annotations

from typing import Any, Callable

import jtorch

# whole OpInfos or modes not run, and why
SKIP: dict[str, str] = {
}

# cases expected to fail (strict: they fail the suite once they pass)
XFAIL: dict[str, str] = {
}

# (rtol, atol) where XLA's and ATen's algorithms differ by more than the mode's default
TOLERANCE: dict[str, tuple] = {
}

# ops whose outputs have data-dependent shapes: checked eagerly only
NO_JIT: dict[str, str] = {
    "equal": "returns a Python bool, which needs concrete values",
    "allclose": "returns a Python bool, which needs concrete values",
    "item": "returns a Python number, which needs a concrete value",
    "nonzero": "the output's shape depends on the values",
    "argwhere": "the output's shape depends on the values",
    "masked_select": "the output's shape depends on the values",
}

# (key, predicate(sample) -> bool, reason): individual samples not run
SAMPLE_SKIPS: list[tuple[str, Callable[[Any], bool], str]] = [
]

# ops whose error messages (not only exception types) must match torch's
CHECK_MESSAGES: set[str] = set()

# jtorch callables for OpInfos that the generic mapping (same name, or op_db's lambda with torch
# replaced by jtorch) cannot express
ADAPTERS: dict[str, Callable] = {
}

# modes where an OpInfo may legitimately yield no usable sample
NO_SAMPLES_OK: dict[str, str] = {
    "__rsub__:errors": "torch's Tensor.__rsub__ returns NotImplemented for its error input (two numbers) instead "
                       "of raising",
    "__rmod__:errors": "torch's Tensor.__rmod__ returns NotImplemented for its error input instead of raising",
    "__rpow__:errors": "torch's Tensor.__rpow__ returns NotImplemented for its error input instead of raising",
}

# public registered ops without a differential test yet (compat/test_coverage.py), and why
UNCOVERED_OK: dict[str, str] = {
}


def sample_skip(key: str, sample: Any) -> str | None:
    """The reason a sample is skipped for ``key`` (an op name, or ``op:errors``), or None."""
    for k, pred, reason in SAMPLE_SKIPS:
        if k == key and pred(sample):
            return reason
    return None


def allows_no_samples(name: str, mode: str) -> bool:
    return f"{name}:{mode}" in NO_SAMPLES_OK or name in NO_SAMPLES_OK


__all__ = ["SKIP", "XFAIL", "TOLERANCE", "NO_JIT", "SAMPLE_SKIPS", "CHECK_MESSAGES", "ADAPTERS",
           "NO_SAMPLES_OK", "UNCOVERED_OK", "sample_skip", "allows_no_samples", "jtorch"]
