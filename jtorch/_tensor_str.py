"""Printing tensors in torch's format (placeholder until the full formatter lands)."""
from __future__ import annotations

import numpy as np


def set_printoptions(**kwargs):
    pass


def tensor_repr(t) -> str:
    import jax
    v = t._value
    if isinstance(v, jax.core.Tracer):
        return f"tensor(<traced {v.aval}>)"
    return "tensor(" + np.array2string(np.asarray(v), separator=", ") + ")"
