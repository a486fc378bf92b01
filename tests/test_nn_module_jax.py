"""nn.Module and friends without torch: jax.jit parity, Parameter semantics, lazy modules, misc."""
import contextlib
import pickle

import jax
import numpy as np
import pytest

import jtorch
import jtorch.nn as nn
import jtorch.nn.functional as F
from jtorch.testing import assert_jit_matches, jit_apply


def arr(*shape, seed=0):
    return jtorch.tensor(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(3, 8), nn.Flatten(), nn.Linear(8, 8))
        self.head = nn.Bilinear(8, 8, 2)
        self.register_buffer("offset", jtorch.ones(2))

    def forward(self, x):
        h = self.body(x)
        return self.head(h, h * 0.5) + self.offset


@contextlib.contextmanager
def bound(module, values, saved):
    """Temporarily give the module's parameters other values (e.g. tracers); ``saved`` restores them
    (taken eagerly: anything computed while jax traces is a tracer)."""
    params = list(module.parameters())
    for p, v in zip(params, values):
        p.data = v
    try:
        yield params
    finally:
        for p, v in zip(params, saved):
            p.data = v


def test_forward_under_jit_matches_eager():
    net = Net()
    assert_jit_matches(lambda x: net(x), arr(4, 3))
    assert_jit_matches(lambda x: F.linear(x, net.body[0].weight, net.body[0].bias), arr(2, 5, 3))


def test_forward_backward_under_jit_matches_eager():
    net = Net()
    x = arr(4, 3).requires_grad_()
    params = [p.detach().clone() for p in net.parameters()]

    def step(x, *values):
        with bound(net, values, params) as ps:
            for p in ps:
                p.requires_grad_(True)
            loss = (net(x) ** 2).sum()
            return [loss] + list(jtorch.autograd.grad(loss, [x] + ps))

    eager = step(x, *params)
    jitted = jit_apply(step, x, *params)
    assert len(eager) == len(jitted) == 2 + len(params)
    for e, j in zip(eager, jitted):
        np.testing.assert_allclose(j.numpy(), e.detach().numpy(), rtol=1e-5, atol=1e-6)
    for p, v in zip(net.parameters(), params):  # no tracer leaked into the module
        assert not isinstance(p._value, jax.core.Tracer)
        np.testing.assert_array_equal(p.detach().numpy(), v.numpy())


def test_backward_hooks_under_jit():
    lin = nn.Linear(3, 2)
    seen = []
    lin.register_full_backward_hook(lambda m, gi, go: seen.append((gi[0], go[0])) or (gi[0] * 3,))

    def fn(x):
        y = lin(x)
        (g,) = jtorch.autograd.grad(y.sum(), [x])
        return g, seen[-1][0], seen[-1][1]

    x = arr(4, 3).requires_grad_()
    eager = fn(x)
    jitted = jit_apply(fn, x)
    for e, j in zip(eager, jitted):
        np.testing.assert_allclose(j.numpy(), e.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(eager[0].numpy(), 3 * eager[1].numpy(), rtol=1e-6)  # the replacement took effect


def test_parameter_semantics():
    t = jtorch.ones(2, 3)
    p = nn.Parameter(t)
    assert isinstance(p, jtorch.Tensor) and type(p) is nn.Parameter and p.requires_grad and p.is_leaf
    assert p._value is t._value  # starts from t's value without a copy
    assert repr(p).startswith("Parameter containing:\ntensor(")
    assert type(p * 2) is jtorch.Tensor and type(p.detach()) is jtorch.Tensor
    assert nn.Parameter(requires_grad=False).shape == (0,)
    q = nn.Parameter(p, requires_grad=False)
    assert type(q) is nn.Parameter and not q.requires_grad
    with pytest.raises(RuntimeError, match="Only Tensors of floating point"):
        nn.Parameter(jtorch.tensor([1, 2]))
    assert not nn.Parameter(jtorch.tensor([1, 2]), requires_grad=False).requires_grad


def test_buffer_flag_and_persistence():
    b = nn.Buffer(jtorch.ones(2), persistent=False)
    assert type(b) is jtorch.Tensor and isinstance(b, nn.Buffer) and not isinstance(jtorch.ones(1), nn.Buffer)
    m = nn.Module()
    m.b = b
    m.c = nn.Buffer(jtorch.zeros(1))
    assert list(m.state_dict()) == ["c"] and [n for n, _ in m.named_buffers()] == ["b", "c"]


def test_lazy_linear_materialises_on_first_call():
    lazy = nn.LazyLinear(4)
    assert isinstance(lazy.weight, nn.UninitializedParameter) and repr(lazy.weight) == "<UninitializedParameter>"
    with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized parameter"):
        _ = lazy.weight.shape
    out = lazy(arr(2, 5))
    assert type(lazy) is nn.Linear and lazy.in_features == 5 and tuple(out.shape) == (2, 4)
    assert type(lazy.weight) is nn.Parameter and tuple(lazy.weight.shape) == (4, 5)
    assert not lazy._forward_pre_hooks and lazy.weight.abs().max().item() > 0
    fresh = nn.LazyLinear(4)
    fresh.load_state_dict(lazy.state_dict())
    np.testing.assert_array_equal(fresh.weight.detach().numpy(), lazy.weight.detach().numpy())


def test_hook_handles_remove_and_context_manager():
    lin = nn.Linear(2, 2)
    calls = []
    with lin.register_forward_hook(lambda *a: calls.append(1)):
        lin(jtorch.ones(1, 2))
    lin(jtorch.ones(1, 2))
    h = lin.register_forward_pre_hook(lambda *a: calls.append(2), with_kwargs=False)
    lin(jtorch.ones(1, 2))
    h.remove()
    h.remove()  # twice is harmless
    lin(jtorch.ones(1, 2))
    assert calls == [1, 2] and not lin._forward_hooks and not lin._forward_pre_hooks


def test_pickled_module_keeps_buffers_and_training_flag():
    net = Net().eval()
    clone = pickle.loads(pickle.dumps(net))
    assert not clone.training and not clone.body[0].training
    x = arr(2, 3)
    np.testing.assert_array_equal(clone(x).detach().numpy(), net(x).detach().numpy())
    state = dict(net.__dict__)
    del state["_forward_hooks_always_called"], state["_backward_pre_hooks"]
    old = Net.__new__(Net)
    old.__setstate__(state)  # state pickled by an older version lacks some hook dicts
    assert old._backward_pre_hooks == {} and old(x).shape == (2, 2)


def test_misc_module_methods():
    net = Net()
    assert net.share_memory() is net
    net.set_submodule("body.1", nn.Identity())
    assert isinstance(net.body[1], nn.Identity)
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        net.set_submodule("body.nope", nn.Identity(), strict=True)
    with pytest.raises(NotImplementedError, match="use jtorch.compile"):
        net.compile()
    net.to_empty(device="cpu")
    assert float(net.body[0].weight.abs().sum()) == 0.0 and type(net.body[0].weight) is nn.Parameter
    seen = []
    assert net.apply(lambda m: seen.append(type(m).__name__)) is net
    assert seen[-1] == "Net" and seen[0] == "Linear"
    dp = nn.DataParallel(nn.Linear(2, 2), output_device=None, dim=1)
    assert dp.dim == 1 and isinstance(dp.module, nn.Linear) and dp(jtorch.ones(3, 2)).shape == (3, 2)
    assert nn.parallel.data_parallel(nn.Identity(), jtorch.ones(2)).shape == (2,)


def test_sequential_forward_and_module_list_insert():
    seq = nn.Sequential(nn.Linear(2, 3), nn.Identity())
    assert seq(jtorch.ones(4, 2)).shape == (4, 3)
    ml = nn.ModuleList([nn.Identity()])
    ml.insert(0, nn.Linear(1, 1))
    assert [type(m).__name__ for m in ml] == ["Linear", "Identity"]
    assert nn.ModuleList()[0:0].__class__ is nn.ModuleList


def test_clip_grad_norm_and_weight_norm_under_jit():
    def clip(g1, g2):
        p1, p2 = nn.Parameter(jtorch.zeros(3, 4)), nn.Parameter(jtorch.zeros(5))
        p1.grad, p2.grad = g1 * 1, g2 * 1
        total = nn.utils.clip_grad_norm_([p1, p2], 0.5)
        return total, p1.grad, p2.grad

    out = assert_jit_matches(clip, arr(3, 4), arr(5, seed=1))
    assert abs(float(out[0]) - float((arr(3, 4).square().sum() + arr(5, seed=1).square().sum()).sqrt())) < 1e-5
    assert abs(float((out[1].square().sum() + out[2].square().sum()).sqrt()) - 0.5) < 1e-5

    lin = nn.utils.parametrizations.weight_norm(nn.Linear(3, 2))
    assert_jit_matches(lambda x: lin(x), arr(4, 3))
