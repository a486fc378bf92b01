"""torch.testing.make_tensor."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _dtype
from ..tensor import Tensor


def make_tensor(*shape: Any, dtype: _dtype.dtype, device: Any = None, low: float | None = None,
                high: float | None = None, requires_grad: bool = False, noncontiguous: bool = False,
                exclude_zero: bool = False, memory_format: Any = None, seed: int | None = None) -> Tensor:
    """Random values in [low, high) (torch's defaults: [-9, 9) for numbers, 0/1 for bool)."""
    from ..ops.creation import tensor
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    rng = np.random.default_rng(seed)
    size = math.prod(shape)
    if dtype is _dtype.bool:
        arr = rng.integers(0, 2, size).astype(bool)
    elif dtype.is_integer:
        lo = -9 if low is None else int(math.ceil(low))
        hi = 10 if high is None else int(high)
        if dtype is _dtype.uint8:
            lo = max(lo, 0)
        arr = rng.integers(lo, hi, size)
    else:
        lo = -9.0 if low is None else low
        hi = 9.0 if high is None else high
        arr = rng.uniform(lo, hi, size)
        if dtype.is_complex:
            arr = arr + 1j * rng.uniform(lo, hi, size)
    if exclude_zero:
        arr = np.where(arr == 0, 1 if dtype.is_integer or dtype is _dtype.bool else np.finfo(np.float32).eps, arr)
    t = tensor(arr.reshape(shape), dtype=dtype, device=device)
    if noncontiguous and t.numel() > 1:
        from ..ops.views import unsqueeze
        doubled = tensor(np.repeat(np.asarray(t._value)[..., None], 2, axis=-1), dtype=dtype, device=device)
        t = doubled[..., 0]
        _ = unsqueeze
    if requires_grad:
        t.requires_grad_(True)
    return t
