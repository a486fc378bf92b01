"""Pooling (max / avg / adaptive / Lp / fractional pooling, max-unpooling) against real torch: functional
forms, modules, torch's flat per-plane indices, gradients at ties and NaNs, errors."""
import numpy as np
import pytest
import torch
from nn_models import rand
from nn_module_db import case_id, cases, run_case
from test_nn_conv import check_module, compare_ok, same_error

import jtorch

RTOL, ATOL = 1e-7, 1e-9

# ------------------------------------------------------------------ PyTorch's module_db
MODULE_DB = ["MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d", "AdaptiveAvgPool1d",
             "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d",
             "LPPool1d", "LPPool2d", "LPPool3d", "FractionalMaxPool2d", "FractionalMaxPool3d"]
CASES = cases(MODULE_DB)
JIT_CASES = {c for c in CASES if c[2] == 0}


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_module_db(case):
    run_case(*case, jit=case in JIT_CASES)


# ------------------------------------------------------------------ functional forms
def _ties(*shape):
    """Small integers as floats: many equal maxima in every window."""
    return np.round(rand(*shape)).clip(-1, 1)


def _with_nans(*shape):
    x = rand(*shape)
    x.flat[::7] = np.nan
    return x


def F(name, *args, **kw):
    return lambda m, x: getattr(m.nn.functional, name)(x, *args, **kw)


# (name, fn, inputs, run under jax.jit too)
F_CASES = [
    ("max_pool1d_indices", F("max_pool1d", 3, 2, 1, 2, True, True), [rand(2, 3, 10)], True),
    ("max_pool2d", F("max_pool2d", 3, 2, 1), [rand(2, 3, 7, 7)], True),
    ("max_pool2d_ceil_dilation", F("max_pool2d", (3, 2), (2, 3), (1, 1), (2, 1), True, True), [rand(2, 3, 9, 8)],
     False),
    ("max_pool2d_ties", F("max_pool2d", 3, 1, 1, return_indices=True), [_ties(2, 2, 6, 6)], True),
    ("max_pool2d_nans", F("max_pool2d", 2, 1, return_indices=True), [_with_nans(1, 2, 5, 6)], False),
    ("max_pool2d_unbatched", F("max_pool2d", 2, return_indices=True), [rand(3, 5, 6)], False),
    ("max_pool3d_indices", F("max_pool3d", (2, 3, 2), (1, 2, 2), (1, 1, 0), 1, True, True), [rand(1, 2, 4, 6, 5)],
     True),
    ("max_pool3d_ties", F("max_pool3d", 2, 1, return_indices=True), [_ties(1, 2, 3, 4, 4)], False),
    ("torch_max_pool2d", lambda m, x: m.max_pool2d(x, [2, 3], [], 1, 1, True), [rand(2, 3, 6, 7)], False),
    ("torch_max_pool1d_with_indices", lambda m, x: m.max_pool1d_with_indices(x, 3, 2, 1), [rand(2, 3, 9)], False),
    ("avg_pool1d", F("avg_pool1d", 3, 2, 1, True, False), [rand(2, 3, 8)], True),
    ("avg_pool2d_ceil_exclude_pad", F("avg_pool2d", 3, 2, 1, True, False), [rand(2, 3, 8, 7)], True),
    ("avg_pool2d_ceil_include_pad", F("avg_pool2d", (3, 2), (2, 2), (1, 1), True, True), [rand(2, 3, 8, 7)], False),
    ("avg_pool2d_divisor", F("avg_pool2d", 3, 2, 1, False, True, 5), [rand(2, 3, 8, 7)], False),
    ("avg_pool3d_ceil", F("avg_pool3d", 2, 2, 1, True, False), [rand(1, 2, 5, 4, 5)], False),
    ("torch_avg_pool1d", lambda m, x: m.avg_pool1d(x, 2, 1, 1, True, False), [rand(2, 3, 7)], False),
    ("adaptive_avg_pool1d", F("adaptive_avg_pool1d", 4), [rand(2, 3, 7)], True),
    ("adaptive_avg_pool2d_uneven", F("adaptive_avg_pool2d", (3, 4)), [rand(2, 3, 7, 10)], True),
    ("adaptive_avg_pool2d_grow", F("adaptive_avg_pool2d", (5, None)), [rand(2, 3, 3, 4)], False),
    ("adaptive_avg_pool3d", F("adaptive_avg_pool3d", (2, 3, 1)), [rand(1, 2, 5, 7, 4)], False),
    ("adaptive_avg_pool2d_global", F("adaptive_avg_pool2d", 1), [rand(2, 3, 5, 6)], False),
    ("adaptive_max_pool1d", F("adaptive_max_pool1d", 4, True), [rand(2, 3, 7)], False),
    ("adaptive_max_pool2d_uneven", F("adaptive_max_pool2d", (3, 4), True), [rand(2, 3, 7, 10)], True),
    ("adaptive_max_pool2d_ties", F("adaptive_max_pool2d", (3, 2), True), [_ties(2, 2, 5, 5)], False),
    ("adaptive_max_pool3d", F("adaptive_max_pool3d", (2, 3, 3), True), [rand(1, 2, 5, 7, 4)], False),
    ("torch_adaptive_max_pool1d", lambda m, x: m.adaptive_max_pool1d(x, 3), [rand(2, 3, 8)], False),
    ("lp_pool1d", F("lp_pool1d", 2, 3, 2), [rand(2, 3, 8)], False),
    ("lp_pool2d_ceil", F("lp_pool2d", 3.0, (2, 3), 2, True), [rand(2, 3, 7, 8)], True),
    ("lp_pool2d_inf", F("lp_pool2d", float("inf"), 2), [rand(2, 3, 6, 6)], False),
    ("lp_pool3d", F("lp_pool3d", 1, 2), [rand(1, 2, 4, 4, 6)], False),
]


@pytest.mark.parametrize("name,fn,arrays,jit", F_CASES, ids=[c[0] for c in F_CASES])
def test_functional(name, fn, arrays, jit):
    compare_ok(fn, arrays, grad=True, jit=jit, rtol=RTOL, atol=ATOL, what=name)


def _samples(m, n, c, k, seed=5):
    return m.tensor(np.random.default_rng(seed).random((n, c, k)))


FRACTIONAL = [
    ("fractional2d_size", lambda m, x: m.nn.functional.fractional_max_pool2d(
        x, (2, 3), output_size=(4, 3), return_indices=True, _random_samples=_samples(m, 2, 3, 2)), [rand(2, 3, 7, 8)],
     True),
    ("fractional2d_ratio", lambda m, x: m.nn.functional.fractional_max_pool2d(
        x, 2, output_ratio=(0.5, 0.7), _random_samples=_samples(m, 1, 3, 2)), [rand(3, 7, 8)], False),
    ("fractional2d_ties", lambda m, x: m.nn.functional.fractional_max_pool2d(
        x, 3, output_size=3, return_indices=True, _random_samples=_samples(m, 2, 2, 2)), [_ties(2, 2, 6, 7)], False),
    ("fractional3d", lambda m, x: m.nn.functional.fractional_max_pool3d(
        x, (2, 1, 3), output_size=(3, 4, 2), return_indices=True, _random_samples=_samples(m, 1, 2, 3)),
     [rand(1, 2, 5, 6, 7)], True),
]


@pytest.mark.parametrize("name,fn,arrays,jit", FRACTIONAL, ids=[c[0] for c in FRACTIONAL])
def test_fractional_with_given_samples(name, fn, arrays, jit):
    compare_ok(fn, arrays, grad=True, jit=jit, rtol=RTOL, atol=ATOL, what=name)


def test_fractional_random_samples_drawn():
    x = jtorch.tensor(rand(2, 3, 8, 9))
    out, idx = jtorch.nn.functional.fractional_max_pool2d(x, 2, output_size=(4, 5), return_indices=True)
    assert tuple(out.shape) == (2, 3, 4, 5) and idx.dtype == jtorch.int64
    flat = x.flatten(2)
    assert np.array_equal(flat.gather(2, idx.flatten(2)).numpy(), out.flatten(2).numpy())
    step = jtorch.compile(lambda x: jtorch.nn.functional.fractional_max_pool3d(x, 2, output_ratio=0.5))
    assert tuple(step(jtorch.tensor(rand(1, 2, 6, 6, 6))).shape) == (1, 2, 3, 3, 3)


UNPOOL = [
    ("max_unpool1d", lambda m, x: m.nn.functional.max_unpool1d(
        *m.nn.functional.max_pool1d(x.detach(), 2, return_indices=True), 2) * x.sum(), [rand(2, 3, 8)], False),
    ("max_unpool2d", lambda m, x: m.nn.functional.max_unpool2d(
        *m.nn.functional.max_pool2d(x, 3, 2, 1, return_indices=True), 3, 2, 1, output_size=(7, 8)),
     [rand(2, 3, 7, 8)], True),
    ("max_unpool2d_unbatched", lambda m, x: m.nn.functional.max_unpool2d(
        *m.nn.functional.max_pool2d(x, 2, return_indices=True), 2), [rand(3, 4, 6)], False),
    ("max_unpool3d", lambda m, x: m.nn.functional.max_unpool3d(
        *m.nn.functional.max_pool3d(x, 2, return_indices=True), 2, output_size=[1, 2, 5, 4, 5]),
     [rand(1, 2, 5, 4, 5)], True),
]


@pytest.mark.parametrize("name,fn,arrays,jit", UNPOOL, ids=[c[0] for c in UNPOOL])
def test_max_unpool(name, fn, arrays, jit):
    compare_ok(fn, arrays, grad=True, jit=jit, rtol=RTOL, atol=ATOL, what=name)


def test_integer_inputs():
    ints = [np.arange(2 * 3 * 36).reshape(2, 3, 6, 6) % 11 - 5]
    compare_ok(F("max_pool2d", 3, 2, 1, return_indices=True), ints, jit=False)
    compare_ok(F("avg_pool2d", 2, 1, 1, False, False), ints, jit=False)  # integer division truncates toward zero
    compare_ok(F("avg_pool3d", 2, 2), [ints[0][None]], jit=False)
    compare_ok(lambda m, x: m.nn.functional.max_pool2d(x.float(), 2), ints, jit=False)


# ------------------------------------------------------------------ modules
@pytest.mark.parametrize("n", [1, 2, 3])
def test_max_unpool_modules(n):
    shape = (2, 2) + (4, 6, 5)[3 - n:]

    def call(mod, x):
        pool, unpool = mod
        out, idx = pool(x)
        return unpool(out, idx, output_size=x.shape)

    check_module(lambda m: m.nn.ModuleList([getattr(m.nn, f"MaxPool{n}d")(2, return_indices=True),
                                            getattr(m.nn, f"MaxUnpool{n}d")(2)]), [shape], call=call, jit=n == 2,
                 what=f"MaxUnpool{n}d")


@pytest.mark.parametrize("build", [
    lambda m: m.nn.MaxPool1d(3), lambda m: m.nn.MaxPool2d((3, 2), 1, 1, 2, True, True), lambda m: m.nn.MaxPool3d(2),
    lambda m: m.nn.AvgPool1d(3, 2, 1), lambda m: m.nn.AvgPool2d(3, divisor_override=2), lambda m: m.nn.AvgPool3d(2, 1),
    lambda m: m.nn.MaxUnpool1d(2), lambda m: m.nn.MaxUnpool2d(3, 2, 1), lambda m: m.nn.MaxUnpool3d((1, 2, 2)),
    lambda m: m.nn.AdaptiveAvgPool1d(3), lambda m: m.nn.AdaptiveAvgPool2d((None, 2)),
    lambda m: m.nn.AdaptiveAvgPool3d(1), lambda m: m.nn.AdaptiveMaxPool1d(2, True),
    lambda m: m.nn.AdaptiveMaxPool2d((3, 4)), lambda m: m.nn.AdaptiveMaxPool3d(2),
    lambda m: m.nn.LPPool1d(2, 3), lambda m: m.nn.LPPool2d(1.5, 2, 1, True), lambda m: m.nn.LPPool3d(3, 2),
    lambda m: m.nn.FractionalMaxPool2d(2, output_size=3), lambda m: m.nn.FractionalMaxPool3d(2, output_ratio=0.5),
])
def test_repr_and_attributes(build):
    t, j = build(torch), build(jtorch)
    assert repr(j) == repr(t)
    assert {k: v for k, v in vars(j).items() if not k.startswith("_")} == \
        {k: v for k, v in vars(t).items() if not k.startswith("_")}


# ------------------------------------------------------------------ errors
def _x(m, *shape, dtype=None):
    return m.ones(*shape, dtype=dtype)


ERRORS = [
    lambda m: m.nn.functional.max_pool2d(_x(m, 2, 3, 5, 5), (2, 2, 2)),
    lambda m: m.nn.functional.max_pool2d(_x(m, 2, 3, 5, 5), 2, (1, 1, 1)),
    lambda m: m.nn.functional.max_pool2d(_x(m, 2, 3, 5, 5), 2, 1, (1, 1, 1)),
    lambda m: m.nn.functional.max_pool2d(_x(m, 2, 3, 5, 5), 2, 1, 0, (1, 1, 1)),
    lambda m: m.nn.functional.max_pool2d(_x(m, 2, 3, 5, 5), 3, padding=2),
    lambda m: m.nn.functional.max_pool2d(_x(m, 2, 3, 5, 5), 0),
    lambda m: m.nn.functional.max_pool2d(_x(m, 2, 3, 5, 5), 2, dilation=0),
    lambda m: m.nn.functional.max_pool2d(_x(m, 2, 3, 5, 5), 2, padding=-1),
    lambda m: m.nn.functional.max_pool2d(_x(m, 2, 3, 5, 5), 6),
    lambda m: m.nn.functional.max_pool2d(_x(m, 5, 5), 2),
    lambda m: m.nn.functional.max_pool2d(_x(m, 2, 0, 5, 5), 2),
    lambda m: m.nn.functional.max_pool2d(_x(m, 2, 3, 5, 5, dtype=m.bool), 2),
    lambda m: m.nn.functional.max_pool3d(_x(m, 2, 3, 4, 5, 5), 6),
    lambda m: m.nn.functional.max_pool3d(_x(m, 2, 3, 4, 5, 5), (2, 2)),
    lambda m: m.nn.functional.max_pool1d(_x(m, 2, 3, 5), 6, return_indices=True),
    lambda m: m.nn.functional.avg_pool2d(_x(m, 2, 3, 5, 5), 6),
    lambda m: m.nn.functional.avg_pool2d(_x(m, 2, 3, 5, 5), 3, padding=2),
    lambda m: m.nn.functional.avg_pool2d(_x(m, 2, 3, 5, 5), 2, divisor_override=0),
    lambda m: m.nn.functional.avg_pool1d(_x(m, 5), 2),
    lambda m: m.nn.functional.adaptive_avg_pool2d(_x(m, 2, 3, 5, 5), (2, 2, 2)),
    lambda m: m.nn.functional.adaptive_avg_pool2d(_x(m, 2, 3, 5, 5), (-1, 2)),
    lambda m: m.nn.functional.adaptive_avg_pool2d(_x(m, 5, 5), 2),
    lambda m: m.nn.functional.adaptive_avg_pool2d(_x(m, 2, 3, 0, 5), 2),
    lambda m: m.nn.functional.adaptive_avg_pool2d(_x(m, 2, 3, 5, 5, dtype=m.int64), 2),
    lambda m: m.nn.functional.adaptive_avg_pool1d(_x(m, 2, 3, 5), (2, 2)),
    lambda m: m.nn.functional.adaptive_max_pool2d(_x(m, 5, 5), 2),
    lambda m: m.nn.functional.adaptive_max_pool1d(_x(m, 5), 2),
    lambda m: m.nn.functional.lp_pool2d(_x(m, 2, 3, 5, 5), 2, 6),
    lambda m: m.nn.functional.max_unpool2d(_x(m, 2, 3, 5, 5), m.full((2, 3, 5, 5), 100), 2),
    lambda m: m.nn.functional.max_unpool2d(_x(m, 2, 3, 5, 5), m.zeros(2, 3, 5, 4, dtype=m.int64), 2),
    lambda m: m.nn.functional.max_unpool2d(_x(m, 2, 3, 5, 5), m.zeros(2, 3, 5, 5, dtype=m.int64), 2,
                                           output_size=(3, 3)),
    lambda m: m.nn.functional.max_unpool2d(_x(m, 2, 3, 5, 5), m.zeros(2, 3, 5, 5, dtype=m.int64), 2,
                                           output_size=(10, 10, 10)),
    lambda m: m.nn.functional.max_unpool2d(_x(m, 5, 5), m.zeros(5, 5, dtype=m.int64), 2),
    lambda m: m.nn.functional.max_unpool2d(_x(m, 2, 3, 5, 5), m.zeros(2, 3, 5, 5, dtype=m.int32), 2),
    lambda m: m.nn.functional.max_unpool1d(_x(m, 2, 3, 5), m.full((2, 3, 5), -1, dtype=m.int64), 2),
    lambda m: m.nn.functional.max_unpool3d(_x(m, 2, 3, 4, 5, 5), m.full((2, 3, 4, 5, 5), 1000, dtype=m.int64), 2),
    lambda m: m.nn.functional.fractional_max_pool2d(_x(m, 2, 3, 5, 5), 2),
    lambda m: m.nn.functional.fractional_max_pool2d(_x(m, 2, 3, 5, 5), 2, output_size=5),
    lambda m: m.nn.functional.fractional_max_pool2d(_x(m, 2, 3, 5, 5), 2, output_size=4,
                                                    _random_samples=m.rand(2, 3, 3)),
    lambda m: m.nn.functional.fractional_max_pool2d(_x(m, 2, 3, 5, 5), 2, output_size=4,
                                                    _random_samples=m.rand(1, 3, 2)),
    lambda m: m.nn.functional.fractional_max_pool2d(_x(m, 2, 3, 5, 5), 2, output_size=4,
                                                    _random_samples=m.rand(2, 3, 2, dtype=m.float64)),
    lambda m: m.nn.functional.fractional_max_pool2d(_x(m, 2, 3, 5, 5), 2, output_ratio=(0.5, 0.5, 0.5)),
    lambda m: m.nn.functional.fractional_max_pool3d(_x(m, 2, 3, 4, 5, 5), 2, output_size=4),
    lambda m: m.nn.functional.fractional_max_pool3d(_x(m, 2, 3, 4, 5, 5), (2, 2), output_size=2),
    lambda m: m.nn.FractionalMaxPool2d(2),
    lambda m: m.nn.FractionalMaxPool2d(2, output_size=2, output_ratio=0.5),
    lambda m: m.nn.FractionalMaxPool2d(2, output_ratio=1.5),
    lambda m: m.nn.FractionalMaxPool3d(0, output_size=2),
]


@pytest.mark.parametrize("fn", ERRORS)
def test_errors_match_torch(fn):
    same_error(fn)
