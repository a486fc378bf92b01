"""repr()/str() of tensors: character for character what torch prints."""
import math

import numpy as np
import pytest
import torch

import jtorch

inf, nan = math.inf, math.nan
R = np.random.default_rng(0)
NORMAL = R.standard_normal((4, 5)).astype(np.float32)
WIDE = R.standard_normal((3, 3)) * 1e4

# (name, fn(m)) -> a tensor built the same way in torch and jtorch
CASES = [
    ("float_vec", lambda m: m.tensor([1.0, 2.0])),
    ("float_frac", lambda m: m.tensor([1.5, -2.25, 3.125])),
    ("float_precision", lambda m: m.tensor([1.123456789, 2.0])),
    ("float_0d", lambda m: m.tensor(3.5)),
    ("float_0d_int", lambda m: m.tensor(3.0)),
    ("float_neg_zero", lambda m: m.tensor([-0.0, 0.0, 1.0])),
    ("float_neg_zero_frac", lambda m: m.tensor([-0.0, 0.5])),
    ("float_zeros", lambda m: m.zeros(4)),
    ("float_matrix", lambda m: m.tensor([[1.0, 2.5], [-3.0, 4.0]])),
    ("float_3d", lambda m: m.arange(24.0).reshape(2, 3, 4)),
    ("float_4d", lambda m: m.arange(16.0).reshape(2, 2, 2, 2) / 3),
    ("sci_large", lambda m: m.tensor([1e10, 1.0])),
    ("sci_small", lambda m: m.tensor([1e-5, 1.0])),
    ("sci_ratio", lambda m: m.tensor([0.001, 2.0])),
    ("sci_int_mode", lambda m: m.tensor([1e9, 2.0])),
    ("no_sci_ratio", lambda m: m.tensor([0.01, 2.0])),
    ("sci_neg", lambda m: m.tensor([-1.5e-7, 2.5e3, 0.0])),
    ("big_int_values", lambda m: m.tensor([123456789.0, 1.0])),
    ("nan_inf", lambda m: m.tensor([nan, inf, -inf, 1.5])),
    ("nan_inf_int", lambda m: m.tensor([nan, inf, -inf, 2.0])),
    ("only_nan", lambda m: m.tensor([nan, nan])),
    ("only_inf_0d", lambda m: m.tensor(-inf)),
    ("int64", lambda m: m.tensor([1, -20, 300])),
    ("int64_0d", lambda m: m.tensor(7)),
    ("int64_matrix", lambda m: m.arange(12).reshape(3, 4) - 5),
    ("int32", lambda m: m.tensor([1, 2, 3], dtype=m.int32)),
    ("int8", lambda m: m.tensor([-128, 0, 127], dtype=m.int8)),
    ("uint8", lambda m: m.tensor([0, 255], dtype=m.uint8)),
    ("int16_0d", lambda m: m.tensor(5, dtype=m.int16)),
    ("bool", lambda m: m.tensor([True, False, True])),
    ("bool_matrix", lambda m: m.tensor([[True], [False]])),
    ("bool_0d", lambda m: m.tensor(False)),
    ("float64", lambda m: m.tensor([1.0, 2.5], dtype=m.float64)),
    ("float64_0d", lambda m: m.tensor(0.1, dtype=m.float64)),
    ("float16", lambda m: m.tensor([0.1, 1000.0, -2.0], dtype=m.float16)),
    ("bfloat16", lambda m: m.tensor([0.1, 3.0, -2.5], dtype=m.bfloat16)),
    ("bfloat16_sci", lambda m: m.tensor([1e-6, 3.0], dtype=m.bfloat16)),
    ("complex", lambda m: m.tensor([1 + 2j, -3.5 - 0.5j])),
    ("complex_0d", lambda m: m.tensor(1 - 1j)),
    ("complex_neg_zero_imag", lambda m: m.complex(m.tensor([1.0, 2.0]), m.tensor([-0.0, 0.0]))),
    ("complex128", lambda m: m.tensor([1 + 2j, 0.5j], dtype=m.complex128)),
    ("complex_sci", lambda m: m.tensor([1e-6 + 1e6j, 1 + 1j])),
    ("complex_matrix", lambda m: m.tensor([[1 + 1j, 2], [3j, -4]])),
    ("empty", lambda m: m.tensor([])),
    ("empty_2d", lambda m: m.zeros(0, 3)),
    ("empty_int", lambda m: m.zeros(0, dtype=m.int64)),
    ("empty_3d_f64", lambda m: m.zeros(2, 0, 1, dtype=m.float64)),
    ("empty_bool", lambda m: m.zeros(0, dtype=m.bool)),
    ("requires_grad", lambda m: m.tensor([1.0, 2.0], requires_grad=True)),
    ("requires_grad_0d", lambda m: m.tensor(1.5, requires_grad=True)),
    ("grad_fn_add", lambda m: m.tensor([1.0, 2.0], requires_grad=True) + 1),
    ("grad_fn_mul", lambda m: m.tensor([1.0, 2.0], requires_grad=True) * 2),
    ("grad_fn_sum", lambda m: m.tensor([1.0, 2.0], requires_grad=True).sum()),
    ("grad_fn_f64", lambda m: m.tensor([1.0, 2.0], dtype=m.float64, requires_grad=True).exp()),
    ("long_vector_wrap", lambda m: m.arange(40.0) * 1.5),
    ("long_int_wrap", lambda m: m.arange(100) * 1000),
    ("wrap_complex", lambda m: m.arange(30.0) * (1 + 2j)),
    ("summarized_1d", lambda m: m.arange(2000.0)),
    ("summarized_2d", lambda m: m.arange(2000).reshape(40, 50)),
    ("summarized_3d", lambda m: m.arange(3000.0).reshape(10, 10, 30) / 7),
    ("summarized_sci", lambda m: m.arange(1500.0) ** 3),
    ("summarized_wide_rows", lambda m: m.arange(5000).reshape(2, 2500)),
    ("random_normal", lambda m: m.tensor(NORMAL)),
    ("random_float64", lambda m: m.tensor(WIDE)),
    ("suffix_wrap", lambda m: (m.arange(14.0, dtype=m.float64) + 0.5).requires_grad_() * 2),
    ("suffix_wrap_int16", lambda m: m.arange(19, dtype=m.int16) * 1000),
    ("transposed", lambda m: m.arange(6.0).reshape(2, 3).t()),
    ("sliced_view", lambda m: m.arange(10)[::3]),
    ("select_grad_fn", lambda m: (m.arange(6.0).reshape(2, 3).requires_grad_() * 1).select(0, 0)),
    ("neg_0d", lambda m: m.tensor(-0.25)),
    ("int_widths", lambda m: m.tensor([[1, -1000], [99999, 5]])),
    ("uint8_matrix", lambda m: m.arange(12, dtype=m.uint8).reshape(3, 4) * 20),
    ("float_int_big", lambda m: m.tensor([1e8, 1.0, -3.0])),
    ("float_int_over_1e8", lambda m: m.tensor([2e8, 1.0])),
    ("summarized_nan", lambda m: m.cat([m.tensor([nan, inf]), m.arange(1200.0) / 9])),
    ("complex_nan", lambda m: m.tensor([complex(nan, 1), complex(1, inf)])),
    ("empty_requires_grad", lambda m: m.zeros(0, 2, requires_grad=True)),
    ("float64_requires_grad", lambda m: m.ones(2, dtype=m.float64, requires_grad=True)),
    ("half_matrix_grad", lambda m: m.ones(2, 2, dtype=m.float16, requires_grad=True) * 3),
    ("float8", lambda m: m.tensor([0.5, 2.0, -1.5]).to(m.float8_e4m3fn)),
]


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_repr_matches_torch(name, fn):
    t, j = fn(torch), fn(jtorch)
    assert repr(j) == repr(t), f"\njtorch: {j!r}\ntorch:  {t!r}"
    assert str(j) == str(t)


# (options, fn(m))
OPTIONS = [
    ({"precision": 2}, lambda m: m.tensor([1.12345, 2.5])),
    ({"precision": 6}, lambda m: m.tensor([1.12345, 2.5], dtype=m.float64)),
    ({"precision": 0}, lambda m: m.tensor([1.6, 2.5])),
    ({"threshold": 5}, lambda m: m.arange(10)),
    ({"threshold": 5, "edgeitems": 1}, lambda m: m.arange(20.0).reshape(4, 5)),
    ({"threshold": 5, "edgeitems": 0}, lambda m: m.arange(20.0).reshape(4, 5)),
    ({"edgeitems": 0, "threshold": 2}, lambda m: m.arange(3)),
    ({"linewidth": 40}, lambda m: m.arange(30.0)),
    ({"linewidth": 20}, lambda m: m.arange(6.0).reshape(2, 3) + 0.5),
    ({"sci_mode": True}, lambda m: m.tensor([1.0, 2.5])),
    ({"sci_mode": False}, lambda m: m.tensor([1e-8, 1e8])),
    ({"sci_mode": True}, lambda m: m.tensor([1 + 2j])),
    ({"profile": "short"}, lambda m: m.arange(2000.0) / 3),
    ({"profile": "full"}, lambda m: m.arange(1200)),
    ({"profile": "default"}, lambda m: m.arange(1200)),
    ({"profile": "short", "precision": 5}, lambda m: m.tensor([1 / 3])),
]


@pytest.mark.parametrize("opts,fn", OPTIONS, ids=[str(o) for o, _ in OPTIONS])
def test_printoptions_match_torch(opts, fn):
    try:
        torch.set_printoptions(**opts)
        jtorch.set_printoptions(**opts)
        t, j = repr(fn(torch)), repr(fn(jtorch))
    finally:
        torch.set_printoptions(profile="default")
        jtorch.set_printoptions(profile="default")
    assert j == t, f"\njtorch: {j}\ntorch:  {t}"


def test_default_dtype_changes_the_suffixes():
    try:
        torch.set_default_dtype(torch.float64)
        jtorch.set_default_dtype(jtorch.float64)
        for fn in (lambda m: m.tensor([1.5]), lambda m: m.tensor([1.5], dtype=m.float32),
                   lambda m: m.tensor([1j]), lambda m: m.tensor([1j], dtype=m.complex64), lambda m: m.zeros(0)):
            assert repr(fn(jtorch)) == repr(fn(torch))
    finally:
        torch.set_default_dtype(torch.float32)
        jtorch.set_default_dtype(jtorch.float32)


def test_format_and_parameter():
    t, j = torch.tensor(2.5), jtorch.tensor(2.5)
    assert f"{j:.3f}" == f"{t:.3f}" and f"{j}" == f"{t}"
    tp = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    jp = jtorch.nn.Parameter(jtorch.tensor([1.0, 2.0]))
    assert repr(jp) == repr(tp)


def test_traced_repr():
    import jax
    seen = []

    def f(v):
        x = jtorch.Tensor._make(v).requires_grad_()
        seen.append((repr(x), repr(x * 2)))
        return v

    jax.jit(f)(np.zeros((2, 3), np.float32))
    assert seen[0][0] == "tensor(<traced>, size=(2, 3), dtype=torch.float32, requires_grad=True)"
    assert seen[0][1] == "tensor(<traced>, size=(2, 3), dtype=torch.float32, grad_fn=<MulBackward0>)"
