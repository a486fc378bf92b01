"""torch.testing.assert_close with torch's default tolerances per dtype."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype
from ..tensor import Tensor

# torch's defaults: (rtol, atol)
_TOLERANCES = {
    _dtype.float16: (1e-3, 1e-5), _dtype.bfloat16: (1.6e-2, 1e-5), _dtype.float32: (1.3e-6, 1e-5),
    _dtype.float64: (1e-7, 1e-7), _dtype.complex64: (1.3e-6, 1e-5), _dtype.complex128: (1e-7, 1e-7),
}


def _as_np(x: Any) -> np.ndarray:
    if isinstance(x, Tensor):
        return np.asarray(x.detach()._value)
    return np.asarray(x)


def assert_close(actual: Any, expected: Any, *, allow_subclasses: bool = True, rtol: float | None = None,
                 atol: float | None = None, equal_nan: bool = False, check_device: bool = True,
                 check_dtype: bool = True, check_layout: bool = True, check_stride: bool = False,
                 msg: str | None = None) -> None:
    if (rtol is None) != (atol is None):
        raise ValueError("Both 'rtol' and 'atol' must be either specified or omitted, but got no "
                         f"{'rtol' if rtol is None else 'atol'}.")
    if isinstance(actual, (list, tuple)) and isinstance(expected, (list, tuple)):
        if len(actual) != len(expected):
            raise AssertionError(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}")
        for a, e in zip(actual, expected):
            assert_close(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=check_dtype, msg=msg)
        return
    if isinstance(actual, dict) and isinstance(expected, dict):
        if set(actual) != set(expected):
            raise AssertionError(f"The keys of the mappings do not match: {set(actual) ^ set(expected)}")
        for k in actual:
            assert_close(actual[k], expected[k], rtol=rtol, atol=atol, equal_nan=equal_nan,
                         check_dtype=check_dtype, msg=msg)
        return
    if isinstance(actual, Tensor) and isinstance(expected, Tensor):
        if check_dtype and actual.dtype != expected.dtype:
            raise AssertionError(msg or f"The values for attribute 'dtype' do not match: {actual.dtype} != "
                                 f"{expected.dtype}.")
        if tuple(actual.shape) != tuple(expected.shape):
            raise AssertionError(msg or f"The values for attribute 'shape' do not match: {actual.shape} != "
                                 f"{expected.shape}.")
        dt = expected.dtype
    else:
        dt = None
    a, e = _as_np(actual), _as_np(expected)
    if a.shape != e.shape:
        raise AssertionError(msg or f"Shapes do not match: {a.shape} != {e.shape}")
    if rtol is None:
        rtol, atol = _TOLERANCES.get(dt, (0.0, 0.0)) if dt is not None else (1.3e-6, 1e-5)
        if dt is None and a.dtype.kind in "biu" and e.dtype.kind in "biu":
            rtol, atol = 0.0, 0.0
    if a.dtype.kind in "biu" and e.dtype.kind in "biu":
        ok = np.array_equal(a, e)
    else:
        ok = np.allclose(a.astype(np.complex128 if a.dtype.kind == "c" else np.float64),
                         e.astype(np.complex128 if e.dtype.kind == "c" else np.float64),
                         rtol=rtol, atol=atol, equal_nan=equal_nan)
    if not ok:
        diff = np.abs(a.astype(np.float64) - e.astype(np.float64)) if a.dtype.kind not in "c" else np.abs(a - e)
        raise AssertionError(msg or f"Tensor-likes are not close!\n\nMismatched elements: "
                             f"{int(np.sum(~np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan)))} / "
                             f"{a.size}\nGreatest absolute difference: {np.nanmax(diff) if diff.size else 0}\n"
                             f"(rtol={rtol}, atol={atol})")


def assert_allclose(actual: Any, expected: Any, rtol: float | None = None, atol: float | None = None,
                    equal_nan: bool = True, msg: str = "") -> None:
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=False, msg=msg or None)
