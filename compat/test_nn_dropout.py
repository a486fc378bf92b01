"""Dropout (torch.nn.functional, the torch namespace and modules) against real torch.

Masks cannot match torch's random stream: deterministic cases (eval, p=0, p=1) are compared value by
value, random ones by their statistics and structure; the values a mask can produce are compared exactly.
"""
import warnings

import numpy as np
import pytest
import torch
from harness import assert_same, compare

import jtorch

X = np.random.default_rng(0).standard_normal((4, 6, 5, 3)) + 3.0  # no zeros: a zero output means dropped
F_NAMES = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"]
# the input each function expects (dropout1d: (N, C, L); dropout2d: (N, C, H, W); dropout3d: (N, C, D, H, W))
SHAPED = {"dropout": lambda x: x, "dropout1d": lambda x: x[:, :, :, 0], "dropout2d": lambda x: x,
          "dropout3d": lambda x: x[:, :, :, :, None], "alpha_dropout": lambda x: x,
          "feature_alpha_dropout": lambda x: x}


def _f(name, *args, **kwargs):
    return lambda m, x: getattr(m.nn.functional, name)(SHAPED[name](x), *args, **kwargs)


# deterministic: values and gradients equal torch's, eagerly and under jax.jit
DETERMINISTIC = []
for _n in F_NAMES:
    DETERMINISTIC += [(f"{_n}_eval", _f(_n, 0.5, False)), (f"{_n}_p0", _f(_n, 0.0, True)),
                      (f"{_n}_p1", _f(_n, 1.0, True)), (f"{_n}_p1_inplace", lambda m, x, n=_n: getattr(
                          m.nn.functional, n)(SHAPED[n](x) * 1, 1.0, True, True))]
DETERMINISTIC += [
    ("dropout_default_training_p1", lambda m, x: m.nn.functional.dropout(x, p=1.0)),
    ("alpha_dropout_default_eval", lambda m, x: m.nn.functional.alpha_dropout(x, 0.3)),
    ("torch.dropout_eval", lambda m, x: m.dropout(x, 0.4, False)),
    ("torch.dropout_p1", lambda m, x: m.dropout(x, 1.0, True)),
    ("torch.feature_dropout_p1", lambda m, x: m.feature_dropout(x, 1.0, True)),
    ("torch.alpha_dropout_p0", lambda m, x: m.alpha_dropout(x, 0.0, True)),
    ("torch.feature_alpha_dropout_eval", lambda m, x: m.feature_alpha_dropout(x, 0.5, False)),
    ("torch.dropout__p1", lambda m, x: m.dropout_(x * 1, 1.0, True)),
    ("p1_keeps_nan", lambda m, x: m.nn.functional.dropout(x.masked_fill(x > 3, float("nan")), 1.0)),
    ("empty_input", lambda m, x: m.nn.functional.dropout(x[:0], 0.5)),
    ("p1_int", lambda m, x: m.nn.functional.dropout(x.long(), 1.0)),
    ("p1_bool", lambda m, x: m.nn.functional.dropout(x > 3, 1.0)),
    ("eval_int", lambda m, x: m.nn.functional.dropout(x.long(), 0.5, False)),
    ("eval_returns_input", lambda m, x: m.nn.functional.dropout(x, 0.5, False) is x),
    ("p0_returns_input", lambda m, x: m.dropout(x, 0.0, True) is x),
    ("inplace_returns_input", lambda m, x: (lambda y: m.nn.functional.dropout(y, 0.5, True, True) is y)(x * 1)),
    ("dropout2d_inplace_returns_input",
     lambda m, x: (lambda y: m.nn.functional.dropout1d(y, 0.5, True, True) is y)(x[0, :, :, 0] * 1)),
]


@pytest.mark.parametrize("name,fn", DETERMINISTIC, ids=[r[0] for r in DETERMINISTIC])
def test_deterministic(name, fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compare(fn, [X], grad=True, rtol=1e-12, atol=1e-12, what=name)


ERRORS = [
    ("p_negative", lambda m, x: m.nn.functional.dropout(x, -0.1)),
    ("p_above_one", lambda m, x: m.nn.functional.dropout(x, 1.5, False)),
    ("alpha_p_above_one", lambda m, x: m.nn.functional.alpha_dropout(x, 2.0)),
    ("dropout2d_p", lambda m, x: m.nn.functional.dropout2d(x, -1.0)),
    ("feature_alpha_p", lambda m, x: m.nn.functional.feature_alpha_dropout(x, 1.01, True)),
    ("torch.dropout_p", lambda m, x: m.dropout(x, 1.5, True)),
    ("torch.alpha_dropout_p_eval", lambda m, x: m.alpha_dropout(x, -1.0, False)),
    ("dropout1d_1d", lambda m, x: m.nn.functional.dropout1d(x[0, 0, 0], 0.5)),
    ("dropout1d_4d", lambda m, x: m.nn.functional.dropout1d(x, 0.5)),
    ("feature_alpha_1d", lambda m, x: m.nn.functional.feature_alpha_dropout(x[0, 0, 0], 0.5, True)),
    ("torch.feature_dropout_1d", lambda m, x: m.feature_dropout(x[0, 0, 0], 0.5, True)),
    ("int_training", lambda m, x: m.nn.functional.dropout(x.long(), 0.5)),
    ("int32_training", lambda m, x: m.nn.functional.dropout(x.int(), 0.5)),
    ("bool_training", lambda m, x: m.nn.functional.dropout(x > 3, 0.5)),
    ("bool_alpha_training", lambda m, x: m.nn.functional.alpha_dropout(x > 3, 0.5, True)),
    ("complex_training", lambda m, x: m.nn.functional.dropout(x.to(m.complex64), 0.5)),
    ("not_a_tensor", lambda m, x: m.nn.functional.dropout([1.0, 2.0], 0.5)),
    ("inplace_leaf", lambda m, x: m.nn.functional.dropout(x.requires_grad_(), 0.5, True, True)),
    ("module_bad_p", lambda m, x: m.nn.Dropout(1.2)),
    ("module_negative_p", lambda m, x: m.nn.AlphaDropout(-0.5)),
]


@pytest.mark.parametrize("name,fn", ERRORS, ids=[r[0] for r in ERRORS])
def test_errors(name, fn):
    compare(fn, [X], jit=False, what=name)


def test_error_messages_match():
    for fn in [lambda m, x: m.nn.functional.dropout(x, 1.5), lambda m, x: m.dropout(x, -1.0, True),
               lambda m, x: m.nn.functional.dropout1d(x, 0.5), lambda m, x: m.nn.functional.dropout(x.long(), 0.5),
               lambda m, x: m.nn.functional.alpha_dropout(x > 0, 0.5, True),
               lambda m, x: m.feature_dropout(x[0, 0, 0], 0.5, True),
               lambda m, x: m.nn.functional.dropout(x.to(m.complex128), 0.5)]:
        with pytest.raises(Exception) as te:
            fn(torch, torch.tensor(X))
        with pytest.raises(Exception) as je:
            fn(jtorch, jtorch.tensor(X))
        assert (type(je.value), str(je.value)) == (type(te.value), str(te.value))


@pytest.mark.parametrize("name,shape", [("dropout2d", (2, 3, 4)), ("dropout2d", (2, 3)), ("dropout2d", (2, 3, 4, 5, 6)),
                                        ("dropout3d", (2, 3, 4)), ("dropout3d", (2, 3, 4, 5)),
                                        ("dropout3d", (1, 2, 3, 4, 5)), ("dropout2d", (2, 3, 4, 5))])
def test_dimension_warnings_match(name, shape):
    x = np.ones(shape)
    with warnings.catch_warnings(record=True) as tw:
        warnings.simplefilter("always")
        t = getattr(torch.nn.functional, name)(torch.tensor(x), 0.5, False)
    with warnings.catch_warnings(record=True) as jw:
        warnings.simplefilter("always")
        j = getattr(jtorch.nn.functional, name)(jtorch.tensor(x), 0.5, False)
    assert_same(j, t)
    assert [str(w.message) for w in jw] == [str(w.message) for w in tw]
    assert [w.category for w in jw] == [w.category for w in tw]
    assert all(w.filename == __file__ for w in jw)  # points at the caller, as torch's stacklevel


# ------------------------------------------------------------------ random masks
BIG = np.full((400, 500), 2.0)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_mask_statistics_and_scale(p):
    jtorch.manual_seed(0)
    y = jtorch.nn.functional.dropout(jtorch.tensor(BIG), p).numpy()
    frac = (y == 0).mean()
    assert abs(frac - p) < 0.01, frac  # 200000 draws: std of the fraction < 0.0012
    np.testing.assert_allclose(y[y != 0], 2.0 / (1 - p), rtol=1e-15)
    # the same values torch can produce
    t = torch.nn.functional.dropout(torch.tensor(BIG), p).numpy()
    assert set(np.unique(y)) == set(np.unique(t))


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_values_per_dtype_match_torch(dtype):
    for name, p in [("dropout", 0.3), ("alpha_dropout", 0.3), ("feature_alpha_dropout", 0.6)]:
        jtorch.manual_seed(1)
        j = getattr(jtorch.nn.functional, name)(jtorch.ones(60, 50, dtype=getattr(jtorch, dtype)), p, True)
        t = getattr(torch.nn.functional, name)(torch.ones(60, 50, dtype=getattr(torch, dtype)), p, True)
        assert str(j.dtype) == str(t.dtype)
        jv, tv = np.unique(j.float().numpy()), np.unique(t.float().numpy())
        assert len(jv) == 2 and set(jv) == set(tv), (name, dtype, jv, tv)


@pytest.mark.parametrize("name,shape,channels", [
    ("dropout1d", (8, 30, 7), (8, 30)), ("dropout1d", (30, 7), (30,)), ("dropout2d", (8, 30, 4, 5), (8, 30)),
    ("dropout2d", (8, 30, 7), (8, 30)), ("dropout3d", (8, 30, 2, 3, 4), (8, 30)), ("dropout3d", (30, 2, 3, 4), (30,)),
    ("feature_alpha_dropout", (8, 30, 4, 5), (8, 30))])
def test_feature_dropout_drops_whole_channels(name, shape, channels):
    jtorch.manual_seed(2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = getattr(jtorch.nn.functional, name)(jtorch.ones(*shape), 0.5, True).numpy()
    assert y.shape == shape
    per_channel = y.reshape(channels + (-1,))
    assert (per_channel == per_channel[..., :1]).all()  # one value per channel
    kept = per_channel[..., 0] == per_channel.max()
    assert 0.3 < kept.mean() < 0.7  # both kept and dropped channels occur


def test_alpha_dropout_keeps_mean_and_variance():
    x = np.random.default_rng(3).standard_normal((500, 400))
    for name in ["alpha_dropout", "feature_alpha_dropout"]:
        jtorch.manual_seed(3)
        y = getattr(jtorch.nn.functional, name)(jtorch.tensor(x), 0.2, True).numpy()
        assert abs(y.mean()) < 0.03 and abs(y.var() - 1) < 0.05, (name, y.mean(), y.var())
        t = getattr(torch.nn.functional, name)(torch.tensor(x), 0.2, True).numpy()
        assert abs(y.mean() - t.mean()) < 0.05 and abs(y.var() - t.var()) < 0.08
    jtorch.manual_seed(4)
    y = jtorch.nn.functional.alpha_dropout(jtorch.tensor(x), 0.2, True).numpy()
    alpha = 1.7580993408473766
    a = 1 / np.sqrt((alpha ** 2 * 0.2 + 1) * 0.8)
    dropped = np.isclose(y, -alpha * a * 0.8, rtol=1e-14, atol=0)
    assert abs(dropped.mean() - 0.2) < 0.01


def test_gradient_is_mask_times_scale():
    x = jtorch.tensor(X).requires_grad_()
    g = np.random.default_rng(5).standard_normal(X.shape)
    jtorch.manual_seed(6)
    y = jtorch.nn.functional.dropout(x, 0.25)
    y.backward(jtorch.tensor(g))
    mask = y.detach().numpy() != 0
    np.testing.assert_allclose(x.grad.numpy(), g * mask / 0.75, rtol=1e-14)
    np.testing.assert_allclose(y.detach().numpy(), X * mask / 0.75, rtol=1e-14)
    assert y.grad_fn.name() == "MulBackward0"  # torch's CPU graph: input * noise
    # alpha dropout: the gradient is the slope a on kept elements, 0 on dropped ones
    x.grad = None
    jtorch.manual_seed(6)
    z = jtorch.nn.functional.alpha_dropout(x, 0.25, True)
    z.backward(jtorch.tensor(g))
    a = 1 / np.sqrt((1.7580993408473766 ** 2 * 0.25 + 1) * 0.75)
    kept = ~np.isclose(z.detach().numpy(), -1.7580993408473766 * a * 0.75, rtol=1e-14, atol=0)
    assert 0.2 < 1 - kept.mean() < 0.3
    np.testing.assert_allclose(x.grad.numpy(), g * kept * a, rtol=1e-12)
    assert z.grad_fn.name() == "AddBackward0"


def test_grad_fn_names_match_torch():
    for fn in [lambda m, x: m.nn.functional.dropout(x, 0.5), lambda m, x: m.nn.functional.dropout(x, 1.0),
               lambda m, x: m.nn.functional.alpha_dropout(x, 0.5, True),
               lambda m, x: m.nn.functional.dropout2d(x, 0.5)]:
        t = fn(torch, torch.tensor(X, requires_grad=True))
        j = fn(jtorch, jtorch.tensor(X, requires_grad=True))
        assert j.grad_fn.name() == t.grad_fn.name()


def test_same_seed_same_mask_and_fresh_masks():
    x = jtorch.tensor(X)
    for name in F_NAMES:
        f = getattr(jtorch.nn.functional, name)
        jtorch.manual_seed(11)
        a, b = f(SHAPED[name](x), 0.5, True).numpy(), f(SHAPED[name](x), 0.5, True).numpy()
        jtorch.manual_seed(11)
        c = f(SHAPED[name](x), 0.5, True).numpy()
        np.testing.assert_array_equal(a, c, err_msg=name)
        assert not np.array_equal(a, b), name  # every call draws a fresh mask


def test_fork_rng_restores_the_mask():
    x = jtorch.tensor(X)
    jtorch.manual_seed(12)
    with jtorch.random.fork_rng():
        a = jtorch.nn.functional.dropout(x).numpy()
    np.testing.assert_array_equal(jtorch.nn.functional.dropout(x).numpy(), a)


def test_inplace_matches_out_of_place_and_bumps_version():
    for name in F_NAMES:
        if name in ("alpha_dropout", "feature_alpha_dropout"):
            args = (0.4, True)
        else:
            args = (0.4,)
        jtorch.manual_seed(13)
        ref = getattr(jtorch.nn.functional, name)(SHAPED[name](jtorch.tensor(X)), *args).numpy()
        y = SHAPED[name](jtorch.tensor(X)).clone()
        v = y._version
        jtorch.manual_seed(13)
        out = getattr(jtorch.nn.functional, name)(y, *args, inplace=True)
        assert out is y and y._version > v, name
        np.testing.assert_array_equal(y.numpy(), ref, err_msg=name)
        assert tuple(y.shape) == ref.shape


def test_under_jax_jit_same_masks_as_eager():
    """jtorch.compile lifts the generator: eager and compiled steps from one seed draw the same masks,
    gradients included."""
    model = jtorch.nn.Sequential(jtorch.nn.Linear(5, 8), jtorch.nn.Dropout(0.5), jtorch.nn.Dropout1d(0.3),
                                 jtorch.nn.AlphaDropout(0.2), jtorch.nn.FeatureAlphaDropout(0.1)).double()
    x = jtorch.tensor(np.random.default_rng(14).standard_normal((4, 6, 5)))

    def step(x):
        for p in model.parameters():
            p.grad = None
        out = model(x)
        out.square().sum().backward()
        return out, model[0].weight.grad.clone()

    jtorch.manual_seed(15)
    eager = [tuple(t.detach().numpy() for t in step(x)) for _ in range(3)]
    compiled = jtorch.compile(step)
    jtorch.manual_seed(15)
    comp = [tuple(t.detach().numpy() for t in compiled(x)) for _ in range(3)]
    for (eo, eg), (co, cg) in zip(eager, comp):
        np.testing.assert_allclose(co, eo, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(cg, eg, rtol=1e-12, atol=1e-14)
    assert not np.allclose(eager[0][0], eager[1][0])
    model.eval()  # eval: identity through every dropout (a step compiled after the switch)
    np.testing.assert_allclose(jtorch.compile(step)(x)[0].detach().numpy(), model[0](x).detach().numpy(),
                               rtol=1e-12)


def test_jax_jit_of_functional_and_generator_arguments():
    from jtorch.testing import jit_apply
    x = jtorch.tensor(X)
    y = jit_apply(lambda t: jtorch.nn.functional.dropout(t, 0.5), x)
    frac = (y.numpy() == 0).mean()
    assert tuple(y.shape) == X.shape and 0.35 < frac < 0.65
    assert set(np.unique(y.numpy()[y.numpy() != 0] / X[y.numpy() != 0]).round(12)) == {2.0}


# ------------------------------------------------------------------ modules
MODULES = [lambda m: m.nn.Dropout(), lambda m: m.nn.Dropout(0.2, True), lambda m: m.nn.Dropout1d(0.1),
           lambda m: m.nn.Dropout2d(p=0.7), lambda m: m.nn.Dropout3d(inplace=True), lambda m: m.nn.AlphaDropout(0.3),
           lambda m: m.nn.FeatureAlphaDropout(0.4, True), lambda m: m.nn.Dropout(1), lambda m: m.nn.Dropout(0)]
MODULE_INPUT = {"Dropout1d": lambda x: x[:, :, :, 0], "Dropout3d": lambda x: x[..., None]}


@pytest.mark.parametrize("k", range(len(MODULES)))
def test_module_repr_eval_identity_and_state(k):
    t, j = MODULES[k](torch), MODULES[k](jtorch)
    assert repr(j) == repr(t)
    assert (j.p, j.inplace) == (t.p, t.inplace)
    assert list(j.state_dict()) == list(t.state_dict()) == []
    j.load_state_dict(t.state_dict())
    t.eval(), j.eval()
    shape = MODULE_INPUT.get(type(t).__name__, lambda x: x)
    tx, jx = shape(torch.tensor(X)), shape(jtorch.tensor(X))
    assert j(jx) is jx and t(tx) is tx  # eval: the input itself
    t.train(), j.train()
    if t.p == 1:
        assert_same(j(jx * 1), t(tx * 1), what=repr(t))


def test_module_training_uses_the_generator():
    m = jtorch.nn.Dropout2d(0.5)
    x = jtorch.ones(6, 40, 3, 3)
    jtorch.manual_seed(16)
    a = m(x).numpy()
    jtorch.manual_seed(16)
    np.testing.assert_array_equal(m(x).numpy(), a)
    assert set(np.unique(a)) == {0.0, 2.0}


def test_namespace_functions_exist_like_torch():
    for name in ["dropout", "dropout_", "feature_dropout", "feature_dropout_", "alpha_dropout", "alpha_dropout_",
                 "feature_alpha_dropout", "feature_alpha_dropout_"]:
        assert hasattr(torch, name) and hasattr(jtorch, name), name
    for name in F_NAMES:
        assert hasattr(jtorch.nn.functional, name)
    assert not hasattr(jtorch.Tensor, "dropout_noise") and not hasattr(jtorch, "dropout_noise")
    import inspect
    for name in F_NAMES:
        jp = [(p.name, p.default) for p in inspect.signature(getattr(jtorch.nn.functional, name)).parameters.values()]
        tp = [(p.name, p.default) for p in inspect.signature(getattr(torch.nn.functional, name)).parameters.values()]
        assert jp == tp, name
