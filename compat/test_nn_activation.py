"""Activations (torch.nn.functional, the torch namespace, Tensor methods and modules) against real torch."""
import pickle
import warnings

import numpy as np
import pytest
import torch
from harness import assert_same, compare
from nn_module_db import case_id, cases, run_case

import jtorch

# every kink of the activations below is hit exactly: torch's gradient there is the reference
KINKS = np.array([-6.0, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 6.0, 20.0, 25.0])


def mixed(*shape, seed=0):
    x = np.random.default_rng(seed).standard_normal(shape) * 3
    flat = x.reshape(-1)
    flat[: min(flat.size, KINKS.size)] = KINKS[: flat.size]
    return x


X = mixed(3, 5)

# (name, fn(m, x)) compared with grad=True in float64, eagerly and under jax.jit
FUNCTIONAL = [
    ("relu", lambda m, x: m.nn.functional.relu(x)),
    ("relu6", lambda m, x: m.nn.functional.relu6(x)),
    ("elu", lambda m, x: m.nn.functional.elu(x)),
    ("elu_alpha", lambda m, x: m.nn.functional.elu(x, alpha=0.3)),
    ("selu", lambda m, x: m.nn.functional.selu(x)),
    ("celu", lambda m, x: m.nn.functional.celu(x, 0.7)),
    ("leaky_relu", lambda m, x: m.nn.functional.leaky_relu(x)),
    ("leaky_relu_slope", lambda m, x: m.nn.functional.leaky_relu(x, 0.2)),
    ("prelu", lambda m, x: m.nn.functional.prelu(x, m.full((5,), 0.3, dtype=x.dtype))),
    ("rrelu_eval", lambda m, x: m.nn.functional.rrelu(x, 0.1, 0.3)),
    ("glu", lambda m, x: m.nn.functional.glu(x[:, :4])),
    ("glu_dim0", lambda m, x: m.nn.functional.glu(x[:2], 0)),
    ("gelu", lambda m, x: m.nn.functional.gelu(x)),
    ("gelu_tanh", lambda m, x: m.nn.functional.gelu(x, approximate="tanh")),
    ("silu", lambda m, x: m.nn.functional.silu(x)),
    ("mish", lambda m, x: m.nn.functional.mish(x)),
    ("hardtanh", lambda m, x: m.nn.functional.hardtanh(x)),
    ("hardtanh_bounds", lambda m, x: m.nn.functional.hardtanh(x, -0.5, 3.0)),
    ("hardsigmoid", lambda m, x: m.nn.functional.hardsigmoid(x)),
    ("hardswish", lambda m, x: m.nn.functional.hardswish(x)),
    ("logsigmoid", lambda m, x: m.nn.functional.logsigmoid(x)),
    ("softplus", lambda m, x: m.nn.functional.softplus(x)),
    ("softplus_beta", lambda m, x: m.nn.functional.softplus(x, beta=2, threshold=5)),
    ("softshrink", lambda m, x: m.nn.functional.softshrink(x)),
    ("softshrink_1", lambda m, x: m.nn.functional.softshrink(x, 1.0)),
    ("hardshrink", lambda m, x: m.nn.functional.hardshrink(x, 1.0)),
    ("tanhshrink", lambda m, x: m.nn.functional.tanhshrink(x)),
    ("softsign", lambda m, x: m.nn.functional.softsign(x)),
    ("threshold", lambda m, x: m.nn.functional.threshold(x, 0.5, -2.0)),
    ("sigmoid", lambda m, x: m.nn.functional.sigmoid(x)),
    ("tanh", lambda m, x: m.nn.functional.tanh(x)),
    ("softmax", lambda m, x: m.nn.functional.softmax(x, dim=1)),
    ("softmax_dim0", lambda m, x: m.nn.functional.softmax(x, 0)),
    ("softmax_scalar", lambda m, x: m.nn.functional.softmax(x[0, 0], 0)),
    ("softmin", lambda m, x: m.nn.functional.softmin(x, -1)),
    ("log_softmax", lambda m, x: m.nn.functional.log_softmax(x, 1)),
    ("log_softmax_dtype", lambda m, x: m.nn.functional.log_softmax(x.float(), 0, dtype=m.float64)),
    ("softmax_dtype", lambda m, x: m.nn.functional.softmax(x, 1, dtype=m.float32)),
    ("softmax_inf", lambda m, x: m.nn.functional.softmax(x.masked_fill(x > 1, float("-inf")), 1)),
    # the torch namespace and Tensor methods
    ("torch.softmax", lambda m, x: m.softmax(x, 1)),
    ("torch.log_softmax", lambda m, x: m.log_softmax(x, -1, m.float64)),
    ("Tensor.softmax", lambda m, x: x.softmax(0)),
    ("Tensor.log_softmax", lambda m, x: x.log_softmax(dim=1)),
    ("torch.rrelu_eval", lambda m, x: m.rrelu(x, 0.2, 0.4)),
    ("torch.selu", lambda m, x: m.selu(x)),
    ("torch.celu", lambda m, x: m.celu(x, 2.0)),
    ("torch.prelu", lambda m, x: m.prelu(x, m.tensor([0.1], dtype=x.dtype))),
    ("torch.hardshrink", lambda m, x: m.hardshrink(x)),
    ("torch.threshold", lambda m, x: m.threshold(x, 1.0, 5.0)),
    # in place, on a non-leaf (the gradient flows through the modified tensor)
    ("relu_inplace", lambda m, x: m.nn.functional.relu(x * 1, inplace=True)),
    ("relu6_inplace", lambda m, x: m.nn.functional.relu6(x * 1, inplace=True)),
    ("elu_inplace", lambda m, x: m.nn.functional.elu(x * 1, 0.5, inplace=True)),
    ("selu_inplace", lambda m, x: m.nn.functional.selu(x * 1, inplace=True)),
    ("celu_inplace", lambda m, x: m.nn.functional.celu(x * 1, inplace=True)),
    ("leaky_relu_inplace", lambda m, x: m.nn.functional.leaky_relu(x * 1, 0.1, inplace=True)),
    ("hardtanh_inplace", lambda m, x: m.nn.functional.hardtanh(x * 1, inplace=True)),
    ("hardsigmoid_inplace", lambda m, x: m.nn.functional.hardsigmoid(x * 1, inplace=True)),
    ("hardswish_inplace", lambda m, x: m.nn.functional.hardswish(x * 1, inplace=True)),
    ("silu_inplace", lambda m, x: m.nn.functional.silu(x * 1, inplace=True)),
    ("mish_inplace", lambda m, x: m.nn.functional.mish(x * 1, inplace=True)),
    ("threshold_inplace", lambda m, x: m.nn.functional.threshold(x * 1, 0.0, 1.0, inplace=True)),
    ("rrelu_eval_inplace", lambda m, x: m.nn.functional.rrelu(x * 1, inplace=True)),
    ("F.relu_", lambda m, x: m.nn.functional.relu_(x * 1)),
    ("F.elu_", lambda m, x: m.nn.functional.elu_(x * 1)),
    ("F.leaky_relu_", lambda m, x: m.nn.functional.leaky_relu_(x * 1, 0.3)),
    ("F.hardtanh_", lambda m, x: m.nn.functional.hardtanh_(x * 1, -2.0, 2.0)),
    ("F.threshold_", lambda m, x: m.nn.functional.threshold_(x * 1, 0.0, 3.0)),
    ("F.selu_", lambda m, x: m.nn.functional.selu_(x * 1)),
    ("F.celu_", lambda m, x: m.nn.functional.celu_(x * 1)),
    ("F.rrelu_", lambda m, x: m.nn.functional.rrelu_(x * 1)),
    ("torch.rrelu_", lambda m, x: m.rrelu_(x * 1)),
    # the returned tensor is the input itself
    ("inplace_returns_input", lambda m, x: (lambda y: m.nn.functional.elu(y, inplace=True) is y)(x * 1)),
]


# (rtol, atol): torch's celu backward evaluates exp(x / alpha) to about 1e-8 (relative) in float64;
# softmax_dtype computes in float32
TOLERANCE = {"celu": (1e-7, 1e-9), "torch.celu": (1e-7, 1e-9), "celu_inplace": (1e-7, 1e-9),
             "F.celu_": (1e-7, 1e-9), "softmax_dtype": (1e-5, 1e-6)}


@pytest.mark.parametrize("name,fn", FUNCTIONAL, ids=[r[0] for r in FUNCTIONAL])
def test_functional(name, fn):
    rtol, atol = TOLERANCE.get(name, (1e-10, 1e-12))
    compare(fn, [X], grad=True, rtol=rtol, atol=atol, jit=False, what=name)


def test_functional_under_jit():
    """Every case of the table in one jax.jit program (values and gradients): one compilation, not 70."""
    fns = [fn for name, fn in FUNCTIONAL if name != "inplace_returns_input"]
    compare(lambda m, x: tuple(fn(m, x) for fn in fns), [X], grad=True, rtol=1e-7, atol=1e-9, what="all")


LOW_PRECISION = ["relu6", "elu", "leaky_relu", "gelu", "gelu_tanh", "silu", "mish", "hardswish", "logsigmoid",
                 "softplus", "softshrink", "softmax", "log_softmax"]


@pytest.mark.parametrize("name", LOW_PRECISION)
@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_functional_float32_float16(name, dtype):
    fn = dict(FUNCTIONAL)[name]
    tol = 1e-5 if dtype == "float32" else 2e-3
    compare(fn, [X.astype(dtype)], rtol=tol, atol=tol, jit=False, what=f"{name} {dtype}")


X_INT = np.array([[1, -2, 0], [3, 4, -5]])
X_BOOL = np.array([True, False])

ERRORS = [
    ("relu_bool", lambda m, x: m.nn.functional.relu(x > 0), [X_INT]),
    ("relu6_bool", lambda m, x: m.nn.functional.relu6(x > 0), [X_INT]),
    ("hardtanh_int", lambda m, x: m.nn.functional.hardtanh(x, -2, 2), [X_INT]),
    ("hardtanh_min_gt_max", lambda m, x: m.nn.functional.hardtanh(x, 2.0, 1.0), [X]),
    ("elu_int", lambda m, x: m.nn.functional.elu(x), [X_INT]),
    ("leaky_relu_int", lambda m, x: m.nn.functional.leaky_relu(x), [X_INT]),
    ("gelu_int", lambda m, x: m.nn.functional.gelu(x), [X_INT]),
    ("gelu_bad_approximate", lambda m, x: m.nn.functional.gelu(x, approximate="fast"), [X]),
    ("gelu_positional_approximate", lambda m, x: m.nn.functional.gelu(x, "tanh"), [X]),
    ("silu_int", lambda m, x: m.nn.functional.silu(x), [X_INT]),
    ("mish_int", lambda m, x: m.nn.functional.mish(x), [X_INT]),
    ("hardsigmoid_int", lambda m, x: m.nn.functional.hardsigmoid(x), [X_INT]),
    ("hardswish_bool", lambda m, x: m.nn.functional.hardswish(x), [X_BOOL]),
    ("logsigmoid_int", lambda m, x: m.nn.functional.logsigmoid(x), [X_INT]),
    ("softplus_int", lambda m, x: m.nn.functional.softplus(x), [X_INT]),
    ("softshrink_negative", lambda m, x: m.nn.functional.softshrink(x, -1.0), [X]),
    ("softshrink_int", lambda m, x: m.nn.functional.softshrink(x), [X_INT]),
    ("glu_odd", lambda m, x: m.nn.functional.glu(x), [X]),
    ("glu_scalar", lambda m, x: m.nn.functional.glu(x[0, 0]), [X]),
    ("glu_bad_dim", lambda m, x: m.nn.functional.glu(x[:, :4], 2), [X]),
    ("softmax_int", lambda m, x: m.nn.functional.softmax(x, 0), [X_INT]),
    ("softmax_int_lastdim", lambda m, x: m.softmax(x, 1), [X_INT]),
    ("log_softmax_bool", lambda m, x: m.log_softmax(x, 0), [X_BOOL]),
    ("softmax_bad_dim", lambda m, x: m.softmax(x, 2), [X]),
    ("softmax_int_to_float", lambda m, x: m.softmax(x, 1, dtype=m.float64), [X_INT]),
    ("rrelu_int", lambda m, x: m.nn.functional.rrelu(x), [X_INT]),
    ("rrelu_int_training", lambda m, x: m.nn.functional.rrelu(x, training=True), [X_INT]),
    ("rrelu_bounds", lambda m, x: m.rrelu(x, 0.5, 0.1, True), [X]),
    ("threshold_int", lambda m, x: m.nn.functional.threshold(x, 0, 9), [X_INT]),
    ("threshold_bool", lambda m, x: m.nn.functional.threshold(x, 0, 1), [X_BOOL]),
    ("prelu_weight_size", lambda m, x: m.nn.functional.prelu(x, m.ones(3, dtype=x.dtype)), [X]),
    ("relu_inplace_leaf", lambda m, x: m.nn.functional.relu(x.requires_grad_(), inplace=True), [X]),
    ("elu_inplace_leaf", lambda m, x: m.nn.functional.elu(x.requires_grad_(), inplace=True), [X]),
    ("inplace_saved_output", lambda m, x: (lambda y: (m.nn.functional.relu6(y, inplace=True), y.sum().backward()))(
        x.requires_grad_().sigmoid()), [X]),
]


@pytest.mark.parametrize("name,fn,arrays", ERRORS, ids=[r[0] for r in ERRORS])
def test_dtypes_and_errors(name, fn, arrays):
    compare(fn, arrays, what=name)


def test_error_messages_match():
    x = torch.randn(3, 5, dtype=torch.float64)
    cases = [lambda m, x: m.nn.functional.hardtanh(x, 2.0, 1.0), lambda m, x: m.nn.functional.softshrink(x, -1.0),
             lambda m, x: m.nn.functional.glu(x), lambda m, x: m.nn.functional.gelu(x, approximate="no"),
             lambda m, x: m.nn.functional.softmax(x.long(), 0), lambda m, x: m.nn.functional.elu(x.long()),
             lambda m, x: m.rrelu(x, 0.5, 0.1), lambda m, x: m.nn.functional.relu(x > 0)]
    for fn in cases:
        with pytest.raises(Exception) as te:
            fn(torch, x)
        with pytest.raises(Exception) as je:
            fn(jtorch, jtorch.tensor(x.numpy()))
        assert (type(je.value), str(je.value)) == (type(te.value), str(te.value))


def test_grad_fn_names():
    for fn in [lambda m, x: m.nn.functional.relu6(x), lambda m, x: m.nn.functional.elu(x),
               lambda m, x: m.nn.functional.logsigmoid(x), lambda m, x: m.softmax(x, 0),
               lambda m, x: m.log_softmax(x, 0), lambda m, x: m.nn.functional.glu(x, 0)]:
        t = fn(torch, torch.tensor(X[:2], requires_grad=True))
        j = fn(jtorch, jtorch.tensor(X[:2], requires_grad=True))
        assert j.grad_fn.name() == t.grad_fn.name()


def test_implicit_softmax_dim_warns_like_torch():
    for shape in [(3, 5), (2, 3, 5)]:
        x = np.random.default_rng(0).standard_normal(shape)
        for name in ["softmax", "softmin", "log_softmax"]:
            with warnings.catch_warnings(record=True) as tw:
                warnings.simplefilter("always")
                t = getattr(torch.nn.functional, name)(torch.tensor(x))
            with warnings.catch_warnings(record=True) as jw:
                warnings.simplefilter("always")
                j = getattr(jtorch.nn.functional, name)(jtorch.tensor(x))
            np.testing.assert_allclose(j.numpy(), t.numpy(), rtol=1e-12)
            assert [str(w.message) for w in jw] == [str(w.message) for w in tw]
            assert jw[0].filename == __file__  # points at the caller, as torch's stacklevel does


def test_inplace_modifies_input_and_bumps_version():
    for name, args in [("relu", ()), ("elu", (0.5,)), ("leaky_relu", (0.2,)), ("hardtanh", (-0.5, 0.5)),
                       ("silu", ()), ("hardswish", ()), ("rrelu", (0.1, 0.3, False)), ("threshold", (0.1, 2.0))]:
        tx, jx = torch.tensor(X), jtorch.tensor(X)
        tv, jv = tx._version, jx._version
        ty = getattr(torch.nn.functional, name)(tx, *args, inplace=True)
        jy = getattr(jtorch.nn.functional, name)(jx, *args, inplace=True)
        assert jy is jx and ty is tx
        np.testing.assert_allclose(jx.numpy(), tx.numpy(), rtol=1e-12, err_msg=name)
        assert jx._version - jv == tx._version - tv, name


def test_inplace_forms_are_not_tensor_methods():
    # torch has these only in torch.nn.functional
    for name in ["leaky_relu_", "hardtanh_", "elu_", "gelu_", "silu_", "mish_", "hardsigmoid_", "hardswish_"]:
        assert hasattr(torch.Tensor, name) == hasattr(jtorch.Tensor, name), name
        assert hasattr(torch, name) == hasattr(jtorch, name), name
    for name in ["softmax", "log_softmax", "rrelu", "rrelu_", "selu_", "celu_", "threshold_"]:
        assert hasattr(jtorch, name), name
    assert hasattr(jtorch.Tensor, "softmax") and hasattr(jtorch.Tensor, "log_softmax")


# ------------------------------------------------------------------ random activations
def test_rrelu_training_slopes():
    x = jtorch.tensor(np.linspace(-3, 3, 4001)).requires_grad_()
    jtorch.manual_seed(0)
    y = jtorch.nn.functional.rrelu(x, 0.1, 0.3, training=True)
    y.sum().backward()
    xs, ys, g = x.detach().numpy(), y.detach().numpy(), x.grad.numpy()
    pos = xs > 0
    np.testing.assert_array_equal(ys[pos], xs[pos])
    np.testing.assert_array_equal(g[pos], 1.0)
    slope = ys[xs < 0] / xs[xs < 0]
    assert slope.min() >= 0.1 and slope.max() <= 0.3
    assert abs(slope.mean() - 0.2) < 0.01 and slope.std() > 0.05  # uniform: std (0.3 - 0.1) / sqrt(12)
    np.testing.assert_allclose(g[xs < 0], slope, rtol=1e-12)
    assert g[xs == 0] >= 0.1  # torch draws a slope at 0 too (x <= 0)
    z = jtorch.nn.functional.rrelu(x, 0.1, 0.3, training=True)
    assert not np.allclose(z.detach().numpy(), ys)  # a fresh draw per call


def test_rrelu_generator_and_compiled_match_eager():
    x = jtorch.tensor(np.linspace(-3, 3, 101))
    g1, g2 = jtorch.Generator().manual_seed(3), jtorch.Generator().manual_seed(3)
    np.testing.assert_array_equal(jtorch.rrelu(x, training=True, generator=g1).numpy(),
                                  jtorch.rrelu(x, training=True, generator=g2).numpy())
    m = jtorch.nn.RReLU(0.1, 0.5)
    step = jtorch.compile(lambda x: m(x))
    jtorch.manual_seed(7)
    eager = [m(x).numpy() for _ in range(3)]
    jtorch.manual_seed(7)
    compiled = [step(x).numpy() for _ in range(3)]
    for e, c in zip(eager, compiled):
        np.testing.assert_allclose(c, e, rtol=1e-12)
    assert not np.allclose(eager[0], eager[1])
    m.eval()
    np.testing.assert_allclose(m(x).numpy(), torch.nn.RReLU(0.1, 0.5).eval()(torch.tensor(x.numpy())).numpy())


def test_gumbel_softmax():
    x = np.zeros((200, 5))
    x[:, 0] = 10.0  # a dominant logit
    logits = jtorch.tensor(x).requires_grad_()
    jtorch.manual_seed(0)
    soft = jtorch.nn.functional.gumbel_softmax(logits, tau=0.5)
    np.testing.assert_allclose(soft.sum(-1).detach().numpy(), 1.0, rtol=1e-12)
    hard = jtorch.nn.functional.gumbel_softmax(logits, hard=True, dim=-1)
    h = hard.detach().numpy()
    assert set(np.unique(h)) == {0.0, 1.0} and (h.sum(-1) == 1).all()
    assert h[:, 0].mean() > 0.95  # the argmax follows the logits' distribution
    hard.sum(0).mul(jtorch.arange(5.0, dtype=jtorch.float64)).sum().backward()
    assert np.abs(logits.grad.numpy()).sum() > 0  # straight-through: the gradient of the soft sample
    with pytest.warns(UserWarning, match="`eps` parameter is deprecated"):
        jtorch.nn.functional.gumbel_softmax(logits, eps=1e-5)


# ------------------------------------------------------------------ modules
MODULE_DB = ["CELU", "ELU", "GELU", "GLU", "Hardshrink", "Hardswish", "Hardtanh", "ReLU", "LeakyReLU", "ReLU6", "PReLU",
             "Sigmoid", "LogSigmoid", "SiLU", "Softmax", "Softmax2d", "LogSoftmax", "Softmin", "Softplus", "Softshrink",
             "Softsign", "Tanh", "Tanhshrink", "Threshold", "Mish", "SELU"]
# memory formats are XLA's business in jtorch: those inputs are ordinary tensors again
CASES = cases(MODULE_DB, skip={f"{n}:{d}": "memory format" for n in ("ReLU", "ReLU6", "Sigmoid")
                               for d in ("channels_last_mem_format", "channels_last_3d_mem_format")})
# compiled too: the modules with parameters or their own forward logic (the others call one F function,
# which test_functional runs under jax.jit)
JIT_CASES = {c for c in CASES if c[2] == 0 and c[0] in ("PReLU", "Softmax2d", "GELU", "Threshold")}


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_module_db(case):
    run_case(*case, jit=case in JIT_CASES)


MODULES = [
    lambda m: m.nn.ReLU(), lambda m: m.nn.ReLU(inplace=True), lambda m: m.nn.ReLU6(True), lambda m: m.nn.ReLU6(),
    lambda m: m.nn.ELU(), lambda m: m.nn.ELU(0.5, True), lambda m: m.nn.CELU(alpha=2.0), lambda m: m.nn.SELU(True),
    lambda m: m.nn.LeakyReLU(), lambda m: m.nn.LeakyReLU(0.2, inplace=True), lambda m: m.nn.PReLU(),
    lambda m: m.nn.PReLU(5, 0.1), lambda m: m.nn.RReLU(), lambda m: m.nn.RReLU(0.1, 0.2, True), lambda m: m.nn.GLU(),
    lambda m: m.nn.GLU(0), lambda m: m.nn.GELU(), lambda m: m.nn.GELU("tanh"), lambda m: m.nn.SiLU(),
    lambda m: m.nn.SiLU(inplace=True), lambda m: m.nn.Mish(), lambda m: m.nn.Hardtanh(), lambda m: m.nn.Hardtanh(-2, 3),
    lambda m: m.nn.Hardtanh(inplace=True), lambda m: m.nn.Hardsigmoid(), lambda m: m.nn.Hardsigmoid(True),
    lambda m: m.nn.Hardswish(inplace=True), lambda m: m.nn.LogSigmoid(), lambda m: m.nn.Softplus(),
    lambda m: m.nn.Softplus(2, 10), lambda m: m.nn.Softshrink(), lambda m: m.nn.Softshrink(1), lambda m: m.nn.Hardshrink(),
    lambda m: m.nn.Tanhshrink(), lambda m: m.nn.Softsign(), lambda m: m.nn.Threshold(0.1, 20),
    lambda m: m.nn.Threshold(0.1, 20, True), lambda m: m.nn.Sigmoid(), lambda m: m.nn.Tanh(), lambda m: m.nn.Softmax(),
    lambda m: m.nn.Softmax(dim=1), lambda m: m.nn.Softmin(0), lambda m: m.nn.LogSoftmax(-1), lambda m: m.nn.Softmax2d(),
]


def test_module_repr_and_forward():
    x = mixed(2, 5, 3, 2)
    for build in MODULES:
        t, j = build(torch), build(jtorch)
        assert repr(j) == repr(t)
        t.double().eval(), j.double().eval()  # RReLU's training slopes are random
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Softmax() warns about its implicit dim
            assert_same(j(jtorch.tensor(x)), t(torch.tensor(x)), 1e-10, 1e-12, what=repr(t))


def test_module_constructor_errors():
    for fn in [lambda m: m.nn.Hardtanh(1.0, 1.0), lambda m: m.nn.ELU(1.0, False, 3), lambda m: m.nn.ReLU(unknown=1),
               lambda m: m.nn.Threshold(0.1), lambda m: m.nn.Softmax2d()(m.ones(2, 2))]:
        with pytest.raises(Exception) as te:
            fn(torch)
        with pytest.raises(Exception) as je:
            fn(jtorch)
        assert type(je.value) is type(te.value)
    with pytest.warns(FutureWarning, match="min_value"):
        assert jtorch.nn.Hardtanh(min_value=-2.0).min_val == -2.0


def test_modules_pickle_and_signature():
    import inspect
    m = jtorch.nn.LeakyReLU(0.3, inplace=True)
    m2 = pickle.loads(pickle.dumps(m))
    assert type(m2) is jtorch.nn.LeakyReLU and m2.negative_slope == 0.3 and m2.inplace
    params = [(p.name, p.default) for p in inspect.signature(jtorch.nn.ELU).parameters.values()]
    assert params == [(p.name, p.default) for p in inspect.signature(torch.nn.ELU).parameters.values()]
    assert isinstance(jtorch.nn.ReLU6(), jtorch.nn.Hardtanh)
