"""Type promotion without torch: promote_types, result_type, can_cast and the dtypes binary ops produce for
dimensioned tensors, 0-dim tensors and Python numbers (expected values are PyTorch 2.x's; compat/
test_pointwise.py checks every pair against real torch)."""
from __future__ import annotations

import pytest

import jtorch as torch


@pytest.mark.parametrize("a,b,expected", [
    ("bool", "bool", "bool"), ("bool", "uint8", "uint8"), ("uint8", "int8", "int16"), ("uint8", "int16", "int16"),
    ("int8", "int64", "int64"), ("int32", "float16", "float16"), ("int64", "bfloat16", "bfloat16"),
    ("float16", "bfloat16", "float32"), ("float16", "float32", "float32"), ("float32", "float64", "float64"),
    ("bfloat16", "complex64", "complex64"), ("float64", "complex64", "complex128"),
    ("float16", "complex64", "complex64"), ("int64", "complex128", "complex128"), ("bool", "complex64", "complex64"),
])
def test_promote_types(a, b, expected):
    ta, tb = getattr(torch, a), getattr(torch, b)
    assert torch.promote_types(ta, tb) is getattr(torch, expected)
    assert torch.promote_types(tb, ta) is getattr(torch, expected)


def test_promote_types_errors():
    with pytest.raises(RuntimeError, match="uint16"):
        torch.promote_types(torch.uint16, torch.int8)
    with pytest.raises(RuntimeError, match="Float8"):
        torch.promote_types(torch.float8_e4m3fn, torch.float32)
    assert torch.promote_types(torch.uint16, torch.float32) is torch.float32


@pytest.mark.parametrize("a,b,ok", [
    ("int64", "float32", True), ("float32", "int64", False), ("complex64", "float64", False),
    ("float64", "complex64", True), ("int8", "bool", False), ("bool", "int8", True), ("float16", "float16", True),
    ("uint8", "int8", True), ("int64", "uint8", True), ("float64", "float16", True),
])
def test_can_cast(a, b, ok):
    assert torch.can_cast(getattr(torch, a), getattr(torch, b)) is ok


def _t(dtype, dim=True):
    return torch.ones((2,) if dim else (), dtype=getattr(torch, dtype))


# (a, b, result dtype of a + b): dimensioned tensors beat 0-dim tensors, which beat Python numbers, unless
# the lower-priority operand is of a higher category (bool < integer < floating < complex)
ADD_CASES = [
    (lambda: _t("int64"), lambda: 2.5, "float32"),
    (lambda: _t("float16"), lambda: _t("float64", False), "float16"),
    (lambda: _t("int32"), lambda: _t("int64", False), "int32"),
    (lambda: _t("bool"), lambda: True, "bool"),
    (lambda: _t("bool"), lambda: 2, "int64"),
    (lambda: _t("uint8"), lambda: _t("int8"), "int16"),
    (lambda: _t("uint8"), lambda: _t("int8", False), "uint8"),
    (lambda: _t("int8"), lambda: 1000, "int8"),
    (lambda: _t("int32"), lambda: _t("float64", False), "float64"),
    (lambda: _t("float32"), lambda: 1j, "complex64"),
    (lambda: _t("float64"), lambda: 1j, "complex128"),
    (lambda: _t("int64", False), lambda: 2.5, "float32"),
    (lambda: _t("int64", False), lambda: _t("float16", False), "float16"),
    (lambda: _t("int32", False), lambda: _t("int64", False), "int64"),
    (lambda: _t("float32"), lambda: _t("complex128", False), "complex64"),
    (lambda: _t("bfloat16"), lambda: _t("float16"), "float32"),
]


@pytest.mark.parametrize("a,b,expected", ADD_CASES)
def test_binary_op_dtypes(a, b, expected):
    x, y = a(), b()
    assert (x + y).dtype is getattr(torch, expected)
    assert torch.result_type(x, y) is getattr(torch, expected)
    if isinstance(y, torch.Tensor):
        assert (y + x).dtype is getattr(torch, expected)


def test_set_default_dtype_changes_scalar_results():
    x = torch.tensor([1, 2])
    assert (x + 2.5).dtype is torch.float32
    assert (x / 2).dtype is torch.float32
    assert torch.sin(x).dtype is torch.float32
    prev = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        assert (x + 2.5).dtype is torch.float64
        assert (x / 2).dtype is torch.float64
        assert torch.sin(x).dtype is torch.float64
        assert (x + 1j).dtype is torch.complex128
        assert (torch.tensor([1.0], dtype=torch.float32) + 2.5).dtype is torch.float32
    finally:
        torch.set_default_dtype(prev)
    assert (x + 2.5).dtype is torch.float32


@pytest.mark.parametrize("fn", [
    lambda: torch.tensor([1, 2]).add_(1.5),
    lambda: torch.tensor([1, 2]).mul_(torch.tensor([1.5])),
    lambda: torch.tensor([1, 2]).div_(2),
    lambda: torch.tensor([1.0]).add_(1j),
    lambda: torch.tensor([True]).add_(2),
    lambda: torch.tensor([1, 2]).sin_(),
])
def test_inplace_cannot_downcast(fn):
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type"):
        fn()


def test_inplace_keeps_self_dtype():
    x = torch.tensor([1.0, 2.0], dtype=torch.float16)
    x.add_(torch.tensor([1.0], dtype=torch.float64))
    assert x.dtype is torch.float16 and x.tolist() == [2.0, 3.0]
    y = torch.tensor([1, 2], dtype=torch.int8)
    y.add_(torch.tensor([300]))  # int64 into int8: allowed, wraps
    assert y.dtype is torch.int8
    z = torch.tensor([1.0, 5.0])
    assert z.lt_(2).tolist() == [1.0, 0.0] and z.dtype is torch.float32


def test_out_casts_to_its_dtype():
    out = torch.empty(2, dtype=torch.float64)
    torch.add(torch.tensor([1, 2]), torch.tensor([3, 4]), out=out)
    assert out.dtype is torch.float64 and out.tolist() == [4.0, 6.0]
    with pytest.raises(RuntimeError, match="can't be cast"):
        torch.add(torch.tensor([1.5]), torch.tensor([1.0]), out=torch.empty(1, dtype=torch.int64))


def test_int_to_float_ops_follow_default_dtype():
    for f in (torch.sqrt, torch.exp, torch.sigmoid, torch.reciprocal):
        assert f(torch.tensor([1, 2])).dtype is torch.float32
        assert f(torch.tensor([True])).dtype is torch.float32
        assert f(torch.tensor([1.0], dtype=torch.float16)).dtype is torch.float16
    assert torch.true_divide(torch.tensor([1]), torch.tensor([2])).dtype is torch.float32
    assert torch.float_power(torch.tensor([2]), 2).dtype is torch.float64
    assert torch.abs(torch.tensor([3 + 4j])).dtype is torch.float32
    assert torch.square(torch.tensor([True])).dtype is torch.int64
    assert torch.eq(torch.tensor([1]), 1.5).dtype is torch.bool
