"""torch.optim.Optimizer: parameter groups, per-parameter state, hooks, state_dict, and the fused step.

Every elementwise optimizer is a pure per-parameter update function plus a thin class. ``step()`` runs
the update over all parameters of a group that have a gradient in ONE ``jax.jit`` call over the pytree
(params, grads, state). Hyper-parameters travel as one float64 array (dynamic), so a scheduler changing
``lr`` or ``betas`` never recompiles; only options that change the shape of the computation or of the
state (``amsgrad``, ``nesterov``, ``momentum != 0``, ``weight_decay != 0``, ...) are static. The same
code runs when the tensors hold tracers (inside ``jax.jit`` / ``jtorch.compile``): the fused call then
inlines into the outer program. Eagerly, the parameter and state buffers are donated to the call, so XLA
updates them in place (``jtorch/_donate.py`` says when a buffer is copied first).

NOTE: a Tensor hyper-parameter (``lr=torch.tensor(0.01)``) is read as a float64 number. torch does part
of the scalar arithmetic on such a tensor in its own dtype (float32), so with float64 parameters the two
can differ at ~1e-8 relative.
"""
from __future__ import annotations

import functools
import warnings
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from copy import deepcopy
from itertools import chain
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import _donate, _dtype, compiler
from ..autograd.grad_mode import enable_grad, no_grad
from ..autograd.graph import RemovableHandle
from ..tensor import Tensor

__all__ = ["Optimizer", "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook", "required"]

_global_optimizer_pre_hooks: dict[int, Callable] = OrderedDict()
_global_optimizer_post_hooks: dict[int, Callable] = OrderedDict()


class _RequiredParameter:
    """Singleton class representing a required parameter for an Optimizer."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()

# Options older checkpoints may lack; torch's __setstate__ fills them with these values.
_OPTION_FALLBACKS = {"maximize": False, "foreach": None, "capturable": False, "differentiable": False,
                     "fused": None, "decoupled_weight_decay": False, "nesterov": False, "amsgrad": False}
# 0-d float state that torch converts to tensors when a checkpoint stored Python numbers
_SCALAR_STATE = ("step", "mu_product", "eta", "mu")


def register_optimizer_step_pre_hook(hook: Callable) -> RemovableHandle:
    handle = RemovableHandle(_global_optimizer_pre_hooks)
    _global_optimizer_pre_hooks[handle.id] = hook
    return handle


def register_optimizer_step_post_hook(hook: Callable) -> RemovableHandle:
    handle = RemovableHandle(_global_optimizer_post_hooks)
    _global_optimizer_post_hooks[handle.id] = hook
    return handle


def _scalar_dtype() -> Any:
    """torch's ``_get_scalar_dtype()``: the dtype of ``state['step']``."""
    return jnp.float64 if _dtype.get_default_dtype() == _dtype.float64 else jnp.float32


def _scalar(value: Any) -> Tensor:
    return Tensor._make(jnp.asarray(_raw(value), _scalar_dtype()).reshape(()))


def _zeros_like(p: Tensor) -> Tensor:
    return Tensor._make(jnp.zeros_like(p._value))


def _full_like(p: Tensor, value: Any) -> Tensor:
    v = p._value
    return Tensor._make(jnp.full(v.shape, _raw(value), v.dtype))


def _raw(x: Any) -> Any:
    return x._value if isinstance(x, Tensor) else x


def _to_scalar(x: Any) -> Any:
    """torch's ``_to_scalar``: a 1-element tensor hyper-parameter becomes 0-d."""
    if isinstance(x, Tensor) and x.dim() != 0:
        return x.squeeze()
    return x


def _nonzero(x: Any) -> bool:
    """``x != 0`` for a static choice; a tensor (possibly traced) hyper-parameter counts as nonzero."""
    return x != 0 if isinstance(x, (int, float, np.number)) else True


def _pack(values: Iterable) -> Any:
    """Hyper-parameters as one float64 vector: a dynamic argument of the fused update."""
    values = list(values)
    if all(isinstance(v, (int, float, np.number)) for v in values):
        return np.array(values, np.float64)
    return jnp.stack([jnp.asarray(_raw(v), jnp.float64).reshape(()) for v in values])


def _check_hyper(name: str, value: Any) -> None:
    if isinstance(value, Tensor) and value.numel() != 1:
        raise ValueError(f"Tensor {name} must be 1-element")


def _rebind(t: Tensor, value: Any) -> None:
    """Write ``value`` into ``t`` the way ``t.data.copy_(value)`` would: no autograd recording, no leaf
    check, same Tensor object, version bumped."""
    if value.dtype != t._value.dtype:
        value = value.astype(t._value.dtype)
    if t._base is None:
        t._v = value
        t._sv += 1
        t._bump()
    else:
        with no_grad():
            t._commit(Tensor._make(value))


# ------------------------------------------------------------------ the fused update
TRACE_COUNT = [0]  # how many times a group update was traced (compiled); tests use it to count recompiles


def _as_real(x: Any) -> Any:
    return jnp.stack([jnp.real(x), jnp.imag(x)], axis=-1)


def _as_complex(x: Any) -> Any:
    return jax.lax.complex(x[..., 0], x[..., 1])


def _update_one(update: Callable, p: Any, g: Any, s: dict, h: dict, opts: dict) -> tuple:
    """One parameter's update. Complex parameters are updated as pairs of reals (torch's view_as_real)."""
    if not jnp.iscomplexobj(p):
        return update(p, g, s, h, **opts)
    rs = {k: (_as_real(v) if v is not None and jnp.iscomplexobj(v) else v) for k, v in s.items()}
    rp = _as_real(p)
    np_, ns = update(rp, _as_real(g), rs, h, **opts)
    return _as_complex(np_), {k: (_as_complex(v) if v.shape == rp.shape else v) for k, v in ns.items()}


@functools.partial(jax.jit, static_argnums=(0, 1, 2, 3), donate_argnums=(4,))
def _fused(update: Callable, static: tuple, names: tuple, layout: tuple, donated: list, kept: list, grads: list,
           hvec: Any) -> tuple:
    TRACE_COUNT[0] += 1
    treedef, mask = layout
    params, states = jax.tree_util.tree_unflatten(treedef, _donate.merge(donated, kept, mask))
    h = {n: hvec[i] for i, n in enumerate(names)}
    opts = dict(static)
    new_p, new_s = [], []
    for p, g, s in zip(params, grads, states):
        np_, ns = _update_one(update, p, g, s, h, opts)
        new_p.append(np_.astype(p.dtype))
        new_s.append(ns)
    return new_p, new_s


def _apply_fused(update: Callable, static: dict, hyper: dict, params: list, grads: list, states: list) -> list:
    """Run ``update`` over a group in one fused call and write the results back in place.

    ``states`` holds one dict per parameter whose values are Tensors (updated in place) or plain
    values (passed in only). Parameter and state buffers are donated, so XLA updates them in their own
    memory as torch's in-place kernels do (a buffer something else holds is copied first, see
    ``_donate``); ``grads`` are only read. Returns the new state values
    (raw arrays) so the caller can store entries that did not exist before.
    """
    leaves, treedef = jax.tree_util.tree_flatten((params, states), is_leaf=lambda x: isinstance(x, Tensor))
    concrete = not any(isinstance(t._v, jax.core.Tracer) for t in params)
    # every parameter and state tensor is donated; a shared array is donated as a copy (see _donate)
    mask = tuple(concrete and isinstance(x, Tensor) for x in leaves)
    seen: set = set()
    values = [_donate.own_value(x, seen) if m else (x._value if isinstance(x, Tensor) else x)
              for x, m in zip(leaves, mask)]
    del leaves
    donated, kept = _donate.split(values, mask)
    del values
    new_params, new_states = _fused(update, tuple(sorted(static.items())), tuple(hyper), (treedef, mask), donated,
                                    kept, grads, _pack(hyper.values()))
    for p, v in zip(params, new_params):
        _rebind(p, v)
    for s, ns in zip(states, new_states):
        for k, v in ns.items():
            if isinstance(s.get(k), Tensor):
                _rebind(s[k], v)
    return new_states


# ------------------------------------------------------------------ the base class
class Optimizer:
    r"""Base class for all optimizers (torch.optim.Optimizer).

    Subclasses with an elementwise update set ``_update`` (a pure function
    ``(param, grad, state, hyper, **static) -> (param, state)`` over jax arrays) and implement
    ``_options(group) -> (hyper, static)`` and ``_init_state(p, group)``; the inherited ``step`` does
    the rest. Subclasses may also override ``step`` entirely (LBFGS, user-defined optimizers).
    """

    _update: Callable | None = None
    _rejects_complex = False

    def __init__(self, params: Any, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self._optimizer_step_pre_hooks: dict[int, Callable] = OrderedDict()
        self._optimizer_step_post_hooks: dict[int, Callable] = OrderedDict()
        self._optimizer_state_dict_pre_hooks: dict[int, Callable] = OrderedDict()
        self._optimizer_state_dict_post_hooks: dict[int, Callable] = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks: dict[int, Callable] = OrderedDict()
        self._optimizer_load_state_dict_post_hooks: dict[int, Callable] = OrderedDict()
        self._patch_step_function()

        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got " + _typename(params))
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []

        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    # -------------------------------------------------------------- pickling / repr
    def __getstate__(self) -> dict[str, Any]:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        for name in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks", "_optimizer_state_dict_pre_hooks",
                     "_optimizer_state_dict_post_hooks", "_optimizer_load_state_dict_pre_hooks",
                     "_optimizer_load_state_dict_post_hooks"):
            if name not in self.__dict__:
                setattr(self, name, OrderedDict())
        self._patch_step_function()
        self.defaults.setdefault("differentiable", False)
        for group in self.param_groups:
            for k in self.defaults:
                if k in _OPTION_FALLBACKS:
                    group.setdefault(k, _OPTION_FALLBACKS[k])
            for p in group["params"]:
                st = self.state.get(p)
                if not st:
                    continue
                for k in _SCALAR_STATE:
                    if k in st and not isinstance(st[k], Tensor) and type(self).__name__ != "SparseAdam":
                        st[k] = _scalar(float(st[k]))

    def __repr__(self) -> str:
        s = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            s += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    s += f"    {key}: {group[key]}\n"
        return s + ")"

    # -------------------------------------------------------------- step and its hooks
    def _optimizer_step_code(self) -> None:
        """Entry point for profilers, called after every step (as in torch)."""

    @staticmethod
    def profile_hook_step(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self = args[0]
            for pre_hook in chain(_global_optimizer_pre_hooks.values(), self._optimizer_step_pre_hooks.values()):
                result = pre_hook(self, args, kwargs)
                if result is not None:
                    if isinstance(result, tuple) and len(result) == 2:
                        args, kwargs = result
                    else:
                        raise RuntimeError(f"{func} must return None or a tuple of (new_args, new_kwargs), but got "
                                           f"{result}.")
            out = func(*args, **kwargs)
            compiler.note_optimizer_step()  # jtorch.compile runs later scheduler steps after the program
            self._optimizer_step_code()
            for post_hook in chain(self._optimizer_step_post_hooks.values(), _global_optimizer_post_hooks.values()):
                post_hook(self, args, kwargs)
            return out
        return wrapper

    def _patch_step_function(self) -> None:
        self._zero_grad_profile_name = f"Optimizer.zero_grad#{self.__class__.__name__}.zero_grad"
        if not getattr(self.__class__.step, "hooked", None):
            self.__class__.step = self.profile_hook_step(self.__class__.step)  # type: ignore[method-assign]
            self.__class__.step.hooked = True  # type: ignore[attr-defined]

    def register_step_pre_hook(self, hook: Callable) -> RemovableHandle:
        handle = RemovableHandle(self._optimizer_step_pre_hooks)
        self._optimizer_step_pre_hooks[handle.id] = hook
        return handle

    def register_step_post_hook(self, hook: Callable) -> RemovableHandle:
        handle = RemovableHandle(self._optimizer_step_post_hooks)
        self._optimizer_step_post_hooks[handle.id] = hook
        return handle

    def step(self, closure: Callable | None = None) -> Any:
        if self._update is None:
            raise NotImplementedError
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                self._step_group(group)
        return loss

    # -------------------------------------------------------------- the fused group update
    def _options(self, group: dict) -> tuple[dict, dict]:
        """(dynamic hyper-parameters, static options) of a group for ``_update``."""
        raise NotImplementedError

    def _init_state(self, p: Tensor, group: dict) -> dict:
        """The state of a parameter before its first step (torch's lazy initialisation)."""
        raise NotImplementedError

    def _has_state(self, group: dict) -> bool:
        return True

    def _step_group(self, group: dict) -> None:
        params = [p for p in group["params"] if p.grad is not None]
        if not params:
            return
        hyper, static = self._options(group)
        stateful = self._has_state(group)
        states = []
        for p in params:
            if self._rejects_complex and p.is_complex():
                raise RuntimeError(f"{type(self).__name__} does not support complex parameters")
            if stateful:
                st = self.state[p]
                if len(st) == 0:
                    st.update(self._init_state(p, group))
                states.append({k: v for k, v in st.items() if isinstance(v, Tensor)})
            else:
                states.append({})
        new_states = _apply_fused(type(self)._update, static, hyper, params, [p.grad._value for p in params], states)
        if stateful:
            for p, ns in zip(params, new_states):
                st = self.state[p]
                for k, v in ns.items():
                    if not isinstance(st.get(k), Tensor):
                        st[k] = Tensor._make(v)

    # -------------------------------------------------------------- state_dict
    def register_state_dict_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        return _register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        return _register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        return _register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        return _register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    def state_dict(self) -> dict[str, Any]:
        for pre_hook in self._optimizer_state_dict_pre_hooks.values():
            pre_hook(self)
        param_mappings: dict[int, int] = {}
        start_index = 0

        def pack_group(group: dict) -> dict:
            nonlocal start_index
            packed = {k: v for k, v in group.items() if k != "params"}
            param_mappings.update({id(p): i for i, p in enumerate(group["params"], start_index)
                                   if id(p) not in param_mappings})
            packed["params"] = [param_mappings[id(p)] for p in group["params"]]
            start_index += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {(param_mappings[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        state_dict = {"state": packed_state, "param_groups": param_groups}
        for post_hook in self._optimizer_state_dict_post_hooks.values():
            result = post_hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    @staticmethod
    def _process_value_according_to_param_policy(param: Tensor, value: Tensor, param_id: Any,
                                                 param_groups: list, key: Any = None) -> Tensor:
        # Floating state follows the parameter's dtype and device; `step` is kept as saved (torch #74424),
        # unless fused/capturable, where torch keeps it float32.
        fused = capturable = False
        for pg in param_groups:
            if param_id in pg["params"]:
                fused = pg.get("fused", False)
                capturable = pg.get("capturable", False)
                break
        if key == "step":
            if capturable or fused:
                return value.to(dtype=_dtype.float32, device=param.device)
            return value
        if param.is_floating_point():
            return value.to(dtype=param.dtype, device=param.device)
        return value.to(device=param.device)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state_dict = state_dict.copy()
        for pre_hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = pre_hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))

        def _cast(param: Tensor, value: Any, param_id: Any = None, key: Any = None) -> Any:
            if isinstance(value, Tensor):
                return Optimizer._process_value_according_to_param_policy(param, value, param_id,
                                                                           state_dict["param_groups"], key)
            if isinstance(value, dict):
                return {k: _cast(param, v, param_id, k) for k, v in value.items()}
            if isinstance(value, Iterable) and not isinstance(value, str):
                return type(value)(_cast(param, v, param_id) for v in value)  # type: ignore[call-arg]
            return value

        state: defaultdict = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = _cast(param, v, k)
            else:
                state[k] = v

        def update_group(group: dict, new_group: dict) -> dict:
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        self.__setstate__({"state": state, "param_groups": param_groups})
        for post_hook in self._optimizer_load_state_dict_post_hooks.values():
            post_hook(self)

    # -------------------------------------------------------------- grads and groups
    def zero_grad(self, set_to_none: bool = True) -> None:
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    g = p.grad
                    if g is None:
                        continue
                    if set_to_none:
                        p.grad = None
                    else:
                        if g.grad_fn is not None:
                            g.detach_()
                        else:
                            g.requires_grad_(False)
                        g.zero_()

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering of "
                            "tensors in sets will change between runs. Please use a list instead.")
        else:
            param_group["params"] = list(params)

        tensors, names = [], []
        for param in param_group["params"]:
            if isinstance(param, tuple):
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        param_group["params"] = tensors
        if names:
            if len(names) == len(tensors):
                param_group["param_names"] = names
            else:
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")

        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(param))
            if not self.defaults.get("differentiable", None) and not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")

        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)

        params = param_group["params"]
        if len(params) != len(set(params)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will cause "
                          "an error; see github.com/pytorch/pytorch/issues/40967 for more information", stacklevel=3)

        param_set: set = set()
        for group in self.param_groups:
            param_set.update(set(group["params"]))
            if ("param_names" in param_group) != ("param_names" in group):
                txt = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {txt} to the optimizer")
        if not param_set.isdisjoint(set(param_group["params"])):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)


def _register(hooks: dict, hook: Callable, prepend: bool) -> RemovableHandle:
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    if prepend:
        hooks.move_to_end(handle.id, last=False)  # type: ignore[attr-defined]
    return handle


def _typename(obj: Any) -> str:
    from .._config import typename
    return typename(obj)


def _check_impl_flags(opt: Optimizer, *, foreach: Any = None, fused: Any = None, differentiable: bool = False) -> None:
    """torch's checks on the implementation switches. jtorch has one implementation: ``foreach``, ``fused``
    and ``capturable`` select nothing (every jtorch update is one fused program whose hyper-parameters are
    arrays, i.e. already graph-safe). ``differentiable=True`` would need the update on the autograd tape."""
    if fused:
        if differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
    if differentiable:
        raise NotImplementedError(f"{type(opt).__name__}(differentiable=True): jtorch optimizers do not record "
                                  "their update on the autograd tape")


# ------------------------------------------------------------------ helpers of the update functions
def _f64(x: Any) -> Any:
    """A state scalar as the Python double torch's ``_get_value`` would read."""
    return jnp.asarray(x, jnp.float64)


def _fresh(*xs: Any) -> tuple:
    """The same arrays, as values XLA may not merge with their other uses. An update that needs one
    cheap elementwise intermediate in two outputs (the decayed gradient in both the momentum buffer and
    the parameter) recomputes it from ``_fresh`` inputs: each output is then one pass over memory,
    instead of XLA writing the intermediate to a temporary buffer and reading it back."""
    return jax.lax.optimization_barrier(xs)


def _lerp(a: Any, b: Any, w: Any) -> Any:
    """torch's ``a.lerp_(b, w)`` for a scalar weight (w already in a's dtype)."""
    small = jnp.abs(w) < 0.5
    return jnp.where(small, a, b) + jnp.where(small, w, w - 1) * (b - a)
