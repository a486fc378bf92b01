"""F.pad, torch.constant_pad_nd and the padding modules against real torch."""
import numpy as np
import pytest
import torch
from nn_models import rand
from nn_module_db import case_id, cases, run_case
from test_nn_conv import check_module, compare_ok, same_error

import jtorch

MODULE_DB = ["ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
             "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
             "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d"]
CASES = cases(MODULE_DB)
JIT_CASES = {c for c in CASES if c[2] == 0 and c[0][-2] == "2"}


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_module_db(case):
    run_case(*case, jit=case in JIT_CASES)


def P(pad, mode="constant", value=None):
    return lambda m, x: m.nn.functional.pad(x, pad, mode, value)


X3, X4, X5 = (2, 3, 5), (2, 3, 4, 5), (1, 2, 3, 4, 5)
# (name, fn, input shape, run under jax.jit too)
F_CASES = [
    ("constant_value", P((1, 2, 0, 3), value=1.5), X4, True),
    ("constant_crop", P((-1, 2, 1, -2)), X4, False),
    ("constant_all_dims", P((1, 1, -1, 0, 2, 1, 0, 1)), X4, False),
    ("constant_1d_input", P((2, 1)), (5,), False),
    ("reflect_1d", P((2, 3), "reflect"), X3, True),
    ("reflect_2d_mixed_signs", P((2, -1, -1, 3), "reflect"), X4, False),
    ("reflect_1d_mixed_signs", P((-2, 4), "reflect"), X3, False),
    ("replicate_2d_mixed_signs", P((-3, 2, 3, -2), "replicate"), X4, False),
    ("circular_2d_mixed_signs", P((-2, 3, 2, -1), "circular"), X4, False),
    ("reflect_3d", P((1, 2, 0, 3, 2, 1), "reflect"), X5, False),
    ("reflect_unbatched_2d", P((1, 2, 2, 1), "reflect"), (3, 4, 5), False),
    ("replicate_1d", P((3, -1), "replicate"), X3, False),
    ("replicate_2d", P((2, 3, 4, 1), "replicate"), X4, True),
    ("replicate_3d", P((1, 0, 2, 3, -1, 2), "replicate"), X5, False),
    ("circular_1d", P((-1, 2), "circular"), X3, False),
    ("circular_2d", P((2, 1, 3, -1), "circular"), X4, True),
    ("circular_3d", P((1, 2, 1, 0, 2, 1), "circular"), X5, False),
    ("torch_constant_pad_nd", lambda m, x: m.constant_pad_nd(x, [1, 2, -1, 1], 2.5), X4, False),
]


@pytest.mark.parametrize("name,fn,shape,jit", F_CASES, ids=[c[0] for c in F_CASES])
def test_pad(name, fn, shape, jit):
    compare_ok(fn, [rand(*shape)], grad=True, jit=jit, what=name)


def test_integer_and_bool_inputs():
    x = np.arange(2 * 3 * 4).reshape(2, 3, 4)
    compare_ok(P((1, 2), value=2.7), [x], jit=False)  # the value is cast to the input's dtype
    compare_ok(P((1, 2), "reflect"), [x], jit=False)
    compare_ok(P((1, 0, 1, 1), "circular"), [x % 2 == 0], jit=False)
    compare_ok(P((1, 1), value=True), [x % 3 == 0], jit=False)


@pytest.mark.parametrize("build", [
    lambda m: m.nn.ZeroPad1d((1, 2)), lambda m: m.nn.ZeroPad2d(1), lambda m: m.nn.ZeroPad3d((1, 2, 0, 1, 1, 0)),
    lambda m: m.nn.ConstantPad1d(2, 3.5), lambda m: m.nn.ConstantPad2d((1, 0, 2, 1), -1),
    lambda m: m.nn.ConstantPad3d(1, 0.5), lambda m: m.nn.ReflectionPad1d((2, 1)), lambda m: m.nn.ReflectionPad2d(1),
    lambda m: m.nn.ReflectionPad3d((1, 0, 1, 0, 1, 0)), lambda m: m.nn.ReplicationPad1d(3),
    lambda m: m.nn.ReplicationPad2d((0, 1, 2, 3)), lambda m: m.nn.ReplicationPad3d(2),
    lambda m: m.nn.CircularPad1d(1), lambda m: m.nn.CircularPad2d((1, 2, 0, 1)), lambda m: m.nn.CircularPad3d(1),
])
def test_repr_and_attributes(build):
    t, j = build(torch), build(jtorch)
    assert repr(j) == repr(t) and j.padding == t.padding and getattr(j, "value", None) == getattr(t, "value", None)
    assert isinstance(j, getattr(jtorch.nn, type(t).__mro__[1].__name__, jtorch.nn.Module))


def test_module_in_a_network():
    check_module(lambda m: m.nn.Sequential(m.nn.ReflectionPad2d((1, 2, 0, 1)), m.nn.Conv2d(3, 2, 2),
                                           m.nn.CircularPad2d(1)), [X4], what="pad network")


# ------------------------------------------------------------------ errors
def _x(m, *shape, dtype=None):
    return m.ones(*shape, dtype=dtype)


ERRORS = [
    lambda m: m.nn.functional.pad(_x(m, 1, 2, 3), (1, 2, 3)),
    lambda m: m.nn.functional.pad(_x(m, 1, 2, 3), (1,) * 8),
    lambda m: m.nn.functional.pad(_x(m, 1, 2, 3), (-3, -1)),
    lambda m: m.nn.functional.pad(_x(m, 1, 2, 3), (1, 1), mode="foo"),
    lambda m: m.nn.functional.pad(_x(m, 1, 2, 3), (1, 1), mode="reflect", value=1),
    lambda m: m.nn.functional.pad(_x(m, 1, 2, 3), (3, 1), mode="reflect"),
    lambda m: m.nn.functional.pad(_x(m, 1, 2, 3, 4), (1, 1, 3, 1), mode="reflect"),
    lambda m: m.nn.functional.pad(_x(m, 1, 2, 3, 4, 5), (1, 1, 1, 1, 3, 3), mode="reflect"),
    lambda m: m.nn.functional.pad(_x(m, 1, 2, 3), (4, 1), mode="circular"),
    lambda m: m.nn.functional.pad(_x(m, 2, 3), (1, 1, 1, 1), mode="replicate"),
    lambda m: m.nn.functional.pad(_x(m, 3), (1, 1), mode="reflect"),
    lambda m: m.nn.functional.pad(_x(m, 1, 1, 3, 4), (1, 1), mode="circular"),
    lambda m: m.nn.functional.pad(_x(m, 1, 0, 3, 4), (1, 1, 1, 1), mode="reflect"),
    lambda m: m.nn.functional.pad(_x(m, 1, 2, 3), (-4, 1), mode="replicate"),
    lambda m: m.nn.functional.pad(_x(m, 1, 2, 3, dtype=m.bool), (1, 1), mode="replicate"),
    lambda m: m.nn.functional.pad(_x(m, 1, 2, 3), [1.5, 1]),
    lambda m: m.constant_pad_nd(_x(m, 1, 2, 3), (1, 1, 1)),
    lambda m: m.nn.CircularPad2d(1)(_x(m, 3, 4)),
]


@pytest.mark.parametrize("fn", ERRORS)
def test_errors_match_torch(fn):
    same_error(fn)
