"""The backward engine: walk the tape from the outputs in reverse topological order.

Gradients travel as jax arrays, or as Tensors (so the backward is itself recorded) when
``create_graph=True``. Nodes run once all their consumers have delivered gradients; among ready
nodes the most recently created runs first, as in torch.
"""
from __future__ import annotations

import heapq
import warnings
from typing import Any, Sequence

import jax
import jax.numpy as jnp

from .grad_mode import STATE, enable_grad, no_grad
from .graph import AccumulateGrad, Node, tensor_cls

_add = jax.jit(jnp.add)


def _as_tuple(x: Any) -> tuple:
    if x is None:
        return ()
    Tensor = tensor_cls()
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _grads_for(outputs: tuple, grads: Any) -> tuple:
    """One gradient (or None) per output; extra gradients are ignored, as in torch."""
    grads = (None,) * len(outputs) if grads is None else _as_tuple(grads)
    if len(grads) < len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grads)} gradients")
    return grads[:len(outputs)]


_ONES: dict = {}


def _ones(shape: tuple, dtype: Any) -> Any:
    """The implicit gradient of a one-element output, cached (a concrete array, also while tracing)."""
    a = _ONES.get((shape, dtype))
    if a is None:
        with jax.ensure_compile_time_eval():
            a = _ONES[(shape, dtype)] = jnp.ones(shape, dtype)
    return a


def _make_grads(outputs: tuple, grads: tuple, create_graph: bool) -> list:
    Tensor = tensor_cls()
    out = []
    for i, (o, g) in enumerate(zip(outputs, grads)):
        if g is None:
            if o.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not o.dtype.is_floating_point:
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {o.dtype}")
            v = o._value
            out.append(_ones(v.shape, v.dtype) if not create_graph else Tensor._make(_ones(v.shape, v.dtype)))
            continue
        if not isinstance(g, Tensor):
            if isinstance(g, (int, float)):
                g = Tensor._make(jnp.asarray(g, o._value.dtype))
            else:
                raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
        if tuple(g.shape) != tuple(o.shape):
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] has a "
                               f"shape of {o.shape}.")
        if g.dtype.is_complex != o.dtype.is_complex:
            raise RuntimeError(f"For complex Tensors, both grad_output and output are required to have the same "
                               f"dtype. Mismatch in dtype: grad_output[{i}] has a dtype of {g.dtype} and "
                               f"output[{i}] has a dtype of {o.dtype}.")
        if g.dtype != o.dtype:
            g = g.to(o.dtype)
        out.append(g if create_graph else g._value)
    return out


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None,
             create_graph: bool = False, grad_variables: Any = None, inputs: Any = None) -> None:
    """torch.autograd.backward."""
    if grad_variables is not None:
        warnings.warn("`grad_variables` is deprecated. Use `grad_tensors` instead.", FutureWarning, stacklevel=2)
        if grad_tensors is not None:
            raise RuntimeError("`grad_tensors` and `grad_variables` (deprecated) arguments both passed to "
                               "`backward()`. Please only use `grad_tensors`.")
        grad_tensors = grad_variables
    tensors = _as_tuple(tensors)
    grads = _grads_for(tensors, grad_tensors)
    if inputs is not None:
        inputs = tuple(inputs.values()) if type(inputs) is dict else _as_tuple(inputs)
        if not inputs:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    if retain_graph is None:
        retain_graph = create_graph
    _check_outputs(tensors)
    grads_l = _make_grads(tensors, grads, create_graph)
    _execute(tensors, grads_l, retain_graph, create_graph, inputs, accumulate=True)


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, only_inputs: bool = True, allow_unused: bool | None = None,
         is_grads_batched: bool = False, materialize_grads: bool = False) -> tuple | dict:
    """torch.autograd.grad."""
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, but got: "
                         "allow_unused=False.")
    if allow_unused is None:
        allow_unused = materialize_grads
    outputs = _as_tuple(outputs)
    keys = tuple(inputs) if type(inputs) is dict else None  # dict inputs give a dict of gradients
    inputs = tuple(inputs.values()) if keys is not None else _as_tuple(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if not only_inputs:
        warnings.warn("only_inputs argument is deprecated and is ignored now (defaults to True). To accumulate "
                      "gradient for other parts of the graph, please use torch.autograd.backward.", FutureWarning,
                      stacklevel=2)
    grads = _grads_for(outputs, grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    _check_outputs(outputs)
    for t in inputs:
        _ = t._value  # a view of a changed base re-reads its history first
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if is_grads_batched:
        result = _execute_batched(outputs, grads, retain_graph, create_graph, inputs)
    else:
        grads_l = _make_grads(outputs, grads, create_graph)
        result = _execute(outputs, grads_l, retain_graph, create_graph, inputs, accumulate=False)
    Tensor = tensor_cls()
    out = []
    for i, (t, g) in enumerate(zip(inputs, result)):
        if g is None:
            if materialize_grads:
                out.append(Tensor._make(jnp.zeros(t._value.shape, t._value.dtype)))
                continue
            if not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in the "
                                   "graph. Set allow_unused=True if this is the desired behavior.")
            out.append(None)
        else:
            out.append(g if isinstance(g, Tensor) else Tensor._make(g))
    return dict(zip(keys, out)) if keys is not None else tuple(out)


def _execute_batched(outputs: tuple, grads: tuple, retain_graph: bool, create_graph: bool, inputs: tuple) -> list:
    """``is_grads_batched``: one backward per row of the grad_outputs, vectorised by jax.vmap; with
    create_graph (a recorded graph cannot leave vmap) the rows run one after another and are stacked."""
    Tensor = tensor_cls()
    for i, (o, g) in enumerate(zip(outputs, grads)):
        if g is None:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        if not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
        if tuple(g.shape[1:]) != tuple(o.shape) or g.dim() == 0:
            raise RuntimeError(
                "If `is_grads_batched=True`, we interpret the first dimension of each grad_output as the batch "
                "dimension. The sizes of the remaining dimensions are expected to match the shape of corresponding "
                # NOTE: torch's message drops the first two sizes of the grad_output; so does this one
                f"output, but a mismatch was detected: grad_output[{i}] has a shape of {g.shape[2:]} and output[{i}] "
                f"has a shape of {o.shape}. If you only want some tensors in `grad_output` to be considered batched, "
                "consider using vmap.")
    if not create_graph:
        cts = [g._value.astype(o._value.dtype) for o, g in zip(outputs, grads)]
        return jax.vmap(lambda *c: _execute(outputs, list(c), retain_graph, False, inputs, accumulate=False))(*cts)
    rows = [_execute(outputs, _make_grads(outputs, tuple(g[b] for g in grads), True), True, True, inputs, False)
            for b in range(grads[0].shape[0])]
    out: list = []
    for i, t in enumerate(inputs):
        col = [r[i] for r in rows]
        if all(g is None for g in col):
            out.append(None)
            continue
        zero = Tensor._make(jnp.zeros(t._value.shape, t._value.dtype))
        out.append(_stack([zero if g is None else g for g in col]))
    return out


def _stack(tensors: list) -> Any:
    from .._kernel import Kernel, run
    global _STACK
    if _STACK is None:
        _STACK = Kernel("stack", lambda *xs: jnp.stack(xs), saves="none")
    return run(_STACK, list(tensors), [t._value for t in tensors])


_STACK: Any = None


def _check_outputs(outputs: tuple) -> None:
    for i, t in enumerate(outputs):
        _ = t._value
        if not t.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")


def _edge_of(t) -> tuple:
    _ = t._value
    return t._edge()


def _execute(outputs: tuple, grads: list, retain_graph: bool, create_graph: bool, inputs: tuple | None,
             accumulate: bool) -> list:
    roots = [(_edge_of(t), g) for t, g in zip(outputs, grads)]
    # capture points: (node, nr) -> input indices
    captures: dict = {}
    if inputs is not None:
        for i, t in enumerate(inputs):
            e = _edge_of(t)
            if e is None:
                if accumulate:
                    raise RuntimeError("One of the differentiated Tensors does not require grad")
                continue
            captures.setdefault(e, []).append(i)
    capture_nodes = {e[0] for e in captures}

    # discover the graph; post-order gives children before parents
    root_nodes = [e[0] for e, _ in roots]
    order, seen = [], set()
    stack: list = [(n, False) for n in root_nodes]
    while stack:
        n, done = stack.pop()
        if done:
            order.append(n)
            continue
        if n in seen:
            continue
        seen.add(n)
        stack.append((n, True))
        for e in n._edges:
            if e is not None and e[0] not in seen:
                stack.append((e[0], False))

    if inputs is None:
        runs = set(order)
    else:
        leads: dict = {}
        for n in order:  # children first
            leads[n] = any(e is not None and (e[0] in capture_nodes or leads.get(e[0], False)) for e in n._edges)
        runs = {n for n in order if leads[n]}
    active = {n for n in order if n in runs or n in capture_nodes}

    deps: dict = dict.fromkeys(active, 0)
    for n in active:
        if n in runs:
            for e in n._edges:
                if e is not None and e[0] in active:
                    deps[e[0]] += 1

    buffers: dict = {}
    for (node, nr), g in roots:
        if node not in active:
            continue
        buf = buffers.setdefault(node, [None] * len(node._meta))
        buf[nr] = g if buf[nr] is None else _sum(buf[nr], g)

    captured: list = [None] * (len(inputs) if inputs is not None else 0)
    ready = [(-n._seq, id(n), n) for n in active if deps[n] == 0]
    heapq.heapify(ready)
    Tensor = tensor_cls()
    wrap = (lambda g: g) if create_graph else (lambda g: None if g is None else Tensor._make(g))
    unwrap = (lambda g: g) if create_graph else (lambda g: None if g is None else g._value)

    with (enable_grad() if create_graph else no_grad()):
        while ready:
            _, _, node = heapq.heappop(ready)
            buf = buffers.pop(node, None) or [None] * len(node._meta)
            if node._tensor_hooks:
                for nr, hooks in node._tensor_hooks.items():
                    for h in list(hooks.values()):
                        if buf[nr] is not None:
                            r = h(wrap(buf[nr]))
                            if r is not None:
                                buf[nr] = unwrap(r)
            if node._retained:
                for nr, ref in node._retained.items():
                    t = ref()
                    if t is not None and buf[nr] is not None:
                        _store_grad(t, buf[nr], create_graph)
            if node in capture_nodes:
                for nr in range(len(buf)):
                    for i in captures.get((node, nr), ()):
                        g = buf[nr]
                        if accumulate:
                            if g is not None:
                                if isinstance(node, AccumulateGrad):
                                    _accumulate(node.variable, g, create_graph)
                                else:
                                    _store_grad(inputs[i], g, create_graph)  # type: ignore[index]
                        else:
                            captured[i] = g
            if node not in runs:  # (a leaf's AccumulateGrad runs only when backward has no inputs=)
                continue
            node._check_saved()
            if node._pre_hooks:
                for h in list(node._pre_hooks.values()):
                    r = h(tuple(wrap(g) for g in buf))
                    if r is not None:
                        buf = [unwrap(x) for x in r]
            if isinstance(node, AccumulateGrad):
                if accumulate and buf[0] is not None:
                    _accumulate(node.variable, buf[0], create_graph)
                if node._post_hooks:
                    for h in list(node._post_hooks.values()):
                        h((), tuple(wrap(g) for g in buf))
                continue
            in_grads = node.apply(buf, create_graph)
            if node._post_hooks:
                for h in list(node._post_hooks.values()):
                    r = h(tuple(wrap(g) for g in in_grads), tuple(wrap(g) for g in buf))
                    if r is not None:
                        in_grads = [unwrap(x) for x in r]
            if STATE.anomaly and STATE.anomaly_check_nan:
                _check_nan(node, in_grads)
            for e, g in zip(node._edges, in_grads):
                if e is None or e[0] not in active:
                    continue
                child, nr = e
                if g is not None:
                    b = buffers.get(child)
                    if b is None:
                        b = buffers[child] = [None] * len(child._meta)
                    b[nr] = g if b[nr] is None else _sum(b[nr], g)
                deps[child] -= 1
                if deps[child] == 0:
                    heapq.heappush(ready, (-child._seq, id(child), child))
            if not retain_graph:
                node.release()
    return captured


def _sum(a: Any, b: Any) -> Any:
    if isinstance(a, tensor_cls()):
        return a + b
    return _add(a, b)


def _accumulate(leaf, g: Any, create_graph: bool) -> None:
    Tensor = tensor_cls()
    if create_graph:
        warnings.warn("Using backward() with create_graph=True will create a reference cycle between the parameter "
                      "and its gradient which can cause a memory leak. We recommend using autograd.grad when creating "
                      "the graph to avoid this. If you have to use this function, make sure to reset the .grad fields "
                      "of your parameters to None after use to break the cycle and avoid the leak.", UserWarning,
                      stacklevel=4)
    if leaf._leaf_hooks:
        for h in list(leaf._leaf_hooks.values()):
            r = h(g if create_graph else Tensor._make(g))
            if r is not None:
                g = r if create_graph else r._value
    _store_grad(leaf, g, create_graph)
    if leaf._post_acc_hooks:
        for h in list(leaf._post_acc_hooks.values()):
            h(leaf)


def _store_grad(t, g: Any, create_graph: bool) -> None:
    Tensor = tensor_cls()
    if t._grad is None:
        if create_graph:
            t._grad = g
        else:
            t._grad = Tensor._make(g)
    elif create_graph or isinstance(g, Tensor):
        t._grad = t._grad + (g if isinstance(g, Tensor) else Tensor._make(g))
    else:
        cur = t._grad
        cur._v = _add(cur._value, g)  # in place, like torch's grad accumulation
        cur._sv += 1
        cur._bump()


def _check_nan(node: Node, grads: list) -> None:
    for i, g in enumerate(grads):
        if g is None:
            continue
        v = g._value if isinstance(g, tensor_cls()) else g
        if isinstance(v, jax.core.Tracer) or v.dtype == jax.dtypes.float0:
            continue
        if bool(jnp.isnan(v).any()):
            if node._trace:
                warnings.warn("Error detected in " + node.name() + ". Traceback of forward call that caused the "
                              "error:\n" + "".join(node._trace), RuntimeWarning, stacklevel=2)
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")


def call_node(node: Node, grads: Sequence) -> Any:
    """``grad_fn(*grads)``: run one node by hand."""
    Tensor = tensor_cls()
    vals = [None if g is None else g._value for g in grads]
    with no_grad():
        out = node.apply(vals, False)
    res = tuple(None if g is None else Tensor._make(g) for g in out)
    return res[0] if len(res) == 1 else res

