"""Graph nodes of the autograd tape.

A node is created by every differentiable call whose inputs require grad. It holds the edges to the
nodes that produced its inputs (``(node, output_nr)``, or ``None`` for inputs that need no grad) and
knows how to turn gradients of its outputs into gradients of its inputs.
"""
from __future__ import annotations

import itertools
import re
import traceback
import weakref
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from .grad_mode import STATE

_seq = itertools.count()

Edge = tuple  # (Node, output_nr)

_FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they "
    "have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph "
    "a second time or if you need to access saved tensors after calling backward.")


_Tensor: Any = None


def tensor_cls() -> Any:
    """jtorch.Tensor (imported lazily: tensor.py imports this module)."""
    global _Tensor
    if _Tensor is None:
        from ..tensor import Tensor
        _Tensor = Tensor
    return _Tensor


class RemovableHandle:
    """Removes a hook from the dict it was added to."""

    _ids = itertools.count()

    def __init__(self, hooks_dict: dict, *extra: dict):
        self.id = next(RemovableHandle._ids)
        self._dicts = (hooks_dict,) + extra

    def remove(self) -> None:
        for d in self._dicts:
            d.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class Node:
    """Base of every graph node (``grad_fn``)."""

    def __init__(self, edges: tuple, meta: tuple):
        self._edges = edges          # one per input in next_functions: (node, nr), or None if it needs no grad
        self._meta = meta            # one (shape, dtype) per output, to materialise missing grads
        self._seq = next(_seq)
        self._pre_hooks: dict | None = None     # node.register_prehook
        self._post_hooks: dict | None = None    # node.register_hook
        self._tensor_hooks: dict | None = None  # output_nr -> {id: hook}, from Tensor.register_hook
        self._retained: dict | None = None      # output_nr -> weakref of a tensor that retains grad
        self._saved: tuple = ()                 # saved_entry() of each saved tensor
        self._freed = False
        self._trace = traceback.format_stack()[:-3] if STATE.anomaly else None
        self.metadata: dict = {}

    # --- torch's public surface
    def name(self) -> str:
        return type(self).__name__

    @property
    def next_functions(self) -> tuple:
        return tuple((e[0], e[1]) if e is not None else (None, 0) for e in self._edges)

    def register_hook(self, fn: Callable) -> RemovableHandle:
        if self._post_hooks is None:
            self._post_hooks = {}
        h = RemovableHandle(self._post_hooks)
        self._post_hooks[h.id] = fn
        return h

    def register_prehook(self, fn: Callable) -> RemovableHandle:
        if self._pre_hooks is None:
            self._pre_hooks = {}
        h = RemovableHandle(self._pre_hooks)
        self._pre_hooks[h.id] = fn
        return h

    def __call__(self, *grads):
        from .engine import call_node
        return call_node(self, grads)

    def __repr__(self) -> str:
        return f"<{self.name().split('::')[-1]} object at {hex(id(self))}>"

    # --- used by the engine
    def _check_saved(self) -> None:
        if self._freed:
            raise RuntimeError(_FREED_MSG)
        for cell, version, ref, nr in self._saved:
            if cell[0] != version:
                raise RuntimeError(version_error(ref(), cell[0], version, self if nr >= 0 else None, nr))

    def apply(self, grads: list, create_graph: bool) -> list:
        """Gradients of the inputs from gradients of the outputs (arrays, or Tensors if create_graph)."""
        raise NotImplementedError(f"{self.name()} has no backward")

    def release(self) -> None:
        """Drop saved values after a backward pass that does not retain the graph."""


def saved_entry(t, nr: int = -1) -> tuple:
    """What a node keeps to detect in-place changes of a saved tensor: (version cell, version at save
    time, weak reference for the error message, output index if ``t`` is the node's own output)."""
    cell = t._vc
    if cell is None:
        cell = t._vc = [0]
    return (cell, cell[0], weakref.ref(t), nr)


def _short_name(name: str) -> str:
    return re.sub(r"Backward\d*$", "", name)


def version_error(t, current: int, expected: int, node: "Node | None" = None, nr: int = 0) -> str:
    """torch's message for a saved tensor modified in place (``node``: the saving node, when ``t`` is
    one of its outputs)."""
    if t is None:
        what = "a saved tensor"
    else:
        from ..ops.creation import legacy_type_name
        try:
            what = f"[{legacy_type_name(t)} {list(t.shape)}]"
        except RuntimeError:
            what = f"[{t.dtype} {list(t.shape)}]"
        if node is None and t._node is not None:
            node, nr = t._node, t._nr
        if node is not None:
            what += f", which is output {nr} of {_short_name(node.name())},"
    return ("one of the variables needed for gradient computation has been modified by an inplace operation: "
            f"{what} is at version {current}; expected version {expected} instead. Hint: enable anomaly detection "
            "to find the operation that failed to compute its gradient, with "
            "torch.autograd.set_detect_anomaly(True, check_nan=False).")


def zeros_for(meta: tuple) -> Any:
    shape, dt = meta
    if not (jnp.issubdtype(dt, jnp.inexact)):
        return np.zeros(shape, jax.dtypes.float0)
    return jnp.zeros(shape, dt)


def conj_complex(tree: Any) -> Any:
    """Conjugate the complex leaves: torch's gradients are the conjugates of JAX's cotangents, so a
    pullback maps torch's ``g`` to ``conj(vjp(conj(g)))`` (real leaves are unchanged)."""
    return jax.tree_util.tree_map(lambda a: jnp.conj(a) if jnp.iscomplexobj(a) else a, tree)


_apply_vjp = jax.jit(lambda vjp, cts: conj_complex(vjp(conj_complex(cts))))


class OpNode(Node):
    """The node of a registry op (or any Kernel): backward is the op's cached jax.vjp."""

    def __init__(self, kernel, mask: tuple, vjp, vals: tuple, edges: tuple, meta: tuple, single: bool):
        super().__init__(edges, meta)
        self._kernel = kernel
        self._mask = mask
        self._vjp = vjp
        self._vals: tuple | None = vals
        self._single = single

    def name(self) -> str:
        return self._kernel.node_name

    def apply(self, grads: list, create_graph: bool) -> list:
        if self._vjp is None:
            raise RuntimeError(_FREED_MSG)
        if create_graph:
            return self._apply_recorded(grads)
        cts = [g if g is not None else zeros_for(m) for g, m in zip(grads, self._meta)]
        if any(c.dtype == jax.dtypes.float0 or not _is_float(c) for c in cts):
            cts = [zeros_for(m) if not jnp.issubdtype(m[1], jnp.inexact) else c for c, m in zip(cts, self._meta)]
        return self._spread(_apply_vjp(self._vjp, cts[0] if self._single else tuple(cts)))

    def _spread(self, grads) -> list:
        """The pullback's gradients (one per differentiated input) placed at their edges; inputs listed
        in next_functions that need no gradient get None, as in torch."""
        if len(grads) == len(self._edges):
            return list(grads)
        it = iter(grads)
        return [None if e is None else next(it) for e in self._edges]

    def _apply_recorded(self, grads: list) -> list:
        # Higher order: the backward is itself a kernel of (inputs..., cotangents...), recorded on the tape.
        from .._kernel import run
        from ..tensor import Tensor
        bk = self._kernel.backward_kernel(self._mask, self._single, tuple(_is_inexact(m[1]) for m in self._meta))
        # an input enters the recorded backward only if its gradients depend on it: never for linear ops
        # ("none"), and for bilinear ops ("others") only when another input is differentiated too
        saves, n_diff = self._kernel.saves, sum(self._mask)
        vals = tuple(jnp.zeros(*v) if type(v) is tuple else v for v in self._vals or ())  # see release()
        ins: list
        if saves == "none" or (saves == "others" and n_diff == 1):
            ins = [None] * len(vals)
        else:
            edges = iter(e for e in self._edges if e is not None)
            ins = [Tensor._from_edge(v, next(edges)) if m else None for v, m in zip(vals, self._mask)]
        cts, ct_tensors = [], []
        for g, m in zip(grads, self._meta):
            if not _is_inexact(m[1]):
                continue
            if g is None:
                g = Tensor._make(zeros_for(m))
            cts.append(g._value)
            ct_tensors.append(g)
        outs = run(bk, ins + ct_tensors, list(vals) + cts)
        return self._spread(outs if isinstance(outs, (tuple, list)) else [outs])

    def release(self) -> None:
        if self._kernel.saves != "none":
            self._vjp = None
            self._vals = None
            self._freed = True
        elif self._vals is not None:
            # a linear op can run again, but its gradient never reads the differentiated inputs: keep only
            # their (shape, dtype), as torch keeps only sizes
            self._vals = tuple((v.shape, v.dtype) if m and type(v) is not tuple else v
                               for v, m in zip(self._vals, self._mask))


def _is_inexact(dt) -> bool:
    return jnp.issubdtype(dt, jnp.inexact)


def _is_float(x) -> bool:
    return jnp.issubdtype(x.dtype, jnp.inexact)


class AccumulateGrad(Node):
    """The node behind a leaf that requires grad: gradients arriving here accumulate into ``.grad``."""

    def __init__(self, variable):
        super().__init__((), ((tuple(variable.shape), variable._value.dtype),))
        self.variable = variable

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"

    def apply(self, grads: list, create_graph: bool) -> list:
        return []
