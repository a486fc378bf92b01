"""Kernels: pure JAX functions compiled once and applied to Tensors with autograd recording.

Every registry op resolves its static arguments to a :class:`Kernel` (a pure function of a flat tuple
of arrays) and calls :func:`run`. ``run`` is the one place where the tape is written: when grad mode
is on and an input requires grad, the kernel's jitted forward-with-VJP runs instead of the plain
forward, and an :class:`~jtorch.autograd.graph.OpNode` keeps the pullback for backward.
"""
from __future__ import annotations

import re
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from .autograd.grad_mode import STATE
from .autograd.graph import OpNode, _is_inexact, conj_complex, saved_entry
from .tensor import Tensor

_make = Tensor._make


def _camel(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"_+", name) if p)


class Kernel:
    """A pure function ``fn(*vals)`` of arrays (or None), returning an array or a tuple of arrays."""

    __slots__ = ("name", "fn", "jit", "saves", "node_name", "listed", "_vjps", "_bwds", "__weakref__")

    def __init__(self, name: str, fn: Callable, saves: str = "inputs", node_name: str | None = None,
                 listed: tuple | None = None):
        self.name = name
        self.fn = fn
        self.jit = jax.jit(fn)
        # what in-place changes invalidate backward: "inputs", "outputs", "none", or "others" (an input
        # matters only for the other inputs' gradients, as in mul and matmul)
        self.saves = saves
        self.node_name = node_name or _camel(name) + "Backward0"
        # per argument, whether torch lists it in grad_fn.next_functions: 1 a tensor operand (if floating),
        # 2 a Python number operand, 0 not (Scalar options, keys); None: only the differentiated inputs
        self.listed = listed
        self._vjps: dict = {}
        self._bwds: dict = {}

    def vjp(self, mask: tuple) -> Callable:
        """The jitted ``vals -> (out, pullback)`` differentiating only the inputs where mask is True."""
        f = self._vjps.get(mask)
        if f is None:
            f = self._vjps[mask] = jax.jit(_masked_vjp(self.fn, mask))
        return f

    def backward_kernel(self, mask: tuple, single: bool, inexact_outs: tuple) -> "Kernel":
        """A kernel of (vals..., cotangents of inexact outputs...) giving the input gradients, so that
        backward itself can be recorded (create_graph=True)."""
        key = (mask, single, inexact_outs)
        bk = self._bwds.get(key)
        if bk is None:
            n = len(mask)
            fwd = _masked_vjp(self.fn, mask)

            def backward(*args):
                out, pullback = fwd(*args[:n])
                outs = (out,) if single else out
                cts, k = [], n
                for o, inexact in zip(outs, inexact_outs):
                    if inexact:
                        cts.append(args[k])
                        k += 1
                    else:
                        cts.append(np.zeros(o.shape, jax.dtypes.float0))
                return tuple(conj_complex(pullback(conj_complex(cts[0] if single else tuple(cts)))))

            bk = self._bwds[key] = Kernel(self.name + "_backward", backward, "inputs",
                                          self.node_name.replace("Backward0", "BackwardBackward0"))
        return bk


def _masked_vjp(fn: Callable, mask: tuple) -> Callable:
    idx = tuple(i for i, m in enumerate(mask) if m)

    def fwd(*vals):
        def of_diff(*d):
            full = list(vals)
            for i, x in zip(idx, d):
                full[i] = x
            return fn(*full)
        return jax.vjp(of_diff, *[vals[i] for i in idx])
    return fwd


# ------------------------------------------------------------------ Python numbers as cached arrays
_scalar_cache: dict = {}


def scalar_array(s: Any) -> Any:
    """A Python number as a weakly-typed 0-d jax array, cached (passing arrays to jit is cheapest)."""
    key = (s.__class__, s)
    a = _scalar_cache.get(key)
    if a is None:
        with jax.ensure_compile_time_eval():  # NOTE: never cache a tracer when first seen inside a trace
            a = jnp.asarray(s)
        if len(_scalar_cache) > 4096:
            _scalar_cache.clear()
        _scalar_cache[key] = a
    return a


def run(kernel: Kernel, tensors: list, vals: list, record: bool = True) -> Any:
    """Apply ``kernel`` to ``vals``; ``tensors[i]`` is the Tensor behind ``vals[i]`` (or None).
    Returns a Tensor or a tuple of Tensors; records a graph node when an input requires grad."""
    mask = None
    if record and STATE.grad:
        for t in tensors:
            if t is not None and (t._node is not None or t._req):
                mask = tuple(t is not None and (t._node is not None or t._req) for t in tensors)
                break
    try:
        if mask is None:
            out = kernel.jit(*vals)
            if type(out) is tuple:
                return tuple(_make(o) for o in out)
            return _make(out)
        return _run_recorded(kernel, tensors, vals, mask)
    except (TypeError, ValueError) as e:
        if "broadcast" not in str(e):
            raise
        raise RuntimeError(_broadcast_message(tensors, vals) or str(e)) from None


def _broadcast_message(tensors: list, vals: list) -> str | None:
    """torch's message for operands whose shapes do not broadcast."""
    shapes = [tuple(v.shape) for t, v in zip(tensors, vals) if t is not None and hasattr(v, "shape")]
    for i, a in enumerate(shapes):
        for b in shapes[i + 1:]:
            for k in range(1, min(len(a), len(b)) + 1):
                if a[-k] != b[-k] and a[-k] != 1 and b[-k] != 1:
                    return (f"The size of tensor a ({a[-k]}) must match the size of tensor b ({b[-k]}) at "
                            f"non-singleton dimension {max(len(a), len(b)) - k}")
    return None


def _run_recorded(kernel: Kernel, tensors: list, vals: list, mask: tuple) -> Any:
    out, pullback = kernel.vjp(mask)(*vals)
    single = type(out) is not tuple
    outs = (out,) if single else out
    listed = kernel.listed
    if listed is None:
        edges = tuple(t._edge() for t, m in zip(tensors, mask) if m)
    else:
        edges = tuple(t._edge() if m else None for t, v, m, k in zip(tensors, vals, mask, listed)
                      if m or k == 2 or (k == 1 and _is_inexact(v.dtype)))
    meta = tuple((o.shape, o.dtype) for o in outs)
    node = OpNode(kernel, mask, pullback, tuple(vals), edges, meta, single)
    if kernel.saves == "inputs":
        node._saved = tuple(saved_entry(t) for t in tensors if t is not None)
    elif kernel.saves == "others":  # bilinear ops: an input is needed for the other inputs' gradients
        node._saved = tuple(saved_entry(t) for i, t in enumerate(tensors)
                            if t is not None and any(m for j, m in enumerate(mask) if j != i))
    results = []
    for i, o in enumerate(outs):
        t = _make(o)
        if _is_inexact(o.dtype):
            t._node = node
            t._nr = i
        results.append(t)
    if kernel.saves == "outputs":
        node._saved = tuple(saved_entry(t, i) for i, t in enumerate(results))
    return results[0] if single else tuple(results)


def is_tracer(x: Any) -> bool:
    return isinstance(x, jax.core.Tracer)

