"""torch.func on JAX's transforms, and modules as pure pytrees.

    params = dict(model.named_parameters())
    loss = lambda p, x: model_loss(functional_call(model, p, (x,)))
    grads = jtorch.func.grad(loss)(params, x)          # jax.grad underneath

Tensors and Modules are JAX pytree nodes, so ``jax.jit(lambda m, x: m(x))(model, x)`` and
``jax.tree_util.tree_map`` over a model work; :func:`split` / :func:`merge` give a flax.nnx-style
(graphdef, state) pair for hand-written JAX.
"""
from __future__ import annotations

import contextlib
import copy
from typing import Any, Callable, Sequence

import jax
import jax.numpy as jnp

from . import _random
from .autograd.grad_mode import STATE
from .tensor import Tensor

__all__ = ["functional_call", "grad", "grad_and_value", "vjp", "jvp", "vmap", "jacrev", "jacfwd", "hessian",
           "linearize", "functionalize", "stack_module_state", "split", "merge", "to_jax", "from_jax",
           "jax_function"]


# ------------------------------------------------------------------ Tensor <-> jax
def _is_t(x: Any) -> bool:
    return isinstance(x, Tensor)


def to_jax(tree: Any) -> Any:
    """Replace every Tensor in a pytree by its jax.Array (no copy)."""
    return jax.tree_util.tree_map(lambda t: t._value if _is_t(t) else t, tree, is_leaf=_is_t)


def from_jax(tree: Any) -> Any:
    """Replace every jax.Array (or tracer) in a pytree by a Tensor wrapping it (no copy)."""
    return jax.tree_util.tree_map(lambda a: Tensor._make(a) if isinstance(a, (jax.Array, jax.core.Tracer)) else a,
                                  tree)


@contextlib.contextmanager
def _jax_differentiates():
    """Inside a JAX transform the tape is not needed: JAX differentiates the traced computation."""
    prev = STATE.grad
    STATE.grad = False
    try:
        yield
    finally:
        STATE.grad = prev


def _pure(func: Callable) -> Callable:
    """func on Tensors -> a function on jax arrays (pytrees in, pytrees out)."""
    def pure(*args: Any, **kwargs: Any) -> Any:
        with _jax_differentiates():
            return to_jax(func(*from_jax(args), **from_jax(kwargs)))
    return pure


# ------------------------------------------------------------------ functional_call
def _swap(module: Any, tensors: dict, strict: bool) -> list:
    """Put the given tensors in place of the named parameters/buffers; return what to restore."""
    restore = []
    names = {n for n, _ in module.named_parameters(remove_duplicate=False)} | \
            {n for n, _ in module.named_buffers(remove_duplicate=False)}
    if strict:
        missing = sorted(names - set(tensors))
        unexpected = sorted(set(tensors) - names)
        if missing or unexpected:
            raise RuntimeError(f"Error(s) in reparametrizing for {type(module).__name__}: "
                               + (f"Missing key(s): {', '.join(repr(k) for k in missing)}. " if missing else "")
                               + (f"Unexpected key(s): {', '.join(repr(k) for k in unexpected)}." if unexpected else ""))
    for name, value in tensors.items():
        *path, leaf = name.split(".")
        owner = module
        for p in path:
            owner = owner._modules[p] if p in owner._modules else getattr(owner, p)
        for d in (owner._parameters, owner._buffers):
            if leaf in d:
                restore.append((d, leaf, d[leaf]))
                d[leaf] = value if isinstance(value, Tensor) else Tensor._make(value)
                break
        else:
            if strict or name in names:
                raise AttributeError(f"{type(owner).__name__} has no parameter or buffer {leaf!r}")
            restore.append((owner.__dict__, leaf, owner.__dict__.get(leaf, _MISSING)))
            owner.__dict__[leaf] = value
    return restore


_MISSING = object()


def functional_call(module: Any, parameter_and_buffer_dicts: Any, args: Any = None, kwargs: dict | None = None, *,
                    tie_weights: bool = True, strict: bool = False) -> Any:
    """torch.func.functional_call: run ``module`` with substituted parameters and buffers (Tensors or
    jax arrays). Works inside jax.jit, jax.grad and jax.vmap."""
    dicts = parameter_and_buffer_dicts
    if isinstance(dicts, dict):
        merged = dict(dicts)
    else:
        merged = {}
        for d in dicts:
            dup = set(merged) & set(d)
            if dup:
                raise ValueError(f"['{sorted(dup)[0]}'] appeared in multiple dictionaries; behavior of "
                                 "functional call is ambiguous")
            merged.update(d)
    if tie_weights:  # a parameter shared under two names follows the one given
        by_id: dict = {}
        for n, p in list(module.named_parameters(remove_duplicate=False)) + list(
                module.named_buffers(remove_duplicate=False)):
            by_id.setdefault(id(p), []).append(n)
        for names in by_id.values():
            given = [n for n in names if n in merged]
            for n in names:
                if given and n not in merged:
                    merged[n] = merged[given[0]]
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    restore = _swap(module, merged, strict)
    try:
        return module(*args, **(kwargs or {}))
    finally:
        for d, k, v in reversed(restore):
            if v is _MISSING:
                del d[k]
            else:
                d[k] = v


# ------------------------------------------------------------------ transforms
def _argnums_tuple(argnums: Any) -> tuple:
    return (argnums,) if isinstance(argnums, int) else tuple(argnums)


def grad_and_value(func: Callable, argnums: int | tuple = 0, has_aux: bool = False) -> Callable:
    """torch.func.grad_and_value: (gradients, value) (value is (output, aux) with has_aux)."""
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        pure = _pure(func)

        def scalar(*a: Any) -> Any:
            out = pure(*a, **to_jax(kwargs))
            o = out[0] if has_aux else out
            if not (hasattr(o, "shape") and o.shape == ()):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                                   f"tensor with {len(getattr(o, 'shape', ()))} dims. Maybe you wanted to use the "
                                   "vjp or jacrev APIs instead?")
            return (o, out[1]) if has_aux else o
        v, g = jax.value_and_grad(scalar, argnums=argnums, has_aux=has_aux)(*to_jax(args))
        return from_jax(g), from_jax(v)
    return wrapper


def grad(func: Callable, argnums: int | tuple = 0, has_aux: bool = False) -> Callable:
    """torch.func.grad."""
    gv = grad_and_value(func, argnums, has_aux)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g, v = gv(*args, **kwargs)
        return (g, v[1]) if has_aux else g
    return wrapper


def vjp(func: Callable, *primals: Any, has_aux: bool = False) -> tuple:
    """torch.func.vjp: (output, vjp_fn[, aux])."""
    out, pullback, *aux = jax.vjp(_pure(func), *to_jax(primals), has_aux=has_aux)

    def vjp_fn(*cotangents: Any) -> tuple:
        ct = cotangents[0] if len(cotangents) == 1 else cotangents
        return tuple(from_jax(pullback(to_jax(ct))))
    return (from_jax(out), vjp_fn) + tuple(from_jax(a) for a in aux)


def jvp(func: Callable, primals: Sequence, tangents: Sequence, *, strict: bool = False,
        has_aux: bool = False) -> tuple:
    """torch.func.jvp: (output, jvp_out[, aux])."""
    if not isinstance(primals, tuple) or not isinstance(tangents, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it should be valid to "
                           "call f(*primals).")
    res = jax.jvp(_pure(func), to_jax(primals), to_jax(tangents), has_aux=has_aux)
    return tuple(from_jax(r) for r in res)


def linearize(func: Callable, *primals: Any) -> tuple:
    """torch.func.linearize: (output, jvp_fn)."""
    out, f_jvp = jax.linearize(_pure(func), *to_jax(primals))
    return from_jax(out), lambda *tangents: from_jax(f_jvp(*to_jax(tangents)))


def jacrev(func: Callable, argnums: int | tuple = 0, *, has_aux: bool = False, chunk_size: int | None = None,
           _preallocate_and_copy: bool = False) -> Callable:
    """torch.func.jacrev."""
    def wrapper(*args: Any) -> Any:
        return from_jax(jax.jacrev(_pure(func), argnums=argnums, has_aux=has_aux)(*to_jax(args)))
    return wrapper


def jacfwd(func: Callable, argnums: int | tuple = 0, has_aux: bool = False, *, randomness: str = "error") -> Callable:
    """torch.func.jacfwd."""
    def wrapper(*args: Any) -> Any:
        return from_jax(jax.jacfwd(_pure(func), argnums=argnums, has_aux=has_aux)(*to_jax(args)))
    return wrapper


def hessian(func: Callable, argnums: int | tuple = 0) -> Callable:
    """torch.func.hessian (forward-over-reverse, like torch's)."""
    def wrapper(*args: Any) -> Any:
        return from_jax(jax.jacfwd(jax.jacrev(_pure(func), argnums=argnums), argnums=argnums)(*to_jax(args)))
    return wrapper


class _RandomnessError(RuntimeError):
    pass


def vmap(func: Callable, in_dims: Any = 0, out_dims: Any = 0, randomness: str = "error", *,
         chunk_size: int | None = None) -> Callable:
    """torch.func.vmap. ``randomness``: 'error' (random ops raise), 'same' (one draw shared by the
    batch) or 'different' (each example draws its own)."""
    if randomness not in ("error", "same", "different"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")
    if chunk_size is not None and chunk_size <= 0:
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        dims = in_dims if isinstance(in_dims, tuple) else (in_dims,) * len(args)
        if len(dims) != len(args):
            raise ValueError(f"vmap(func, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with the "
                             f"structure of `inputs`. in_dims has structure {len(dims)} but inputs has {len(args)}")
        batch = _batch_size(args, dims)
        gen = _random.default_generator
        keys = None
        if randomness == "different":
            keys = jax.random.key_data(jax.random.split(_random.as_key(_random.draw_key(None)), batch))

        def pure(key, *a):
            saved = (gen._key, gen._counter)
            prev_err = _random._VMAP_ERROR[0]
            try:
                if key is not None:
                    gen._key, gen._counter = key, 0
                _random._VMAP_ERROR[0] = randomness == "error"
                return _pure(func)(*a, **to_jax(kwargs))
            finally:
                gen._key, gen._counter = saved
                _random._VMAP_ERROR[0] = prev_err

        axes = (0 if keys is not None else None,) + tuple(dims)
        f = jax.vmap(pure, in_axes=axes, out_axes=out_dims)
        if chunk_size is None or chunk_size >= batch:
            return from_jax(f(keys, *to_jax(args)))
        raise NotImplementedError("vmap(chunk_size=...) smaller than the batch is not supported")
    return wrapper


def _batch_size(args: tuple, dims: tuple) -> int:
    sizes = set()
    for a, d in zip(args, dims):
        if d is None:
            continue
        for leaf in jax.tree_util.tree_leaves(to_jax(a)):
            if hasattr(leaf, "shape"):
                sizes.add(leaf.shape[d])
    if not sizes:
        raise ValueError("vmap(func, in_dims=..., ...)(<inputs>): at least one input must be batched")
    if len(sizes) > 1:
        raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                         f"{sorted(sizes)} for the mapped dimension")
    return sizes.pop()


def functionalize(func: Callable, *, remove: str = "mutations") -> Callable:
    """torch.func.functionalize. jtorch's ops are already functional underneath (an in-place op rebinds a
    tensor to a new jax value), so this returns an equivalent function."""
    if remove not in ("mutations", "mutations_and_views"):
        raise RuntimeError(f"functionalize(f, remove='mutations'): received invalid argument for remove={remove}. "
                           "Valid options are:\n     remove='mutations': all inplace and out= operators will be "
                           "removed from the program, and replaced with their out-of-place equivalents.\n     "
                           "remove='mutations_and_views': In addition to the above, all aliasing operators {view} "
                           "will be replaced with their non-aliasing counterparts, {view}_copy.\n")
    return func


def stack_module_state(models: Sequence) -> tuple[dict, dict]:
    """torch.func.stack_module_state: parameters and buffers of same-shaped models, stacked on dim 0."""
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or not any(m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same training/eval mode.")
    first = type(models[0])
    if not all(type(m) is first for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")
    params = {n: Tensor._make(jnp.stack([dict(m.named_parameters())[n]._value for m in models]))
              for n, _ in models[0].named_parameters()}
    for p in params.values():
        p.requires_grad_(True)
    buffers = {n: Tensor._make(jnp.stack([dict(m.named_buffers())[n]._value for m in models]))
               for n, _ in models[0].named_buffers()}
    return params, buffers


# ------------------------------------------------------------------ modules as pytrees
def split(module: Any) -> tuple[Any, dict]:
    """(graphdef, state): state maps parameter and buffer names to jax arrays; graphdef rebuilds the
    module around a state with :func:`merge` (like flax.nnx.split)."""
    state = {n: p._value for n, p in module.named_parameters(remove_duplicate=False)}
    state.update({n: b._value for n, b in module.named_buffers(remove_duplicate=False)})
    return _GraphDef(module), state


def merge(graphdef: "_GraphDef", state: dict) -> Any:
    """A copy of the module whose parameters and buffers hold ``state`` (arrays or Tensors)."""
    return graphdef.build(state)


class _GraphDef:
    """The structure of a module: the module itself as a template (compared by identity)."""

    def __init__(self, module: Any) -> None:
        self.module = module
        self.names = tuple(n for n, _ in module.named_parameters(remove_duplicate=False)) + tuple(
            n for n, _ in module.named_buffers(remove_duplicate=False))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _GraphDef) and other.module is self.module and other.names == self.names

    def __hash__(self) -> int:
        return hash((id(self.module), self.names))

    def __repr__(self) -> str:
        return f"GraphDef({type(self.module).__name__}, {len(self.names)} arrays)"

    def build(self, state: dict) -> Any:
        from .nn.parameter import Parameter
        clone = _clone_tree(self.module)
        for name in self.names:
            *path, leaf = name.split(".")
            owner = clone
            for p in path:
                owner = owner._modules[p]
            v = state[name]
            v = v._value if isinstance(v, Tensor) else v
            if leaf in owner._parameters:
                old = owner._parameters[leaf]
                p = Tensor._make(v)
                p.__class__ = Parameter
                p._req = old.requires_grad if old is not None else False
                owner._parameters[leaf] = p
            else:
                owner._buffers[leaf] = Tensor._make(v)
        return clone


def _clone_tree(module: Any) -> Any:
    """A shallow copy of each module in the tree, with its own registration dicts."""
    memo: dict = {}

    def clone(m: Any) -> Any:
        if id(m) in memo:
            return memo[id(m)]
        c = copy.copy(m)
        memo[id(m)] = c
        object.__setattr__(c, "_parameters", dict(m._parameters))
        object.__setattr__(c, "_buffers", dict(m._buffers))
        object.__setattr__(c, "_modules", {k: (clone(v) if v is not None else None) for k, v in m._modules.items()})
        return c
    return clone(module)


def _flatten_module(module: Any) -> tuple:
    gd, state = split(module)
    return tuple(state[n] for n in gd.names), gd


def _unflatten_module(gd: _GraphDef, children: tuple) -> Any:
    return gd.build(dict(zip(gd.names, children)))


def _flatten_tensor(t: Tensor) -> tuple:
    return (t._value,), t.requires_grad


def _unflatten_tensor(requires_grad: bool, children: tuple) -> Tensor:
    t = Tensor._make(children[0])
    if requires_grad and hasattr(children[0], "dtype") and jnp.issubdtype(children[0].dtype, jnp.inexact):
        t._req = True
    return t


def register_pytrees() -> None:
    """Make Tensor (and its subclasses) and every Module class JAX pytree nodes."""
    from .nn.modules.module import Module
    from .nn.parameter import Parameter
    for cls in (Tensor, Parameter):
        try:
            jax.tree_util.register_pytree_node(cls, _flatten_tensor, _unflatten_tensor)
        except ValueError:  # already registered
            pass
    _register_module_class(Module)
    _orig_init_subclass = Module.__dict__.get("__init_subclass__")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if _orig_init_subclass is not None:
            _orig_init_subclass.__func__(cls, **kwargs)
        else:
            super(Module, cls).__init_subclass__(**kwargs)
        _register_module_class(cls)
    Module.__init_subclass__ = classmethod(__init_subclass__)  # type: ignore[assignment]
    for cls in _all_subclasses(Module):
        _register_module_class(cls)


def _all_subclasses(cls: type) -> list:
    out, stack = [], [cls]
    while stack:
        for s in stack.pop().__subclasses__():
            out.append(s)
            stack.append(s)
    return out


def _register_module_class(cls: type) -> None:
    try:
        jax.tree_util.register_pytree_node(cls, _flatten_module, _unflatten_module)
    except ValueError:
        pass


def jax_function(fn: Callable) -> Callable:
    """Call a JAX function on Tensors with gradients flowing through the tape:
    ``y = jtorch.func.jax_function(jnp.sin)(x); y.sum().backward()``. Arguments and results are
    pytrees; Tensor arguments become arrays, array results become Tensors."""
    from ._kernel import Kernel, run

    kernels: dict = {}

    def wrapper(*args: Any) -> Any:
        leaves, treedef = jax.tree_util.tree_flatten(args, is_leaf=_is_t)
        tensors = [x for x in leaves if _is_t(x)]
        statics = tuple(None if _is_t(x) else x for x in leaves)
        key = (treedef, statics)
        entry = kernels.get(key)
        if entry is None:
            info: dict = {}

            def pure(*vals):
                it = iter(vals)
                rebuilt = [next(it) if s is None and _is_t(x) else x for x, s in zip(leaves, statics)]
                out = fn(*jax.tree_util.tree_unflatten(treedef, rebuilt))
                flat, info["tree"] = jax.tree_util.tree_flatten(out)
                return tuple(flat)
            entry = kernels[key] = (Kernel(getattr(fn, "__name__", "jax_function"), pure, saves="none",
                                           node_name="JaxFunctionBackward"), info)
        kernel, info = entry
        outs = run(kernel, tensors, [t._value for t in tensors], True)
        outs = outs if isinstance(outs, tuple) else (outs,)
        return jax.tree_util.tree_unflatten(info["tree"], list(outs))
    return wrapper
