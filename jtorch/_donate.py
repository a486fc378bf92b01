"""Buffer donation: let XLA write an update into the memory of the array it replaces.

A jax.Array is immutable, so jtorch tensors may share one freely (a detached alias that has not been
re-read, a tensor saved for backward, a raw array the user took with ``.jax()``). Donating a shared
buffer would delete it under its other holders, so an array is donated only when its tensor is its
sole Python holder, which CPython's reference count says exactly. A shared array is copied and the
copy donated, so the set of donated inputs (and with it the compiled program) never depends on who
else happens to hold an array: never a wrong answer, never a recompile, at worst a copy.
"""
from __future__ import annotations

import sys
from typing import Any

import jax
import jax.numpy as jnp


def _refs(t: Any) -> int:
    return sys.getrefcount(t._v)


class _Holder:
    _v: Any


def _sole_count() -> int:
    """The count ``_refs`` reports for an object held by one attribute only (measured, not assumed,
    so a different interpreter that counts stack references differently stays safe)."""
    h = _Holder()
    h._v = object()
    return _refs(h)


_SOLE = _sole_count()


def sole_holder(t: Any) -> bool:
    """Whether ``t._v`` is a concrete array that nothing but ``t`` references (safe to donate)."""
    if _refs(t) != _SOLE:
        return False
    v = t._v
    return isinstance(v, jax.Array) and not isinstance(v, jax.core.Tracer) and not v.is_deleted()


def split(values: list, mask: tuple) -> tuple[list, list]:
    """``values`` as (donated, kept) by a mask of booleans."""
    return [v for v, m in zip(values, mask) if m], [v for v, m in zip(values, mask) if not m]


def merge(donated: list, kept: list, mask: tuple) -> list:
    """The inverse of ``split``."""
    d, k = iter(donated), iter(kept)
    return [next(d) if m else next(k) for m in mask]


def own_value(t: Any, seen: set) -> Any:
    """The array to donate for tensor ``t``: its own when nothing else holds it (and ``t`` was not
    already donated in this call, tracked in ``seen``), else a private copy."""
    first = id(t) not in seen
    seen.add(id(t))
    if first and t._base is None and sole_holder(t):
        return t._v
    return jnp.copy(t._value)
