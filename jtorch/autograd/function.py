"""torch.autograd.Function: a user-written forward and backward, recorded as one graph node.

As in torch, the ``ctx`` handed to ``forward``/``setup_context``/``backward`` *is* the graph node
(``y.grad_fn``), an instance of ``<Name>Backward`` generated for each Function subclass. The engine
runs it like any other node: ``apply`` receives the output gradients as arrays (or as Tensors with
``create_graph=True``), calls the user's ``backward`` on Tensors and hands back one gradient per
tensor input.
"""
from __future__ import annotations

import functools
import inspect
import itertools
import warnings
import weakref
from typing import Any, Callable

import jax.numpy as jnp

from .grad_mode import STATE, no_grad
from .graph import _FREED_MSG, Node, tensor_cls, version_error

_function_ids = itertools.count()


class FunctionCtx:
    """What ``forward``/``setup_context`` may call on ``ctx``."""

    def save_for_backward(self, *tensors: Any) -> None:
        Tensor = tensor_cls()
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save variables, but argument {i} is of type "
                                f"{type(t).__name__}")
        self.to_save = tensors

    def save_for_forward(self, *tensors: Any) -> None:
        Tensor = tensor_cls()
        for t in tensors:
            if not (isinstance(t, Tensor) or t is None):
                raise AssertionError("save_for_forward expects all arguments to be tensors; you should save "
                                     "non-tensors as attributes on ctx.")
        self.saved_for_forward = tensors

    def mark_dirty(self, *args: Any) -> None:
        self.dirty_tensors = args

    def mark_non_differentiable(self, *args: Any) -> None:
        self.non_differentiable = args

    def set_materialize_grads(self, value: bool) -> None:
        self._materialize = bool(value)


class BackwardCFunction(Node, FunctionCtx):
    """The graph node (and ``ctx``) of one ``Function.apply`` call."""

    _forward_cls: Any = None
    _materialize = True

    def __init__(self) -> None:
        Node.__init__(self, (), ())
        self._saved_data: tuple | None = ()   # see _save
        self._input_meta: tuple = ()

    def name(self) -> str:
        return type(self).__name__

    def __call__(self, *args: Any) -> Any:
        raise TypeError(f"'{self.name()}' object is not callable")  # as torch's Function nodes

    def __repr__(self) -> str:
        return f"<{self.name()} object at {hex(id(self))}>"

    @property
    def saved_tensors(self) -> tuple:
        if self._saved_data is None:
            raise RuntimeError(_FREED_MSG)
        Tensor = tensor_cls()
        out: list = []
        for entry in self._saved_data:
            if entry is None:
                out.append(None)
                continue
            tensor, ref, value, edge, nr, cell, version = entry
            if cell[0] != version:
                raise RuntimeError(version_error(tensor if tensor is not None else ref(), cell[0], version,
                                                 self if tensor is None and edge is not None else None, nr))
            out.append(tensor if tensor is not None else Tensor._from_edge(value, edge))
        return tuple(out)

    def _save(self, outputs: tuple) -> None:
        """Turn ``ctx.to_save`` into entries checked on unpacking. Outputs are kept as values plus
        their edge (no reference cycle through the node); anything else is kept as the tensor."""
        to_save = self.__dict__.pop("to_save", ())
        entries: list = []
        for t in to_save:
            if t is None:
                entries.append(None)
                continue
            cell = t._version_cell()
            nr = next((i for i, o in enumerate(outputs) if o is t), -1)
            if nr < 0:
                entries.append((t, None, None, None, -1, cell, cell[0]))
            else:
                edge = (self, nr) if t._node is self else None
                entries.append((None, weakref.ref(t), t._value, edge, nr, cell, cell[0]))
        self._saved_data = tuple(entries)

    def apply(self, grads: list, create_graph: bool) -> list:
        if self._freed:
            raise RuntimeError(_FREED_MSG)
        Tensor = tensor_cls()
        gs = []
        for g, m in zip(grads, self._meta):
            if m is not None and g is None and self._materialize:
                g = jnp.zeros(m[0], m[1])
            gs.append(g if g is None or isinstance(g, Tensor) else Tensor._make(g))
        result = _user_backward(self._forward_cls)(self, *gs)
        return self._check_grads(result if isinstance(result, tuple) else (result,), create_graph)

    def _check_grads(self, result: tuple, create_graph: bool) -> list:
        """torch's validate_outputs: count, types, shapes (summed to the input's when expandable), dtypes."""
        Tensor = tensor_cls()
        n = len(self._input_meta)
        if len(result) != n and not (len(result) > n and all(g is None for g in result[n:])):
            raise RuntimeError(f"function {self.name()} returned an incorrect number of gradients (expected {n}, "
                               f"got {len(result)})")
        out = []
        for i, (g, meta) in enumerate(zip(result, self._input_meta)):
            if g is not None and not isinstance(g, Tensor):
                raise RuntimeError(f"expected Variable or None (got {type(g).__name__})")
            if meta is None:
                if g is not None:
                    raise RuntimeError(f"function {self.name()} returned a gradient different than None at position "
                                       f"{i + 1}, but the corresponding forward input was not a Variable")
                continue
            if g is not None:
                g = _conform(self, i, g, meta)
            out.append(g if create_graph or g is None else g._value)
        return [g if e is not None else None for g, e in zip(out, self._edges)]

    def release(self) -> None:
        self._freed = True
        if self._saved_data:
            self._saved_data = None


def _conform(node: Node, i: int, g: Any, meta: tuple) -> Any:
    shape, dtype = meta
    if tuple(g.shape) != shape:
        gshape = tuple(g.shape)
        lead = len(gshape) - len(shape)
        if lead < 0 or any(s != d and s != 1 for s, d in zip(shape, gshape[lead:])):
            raise RuntimeError(f"Function {node.name()} returned an invalid gradient at index {i} - got "
                               f"{list(gshape)} but expected shape compatible with {list(shape)}")
        dims = list(range(lead)) + [lead + k for k, s in enumerate(shape) if s == 1 and gshape[lead + k] != 1]
        g = g.sum(dims, keepdim=True).reshape(shape)
    if g._value.dtype != dtype:
        g = g.to(_dtype_of(dtype))
    return g


def _dtype_of(np_dtype: Any) -> Any:
    from .. import _dtype
    return _dtype._BY_NP[np_dtype]


def _user_backward(cls: Any) -> Callable:
    backward_fn, vjp_fn = cls.backward, cls.vjp
    if backward_fn is not Function.backward and vjp_fn is not Function.vjp:
        raise RuntimeError("Implementing both 'backward' and 'vjp' for a custom Function is not allowed. You should "
                           "only implement one of them.")
    return vjp_fn if vjp_fn is not Function.vjp else backward_fn


class FunctionMeta(type):
    """Gives every Function subclass its node class ``<Name>Backward``."""

    def __init__(cls, name: str, bases: tuple, attrs: dict) -> None:
        backward_cls = type(name + "Backward", (BackwardCFunction,), {"_forward_cls": cls})
        backward_cls._autograd_function_id = next(_function_ids)  # type: ignore[attr-defined]
        cls._backward_cls = backward_cls
        super().__init__(name, bases, attrs)


class Function(FunctionCtx, metaclass=FunctionMeta):
    """Base class of custom autograd functions; see torch.autograd.Function."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn(f"{self.__class__} should not be instantiated. Methods on autograd functions are all static, "
                      "so you should invoke them on the class itself. Instantiating an autograd function will raise "
                      "an error in a future version of PyTorch.", DeprecationWarning, stacklevel=2)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. Please use "
                           "new-style autograd function with static forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple, output: Any) -> Any:
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx: Any, *grad_inputs: Any) -> Any:
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use it with "
                                  "forward mode AD.")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        has_setup = cls.setup_context is not Function.setup_context
        if has_setup:
            bound = inspect.signature(cls.forward).bind(*args, **kwargs)
            bound.apply_defaults()
            args, kwargs = bound.args, bound.kwargs
        Tensor = tensor_cls()
        ctx = cls._backward_cls()
        needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        ctx.needs_input_grad = needs
        ctx._input_meta = tuple((tuple(a.shape), a._value.dtype) if isinstance(a, Tensor) else None
                                     for a in args)
        executable = STATE.grad and any(needs)
        # the edges are taken before forward: a dirty input gets this node as its new history
        edges = tuple(a._edge() if n else None for a, n in zip(args, needs) if isinstance(a, Tensor))
        with no_grad():
            if has_setup:
                outputs = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, outputs)
            else:
                outputs = cls.forward(ctx, *args, **kwargs)
        return _wrap_outputs(ctx, args, outputs, edges, executable)


def _wrap_outputs(ctx: BackwardCFunction, args: tuple, outputs: Any, edges: tuple, executable: bool) -> Any:
    Tensor = tensor_cls()
    single = not isinstance(outputs, tuple)
    outs = (outputs,) if single else outputs
    dirty = {id(t) for t in ctx.__dict__.pop("dirty_tensors", ())}
    nondiff = {id(t) for t in ctx.__dict__.pop("non_differentiable", ())}
    inputs = {id(a) for a in args if isinstance(a, Tensor)}
    if executable:
        ctx._edges = edges
        ctx._meta = tuple((tuple(o.shape), o._value.dtype) if isinstance(o, Tensor) else None for o in outs)
    results = []
    for i, o in enumerate(outs):
        if not isinstance(o, Tensor):
            results.append(o)
            continue
        if id(o) in inputs and id(o) not in dirty:
            o = o.view_as(o)  # an input returned unchanged comes back as a view of it, as in torch
        differentiable = executable and id(o) not in nondiff and jnp.issubdtype(o._value.dtype, jnp.inexact)
        if id(o) in dirty:
            _mark_modified(o, ctx, i if differentiable else None)
        elif differentiable:
            o._node, o._nr = ctx, i
        results.append(o)
    if executable:
        ctx._save(tuple(results))
    else:
        ctx.__dict__.pop("to_save", None)
    return results[0] if single else tuple(results)


def _mark_modified(t: Any, ctx: BackwardCFunction, nr: int | None) -> None:
    """An input that forward changed in place: like an in-place op, it now comes from this node."""
    if nr is None:  # no history to record; forward's in-place op already counted as a write
        return
    if t._base is None and t._node is None and t._req:
        raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
    if t._base is not None and t._base._node is None and t._base._req:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    new = type(t)._make(t._value)
    new._node, new._nr = ctx, nr
    t._commit(new)


def once_differentiable(fn: Callable) -> Callable:
    """A backward that is not itself differentiable: differentiating its result raises."""
    @functools.wraps(fn)
    def wrapper(ctx: Any, *args: Any) -> Any:
        with no_grad():
            outputs = fn(ctx, *args)
        if not STATE.grad:
            return outputs
        Tensor = tensor_cls()
        if not any(isinstance(a, Tensor) and a.requires_grad for a in args):
            return outputs
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        err = DelayedError("trying to differentiate twice a function that was marked with @once_differentiable",
                           len(outs))
        wrapped = []
        for i, o in enumerate(outs):
            if isinstance(o, Tensor):
                o = Tensor._make(o._value)
                o._node, o._nr = err, i
            wrapped.append(o)
        return wrapped[0] if single else tuple(wrapped)
    return wrapper


class DelayedError(Node):
    """A node whose backward raises (results of @once_differentiable backwards)."""

    def __init__(self, msg: str, num_outputs: int) -> None:
        super().__init__((), (None,) * num_outputs)
        self.msg = msg

    def name(self) -> str:
        return "torch::autograd::Error"

    def apply(self, grads: list, create_graph: bool) -> list:
        raise RuntimeError(self.msg)


class InplaceFunction(Function):
    """Kept for backward compatibility, as in torch."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace
