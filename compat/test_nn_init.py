"""nn.init against torch: gains, fans, errors and deterministic fills exactly; random fills by distribution."""
import math
import warnings

import numpy as np
import pytest
import torch

import jtorch
from jtorch.nn import init

NONLINEARITIES = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
                  "sigmoid", "tanh", "relu", "leaky_relu", "selu"]


def outcome(fn):
    try:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            r = fn()
        return "ok", r, [str(x.message) for x in w]
    except Exception as e:  # noqa: BLE001
        return type(e).__name__, str(e)


def np_of(t):
    return t.detach().numpy()


@pytest.mark.parametrize("args", [(n,) for n in NONLINEARITIES] + [
    ("leaky_relu", 0.2), ("leaky_relu", 3), ("leaky_relu", True), ("leaky_relu", "a"), ("foo",), ("relu", 5)])
def test_calculate_gain(args):
    assert outcome(lambda: init.calculate_gain(*args)) == outcome(lambda: torch.nn.init.calculate_gain(*args))


@pytest.mark.parametrize("shape", [(3,), (4, 5), (4, 5, 3), (2, 3, 4, 5), (0, 3)])
def test_fan_in_and_fan_out(shape):
    assert outcome(lambda: init._calculate_fan_in_and_fan_out(jtorch.empty(shape))) == \
        outcome(lambda: torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape)))


ERRORS = [
    lambda m: m.nn.init.uniform_(m.empty(2), 1, 0),
    lambda m: m.nn.init.normal_(m.empty(2), 0, -1),
    lambda m: m.nn.init.uniform_(m.empty(2, dtype=m.int64)),
    lambda m: m.nn.init.normal_(m.empty(2, dtype=m.int64)),
    lambda m: m.nn.init.xavier_uniform_(m.empty(2)),
    lambda m: m.nn.init.kaiming_uniform_(m.empty(2, 3), mode="fan_avg"),
    lambda m: m.nn.init.kaiming_normal_(m.empty(2, 3), nonlinearity="foo"),
    lambda m: m.nn.init.eye_(m.empty(2, 3, 4)),
    lambda m: m.nn.init.dirac_(m.empty(2, 3)),
    lambda m: m.nn.init.dirac_(m.empty(3, 3, 3), groups=2),
    lambda m: m.nn.init.orthogonal_(m.empty(3)),
    lambda m: m.nn.init.sparse_(m.empty(3), 0.1),
]


@pytest.mark.parametrize("fn", ERRORS)
def test_errors_match_torch(fn):
    t = outcome(lambda: fn(torch))
    assert t[0] != "ok"
    assert outcome(lambda: fn(jtorch)) == t


DETERMINISTIC = [
    lambda m: m.nn.init.constant_(m.empty(2, 3), 0.25),
    lambda m: m.nn.init.constant_(m.empty(3, dtype=m.int64), 2.7),
    lambda m: m.nn.init.ones_(m.empty(2, 2, dtype=m.float64)),
    lambda m: m.nn.init.zeros_(m.ones(4)),
    lambda m: m.nn.init.eye_(m.empty(2, 3)),
    lambda m: m.nn.init.eye_(m.empty(4, 2, dtype=m.int64)),
    lambda m: m.nn.init.dirac_(m.empty(4, 3, 3)),
    lambda m: m.nn.init.dirac_(m.empty(6, 2, 3, 4), groups=2),
    lambda m: m.nn.init.dirac_(m.empty(2, 5, 3, 3, 3)),
    lambda m: m.nn.init.kaiming_uniform_(m.empty(0, 3)),
    lambda m: m.nn.init.orthogonal_(m.empty(0, 3)),
]


@pytest.mark.parametrize("fn", DETERMINISTIC)
def test_deterministic_fills_match_torch(fn):
    t, j = outcome(lambda: fn(torch)), outcome(lambda: fn(jtorch))
    assert t[0] == j[0] == "ok" and j[2] == t[2]
    assert str(j[1].dtype) == str(t[1].dtype) and tuple(j[1].shape) == tuple(t[1].shape)
    np.testing.assert_array_equal(np_of(j[1]), np_of(t[1]))


def test_writes_in_place_under_no_grad():
    p = jtorch.nn.Parameter(jtorch.zeros(3, 4))
    view = p.detach()
    v0 = p._version
    out = init.xavier_normal_(p)
    assert out is p and p.requires_grad and p.is_leaf and p.grad_fn is None and p._version > v0
    np.testing.assert_array_equal(np_of(view), np_of(p))  # the storage itself was written
    w = jtorch.zeros(4, 6)
    init.uniform_(w[:, ::2], 5, 6)  # through a view into its base
    assert np.all(np_of(w)[:, 1::2] == 0) and np.all(np_of(w)[:, ::2] >= 5)


N = 40000  # samples for the distribution checks


def _stats(t):
    a = np_of(t).astype(np.float64).ravel()
    return a.mean(), a.std(), a.min(), a.max()


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
def test_uniform_and_normal_distributions(dtype):
    dt = getattr(jtorch, dtype)
    mean, std, lo, hi = _stats(init.uniform_(jtorch.empty(N, dtype=dt), -2.0, 3.0))
    assert lo >= -2.0 and hi <= 3.0 and abs(mean - 0.5) < 0.05 and abs(std - 5 / math.sqrt(12)) < 0.05
    mean, std, _, _ = _stats(init.normal_(jtorch.empty(N, dtype=dt), 1.5, 0.5))
    assert abs(mean - 1.5) < 0.02 and abs(std - 0.5) < 0.02


def test_complex_fills_split_variance_like_torch():
    x = init.normal_(jtorch.empty(N, dtype=jtorch.complex64), 5.0, 1.0)
    a = np_of(x)
    assert abs(a.real.mean() - 5) < 0.02 and abs(a.imag.mean() - 5) < 0.02
    assert abs(a.real.std() - 1 / math.sqrt(2)) < 0.02
    u = np_of(init.uniform_(jtorch.empty(N, dtype=jtorch.complex64), 2, 3))
    assert u.real.min() >= 2 and u.imag.max() <= 3


@pytest.mark.parametrize("name,kwargs,shape,expected_std,uniform", [
    ("xavier_uniform_", {"gain": 2.0}, (200, 100), 2.0 * math.sqrt(2 / 300), True),
    ("xavier_normal_", {}, (50, 40, 3), math.sqrt(2 / (120 + 150)), False),
    ("kaiming_uniform_", {"a": math.sqrt(5)}, (100, 300), math.sqrt(2 / 6) / math.sqrt(300), True),
    ("kaiming_normal_", {"mode": "fan_out", "nonlinearity": "relu"}, (100, 30, 2), math.sqrt(2 / 200), False),
    ("kaiming_normal_", {"a": 0.3, "mode": "FAN_IN"}, (100, 400), math.sqrt(2 / 1.09 / 400), False),
])
def test_scaled_initialisers(name, kwargs, shape, expected_std, uniform):
    mean, std, lo, hi = _stats(getattr(init, name)(jtorch.empty(shape), **kwargs))
    assert abs(mean) < 0.05 * expected_std + 1e-3 and abs(std / expected_std - 1) < 0.03
    if uniform:
        bound = math.sqrt(3) * expected_std
        assert -bound <= lo and hi <= bound and hi > 0.99 * bound


@pytest.mark.parametrize("mean,std,a,b", [(0.0, 1.0, -2.0, 2.0), (1.0, 2.0, 0.0, 1.5), (0.0, 1.0, 0.5, 3.0)])
def test_trunc_normal(mean, std, a, b):
    x = np_of(init.trunc_normal_(jtorch.empty(N, dtype=jtorch.float64), mean, std, a, b)).ravel()
    assert x.min() >= a and x.max() <= b
    ref = torch.nn.init.trunc_normal_(torch.empty(N, dtype=torch.float64), mean, std, a, b).numpy()
    assert abs(x.mean() - ref.mean()) < 0.03 * std and abs(x.std() / ref.std() - 1) < 0.05


def test_trunc_normal_warns_like_torch():
    def fn(m):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m.nn.init.trunc_normal_(m.empty(10), mean=10.0)
        return [str(x.message) for x in w]
    assert fn(jtorch) == fn(torch) and len(fn(torch)) == 1


@pytest.mark.parametrize("shape,gain", [((6, 6), 1.0), ((4, 9), 2.0), ((9, 4), 0.5), ((3, 2, 4), 1.0)])
def test_orthogonal(shape, gain):
    q = np_of(init.orthogonal_(jtorch.empty(shape, dtype=jtorch.float64), gain=gain)).reshape(shape[0], -1)
    r, c = q.shape
    gram = q @ q.T if r <= c else q.T @ q
    np.testing.assert_allclose(gram, gain ** 2 * np.eye(min(r, c)), atol=1e-10)


def test_sparse():
    x = np_of(init.sparse_(jtorch.empty(50, 300), sparsity=0.3, std=0.1))
    zeros_per_col = (x == 0).sum(0)
    assert np.all(zeros_per_col == math.ceil(0.3 * 50))
    nz = x[x != 0]
    assert abs(nz.std() - 0.1) < 0.01


def test_generator_controls_the_draws():
    g1, g2 = jtorch.Generator().manual_seed(3), jtorch.Generator().manual_seed(3)
    a = init.kaiming_uniform_(jtorch.empty(5, 5), generator=g1)
    b = init.kaiming_uniform_(jtorch.empty(5, 5), generator=g2)
    c = init.kaiming_uniform_(jtorch.empty(5, 5), generator=g1)
    np.testing.assert_array_equal(np_of(a), np_of(b))
    assert not np.array_equal(np_of(a), np_of(c))
    jtorch.manual_seed(0)
    l1 = jtorch.nn.Linear(4, 4)
    jtorch.manual_seed(0)
    l2 = jtorch.nn.Linear(4, 4)
    np.testing.assert_array_equal(np_of(l1.weight), np_of(l2.weight))


def test_deprecated_aliases_warn_like_torch():
    def fn(m):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m.nn.init.constant(m.empty(2), 1.0)
        return [(x.category.__name__, str(x.message)) for x in w]
    assert fn(jtorch) == fn(torch)
