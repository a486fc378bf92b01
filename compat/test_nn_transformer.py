"""Transformer, TransformerEncoder/Decoder and their layers against real torch: outputs and the gradients of
inputs and every parameter in eval mode (and training mode without dropout), eagerly and compiled; dropout
statistics in training mode; masks, causal hints, norm_first, activations, custom encoder / decoder."""
import math
import warnings

import numpy as np
import pytest
import torch
from harness import _leaves, assert_same, to_jtorch
from nn_models import rand, to_jtorch_state
from nn_module_db import _INFOS, _fresh_inputs, _inputs, case_id, cases
from test_nn_rnn import ATOL, RTOL, NoGrad, check, same_error

import jtorch


# ------------------------------------------------------------------ PyTorch's module_db
def _layer_config(layer):
    """The constructor arguments of a torch encoder / decoder layer."""
    act = layer.activation
    return dict(d_model=layer.self_attn.embed_dim, nhead=layer.self_attn.num_heads,
                dim_feedforward=layer.linear1.out_features, dropout=layer.dropout.p,
                activation=getattr(jtorch.nn.functional, act.__name__) if callable(act) and hasattr(act, "__name__")
                else act, layer_norm_eps=layer.norm1.eps, batch_first=layer.self_attn.batch_first,
                norm_first=layer.norm_first, bias=layer.linear1.bias is not None)


def _arg(a):
    """module_db constructor arguments: torch layers and torch functions become jtorch's."""
    if isinstance(a, (torch.nn.TransformerEncoderLayer, torch.nn.TransformerDecoderLayer)):
        return getattr(jtorch.nn, type(a).__name__)(**_layer_config(a))
    if a is torch.nn.functional.gelu or a is torch.nn.functional.relu:
        return getattr(jtorch.nn.functional, a.__name__)
    return to_jtorch(a)


def run_db_case(name, training, i, jit):
    mi = _inputs(_INFOS[name], training)[i]
    c = mi.constructor_input
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # enable_nested_tensor notices, as torch's
        tm = _INFOS[name].module_cls(*c.args, **c.kwargs).to(torch.float64).train(training)
        jm = getattr(jtorch.nn, name)(*[_arg(a) for a in c.args], **{k: _arg(v) for k, v in c.kwargs.items()})
    jm = jm.to(jtorch.float64).train(training)
    jm.load_state_dict(to_jtorch_state(tm.state_dict()))
    targs, jargs, tkw, jkw = _fresh_inputs(mi)
    tout = tm(*targs, **tkw)
    what = case_id((name, training, i))
    assert_same(jm(*jargs, **jkw), tout, RTOL, ATOL, what=what)
    cts = [rand(*o.shape, seed=3) for o in _leaves(tout)]
    tleaves = [a for a in targs if isinstance(a, torch.Tensor) and a.requires_grad] + list(tm.parameters())
    tgrads = torch.autograd.grad(tout, tleaves, [torch.tensor(c) for c in cts], allow_unused=True,
                                 materialize_grads=True)

    def step(*args):
        out = jm(*args, **jkw)
        leaves = [a for a in args if isinstance(a, jtorch.Tensor) and a.requires_grad] + list(jm.parameters())
        return out, jtorch.autograd.grad(out, leaves, [jtorch.tensor(c) for c in cts], allow_unused=True,
                                         materialize_grads=True)

    assert_same(list(step(*jargs)[1]), list(tgrads), RTOL, ATOL, what=what + " gradients")
    if jit:
        cout, cgrads = jtorch.compile(step)(*_fresh_inputs(mi)[1])
        assert_same(cout, tout, RTOL, ATOL, what=what + " (compiled)")
        assert_same(list(cgrads), list(tgrads), RTOL, ATOL, what=what + " gradients (compiled)")


# Rows without dropout only (every module_db row here has dropout 0), training mode only (eval repeats it), and
# every third row: the rows are the cross product of batch_first, norm_first, bias and the masks given.
MODULE_DB = [c for c in cases(["TransformerEncoderLayer", "TransformerDecoderLayer", "TransformerEncoder",
                               "Transformer"]) if c[1] and c[2] % 3 == 0]
JIT_CASES = {c for c in MODULE_DB if c[2] in (0, 30)}


@pytest.mark.parametrize("case", MODULE_DB, ids=[case_id(c) for c in MODULE_DB])
def test_module_db(case):
    run_db_case(*case, jit=case in JIT_CASES)


# ------------------------------------------------------------------ our own table: eval mode, exact numbers
D, H, FF = 8, 2, 16


def _causal(n):
    """torch's float causal mask, as a constant: the causal hint it implies (detected eagerly, not under
    tracing) drops the mask, and with it the mask's gradient."""
    return np.triu(np.full((n, n), -np.inf), 1).view(NoGrad)


def _kpm(n, s, seed=0):
    m = np.random.default_rng(seed).random((n, s)) > 0.6
    m[:, 0] = False
    return m


def _enc(m, **kw):
    return m.nn.TransformerEncoderLayer(D, H, FF, dropout=0.1, **kw)


def _dec(m, **kw):
    return m.nn.TransformerDecoderLayer(D, H, FF, dropout=0.1, **kw)


MODULES = [  # (name, build, inputs, call, jit)
    ("encoder_layer_gelu_masks", lambda m: _enc(m, activation="gelu"), [(5, 2, D), _causal(5), _kpm(2, 5)],
     lambda m, mod, x, mask, kpm: mod(x, src_mask=mask, src_key_padding_mask=kpm), True),
    ("encoder_layer_norm_first_batch_first", lambda m: _enc(m, norm_first=True, batch_first=True,
                                                            layer_norm_eps=1e-3), [(2, 5, D)], None, False),
    ("encoder_layer_callable_activation", lambda m: _enc(m, activation=m.nn.functional.silu, bias=False),
     [(5, 2, D), _causal(5)], lambda m, mod, x, mask: mod(x, mask, is_causal=True), False),
    ("encoder_stack_norm_causal_detect", lambda m: m.nn.TransformerEncoder(_enc(m), 2, m.nn.LayerNorm(D),
                                                                          enable_nested_tensor=False),
     [(5, 2, D), _causal(5), _kpm(2, 5, 1)], lambda m, mod, x, mask, kpm: mod(x, mask, kpm), True),
    ("encoder_bool_mask", lambda m: m.nn.TransformerEncoder(_enc(m, batch_first=True), 2),
     [(2, 5, D), np.triu(np.ones((5, 5), bool), 1)], lambda m, mod, x, mask: mod(x, mask=mask), False),
    ("decoder_layer_masks", lambda m: _dec(m), [(4, 2, D), (5, 2, D), _causal(4), _kpm(2, 4), _kpm(2, 5, 2)],
     lambda m, mod, t, mem, tm, tk, mk: mod(t, mem, tgt_mask=tm, tgt_key_padding_mask=tk,
                                           memory_key_padding_mask=mk), True),
    ("decoder_layer_norm_first_causal", lambda m: _dec(m, norm_first=True, batch_first=True),
     [(2, 4, D), (2, 5, D), _causal(4)], lambda m, mod, t, mem, tm: mod(t, mem, tm, tgt_is_causal=True), False),
    ("decoder_stack", lambda m: m.nn.TransformerDecoder(_dec(m, activation="gelu"), 2, m.nn.LayerNorm(D)),
     [(4, 2, D), (5, 2, D), _causal(4), np.zeros((4, 5))],
     lambda m, mod, t, mem, tm, mm: mod(t, mem, tgt_mask=tm, memory_mask=mm), False),
    ("transformer", lambda m: m.nn.Transformer(D, H, 1, 2, FF, dropout=0.1),
     [(5, 2, D), (4, 2, D), _causal(4), _kpm(2, 5, 3)],
     lambda m, mod, s, t, tm, sk: mod(s, t, tgt_mask=tm, src_key_padding_mask=sk,
                                      memory_key_padding_mask=sk), True),
    ("transformer_batch_first_norm_first_unbatched", lambda m: m.nn.Transformer(
        D, H, 1, 1, FF, batch_first=True, norm_first=True, bias=False), [(5, D), (4, D)], None, False),
]


@pytest.mark.parametrize("name,build,inputs,call,jit", MODULES, ids=[c[0] for c in MODULES])
def test_modules_eval(name, build, inputs, call, jit):
    arrays = [s if isinstance(s, np.ndarray) else rand(*s, seed=i) for i, s in enumerate(inputs)]
    check(build, arrays, call, jit=jit, what=name)


def test_custom_encoder_decoder():
    def build(m):
        enc = m.nn.TransformerEncoder(_enc(m), 1)
        dec = m.nn.TransformerDecoder(_dec(m), 1)
        return m.nn.Transformer(D, H, custom_encoder=enc, custom_decoder=dec)
    check(build, [rand(5, 2, D), rand(3, 2, D, seed=1)], jit=False, what="custom encoder/decoder")
    t, j = build(torch), build(jtorch)
    assert [n for n, _ in j.named_parameters()] == [n for n, _ in t.named_parameters()]


# ------------------------------------------------------------------ training mode: dropout statistics
def test_training_mode_dropout():
    jtorch.manual_seed(0)
    layer = jtorch.nn.TransformerEncoderLayer(16, 4, 32, dropout=0.5)
    x = jtorch.randn(6, 3, 16)
    a, b = layer(x), layer(x)
    assert a.shape == (6, 3, 16) and not np.allclose(a.detach().numpy(), b.detach().numpy())
    # post-norm: every position is layer-normalized whatever dropout did
    np.testing.assert_allclose(a.detach().numpy().mean(-1), 0, atol=1e-5)
    np.testing.assert_allclose(a.detach().numpy().std(-1), 1, atol=1e-3)
    layer.eval()
    np.testing.assert_array_equal(layer(x).detach().numpy(), layer(x).detach().numpy())
    model = jtorch.nn.Transformer(16, 4, 1, 1, 32, dropout=0.3)
    out = model(x, x[:4])
    out.sum().backward()
    assert out.shape == (4, 3, 16) and all(p.grad is not None for p in model.parameters())


def test_training_step_compiled_matches_eager():
    def make():
        jtorch.manual_seed(1)
        return jtorch.nn.Transformer(8, 2, 1, 1, 16, dropout=0.2, batch_first=True)
    x, y = jtorch.randn(2, 5, 8), jtorch.randn(2, 4, 8)
    mask = jtorch.nn.Transformer.generate_square_subsequent_mask(4)

    def step(model, opt):
        opt.zero_grad()
        loss = model(x, y, tgt_mask=mask).square().mean()
        loss.backward()
        opt.step()
        return loss

    results = []
    for compiled in (False, True):
        model = make()
        opt = jtorch.optim.SGD(model.parameters(), lr=0.1)
        fn = jtorch.compile(lambda: step(model, opt)) if compiled else (lambda: step(model, opt))
        jtorch.manual_seed(7)
        losses = [float(fn()) for _ in range(3)]
        results.append((losses, model.encoder.layers[0].linear1.weight.detach().numpy()))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-5)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------ construction, masks, init, errors
def test_generate_square_subsequent_mask():
    for kw in ({}, {"dtype": torch.float64}):
        t = torch.nn.Transformer.generate_square_subsequent_mask(4, **kw)
        j = jtorch.nn.Transformer.generate_square_subsequent_mask(4, **to_jtorch(kw))
        assert_same(j, t)


def test_parameters_init_repr_and_nested_tensor_notice():
    t = torch.nn.Transformer(16, 4, 2, 1, 32)
    j = jtorch.nn.Transformer(16, 4, 2, 1, 32)
    assert [(n, tuple(p.shape)) for n, p in j.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in t.named_parameters()]
    assert repr(j) == repr(t)
    for n, p in j.named_parameters():
        v = p.detach().numpy()
        if v.ndim > 1:  # Transformer re-initialises every matrix with xavier_uniform_
            bound = math.sqrt(6.0 / (v.shape[0] + v.shape[1]))
            assert np.abs(v).max() <= bound and np.abs(v).max() > 0.7 * bound, n
    for build in (lambda m: m.nn.TransformerEncoder(m.nn.TransformerEncoderLayer(8, 2), 2),
                  lambda m: m.nn.TransformerEncoder(m.nn.TransformerEncoderLayer(8, 2, batch_first=True), 2)):
        with warnings.catch_warnings(record=True) as tw:
            warnings.simplefilter("always")
            tenc = build(torch)
        with warnings.catch_warnings(record=True) as jw:
            warnings.simplefilter("always")
            jenc = build(jtorch)
        assert [str(w.message) for w in jw] == [str(w.message) for w in tw]
        assert jenc.use_nested_tensor == tenc.use_nested_tensor


def _x(m, *shape):
    return m.ones(*shape)


ERRORS = [
    lambda m: m.nn.Transformer(8, 2, 1, 1, 16)(_x(m, 5, 2, 8), _x(m, 4, 3, 8)),
    lambda m: m.nn.Transformer(8, 2, 1, 1, 16, batch_first=True)(_x(m, 2, 5, 8), _x(m, 3, 4, 8)),
    lambda m: m.nn.Transformer(8, 2, 1, 1, 16)(_x(m, 5, 2, 6), _x(m, 4, 2, 8)),
    lambda m: m.nn.TransformerEncoderLayer(8, 2, activation="tanh"),
    lambda m: m.nn.TransformerEncoderLayer(8, 3),
    lambda m: m.nn.TransformerEncoderLayer(8, 2)(_x(m, 5, 2, 8), src_mask=m.ones(5, 5, dtype=m.int64)),
    lambda m: m.nn.TransformerEncoderLayer(8, 2)(_x(m, 5, 2, 8), src_mask=m.ones(4, 5)),
]


@pytest.mark.parametrize("fn", ERRORS)
def test_errors_match_torch(fn):
    same_error(fn)
