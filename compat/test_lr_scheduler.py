"""torch.optim.lr_scheduler vs jtorch.optim.lr_scheduler: the lr (and momentum) sequence over enough
epochs to pass every phase, the warnings raised on the way, state_dict contents, and resuming from a
state_dict, for every scheduler and option set."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch

import jtorch


def make_opt(m, name="SGD", lrs=(0.1, 0.05), **kw):
    """An optimizer over one small parameter per group, one group per lr."""
    groups = [{"params": [m.zeros(2, requires_grad=True)], "lr": lr} for lr in lrs]
    if name == "SGD":
        kw.setdefault("momentum", 0.9)
    return getattr(m.optim, name)(groups, **kw)


def S(m):
    return m.optim.lr_scheduler


def lam(epoch):
    return 0.95 ** epoch


def lam2(epoch):
    return 1.0 / (1 + epoch)


class Lambda:
    """A callable object: its __dict__ goes into the state_dict."""

    def __init__(self, factor):
        self.factor = factor

    def __call__(self, epoch):
        return self.factor ** epoch


# (id, optimizer name, optimizer kwargs, scheduler builder, epochs)
CASES = [
    ("LambdaLR", "SGD", {}, lambda m, o: S(m).LambdaLR(o, lam), 12),
    ("LambdaLR-per-group", "SGD", {}, lambda m, o: S(m).LambdaLR(o, [lam, lam2]), 12),
    ("LambdaLR-object", "SGD", {}, lambda m, o: S(m).LambdaLR(o, Lambda(0.9)), 6),
    ("MultiplicativeLR", "SGD", {}, lambda m, o: S(m).MultiplicativeLR(o, lambda e: 0.9), 10),
    ("StepLR", "SGD", {}, lambda m, o: S(m).StepLR(o, step_size=3, gamma=0.5), 12),
    ("MultiStepLR", "SGD", {}, lambda m, o: S(m).MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3), 12),
    ("ConstantLR", "SGD", {}, lambda m, o: S(m).ConstantLR(o, factor=0.25, total_iters=4), 8),
    ("LinearLR", "SGD", {}, lambda m, o: S(m).LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=5), 9),
    ("LinearLR-decay", "SGD", {}, lambda m, o: S(m).LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=4), 7),
    ("ExponentialLR", "SGD", {}, lambda m, o: S(m).ExponentialLR(o, gamma=0.8), 10),
    ("PolynomialLR", "SGD", {}, lambda m, o: S(m).PolynomialLR(o, total_iters=6, power=2.0), 9),
    ("PolynomialLR-linear", "SGD", {}, lambda m, o: S(m).PolynomialLR(o, total_iters=4), 6),
    ("CosineAnnealingLR", "SGD", {}, lambda m, o: S(m).CosineAnnealingLR(o, T_max=5, eta_min=0.001), 23),
    ("CosineAnnealingLR-no-min", "Adam", {}, lambda m, o: S(m).CosineAnnealingLR(o, T_max=3), 10),
    ("SequentialLR", "SGD", {}, lambda m, o: S(m).SequentialLR(
        o, [S(m).LinearLR(o, start_factor=0.1, total_iters=3), S(m).ExponentialLR(o, gamma=0.9),
            S(m).StepLR(o, step_size=2, gamma=0.5)], milestones=[3, 7]), 14),
    ("ChainedScheduler", "SGD", {}, lambda m, o: S(m).ChainedScheduler(
        [S(m).ConstantLR(o, factor=0.5, total_iters=3), S(m).ExponentialLR(o, gamma=0.9)]), 8),
    ("CyclicLR-triangular", "SGD", {}, lambda m, o: S(m).CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3), 14),
    ("CyclicLR-triangular2", "SGD", {}, lambda m, o: S(m).CyclicLR(
        o, base_lr=[0.01, 0.02], max_lr=[0.1, 0.2], step_size_up=2, step_size_down=3, mode="triangular2"), 16),
    ("CyclicLR-exp_range", "SGD", {}, lambda m, o: S(m).CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=2, mode="exp_range", gamma=0.9), 12),
    ("CyclicLR-scale_fn-iterations", "SGD", {}, lambda m, o: S(m).CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=2, scale_fn=lam, scale_mode="iterations"), 10),
    ("CyclicLR-adam-betas", "Adam", {}, lambda m, o: S(m).CyclicLR(
        o, base_lr=0.001, max_lr=0.01, step_size_up=2, base_momentum=0.7, max_momentum=0.95), 9),
    ("CyclicLR-no-momentum", "Adagrad", {}, lambda m, o: S(m).CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=2, cycle_momentum=False), 8),
    ("OneCycleLR-cos", "SGD", {}, lambda m, o: S(m).OneCycleLR(o, max_lr=1.0, total_steps=12), 12),
    ("OneCycleLR-linear-three-phase", "SGD", {}, lambda m, o: S(m).OneCycleLR(
        o, max_lr=[1.0, 0.5], epochs=3, steps_per_epoch=5, anneal_strategy="linear", three_phase=True,
        pct_start=0.25), 15),
    ("OneCycleLR-adam-betas", "AdamW", {}, lambda m, o: S(m).OneCycleLR(
        o, max_lr=0.01, total_steps=10, div_factor=10.0, final_div_factor=100.0, base_momentum=0.8), 10),
    ("OneCycleLR-no-momentum", "Adagrad", {}, lambda m, o: S(m).OneCycleLR(
        o, max_lr=0.1, total_steps=8, cycle_momentum=False), 8),
    ("CosineAnnealingWarmRestarts", "SGD", {}, lambda m, o: S(m).CosineAnnealingWarmRestarts(o, T_0=3), 14),
    ("CosineAnnealingWarmRestarts-T_mult", "SGD", {}, lambda m, o: S(m).CosineAnnealingWarmRestarts(
        o, T_0=2, T_mult=2, eta_min=0.001), 20),
]


def record(opt, sched, epochs, step=None):
    """Run the usual loop; return the observed sequence and the warnings' messages."""
    seq = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch in range(epochs):
            opt.step()
            if step is None:
                sched.step()
            else:
                step(sched, epoch)
            seq.append(observe(opt, sched))
    return seq, [str(w.message) for w in caught]


def observe(opt, sched):
    groups = []
    for g in opt.param_groups:
        groups.append({k: _plain(g[k]) for k in ("lr", "momentum", "betas", "initial_lr", "max_lr", "min_lr")
                       if k in g})
    return {"last_lr": _plain(sched.get_last_lr()), "groups": groups, "last_epoch": getattr(sched, "last_epoch", None)}


def _plain(x):
    if isinstance(x, (list, tuple)):
        return type(x)(_plain(v) for v in x)
    if isinstance(x, (torch.Tensor, jtorch.Tensor)):
        return float(x)
    return x


def assert_close(j, t, what):
    if isinstance(t, dict):
        assert list(j) == list(t), f"{what}: keys {list(j)} vs torch {list(t)}"
        for k in t:
            assert_close(j[k], t[k], f"{what}[{k!r}]")
    elif isinstance(t, (list, tuple)):
        assert len(j) == len(t), f"{what}: {j!r} vs torch {t!r}"
        for i, (a, b) in enumerate(zip(j, t)):
            assert_close(a, b, f"{what}[{i}]")
    elif isinstance(t, float):
        assert j == pytest.approx(t, rel=1e-12, abs=1e-15), f"{what}: {j!r} vs torch {t!r}"
    else:
        assert j == t, f"{what}: {j!r} vs torch {t!r}"


def state_values(sd):
    """A scheduler state_dict without the objects that cannot be compared across libraries."""
    out = {}
    for k, v in sd.items():
        if k == "_schedulers":
            out[k] = [state_values(s) for s in v]
        elif callable(v) or k in ("_scale_fn_ref",):
            out[k] = "<callable>"
        elif k == "milestones":
            out[k] = dict(v)
        else:
            out[k] = _plain(v)
    return out


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_lr_sequence_matches_torch(case):
    _, opt_name, opt_kw, build, epochs = case
    topt, jopt = make_opt(torch, opt_name, **opt_kw), make_opt(jtorch, opt_name, **opt_kw)
    tsched, jsched = build(torch, topt), build(jtorch, jopt)
    assert_close(observe(jopt, jsched), observe(topt, tsched), "after construction")
    tseq, twarn = record(topt, tsched, epochs)
    jseq, jwarn = record(jopt, jsched, epochs)
    assert_close(jseq, tseq, case[0])
    assert jwarn == twarn
    assert_close(state_values(jsched.state_dict()), state_values(tsched.state_dict()), "state_dict")


@pytest.mark.parametrize("case", [c for c in CASES if c[0] not in ("LambdaLR-object",)], ids=lambda c: c[0])
def test_resume_from_state_dict(case):
    """Stop half-way, rebuild optimizer and scheduler, load both state_dicts, continue: same as torch."""
    _, opt_name, opt_kw, build, epochs = case
    results = []
    for m in (torch, jtorch):
        opt = make_opt(m, opt_name, **opt_kw)
        sched = build(m, opt)
        record(opt, sched, epochs // 2)
        osd, ssd = opt.state_dict(), sched.state_dict()
        opt2 = make_opt(m, opt_name, **opt_kw)
        sched2 = build(m, opt2)
        opt2.load_state_dict(osd)
        sched2.load_state_dict(ssd)
        results.append(record(opt2, sched2, epochs - epochs // 2)[0])
    assert_close(results[1], results[0], case[0] + " resumed")


def test_warns_when_scheduler_steps_before_optimizer():
    msgs = []
    for m in (torch, jtorch):
        opt = make_opt(m)
        sched = S(m).StepLR(opt, 2)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sched.step()
            sched.get_lr()  # outside step(): torch tells users to call get_last_lr()
        msgs.append([str(w.message) for w in caught])
    assert msgs[1] == msgs[0]
    assert len(msgs[0]) == 2 and "before `optimizer.step()`" in msgs[0][0]


def test_warns_when_optimizer_step_is_replaced():
    msgs = []
    for m in (torch, jtorch):
        opt = make_opt(m)
        sched = S(m).StepLR(opt, 2)
        opt.step = lambda closure=None: None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            opt.step()
            sched.step()
        msgs.append([str(w.message) for w in caught])
    assert msgs[1] == msgs[0] and "overridden" in msgs[0][0]


@pytest.mark.parametrize("name,build", [
    ("StepLR", lambda m, o: S(m).StepLR(o, 3, 0.5)), ("MultiStepLR", lambda m, o: S(m).MultiStepLR(o, [2, 4])),
    ("ExponentialLR", lambda m, o: S(m).ExponentialLR(o, 0.7)), ("ConstantLR", lambda m, o: S(m).ConstantLR(o)),
    ("LinearLR", lambda m, o: S(m).LinearLR(o)), ("PolynomialLR", lambda m, o: S(m).PolynomialLR(o, 4, 2.0)),
    ("CosineAnnealingLR", lambda m, o: S(m).CosineAnnealingLR(o, 6, 0.01)),
    ("LambdaLR", lambda m, o: S(m).LambdaLR(o, lam)), ("MultiplicativeLR", lambda m, o: S(m).MultiplicativeLR(o, lam)),
])
def test_deprecated_epoch_argument(name, build):
    """step(epoch) uses the closed form where there is one, and warns."""
    epochs = [1, 2, 5, 3, 7, 7, 0]
    out = []
    for m in (torch, jtorch):
        opt = make_opt(m)
        sched = build(m, opt)
        out.append(record(opt, sched, len(epochs), step=lambda s, i: s.step(epochs[i])))
    assert_close(out[1][0], out[0][0], name)
    assert out[1][1] == out[0][1] and len(out[0][1]) == len(epochs)


@pytest.mark.parametrize("T_mult", [1, 2, 3])
def test_cosine_warm_restarts_fractional_epochs(T_mult):
    iters = 4
    out = []
    for m in (torch, jtorch):
        opt = make_opt(m)
        sched = S(m).CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=T_mult, eta_min=0.01)
        out.append(record(opt, sched, 12 * iters, step=lambda s, i: s.step(i // iters + (i % iters) / iters)))
    assert_close(out[1][0], out[0][0], f"T_mult={T_mult}")
    assert out[1][1] == out[0][1]


PLATEAU_METRICS = [1.0, 0.9, 0.95, 0.95, 0.95, 0.8, 0.8, 0.81, 0.82, 0.83, 0.84, 0.5, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0,
                   1.0, 1.0, 1.0, 1.0]


@pytest.mark.parametrize("kw", [
    {}, {"mode": "max"}, {"patience": 1}, {"patience": 1, "threshold_mode": "abs", "threshold": 0.05},
    {"mode": "max", "threshold_mode": "abs", "threshold": 0.01, "patience": 0},
    {"patience": 0, "cooldown": 2, "factor": 0.5}, {"patience": 0, "min_lr": [0.02, 0.004], "factor": 0.3},
    {"patience": 0, "min_lr": 0.03, "eps": 0.01}, {"patience": 2, "factor": 0.5, "cooldown": 1, "mode": "max"},
], ids=str)
def test_reduce_lr_on_plateau(kw):
    out, sds = [], []
    for m in (torch, jtorch):
        opt = make_opt(m)
        sched = S(m).ReduceLROnPlateau(opt, **kw)
        out.append(record(opt, sched, len(PLATEAU_METRICS), step=lambda s, i: s.step(PLATEAU_METRICS[i])))
        sds.append(state_values(sched.state_dict()))
    assert_close(out[1][0], out[0][0], f"ReduceLROnPlateau({kw})")
    assert_close(sds[1], sds[0], "state_dict")


def test_reduce_lr_on_plateau_tensor_metric_and_epoch():
    out = []
    for m in (torch, jtorch):
        opt = make_opt(m)
        sched = S(m).ReduceLROnPlateau(opt, patience=0)
        out.append(record(opt, sched, 4, step=lambda s, i: s.step(m.tensor(1.0), epoch=i + 10)))
    assert_close(out[1][0], out[0][0], "tensor metric")
    assert out[1][1] == out[0][1] and len(out[0][1]) == 4


def test_scheduler_on_tensor_lr_fills_in_place():
    out = []
    for m in (torch, jtorch):
        p = m.zeros(2, requires_grad=True)
        opt = m.optim.Adam([p], lr=m.tensor(0.01))
        lr_obj = opt.param_groups[0]["lr"]
        sched = S(m).ExponentialLR(opt, 0.5)
        seq, _ = record(opt, sched, 4)
        assert opt.param_groups[0]["lr"] is lr_obj
        assert isinstance(sched.get_last_lr()[0], m.Tensor)
        out.append(seq)
    assert_close(out[1], out[0], "tensor lr")


@pytest.mark.parametrize("make", [
    lambda m, o: S(m).StepLR(o, 1, last_epoch=3),
    lambda m, o: S(m).ReduceLROnPlateau(o, factor=1.5),
    lambda m, o: S(m).ReduceLROnPlateau(o, mode="avg"),
    lambda m, o: S(m).ReduceLROnPlateau(o, threshold_mode="x"),
    lambda m, o: S(m).ReduceLROnPlateau(o, min_lr=[0.1]),
    lambda m, o: S(m).ConstantLR(o, factor=2.0),
    lambda m, o: S(m).LinearLR(o, start_factor=0.0),
    lambda m, o: S(m).LinearLR(o, end_factor=1.5),
    lambda m, o: S(m).LambdaLR(o, [lam]),
    lambda m, o: S(m).MultiplicativeLR(o, [lam, 3]),
    lambda m, o: S(m).CyclicLR(o, 0.1, 1.0, mode="nope"),
    lambda m, o: S(m).CyclicLR(o, [0.1], 1.0),
    lambda m, o: S(m).CyclicLR(m.optim.Adagrad([m.zeros(1, requires_grad=True)]), 0.1, 1.0),
    lambda m, o: S(m).OneCycleLR(o, 1.0),
    lambda m, o: S(m).OneCycleLR(o, 1.0, total_steps=0),
    lambda m, o: S(m).OneCycleLR(o, 1.0, epochs=0, steps_per_epoch=2),
    lambda m, o: S(m).OneCycleLR(o, 1.0, total_steps=10, pct_start=1),
    lambda m, o: S(m).OneCycleLR(o, 1.0, total_steps=10, anneal_strategy="cubic"),
    lambda m, o: S(m).CosineAnnealingWarmRestarts(o, T_0=0),
    lambda m, o: S(m).CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0),
    lambda m, o: S(m).CosineAnnealingWarmRestarts(o, T_0=2, eta_min="0"),
    lambda m, o: S(m).SequentialLR(o, [], []),
    lambda m, o: S(m).SequentialLR(o, [S(m).StepLR(o, 1)], [2]),
    lambda m, o: S(m).SequentialLR(o, [S(m).ReduceLROnPlateau(o), S(m).StepLR(o, 1)], [2]),
    lambda m, o: S(m).ChainedScheduler([]),
    lambda m, o: S(m).ChainedScheduler([S(m).StepLR(o, 1), S(m).StepLR(make_opt(m), 1)]),
    lambda m, o: S(m).StepLR(object(), 1),
])
def test_constructor_errors_match(make):
    with pytest.raises(Exception) as te:
        make(torch, make_opt(torch))
    with pytest.raises(te.type) as je:
        make(jtorch, make_opt(jtorch))
    assert str(je.value).replace("jtorch", "torch").split(" has <")[0] == str(te.value).split(" has <")[0]


def test_onecycle_stepping_past_total_steps_raises_like_torch():
    errs = []
    for m in (torch, jtorch):
        opt = make_opt(m)
        sched = S(m).OneCycleLR(opt, 1.0, total_steps=3)
        record(opt, sched, 2)
        with pytest.raises(ValueError) as e:
            record(opt, sched, 2)
        errs.append(str(e.value))
    assert errs[1] == errs[0]


def test_get_last_lr_and_base_lrs():
    for m in (torch, jtorch):
        opt = make_opt(m, lrs=(0.3, 0.2))
        sched = S(m).StepLR(opt, 1, 0.5)
        record(opt, sched, 2)
        assert sched.base_lrs == [0.3, 0.2]
        assert sched.get_last_lr() == pytest.approx([0.075, 0.05])
        assert [g["initial_lr"] for g in opt.param_groups] == [0.3, 0.2]
        assert math.isclose(opt.param_groups[0]["lr"], 0.075)
        assert np.isclose(sched.last_epoch, 2)
