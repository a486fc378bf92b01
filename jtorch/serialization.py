"""Pickling of tensors (save/load build on it)."""
from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from . import _dtype


def _rebuild_tensor(array: np.ndarray, dtype_name: str, requires_grad: bool, cls: type) -> Any:
    from .tensor import Tensor
    t = Tensor._make(jnp.asarray(array, dtype=_dtype._dtype_by_name(dtype_name).np))
    if cls is not Tensor:
        t = cls(t, requires_grad) if getattr(cls, "_jtorch_param", False) else t
    elif requires_grad:
        t.requires_grad_(True)
    return t
