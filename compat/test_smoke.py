"""A few cross-cutting cases; op families have their own files."""
import numpy as np
import pytest

from harness import compare

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4)).astype(np.float32)
B = RNG.standard_normal((3, 4)).astype(np.float32)


@pytest.mark.parametrize("fn", [
    lambda m, a, b: a + b,
    lambda m, a, b: m.add(a, b, alpha=2),
    lambda m, a, b: (a * b).sin().sum(),
    lambda m, a, b: a.t()[1] * 3,
])
def test_basic(fn):
    compare(fn, [A, B], grad=True)
