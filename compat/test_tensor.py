"""Tensor construction, protocols, conversions, dtypes and devices, compared with real torch."""
import copy
import pickle

import numpy as np
import pytest
import torch

import jtorch
from harness import assert_same, compare, dtype_name


def both(fn):
    """Run fn(torch) and fn(jtorch); compare results or exception types."""
    try:
        t = fn(torch)
    except Exception as e:
        with pytest.raises(Exception) as info:
            fn(jtorch)
        assert isinstance(info.value, type(e)) or issubclass(type(e), type(info.value)) or \
            type(info.value).__mro__[1] is type(e).__mro__[1], f"{type(info.value)} vs torch {type(e)}"
        return None, None
    j = fn(jtorch)
    return j, t


def same(fn, **kw):
    j, t = both(fn)
    if t is None:
        return
    if isinstance(t, torch.dtype):
        assert dtype_name(j) == dtype_name(t)
    elif isinstance(t, torch.Size):
        assert isinstance(j, jtorch.Size) and tuple(j) == tuple(t)
    elif isinstance(t, torch.device):
        assert str(j) == str(t)
    else:
        assert_same(j, t, **kw)


# ------------------------------------------------------------------ torch.tensor and friends
TENSOR_DATA = [
    [1, 2, 3], [1.0, 2.0], [True, False], [1, 2.5], [True, 2], [[1, 2], [3, 4]], [], [[], []], 3, 2.5, True,
    [1 + 2j, 3], np.arange(6, dtype=np.int32).reshape(2, 3), np.ones(3, dtype=np.float64),
    np.array([1, 0], dtype=np.bool_), np.array(5, dtype=np.int16), np.float32(1.5), [np.float32(1.0), 2],
    [[1, 2], [3]], "abc", [None], np.array([1, 2], dtype=np.uint8), [2 ** 40, 1],
]


@pytest.mark.parametrize("data", TENSOR_DATA, ids=[repr(d)[:20] for d in TENSOR_DATA])
def test_tensor_from_data(data):
    same(lambda m: m.tensor(data))


@pytest.mark.parametrize("dtype", ["float16", "float64", "int32", "int64", "bool", "uint8", "complex64"])
def test_tensor_with_dtype(dtype):
    same(lambda m: m.tensor([0, 1, 2], dtype=getattr(m, dtype)))
    same(lambda m: m.tensor([[0.5, 1.5]], dtype=getattr(m, dtype)))


def test_tensor_of_tensors_and_legacy():
    same(lambda m: m.tensor([m.tensor(1.0), m.tensor(2.0)]))
    same(lambda m: m.Tensor([1, 2]))
    same(lambda m: m.Tensor(2, 3).shape)
    same(lambda m: m.Tensor().shape)
    same(lambda m: m.FloatTensor([1, 2]))
    same(lambda m: m.LongTensor([1.7, 2]))
    same(lambda m: m.BoolTensor([1, 0]))
    same(lambda m: m.DoubleTensor(3).dtype)
    same(lambda m: m.IntTensor(2, 2).shape)
    same(lambda m: m.ByteTensor([1, 255]))
    assert isinstance(jtorch.ones(2), jtorch.FloatTensor)
    assert not isinstance(jtorch.ones(2, dtype=jtorch.int64), jtorch.FloatTensor)
    assert isinstance(jtorch.ones(2, dtype=jtorch.int64), jtorch.LongTensor)
    assert isinstance(jtorch.Tensor([1]), jtorch.Tensor)


FACTORIES = [
    lambda m: m.zeros(2, 3), lambda m: m.zeros((2, 3)), lambda m: m.zeros([4]), lambda m: m.zeros(()),
    lambda m: m.zeros(0, 3), lambda m: m.ones(2, dtype=m.int32), lambda m: m.zeros(2, dtype=m.bool),
    lambda m: m.full((2, 2), 7), lambda m: m.full((2,), 2.5), lambda m: m.full((2,), True),
    lambda m: m.full((2,), 3, dtype=m.float64), lambda m: m.empty(2, 3).shape, lambda m: m.zeros(-1),
    lambda m: m.arange(5), lambda m: m.arange(1, 4), lambda m: m.arange(0, 1, 0.25), lambda m: m.arange(5.0),
    lambda m: m.arange(10, 0, -3), lambda m: m.arange(0, 5, 2, dtype=m.float64), lambda m: m.arange(0, 5, 0),
    lambda m: m.arange(5, 0), lambda m: m.arange(-1.5, 1.5, 0.5), lambda m: m.linspace(0, 1, 5),
    lambda m: m.linspace(-3, 3, 7, dtype=m.float64), lambda m: m.linspace(0, 10, 1), lambda m: m.linspace(0, 1, 0),
    lambda m: m.linspace(0, 9, 4, dtype=m.int64), lambda m: m.logspace(0, 2, 3), lambda m: m.logspace(0, 3, 4, base=2),
    lambda m: m.eye(3), lambda m: m.eye(2, 4), lambda m: m.eye(3, dtype=m.int64), lambda m: m.eye(0),
    lambda m: m.zeros_like(m.ones(2, 3, dtype=m.int16)), lambda m: m.ones_like(m.zeros(3), dtype=m.float64),
    lambda m: m.full_like(m.zeros(2), 4), lambda m: m.empty_like(m.zeros(2, 2)).shape,
    lambda m: m.ones(2).new_zeros(3), lambda m: m.ones(2, dtype=m.float64).new_ones((2, 2)),
    lambda m: m.ones(2).new_full((2,), 5), lambda m: m.ones(2, dtype=m.int32).new_tensor([1.7, 2]),
    lambda m: m.as_tensor([1, 2]), lambda m: m.as_tensor(np.arange(3.0)),
    lambda m: m.as_tensor(m.ones(2), dtype=m.float64), lambda m: m.from_numpy(np.arange(4, dtype=np.int16)),
    lambda m: m.from_numpy(np.ones((2, 2), dtype=np.float16)),
]


@pytest.mark.parametrize("k", range(len(FACTORIES)))
def test_factories(k):
    same(FACTORIES[k])


def test_default_dtype():
    for m in (torch, jtorch):
        m.set_default_dtype(m.float64)
    try:
        same(lambda m: m.tensor([1.5]))
        same(lambda m: m.zeros(2))
        same(lambda m: m.arange(0.0, 1.0, 0.5))
        same(lambda m: m.tensor([1, 2]) + 1.5)
        same(lambda m: m.get_default_dtype())
    finally:
        for m in (torch, jtorch):
            m.set_default_dtype(m.float32)
    same(lambda m: m.get_default_dtype())
    same(lambda m: m.set_default_dtype(m.int64))


# ------------------------------------------------------------------ Python protocols
PROTOCOL_CASES = [
    lambda m: len(m.zeros(3, 2)), lambda m: len(m.tensor(1.0)), lambda m: [x.tolist() for x in m.eye(2)],
    lambda m: list(m.tensor(3.0)), lambda m: bool(m.tensor([1])), lambda m: bool(m.tensor(0.0)),
    lambda m: bool(m.tensor([1, 2])), lambda m: bool(m.tensor([])), lambda m: float(m.tensor([2.5])),
    lambda m: float(m.tensor([1.0, 2.0])), lambda m: int(m.tensor(3.9)), lambda m: int(m.tensor(-3.9)),
    lambda m: complex(m.tensor(1.5)), lambda m: [10, 20, 30][m.tensor(1)], lambda m: [10, 20][m.tensor(1.0)],
    lambda m: m.tensor([1.5, 2.0]).tolist(), lambda m: m.tensor([[1, 2]]).tolist(), lambda m: m.tensor(7).item(),
    lambda m: m.tensor([1.0, 2.0]).item(), lambda m: m.tensor(True).item(), lambda m: m.tensor([2.5]).item(),
    lambda m: 2 in m.tensor([1, 2, 3]), lambda m: 5 in m.tensor([1, 2, 3]),
    lambda m: f"{m.tensor(3.14159):.2f}", lambda m: m.tensor([1.0, 2.0], requires_grad=True).numpy(),
    lambda m: m.tensor([1.0, 2.0]).numpy().tolist(), lambda m: np.asarray(m.tensor([1, 2])).dtype.name,
    lambda m: m.tensor([1.0]).is_floating_point(), lambda m: m.tensor([1]).is_floating_point(),
    lambda m: m.tensor([1j]).is_complex(), lambda m: m.zeros(2, 3).dim(), lambda m: m.zeros(2, 3).ndim,
    lambda m: m.zeros(2, 3).numel(), lambda m: m.zeros(2, 3).nelement(), lambda m: m.zeros(2, 3).size(),
    lambda m: m.zeros(2, 3).size(1), lambda m: m.zeros(2, 3).size(-1), lambda m: m.zeros(2, 3).size(2),
    lambda m: m.zeros(2, 3).shape, lambda m: m.zeros(2, 3, 4).stride(), lambda m: m.zeros(2, 3).element_size(),
    lambda m: m.zeros(2, dtype=m.float64).element_size(), lambda m: m.zeros(2, 3).is_contiguous(),
    lambda m: m.zeros(2, 3).dtype, lambda m: m.zeros(2, 3).device, lambda m: m.zeros(2).is_cuda,
    lambda m: m.zeros(2).is_leaf, lambda m: m.zeros(2).requires_grad, lambda m: m.zeros(2).grad,
    lambda m: m.zeros(2, dtype=m.int64).requires_grad_(), lambda m: m.Size([2, 3]).numel(),
    lambda m: m.Size([2, 3]) + (4,), lambda m: m.Size([2, 3])[1:], lambda m: m.zeros(2, 3).shape == (2, 3),
    lambda m: m.numel(m.zeros(4, 5)), lambda m: m.is_tensor(m.zeros(1)), lambda m: m.is_tensor([1]),
    lambda m: m.is_floating_point(m.zeros(1)), lambda m: m.is_nonzero(m.tensor([1.0])),
    lambda m: m.is_nonzero(m.tensor([1.0, 2.0])),
]


@pytest.mark.parametrize("k", range(len(PROTOCOL_CASES)))
def test_protocols(k):
    j, t = both(PROTOCOL_CASES[k])
    if t is None:
        return
    if isinstance(t, np.ndarray):
        np.testing.assert_array_equal(j, t)
    elif isinstance(t, (torch.Tensor, torch.dtype, torch.Size, torch.device)):
        same(PROTOCOL_CASES[k])
    else:
        assert j == t, f"{j!r} vs torch {t!r}"


def test_identity_hash_and_pickle():
    a, b = jtorch.zeros(2), jtorch.zeros(2)
    assert len({a, b, a}) == 2
    x = jtorch.tensor([1.0, 2.0], requires_grad=True)
    y = pickle.loads(pickle.dumps(x))
    assert y.requires_grad and y.tolist() == [1.0, 2.0] and y is not x
    z = copy.deepcopy(x)
    assert z.requires_grad and z.is_leaf and z.tolist() == [1.0, 2.0]
    assert jtorch.tensor([1, 2]).to(jtorch.float64).dtype == jtorch.float64


# ------------------------------------------------------------------ conversions
CONVERSIONS = ["float", "double", "half", "bfloat16", "long", "int", "short", "char", "byte", "bool"]


@pytest.mark.parametrize("name", CONVERSIONS)
def test_conversion_methods(name):
    data = np.array([-1.5, 0.0, 2.7, 300.2], dtype=np.float32)
    compare(lambda m, x: getattr(x, name)(), [data])
    compare(lambda m, x: getattr(x.long(), name)(), [data])


TO_CASES = [
    lambda m, x: x.to(m.float64), lambda m, x: x.to(dtype=m.int32), lambda m, x: x.to("cpu"),
    lambda m, x: x.to("cpu", m.float16), lambda m, x: x.to(m.zeros(1, dtype=m.int64)),
    lambda m, x: x.to(m.device("cpu"), dtype=m.float64), lambda m, x: x.to(m.float32, copy=True),
    lambda m, x: x.to(m.float64, True), lambda m, x: x.type(m.int64), lambda m, x: x.type("torch.DoubleTensor"),
    lambda m, x: x.type(), lambda m, x: x.long().type(), lambda m, x: x.type_as(m.zeros(1, dtype=m.int16)),
    lambda m, x: x.cpu(), lambda m, x: x.to("cuda"), lambda m, x: x.cuda(),
]


@pytest.mark.parametrize("k", range(len(TO_CASES)))
def test_to(k):
    data = np.array([1.25, -2.5, 3.0], dtype=np.float32)
    compare(TO_CASES[k], [data], jit=k not in (10, 11))


def test_to_identity_and_grad():
    x = jtorch.ones(3, requires_grad=True)
    assert x.to(jtorch.float32) is x
    assert x.to("cpu") is x
    assert x.to(jtorch.float32, copy=True) is not x
    y = x.double()
    assert y.grad_fn is not None and y.grad_fn.name() == "ToCopyBackward0"
    (y * 2).sum().backward()
    assert x.grad.dtype == jtorch.float32 and x.grad.tolist() == [2.0, 2.0, 2.0]


# ------------------------------------------------------------------ dtypes and devices
DTYPES = ["float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool",
          "complex64", "complex128", "uint16", "uint32", "uint64"]


@pytest.mark.parametrize("name", DTYPES)
def test_dtype_attributes(name):
    jd, td = getattr(jtorch, name), getattr(torch, name)
    assert repr(jd) == repr(td) and str(jd) == str(td)
    for attr in ("is_floating_point", "is_complex", "is_signed", "itemsize"):
        assert getattr(jd, attr) == getattr(td, attr), attr
    if td.is_floating_point:
        for attr in ("bits", "eps", "max", "min", "tiny", "resolution"):
            assert getattr(jtorch.finfo(jd), attr) == pytest.approx(getattr(torch.finfo(td), attr)), attr
    elif not td.is_complex and td is not torch.bool:
        for attr in ("bits", "max", "min"):
            assert getattr(jtorch.iinfo(jd), attr) == getattr(torch.iinfo(td), attr), attr


def test_dtype_aliases():
    assert jtorch.float is jtorch.float32 and jtorch.double is jtorch.float64 and jtorch.half is jtorch.float16
    assert jtorch.long is jtorch.int64 and jtorch.int is jtorch.int32 and jtorch.short is jtorch.int16
    assert jtorch.cfloat is jtorch.complex64 and jtorch.cdouble is jtorch.complex128
    assert pickle.loads(pickle.dumps(jtorch.float64)) is jtorch.float64
    assert repr(jtorch.finfo()) == repr(torch.finfo())
    assert repr(jtorch.iinfo(jtorch.int32)) == repr(torch.iinfo(torch.int32))
    assert jtorch.finfo(jtorch.float32) == jtorch.finfo(jtorch.float32)
    same(lambda m: m.finfo(m.int32))
    same(lambda m: m.iinfo(m.float32))
    same(lambda m: m.iinfo(m.bool))


DEVICE_CASES = [
    lambda m: m.device("cpu"), lambda m: m.device("cuda"), lambda m: m.device("cuda:1"),
    lambda m: m.device("cuda", 2), lambda m: m.device("cpu:0"), lambda m: m.device("cuda:x"),
    lambda m: m.device("tpu"), lambda m: repr(m.device("cuda", 1)), lambda m: repr(m.device("cpu")),
    lambda m: m.device("cuda:0") == m.device("cuda", 0), lambda m: m.device("cpu") == "cpu",
    lambda m: m.device("cuda:1").index, lambda m: m.device("cuda").type, lambda m: m.device("cuda:1:2"),
    lambda m: m.zeros(2, device="cpu"), lambda m: m.zeros(2, device="cuda"), lambda m: m.cuda.is_available(),
    lambda m: m.cuda.device_count(), lambda m: m.tensor([1.0], device="cpu"),
]


@pytest.mark.parametrize("k", range(len(DEVICE_CASES)))
def test_devices(k):
    j, t = both(DEVICE_CASES[k])
    if t is None:
        return
    if isinstance(t, torch.device):
        assert str(j) == str(t) and repr(j) == repr(t) and j.type == t.type and j.index == t.index
    elif isinstance(t, torch.Tensor):
        assert_same(j, t)
    else:
        assert j == t
