"""jtorch.compile: a stateful PyTorch-style function becomes one jax.jit program.

    step = jtorch.compile(train_step)   # train_step: zero_grad / forward / loss / backward / step
    loss = step(x, y)                   # one XLA program; the model, optimizer and RNG are updated

How it works. The state the function touches is found by walking what it can reach: its closure, the
globals it names (and the functions those name), bound ``self`` and its arguments. Modules contribute
their parameters, buffers and the parameters' ``.grad``; optimizers their state tensors and each
group's ``lr``; generators their key and counter. That state is passed into the jitted program as
arrays, the function runs with tracers inside the Tensors, and the new state comes back and is written
into the same Python objects; only a ``.grad`` the step replaces (``zero_grad(set_to_none=True)`` then
``backward``) is bound to a new Tensor on each call, as eager backward does. The plan (which tensors,
in which order) is cached per input signature and checked with cheap identity guards on every call, so
a steady-state call only gathers arrays, calls the executable and rebinds the results.

What stays in Python: ``LRScheduler.step()`` inside a compiled function is not traced; it runs on the
host around the program (before it when it came before ``optimizer.step()``, else after), exactly as in
eager mode, and the ``lr`` it writes is an input of the next call, so schedules never recompile.
``.item()``, ``bool(tensor)``, ``print(tensor)`` and data-dependent shapes raise an error naming the
construct; keep them outside the compiled function.
"""
from __future__ import annotations

import dataclasses
import functools
import threading
import types
import warnings
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from . import _donate, _random
from .tensor import Tensor

__all__ = ["compile", "is_compiling", "reset", "CompiledFunction"]

cache_size_limit = 8  # like torch._dynamo.config.cache_size_limit: warn past this many compilations
# Donate the buffers of state a compiled step overwrites (parameters, grads, optimizer state), so XLA
# updates them in place and memory does not double; a buffer something else holds is donated as a copy
# (see _donate). CompiledFunction's ``donate`` argument overrides this per function.
donate_state = True
_PLANS_PER_SIGNATURE = 4  # plans kept per input signature (differing in state layout or train/eval)
# A plan whose step changes the layout of the state (the first call on a fresh model and optimizer: grads
# and optimizer state appear) runs exactly once. On CPU it is compiled without LLVM's optimizations:
# a Transformer step compiles in about a third of the time, and the one slower run costs far less.
_RUN_ONCE_OPTIONS = {"xla_backend_optimization_level": 0}


class _Context(threading.local):
    def __init__(self) -> None:
        self.active: "_Trace | None" = None


_CTX = _Context()


def is_compiling() -> bool:
    """True while jtorch.compile traces a function (torch.compiler.is_compiling)."""
    return _CTX.active is not None


class _Trace:
    """What happens during one trace: deferred host-side calls."""

    def __init__(self) -> None:
        self.before: list = []  # scheduler steps called before any optimizer step
        self.after: list = []
        self.optimizer_stepped = False


def defer_to_host(fn: Callable, *args: Any, **kwargs: Any) -> bool:
    """Called by host-side constructs (LRScheduler.step) while tracing: run ``fn`` around the program
    on every call instead of tracing it. Returns False when not compiling (the caller runs normally)."""
    tr = _CTX.active
    if tr is None:
        return False
    (tr.after if tr.optimizer_stepped else tr.before).append(functools.partial(fn, *args, **kwargs))
    return True


def note_optimizer_step() -> None:
    tr = _CTX.active
    if tr is not None:
        tr.optimizer_stepped = True


# ------------------------------------------------------------------ finding state
def _is_module(x: Any) -> bool:
    return hasattr(x, "_parameters") and hasattr(x, "_modules") and hasattr(x, "_buffers")


def _is_optimizer(x: Any) -> bool:
    return hasattr(x, "param_groups") and hasattr(x, "state") and isinstance(getattr(x, "param_groups"), list)


def _is_scheduler(x: Any) -> bool:
    return hasattr(x, "optimizer") and hasattr(x, "last_epoch") and _is_optimizer(getattr(x, "optimizer"))


class _Walker:
    """Collects the state reachable from some roots, in a deterministic order."""

    def __init__(self) -> None:
        self.tensors: list[Tensor] = []
        self.generators: list = []
        self.hypers: list[tuple[dict, str]] = []   # (param_group, "lr")
        self.guards: list[tuple[Any, Any, Any]] = []  # (container, key, expected object)
        self._seen: set = set()

    def root(self, obj: Any, depth: int = 0) -> None:
        if depth > 6 or obj is None or isinstance(obj, (str, bytes, int, float, bool, complex, type)):
            return
        if id(obj) in self._seen:
            return
        self._seen.add(id(obj))
        if isinstance(obj, Tensor):
            self._tensor(obj)
        elif isinstance(obj, _random.Generator):
            self.generators.append(obj)
        elif _is_module(obj):
            self._module(obj, depth)
        elif _is_optimizer(obj):
            self._optimizer(obj)
        elif _is_scheduler(obj):
            self.root(obj.optimizer, depth + 1)
        elif isinstance(obj, (list, tuple)):
            for x in obj:
                self.root(x, depth + 1)
        elif isinstance(obj, dict):
            for x in obj.values():
                self.root(x, depth + 1)
        elif isinstance(obj, functools.partial):
            self.root(obj.func, depth + 1)
            self.root(obj.args, depth + 1)
            self.root(obj.keywords, depth + 1)
        elif isinstance(obj, types.MethodType):
            self.root(obj.__self__, depth + 1)
            self.root(obj.__func__, depth + 1)
        elif isinstance(obj, types.FunctionType):
            for v in _function_refs(obj):
                self.root(v, depth + 1)

    def _tensor(self, t: Tensor) -> None:
        if t._base is not None:  # a view: its root holds the storage; the view has its own .grad
            self.root(t._base)
            self.guards.append((t.__dict__, "_grad", t.__dict__.get("_grad")))
            if t._grad is not None:
                self.root(t._grad)
            return
        self.tensors.append(t)
        self.guards.append((t.__dict__, "_grad", t.__dict__.get("_grad")))
        if t._grad is not None:
            self.root(t._grad)

    def _module(self, m: Any, depth: int) -> None:
        self.guards.append((m.__dict__, "training", m.__dict__.get("training")))  # train/eval trace differently
        for name, p in m._parameters.items():
            self.guards.append((m._parameters, name, p))
            if p is not None:
                self.root(p)
        for name, b in m._buffers.items():
            self.guards.append((m._buffers, name, b))
            if b is not None:
                self.root(b)
        for name, v in m.__dict__.items():  # plain tensor attributes and things a module holds
            if isinstance(v, Tensor) or _is_module(v) or _is_optimizer(v) or isinstance(v, _random.Generator):
                self.guards.append((m.__dict__, name, v))
                self.root(v, depth + 1)
        for name, sub in m._modules.items():
            self.guards.append((m._modules, name, sub))
            if sub is not None:
                self._seen_module(sub, depth)

    def _seen_module(self, sub: Any, depth: int) -> None:
        if id(sub) not in self._seen:
            self._seen.add(id(sub))
            self._module(sub, depth + 1)

    def _optimizer(self, opt: Any) -> None:
        for group in opt.param_groups:
            for p in group["params"]:
                self.root(p)
            if isinstance(group.get("lr"), (float, jax.core.Tracer)):  # a tracer while being traced
                self.hypers.append((group, "lr"))
                self.guards.append((group, "lr", float))  # stays a float: checked by type
        for p, st in opt.state.items():
            for k, v in sorted(st.items(), key=lambda kv: str(kv[0])):
                if isinstance(v, Tensor):
                    self.guards.append((st, k, v))
                    self.root(v)


def _function_refs(fn: types.FunctionType) -> list:
    """Objects a function can reach: closure cells and the globals its code names (recursively
    through nested code objects)."""
    out: list = []
    if fn.__closure__:
        for cell in fn.__closure__:
            try:
                out.append(cell.cell_contents)
            except ValueError:  # an empty cell
                pass
    g = fn.__globals__
    stack = [fn.__code__]
    while stack:
        code = stack.pop()
        for name in code.co_names:
            if name in g:
                v = g[name]
                if not isinstance(v, types.ModuleType):
                    out.append(v)
        stack.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return out


# ------------------------------------------------------------------ the compiled function
@dataclasses.dataclass
class _Plan:
    """One compiled program and how to feed it."""
    tensors: list            # state tensors read, in input order
    generators: list
    hypers: list
    guards: list
    executables: dict = dataclasses.field(default_factory=dict)  # donation mask -> jitted program
    written: set | None = None  # ids of out_tensors (filled on first use)
    closed: Any = None          # the traced program (a ClosedJaxpr) and its output structure
    out_tree_jaxpr: Any = None
    out_tensors: list = dataclasses.field(default_factory=list)  # state tensors written, in output order
    out_generators: list = dataclasses.field(default_factory=list)
    grads: list = dataclasses.field(default_factory=list)        # (tensor, its .grad after the step)
    # grads the step replaces (set_to_none, then backward): (output index, owner, input index next call,
    # index of the owner's .grad guard). Each call binds them to new Tensor objects, as eager backward does.
    fresh: list = dataclasses.field(default_factory=list)
    write_back: list = dataclasses.field(default_factory=list)   # (output index, tensor) of the others
    before: list = dataclasses.field(default_factory=list)
    after: list = dataclasses.field(default_factory=list)
    out_tree: Any = None
    out_consts: list = dataclasses.field(default_factory=list)   # non-tensor results (trace-time constants)
    stable: bool = True      # False: the step changed the layout of state (new grads...): re-plan next call
    next_tensors: list = dataclasses.field(default_factory=list)  # the inputs of the next call

    def valid(self) -> bool:
        for container, key, expected in self.guards:
            if expected is float:
                if not isinstance(container.get(key), float):
                    return False
            elif container.get(key) is not expected:
                return False
        return True


def _split_args(args: tuple, kwargs: dict) -> tuple[list, Any, tuple]:
    """Tensor leaves of the arguments (dynamic), and a hashable description of everything else."""
    leaves, treedef = jax.tree_util.tree_flatten((args, kwargs), is_leaf=lambda x: isinstance(x, Tensor))
    tensors, statics = [], []
    for x in leaves:
        if isinstance(x, Tensor):
            tensors.append(x)
            statics.append(("T", x.requires_grad))
        else:
            try:
                hash(x)
            except TypeError:
                raise TypeError(f"jtorch.compile: argument {x!r} of type {type(x).__name__} is neither a Tensor nor "
                                "hashable; pass tensors, or hashable Python values (they are compile-time "
                                "constants)") from None
            statics.append(("S", type(x), x))
    return tensors, treedef, tuple(statics)


_ArrayImpl = type(jnp.zeros(()))


def _gen_state(g: Any) -> tuple:
    """A generator's (key, counter) as uint32 / int64 device arrays (converted once, then kept)."""
    k, c = g._key, g._counter
    if k.__class__ is not _ArrayImpl or k.dtype != jnp.uint32:
        k = g._key = jnp.asarray(k, jnp.uint32)
    if c.__class__ is not _ArrayImpl or c.dtype != jnp.int64:
        c = g._counter = jnp.asarray(c, jnp.int64)
    return k, c


def _find_fresh_grads(plan: _Plan, entry_grads: dict) -> None:
    """Split the traced step's outputs into tensors written back in place and ``.grad`` tensors the step
    replaced (``zero_grad(set_to_none=True)`` then ``backward``). Eager backward binds a new Tensor
    object there, and a reference to the old ``.grad`` keeps the old values, so each call binds new
    objects too. A grad that other state also refers to keeps the in-place write-back."""
    out_pos = {id(t): i for i, t in enumerate(plan.out_tensors)}
    next_pos = {id(t): j for j, t in enumerate(plan.next_tensors)}
    expected: dict = {}
    for n, (_, _, obj) in enumerate(plan.guards):
        expected.setdefault(id(obj), []).append(n)
    plan.fresh, kept, fresh_ids = [], [], set()
    for t, g in plan.grads:
        refs = expected.get(id(g), [])
        if (g is not None and g is not entry_grads.get(id(t)) and id(g) in out_pos and id(g) in next_pos
                and len(refs) == 1 and plan.guards[refs[0]][0] is t.__dict__):
            plan.fresh.append((out_pos[id(g)], t, next_pos[id(g)], refs[0]))
            fresh_ids.add(id(g))
        else:
            kept.append((t, g))
    plan.grads = kept
    plan.write_back = [(i, t) for i, t in enumerate(plan.out_tensors) if id(t) not in fresh_ids]


def _signature(w: _Walker, arg_ids: set) -> tuple:
    """The layout of the state: equal signatures mean the same slots in the same order."""
    return (tuple((tuple(t._v.shape), t._v.dtype, t._grad is not None) for t in w.tensors if id(t) not in arg_ids),
            len(w.generators), len(w.hypers))


class CompiledFunction:
    """The result of :func:`compile` on a function."""

    def __init__(self, fn: Callable, *, fullgraph: bool = False, dynamic: bool | None = None,
                 donate: bool | None = None) -> None:
        self.fn = fn
        self.fullgraph = fullgraph
        self.dynamic = dynamic
        self._donate = donate
        self._plans: dict = {}
        self.compilations = 0  # programs traced so far (torch: recompilations + 1)
        functools.update_wrapper(self, fn)

    def _walk(self, args: tuple, kwargs: dict) -> _Walker:
        """The state reachable from the function, its arguments and the random generators."""
        w = _Walker()
        w.root(self.fn)
        for a in jax.tree_util.tree_leaves((args, kwargs), is_leaf=lambda x: not isinstance(x, (list, tuple, dict))):
            if not isinstance(a, Tensor):
                w.root(a)
        w.root(_random.default_generator)
        for g in list(_random._cuda_generators.values()):
            w.root(g)
        return w

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        arg_tensors, treedef, statics = _split_args(args, kwargs)
        key = (treedef, statics, tuple((tuple(t.shape), t.dtype) for t in arg_tensors))
        plans = self._plans.setdefault(key, [])
        plan = next((p for p in plans if p.valid()), None)
        if plan is None:
            # a new plan beside the old ones: switching back (e.g. model.eval() then model.train()) reuses them
            plan = self._build(args, kwargs, arg_tensors, treedef, statics)
            plans.append(plan)
            del plans[:-_PLANS_PER_SIGNATURE]
        for f in plan.before:
            f()
        outs = self._run(plan, arg_tensors)
        if not plan.stable and plan in plans:
            plans.remove(plan)
        for f in plan.after:
            f()
        return outs

    def _build(self, args: tuple, kwargs: dict, arg_tensors: list, treedef: Any, statics: tuple) -> _Plan:
        w = self._walk(args, kwargs)
        arg_ids = {id(a) for a in arg_tensors}
        pre_signature = _signature(w, arg_ids)
        plan = _Plan([t for t in w.tensors if id(t) not in arg_ids], list(w.generators), list(w.hypers),
                     list(w.guards))
        self.compilations += 1
        if self.compilations > cache_size_limit:
            warnings.warn(f"jtorch.compile: {getattr(self.fn, '__name__', 'function')} has been compiled "
                          f"{self.compilations} times (cache_size_limit={cache_size_limit}); input shapes, static "
                          "arguments or the set of state keep changing", UserWarning, stacklevel=3)
        fn = self.fn
        walk = self._walk

        def program(state_vals, gen_vals, hyper_vals, arg_vals):
            saved = [(t, t._v, t._node, t._nr, t._grad) for t in plan.tensors]
            saved_gen = [(g, g._key, g._counter) for g in plan.generators]
            saved_hyper = [(d, k, d[k]) for d, k in plan.hypers]
            trace = _Trace()
            prev, _CTX.active = _CTX.active, trace
            ok = False
            try:
                for t, v in zip(plan.tensors, state_vals):
                    t._v, t._node, t._nr = v, None, 0
                    t._sv += 1
                for g, (k, c) in zip(plan.generators, gen_vals):
                    g._key, g._counter = k, c
                for (d, k), v in zip(plan.hypers, hyper_vals):
                    d[k] = v
                it = iter(arg_vals)
                leaves = []
                for st in statics:
                    if st[0] == "T":
                        x = Tensor._make(next(it))
                        if st[1]:
                            x.requires_grad_(True)
                        leaves.append(x)
                    else:
                        leaves.append(st[2])
                a, kw = jax.tree_util.tree_unflatten(treedef, leaves)
                out = fn(*a, **kw)
                # the state after the step (new grads and optimizer state appear only now)
                w2 = walk(a, kw)
                inputs = {id(t): v for t, v in zip(plan.tensors, state_vals)}
                plan.out_tensors = [t for t in w2.tensors
                                    if isinstance(t._v, jax.core.Tracer) and t._v is not inputs.get(id(t))]
                plan.out_generators = list(w2.generators)
                plan.grads = [(t, t._grad) for t in w2.tensors]
                plan.guards = list(w2.guards)
                arg_ids = {id(x) for x in leaves}
                plan.next_tensors = [t for t in w2.tensors if id(t) not in arg_ids]
                plan.stable = _signature(w2, arg_ids) == pre_signature
                _find_fresh_grads(plan, {id(t): grad for t, _, _, _, grad in saved})
                plan.before, plan.after = trace.before, trace.after
                out_leaves, plan.out_tree = jax.tree_util.tree_flatten(out, is_leaf=lambda x: isinstance(x, Tensor))
                out_vals, plan.out_consts = [], []
                for x in out_leaves:
                    if isinstance(x, Tensor):
                        out_vals.append(x._value)
                        plan.out_consts.append(None)
                    else:
                        plan.out_consts.append((x,))
                new_state = [t._v for t in plan.out_tensors]
                new_gen = [(jnp.asarray(g._key, jnp.uint32), jnp.asarray(g._counter, jnp.int64)) for g in plan.out_generators]
                ok = True
                return new_state, new_gen, out_vals
            finally:
                _CTX.active = prev
                for t, v, node, nr, grad in saved:
                    t._v, t._node, t._nr = v, node, nr
                    t._sv += 1  # views that looked during the trace must look again
                    if not ok:
                        t._grad = grad
                for g, k, c in saved_gen:
                    g._key, g._counter = k, c
                for d, k, v in saved_hyper:
                    d[k] = v

        plan.program = program  # type: ignore[attr-defined]
        return plan

    def _executable(self, plan: _Plan, mask: tuple) -> Any:
        """The jitted program for one donation mask over the state inputs: a replay of the traced jaxpr,
        so a new mask costs an XLA compile but no new trace of the Python function."""
        ex = plan.executables.get(mask)
        if ex is None:
            closed, out_tree = plan.closed, plan.out_tree_jaxpr

            def run(donated, kept, gen_vals, hyper_vals, arg_vals):
                flat = jax.tree_util.tree_leaves((_donate.merge(donated, kept, mask), gen_vals, hyper_vals, arg_vals))
                out = jax.core.eval_jaxpr(closed.jaxpr, closed.consts, *flat)
                return jax.tree_util.tree_unflatten(out_tree, out)
            once = not plan.stable and jax.default_backend() == "cpu"
            ex = plan.executables[mask] = jax.jit(run, donate_argnums=(0,) if any(mask) else (),
                                                  compiler_options=_RUN_ONCE_OPTIONS if once else None)
        return ex

    def _donation_mask(self, plan: _Plan) -> tuple:
        """Which state inputs to donate: the slots the step overwrites. The mask is read off the layout
        of the calls after this one (``next_tensors``), so the first call, whose old ``.grad`` tensors
        are replaced rather than overwritten, uses the same program as every later one."""
        if self._donate is False or (self._donate is None and not donate_state):
            return (False,) * len(plan.tensors)
        written = plan.written
        if written is None:
            written = plan.written = {id(t) for t in plan.out_tensors}
        if plan.stable and len(plan.next_tensors) == len(plan.tensors):
            fresh = {j for _, _, j, _ in plan.fresh}  # a replaced .grad is never overwritten: not donated
            return tuple(id(t) in written and j not in fresh for j, t in enumerate(plan.next_tensors))
        return tuple(id(t) in written for t in plan.tensors)

    def _run(self, plan: _Plan, arg_tensors: list) -> Any:
        # canonical dtypes, so one plan's program is traced exactly once
        gen_vals = [_gen_state(g) for g in plan.generators]
        hyper_vals = [np.float64(d[k]) for d, k in plan.hypers]
        arg_vals = [t._value for t in arg_tensors]
        if plan.closed is None:  # the one trace of the Python function for this plan
            vals = [t._v for t in plan.tensors]
            plan.closed, shapes = jax.make_jaxpr(plan.program, return_shape=True)(vals, gen_vals, hyper_vals, arg_vals)
            plan.out_tree_jaxpr = jax.tree_util.tree_structure(shapes)
            del vals
        mask = self._donation_mask(plan)
        seen: set = set()
        written = plan.written or ()
        # a donated slot gets the tensor's own array when the step overwrites that very tensor and
        # nothing else holds it; otherwise (a replaced old .grad, a shared array) a copy
        donated, kept = _donate.split([(_donate.own_value(t, seen) if id(t) in written else jnp.copy(t._value))
                                       if m else t._v for t, m in zip(plan.tensors, mask)], mask)
        new_state, new_gen, out_vals = self._executable(plan, mask)(donated, kept, gen_vals, hyper_vals, arg_vals)
        del donated
        for i, t in plan.write_back:
            t._v = new_state[i]
            t._sv += 1
            t._node = None
        for t, g in plan.grads:
            t._grad = g
        for i, owner, j, guard in plan.fresh:
            g = owner._grad = Tensor._make(new_state[i])
            plan.next_tensors[j] = g
            plan.guards[guard] = (owner.__dict__, "_grad", g)
        plan.tensors = plan.next_tensors
        for g, (k, c) in zip(plan.out_generators, new_gen):
            g._key, g._counter = k, c
        it = iter(out_vals)
        outs = [Tensor._make(next(it)) if c is None else c[0] for c in plan.out_consts]
        return jax.tree_util.tree_unflatten(plan.out_tree, outs)


def compile(model: Any = None, *, fullgraph: bool = False, dynamic: bool | None = None, backend: Any = "jax",
            mode: str | None = None, options: dict | None = None, disable: bool = False) -> Any:
    """torch.compile for functions (and modules, whose forward is compiled).

    ``backend``: only "jax" (XLA through jax.jit) — "inductor", torch's default name, is accepted as
    meaning the same. ``mode``: None, "default", "reduce-overhead", "max-autotune" and
    "max-autotune-no-cudagraphs" are accepted and all produce the same XLA program. ``dynamic=True``
    (shape-polymorphic programs) is not supported. ``fullgraph`` is accepted: jtorch never splits the
    graph silently (constructs needing concrete values raise).
    """
    if backend not in ("jax", "inductor", "eager", "aot_eager"):
        raise NotImplementedError(f"jtorch.compile: backend={backend!r} is not supported; jtorch compiles with XLA "
                                  "(backend='jax')")
    if mode not in (None, "default", "reduce-overhead", "max-autotune", "max-autotune-no-cudagraphs"):
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: default, reduce-overhead, max-autotune, "
                           "max-autotune-no-cudagraphs")
    if dynamic:
        raise NotImplementedError("jtorch.compile(dynamic=True): shape-polymorphic programs are not supported; each "
                                  "new input shape compiles its own program")
    if options:
        raise NotImplementedError(f"jtorch.compile: options {sorted(options)} are not supported")
    if model is None:
        return functools.partial(compile, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                                 options=options, disable=disable)
    if disable or backend == "eager":
        return model
    if _is_module(model):
        from .nn.modules._compiled import OptimizedModule
        return OptimizedModule(model)
    if not callable(model):
        raise RuntimeError(f"jtorch.compile: expected a function or a Module, got {type(model).__name__}")
    return CompiledFunction(model, fullgraph=fullgraph, dynamic=dynamic)


def reset() -> None:
    """torch.compiler.reset: forget compiled programs (jax's caches)."""
    jax.clear_caches()

