"""RNN / LSTM / GRU, their cells and nn.utils.rnn (packed sequences) against real torch.

``check`` (also used by the attention and transformer test files) builds a module in both frameworks,
loads the torch state_dict into jtorch, and compares outputs and the gradients of the inputs and of
every parameter, eagerly and in one step compiled by jtorch.compile (one jax.jit program).
"""
import math

import numpy as np
import pytest
import torch
from harness import _leaves, assert_same, compare
from nn_models import rand, to_jtorch_state
from nn_module_db import case_id, cases, run_case

import jtorch

RTOL, ATOL = 1e-7, 1e-9


# ------------------------------------------------------------------ helpers shared by the sequence-model test files
class NoGrad(np.ndarray):
    """A float input that does not require grad (a mask): ``array.view(NoGrad)``."""


def _tensor(m, a):
    if not isinstance(a, np.ndarray):
        return a
    t = m.tensor(np.asarray(a))
    return t.requires_grad_(True) if a.dtype.kind == "f" and not isinstance(a, NoGrad) else t


def _grads(m, out, leaves, cts):
    outs = [o for o in _leaves(out) if isinstance(o, m.Tensor) and o.requires_grad]
    return list(m.autograd.grad(outs, leaves, cts[:len(outs)], allow_unused=True, materialize_grads=True))


def check(build, inputs, call=None, *, jit=True, train=False, rtol=RTOL, atol=ATOL, what=""):
    """``build(m)`` with m = torch / jtorch (float64, eval mode unless ``train``); ``call(m, module, *inputs)``
    (default ``module(*inputs)``); numpy float inputs require grad, other inputs pass as they are."""
    call = call or (lambda m, mod, *xs: mod(*xs))
    tm = build(torch).to(torch.float64).train(train)
    jm = build(jtorch).to(jtorch.float64).train(train)
    jm.load_state_dict(to_jtorch_state(tm.state_dict()))
    tx = [_tensor(torch, a) for a in inputs]
    tout = call(torch, tm, *tx)
    jx = [_tensor(jtorch, a) for a in inputs]
    assert_same(call(jtorch, jm, *jx), tout, rtol, atol, what=what)
    touts = [o for o in _leaves(tout) if isinstance(o, torch.Tensor) and o.requires_grad]
    cts = [rand(*o.shape, seed=9 + k) for k, o in enumerate(touts)]
    grad_of = [i for i, a in enumerate(tx) if isinstance(a, torch.Tensor) and a.requires_grad]
    tgrads = _grads(torch, tout, [tx[i] for i in grad_of] + list(tm.parameters()), [torch.tensor(c) for c in cts])
    jcts = [jtorch.tensor(c) for c in cts]

    def step(*args):
        out = call(jtorch, jm, *args)
        return out, _grads(jtorch, out, [args[i] for i in grad_of] + list(jm.parameters()), jcts)

    assert_same(step(*jx)[1], tgrads, rtol, atol, what=what + " gradients")
    if jit:
        cout, cgrads = jtorch.compile(step)(*[_tensor(jtorch, a) for a in inputs])
        assert_same(cout, tout, rtol, atol, what=what + " (compiled)")
        assert_same(cgrads, tgrads, rtol, atol, what=what + " gradients (compiled)")


def raised(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return type(e).__name__, str(e)
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
# The RNN rows have no dropout, so eval mode repeats training mode: only training mode runs. The RNN / LSTM /
# GRU rows are the cross product of bias, batch_first, bidirectional, nonlinearity / proj_size and whether h0 is
# given (every row compiles its own kernels): every fifth row runs, which covers each flag value; MODULES and
# PACKED below cover the combinations again with batched input.
MODULE_DB = [c for c in cases(["RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"])
             if c[1] and (c[0].endswith("Cell") or c[2] % 5 == 0)]
JIT_CASES = {c for c in MODULE_DB if c[2] == 5}


@pytest.mark.parametrize("case", MODULE_DB, ids=[case_id(c) for c in MODULE_DB])
def test_module_db(case):
    run_case(*case, jit=case in JIT_CASES)


# ------------------------------------------------------------------ modules on padded (batched) input
def _hc(m, mod, x, h, c):
    return mod(x, (h, c))


MODULES = [  # (name, build, inputs, call, run under jax.jit too)
    ("rnn_tanh_h0", lambda m: m.nn.RNN(3, 4, 2), [(5, 2, 3), (2, 2, 4)], None, True),
    ("rnn_relu_bidir_batch_first", lambda m: m.nn.RNN(3, 4, 2, nonlinearity="relu", bidirectional=True,
                                                      batch_first=True), [(2, 5, 3)], None, False),
    ("lstm_h0_c0", lambda m: m.nn.LSTM(3, 4, 2), [(5, 2, 3), (2, 2, 4), (2, 2, 4)], _hc, True),
    ("lstm_bidir_proj_batch_first", lambda m: m.nn.LSTM(3, 5, 2, bidirectional=True, proj_size=2,
                                                        batch_first=True),
     [(2, 4, 3), (4, 2, 2), (4, 2, 5)], _hc, True),
    ("lstm_no_bias", lambda m: m.nn.LSTM(3, 4, bias=False), [(4, 2, 3)], None, False),
    ("lstm_unbatched_h0", lambda m: m.nn.LSTM(3, 4, bidirectional=True), [(4, 3), (2, 4), (2, 4)], _hc, False),
    ("gru_h0_bidir", lambda m: m.nn.GRU(3, 4, 2, bidirectional=True), [(5, 2, 3), (4, 2, 4)], None, True),
    ("gru_batch_first_no_bias", lambda m: m.nn.GRU(3, 4, batch_first=True, bias=False), [(2, 5, 3)], None, False),
    ("rnn_cell_batched", lambda m: m.nn.RNNCell(3, 4, nonlinearity="relu"), [(2, 3), (2, 4)], None, False),
    ("lstm_cell_batched", lambda m: m.nn.LSTMCell(3, 4), [(2, 3), (2, 4), (2, 4)], _hc, True),
    ("lstm_cell_no_hx", lambda m: m.nn.LSTMCell(3, 4, bias=False), [(2, 3)], None, False),
    ("gru_cell_batched", lambda m: m.nn.GRUCell(3, 4), [(2, 3), (2, 4)], None, True),
]


@pytest.mark.parametrize("name,build,shapes,call,jit", MODULES, ids=[c[0] for c in MODULES])
def test_modules(name, build, shapes, call, jit):
    check(build, [rand(*s, seed=i) for i, s in enumerate(shapes)], call, jit=jit, what=name)


def test_float32():
    x = rand(6, 2, 3).astype(np.float32)
    tm, jm = torch.nn.LSTM(3, 4, 2, bidirectional=True), jtorch.nn.LSTM(3, 4, 2, bidirectional=True)
    jm.load_state_dict(to_jtorch_state(tm.state_dict()))
    assert_same(jm(jtorch.tensor(x)), tm(torch.tensor(x)), rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------ packed sequences through the RNNs
LENGTHS = [3, 5, 2]  # unsorted: enforce_sorted=False permutes h0 / h_n / outputs like torch


def _packed(lengths, batch_first=False, hidden=None):
    def call(m, mod, x, *h):
        R = m.nn.utils.rnn
        p = R.pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=False)
        out, hn = mod(p, *([h[0] if len(h) == 1 else tuple(h)] if h else []))
        padded, lens = R.pad_packed_sequence(out, batch_first=batch_first, total_length=6)
        return out.data, padded, lens, hn
    return call


PACKED = [
    ("rnn", lambda m: m.nn.RNN(3, 4, 2, bidirectional=True), [(5, 3, 3), (4, 3, 4)], True),
    ("lstm", lambda m: m.nn.LSTM(3, 4, 2, bidirectional=True), [(5, 3, 3), (4, 3, 4), (4, 3, 4)], True),
    ("lstm_proj_no_h0", lambda m: m.nn.LSTM(3, 4, proj_size=2, batch_first=True), [(3, 5, 3)], False),
    ("gru", lambda m: m.nn.GRU(3, 4, bidirectional=True, batch_first=True), [(3, 5, 3), (2, 3, 4)], True),
]


@pytest.mark.parametrize("name,build,shapes,jit", PACKED, ids=[c[0] for c in PACKED])
def test_packed_input(name, build, shapes, jit):
    batch_first = shapes[0][0] == 3
    check(build, [rand(*s, seed=i) for i, s in enumerate(shapes)], _packed(LENGTHS, batch_first), jit=jit,
          what=name)


def test_packed_sorted_lengths_equal_padded_run():
    """With every length full, a packed run is the padded run."""
    tm = torch.nn.GRU(3, 4, bidirectional=True).double()
    jm = jtorch.nn.GRU(3, 4, bidirectional=True).double()
    jm.load_state_dict(to_jtorch_state(tm.state_dict()))
    x = jtorch.tensor(rand(4, 2, 3))
    out, h = jm(jtorch.nn.utils.rnn.pack_padded_sequence(x, [4, 4]))
    ref, href = jm(x)
    assert_same(out.data.view(4, 2, 8), tm(torch.tensor(rand(4, 2, 3)))[0], RTOL, ATOL)
    np.testing.assert_allclose(np.asarray(h._value), np.asarray(href._value), rtol=1e-12)


# ------------------------------------------------------------------ nn.utils.rnn functions
def _rnn(m):
    return m.nn.utils.rnn


UTILS = [  # (name, fn(m, *tensors), input shapes, jit)
    ("pack_padded_sorted", lambda m, x: tuple(_rnn(m).pack_padded_sequence(x, [4, 2, 1])), [(4, 3, 2)], True),
    ("pack_padded_unsorted_batch_first", lambda m, x: tuple(_rnn(m).pack_padded_sequence(
        x, [2, 4, 3], batch_first=True, enforce_sorted=False)), [(3, 4, 2)], True),
    ("pack_padded_tensor_lengths", lambda m, x: tuple(_rnn(m).pack_padded_sequence(
        x, m.tensor([2., 4, 3]), enforce_sorted=False)), [(4, 3, 2)], False),
    ("pack_pad_roundtrip", lambda m, x: _rnn(m).pad_packed_sequence(_rnn(m).pack_padded_sequence(
        x, [2, 4, 3], enforce_sorted=False), padding_value=-1.5, total_length=6), [(4, 3, 2)], True),
    ("pad_packed_batch_first", lambda m, x: _rnn(m).pad_packed_sequence(_rnn(m).pack_padded_sequence(
        x, [3, 1], batch_first=True), batch_first=True), [(2, 3, 2, 2)], False),
    ("pad_sequence", lambda m, a, b, c: _rnn(m).pad_sequence([a, b, c]), [(2, 3), (4, 3), (1, 3)], True),
    ("pad_sequence_left_batch_first", lambda m, a, b: _rnn(m).pad_sequence(
        [a, b], batch_first=True, padding_value=2.0, padding_side="left"), [(2, 3, 2), (4, 3, 2)], True),
    ("pack_sequence", lambda m, a, b: tuple(_rnn(m).pack_sequence([a, b])), [(4, 3), (2, 3)], True),
    ("pack_sequence_unsorted", lambda m, a, b, c: tuple(_rnn(m).pack_sequence([a, b, c], enforce_sorted=False)),
     [(2,), (4,), (3,)], False),
    ("unpack_sequence", lambda m, a, b, c: _rnn(m).unpack_sequence(_rnn(m).pack_sequence(
        [a, b, c], enforce_sorted=False)), [(2, 2), (4, 2), (3, 2)], True),
    ("unpad_sequence", lambda m, x: _rnn(m).unpad_sequence(x * 1, m.tensor([3, 1, 4])), [(4, 3, 2)], False),
    ("unpad_sequence_batch_first", lambda m, x: _rnn(m).unpad_sequence(x, m.tensor([2, 3]), batch_first=True),
     [(2, 3, 2)], False),
]


@pytest.mark.parametrize("name,fn,shapes,jit", UTILS, ids=[c[0] for c in UTILS])
def test_utils(name, fn, shapes, jit):
    compare(fn, [rand(*s, seed=i) for i, s in enumerate(shapes)], grad=True, jit=jit, rtol=RTOL, atol=ATOL,
            what=name)


def test_packed_sequence_object():
    R, TR = jtorch.nn.utils.rnn, torch.nn.utils.rnn
    x = rand(4, 3, 2)
    p = R.pack_padded_sequence(jtorch.tensor(x), [2, 4, 3], enforce_sorted=False)
    t = TR.pack_padded_sequence(torch.tensor(x), [2, 4, 3], enforce_sorted=False)
    assert isinstance(p, tuple) and p._fields == t._fields
    assert_same(tuple(p), tuple(t))
    assert p.to(jtorch.float64) is p and not p.is_cuda and not p.is_pinned()
    f = p.float()
    assert type(f) is R.PackedSequence and f.data.dtype == jtorch.float32 and f.batch_sizes is p.batch_sizes
    assert f.sorted_indices.dtype == jtorch.int64 and p.cpu() is p
    assert_same(R.invert_permutation(jtorch.tensor([2, 0, 1])), TR.invert_permutation(torch.tensor([2, 0, 1])))
    # PackedSequence(data, batch_sizes, sorted_indices) derives unsorted_indices
    q = R.PackedSequence(p.data, p.batch_sizes, p.sorted_indices)
    assert_same(q.unsorted_indices, t.unsorted_indices)
    assert R.PackedSequence((p.data, p.batch_sizes)).batch_sizes is p.batch_sizes


# ------------------------------------------------------------------ one kernel per forward, dropout, init
def test_stack_is_one_graph_node():
    m = jtorch.nn.LSTM(3, 4, 2, bidirectional=True)
    out, (h, c) = m(jtorch.randn(5, 2, 3, requires_grad=True))
    assert out.grad_fn is h.grad_fn is c.grad_fn
    params = {id(p) for p in m.parameters()}
    leaves = {id(f.variable) for f, _ in out.grad_fn.next_functions if f is not None and hasattr(f, "variable")}
    assert params <= leaves


def test_dropout_between_layers():
    jtorch.manual_seed(0)
    m = jtorch.nn.GRU(4, 64, 3, dropout=0.5)
    x = jtorch.randn(3, 8, 4)
    a, b = m(x)[0], m(x)[0]
    assert not np.allclose(np.asarray(a._value), np.asarray(b._value))  # a fresh mask every call
    m.eval()
    e1, e2 = m(x)[0], m(x)[0]
    np.testing.assert_array_equal(np.asarray(e1._value), np.asarray(e2._value))
    # the mask zeroes about half of the second layer's input: its output spread shrinks accordingly
    m1 = jtorch.nn.RNN(4, 200, 2, dropout=1.0)
    first = m1(x)[0][0].detach().numpy()  # layer 2 sees an all-zero input, and h0 = 0 at t = 0
    ref = np.tanh(m1.bias_ih_l1.detach().numpy() + m1.bias_hh_l1.detach().numpy())
    np.testing.assert_allclose(first, np.broadcast_to(ref, (8, 200)), rtol=1e-6)
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        jtorch.nn.LSTM(2, 3, dropout=0.2)


def test_dropout_compiled_matches_eager_from_same_seed():
    m = jtorch.nn.LSTM(3, 8, 2, dropout=0.3)
    x = jtorch.randn(4, 2, 3)
    jtorch.manual_seed(5)
    eager = m(x)[0]
    jtorch.manual_seed(5)
    compiled = jtorch.compile(lambda x: m(x)[0])(x)
    np.testing.assert_allclose(np.asarray(compiled._value), np.asarray(eager._value), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("build", [
    lambda m: m.nn.LSTM(3, 16, 2, bidirectional=True, proj_size=4), lambda m: m.nn.GRU(5, 9, bias=False),
    lambda m: m.nn.RNN(2, 25, 3, nonlinearity="relu", batch_first=True), lambda m: m.nn.LSTMCell(3, 16),
    lambda m: m.nn.GRUCell(3, 4, bias=False), lambda m: m.nn.RNNCell(3, 4, nonlinearity="relu"),
])
def test_parameters_init_and_repr(build):
    t, j = build(torch), build(jtorch)
    assert [(n, tuple(p.shape)) for n, p in j.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in t.named_parameters()]
    assert repr(j) == repr(t)
    bound = 1 / math.sqrt(t.hidden_size)
    vals = np.concatenate([p.detach().numpy().ravel() for p in j.parameters()])
    assert np.abs(vals).max() <= bound and np.abs(vals).max() > 0.8 * bound and abs(vals.mean()) < 0.3 * bound
    if hasattr(t, "all_weights"):
        assert [[tuple(w.shape) for w in ws] for ws in j.all_weights] == \
            [[tuple(w.shape) for w in ws] for ws in t.all_weights]
        assert j._flat_weights_names == t._flat_weights_names
        j.flatten_parameters()


# ------------------------------------------------------------------ errors: torch's exception types and messages
def _x(m, *shape, dtype=None):
    return m.ones(*shape, dtype=dtype)


ERRORS = [
    lambda m: m.nn.LSTM(4, 3)(_x(m, 5, 2, 4, dtype=m.float64)),
    lambda m: m.nn.LSTM(4, 3)(_x(m, 5, 2, 4), (_x(m, 1, 3, 3), _x(m, 1, 2, 3))),
    lambda m: m.nn.LSTM(4, 3)(_x(m, 5, 2, 4), (_x(m, 1, 2, 3), _x(m, 1, 2, 4))),
    lambda m: m.nn.LSTM(4, 3)(_x(m, 5, 2, 4), (_x(m, 2, 3), _x(m, 1, 2, 3))),
    lambda m: m.nn.LSTM(4, 3)(_x(m, 5, 4), (_x(m, 1, 2, 3), _x(m, 1, 2, 3))),
    lambda m: m.nn.LSTM(4, 3)(_x(m, 5, 2, 5)),
    lambda m: m.nn.LSTM(4, 3)(_x(m, 0, 2, 4)),
    lambda m: m.nn.LSTM(4, 3)(_x(m, 2, 5, 2, 4)),
    lambda m: m.nn.RNN(4, 3)(_x(m, 2, 5, 2, 4)),
    lambda m: m.nn.GRU(4, 3)(_x(m, 2, 5, 2, 4)),
    lambda m: m.nn.GRU(4, 3)(_x(m, 5, 2, 4), _x(m, 2, 3)),
    lambda m: m.nn.GRU(4, 3)(_x(m, 5, 4), _x(m, 1, 2, 3)),
    lambda m: m.nn.RNN(4, 3, 2)(_x(m, 5, 2, 4), _x(m, 1, 2, 3)),
    lambda m: m.nn.LSTM(4, 3, proj_size=3),
    lambda m: m.nn.LSTM(4, 3, proj_size=-1),
    lambda m: m.nn.GRU(4, 3, proj_size=2),
    lambda m: m.nn.RNN(4, 3, dropout=1.5),
    lambda m: m.nn.RNN(4, 3, 2, "gelu"),
    lambda m: m.nn.RNN(4.0, 3),
    lambda m: m.nn.RNN(4, 0),
    lambda m: m.nn.RNN(4, 3, 0),
    lambda m: m.nn.RNN(4, 3, batch_first=1),
    lambda m: m.nn.LSTMCell(4, 3)(_x(m, 2, 5)),
    lambda m: m.nn.LSTMCell(4, 3)(_x(m, 2, 4), (_x(m, 3, 3), _x(m, 3, 3))),
    lambda m: m.nn.LSTMCell(4, 3)(_x(m, 2, 4), (_x(m, 2, 3), _x(m, 2, 5))),
    lambda m: m.nn.LSTMCell(4, 3)(_x(m, 2, 2, 4)),
    lambda m: m.nn.LSTMCell(4, 3)(_x(m, 2, 4), (_x(m, 1, 2, 3), _x(m, 2, 3))),
    lambda m: m.nn.GRUCell(4, 3)(_x(m, 2, 4), _x(m, 2, 5)),
    lambda m: m.nn.GRUCell(4, 3)(_x(m, 2, 4), _x(m, 1, 2, 3)),
    lambda m: m.nn.RNNCell(4, 3)(_x(m, 2, 4, dtype=m.float64)),
    lambda m: m.nn.RNNCell(4, 3, nonlinearity="foo")(_x(m, 2, 4)),
    lambda m: _rnn(m).pack_padded_sequence(_x(m, 4, 3, 2), [4, 2, 3]),
    lambda m: _rnn(m).pack_padded_sequence(_x(m, 4, 3, 2), [4, 2, 0], enforce_sorted=False),
    lambda m: _rnn(m).pack_padded_sequence(_x(m, 4, 3, 2), [4, 2]),
    lambda m: _rnn(m).pack_padded_sequence(_x(m, 4, 3, 2), m.tensor([[4, 2, 1]])),
    lambda m: _rnn(m).pack_padded_sequence(_x(m, 4, 3, 2), [3, 2, 1], batch_first=True),
    lambda m: _rnn(m).pad_packed_sequence(_rnn(m).pack_padded_sequence(_x(m, 4, 3, 2), [4, 2, 1]), total_length=3),
    lambda m: _rnn(m).pad_sequence([_x(m, 2, 3), _x(m, 3, 2)]),
    lambda m: _rnn(m).pad_sequence([]),
    lambda m: _rnn(m).pad_sequence([_x(m, 2, 3), _x(m, 3, 3)], padding_side="middle"),
    lambda m: _rnn(m).PackedSequence(_x(m, 3)),
]


@pytest.mark.parametrize("fn", ERRORS)
def test_errors_match_torch(fn):
    same_error(fn)
