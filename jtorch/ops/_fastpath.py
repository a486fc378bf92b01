"""Generated fast paths for the registry's public functions.

The general dispatch (``Op._prepare``) walks the signature in a loop. For the common call shape —
tensor operands that share one dtype, Python numbers, Scalars at their default, simple static values,
no ``out=`` — the generated function instead checks each argument inline, looks the kernel up in a
flat per-op cache and runs it. Anything else falls through to the general path, which also fills the
fast cache. This keeps an eager op close to a bare jax.jit call (see benchmarks/eager_ops.py).
"""
from __future__ import annotations

import builtins




from .. import _dtype
from .._kernel import run
from ..tensor import Tensor

_NUM = frozenset({builtins.int, builtins.float, builtins.bool, builtins.complex})
_STATIC_OK = frozenset({builtins.int, builtins.float, builtins.bool, builtins.str, type(None), _dtype.dtype})


def eligible(op) -> bool:
    return (op.pre is None and op.view is None and not op.multi
            and all(p.kind in ("T", "TS", "S", "static") and p.type != "int..." for p in op.params))


def fast_path(op, names: list, defaults: dict, args_tuple: str) -> tuple[str, dict]:
    """Source lines (indented for the wrapper body) and the names they need."""
    if not eligible(op):
        return "", {}
    L = ["    while out is None:  # fast path; `break` falls through to the general dispatch"]
    keys = []
    first_promoting = None
    L.append("        tl = []; vl = []")
    for i, (p, a) in enumerate(zip(op.params, names)):
        if p.kind in ("T", "TS"):
            L.append(f"        if {a}.__class__ is _T or isinstance({a}, _T):")
            L.append(f"            v{i} = {a}._v if {a}._base is None else {a}._value")
            L.append(f"            k{i} = v{i}.dtype")
            if p.promotes:
                if first_promoting is None:
                    first_promoting = i
                else:  # mixed dtypes follow torch's 0-dim rules: general path
                    L.append(f"            if k{i} != k{first_promoting}: break")
            L.append(f"            tl.append({a}); vl.append(v{i})")
            if p.kind == "TS":
                L.append(f"        elif {a}.__class__ in _NUM:")
                L.append(f"            k{i} = {a}.__class__; tl.append(None); vl.append(_sa({a}))")
            L.append("        else: break")
            keys.append(f"k{i}")
        elif p.kind == "S":
            d = f"_d{i}"
            if d in defaults:
                L.append(f"        if {a}.__class__ is {d}.__class__ and {a} == {d}: k{i} = 0")
                L.append(f"        elif {a}.__class__ in _NUM:")
            else:
                L.append(f"        if {a}.__class__ in _NUM:")
            L.append(f"            k{i} = {a}.__class__; tl.append(None); vl.append(_sa({a}))")
            L.append("        else: break")
            keys.append(f"k{i}")
        else:  # static
            L.append(f"        if {a}.__class__ not in _SOK: break")
            keys.append(a)
    keys.append("_D._default_float")
    L.append(f"        key = ({', '.join(keys)},)")
    L.append("        kern = _fc.get(key)")
    L.append("        if kern is None:")
    L.append(f"            kern = _fc[key] = _prep({args_tuple}, None)[0]")
    L.append(f"        return _run(kern, tl, vl, {op.differentiable})")
    ns = {"_T": Tensor, "_NUM": _NUM, "_SOK": _STATIC_OK, "_sa": _scalar_array(), "_D": _dtype,
          "_fc": {}, "_prep": op._prepare, "_run": run}
    return "\n".join(L) + "\n", ns


def _scalar_array():
    from ._registry import scalar_array
    return scalar_array


