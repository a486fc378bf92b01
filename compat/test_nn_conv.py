"""Convolutions (F.conv*, F.conv_transpose*, torch.convolution, conv_tbc), F.unfold / F.fold and the
Conv / ConvTranspose / LazyConv / Fold / Unfold modules against real torch.

``check_module`` (used by the other layer test files too) builds a layer in both frameworks, loads the
torch state_dict into jtorch, and compares outputs and the gradients of inputs and parameters, eagerly
and in one step compiled by jtorch.compile.
"""
import math
import re

import numpy as np
import pytest
import torch
from harness import _leaves, assert_same, compare
from nn_models import rand, to_jtorch_state
from nn_module_db import case_id, cases, run_case

import jtorch

RTOL, ATOL = 1e-7, 1e-9


# ------------------------------------------------------------------ helpers shared by the layer test files
def _grads(m, outs, leaves, cts):
    outs = [o for o in _leaves(outs) if isinstance(o, m.Tensor) and o.requires_grad]
    return list(m.autograd.grad(outs, leaves, cts[:len(outs)], allow_unused=True, materialize_grads=True))


def check_module(build, shapes, *, call=None, jit=True, rtol=RTOL, atol=ATOL, what="", state=None):
    """``build(m)`` with m = torch / jtorch; inputs drawn for ``shapes``; ``call(module, *inputs)``
    defaults to ``module(*inputs)``. ``state`` prepares the torch module (e.g. a lazy one's first call)."""
    call = call or (lambda mod, *xs: mod(*xs))
    tm = build(torch).to(torch.float64)
    if state is not None:
        state(tm)
    jm = build(jtorch).to(jtorch.float64)
    jm.load_state_dict(to_jtorch_state(tm.state_dict()))
    xs = [rand(*s, seed=i) for i, s in enumerate(shapes)]
    tx = [torch.tensor(x, requires_grad=True) for x in xs]
    jx = [jtorch.tensor(x, requires_grad=True) for x in xs]
    tout = call(tm, *tx)
    assert_same(call(jm, *jx), tout, rtol, atol, what=what)
    touts = [o for o in _leaves(tout) if isinstance(o, torch.Tensor) and o.requires_grad]
    cts = [rand(*o.shape, seed=9 + k) for k, o in enumerate(touts)]
    tgrads = _grads(torch, tout, tx + list(tm.parameters()), [torch.tensor(c) for c in cts])
    jcts = [jtorch.tensor(c) for c in cts]

    def step(*args):
        out = call(jm, *args)
        return out, _grads(jtorch, out, list(args) + list(jm.parameters()), jcts)

    assert_same(step(*jx)[1], tgrads, rtol, atol, what=what + " gradients")
    if jit:
        jx = [jtorch.tensor(x, requires_grad=True) for x in xs]
        cout, cgrads = jtorch.compile(step)(*jx)
        assert_same(cout, tout, rtol, atol, what=what + " (compiled)")
        assert_same(cgrads, tgrads, rtol, atol, what=what + " gradients (compiled)")


def _sorted_sets(msg):
    """A Python set of strings in a message prints in hash order, which depends on how each module's
    constant set was built: compare its items sorted."""
    return re.sub(r"\{('[^{}]*')\}", lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}", msg)


def raised(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return type(e).__name__, _sorted_sets(str(e))
    return None


def same_error(fn, message=True):
    """fn(m) raises in torch; jtorch raises the same exception type (and message)."""
    t, j = raised(lambda: fn(torch)), raised(lambda: fn(jtorch))
    assert t is not None, "torch did not raise"
    assert j is not None, f"jtorch did not raise; torch raised {t}"
    assert j[0] == t[0], (j, t)
    if message:
        assert j[1] == t[1], (j, t)


# ------------------------------------------------------------------ PyTorch's module_db
MODULE_DB = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]
CASES = cases(MODULE_DB)
JIT_CASES = {c for c in CASES if c[2] == 0 and c[0] in ("Conv1d", "Conv2d", "ConvTranspose2d", "ConvTranspose3d")}


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_module_db(case):
    run_case(*case, jit=case in JIT_CASES)


# ------------------------------------------------------------------ functional forms: values and gradients
def _conv(n, **kw):
    return lambda m, x, w, b: getattr(m.nn.functional, f"conv{n}d")(x, w, b, **kw)


def _convt(n, **kw):
    return lambda m, x, w, b: getattr(m.nn.functional, f"conv_transpose{n}d")(x, w, b, **kw)


# (name, fn, input shapes, run under jax.jit too). Shapes repeat across rows and the module tests below,
# so XLA compiles once per shape.
X1, X2, X3 = (2, 4, 9), (2, 4, 7, 8), (2, 4, 4, 5, 4)
F_CASES = [
    ("conv1d", _conv(1), [X1, (6, 4, 3), (6,)], True),
    ("conv1d_stride_pad_dil_groups", _conv(1, stride=2, padding=2, dilation=2, groups=2), [X1, (6, 2, 3), (6,)],
     False),
    ("conv1d_same_even_kernel", _conv(1, padding="same", dilation=3), [X1, (6, 4, 2), (6,)], False),
    ("conv2d", _conv(2, stride=(2, 1), padding=(1, 2), dilation=(1, 2)), [X2, (6, 4, 3, 2), (6,)], True),
    ("conv2d_depthwise", _conv(2, groups=4, padding=1), [X2, (8, 1, 3, 3), (8,)], False),
    ("conv2d_same_asym", _conv(2, padding="same", dilation=(1, 2)), [X2, (2, 4, 4, 3), (2,)], False),
    ("conv3d", _conv(3, stride=(1, 2, 1), padding=(1, 0, 1), groups=2), [X3, (4, 2, 2, 3, 2), (4,)], False),
    ("conv_transpose1d", _convt(1, stride=3, padding=1, output_padding=2, dilation=2, groups=2),
     [X1, (4, 3, 3), (6,)], False),
    ("conv_transpose2d", _convt(2, stride=(2, 3), padding=(1, 0), output_padding=(1, 2)),
     [X2, (4, 3, 3, 3), (3,)], True),
    ("conv_transpose2d_groups_dil", _convt(2, groups=2, dilation=2, padding=2), [X2, (4, 2, 3, 3), (4,)], False),
    ("conv_transpose3d", _convt(3, stride=2, output_padding=1), [X3, (4, 3, 2, 2, 2), (3,)], False),
    ("torch_convolution", lambda m, x, w, b: m.convolution(x, w, b, [2], [1], [1], True, [1], 1),
     [X1, (4, 3, 3), (3,)], False),
    ("conv_tbc", lambda m, x, w, b: m.conv_tbc(x, w, b, 1), [(7, 2, 3), (3, 3, 4), (4,)], True),
    ("unfold", lambda m, x: m.nn.functional.unfold(x, (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)), [X2],
     True),
    ("fold", lambda m, x: m.nn.functional.fold(x, (7, 8), (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)),
     [(2, 24, 28)], True),
    ("fold_unfold_unbatched", lambda m, x: m.nn.functional.unfold(m.nn.functional.fold(x, 4, 2, stride=2), 2),
     [(12, 4)], False),
]


def compare_ok(fn, arrays, **kw):
    """compare() for a case torch accepts (compare alone also passes when both frameworks raise)."""
    fn(torch, *[torch.from_numpy(a) if isinstance(a, np.ndarray) else a for a in arrays])
    compare(fn, arrays, **kw)


@pytest.mark.parametrize("name,fn,shapes,jit", F_CASES, ids=[c[0] for c in F_CASES])
def test_functional(name, fn, shapes, jit):
    compare_ok(fn, [rand(*s, seed=i) for i, s in enumerate(shapes)], grad=True, jit=jit, rtol=RTOL, atol=ATOL,
               what=name)


def test_float32_and_integer_dtypes():
    x, w, b = rand(2, 3, 6, 6), rand(4, 3, 3, 3, seed=1), rand(4, seed=2)
    compare_ok(lambda m, x, w, b: m.nn.functional.conv2d(x.float(), w.float(), b.float(), padding=1), [x, w, b],
            rtol=1e-5, atol=1e-5, jit=False)
    ints = [np.arange(2 * 3 * 25).reshape(2, 3, 5, 5) % 7, np.arange(4 * 3 * 9).reshape(4, 3, 3, 3) % 5]
    compare_ok(lambda m, x, w: m.nn.functional.conv2d(x, w), ints, jit=False)


# ------------------------------------------------------------------ modules
# Layers of module_db's sizes (4 -> 5 channels, kernel 3): nn.init compiles per parameter shape.
MODULES = [
    ("conv1d_reflect", lambda m: m.nn.Conv1d(4, 5, 3, padding=2, padding_mode="reflect"), [X1], True),
    ("conv2d_replicate", lambda m: m.nn.Conv2d(4, 5, 3, padding=(1, 2), padding_mode="replicate"), [X2], False),
    ("conv2d_circular_same", lambda m: m.nn.Conv2d(4, 5, 3, padding="same", padding_mode="circular"), [X2], False),
    ("conv3d_reflect", lambda m: m.nn.Conv3d(4, 5, 3, stride=2, padding=1, padding_mode="reflect"), [X3], False),
    ("convnet", lambda m: m.nn.Sequential(m.nn.Conv2d(4, 5, 3, padding=1), m.nn.MaxPool2d(2), m.nn.ReLU(),
                                          m.nn.ConvTranspose2d(5, 4, 3, stride=2), m.nn.Flatten(1, 2)), [X2], True),
    ("unfold_module", lambda m: m.nn.Unfold((2, 3), dilation=(2, 1), padding=1, stride=(1, 2)), [X2], False),
    ("fold_module", lambda m: m.nn.Fold((7, 8), (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)), [(2, 24, 28)],
     False),
]


@pytest.mark.parametrize("name,build,shapes,jit", MODULES, ids=[c[0] for c in MODULES])
def test_modules(name, build, shapes, jit):
    check_module(build, shapes, jit=jit, what=name)


@pytest.mark.parametrize("n,output_size", [(1, [18]), (2, [2, 5, 14, 16]), (2, [13, 15])])
def test_conv_transpose_output_size(n, output_size):
    check_module(lambda m: getattr(m.nn, f"ConvTranspose{n}d")(4, 5, 3, stride=2, padding=1), [(X1, X2)[n - 1]],
                 call=lambda mod, x: mod(x, output_size=output_size), jit=len(output_size) == 2,
                 what=f"ConvTranspose{n}d output_size={output_size}")


@pytest.mark.parametrize("name", ["LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d",
                                  "LazyConvTranspose2d", "LazyConvTranspose3d"])
def test_lazy_modules(name):
    n = int(name[-2])
    shape = (X1, X2, X3)[n - 1]
    if name in ("LazyConv2d", "LazyConvTranspose1d"):  # values and gradients after torch's first call
        check_module(lambda m: getattr(m.nn, name)(5, 3, bias=True), [shape], jit=False, what=name,
                     state=lambda tm: tm(torch.zeros(shape, dtype=torch.float64)))
    j = getattr(jtorch.nn, name)(5, 3)
    with jtorch.no_grad():
        out = j(jtorch.zeros(shape[1:]))  # an unbatched first call infers in_channels too
    t = getattr(torch.nn, name[4:])(4, 5, 3)
    assert type(j).__name__ == name[4:] and j.in_channels == 4 and out.shape[0] == 5
    assert [tuple(p.shape) for p in j.parameters()] == [tuple(p.shape) for p in t.parameters()]


# ------------------------------------------------------------------ parameters, init and repr
@pytest.mark.parametrize("build", [
    lambda m: m.nn.Conv1d(4, 5, 3), lambda m: m.nn.ConvTranspose2d(4, 5, 3), lambda m: m.nn.Conv3d(4, 5, 3, bias=False),
])
def test_parameters_and_default_init(build):
    t, j = build(torch), build(jtorch)
    assert [(n, tuple(p.shape)) for n, p in j.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in t.named_parameters()]
    fan_in = t.weight.shape[1] * math.prod(t.weight.shape[2:])
    bound = 1 / math.sqrt(fan_in)  # kaiming_uniform_(a=sqrt(5)) and the bias bound coincide
    for p in j.parameters():
        v = p.detach().numpy()
        assert p.dtype == jtorch.float32 and np.abs(v).max() <= bound + 1e-7 and np.abs(v).max() > 0.5 * bound
    assert j.weight.requires_grad and isinstance(j.weight, jtorch.nn.Parameter)


@pytest.mark.parametrize("build", [
    lambda m: m.nn.Conv1d(4, 5, 3, stride=2),
    lambda m: m.nn.Conv2d(4, 5, 3, stride=(2, 1), padding=(4, 2), dilation=(3, 1), bias=False),
    lambda m: m.nn.Conv2d(4, 4, 3, padding="same", groups=2, padding_mode="circular"),
    lambda m: m.nn.Conv3d(4, 5, 3, padding="valid"),
    lambda m: m.nn.ConvTranspose2d(4, 5, 3, stride=(2, 1), padding=(4, 2), output_padding=(1, 0)),
    lambda m: m.nn.ConvTranspose1d(4, 5, 3, dilation=2),
    lambda m: m.nn.Unfold(3, padding=1), lambda m: m.nn.Fold((4, 5), 2),
])
def test_repr_and_attributes(build):
    t, j = build(torch), build(jtorch)
    assert repr(j) == repr(t)
    for attr in ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "transposed",
                 "output_padding", "groups", "padding_mode", "_reversed_padding_repeated_twice"):
        if hasattr(t, attr):
            assert getattr(j, attr) == getattr(t, attr), attr


# ------------------------------------------------------------------ errors: torch's exception types and messages
def _t(m, *shape, dtype=None):
    return m.ones(*shape, dtype=dtype)


ERRORS = [
    lambda m: m.nn.functional.conv2d(_t(m, 2, 4, 5, 5), _t(m, 4, 3, 3, 3)),
    lambda m: m.nn.functional.conv2d(_t(m, 2, 3, 5), _t(m, 4, 3, 3, 3)),
    lambda m: m.nn.functional.conv2d(_t(m, 2, 3, 5, 5, dtype=m.float64), _t(m, 4, 3, 3, 3)),
    lambda m: m.nn.functional.conv2d(_t(m, 2, 3, 5, 5), _t(m, 4, 3, 3, 3, dtype=m.float64)),
    lambda m: m.nn.functional.conv2d(_t(m, 2, 3, 5, 5), _t(m, 4, 3, 3, 3), _t(m, 4, dtype=m.float64)),
    lambda m: m.nn.functional.conv2d(_t(m, 2, 3, 5, 5), _t(m, 4, 3, 3, 3), _t(m, 5)),
    lambda m: m.nn.functional.conv2d(_t(m, 2, 3, 5, 5), _t(m, 4, 3, 3, 3), stride=(1, 1, 1)),
    lambda m: m.nn.functional.conv2d(_t(m, 2, 3, 5, 5), _t(m, 4, 3, 3, 3), padding=[]),
    lambda m: m.nn.functional.conv2d(_t(m, 2, 3, 5, 5), _t(m, 4, 3, 3, 3), padding="same", stride=2),
    lambda m: m.nn.functional.conv2d(_t(m, 2, 3, 5, 5), _t(m, 4, 3, 3, 3), padding="full"),
    lambda m: m.nn.functional.conv2d(_t(m, 2, 3, 5, 5), _t(m, 4, 3, 3, 3), padding=-1),
    lambda m: m.nn.functional.conv2d(_t(m, 2, 3, 5, 5), _t(m, 4, 3, 3, 3), stride=0),
    lambda m: m.nn.functional.conv2d(_t(m, 2, 3, 5, 5), _t(m, 4, 3, 3, 3), dilation=0),
    lambda m: m.nn.functional.conv2d(_t(m, 2, 3, 5, 5), _t(m, 4, 3, 3, 3), groups=0),
    lambda m: m.nn.functional.conv2d(_t(m, 2, 3, 5, 5), _t(m, 4, 3, 3, 3), groups=5),
    lambda m: m.nn.functional.conv2d(_t(m, 2, 6, 5, 5), _t(m, 3, 3, 3, 3), groups=2),
    lambda m: m.nn.functional.conv2d(_t(m, 2, 3, 5, 5), _t(m, 4, 3, 7, 7)),
    lambda m: m.nn.functional.conv2d(_t(m, 2, 3, 5, 5), _t(m, 4, 3, 3, 3, 3)),
    lambda m: m.convolution(_t(m, 3, 5, 5), _t(m, 4, 3, 3, 3), None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1),
    lambda m: m.nn.functional.conv_transpose2d(_t(m, 2, 3, 5, 5), _t(m, 3, 2, 3, 3), output_padding=1),
    lambda m: m.nn.functional.conv_transpose3d(_t(m, 2, 3, 4, 4, 4), _t(m, 3, 2, 3, 3, 3), output_padding=1),
    lambda m: m.nn.functional.conv_transpose1d(_t(m, 2, 3, 5), _t(m, 3, 2, 3), output_padding=1),
    lambda m: m.nn.functional.conv_transpose2d(_t(m, 2, 3, 5, 5), _t(m, 4, 2, 3, 3)),
    lambda m: m.nn.functional.conv_transpose2d(_t(m, 2, 3, 5, 5), _t(m, 3, 2, 3, 3), _t(m, 3)),
    lambda m: m.nn.functional.conv_transpose2d(_t(m, 2, 3, 5, 5), _t(m, 3, 2, 3, 3), groups=2),
    lambda m: m.nn.functional.conv_transpose2d(_t(m, 2, 3, 5, 5), _t(m, 3, 2, 3, 3), output_padding=-1),
    lambda m: m.conv_tbc(_t(m, 5, 2, 3), _t(m, 3, 4, 4), _t(m, 4)),
    lambda m: m.nn.Conv2d(3, 4, 3, groups=2),
    lambda m: m.nn.Conv2d(4, 3, 3, groups=2),
    lambda m: m.nn.Conv2d(4, 4, 3, groups=0),
    lambda m: m.nn.Conv2d(4, 4, 3, padding="full"),
    lambda m: m.nn.Conv2d(4, 4, 3, padding="same", stride=2),
    lambda m: m.nn.Conv2d(4, 4, 3, padding_mode="mirror"),
    lambda m: m.nn.ConvTranspose2d(4, 4, 3, padding_mode="reflect"),
    lambda m: m.nn.ConvTranspose2d(3, 2, 3, stride=2)(_t(m, 1, 3, 4, 4), output_size=[12, 12]),
    lambda m: m.nn.ConvTranspose2d(3, 2, 3, stride=2)(_t(m, 1, 3, 4, 4), output_size=[1, 9]),
    lambda m: m.nn.LazyConv2d(4, 3)(_t(m, 3, 4)),
    lambda m: m.nn.functional.unfold(_t(m, 2, 3, 5, 5), 3, padding=-1),
    lambda m: m.nn.functional.unfold(_t(m, 2, 3, 5, 5), 0),
    lambda m: m.nn.functional.unfold(_t(m, 2, 3, 5, 5), 3, stride=0),
    lambda m: m.nn.functional.unfold(_t(m, 2, 3, 5, 5), 7),
    lambda m: m.nn.functional.unfold(_t(m, 2, 3, 5, 5), (3, 3, 3)),
    lambda m: m.nn.functional.unfold(_t(m, 5, 5), 3),
    lambda m: m.nn.functional.unfold(_t(m, 2, 0, 5, 5), 3),
    lambda m: m.nn.functional.unfold(_t(m, 2, 3, 5, 5, dtype=m.int64), 3),
    lambda m: m.nn.functional.fold(_t(m, 2, 27, 8), (5, 5), 3),
    lambda m: m.nn.functional.fold(_t(m, 2, 26, 9), (5, 5), 3),
    lambda m: m.nn.functional.fold(_t(m, 2, 27, 9), (2, 2), 3),
    lambda m: m.nn.functional.fold(_t(m, 2, 27, 9), (5, 5, 5), 3),
    lambda m: m.nn.functional.fold(_t(m, 9), (5, 5), 3),
]


@pytest.mark.parametrize("fn", ERRORS)
def test_errors_match_torch(fn):
    same_error(fn)
