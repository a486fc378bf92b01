"""torch.optim vs jtorch.optim: the same steps from the same parameters and gradients, compared after
every step (parameters and optimizer state), for every optimizer and option combination; state_dict
layout and loading torch's checkpoints; error types and messages; LBFGS trajectories.

Option sets come from torch's own ``optim_db`` plus a grid over every flag of each optimizer.
"""
from __future__ import annotations

import copy
import itertools
import warnings

import jax
import numpy as np
import pytest
import torch
from torch.testing._internal.common_optimizers import OptimizerErrorEnum, optim_db

import jtorch
from jtorch.nn import Parameter

ELEMENTWISE = ["SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "Adagrad", "Adadelta", "RMSprop", "Rprop", "ASGD",
               "Adafactor"]
SHAPES = [(3, 4), (5,), (), (2, 1, 3)]
SHAPES_2D = [(3, 4), (6, 2), (5, 5)]  # Muon optimizes matrices only
STEPS = 5
TOL = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=1e-5, atol=1e-6)}


# ------------------------------------------------------------------ conversion
def to_jt(x, memo=None):
    """torch objects -> jtorch objects, keeping identity (a tensor seen twice maps to one jtorch tensor)."""
    memo = {} if memo is None else memo
    if isinstance(x, torch.Tensor):
        if id(x) not in memo:
            t = jtorch.tensor(x.detach().numpy())
            if isinstance(x, torch.nn.Parameter):
                t = Parameter(t, requires_grad=x.requires_grad)
            elif x.requires_grad:
                t.requires_grad_(True)
            if x.grad is not None:
                t.grad = jtorch.tensor(x.grad.numpy())
            memo[id(x)] = t
        return memo[id(x)]
    if isinstance(x, dict):
        return {k: to_jt(v, memo) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(to_jt(v, memo) for v in x)
    return x


def arr(t):
    return t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t.detach()._value)


def assert_tensor_same(j, t, tol, what):
    assert isinstance(j, jtorch.Tensor), f"{what}: {type(j).__name__}, torch has a Tensor"
    assert str(j.dtype) == str(t.dtype), f"{what}: dtype {j.dtype} vs torch {t.dtype}"
    assert tuple(j.shape) == tuple(t.shape), f"{what}: shape {tuple(j.shape)} vs {tuple(t.shape)}"
    np.testing.assert_allclose(arr(j), arr(t), err_msg=what, **tol)


def assert_state_same(jstate, tstate, tol, what):
    """Per-parameter state dicts: same keys in the same order, same values."""
    assert list(jstate) == list(tstate), f"{what}: state keys {list(jstate)} vs torch {list(tstate)}"
    for k, tv in tstate.items():
        jv = jstate[k]
        if isinstance(tv, torch.Tensor):
            assert_tensor_same(jv, tv, tol, f"{what}[{k!r}]")
        elif isinstance(tv, list):
            assert len(jv) == len(tv), f"{what}[{k!r}]: length {len(jv)} vs {len(tv)}"
            for i, (a, b) in enumerate(zip(jv, tv)):
                if isinstance(b, torch.Tensor):
                    assert_tensor_same(a, b, tol, f"{what}[{k!r}][{i}]")
                else:
                    assert a == b, f"{what}[{k!r}][{i}]: {a!r} vs {b!r}"
        elif isinstance(tv, float):
            np.testing.assert_allclose(float(jv), tv, err_msg=f"{what}[{k!r}]", **tol)
        else:
            assert jv == tv, f"{what}[{k!r}]: {jv!r} vs torch {tv!r}"


def assert_groups_same(jgroups, tgroups, what):
    """param_groups of a state_dict (or of optimizers with tensors replaced by indices)."""
    assert len(jgroups) == len(tgroups)
    for jg, tg in zip(jgroups, tgroups):
        assert list(jg) == list(tg), f"{what}: group keys {list(jg)} vs torch {list(tg)}"
        for k, tv in tg.items():
            jv = jg[k]
            if isinstance(tv, torch.Tensor):
                np.testing.assert_allclose(arr(jv), arr(tv), rtol=1e-7, err_msg=f"{what}[{k!r}]")
            else:
                assert jv == tv, f"{what}[{k!r}]: {jv!r} vs torch {tv!r}"


# ------------------------------------------------------------------ running both
def make_case(dtype, shapes=SHAPES, steps=STEPS, seed=0, none_at=()):
    """Initial values and per-step gradients; (step, param) pairs in ``none_at`` get no gradient."""
    rng = np.random.default_rng(seed)
    init = [rng.standard_normal(s).astype(dtype) for s in shapes]
    grads = [[None if (k, i) in none_at else rng.standard_normal(s).astype(dtype) for i, s in enumerate(shapes)]
             for k in range(steps)]
    return init, grads


def set_grads(params, grads, mod):
    for p, g in zip(params, grads):
        p.grad = None if g is None else mod.tensor(g)


def run_both(name, kwargs, dtype, *, init=None, grads=None, groups=None, check_each_step=True):
    """Build torch's and jtorch's optimizer on the same data and step both, comparing after each step.
    Returns (torch optimizer, jtorch optimizer, torch params, jtorch params)."""
    if init is None:
        init, grads = make_case(dtype, shapes=SHAPES_2D if name == "Muon" else SHAPES)
    tp = [torch.tensor(a, requires_grad=True) for a in init]
    jp = [Parameter(jtorch.tensor(a)) for a in init]
    tkw, jkw = kwargs, to_jt(kwargs)
    targ = tp if groups is None else [dict(g, params=[tp[i] for i in g["params"]]) for g in groups]
    jarg = jp if groups is None else [dict(to_jt(g), params=[jp[i] for i in g["params"]]) for g in groups]
    topt = getattr(torch.optim, name)(targ, **tkw)
    jopt = getattr(jtorch.optim, name)(jarg, **jkw)
    tol = TOL[dtype]
    if dtype == np.float64 and any(isinstance(v, torch.Tensor) for v in _flat(kwargs)):
        # torch does part of the scalar arithmetic on a float32 tensor hyper-parameter in float32;
        # jtorch reads it as a float64 number
        tol = dict(rtol=1e-7, atol=1e-9)
    for k, g in enumerate(grads):
        set_grads(tp, g, torch)
        set_grads(jp, g, jtorch)
        topt.step()
        jopt.step()
        if check_each_step or k == len(grads) - 1:
            compare_optimizers(jopt, topt, jp, tp, tol, f"{name}({kwargs}) {dtype.__name__} step {k}")
    return topt, jopt, tp, jp


def compare_optimizers(jopt, topt, jp, tp, tol, what):
    for i, (a, b) in enumerate(zip(jp, tp)):
        assert_tensor_same(a, b, tol, f"{what}: param {i}")
    assert len(jopt.state) == len(topt.state), f"{what}: {len(jopt.state)} states vs torch {len(topt.state)}"
    for i, (a, b) in enumerate(zip(jp, tp)):
        assert (a in jopt.state) == (b in topt.state), f"{what}: param {i} has state in only one of them"
        if b in topt.state:
            assert_state_same(jopt.state[a], topt.state[b], tol, f"{what}: state of param {i}")


# ------------------------------------------------------------------ optim_db: every optimizer input
def _db_cases():
    """Every optim_db input in float64; each optimizer's default and last (most options) in float32 too."""
    cases = []
    for info in optim_db:
        name = info.optim_cls.__name__
        if name in ("LBFGS", "SparseAdam"):
            continue  # closures and sparse gradients: tested below
        inputs = info.optim_inputs_func(device="cpu")
        for k, inp in enumerate(inputs):
            cases.append(pytest.param(name, inp.kwargs, np.float64, id=f"{name}-{inp.desc}-float64"))
            if k in (0, len(inputs) - 1):
                cases.append(pytest.param(name, inp.kwargs, np.float32, id=f"{name}-{inp.desc}-float32"))
    return cases


@pytest.mark.parametrize("name,kwargs,dtype", _db_cases())
def test_optim_db_inputs(name, kwargs, dtype):
    run_both(name, kwargs, dtype)


@pytest.mark.parametrize("name", ELEMENTWISE + ["Muon"])
def test_params_without_grad_are_skipped_like_torch(name):
    """A parameter whose .grad is None gets no step and no state, as in torch."""
    shapes = SHAPES_2D if name == "Muon" else SHAPES
    init, grads = make_case(np.float64, shapes=shapes, steps=4, none_at=((0, 1), (2, 1), (2, 2)))
    run_both(name, {}, np.float64, init=init, grads=grads)


# ------------------------------------------------------------------ every flag combination
GRID = {
    "SGD": dict(lr=[0.1], momentum=[0, 0.9], dampening=[0, 0.5], nesterov=[False, True], weight_decay=[0, 0.1],
                maximize=[False, True]),
    "Adam": dict(lr=[0.05], amsgrad=[False, True], weight_decay=[0, 0.1], maximize=[False, True],
                 decoupled_weight_decay=[False, True]),
    "AdamW": dict(lr=[0.05], amsgrad=[False, True], weight_decay=[0, 0.1], maximize=[False, True]),
    "Adamax": dict(lr=[0.05], weight_decay=[0, 0.1], maximize=[False, True]),
    "NAdam": dict(lr=[0.05], weight_decay=[0, 0.1], decoupled_weight_decay=[False, True], maximize=[False, True],
                  momentum_decay=[4e-3, 0.1]),
    "RAdam": dict(lr=[0.05], betas=[(0.9, 0.999), (0.5, 0.6)], weight_decay=[0, 0.1],
                  decoupled_weight_decay=[False, True], maximize=[False, True]),
    "Adagrad": dict(lr=[0.1], lr_decay=[0, 0.5], weight_decay=[0, 0.1], initial_accumulator_value=[0, 0.1],
                    maximize=[False, True]),
    "Adadelta": dict(rho=[0.9, 0.5], weight_decay=[0, 0.1], maximize=[False, True]),
    "RMSprop": dict(centered=[False, True], momentum=[0, 0.5], weight_decay=[0, 0.1], maximize=[False, True]),
    "Rprop": dict(etas=[(0.5, 1.2), (0.3, 1.5)], step_sizes=[(1e-6, 50), (1e-3, 0.05)], maximize=[False, True]),
    "ASGD": dict(t0=[1e6, 2.0], lambd=[1e-4, 0.1], weight_decay=[0, 0.1], maximize=[False, True]),
    "Adafactor": dict(eps=[(None, 1e-3), (1e-3, 1e-2)], d=[1.0, 1.5], weight_decay=[0, 0.1], maximize=[False, True]),
    "Muon": dict(nesterov=[False, True], weight_decay=[0, 0.1], adjust_lr_fn=[None, "original", "match_rms_adamw"]),
}


# options that are only numbers in the update (dynamic arguments): they do not multiply the grid, each
# combination of the static options takes the next of their values in turn
DYNAMIC = {"lr", "betas", "momentum_decay", "lr_decay", "initial_accumulator_value", "rho", "etas",
           "step_sizes", "t0", "lambd", "d"}


def _grid_cases():
    for name, grid in GRID.items():
        static = {k: v for k, v in grid.items() if k not in DYNAMIC}
        dynamic = {k: v for k, v in grid.items() if k in DYNAMIC}
        for n, values in enumerate(itertools.product(*static.values())):
            kw = dict(zip(static, values))
            kw.update({k: v[n % len(v)] for k, v in dynamic.items()})
            yield pytest.param(name, kw, id=name + "-" + "-".join(f"{k}={v}" for k, v in kw.items()))


@pytest.mark.parametrize("name,kwargs", list(_grid_cases()))
def test_flag_grid_float64(name, kwargs):
    try:
        torch.optim.SGD([torch.zeros(1, requires_grad=True)], **kwargs) if name == "SGD" else None
    except ValueError as e:  # nesterov without momentum / with dampening: jtorch must refuse it the same way
        with pytest.raises(ValueError, match=str(e)):
            jtorch.optim.SGD([Parameter(jtorch.zeros(1))], **kwargs)
        return
    run_both(name, kwargs, np.float64, check_each_step=False)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "Adagrad", "Adadelta",
                                  "RMSprop", "Rprop", "ASGD"])
def test_complex_params(name):
    kw = {"SGD": dict(momentum=0.9, weight_decay=0.1), "RMSprop": dict(centered=True, momentum=0.5)}.get(name, {})
    rng = np.random.default_rng(1)
    shapes = [(3, 2), (4,)]
    init = [(rng.standard_normal(s) + 1j * rng.standard_normal(s)).astype(np.complex128) for s in shapes]
    grads = [[(rng.standard_normal(s) + 1j * rng.standard_normal(s)).astype(np.complex128) for s in shapes]
             for _ in range(4)]
    run_both(name, kw, np.float64, init=init, grads=grads)


# ------------------------------------------------------------------ groups, schedulers, tensor hyper-parameters
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_param_groups_with_own_options(name):
    other = {"SGD": dict(lr=0.3, momentum=0.5), "Rprop": dict(lr=0.2, etas=(0.4, 1.3)),
             "Adadelta": dict(lr=0.5, rho=0.8), "ASGD": dict(lr=0.02, t0=1.0)}.get(name, dict(lr=0.02))
    groups = [{"params": [0, 2]}, dict(other, params=[1, 3])]
    topt, jopt, tp, jp = run_both(name, {"lr": 0.01} if name != "Adadelta" else {}, np.float64, groups=groups)
    tsd, jsd = topt.state_dict(), jopt.state_dict()
    assert_groups_same(jsd["param_groups"], tsd["param_groups"], name)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "NAdam", "RMSprop", "ASGD"])
def test_scheduler_changes_lr_between_steps(name):
    init, grads = make_case(np.float64, steps=6)
    tp = [torch.tensor(a, requires_grad=True) for a in init]
    jp = [Parameter(jtorch.tensor(a)) for a in init]
    kw = {"lr": 0.1, "momentum": 0.9} if name == "SGD" else {"lr": 0.1}
    topt, jopt = getattr(torch.optim, name)(tp, **kw), getattr(jtorch.optim, name)(jp, **kw)
    tsch = torch.optim.lr_scheduler.OneCycleLR(topt, max_lr=0.5, total_steps=10) if name in ("SGD", "Adam") \
        else torch.optim.lr_scheduler.StepLR(topt, 2, 0.3)
    jsch = jtorch.optim.lr_scheduler.OneCycleLR(jopt, max_lr=0.5, total_steps=10) if name in ("SGD", "Adam") \
        else jtorch.optim.lr_scheduler.StepLR(jopt, 2, 0.3)
    for k, g in enumerate(grads):
        set_grads(tp, g, torch)
        set_grads(jp, g, jtorch)
        topt.step()
        jopt.step()
        tsch.step()
        jsch.step()
        compare_optimizers(jopt, topt, jp, tp, TOL[np.float64], f"{name} with scheduler, step {k}")
        assert jsch.get_last_lr() == pytest.approx(tsch.get_last_lr(), rel=1e-12)


def test_tensor_betas_and_lr():
    run_both("Adam", {"lr": torch.tensor(0.01), "betas": (torch.tensor(0.8), torch.tensor(0.9))}, np.float32)


# ------------------------------------------------------------------ state_dict
@pytest.mark.parametrize("name", ELEMENTWISE + ["Muon"])
def test_state_dict_layout_and_loading_torch_checkpoints(name):
    dtype = np.float64
    init, grads = make_case(dtype, shapes=SHAPES_2D if name == "Muon" else SHAPES, steps=6)
    topt, jopt, tp, jp = run_both(name, {}, dtype, init=init, grads=grads[:3])
    tsd, jsd = topt.state_dict(), jopt.state_dict()
    assert list(jsd) == list(tsd) == ["state", "param_groups"]
    assert list(jsd["state"]) == list(tsd["state"]), "state is keyed by parameter index"
    for k in tsd["state"]:
        assert_state_same(jsd["state"][k], tsd["state"][k], TOL[dtype], f"{name} state_dict state {k}")
    assert_groups_same(jsd["param_groups"], tsd["param_groups"], f"{name} state_dict param_groups")
    assert repr(jopt).replace("jtorch", "torch") == repr(topt)

    # a fresh jtorch optimizer loads torch's checkpoint and continues exactly as torch does (a loaded
    # optimizer's state follows its parameters' dtype, so compare with a torch optimizer loaded the same way)
    tp = [torch.tensor(arr(p), requires_grad=True) for p in tp]
    topt = getattr(torch.optim, name)(tp)
    topt.load_state_dict(copy.deepcopy(tsd))
    jp2 = [Parameter(jtorch.tensor(arr(p))) for p in tp]
    jopt2 = getattr(jtorch.optim, name)(jp2)
    jopt2.load_state_dict(to_jt(copy.deepcopy(tsd)))
    # and jtorch's own checkpoint round-trips
    jp3 = [Parameter(jtorch.tensor(arr(p))) for p in jp]
    jopt3 = getattr(jtorch.optim, name)(jp3)
    jopt3.load_state_dict(copy.deepcopy(jopt.state_dict()))
    for k, g in enumerate(grads[3:]):
        for params, mod in ((tp, torch), (jp2, jtorch), (jp3, jtorch)):
            set_grads(params, g, mod)
        topt.step()
        jopt2.step()
        jopt3.step()
        compare_optimizers(jopt2, topt, jp2, tp, TOL[dtype], f"{name} after loading torch's state_dict, step {k}")
        compare_optimizers(jopt3, topt, jp3, tp, TOL[dtype], f"{name} after loading its own state_dict, step {k}")


def test_load_state_dict_casts_state_to_param_dtype_but_not_step():
    tp = [torch.zeros(3, dtype=torch.float64, requires_grad=True)]
    topt = torch.optim.Adam(tp)
    tp[0].grad = torch.ones(3, dtype=torch.float64)
    topt.step()
    sd = topt.state_dict()
    t32 = [torch.zeros(3, requires_grad=True)]
    topt32 = torch.optim.Adam(t32)
    topt32.load_state_dict(sd)
    j32 = [Parameter(jtorch.zeros(3))]
    jopt32 = jtorch.optim.Adam(j32)
    jopt32.load_state_dict(to_jt(sd))
    assert_state_same(jopt32.state[j32[0]], topt32.state[t32[0]], TOL[np.float32], "cast on load")


def test_state_dict_errors_match():
    tp = [torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)]
    jp = [Parameter(jtorch.zeros(2)), Parameter(jtorch.zeros(3))]
    tsd = torch.optim.SGD(tp[:1], lr=0.1).state_dict()
    for bad_t, bad_j in ((torch.optim.SGD([{"params": tp[:1]}, {"params": tp[1:]}], lr=0.1),
                          jtorch.optim.SGD([{"params": jp[:1]}, {"params": jp[1:]}], lr=0.1)),
                         (torch.optim.SGD(tp, lr=0.1), jtorch.optim.SGD(jp, lr=0.1))):
        with pytest.raises(ValueError) as te:
            bad_t.load_state_dict(tsd)
        with pytest.raises(ValueError, match=str(te.value)):
            bad_j.load_state_dict(to_jt(tsd))


# ------------------------------------------------------------------ errors from optim_db
def _flat(x):
    if isinstance(x, dict):
        return [v for item in x.values() for v in _flat(item)]
    if isinstance(x, (list, tuple)):
        return [v for item in x for v in _flat(item)]
    return [x]


def _error_cases():
    cases = []
    for info in optim_db:
        name = info.optim_cls.__name__
        for k, err in enumerate(info.optim_error_inputs_func(device="cpu", dtype=torch.float32)):
            params = err.optimizer_error_input.params
            sparse = isinstance(params, list) and any(isinstance(p, torch.Tensor) and p.is_sparse
                                                      for p in _flat(params))
            marks = [pytest.mark.skip(reason="jtorch has no sparse tensors")] if sparse else []
            cases.append(pytest.param(name, k, id=f"{name}-{k}-{err.error_type.__name__}", marks=marks))
    return cases


@pytest.mark.parametrize("name,k", _error_cases())
def test_optim_db_errors(name, k):
    info = next(i for i in optim_db if i.optim_cls.__name__ == name)
    err = info.optim_error_inputs_func(device="cpu", dtype=torch.float32)[k]
    inp = err.optimizer_error_input
    memo: dict = {}
    params = to_jt(inp.params, memo) if inp.params is not None else [Parameter(jtorch.zeros(2))]
    kwargs = to_jt(inp.kwargs, memo)
    cls = getattr(jtorch.optim, name)

    def run():
        opt = cls(params, **kwargs)
        if err.error_on == OptimizerErrorEnum.STEP_ERROR:
            opt.step()

    if issubclass(err.error_type, Warning):
        with pytest.warns(err.error_type, match=err.error_regex):
            run()
    else:
        with pytest.raises(err.error_type, match=err.error_regex):
            run()


@pytest.mark.parametrize("name,kwargs", [
    ("SGD", dict(lr=-1)), ("SGD", dict(momentum=-0.5)), ("SGD", dict(weight_decay=-1)),
    ("SGD", dict(fused=True, foreach=True)), ("Adam", dict(eps=-1)), ("Adam", dict(betas=(0.9, 1.0))),
    ("Adam", dict(betas=(0, 0.9))), ("Adam", dict(fused=True, foreach=True)), ("AdamW", dict(lr=-0.1)),
    ("Adamax", dict(eps=-1)), ("NAdam", dict(betas=(0.5, 1.5))), ("RAdam", dict(weight_decay=-0.1)),
    ("Adagrad", dict(initial_accumulator_value=-1)), ("Adagrad", dict(eps=-1)), ("Adadelta", dict(eps=-1)),
    ("RMSprop", dict(alpha=-1)), ("RMSprop", dict(eps=-1)), ("Rprop", dict(etas=(0.5, 0.9))),
    ("ASGD", dict(lr=-1)), ("SparseAdam", dict(lr=0.0)), ("SparseAdam", dict(eps=0.0)),
    ("SparseAdam", dict(betas=(1.0, 0.5))), ("LBFGS", dict(lr=-1)),
])
def test_constructor_errors(name, kwargs):
    with pytest.raises(Exception) as te:
        getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kwargs)
    with pytest.raises(te.type, match=str(te.value).replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        getattr(jtorch.optim, name)([Parameter(jtorch.zeros(2))], **kwargs)


def test_add_param_group_errors_match():
    tp, jp = [torch.zeros(2, requires_grad=True)], [Parameter(jtorch.zeros(2))]
    topt, jopt = torch.optim.SGD(tp), jtorch.optim.SGD(jp)
    cases = [({"params": tp}, {"params": jp}),  # already in a group
             ({"params": set(tp)}, {"params": set(jp)}),  # unordered
             ({"params": [torch.zeros(2, requires_grad=True).mul(2)]}, {"params": [Parameter(jtorch.zeros(2)).mul(2)]}),
             ("nope", "nope"), ({"params": [1.0]}, {"params": [1.0]})]
    for tg, jg in cases:
        with pytest.raises(Exception) as te:
            topt.add_param_group(tg)
        with pytest.raises(te.type, match=str(te.value)[:40].replace("(", r"\(").replace(")", r"\)")):
            jopt.add_param_group(jg)

    from torch.optim.optimizer import required as t_required

    from jtorch.optim.optimizer import required as j_required

    class Req(torch.optim.Optimizer):
        def __init__(self, params):
            super().__init__(params, {"lr": t_required})

    class JReq(jtorch.optim.Optimizer):
        def __init__(self, params):
            super().__init__(params, {"lr": j_required})

    with pytest.raises(ValueError) as te:
        Req(tp)
    with pytest.raises(ValueError, match=str(te.value)):
        JReq(jp)


# ------------------------------------------------------------------ SparseAdam
def test_sparse_adam_rejects_dense_gradients_like_torch():
    tp, jp = [torch.zeros(3, requires_grad=True)], [Parameter(jtorch.zeros(3))]
    tp[0].grad, jp[0].grad = torch.ones(3), jtorch.ones(3)
    with pytest.raises(RuntimeError) as te:
        torch.optim.SparseAdam(tp).step()
    with pytest.raises(RuntimeError, match=str(te.value)):
        jtorch.optim.SparseAdam(jp).step()
    with pytest.raises(ValueError) as te:
        torch.optim.SparseAdam([torch.zeros(2, dtype=torch.complex64, requires_grad=True)])
    with pytest.raises(ValueError, match=r"Complex params at indices \[\[0, 0\]\]"):
        jtorch.optim.SparseAdam([Parameter(jtorch.zeros(2, dtype=jtorch.complex64))])


@pytest.mark.parametrize("maximize", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_sparse_adam_functional_matches_torch_sparse_gradients(maximize, dtype):
    """Dense gradients whose zeros are the entries a sparse gradient leaves out (torch: grad.to_sparse())."""
    from torch.optim._functional import sparse_adam as t_sparse_adam

    from jtorch.optim._functional import sparse_adam as j_sparse_adam
    rng = np.random.default_rng(3)
    init = [rng.standard_normal((4, 3)).astype(dtype), rng.standard_normal(6).astype(dtype)]
    tp = [torch.tensor(a) for a in init]
    jp = [jtorch.tensor(a) for a in init]
    tm, tv = [torch.zeros_like(p) for p in tp], [torch.zeros_like(p) for p in tp]
    jm, jv = [jtorch.zeros_like(p) for p in jp], [jtorch.zeros_like(p) for p in jp]
    for step in range(1, 5):
        gs = [(rng.standard_normal(a.shape) * (rng.random(a.shape) < 0.5)).astype(dtype) for a in init]
        kw = dict(eps=1e-8, beta1=0.9, beta2=0.99, lr=0.05, maximize=maximize)
        t_sparse_adam(tp, [torch.tensor(g).to_sparse() for g in gs], tm, tv, [step] * 2, **kw)
        j_sparse_adam(jp, [jtorch.tensor(g) for g in gs], jm, jv, [step] * 2, **kw)
        for group_j, group_t, what in ((jp, tp, "param"), (jm, tm, "exp_avg"), (jv, tv, "exp_avg_sq")):
            for a, b in zip(group_j, group_t):
                assert_tensor_same(a, b, TOL[dtype], f"sparse_adam {what} step {step}")


# ------------------------------------------------------------------ LBFGS
def rosenbrock(m, x):
    a, b = x[:-1], x[1:]
    return ((1 - a) ** 2 + 100 * (b - a ** 2) ** 2).sum()


def regression(m, w, b, X, y):
    return ((X @ w + b - y) ** 2).mean()


def _lbfgs_problem(kind, m, params, data):
    def closure():
        for p in params:
            p.grad = None
        loss = rosenbrock(m, params[0]) if kind == "rosenbrock" else regression(m, *params, *data)
        loss.backward()
        return loss
    return closure


@pytest.mark.parametrize("kind", ["rosenbrock", "regression"])
@pytest.mark.parametrize("kwargs", [{}, {"line_search_fn": "strong_wolfe"}, {"history_size": 3, "max_iter": 7},
                                    {"lr": 0.1, "tolerance_grad": 1e-3}, {"max_iter": 4, "max_eval": 6,
                                                                          "line_search_fn": "strong_wolfe"},
                                    {"lr": 0.5, "tolerance_change": 1e-4}], ids=str)
def test_lbfgs_trajectories(kind, kwargs):
    rng = np.random.default_rng(5)
    if kind == "rosenbrock":
        init, data = [np.array([-1.5, 2.0, 0.5, -0.3])], []
    else:
        X = rng.standard_normal((20, 3))
        init, data = [np.zeros(3), np.zeros(())], [X, X @ np.array([1.0, -2.0, 0.5]) + 0.3]
    tp = [torch.tensor(a, requires_grad=True) for a in init]
    jp = [Parameter(jtorch.tensor(a)) for a in init]
    topt, jopt = torch.optim.LBFGS(tp, **kwargs), jtorch.optim.LBFGS(jp, **kwargs)
    tclosure = _lbfgs_problem(kind, torch, tp, [torch.tensor(d) for d in data])
    jclosure = _lbfgs_problem(kind, jtorch, jp, [jtorch.tensor(d) for d in data])
    for k in range(3):
        tl, jl = topt.step(tclosure), jopt.step(jclosure)
        np.testing.assert_allclose(float(jl), float(tl), rtol=1e-9, atol=1e-12)
        what = f"LBFGS {kind} {kwargs} step {k}"
        for a, b in zip(jp, tp):
            assert_tensor_same(a, b, dict(rtol=1e-8, atol=1e-10), what)
        assert_state_same(jopt.state[jp[0]], topt.state[tp[0]], dict(rtol=1e-7, atol=1e-9), what)
    jsd, tsd = jopt.state_dict(), topt.state_dict()
    assert list(jsd["state"]) == list(tsd["state"]) == [0]
    assert_groups_same(jsd["param_groups"], tsd["param_groups"], "LBFGS param_groups")


def test_lbfgs_float32_rosenbrock_close_to_torch():
    init = np.array([-1.2, 1.0], np.float32)
    tp, jp = [torch.tensor(init, requires_grad=True)], [Parameter(jtorch.tensor(init))]
    kw = {"line_search_fn": "strong_wolfe", "max_iter": 10}
    topt, jopt = torch.optim.LBFGS(tp, **kw), jtorch.optim.LBFGS(jp, **kw)
    tclosure, jclosure = _lbfgs_problem("rosenbrock", torch, tp, []), _lbfgs_problem("rosenbrock", jtorch, jp, [])
    for _ in range(2):
        topt.step(tclosure)
        jopt.step(jclosure)
    np.testing.assert_allclose(arr(jp[0]), arr(tp[0]), rtol=1e-3, atol=1e-4)


def test_lbfgs_with_tensor_lr_matches_torch():
    init = np.array([-1.5, 2.0])
    tp, jp = [torch.tensor(init, requires_grad=True)], [Parameter(jtorch.tensor(init))]
    topt = torch.optim.LBFGS(tp, lr=torch.tensor(0.001))
    jopt = jtorch.optim.LBFGS(jp, lr=jtorch.tensor(0.001))
    tclosure, jclosure = _lbfgs_problem("rosenbrock", torch, tp, []), _lbfgs_problem("rosenbrock", jtorch, jp, [])
    for _ in range(2):
        topt.step(tclosure)
        jopt.step(jclosure)
    np.testing.assert_allclose(arr(jp[0]), arr(tp[0]), rtol=1e-6)


# ------------------------------------------------------------------ closures and step bookkeeping
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_step_with_closure_returns_its_loss_and_matches(name):
    init = np.array([-1.5, 2.0, 0.3])
    tp, jp = [torch.tensor(init, requires_grad=True)], [Parameter(jtorch.tensor(init))]
    topt, jopt = getattr(torch.optim, name)(tp, lr=0.01), getattr(jtorch.optim, name)(jp, lr=0.01)
    for _ in range(3):
        with torch.no_grad():
            tl = topt.step(_lbfgs_problem("rosenbrock", torch, tp, []))
        with jtorch.no_grad():
            jl = jopt.step(_lbfgs_problem("rosenbrock", jtorch, jp, []))
        np.testing.assert_allclose(float(jl), float(tl), rtol=1e-12)
        assert_tensor_same(jp[0], tp[0], TOL[np.float64], name)


# ------------------------------------------------------------------ under jax.jit
@pytest.mark.parametrize("name,kwargs", [(n, {}) for n in ELEMENTWISE + ["Muon"]] + [
    ("SGD", dict(momentum=0.9, nesterov=True, weight_decay=0.1, maximize=True)),
    ("Adafactor", dict(weight_decay=0.1, eps=(1e-3, 1e-3))),
    ("Adam", dict(amsgrad=True, weight_decay=0.1)), ("NAdam", dict(weight_decay=0.1, decoupled_weight_decay=True)),
    ("RMSprop", dict(centered=True, momentum=0.5)), ("ASGD", dict(t0=1.0))], ids=str)
def test_step_under_jit_matches_torch(name, kwargs):
    """A jitted function wraps param/grad arrays in Tensors, builds the optimizer, steps, returns params."""
    init, grads = make_case(np.float32, shapes=SHAPES_2D if name == "Muon" else SHAPES)

    def train(params, grad_seq):
        ps = [Parameter(jtorch.Tensor._make(v)) for v in params]
        opt = getattr(jtorch.optim, name)(ps, **kwargs)
        for gs in grad_seq:
            for p, g in zip(ps, gs):
                p.grad = jtorch.Tensor._make(g)
            opt.step()
        return [p._value for p in ps]

    jitted = jax.jit(train)(init, grads)
    eager = train([jax.numpy.asarray(a) for a in init], grads)
    tp = [torch.tensor(a, requires_grad=True) for a in init]
    topt = getattr(torch.optim, name)(tp, **kwargs)
    for gs in grads:
        set_grads(tp, gs, torch)
        topt.step()
    for j, e, t in zip(jitted, eager, tp):
        np.testing.assert_allclose(np.asarray(j), arr(t), **TOL[np.float32])
        np.testing.assert_allclose(np.asarray(j), np.asarray(e), rtol=1e-6, atol=1e-7)


def test_zero_grad_matches_torch():
    for set_to_none in (True, False):
        tp, jp = [torch.ones(2, requires_grad=True)], [Parameter(jtorch.ones(2))]
        topt, jopt = torch.optim.SGD(tp, lr=0.1), jtorch.optim.SGD(jp, lr=0.1)
        tp[0].grad, jp[0].grad = torch.ones(2), jtorch.ones(2)
        topt.zero_grad(set_to_none=set_to_none)
        jopt.zero_grad(set_to_none=set_to_none)
        assert (jp[0].grad is None) == (tp[0].grad is None)
        if tp[0].grad is not None:
            np.testing.assert_array_equal(arr(jp[0].grad), arr(tp[0].grad))


def test_duplicate_params_warn_like_torch():
    t = torch.zeros(2, requires_grad=True)
    j = Parameter(jtorch.zeros(2))
    with warnings.catch_warnings(record=True) as tw:
        warnings.simplefilter("always")
        torch.optim.SGD([t, t], lr=0.1)
    with warnings.catch_warnings(record=True) as jw:
        warnings.simplefilter("always")
        jtorch.optim.SGD([j, j], lr=0.1)
    assert [str(w.message) for w in jw] == [str(w.message) for w in tw]
