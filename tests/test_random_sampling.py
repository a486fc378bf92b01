"""Random sampling: determinism, generator state, distributions, and eager/jax.jit parity."""
import math
import warnings

import jax
import numpy as np
import pytest

import jtorch as torch
from jtorch import _random
from jtorch.testing import jit_apply

N = 200_000


def _np(t):
    return np.asarray(t.detach()._value)


# one row per sampler: (name, draw(generator) -> Tensor)
DRAWS = [
    ("rand", lambda g: torch.rand(50, generator=g)),
    ("randn", lambda g: torch.randn(50, generator=g)),
    ("rand_like", lambda g: torch.rand_like(torch.zeros(50), generator=g)),
    ("randn_like", lambda g: torch.randn_like(torch.zeros(50), generator=g)),
    ("randint", lambda g: torch.randint(0, 1000, (50,), generator=g)),
    ("randint_like", lambda g: torch.randint_like(torch.zeros(50), 1000, generator=g)),
    ("randperm", lambda g: torch.randperm(50, generator=g)),
    ("normal", lambda g: torch.normal(torch.zeros(50), torch.ones(50), generator=g)),
    ("normal_size", lambda g: torch.normal(1.0, 2.0, (50,), generator=g)),
    ("bernoulli", lambda g: torch.bernoulli(torch.full((50,), 0.5), generator=g)),
    ("multinomial", lambda g: torch.multinomial(torch.ones(50), 10, generator=g)),
    ("multinomial_repl", lambda g: torch.multinomial(torch.ones(50), 10, True, generator=g)),
    ("poisson", lambda g: torch.poisson(torch.full((50,), 4.0), g)),
    ("uniform_", lambda g: torch.zeros(50).uniform_(generator=g)),
    ("normal_", lambda g: torch.zeros(50).normal_(generator=g)),
    ("bernoulli_", lambda g: torch.zeros(50).bernoulli_(generator=g)),
    ("cauchy_", lambda g: torch.zeros(50).cauchy_(generator=g)),
    ("exponential_", lambda g: torch.zeros(50).exponential_(generator=g)),
    ("geometric_", lambda g: torch.zeros(50).geometric_(0.2, generator=g)),
    ("log_normal_", lambda g: torch.zeros(50).log_normal_(generator=g)),
    ("random_", lambda g: torch.zeros(50, dtype=torch.int64).random_(generator=g)),
]


@pytest.mark.parametrize("name,draw", DRAWS, ids=[d[0] for d in DRAWS])
def test_seeded_streams(name, draw):
    torch.manual_seed(7)
    a, b = _np(draw(None)), _np(draw(None))
    torch.manual_seed(7)
    assert np.array_equal(_np(draw(None)), a), "manual_seed must reproduce the stream"
    assert not np.array_equal(a, b), "successive draws must differ"
    state = torch.get_rng_state()
    g1, g2 = torch.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    x = _np(draw(g1))
    assert np.array_equal(_np(draw(g2)), x), "equal seeds give equal streams"
    assert np.array_equal(_np(torch.get_rng_state()), _np(state)), "a Generator must not advance the global one"
    torch.manual_seed(7)
    assert np.array_equal(_np(draw(torch.Generator().manual_seed(7))), a), "the global generator is a Generator"


def test_rng_state_round_trip():
    torch.manual_seed(11)
    torch.rand(3)
    state = torch.get_rng_state()
    assert state.dtype == torch.uint8
    a = torch.rand(5)
    torch.set_rng_state(state)
    assert np.array_equal(_np(torch.rand(5)), _np(a))
    g = torch.Generator()
    g.set_state(state)
    assert np.array_equal(_np(torch.rand(5, generator=g)), _np(a))
    with pytest.raises(RuntimeError):
        torch.set_rng_state(torch.zeros(3, dtype=torch.uint8))


def test_initial_seed_and_seed():
    torch.manual_seed(42)
    assert torch.initial_seed() == 42 and torch.random.initial_seed() == 42
    s = torch.seed()
    assert torch.initial_seed() == s and 0 <= s < 2 ** 64
    torch.random.manual_seed(-1)
    assert torch.initial_seed() == 2 ** 64 - 1
    assert torch.random.default_generator is torch.default_generator


def test_fork_rng():
    torch.manual_seed(5)
    with torch.random.fork_rng():
        inside = _np(torch.rand(4))
        torch.manual_seed(99)
        torch.rand(4)
    after = _np(torch.rand(4))
    assert np.array_equal(inside, after), "fork_rng restores the state on exit"
    assert torch.initial_seed() == 5
    with torch.random.fork_rng(enabled=False):
        torch.rand(1)
    assert not np.array_equal(_np(torch.rand(4)), after)
    state = torch.get_rng_state()
    with torch.random.fork_rng(devices=[]):
        torch.rand(3)
    assert np.array_equal(_np(torch.get_rng_state()), _np(state))
    with pytest.raises(NotImplementedError, match="device_type"):
        with torch.random.fork_rng(device_type="mps"):
            pass


# ------------------------------------------------------------------ distributions against theory
def _moments(t):
    a = _np(t).astype(np.float64)
    return a.mean(), a.std(), a.min(), a.max()


# (name, sampler, mean, std, low, high): bounds are inclusive; None: unbounded
DISTS = [
    ("rand", lambda: torch.rand(N), 0.5, math.sqrt(1 / 12), 0, 1),
    ("rand_f64", lambda: torch.rand(N, dtype=torch.float64), 0.5, math.sqrt(1 / 12), 0, 1),
    ("rand_half", lambda: torch.rand(N, dtype=torch.half), 0.5, math.sqrt(1 / 12), 0, 1),
    ("rand_bf16", lambda: torch.rand(N, dtype=torch.bfloat16), 0.5, math.sqrt(1 / 12), 0, 1),
    ("randn", lambda: torch.randn(N), 0, 1, None, None),
    ("uniform_", lambda: torch.zeros(N).uniform_(-2, 6), 2, 8 / math.sqrt(12), -2, 6),
    ("normal_", lambda: torch.zeros(N, dtype=torch.float64).normal_(3, 0.5), 3, 0.5, None, None),
    ("normal_tensors", lambda: torch.normal(torch.full((N,), -1.0), torch.full((N,), 2.0)), -1, 2, None, None),
    ("normal_size", lambda: torch.normal(4, 0.25, (N,)), 4, 0.25, None, None),
    ("exponential_", lambda: torch.zeros(N).exponential_(4), 0.25, 0.25, 0, None),
    ("geometric_", lambda: torch.zeros(N).geometric_(0.25), 4, math.sqrt(0.75) / 0.25, 1, None),
    ("log_normal_", lambda: torch.zeros(N).log_normal_(0, 0.5), math.exp(0.125),
     math.sqrt((math.exp(0.25) - 1) * math.exp(0.25)), 0, None),
    ("bernoulli_", lambda: torch.zeros(N).bernoulli_(0.3), 0.3, math.sqrt(0.21), 0, 1),
    ("bernoulli", lambda: torch.bernoulli(torch.full((N,), 0.8)), 0.8, 0.4, 0, 1),
    ("poisson", lambda: torch.poisson(torch.full((N,), 6.0)), 6, math.sqrt(6), 0, None),
    ("randint", lambda: torch.randint(-5, 5, (N,)), -0.5, math.sqrt(99 / 12), -5, 4),
    ("random_to", lambda: torch.zeros(N).random_(10), 4.5, math.sqrt(99 / 12), 0, 9),
]


@pytest.mark.parametrize("name,sample,mean,std,low,high", DISTS, ids=[d[0] for d in DISTS])
def test_distribution(name, sample, mean, std, low, high):
    torch.manual_seed(0)
    m, s, lo, hi = _moments(sample())
    assert abs(m - mean) < 5 * std / math.sqrt(N) + 1e-3, f"mean {m} vs {mean}"
    assert abs(s - std) < 0.02 * std, f"std {s} vs {std}"
    if low is not None:
        assert lo >= low
    if high is not None:
        assert hi <= high


def test_rand_stays_below_one():
    torch.manual_seed(0)
    for dt in (torch.float16, torch.bfloat16, torch.float32):
        assert _np(torch.rand(N, dtype=dt)).astype(np.float64).max() < 1, dt


def test_cauchy_quartiles():
    torch.manual_seed(0)
    a = _np(torch.zeros(N).cauchy_(1.0, 2.0))
    q1, med, q3 = np.percentile(a, [25, 50, 75])
    assert abs(med - 1) < 0.05 and abs(q1 - (-1)) < 0.05 and abs(q3 - 3) < 0.05


def test_complex_samples():
    torch.manual_seed(0)
    z = _np(torch.randn(N, dtype=torch.cfloat))
    assert z.dtype == np.complex64
    assert abs(z.real.std() - math.sqrt(0.5)) < 0.01 and abs(z.imag.std() - math.sqrt(0.5)) < 0.01
    assert abs(np.corrcoef(z.real, z.imag)[0, 1]) < 0.02, "real and imaginary parts are independent"
    u = _np(torch.rand(N, dtype=torch.cdouble))
    assert 0 <= u.real.min() and u.real.max() < 1 and 0 <= u.imag.min() and u.imag.max() < 1
    n = _np(torch.zeros(N, dtype=torch.cfloat).normal_(1, 2))
    assert abs(n.real.mean() - 1) < 0.02 and abs(n.imag.mean() - 1) < 0.02
    assert abs(n.real.std() - math.sqrt(2)) < 0.02


@pytest.mark.parametrize("dtype,high", [(torch.bool, 1), (torch.uint8, 255), (torch.int8, 127), (torch.int16, 2 ** 15 - 1),
                                        (torch.float16, 2 ** 11), (torch.bfloat16, 2 ** 8)])
def test_random_default_range(dtype, high):
    torch.manual_seed(0)
    a = _np(torch.zeros(N, dtype=dtype).random_()).astype(np.float64)
    assert a.min() == 0 and a.max() <= high
    if high <= 255:
        assert a.max() == high, "the whole range is reached"
    assert np.all(a == np.round(a))


def test_random_wide_ranges():
    torch.manual_seed(0)
    a = _np(torch.zeros(N, dtype=torch.int64).random_())
    assert a.min() >= 0 and a.max() > 2 ** 62
    b = _np(torch.zeros(N, dtype=torch.int64).random_(-2 ** 63, None))
    assert b.min() < -2 ** 62 and b.max() > 2 ** 62
    c = _np(torch.zeros(1000, dtype=torch.int64).random_(2 ** 62, 2 ** 62 + 3))
    assert set(c.tolist()) == {2 ** 62, 2 ** 62 + 1, 2 ** 62 + 2}
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        torch.zeros(3).random_(0, 2 ** 30)
    assert any("out of bounds [-(2^24), 2^24]" in str(x.message) for x in w)


def test_randperm_is_permutation():
    torch.manual_seed(0)
    for n, dt in [(1, torch.int64), (100, torch.int64), (256, torch.uint8), (1000, torch.float32)]:
        p = _np(torch.randperm(n, dtype=dt))
        assert sorted(p.tolist()) == list(range(n))


def test_multinomial():
    torch.manual_seed(0)
    p = torch.tensor([[0.0, 1.0, 3.0, 0.0, 4.0], [1.0, 1.0, 1.0, 1.0, 1.0]])
    s = _np(torch.multinomial(p, 3))
    assert s.shape == (2, 3) and s.dtype == np.int64
    assert len(set(s[0])) == 3 and set(s[0]) == {1, 2, 4}, "without replacement: distinct, nonzero first"
    assert len(set(s[1])) == 3
    r = _np(torch.multinomial(p, 20_000, replacement=True))
    freq = np.bincount(r[0], minlength=5) / r.shape[1]
    np.testing.assert_allclose(freq, [0, 1 / 8, 3 / 8, 0, 4 / 8], atol=0.01)
    first = _np(torch.multinomial(p[0].expand(10_000, 5).contiguous(), 1))[:, 0]
    np.testing.assert_allclose(np.bincount(first, minlength=5) / 10_000, [0, 1 / 8, 3 / 8, 0, 4 / 8], atol=0.02)
    with pytest.raises(RuntimeError, match="without replacement"):
        torch.multinomial(p, 6)
    with pytest.raises(RuntimeError, match="sum of probabilities"):
        torch.multinomial(torch.zeros(3), 1)


def test_fill_and_zero():
    x = torch.arange(6.0).reshape(2, 3)
    assert x.fill_(2.5) is x and np.all(_np(x) == 2.5)
    assert x.zero_() is x and np.all(_np(x) == 0)
    col = x[:, 1]
    col.fill_(7)
    assert _np(x).tolist() == [[0, 7, 0], [0, 7, 0]], "a view writes through"
    assert torch.fill(x, 1).dtype == torch.float32 and np.all(_np(x)[:, 1] == 7), "torch.fill is out of place"
    v = torch.tensor(3.0, requires_grad=True)
    w = torch.zeros(4, requires_grad=True)
    y = w * 2
    y.fill_(v)
    y.sum().backward()
    assert v.grad.item() == 4.0 and np.all(_np(w.grad) == 0)
    assert _np(torch.zeros(2, dtype=torch.uint8).fill_(-1)).tolist() == [255, 255]
    with pytest.raises(RuntimeError, match="without overflow"):
        torch.zeros(2, dtype=torch.int8).fill_(128)
    with pytest.raises(RuntimeError, match="0-dimension"):
        torch.zeros(2).fill_(torch.ones(2))


def test_samplers_write_through_views():
    torch.manual_seed(0)
    x = torch.zeros(4, 3)
    x[:, 0].uniform_(5, 6)
    a = _np(x)
    assert np.all((a[:, 0] >= 5) & (a[:, 0] < 6)) and np.all(a[:, 1:] == 0)


def test_gradients_are_zero():
    mean = torch.zeros(3, requires_grad=True)
    std = torch.ones(3, requires_grad=True)
    out = torch.normal(mean, std)
    assert out.requires_grad and out.grad_fn.name() == "NormalBackward3"
    gm, gs = torch.autograd.grad(out.sum(), [mean, std])
    assert np.all(_np(gm) == 0) and np.all(_np(gs) == 0)
    y = (mean * 2).uniform_()
    assert y.grad_fn.name() == "UniformBackward0"
    (g,) = torch.autograd.grad(y.sum(), [mean])
    assert np.all(_np(g) == 0)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        torch.zeros(2, requires_grad=True).normal_()
    r = torch.rand(3, requires_grad=True)
    assert r.is_leaf and r.requires_grad


# ------------------------------------------------------------------ under jax.jit
def _all_draws():
    x = torch.zeros(4)
    return [torch.rand(3), torch.randn(2, 2, dtype=torch.float64), torch.randint(0, 10, (5,)), torch.randperm(6),
            torch.normal(torch.zeros(3), torch.ones(3)), torch.normal(0.0, 2.0, (3,)),
            torch.bernoulli(torch.full((4,), 0.5)), torch.multinomial(torch.tensor([0.2, 0.3, 0.5]), 2),
            torch.multinomial(torch.ones(2, 3), 4, True), torch.poisson(torch.tensor([1.0, 5.0])),
            x.uniform_(-1, 1).clone(), x.normal_(2, 3).clone(), x.cauchy_().clone(), x.exponential_(2).clone(),
            x.geometric_(0.3).clone(), x.log_normal_().clone(), x.bernoulli_(0.5).clone(), x.random_(0, 5).clone(),
            torch.rand(2, dtype=torch.cfloat), torch.randn(2, dtype=torch.half), torch.rand_like(x),
            torch.randint_like(x, 3), x.fill_(2).clone(), x.zero_().clone()]


def _lifted(fn, g):
    """``fn`` as a pure function of the generator state (key, counter) -> (values, new state)."""
    def pure(state):
        saved = g._state()
        g._set_state_arrays(state)
        try:
            out = fn()
            return [t._value for t in out], g._state()
        finally:
            g._set_state_arrays(saved)
    return pure


def test_jit_matches_eager_with_lifted_state():
    g = _random.default_generator
    torch.manual_seed(123)
    eager1 = [_np(t) for t in _all_draws()]
    eager2 = [_np(t) for t in _all_draws()]
    torch.manual_seed(123)
    step = jax.jit(_lifted(_all_draws, g))
    for eager in (eager1, eager2):  # the second compiled call continues the stream, like eager
        out, state = step(g._state())
        g._set_state_arrays(state)
        for e, j in zip(eager, out):
            j = np.asarray(j)
            assert e.dtype == j.dtype and e.shape == j.shape
            np.testing.assert_allclose(j.astype(np.complex128), e.astype(np.complex128), rtol=1e-6, atol=1e-6)
    assert int(np.asarray(g._counter)) == 2 * (len(eager1) - 2)  # fill_/zero_ draw nothing
    after = torch.rand(2)  # eager draws go on from the written-back state
    torch.manual_seed(123)
    _all_draws(), _all_draws()
    assert np.array_equal(_np(torch.rand(2)), _np(after))


def _few_draws():
    return [torch.rand(3), torch.randint(0, 10, (5,)), torch.zeros(4).normal_(), torch.bernoulli(torch.full((4,), 0.5))]


def test_jit_traces_and_reseeding_reproduces():
    torch.manual_seed(9)
    a = [_np(t) for t in jit_apply(_few_draws)]
    torch.manual_seed(9)
    b = [_np(t) for t in jit_apply(_few_draws)]
    for x, y in zip(a, b):
        assert np.array_equal(x, y)
    assert isinstance(_random.default_generator._counter, int), "an unlifted trace leaves no tracer behind"
    g = _random.default_generator
    g._counter = jax.numpy.asarray(5)  # as a compiled step writes it back
    jit_apply(_few_draws)
    assert g._counter == 9 and not isinstance(g._counter, jax.core.Tracer)


def test_jit_separate_generator():
    g = torch.Generator().manual_seed(4)
    eager = _np(torch.rand(5, generator=g))
    g.manual_seed(4)
    out, state = jax.jit(_lifted(lambda: [torch.rand(5, generator=g)], g))(g._state())
    assert np.array_equal(np.asarray(out[0]), eager)


def test_compiled_step_draws_the_eager_stream():
    def step(x):
        return x + torch.rand(3) + torch.randn(3) + torch.zeros(3).bernoulli_(0.5)

    x = torch.zeros(3)
    torch.manual_seed(1)
    eager = [_np(step(x)) for _ in range(2)]
    compiled = torch.compile(step)
    torch.manual_seed(1)
    for e in eager:  # each call draws fresh numbers: the generator state goes through the program
        np.testing.assert_allclose(_np(compiled(x)), e, rtol=1e-6)
