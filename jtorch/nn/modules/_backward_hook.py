"""Full module backward hooks (torch.utils.hooks.BackwardHook) on the jtorch tape.

As in torch, the module's tensor inputs and its tensor outputs are each passed through an identity
node (``BackwardHookFunctionBackward``). A post hook on the output node sees the gradients w.r.t. the
outputs (running the backward pre hooks, which may replace them); a post hook on the input node sees
the gradients w.r.t. the inputs and runs the full backward hooks, which may replace those.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable

import jax.numpy as jnp

from ...autograd.grad_mode import STATE
from ...autograd.graph import Node
from ...tensor import Tensor


class BackwardHookFunctionBackward(Node):
    """Identity over several tensors. Like a custom autograd Function, it materialises missing output
    gradients as zeros; its hooks see the raw (possibly None) gradients."""

    def apply(self, grads: list, create_graph: bool) -> list:
        out = []
        for g, (shape, dt) in zip(grads, self._meta):
            if g is None:
                g = jnp.zeros(shape, dt)
                if create_graph:
                    g = Tensor._make(g)
            out.append(g)
        return out


def _identity(tensors: list) -> tuple[list, Node]:
    """The tensors passed through one identity node; those that do not require grad come back as they are."""
    vals = [t._value for t in tensors]  # a view of a changed base re-reads (and regains its grad_fn) first
    edges = tuple(t._edge() if t.requires_grad else None for t in tensors)
    node = BackwardHookFunctionBackward(edges, tuple((v.shape, v.dtype) for v in vals))
    outs = []
    for i, t in enumerate(tensors):
        if t.requires_grad:
            o = Tensor._make(vals[i])
            o._node, o._nr = node, i
            outs.append(o)
        else:
            outs.append(t)
    return outs, node


class BackwardHook:
    def __init__(self, module: Any, user_hooks: list, user_pre_hooks: list):
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.module = module
        self.grad_outputs: tuple | None = None
        self.n_outputs = -1
        self.output_tensors_index: Any = None  # positions of the tensors among the outputs (None: no grad)
        self.n_inputs = -1
        self.input_tensors_index: Any = None

    @staticmethod
    def _pack_with_none(indices: list, values: Any, size: int) -> tuple:
        res: list = [None] * size
        for idx, val in zip(indices, values):
            res[idx] = val
        return tuple(res)

    @staticmethod
    def _unpack_none(indices: list, values: Any) -> tuple:
        return tuple(values[idx] for idx in indices)

    def _set_user_hook(self, grad_fn: Node) -> None:
        def hook(grad_input: tuple, _: tuple) -> Any:
            if self.grad_outputs is None:
                return None  # the outputs' node did not run: this input gradient is not from this module call
            res = self._pack_with_none(self.input_tensors_index, grad_input, self.n_inputs)
            for user_hook in self.user_hooks:
                out = user_hook(self.module, res, self.grad_outputs)
                if out is None:
                    continue
                if len(out) != len(res):
                    raise RuntimeError(f"Backward hook returned an invalid number of grad_input, got {len(out)}, but "
                                       f"expected {len(res)}")
                res = out
            self.grad_outputs = None
            return self._unpack_none(self.input_tensors_index, res)
        grad_fn.register_hook(hook)

    def _apply_on_tensors(self, fn: Callable, args: tuple) -> tuple:
        tensors_idx = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        tensors = [args[i] for i in tensors_idx]
        if not (any(t.requires_grad for t in tensors) and STATE.grad):
            return args, None
        new_tensors, node = _identity(tensors)
        fn(node)
        arg_list = list(args)
        for idx, val in zip(tensors_idx, new_tensors):
            arg_list[idx] = val
        out = tuple(arg_list) if type(args) is tuple else type(args)(*arg_list)
        return out, tensors_idx

    def setup_input_hook(self, args: tuple) -> tuple:
        res, input_idx = self._apply_on_tensors(self._set_user_hook, args)
        self.n_inputs = len(args)
        self.input_tensors_index = input_idx
        return res

    def _output_hook(self, _: tuple, grad_output: tuple) -> Any:
        self.grad_outputs = self._pack_with_none(self.output_tensors_index, grad_output, self.n_outputs)
        for user_pre_hook in self.user_pre_hooks:
            new = user_pre_hook(self.module, self.grad_outputs)
            if new is None:
                continue
            if len(new) != len(self.grad_outputs):
                raise RuntimeError(f"Backward pre hook returned an invalid number of grad_output, got {len(new)}, but "
                                   f"expected {len(self.grad_outputs)}")
            self.grad_outputs = new
        local_grad_outputs = self.grad_outputs
        if self.input_tensors_index is None:
            # no input requires grad: the input node never runs, so the full hooks run here
            warnings.warn("Full backward hook is firing when gradients are computed with respect to module outputs "
                          "since no inputs require gradients. See https://docs.pytorch.org/docs/main/generated/"
                          "torch.nn.Module.html#torch.nn.Module.register_full_backward_hook for more details.",
                          stacklevel=5)
            grad_inputs = self._pack_with_none([], [], self.n_inputs)
            for user_hook in self.user_hooks:
                res = user_hook(self.module, grad_inputs, self.grad_outputs)
                if res is not None and not (isinstance(res, tuple) and all(el is None for el in res)):
                    raise RuntimeError("Backward hook for Modules where no input requires gradient should always "
                                       "return None or None for all gradients.")
            self.grad_outputs = None
        return tuple(local_grad_outputs[i] for i in self.output_tensors_index)

    def setup_output_hook(self, args: Any) -> Any:
        is_tuple = isinstance(args, tuple)
        if not is_tuple:
            args = (args,)
        res, output_idx = self._apply_on_tensors(lambda node: node.register_hook(self._output_hook), args)
        self.n_outputs = len(args)
        self.output_tensors_index = output_idx
        return res if is_tuple else res[0]
