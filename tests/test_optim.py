"""jtorch.optim without torch: fused-update compilation counts, parameter rebinding, jax.jit parity,
hooks, state_dict round trips, errors, LBFGS, schedulers' closed forms."""
from __future__ import annotations

import copy
import math
import pickle
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jtorch
from jtorch.nn import Parameter
from jtorch.optim import lr_scheduler
from jtorch.optim.optimizer import TRACE_COUNT

ELEMENTWISE = ["SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "Adagrad", "Adadelta", "RMSprop", "Rprop", "ASGD"]


def params(*shapes, seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    return [Parameter(jtorch.tensor(rng.standard_normal(s).astype(dtype))) for s in shapes]


def set_grads(ps, seed=1, value=None):
    rng = np.random.default_rng(seed)
    for p in ps:
        p.grad = jtorch.tensor(rng.standard_normal(tuple(p.shape)).astype(np.float32) if value is None
                               else np.full(tuple(p.shape), value, np.float32))


def values(ps):
    return [np.array(p.detach()._value, copy=True) for p in ps]


# ------------------------------------------------------------------ one compiled program, dynamic hyper-parameters
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_changing_lr_never_recompiles(name):
    ps = params((3, 4), (5,))
    opt = getattr(jtorch.optim, name)(ps, lr=0.1)
    sched = lr_scheduler.ExponentialLR(opt, gamma=0.5)
    set_grads(ps)
    opt.step()
    sched.step()
    traced = TRACE_COUNT[0]
    for k in range(4):
        set_grads(ps, seed=k + 2)
        opt.step()
        sched.step()
        opt.param_groups[0]["lr"] *= 1.5  # users write lr as a plain float too
    assert TRACE_COUNT[0] == traced, "a new lr must not trace a new program"
    assert isinstance(opt.param_groups[0]["lr"], float)


def test_changing_betas_weight_decay_eps_never_recompiles():
    ps = params((4,))
    opt = jtorch.optim.AdamW(ps, weight_decay=0.1)
    set_grads(ps)
    opt.step()
    traced = TRACE_COUNT[0]
    before = values(ps)
    g = opt.param_groups[0]
    g["betas"], g["weight_decay"], g["eps"] = (0.5, 0.9), 0.3, 1e-3
    opt.step()
    assert TRACE_COUNT[0] == traced
    assert not np.allclose(values(ps)[0], before[0])


def test_static_options_retrace_once_each():
    ps = params((4,))
    opt = jtorch.optim.Adam(ps)
    set_grads(ps)
    opt.step()
    n = TRACE_COUNT[0]
    opt.param_groups[0]["weight_decay"] = 0.1  # 0 -> nonzero changes the program (torch branches on it too)
    opt.step()
    assert TRACE_COUNT[0] == n + 1
    opt.param_groups[0]["weight_decay"] = 0.2
    opt.step()
    assert TRACE_COUNT[0] == n + 1


def test_params_without_grad_are_skipped_and_the_cache_keys_on_them():
    ps = params((2, 2), (3,), (4,))
    opt = jtorch.optim.Adam(ps, lr=0.1)
    set_grads(ps)
    ps[1].grad = None
    before = values(ps)
    opt.step()
    after = values(ps)
    assert np.array_equal(after[1], before[1]) and not np.array_equal(after[0], before[0])
    assert ps[1] not in opt.state and len(opt.state) == 2
    n = TRACE_COUNT[0]
    set_grads(ps)  # now all three have grads: a new program
    opt.step()
    assert TRACE_COUNT[0] == n + 1
    assert float(opt.state[ps[1]]["step"]) == 1.0 and float(opt.state[ps[0]]["step"]) == 2.0
    ps[1].grad = None  # back to the first set: the first program again
    opt.step()
    assert TRACE_COUNT[0] == n + 1


def test_step_rebinds_parameters_in_place():
    p = params((3,))[0]
    view, data = p[1:], p.data
    state_before = None
    opt = jtorch.optim.SGD([p], lr=0.5, momentum=0.9)
    for k in range(3):
        p.grad = jtorch.ones(3)
        v0 = p._version
        opt.step()
        assert p._version > v0, "an optimizer step bumps the version like an in-place update"
        buf = opt.state[p]["momentum_buffer"]
        if state_before is not None:
            assert buf is state_before, "state tensors are updated in place, not replaced"
        state_before = buf
    assert p.is_leaf and p.requires_grad and p.grad_fn is None and isinstance(p, Parameter)
    np.testing.assert_allclose(np.asarray(view._value), values([p])[0][1:])
    np.testing.assert_allclose(np.asarray(data._value), values([p])[0])


@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_step_donates_only_buffers_nothing_else_holds(name):
    p = jtorch.nn.Parameter(jtorch.randn(64, 3, 3, 3))
    opt = getattr(jtorch.optim, name)([p], lr=0.1, **({"momentum": 0.9} if name == "SGD" else {}))
    p.grad = jtorch.ones_like(p)
    opt.step()
    ptr = p._v.unsafe_buffer_pointer()
    grad = p.grad._v
    opt.step()
    assert p._v.unsafe_buffer_pointer() == ptr, "the parameter's buffer is reused for its update"
    assert not grad.is_deleted(), ".grad is read, never donated"
    held = p._v  # a raw array referenced elsewhere must survive the step with its value
    before = np.asarray(held).copy()
    opt.step()
    assert not held.is_deleted()
    np.testing.assert_array_equal(np.asarray(held), before)
    saved = jtorch.randn(5, requires_grad=True)
    q = jtorch.nn.Parameter(jtorch.randn(5))
    loss = (q * saved).sum()  # q's array is saved for backward: no donation, and torch's in-place error
    q.grad = jtorch.ones(5)
    jtorch.optim.SGD([q], lr=0.1).step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_holding_an_array_neither_loses_it_nor_recompiles():
    ps = params((4, 4), (4,))
    opt = jtorch.optim.Adam(ps)
    set_grads(ps)
    opt.step()
    n = TRACE_COUNT[0]
    view = ps[0].detach().numpy()  # a numpy view of the parameter's buffer: the step donates a copy instead
    before = view.copy()
    opt.step()
    np.testing.assert_array_equal(view, before)
    assert not np.array_equal(ps[0].detach().numpy(), before)
    del view
    for _ in range(3):
        opt.step()
    assert TRACE_COUNT[0] == n, "who else holds an array never changes the program"


def test_step_runs_without_recording_even_with_grad_enabled():
    p = params((3,))[0]
    opt = jtorch.optim.Adam([p])
    p.grad = jtorch.ones(3)
    with jtorch.enable_grad():
        opt.step()
    assert p.grad_fn is None and p.is_leaf


# ------------------------------------------------------------------ under jax.jit
@pytest.mark.parametrize("name,kwargs", [(n, {}) for n in ELEMENTWISE] + [
    ("SGD", dict(momentum=0.9, dampening=0.1, weight_decay=0.1)), ("Adam", dict(amsgrad=True, maximize=True)),
    ("RAdam", dict(weight_decay=0.1, decoupled_weight_decay=True)), ("Adagrad", dict(lr_decay=0.1)),
    ("RMSprop", dict(centered=True, momentum=0.5))], ids=str)
def test_step_under_jit_equals_eager(name, kwargs):
    rng = np.random.default_rng(0)
    init = [rng.standard_normal(s).astype(np.float32) for s in ((3, 4), (5,), ())]
    grads = [[rng.standard_normal(a.shape).astype(np.float32) for a in init] for _ in range(4)]

    def train(vals, grad_seq):
        ps = [Parameter(jtorch.Tensor._make(v)) for v in vals]
        opt = getattr(jtorch.optim, name)(ps, **kwargs)
        sched = lr_scheduler.StepLR(opt, 2, 0.5)
        for gs in grad_seq:
            for p, g in zip(ps, gs):
                p.grad = jtorch.Tensor._make(g)
            opt.step()
            sched.step()
        return [p._value for p in ps], {k: v._value for k, v in opt.state[ps[0]].items()
                                        if isinstance(v, jtorch.Tensor)}

    jp, js = jax.jit(train)(init, grads)
    ep, es = train([jnp.asarray(a) for a in init], grads)
    for a, b in zip(jp, ep):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6, atol=1e-7)
    assert sorted(js) == sorted(es)
    for k in es:
        np.testing.assert_allclose(np.asarray(js[k]), np.asarray(es[k]), rtol=1e-6, atol=1e-7)


def test_optimizer_state_as_jit_inputs_and_outputs():
    """A compiled training step takes the optimizer state in and hands it back (what jtorch.compile does)."""
    ps = params((3,), (2, 2))
    opt = jtorch.optim.Adam(ps, lr=0.1)
    set_grads(ps)
    opt.step()
    keys = list(opt.state[ps[0]])

    def pure(pvals, gvals, svals, lr):
        for p, v, g, s in zip(ps, pvals, gvals, svals):
            p._v = v
            p.grad = jtorch.Tensor._make(g)
            for k in keys:
                opt.state[p][k]._v = s[k]
        opt.param_groups[0]["lr"] = lr  # a traced lr: a dynamic argument of the fused update
        opt.step()
        return [p._value for p in ps], [{k: opt.state[p][k]._value for k in keys} for p in ps]

    snapshot = [(p._value, {k: opt.state[p][k]._value for k in keys}) for p in ps]
    gvals = [jnp.full(p.shape, 0.5, jnp.float32) for p in ps]
    jit_p, jit_s = jax.jit(pure)([s[0] for s in snapshot], gvals, [s[1] for s in snapshot], 0.05)
    for p, (v, st) in zip(ps, snapshot):  # restore and run eagerly
        p._v = v
        for k in keys:
            opt.state[p][k]._v = st[k]
    eager_p, eager_s = pure([s[0] for s in snapshot], gvals, [s[1] for s in snapshot], 0.05)
    for a, b in zip(jit_p, eager_p):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6)
    assert float(eager_s[0]["step"]) == 2.0 and float(jit_s[0]["step"]) == 2.0


def test_lbfgs_refuses_tracing():
    def f(v):
        p = Parameter(jtorch.Tensor._make(v))
        opt = jtorch.optim.LBFGS([p])

        def closure():
            opt.zero_grad()
            loss = (p * p).sum()
            loss.backward()
            return loss
        opt.step(closure)
        return p._value

    with pytest.raises(RuntimeError, match="LBFGS.step needs concrete values"):
        jax.jit(f)(jnp.ones(3))


# ------------------------------------------------------------------ closures, LBFGS, small training loops
def rosenbrock_closure(opt, x):
    def closure():
        opt.zero_grad()
        a, b = x[:-1], x[1:]
        loss = ((1 - a) ** 2 + 100 * (b - a ** 2) ** 2).sum()
        loss.backward()
        return loss
    return closure


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_minimizes_rosenbrock(line_search_fn):
    x = Parameter(jtorch.tensor([-1.5, 2.0], dtype=jtorch.float64))
    opt = jtorch.optim.LBFGS([x], lr=1 if line_search_fn else 0.1, max_iter=50, line_search_fn=line_search_fn,
                             history_size=10)
    closure = rosenbrock_closure(opt, x)
    first = float(closure())
    for _ in range(30 if line_search_fn else 60):
        loss = opt.step(closure)
    assert float(loss) < first * 1e-3
    if line_search_fn:
        np.testing.assert_allclose(np.asarray(x._value), [1.0, 1.0], atol=1e-3)
    st = opt.state[x]
    assert st["n_iter"] > 0 and st["func_evals"] >= st["n_iter"]
    assert len(opt.state) == 1 and len(st["old_dirs"]) <= 10


def test_lbfgs_rejects_groups_and_unknown_line_search():
    ps = params((2,), (2,))
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        jtorch.optim.LBFGS([{"params": ps[:1]}, {"params": ps[1:]}])
    opt = jtorch.optim.LBFGS(ps[:1], line_search_fn="backtracking")
    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(rosenbrock_closure(opt, ps[0]))


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_closure_loss_is_returned_and_runs_with_grad(name):
    x = Parameter(jtorch.tensor([0.5, -0.5]))
    opt = getattr(jtorch.optim, name)([x], lr=0.01)
    closure = rosenbrock_closure(opt, x)
    with jtorch.no_grad():
        loss = opt.step(closure)
    assert isinstance(loss, jtorch.Tensor) and x.grad is not None
    assert float(loss) == pytest.approx(0.5 ** 2 + 100 * (-0.5 - 0.25) ** 2, rel=1e-6)


@pytest.mark.parametrize("name,kwargs", [("SGD", dict(lr=0.1, momentum=0.9)), ("Adam", dict(lr=0.05)),
                                         ("RMSprop", dict(lr=0.01)), ("Adagrad", dict(lr=0.5)),
                                         ("NAdam", dict(lr=0.05)), ("RAdam", dict(lr=0.1))])
def test_linear_regression_converges(name, kwargs):
    rng = np.random.default_rng(0)
    X = jtorch.tensor(rng.standard_normal((64, 3)).astype(np.float32))
    y = X @ jtorch.tensor([1.0, -2.0, 0.5]) + 0.3
    w, b = Parameter(jtorch.zeros(3)), Parameter(jtorch.zeros(()))
    opt = getattr(jtorch.optim, name)([w, b], **kwargs)
    for _ in range(200):
        opt.zero_grad()
        loss = ((X @ w + b - y) ** 2).mean()
        loss.backward()
        opt.step()
    assert float(loss) < 1e-2
    np.testing.assert_allclose(np.asarray(w._value), [1.0, -2.0, 0.5], atol=0.1)


# ------------------------------------------------------------------ base class: groups, zero_grad, repr, hooks
def test_param_groups_defaults_and_add_param_group():
    ps = params((2,), (3,), (4,))
    opt = jtorch.optim.SGD([{"params": ps[0]}, {"params": [ps[1]], "lr": 0.5}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.defaults["momentum"] == 0.9 and opt.param_groups[1]["momentum"] == 0.9
    opt.add_param_group({"params": ps[2], "weight_decay": 0.1})
    assert opt.param_groups[2]["params"] == [ps[2]] and opt.param_groups[2]["weight_decay"] == 0.1
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        opt.add_param_group({"params": [ps[0]]})
    with pytest.raises(TypeError, match="ordered collections"):
        opt.add_param_group({"params": {Parameter(jtorch.zeros(1))}})
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        opt.add_param_group({"params": [ps[0] * 2]})
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        jtorch.optim.SGD([])
    with pytest.raises(TypeError, match="should be an iterable of Tensors or dicts"):
        jtorch.optim.SGD(ps[0])
    with pytest.warns(UserWarning, match="duplicate parameters"):
        jtorch.optim.SGD([ps[0], ps[0]])


def test_named_parameters_record_param_names():
    ps = params((2,), (3,))
    opt = jtorch.optim.Adam([("w", ps[0]), ("b", ps[1])])
    assert opt.param_groups[0]["param_names"] == ["w", "b"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["w", "b"]
    with pytest.raises(ValueError, match="cannot add param group without names"):
        opt.add_param_group({"params": [Parameter(jtorch.zeros(1))]})


@pytest.mark.parametrize("kwargs,err,match", [
    (dict(lr=-1), ValueError, "Invalid learning rate: -1"),
    (dict(lr=jtorch.tensor([0.1, 0.2])), ValueError, "Tensor lr must be 1-element"),
    (dict(momentum=-1), ValueError, "Invalid momentum value: -1"),
    (dict(nesterov=True), ValueError, "Nesterov momentum requires a momentum and zero dampening"),
    (dict(differentiable=True), NotImplementedError, "differentiable=True"),
    (dict(fused=True, differentiable=True), RuntimeError, "`fused` does not support `differentiable`"),
    (dict(fused=True, foreach=True), RuntimeError, "`fused` and `foreach` cannot be `True` together."),
])
def test_sgd_argument_errors(kwargs, err, match):
    with pytest.raises(err, match=match):
        jtorch.optim.SGD(params((2,)), **kwargs)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_differentiable_is_refused(name):
    with pytest.raises(NotImplementedError, match="differentiable"):
        getattr(jtorch.optim, name)(params((2,)), differentiable=True)


@pytest.mark.parametrize("flag", ["foreach", "fused", "capturable"])
def test_implementation_switches_change_nothing(flag):
    """foreach / fused / capturable select torch implementations; jtorch has one, with the same numbers."""
    out = []
    for on in (False, True):
        ps = params((5,))
        opt = jtorch.optim.Adam(ps, **{flag: on})
        for k in range(3):
            set_grads(ps, seed=k)
            opt.step()
        out.append(values(ps)[0])
    np.testing.assert_array_equal(out[0], out[1])


def test_sparse_adam_refuses_dense_grads():
    ps = params((3,))
    opt = jtorch.optim.SparseAdam(ps)
    set_grads(ps)
    with pytest.raises(RuntimeError, match="SparseAdam does not support dense gradients"):
        opt.step()


def test_sparse_adam_functional_updates_only_nonzero_entries():
    from jtorch.optim._functional import sparse_adam
    p = jtorch.tensor([1.0, 2.0, 3.0])
    m, v = jtorch.zeros(3), jtorch.zeros(3)
    sparse_adam([p], [jtorch.tensor([0.5, 0.0, -1.0])], [m], [v], [1], eps=1e-8, beta1=0.9, beta2=0.999, lr=0.1,
                maximize=False)
    out = np.asarray(p._value)
    assert out[1] == 2.0 and np.asarray(m._value)[1] == 0.0
    np.testing.assert_allclose(out[[0, 2]], [0.9, 3.1], rtol=1e-5)


def test_zero_grad():
    ps = params((2,), (3,))
    opt = jtorch.optim.SGD(ps)
    set_grads(ps, value=1.0)
    opt.zero_grad(set_to_none=False)
    assert all(np.array_equal(np.asarray(p.grad._value), np.zeros(p.shape)) for p in ps)
    opt.zero_grad()
    assert all(p.grad is None for p in ps)


def test_repr_like_torch():
    opt = jtorch.optim.Adam(params((2,)), lr=0.01)
    lines = repr(opt).split("\n")
    assert lines[:4] == ["Adam (", "Parameter Group 0", "    amsgrad: False", "    betas: (0.9, 0.999)"]
    assert "    lr: 0.01" in lines and lines[-1] == ")"


def test_step_hooks():
    ps = params((2,))
    opt = jtorch.optim.SGD(ps, lr=1.0)
    calls = []
    h1 = opt.register_step_pre_hook(lambda o, a, k: calls.append(("pre", o is opt)))
    h2 = opt.register_step_post_hook(lambda o, a, k: calls.append(("post", o is opt)))
    g1 = jtorch.optim.optimizer.register_optimizer_step_pre_hook(lambda o, a, k: calls.append(("gpre", True)))
    g2 = jtorch.optim.optimizer.register_optimizer_step_post_hook(lambda o, a, k: calls.append(("gpost", True)))
    set_grads(ps)
    opt.step()
    assert calls == [("gpre", True), ("pre", True), ("post", True), ("gpost", True)]
    for h in (h1, h2, g1, g2):
        h.remove()
    calls.clear()
    opt.step()
    assert calls == []

    # a pre hook may replace the arguments: here it supplies a closure
    opt.register_step_pre_hook(lambda o, a, k: (a, {"closure": lambda: jtorch.tensor(7.0)}))
    assert float(opt.step()) == 7.0
    opt.register_step_pre_hook(lambda o, a, k: "bad")
    with pytest.raises(RuntimeError, match="must return None or a tuple of"):
        opt.step()


def test_state_dict_hooks():
    ps = params((2,))
    opt = jtorch.optim.Adam(ps)
    seen = []
    opt.register_state_dict_pre_hook(lambda o: seen.append("pre"))
    opt.register_state_dict_post_hook(lambda o, sd: dict(sd, extra=1))
    opt.register_state_dict_pre_hook(lambda o: seen.append("first"), prepend=True)
    sd = opt.state_dict()
    assert seen == ["first", "pre"] and sd["extra"] == 1

    def drop_lr(o, sd):
        sd["param_groups"][0]["lr"] = 0.5
    opt.register_load_state_dict_pre_hook(drop_lr)
    opt.register_load_state_dict_post_hook(lambda o: seen.append("loaded"))
    opt.load_state_dict({"state": {}, "param_groups": sd["param_groups"]})
    assert opt.param_groups[0]["lr"] == 0.5 and seen[-1] == "loaded"
    assert opt.param_groups[0]["params"] == ps


# ------------------------------------------------------------------ state_dict
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_state_dict_round_trip_continues_identically(name):
    kw = {"lr": 0.01, "momentum": 0.9} if name == "SGD" else {"lr": 0.01}
    ps = params((3, 2), (4,))
    opt = getattr(jtorch.optim, name)(ps, **kw)
    for k in range(2):
        set_grads(ps, seed=k)
        opt.step()
    sd = pickle.loads(pickle.dumps(opt.state_dict()))
    assert sorted(sd["state"]) == [0, 1] and sd["param_groups"][0]["params"] == [0, 1]
    if name != "SGD":
        step = sd["state"][0]["step"]
        assert isinstance(step, jtorch.Tensor) and step.dtype == jtorch.float32 and step.dim() == 0
    ps2 = [Parameter(p.detach().clone()) for p in ps]
    opt2 = getattr(jtorch.optim, name)(ps2, **kw)
    opt2.load_state_dict(sd)
    for k in range(2, 4):
        set_grads(ps, seed=k)
        set_grads(ps2, seed=k)
        opt.step()
        opt2.step()
    for a, b in zip(values(ps), values(ps2)):
        np.testing.assert_array_equal(a, b)


def test_load_state_dict_errors():
    ps = params((2,), (2,))
    sd = jtorch.optim.SGD(ps[:1]).state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        jtorch.optim.SGD([{"params": ps[:1]}, {"params": ps[1:]}]).load_state_dict(sd)
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        jtorch.optim.SGD(ps).load_state_dict(sd)


def test_deepcopy_and_pickle_of_optimizer():
    ps = params((3,))
    opt = jtorch.optim.Adam(ps)
    set_grads(ps)
    opt.step()
    clone = copy.deepcopy(opt)
    assert float(clone.state[clone.param_groups[0]["params"][0]]["step"]) == 1.0
    opt2 = pickle.loads(pickle.dumps(opt))
    set_grads(opt2.param_groups[0]["params"])
    opt2.step()  # hooks and patched step survive unpickling
    assert float(opt2.state[opt2.param_groups[0]["params"][0]]["step"]) == 2.0


def test_float64_default_dtype_makes_float64_steps():
    prev = jtorch.get_default_dtype()
    jtorch.set_default_dtype(jtorch.float64)
    try:
        ps = params((2,), dtype=np.float64)
        opt = jtorch.optim.NAdam(ps)
        ps[0].grad = jtorch.ones(2, dtype=jtorch.float64)
        opt.step()
        assert opt.state[ps[0]]["step"].dtype == jtorch.float64
        assert opt.state[ps[0]]["mu_product"].dtype == jtorch.float64
    finally:
        jtorch.set_default_dtype(prev)


def test_mixed_dtypes_and_complex_in_one_group():
    ps = [Parameter(jtorch.ones(3, dtype=jtorch.float64)), Parameter(jtorch.ones(2)),
          Parameter(jtorch.ones(2, dtype=jtorch.complex64))]
    opt = jtorch.optim.Adam(ps, lr=0.1)
    for p in ps[:2]:
        p.grad = jtorch.ones_like(p)
    ps[2].grad = jtorch.tensor(np.full(2, 1 - 2j, np.complex64))  # real and imaginary parts step separately
    opt.step()
    assert [p.dtype for p in ps] == [jtorch.float64, jtorch.float32, jtorch.complex64]
    np.testing.assert_allclose(np.asarray(ps[0]._value), 0.9, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(ps[2]._value), 0.9 + 0.1j, rtol=1e-5)


# ------------------------------------------------------------------ schedulers (closed forms)
def _run(sched_factory, epochs, lr=1.0):
    opt = jtorch.optim.SGD(params((1,)), lr=lr)
    sched = sched_factory(opt)
    out = []
    for _ in range(epochs):
        opt.step()
        sched.step()
        out.append(sched.get_last_lr()[0])
    return out


def test_step_and_multistep_lr():
    assert _run(lambda o: lr_scheduler.StepLR(o, 2, 0.5), 5) == pytest.approx([1, 0.5, 0.5, 0.25, 0.25])
    assert _run(lambda o: lr_scheduler.MultiStepLR(o, [1, 3], 0.1), 4) == pytest.approx([0.1, 0.1, 0.01, 0.01])


def test_cosine_annealing_matches_closed_form():
    got = _run(lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.1), 10)
    want = [0.1 + 0.9 * (1 + math.cos(math.pi * e / 10)) / 2 for e in range(1, 11)]
    assert got == pytest.approx(want, rel=1e-9)


def test_onecycle_reaches_max_and_ends_at_min():
    opt = jtorch.optim.SGD(params((1,)), lr=0.1, momentum=0.9)
    sched = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10, pct_start=0.3)
    lrs, moms = [opt.param_groups[0]["lr"]], [opt.param_groups[0]["momentum"]]
    for _ in range(9):
        opt.step()
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
        moms.append(opt.param_groups[0]["momentum"])
    assert lrs[0] == pytest.approx(1.0 / 25) and max(lrs) == pytest.approx(1.0)
    assert lrs[-1] == pytest.approx(1.0 / 25 / 1e4) and min(moms) == pytest.approx(0.85)


def test_reduce_lr_on_plateau():
    opt = jtorch.optim.SGD(params((1,)), lr=1.0)
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=1, factor=0.5)
    for metric in [1.0, 1.0, 1.0, 0.5, 0.5, 0.5]:
        opt.step()
        sched.step(metric)
    assert sched.get_last_lr() == [0.25]


def test_scheduler_warning_before_optimizer_step():
    opt = jtorch.optim.SGD(params((1,)), lr=1.0)
    sched = lr_scheduler.StepLR(opt, 1)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
        sched.step()
