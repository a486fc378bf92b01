"""F.scaled_dot_product_attention, F.multi_head_attention_forward and nn.MultiheadAttention against real torch:
values and gradients of inputs and parameters, eagerly and compiled; masks (bool / float, 2-D / 3-D,
key padding), causal hints, bias_kv, zero attention, separate q/k/v projections, dropout statistics."""
import math

import numpy as np
import pytest
import torch
from harness import compare
from nn_models import rand
from nn_module_db import case_id, cases, run_case
from test_nn_rnn import ATOL, RTOL, check, same_error

import jtorch


def _sdpa(**kw):
    return lambda m, q, k, v, *mask: m.nn.functional.scaled_dot_product_attention(q, k, v, *mask, **kw)


def _bool_mask(*shape, seed=0):
    m = np.random.default_rng(seed).random(shape) > 0.3
    m[..., 0] = True  # every row keeps a key
    return m


def _dead_rows(*shape):
    m = _bool_mask(*shape)
    m[..., 1, :] = False  # a fully masked row: zeros (and zero gradient), as torch's SDPA
    return m


# (name, fn(m, *tensors), inputs, jit)
SDPA = [
    ("basic", _sdpa(), [(2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7)], True),
    ("bool_mask", _sdpa(), [(2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5), _bool_mask(4, 6)], True),
    ("float_mask_grad", _sdpa(), [(2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5), (2, 1, 4, 6)], True),
    ("fully_masked_row", _sdpa(), [(1, 2, 3, 4), (1, 2, 5, 4), (1, 2, 5, 4), _dead_rows(3, 5)], False),
    ("causal", _sdpa(is_causal=True), [(2, 2, 5, 4), (2, 2, 5, 4), (2, 2, 5, 4)], True),
    ("causal_more_queries", _sdpa(is_causal=True), [(1, 2, 6, 4), (1, 2, 3, 4), (1, 2, 3, 4)], False),
    ("causal_and_mask", _sdpa(is_causal=True), [(1, 2, 4, 4), (1, 2, 5, 4), (1, 2, 5, 4), _bool_mask(4, 5)],
     False),
    ("scale", _sdpa(scale=0.3), [(2, 4, 5), (2, 6, 5), (2, 6, 3)], False),
    ("gqa", _sdpa(enable_gqa=True), [(2, 4, 3, 5), (2, 2, 6, 5), (2, 2, 6, 5)], True),
    ("unbatched_2d", _sdpa(), [(4, 5), (6, 5), (6, 3)], False),
    ("broadcast_batch", _sdpa(), [(2, 3, 4, 5), (1, 3, 6, 5), (2, 1, 6, 5)], False),
]


@pytest.mark.parametrize("name,fn,shapes,jit", SDPA, ids=[c[0] for c in SDPA])
def test_sdpa(name, fn, shapes, jit):
    arrays = [s if isinstance(s, np.ndarray) else rand(*s, seed=i) for i, s in enumerate(shapes)]
    compare(fn, arrays, grad=True, jit=jit, rtol=RTOL, atol=ATOL, what=name)


def test_sdpa_float32():
    arrays = [rand(2, 3, 4, 8, seed=i).astype(np.float32) for i in range(3)]
    compare(_sdpa(is_causal=True), arrays, grad=True, jit=False, rtol=1e-5, atol=1e-6)


def test_sdpa_dropout_statistics():
    jtorch.manual_seed(0)
    q = k = jtorch.zeros(1, 1, 200, 4)  # uniform attention over 200 keys
    v = jtorch.ones(1, 1, 200, 50)
    out = jtorch.nn.functional.scaled_dot_product_attention(q, k, v, dropout_p=0.25)
    vals = out.numpy()
    assert out.shape == (1, 1, 200, 50)
    assert abs(vals.mean() - 1.0) < 0.02 and vals.std() > 0.01  # inverted dropout keeps the expectation
    again = jtorch.nn.functional.scaled_dot_product_attention(q, k, v, dropout_p=0.25).numpy()
    assert not np.array_equal(vals, again)
    jtorch.manual_seed(3)
    eager = jtorch.nn.functional.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    jtorch.manual_seed(3)
    compiled = jtorch.compile(lambda q, k, v: jtorch.nn.functional.scaled_dot_product_attention(
        q, k, v, dropout_p=0.5))(q, k, v)
    np.testing.assert_allclose(compiled.numpy(), eager.numpy(), rtol=1e-6)


# ------------------------------------------------------------------ nn.MultiheadAttention
def _mha(**fkw):
    def call(m, mod, q, k, v, *masks):
        names = [n for n in ("key_padding_mask", "attn_mask") if n in fkw]
        kw = {n: fkw[n] for n in fkw if n not in names}
        kw.update(zip(names, masks))
        return mod(q, k, v, **kw)
    return call


def _bool(*shape, seed=0):
    m = np.random.default_rng(seed).random(shape) > 0.7
    m[..., 0] = False  # True = masked out (MultiheadAttention's convention); keep a key in every row
    return m


L, N, E, S = 3, 2, 4, 5
QKV = [(L, N, E), (S, N, E), (S, N, E)]
MHA = [  # (name, build, inputs, call, jit)
    ("default", lambda m: m.nn.MultiheadAttention(E, 2), QKV, None, True),
    ("batch_first_no_weights", lambda m: m.nn.MultiheadAttention(E, 2, batch_first=True),
     [(N, L, E), (N, S, E), (N, S, E)], _mha(need_weights=False), True),
    ("per_head_weights", lambda m: m.nn.MultiheadAttention(E, 2), QKV, _mha(average_attn_weights=False), False),
    ("kdim_vdim", lambda m: m.nn.MultiheadAttention(E, 2, kdim=3, vdim=6), [(L, N, E), (S, N, 3), (S, N, 6)], None,
     True),
    ("bias_kv_zero_attn_masks", lambda m: m.nn.MultiheadAttention(E, 2, add_bias_kv=True, add_zero_attn=True),
     QKV + [_bool(N, S, seed=1), _bool(L, S, seed=2)], _mha(key_padding_mask=0, attn_mask=0), True),
    ("no_bias", lambda m: m.nn.MultiheadAttention(E, 4, bias=False), QKV, _mha(need_weights=False), False),
    ("float_masks_3d", lambda m: m.nn.MultiheadAttention(E, 2), QKV + [(N, S), (N * 2, L, S)],
     _mha(key_padding_mask=0, attn_mask=0), True),
    ("bool_kpm_sdpa_path", lambda m: m.nn.MultiheadAttention(E, 2, batch_first=True),
     [(N, L, E), (N, S, E), (N, S, E), _bool(N, S, seed=3)], _mha(key_padding_mask=0, need_weights=False), False),
    ("bool_3d_mask", lambda m: m.nn.MultiheadAttention(E, 2), QKV + [_bool(N * 2, L, S, seed=4)],
     _mha(attn_mask=0), False),
    ("causal_hint", lambda m: m.nn.MultiheadAttention(E, 2), [(L, N, E)] * 3 +
     [np.triu(np.ones((L, L), bool), 1)], lambda m, mod, q, k, v, mask: mod(q, q, q, attn_mask=mask, is_causal=True,
                                                                            need_weights=False), True),
    ("self_attention_unbatched", lambda m: m.nn.MultiheadAttention(E, 2, add_zero_attn=True),
     [(L, E), _bool(L, seed=5), _bool(2, L, L, seed=6)],
     lambda m, mod, x, kpm, mask: mod(x, x, x, key_padding_mask=kpm, attn_mask=mask), False),
    ("separate_proj_batch_first_masks", lambda m: m.nn.MultiheadAttention(E, 2, kdim=2, vdim=3, batch_first=True,
                                                                         add_bias_kv=True),
     [(N, L, E), (N, S, 2), (N, S, 3), (N, S)], _mha(key_padding_mask=0, need_weights=False), False),
]


@pytest.mark.parametrize("name,build,inputs,call,jit", MHA, ids=[c[0] for c in MHA])
def test_multihead_attention(name, build, inputs, call, jit):
    arrays = [s if isinstance(s, np.ndarray) else rand(*s, seed=i) for i, s in enumerate(inputs)]
    check(build, arrays, call, jit=jit, what=name)


def test_fully_masked_rows_follow_the_path():
    """A fully masked query row: NaN with the explicit weights (softmax of -inf), zeros through SDPA."""
    kpm = np.zeros((N, L), bool)
    kpm[1] = True
    x = rand(L, N, E)
    for need_weights in (True, False):
        tm = torch.nn.MultiheadAttention(E, 2).double()
        jm = jtorch.nn.MultiheadAttention(E, 2).double()
        jm.load_state_dict({k: jtorch.tensor(v.numpy()) for k, v in tm.state_dict().items()})
        t = tm(*[torch.tensor(x)] * 3, key_padding_mask=torch.tensor(kpm), need_weights=need_weights)[0]
        j = jm(*[jtorch.tensor(x)] * 3, key_padding_mask=jtorch.tensor(kpm), need_weights=need_weights)[0]
        np.testing.assert_allclose(j.detach().numpy(), t.detach().numpy(), rtol=RTOL, atol=ATOL, equal_nan=True)


def test_functional_multi_head_attention_forward():
    E3 = 6
    arrays = [rand(L, N, E3, seed=0), rand(S, N, E3, seed=1), rand(S, N, E3, seed=2), rand(3 * E3, E3, seed=3),
              rand(3 * E3, seed=4), rand(E3, E3, seed=5), rand(E3, seed=6), rand(1, 1, E3, seed=7),
              rand(1, 1, E3, seed=8)]

    def fn(m, q, k, v, w_in, b_in, w_out, b_out, bk, bv):
        return m.nn.functional.multi_head_attention_forward(q, k, v, E3, 3, w_in, b_in, bk, bv, True, 0.0, w_out,
                                                            b_out, training=False, average_attn_weights=False)
    compare(fn, arrays, grad=True, rtol=RTOL, atol=ATOL)

    def static(m, q, k, v, w_in, b_in, w_out, b_out, sk, sv):
        return m.nn.functional.multi_head_attention_forward(
            q, k, v, E3, 3, w_in, b_in, None, None, False, 0.0, w_out, b_out, training=True,
            static_k=sk.reshape(N * 3, S, 2), static_v=sv.reshape(N * 3, S, 2))
    compare(static, arrays[:7] + [rand(N * 3 * S * 2, seed=9), rand(N * 3 * S * 2, seed=10)], grad=True,
            rtol=RTOL, atol=ATOL, jit=False)


MODULE_DB = [c for c in cases(["MultiheadAttention"]) if c[1]]  # no dropout in these rows: eval repeats training
JIT_CASES = {c for c in MODULE_DB if c[2] % 16 == 0}


@pytest.mark.parametrize("case", MODULE_DB, ids=[case_id(c) for c in MODULE_DB])
def test_module_db(case):
    run_case(*case, jit=case in JIT_CASES)


def test_parameters_init_and_dropout():
    for kw in ({}, {"kdim": 3, "vdim": 5, "add_bias_kv": True}, {"bias": False}):
        t, j = torch.nn.MultiheadAttention(8, 2, **kw), jtorch.nn.MultiheadAttention(8, 2, **kw)
        assert [(n, tuple(p.shape)) for n, p in j.named_parameters()] == \
            [(n, tuple(p.shape)) for n, p in t.named_parameters()]
        assert repr(j) == repr(t)
        for name, p in j.named_parameters():
            v = p.detach().numpy()
            if name.endswith("proj_weight"):  # xavier_uniform_
                bound = math.sqrt(6.0 / (v.shape[0] + v.shape[1]))
                assert np.abs(v).max() <= bound and np.abs(v).max() > 0.7 * bound
            elif name in ("in_proj_bias", "out_proj.bias"):
                assert not v.any()
    m = jtorch.nn.MultiheadAttention(8, 2, dropout=0.5)
    x = jtorch.randn(6, 3, 8)
    a, b = m(x, x, x)[1].detach().numpy(), m(x, x, x)[1].detach().numpy()
    assert a.shape == (3, 6, 6) and not np.allclose(a, b)
    m.eval()
    np.testing.assert_allclose(m(x, x, x)[1].detach().numpy().sum(-1), 1.0, rtol=1e-6)


# ------------------------------------------------------------------ errors: torch's exception types and messages
def _x(m, *shape, dtype=None):
    return m.ones(*shape, dtype=dtype)


def _M(m, *a, **k):
    return m.nn.MultiheadAttention(*a, **k)


ERRORS = [
    lambda m: _M(m, 4, 3),
    lambda m: _M(m, 0, 3),
    lambda m: _M(m, 4, 2)(_x(m, 3, 2, 4), _x(m, 3, 2, 4), _x(m, 3, 2, 5)),
    lambda m: _M(m, 4, 2)(_x(m, 3, 2, 4), _x(m, 5, 2, 4), _x(m, 4, 2, 4)),
    lambda m: _M(m, 4, 2, kdim=3, vdim=5)(_x(m, 3, 2, 4), _x(m, 5, 2, 3), _x(m, 4, 2, 5)),
    lambda m: _M(m, 4, 2, kdim=3, vdim=5)(_x(m, 3, 2, 4), _x(m, 5, 2, 4), _x(m, 5, 2, 5)),
    lambda m: _M(m, 4, 2)(*[_x(m, 3, 2, 4)] * 3, attn_mask=_x(m, 3, 4, dtype=m.bool)),
    lambda m: _M(m, 4, 2)(*[_x(m, 3, 2, 4)] * 3, attn_mask=_x(m, 5, 3, 3, dtype=m.bool)),
    lambda m: _M(m, 4, 2)(*[_x(m, 3, 2, 4)] * 3, key_padding_mask=_x(m, 2, 4, dtype=m.bool)),
    lambda m: _M(m, 4, 2)(*[_x(m, 3, 2, 4)] * 3, key_padding_mask=_x(m, 3, 3, dtype=m.bool)),
    lambda m: _M(m, 4, 2)(*[_x(m, 3, 2, 4)] * 3, key_padding_mask=_x(m, 2, 3, dtype=m.int64)),
    lambda m: _M(m, 4, 2)(*[_x(m, 3, 2, 4)] * 3, attn_mask=_x(m, 3, 3, dtype=m.int64)),
    lambda m: _M(m, 4, 2)(*[_x(m, 3, 2, 4)] * 3, is_causal=True),
    lambda m: _M(m, 4, 2)(_x(m, 3, 4), _x(m, 3, 2, 4), _x(m, 3, 2, 4)),
    lambda m: _M(m, 4, 2)(_x(m, 3, 2, 4), _x(m, 3, 4), _x(m, 3, 4)),
    lambda m: _M(m, 4, 2)(_x(m, 1, 3, 2, 4), _x(m, 3, 2, 4), _x(m, 3, 2, 4)),
    lambda m: _M(m, 4, 2)(_x(m, 3, 2, 5), _x(m, 3, 2, 4), _x(m, 3, 2, 4)),
    lambda m: _M(m, 4, 2)(*[_x(m, 3, 4)] * 3, attn_mask=_x(m, 3, 3, 3, dtype=m.bool)),
    lambda m: _M(m, 4, 2)(*[_x(m, 3, 4)] * 3, key_padding_mask=_x(m, 2, 3, dtype=m.bool)),
    lambda m: _M(m, 4, 2)(*[_x(m, 3, 2, 4)] * 3, attn_mask=_x(m, 1, 2, 3, 3, dtype=m.bool)),
    lambda m: _M(m, 4, 2)(*[_x(m, 3, 2, 4)] * 3, key_padding_mask=_x(m, 2, dtype=m.bool)),
    lambda m: _M(m, 4, 2)(_x(m, 3, 2, 4), _x(m, 3, 2, 4), _x(m, 3, 2, 4, dtype=m.float64)),
    lambda m: m.nn.functional.scaled_dot_product_attention(_x(m, 1, 2, 3, 4), _x(m, 1, 2, 5, 4),
                                                           _x(m, 1, 2, 5, 4, dtype=m.float64)),
    lambda m: m.nn.functional.scaled_dot_product_attention(_x(m, 1, 2, 3, 4), _x(m, 1, 2, 5, 3), _x(m, 1, 2, 5, 4)),
    lambda m: m.nn.functional.scaled_dot_product_attention(_x(m, 1, 4, 3, 4), _x(m, 1, 3, 5, 4), _x(m, 1, 3, 5, 4),
                                                           enable_gqa=True),
    lambda m: m.nn.functional.scaled_dot_product_attention(_x(m, 1, 2, 3, 4), _x(m, 1, 2, 5, 4), _x(m, 1, 2, 5, 4),
                                                           attn_mask=_x(m, 3, 5, dtype=m.int64)),
    lambda m: m.nn.functional.scaled_dot_product_attention(_x(m, 1, 2, 3, 4), _x(m, 1, 2, 5, 4), _x(m, 1, 2, 5, 4),
                                                           attn_mask=_x(m, 4, 5)),
    lambda m: m.nn.functional.scaled_dot_product_attention(_x(m, 4), _x(m, 5, 4), _x(m, 5, 4)),
]


@pytest.mark.parametrize("fn", ERRORS)
def test_errors_match_torch(fn):
    same_error(fn)


def test_mismatched_mask_types_warn():
    m = jtorch.nn.MultiheadAttention(4, 2)
    x = jtorch.ones(3, 2, 4)
    with pytest.warns(UserWarning, match="Support for mismatched key_padding_mask and attn_mask is deprecated"):
        m(x, x, x, key_padding_mask=jtorch.zeros(2, 3, dtype=jtorch.bool), attn_mask=jtorch.zeros(3, 3))
