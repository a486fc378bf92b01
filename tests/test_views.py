"""View bookkeeping that needs no torch: storage sharing across in-place view ops, resize_, and
views under jax.jit."""
import jax
import pytest

import jtorch
from jtorch.testing import assert_jit_matches


def test_inplace_view_op_keeps_earlier_views_aliased():
    x = jtorch.arange(6.0).reshape(2, 3).clone()
    row = x[1]                       # taken before x changes shape
    x.t_()
    assert x.shape == (3, 2) and x.stride() == (1, 3) and not x.is_contiguous()
    x[2, 1] = -1.0                   # the original (1, 2)
    assert row.tolist() == [3.0, 4.0, -1.0]
    row.add_(1)                      # and writes through the old view still reach x
    assert x[:, 1].tolist() == [4.0, 5.0, 0.0]
    assert x._version == row._version


def test_squeeze_unsqueeze_inplace_chain():
    x = jtorch.zeros(1, 3)
    y = x.squeeze_(0).unsqueeze_(1)
    assert y is x and x.shape == (3, 1) and x.is_contiguous()
    x.fill_(2.0)
    assert x.sum().item() == 6.0


def test_resize_shrinks_within_the_storage_and_grows_into_a_new_one():
    x = jtorch.arange(4.0)
    v = x[2:]
    x.resize_(2)
    x.resize_(4)
    assert x.tolist() == [0.0, 1.0, 2.0, 3.0]   # shrinking kept the storage
    x.resize_(6)
    assert x.shape == (6,) and x[:4].tolist() == [0.0, 1.0, 2.0, 3.0]
    x[2] = 9.0
    assert v.tolist() == [2.0, 3.0]              # a grown storage is new: earlier views keep the old one
    with pytest.raises(NotImplementedError, match="growing a view"):
        jtorch.arange(4.0)[1:].resize_(10)


def test_inplace_view_op_of_no_grad_leaf_stays_a_leaf():
    p = jtorch.ones(2, 3, requires_grad=True)
    with jtorch.no_grad():
        p.t_()
        p.mul_(3)
    (p * jtorch.arange(6.0).reshape(3, 2)).sum().backward()
    assert p.is_leaf and p.grad.shape == (3, 2) and p.grad.tolist() == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]
    with pytest.raises(RuntimeError, match="leaf Variable"):
        p.add_(1)


def test_views_and_writes_under_jit():
    def f(x):
        y = x * 1
        y.t()[0].mul_(2)
        y.diagonal().zero_()
        y.view(-1)[::5] = 7.0
        z = y.clone()
        z.t_()
        z.unsqueeze_(0)
        return y, z, y.unfold(1, 2, 1), y.as_strided((2, 2), (1, 3), 1)
    assert_jit_matches(f, jtorch.arange(12.0).reshape(4, 3))


def test_jit_gradient_through_view_writes():
    def loss(v):
        x = jtorch.Tensor._make(v).requires_grad_()
        y = x * 1
        y[:, 1] = x[:, 0] ** 2
        y.t()[2].mul_(3)
        (g,) = jtorch.autograd.grad(y.sum(), [x])
        return g._value
    v = jtorch.arange(6.0).reshape(2, 3)._value
    eager = loss(v)
    assert (jax.jit(loss)(v) == eager).all()
    assert eager.tolist() == [[1.0, 0.0, 3.0], [7.0, 0.0, 3.0]]
