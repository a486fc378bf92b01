"""``jtorch.compile(model)``: a module whose forward is one compiled, differentiable kernel.

The whole forward (parameters, buffers, the random key and the inputs in; outputs, updated buffers and
the new random state out) becomes a single :class:`~jtorch._kernel.Kernel`, so it runs as one XLA
program and records ONE node on the tape: ``loss.backward()`` outside still reaches the parameters.
Buffers the forward writes (BatchNorm's running statistics) and the generator's counter are written
back after each call.
"""
from __future__ import annotations

from typing import Any

import jax

from ... import _random
from ..._kernel import Kernel, run
from ...autograd.grad_mode import STATE, no_grad
from ...tensor import Tensor
from .module import Module

__all__: list = []


class OptimizedModule(Module):
    """What ``jtorch.compile(module)`` returns: behaves as the module (train/eval, state_dict and
    parameters are the original's), with a compiled forward."""

    def __init__(self, module: Module) -> None:
        super().__init__()
        self._orig_mod = module
        object.__setattr__(self, "_kernels", {})
        object.__setattr__(self, "compilations", 0)

    def __getattr__(self, name: str) -> Any:
        if name == "_orig_mod":
            return self._modules["_orig_mod"]
        return getattr(self._modules["_orig_mod"], name)

    def train(self, mode: bool = True) -> "OptimizedModule":
        self._orig_mod.train(mode)
        return super().train(mode)

    def state_dict(self, *args: Any, **kwargs: Any) -> Any:
        return self._orig_mod.state_dict(*args, **kwargs)

    def load_state_dict(self, *args: Any, **kwargs: Any) -> Any:
        return self._orig_mod.load_state_dict(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        mod = self._orig_mod
        params = [p for _, p in mod.named_parameters(remove_duplicate=True)]
        buffers = [b for _, b in mod.named_buffers(remove_duplicate=True)]
        gen = _random.default_generator
        leaves, treedef = jax.tree_util.tree_flatten((args, kwargs), is_leaf=lambda x: isinstance(x, Tensor))
        arg_t = [x for x in leaves if isinstance(x, Tensor)]
        statics = tuple(("T",) if isinstance(x, Tensor) else ("S", x) for x in leaves)
        key = (treedef, statics, mod.training, len(params), len(buffers),
               tuple((tuple(t.shape), t.dtype) for t in params + buffers + arg_t))
        entry = self._kernels.get(key)
        if entry is None:
            object.__setattr__(self, "compilations", self.compilations + 1)
            entry = self._kernels[key] = _forward_kernel(mod, params, buffers, gen, treedef, statics)
        kernel, out_info = entry
        from ...compiler import _gen_state
        gkey, gcount = _gen_state(gen)
        vals = [t._value for t in params] + [t._value for t in buffers] + [gkey, gcount] + [t._value for t in arg_t]
        tensors = params + buffers + [None, None] + arg_t
        results = run(kernel, tensors, vals, True)
        results = results if isinstance(results, tuple) else (results,)
        n_out = out_info["n_out"]
        outs, new_buffers = results[:n_out], results[n_out:n_out + len(buffers)]
        new_key, new_count = results[n_out + len(buffers):]
        with no_grad():
            for b, nb in zip(buffers, new_buffers):
                b._v = nb._v
                b._sv += 1
                b._bump()
        gen._key, gen._counter = new_key._v, new_count._v
        it = iter(outs)
        out_leaves = [next(it) if c is None else c[0] for c in out_info["consts"]]
        return jax.tree_util.tree_unflatten(out_info["tree"], out_leaves)


def _forward_kernel(mod: Module, params: list, buffers: list, gen: Any, treedef: Any, statics: tuple) -> tuple:
    info: dict = {}
    n_p, n_b = len(params), len(buffers)

    def fn(*vals):
        state = params + buffers
        saved = [(t, t._v, t._node, t._nr) for t in state]
        saved_gen = (gen._key, gen._counter)
        prev_grad = STATE.grad
        try:
            for t, v in zip(state, vals[:n_p + n_b]):
                t._v, t._node, t._nr = v, None, 0
                t._sv += 1
            gen._key, gen._counter = vals[n_p + n_b], vals[n_p + n_b + 1]
            it = iter(vals[n_p + n_b + 2:])
            leaves = [Tensor._make(next(it)) if s[0] == "T" else s[1] for s in statics]
            a, kw = jax.tree_util.tree_unflatten(treedef, leaves)
            STATE.grad = False  # the kernel's own VJP differentiates the whole forward
            out = mod(*a, **kw)
            out_leaves, info["tree"] = jax.tree_util.tree_flatten(out, is_leaf=lambda x: isinstance(x, Tensor))
            info["consts"] = [None if isinstance(x, Tensor) else (x,) for x in out_leaves]
            outs = [x._value for x in out_leaves if isinstance(x, Tensor)]
            info["n_out"] = len(outs)
            new_buffers = [b._value for b in buffers]
            return tuple(outs) + tuple(new_buffers) + (jax.numpy.asarray(gen._key, jax.numpy.uint32),
                                                       jax.numpy.asarray(gen._counter, jax.numpy.int64))
        finally:
            STATE.grad = prev_grad
            for t, v, node, nr in saved:
                t._v, t._node, t._nr = v, node, nr
                t._sv += 1
            gen._key, gen._counter = saved_gen

    kernel = Kernel(type(mod).__name__ + "_compiled_forward", fn, saves="none",
                    node_name="CompiledFunctionBackward")
    # trace once now so the output layout is known before the first call returns
    return kernel, info
