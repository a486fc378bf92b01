"""jtorch.compile: compiled training steps equal eager ones, state is lifted completely, and
recompilation happens only when it must."""
import copy

import numpy as np
import pytest

import jtorch as torch
import jtorch.nn as nn


def _data(n=8, d=4, k=3, seed=0):
    rng = np.random.default_rng(seed)
    return torch.tensor(rng.standard_normal((n, d)).astype(np.float32)), torch.tensor(rng.integers(0, k, n))


def _mlp(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 16), nn.Linear(16, 3))


def _make_step(model, opt, sched=None, clip=None):
    def step(x, y):
        opt.zero_grad()
        out = model(x)
        loss = (out - y[:, None].float()).pow(2).mean()
        loss.backward()
        if clip is not None:
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        if sched is not None:
            sched.step()
        return loss
    return step


OPTIMIZERS = [
    lambda p: torch.optim.SGD(p, lr=0.05),
    lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
    lambda p: torch.optim.Adam(p, lr=1e-2),
    lambda p: torch.optim.AdamW(p, lr=1e-2, amsgrad=True),
    lambda p: torch.optim.RMSprop(p, lr=1e-2, centered=True, momentum=0.5),
    lambda p: torch.optim.Adagrad(p, lr=0.1),
]


@pytest.mark.parametrize("k", range(len(OPTIMIZERS)))
def test_compiled_equals_eager(k):
    x, y = _data()
    m1 = _mlp()
    m2 = copy.deepcopy(m1)
    o1, o2 = OPTIMIZERS[k](m1.parameters()), OPTIMIZERS[k](m2.parameters())
    eager = _make_step(m1, o1)
    compiled = torch.compile(_make_step(m2, o2))
    for _ in range(4):
        le = eager(x, y)
        lc = compiled(x, y)
        np.testing.assert_allclose(lc.item(), le.item(), rtol=1e-5, atol=1e-6)
    for (n, p1), p2 in zip(m1.named_parameters(), m2.parameters()):
        np.testing.assert_allclose(p2.detach().numpy(), p1.detach().numpy(), rtol=1e-5, atol=1e-6, err_msg=n)
        np.testing.assert_allclose(p2.grad.numpy(), p1.grad.numpy(), rtol=1e-5, atol=1e-6, err_msg=n)
    s1, s2 = o1.state_dict()["state"], o2.state_dict()["state"]
    assert s1.keys() == s2.keys()
    for i in s1:
        for key in s1[i]:
            np.testing.assert_allclose(np.asarray(s2[i][key]), np.asarray(s1[i][key]), rtol=1e-5, atol=1e-6)
    assert compiled.compilations <= 2  # the first step creates grads and optimizer state, then it is stable


def test_scheduler_changes_lr_without_recompiling():
    x, y = _data()
    m1 = _mlp()
    m2 = copy.deepcopy(m1)
    o1, o2 = torch.optim.SGD(m1.parameters(), lr=0.1), torch.optim.SGD(m2.parameters(), lr=0.1)
    s1 = torch.optim.lr_scheduler.StepLR(o1, step_size=1, gamma=0.5)
    s2 = torch.optim.lr_scheduler.StepLR(o2, step_size=1, gamma=0.5)
    eager = _make_step(m1, o1, s1)
    compiled = torch.compile(_make_step(m2, o2, s2))
    for _ in range(5):
        le, lc = eager(x, y), compiled(x, y)
        np.testing.assert_allclose(lc.item(), le.item(), rtol=1e-5, atol=1e-7)
        assert o2.param_groups[0]["lr"] == o1.param_groups[0]["lr"]
    assert s2.get_last_lr() == s1.get_last_lr()
    assert compiled.compilations <= 2


def test_gradient_accumulation_and_clipping():
    x, y = _data()
    m1 = _mlp()
    m2 = copy.deepcopy(m1)
    o1, o2 = torch.optim.SGD(m1.parameters(), lr=0.1), torch.optim.SGD(m2.parameters(), lr=0.1)

    def make(model, opt):
        def step(x, y):
            opt.zero_grad()
            for part in (slice(0, 4), slice(4, 8)):  # two micro-batches
                ((model(x[part]) - y[part, None].float()) ** 2).mean().backward()
            nn.utils.clip_grad_norm_(model.parameters(), 0.5)
            opt.step()
        return step
    eager, compiled = make(m1, o1), torch.compile(make(m2, o2))
    for _ in range(3):
        eager(x, y)
        compiled(x, y)
    for p1, p2 in zip(m1.parameters(), m2.parameters()):
        np.testing.assert_allclose(p2.detach().numpy(), p1.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_linear_backward_gives_grads_in_both_modes():
    torch.manual_seed(0)
    lin = nn.Linear(3, 2)
    x = torch.ones(5, 3)

    def f(x):
        lin.zero_grad()
        lin(x).sum().backward()
    torch.compile(f)(x)
    assert lin.weight.grad is not None and lin.bias.grad is not None
    np.testing.assert_allclose(lin.weight.grad.numpy(), np.full((2, 3), 5.0))
    np.testing.assert_allclose(lin.bias.grad.numpy(), np.full((2,), 5.0))


def test_buffer_written_inside_keeps_value():
    class Counter(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("count", torch.zeros((), dtype=torch.int64))
            self.lin = nn.Linear(2, 2)

        def forward(self, x):
            self.count += 1
            return self.lin(x)
    m = Counter()
    f = torch.compile(lambda x: m(x).sum())
    for _ in range(3):
        f(torch.ones(1, 2))
    assert m.count.item() == 3


def test_write_through_view_reaches_base():
    t = torch.zeros(3, 4)

    def f(v):
        t.t()[1].add_(v)
        t[:, 0] = 5.0
    c = torch.compile(f)
    c(torch.ones(3))
    c(torch.ones(3))
    expected = np.zeros((3, 4), np.float32)
    expected[:, 1] = 2
    expected[:, 0] = 5
    np.testing.assert_array_equal(t.numpy(), expected)


def test_random_state_matches_eager_and_advances():
    def f(x):
        return x + torch.rand(3)
    torch.manual_seed(7)
    eager = [f(torch.zeros(3)).numpy() for _ in range(3)]
    torch.manual_seed(7)
    c = torch.compile(f)
    compiled = [c(torch.zeros(3)).numpy() for _ in range(3)]
    for e, k in zip(eager, compiled):
        np.testing.assert_allclose(k, e)
    assert not np.allclose(compiled[0], compiled[1])


def test_recompiles_on_new_shapes_only():
    w = torch.ones(4)
    c = torch.compile(lambda x: (x * w).sum())
    for _ in range(3):
        c(torch.ones(4))
    assert c.compilations == 1
    c(torch.ones(2, 4))
    assert c.compilations == 2
    c(torch.ones(4))
    assert c.compilations == 2


def test_train_eval_switch_retraces_and_reuses_plans():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 64), nn.Dropout(0.5))
    c = torch.compile(lambda x: model(x))
    x = torch.ones(2, 4)
    train_out = c(x).numpy()
    assert (train_out == 0).any()  # dropout active in train mode
    model.eval()
    with torch.no_grad():
        expected = model[0](x).numpy()
    np.testing.assert_allclose(c(x).numpy(), expected, rtol=1e-6)  # eval: no dropout
    assert c.compilations == 2
    model.train()
    assert (c(x).numpy() == 0).any()
    model.eval()
    np.testing.assert_allclose(c(x).numpy(), expected, rtol=1e-6)
    assert c.compilations == 2  # both plans were kept


@pytest.mark.parametrize("body, what", [
    (lambda x: x.sum().item(), "Tensor.item()"),
    (lambda x: 1 if x.sum() > 0 else 0, "bool(tensor)"),
    (lambda x: torch.nonzero(x), "nonzero"),
    (lambda x: x[x > 0], "boolean mask"),
])
def test_constructs_needing_values_raise_clearly(body, what):
    c = torch.compile(body)
    with pytest.raises(RuntimeError, match="concrete value|traced"):
        c(torch.ones(3))


def test_compiled_module_behaves_as_module():
    torch.manual_seed(0)
    m = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    cm = torch.compile(m)
    x = torch.ones(2, 3)
    np.testing.assert_allclose(cm(x).detach().numpy(), m(x).detach().numpy(), rtol=1e-6)
    cm(x).sum().backward()
    g = m[0].weight.grad.clone()
    m.zero_grad()
    m(x).sum().backward()
    np.testing.assert_allclose(g.numpy(), m[0].weight.grad.numpy(), rtol=1e-6)
    assert list(cm.state_dict()) == list(m.state_dict())
    assert cm.parameters().__next__() is m[0].weight
    cm.eval()
    assert not m.training


def test_compile_arguments():
    f = lambda x: x * 2  # noqa: E731
    assert torch.compile(f, mode="max-autotune")(torch.ones(1)).item() == 2
    assert torch.compile(f, backend="inductor", fullgraph=True)(torch.ones(1)).item() == 2
    with pytest.raises(NotImplementedError, match="backend"):
        torch.compile(f, backend="tensorrt")
    with pytest.raises(NotImplementedError, match="dynamic"):
        torch.compile(f, dynamic=True)
    with pytest.raises(RuntimeError, match="mode"):
        torch.compile(f, mode="fastest")
    assert torch.compile(f, disable=True) is f
    deco = torch.compile(fullgraph=True)(f)
    assert deco(torch.ones(1)).item() == 2


def test_overwritten_state_is_donated_and_shared_arrays_are_not():
    torch.manual_seed(0)
    model = nn.Linear(64, 64)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = torch.ones(8, 64)  # read-only state of the same shape class as nothing: must survive every call
    step = torch.compile(_make_step(model, opt))
    y = torch.zeros(8, dtype=torch.int64)
    step(x, y)
    step(x, y)
    ptr = model.weight._v.unsafe_buffer_pointer()
    step(x, y)
    assert model.weight._v.unsafe_buffer_pointer() == ptr, "a parameter nothing else holds is updated in place"
    # a raw array held elsewhere (here: a local) is never donated; it keeps its value
    held = model.weight._v
    before = np.asarray(held).copy()
    step(x, y)
    assert not held.is_deleted()
    np.testing.assert_array_equal(np.asarray(held), before)
    assert not x._v.is_deleted() and not y._v.is_deleted()  # inputs are read, never donated


def test_captured_read_only_tensor_with_a_parameter_shape_survives():
    torch.manual_seed(0)
    lin = nn.Linear(4, 4, bias=False)
    const = torch.ones(4, 4)  # same shape and dtype as the weight, only read
    opt = torch.optim.SGD(lin.parameters(), lr=0.1)

    def step():
        opt.zero_grad()
        loss = (lin(const) * const).sum()
        loss.backward()
        opt.step()
        return loss
    c = torch.compile(step)
    for _ in range(3):
        c()
    np.testing.assert_array_equal(const.numpy(), np.ones((4, 4), np.float32))


def test_donation_can_be_switched_off():
    from jtorch.compiler import CompiledFunction
    torch.manual_seed(0)
    model = nn.Linear(4, 4)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = _data()
    step = CompiledFunction(_make_step(model, opt), donate=False)
    step(x, y)
    step(x, y)
    ptr = model.weight._v.unsafe_buffer_pointer()
    step(x, y)
    assert model.weight._v.unsafe_buffer_pointer() != ptr


def test_held_arrays_never_add_programs():
    torch.manual_seed(0)
    model = nn.Linear(4, 4)
    opt = torch.optim.Adam(model.parameters(), lr=0.1)
    x, y = _data()
    step = torch.compile(_make_step(model, opt))
    step(x, y)
    step(x, y)
    held = model.weight.detach().numpy()  # pins the weight's buffer: the step donates a copy of it
    before = held.copy()
    old_grad = model.weight.grad  # a .grad reference taken before the step stays readable
    step(x, y)
    np.testing.assert_array_equal(held, before)
    assert np.isfinite(old_grad.numpy()).all()
    step(x, y)
    plans = [p for ps in step._plans.values() for p in ps]
    assert all(len(p.executables) == 1 for p in plans)


@pytest.mark.parametrize("set_to_none", [True, False])
def test_grad_objects_follow_eager(set_to_none):
    # set_to_none: backward binds a new .grad, and a reference to the old one keeps the old values;
    # zeroing in place: the same .grad object is zeroed and accumulated into, its values change
    results = []
    for compiled in (False, True):
        torch.manual_seed(0)
        model = nn.Linear(4, 3)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        x, y = _data()

        def step():
            opt.zero_grad(set_to_none=set_to_none)
            (model(x) - y[:, None].float()).pow(2).mean().backward()
            opt.step()
        fn = torch.compile(step) if compiled else step
        fn()
        seen = []
        for _ in range(3):
            old, old_vals = model.weight.grad, model.weight.grad.numpy().copy()
            fn()
            seen.append((model.weight.grad is old, bool(np.array_equal(old.numpy(), old_vals))))
        results.append(seen)
        if compiled:
            assert all(len(p.executables) == 1 for ps in fn._plans.values() for p in ps)
            assert fn.compilations == 2  # the first call's layout (no grads, no state yet), then the steady one
    assert results[1] == results[0]
    assert results[0][0] == ((False, True) if set_to_none else (True, False))


def test_grad_kept_in_other_state_is_written_in_place():
    # a .grad the step also stores elsewhere (here on the module) stays one object, updated every call
    torch.manual_seed(0)
    model = nn.Linear(4, 3)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = _data()

    def step():
        opt.zero_grad()
        (model(x) - y[:, None].float()).pow(2).mean().backward()
        model.last_grad = model.weight.grad
        opt.step()
    eager_model = copy.deepcopy(model)
    eager_opt = torch.optim.SGD(eager_model.parameters(), lr=0.1)
    fn = torch.compile(step)
    for _ in range(3):
        fn()
        eager_opt.zero_grad()
        (eager_model(x) - y[:, None].float()).pow(2).mean().backward()
        eager_opt.step()
        assert model.last_grad is model.weight.grad
        np.testing.assert_allclose(model.last_grad.numpy(), eager_model.weight.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_first_call_on_fresh_state_compiles_as_run_once(monkeypatch):
    # the first call creates grads and optimizer state, so its program runs exactly once: on CPU it is
    # compiled without LLVM optimizations; the steady-state program gets the default options
    import jax

    from jtorch import compiler
    options = []
    real_jit = jax.jit

    def spy(fn, **kw):
        if getattr(fn, "__name__", "") == "run":
            options.append(kw.get("compiler_options"))
        return real_jit(fn, **kw)
    monkeypatch.setattr(compiler.jax, "jit", spy)
    torch.manual_seed(0)
    model = nn.Linear(4, 3)
    opt = torch.optim.Adam(model.parameters(), lr=0.1)
    x, y = _data()
    step = torch.compile(_make_step(model, opt))
    losses = [float(step(x, y)) for _ in range(3)]
    monkeypatch.undo()
    once = compiler._RUN_ONCE_OPTIONS if jax.default_backend() == "cpu" else None
    assert options == [once, None]
    torch.manual_seed(0)
    eager_model = nn.Linear(4, 3)
    eager_opt = torch.optim.Adam(eager_model.parameters(), lr=0.1)
    eager = _make_step(eager_model, eager_opt)
    np.testing.assert_allclose(losses, [float(eager(x, y)) for _ in range(3)], rtol=1e-6)
