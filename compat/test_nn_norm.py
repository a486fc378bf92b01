"""Normalization (batch/instance/layer/rms/group/local-response norm, normalize) against real torch."""
import copy
import warnings
from collections import OrderedDict

import numpy as np
import pytest
import torch
from harness import assert_same, compare
from nn_module_db import case_id, cases, run_case
from nn_models import to_jtorch_state

import jtorch


def rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape) * 2 + 0.5


X3 = rand(4, 3, 5)          # (N, C, L)
X4 = rand(2, 3, 4, 5, seed=1)  # (N, C, H, W)


def _bn(training, momentum=0.1, affine=True, stats=True):
    def fn(m, x):
        c = x.shape[1]
        rm = m.linspace(-1, 1, c, dtype=x.dtype) if stats else None
        rv = m.linspace(0.5, 2, c, dtype=x.dtype) if stats else None
        w = m.linspace(0.5, 1.5, c, dtype=x.dtype).requires_grad_() if affine else None
        b = m.linspace(-0.2, 0.2, c, dtype=x.dtype).requires_grad_() if affine else None
        out = m.nn.functional.batch_norm(x, rm, rv, w, b, training, momentum)
        return (out, rm, rv) if stats else out
    return fn


def _in(use_input_stats, stats):
    def fn(m, x):
        c = x.shape[1]
        rm = m.linspace(-1, 1, c, dtype=x.dtype) if stats else None
        rv = m.linspace(0.5, 2, c, dtype=x.dtype) if stats else None
        w = m.linspace(0.5, 1.5, c, dtype=x.dtype).requires_grad_()
        out = m.nn.functional.instance_norm(x, rm, rv, w, None, use_input_stats, 0.3)
        return (out, rm, rv) if stats else out
    return fn


def _affine_args(m, x, shape):
    n = int(np.prod(shape))
    w = m.linspace(0.5, 1.5, n, dtype=x.dtype).reshape(shape).requires_grad_()
    b = m.linspace(-0.3, 0.3, n, dtype=x.dtype).reshape(shape).requires_grad_()
    return w, b


# (name, fn(m, x), input): values, gradients (inputs, weights) and running statistics
FUNCTIONAL = [
    ("batch_norm_train", _bn(True), X3),
    ("batch_norm_train_4d", _bn(True, momentum=0.5), X4),
    ("batch_norm_train_2d_input", _bn(True), X3[:, :, 0]),
    ("batch_norm_eval", _bn(False), X4),
    ("batch_norm_no_stats", _bn(True, stats=False), X3),
    ("batch_norm_no_affine", _bn(True, affine=False), X4),
    ("batch_norm_eval_no_affine", _bn(False, affine=False), X3),
    ("instance_norm", _in(True, False), X3),
    ("instance_norm_stats", _in(True, True), X4),
    ("instance_norm_eval", _in(False, True), X3),
    ("layer_norm", lambda m, x: m.nn.functional.layer_norm(x, (5,)), X3),
    ("layer_norm_2d_affine", lambda m, x: m.nn.functional.layer_norm(x, [4, 5], *_affine_args(m, x, (4, 5)),
                                                                      eps=1e-3), X4),
    ("layer_norm_weight_only", lambda m, x: m.nn.functional.layer_norm(x, [5], _affine_args(m, x, (5,))[0]), X3),
    ("rms_norm", lambda m, x: m.nn.functional.rms_norm(x, (5,)), X3),
    ("rms_norm_weight_eps", lambda m, x: m.nn.functional.rms_norm(x, (3, 5), _affine_args(m, x, (3, 5))[0], 0.1), X3),
    ("group_norm", lambda m, x: m.nn.functional.group_norm(x, 3), X4),
    ("group_norm_affine", lambda m, x: m.nn.functional.group_norm(x, 1, *_affine_args(m, x, (3,)), eps=0.01), X3),
    ("group_norm_2d_input", lambda m, x: m.nn.functional.group_norm(x[:, :, 0], 3), X3),
    ("local_response_norm_3d", lambda m, x: m.nn.functional.local_response_norm(x, 2), X3),
    ("local_response_norm_4d", lambda m, x: m.nn.functional.local_response_norm(x, 3, 0.1, 0.5, 2.0), X4),
    ("local_response_norm_5d", lambda m, x: m.nn.functional.local_response_norm(x[..., None], 4, 1e-2), X4),
    ("normalize", lambda m, x: m.nn.functional.normalize(x), X3),
    ("normalize_p1_dim", lambda m, x: m.nn.functional.normalize(x, 1.0, -1), X4),
    ("normalize_zero_row", lambda m, x: m.nn.functional.normalize(x * (x > 0), 2, 1, eps=1e-3), X3),
    ("normalize_out", lambda m, x: m.nn.functional.normalize(x, out=m.empty_like(x)), X3),
    ("torch.batch_norm", lambda m, x: m.batch_norm(x, None, None, m.zeros(3, dtype=x.dtype),
                                                   m.ones(3, dtype=x.dtype), False, 0.1, 1e-5, True), X3),
    ("torch.layer_norm", lambda m, x: m.layer_norm(x, [5]), X4),
    ("torch.group_norm", lambda m, x: m.group_norm(x, 3, None, None, 1e-5, True), X3),
    ("torch.instance_norm", lambda m, x: m.instance_norm(x, None, None, None, None, True, 0.1, 1e-5, True), X4),
    ("torch.rms_norm", lambda m, x: m.rms_norm(x, [5], None, 1e-6), X3),
]


@pytest.mark.parametrize("name,fn,x", FUNCTIONAL, ids=[r[0] for r in FUNCTIONAL])
def test_functional(name, fn, x):
    compare(fn, [x], grad=True, rtol=1e-9, atol=1e-10, jit=False, what=name)


@pytest.mark.parametrize("x", [X3, X4], ids=["3d", "4d"])
def test_functional_under_jit(x):
    """The table's cases for one input shape in one jax.jit program (running statistics included)."""
    fns = [fn for name, fn, arr in FUNCTIONAL if arr is x and name != "normalize_out"]
    compare(lambda m, x: tuple(fn(m, x) for fn in fns), [x], grad=True, rtol=1e-9, atol=1e-10, what="all")


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_low_precision(dtype):
    x = X4.astype(dtype)
    tol = 1e-5 if dtype == "float32" else 5e-3
    for name, fn, arr in FUNCTIONAL:
        if arr is X4:
            compare(fn, [x], rtol=tol, atol=tol, jit=False, what=f"{name} {dtype}")


X_INT = np.arange(24).reshape(2, 3, 4)

ERRORS = [
    ("bn_batch_of_one", lambda m, x: m.nn.functional.batch_norm(x[:1, :, :1], None, None, training=True), X3),
    ("bn_eval_no_stats", lambda m, x: m.nn.functional.batch_norm(x, None, None), X3),
    ("bn_stats_size", lambda m, x: m.nn.functional.batch_norm(x, m.zeros(4, dtype=x.dtype), m.ones(3, dtype=x.dtype)),
     X3),
    ("bn_weight_size", lambda m, x: m.nn.functional.batch_norm(x, None, None, m.ones(2, dtype=x.dtype),
                                                               training=True), X3),
    ("bn_int", lambda m, x: m.nn.functional.batch_norm(x, None, None, training=True), X_INT),
    ("bn_mixed_dtype", lambda m, x: m.nn.functional.batch_norm(x, m.zeros(3), m.ones(3), training=True), X3),
    ("bn_mixed_dtype_float", lambda m, x: m.nn.functional.batch_norm(x.float(), m.zeros(3, dtype=x.dtype),
                                                                     m.ones(3, dtype=x.dtype)), X3),
    ("bn_eps", lambda m, x: m.nn.functional.batch_norm(x, None, None, training=True, eps=0.0), X3),
    ("bn_momentum_none", lambda m, x: m.nn.functional.batch_norm(x, m.zeros(3, dtype=x.dtype),
                                                                 m.ones(3, dtype=x.dtype), training=True,
                                                                 momentum=None), X3),
    ("in_spatial_one", lambda m, x: m.nn.functional.instance_norm(x[:, :, :1]), X3),
    ("in_stats_size", lambda m, x: m.nn.functional.instance_norm(x, m.zeros(5, dtype=x.dtype),
                                                                 m.ones(5, dtype=x.dtype)), X3),
    ("in_no_stats_eval", lambda m, x: m.nn.functional.instance_norm(x, use_input_stats=False), X3),
    ("ln_shape", lambda m, x: m.nn.functional.layer_norm(x, (4,)), X3),
    ("ln_empty_shape", lambda m, x: m.nn.functional.layer_norm(x, ()), X3),
    ("ln_weight_shape", lambda m, x: m.nn.functional.layer_norm(x, (5,), m.ones(4, dtype=x.dtype)), X3),
    ("ln_bias_shape", lambda m, x: m.nn.functional.layer_norm(x, (5,), None, m.ones(4, dtype=x.dtype)), X3),
    ("ln_int_shape", lambda m, x: m.nn.functional.layer_norm(x, 5), X3),
    ("rms_int_shape", lambda m, x: m.nn.functional.rms_norm(x, 5), X3),
    ("ln_int", lambda m, x: m.nn.functional.layer_norm(x, (4,)), X_INT),
    ("ln_mixed", lambda m, x: m.nn.functional.layer_norm(x.float(), (5,), m.ones(5, dtype=x.dtype)), X3),
    ("rms_shape", lambda m, x: m.nn.functional.rms_norm(x, (4,)), X3),
    ("rms_weight_shape", lambda m, x: m.nn.functional.rms_norm(x, (5,), m.ones(4, dtype=x.dtype)), X3),
    ("gn_groups", lambda m, x: m.nn.functional.group_norm(x, 2), X3),
    ("gn_weight", lambda m, x: m.nn.functional.group_norm(x, 3, m.ones(4, dtype=x.dtype)), X3),
    ("gn_1d", lambda m, x: m.nn.functional.group_norm(x[0, 0], 1), X3),
    ("gn_int", lambda m, x: m.nn.functional.group_norm(x, 3), X_INT),
    ("gn_zero_groups", lambda m, x: m.nn.functional.group_norm(x, 0), X3),
    ("gn_one_value", lambda m, x: m.nn.functional.group_norm(x[:1, :, :1], 3), X3),
    ("lrn_2d", lambda m, x: m.nn.functional.local_response_norm(x[0], 2), X3),
    ("normalize_int", lambda m, x: m.nn.functional.normalize(x), X_INT),
    ("normalize_dim", lambda m, x: m.nn.functional.normalize(x, dim=3), X3),
]


@pytest.mark.parametrize("name,fn,x", ERRORS, ids=[r[0] for r in ERRORS])
def test_errors(name, fn, x):
    compare(fn, [x], jit=False, what=name)


def test_error_messages_match():
    x = torch.tensor(X3)
    for fn in [lambda m, x: m.nn.functional.batch_norm(x[:1, :, :1], None, None, training=True),
               lambda m, x: m.nn.functional.batch_norm(x, m.zeros(4, dtype=x.dtype), m.ones(3, dtype=x.dtype)),
               lambda m, x: m.nn.functional.batch_norm(x, None, None),
               lambda m, x: m.nn.functional.layer_norm(x, (4,)), lambda m, x: m.nn.functional.layer_norm(x, (3, 5),
                                                                                                  m.ones(5)),
               lambda m, x: m.nn.functional.group_norm(x, 2), lambda m, x: m.nn.functional.instance_norm(x[:, :, :1]),
               lambda m, x: m.nn.functional.layer_norm(x.long(), (5,)),
               lambda m, x: m.nn.functional.batch_norm(x, m.zeros(3), m.ones(3), training=True)]:
        with pytest.raises(Exception) as te:
            fn(torch, x)
        with pytest.raises(Exception) as je:
            fn(jtorch, jtorch.tensor(X3))
        assert (type(je.value), str(je.value)) == (type(te.value), str(te.value))


def test_grad_fn_names():
    for fn in [_bn(True), lambda m, x: m.nn.functional.layer_norm(x, (5,)), lambda m, x: m.group_norm(x, 3)]:
        t = fn(torch, torch.tensor(X3, requires_grad=True))
        j = fn(jtorch, jtorch.tensor(X3, requires_grad=True))
        t, j = (t[0], j[0]) if isinstance(t, tuple) else (t, j)
        assert j.grad_fn.name() == t.grad_fn.name()


# ------------------------------------------------------------------ modules: module_db
MODULE_DB = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d",
             "InstanceNorm3d", "LocalResponseNorm", "LayerNorm", "RMSNorm"]
CASES = cases(MODULE_DB)
JIT_CASES = {c for c in CASES if c[2] == 0 or (c[0] == "BatchNorm1d" and c[2] == 2)}  # 2: momentum=None


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_module_db(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # InstanceNorm's num_features warnings (torch warns alike)
        run_case(*case, jit=case in JIT_CASES, rtol=1e-9, atol=1e-10)


# ------------------------------------------------------------------ running statistics over training steps
BN_CONFIGS = [
    ("bn1d", lambda m: m.nn.BatchNorm1d(3), (6, 3)),
    ("bn1d_3d_cma", lambda m: m.nn.BatchNorm1d(3, momentum=None), (4, 3, 5)),
    ("bn2d_no_affine", lambda m: m.nn.BatchNorm2d(3, affine=False, momentum=0.3), (2, 3, 4, 4)),
    ("bn3d_no_bias", lambda m: m.nn.BatchNorm3d(2, bias=False), (2, 2, 3, 2, 2)),
    ("bn2d_untracked", lambda m: m.nn.BatchNorm2d(3, track_running_stats=False), (2, 3, 2, 3)),
    ("in1d_tracked", lambda m: m.nn.InstanceNorm1d(3, affine=True, track_running_stats=True), (2, 3, 6)),
    ("in2d_cma", lambda m: m.nn.InstanceNorm2d(3, momentum=None, track_running_stats=True), (2, 3, 4, 4)),
    ("sync_bn", lambda m: m.nn.SyncBatchNorm(3), (4, 3, 2)),
]


def _model(m, norm):
    return m.nn.Sequential(OrderedDict(norm=norm, act=m.nn.PReLU()))


@pytest.mark.parametrize("name,build,shape", BN_CONFIGS, ids=[r[0] for r in BN_CONFIGS])
def test_running_statistics_over_steps(name, build, shape):
    """Four SGD steps in training mode, eagerly and compiled (jtorch.compile), then eval: parameters,
    running statistics, num_batches_tracked and eval outputs equal torch's."""
    torch.manual_seed(0)
    tm = _model(torch, build(torch)).double()
    jm = _model(jtorch, build(jtorch)).double()
    jm.load_state_dict(to_jtorch_state(tm.state_dict()))
    jc = copy.deepcopy(jm)
    topt = torch.optim.SGD(tm.parameters(), lr=0.1) if list(tm.parameters()) else None

    def make_step(model, m):
        opt = m.optim.SGD(model.parameters(), lr=0.1) if list(model.parameters()) else None

        def step(x):
            if opt is not None:
                opt.zero_grad()
            loss = (model(x) ** 2).sum()
            loss.backward()
            if opt is not None:
                opt.step()
            return loss
        return step

    tstep, jstep, cstep = make_step(tm, torch), make_step(jm, jtorch), jtorch.compile(make_step(jc, jtorch))
    for k in range(4):
        x = rand(*shape, seed=10 + k)
        tl = tstep(torch.tensor(x))
        assert_same(jstep(jtorch.tensor(x)), tl, 1e-9, 1e-10, what=f"{name} step {k}")
        assert_same(cstep(jtorch.tensor(x)), tl, 1e-9, 1e-10, what=f"{name} compiled step {k}")
    tsd = tm.state_dict()
    for which, sd in (("eager", jm.state_dict()), ("compiled", jc.state_dict())):
        assert list(sd) == list(tsd)
        assert_same(list(sd.values()), list(tsd.values()), 1e-9, 1e-10, what=f"{name} {which} state")
    x = rand(*shape, seed=99)
    for model in (jm, jc):
        model.eval()
    tm.eval()
    tout = tm(torch.tensor(x))
    assert_same(jm(jtorch.tensor(x)), tout, 1e-9, 1e-10, what=f"{name} eval")
    assert_same(jtorch.compile(lambda x: jc(x))(jtorch.tensor(x)), tout, 1e-9, 1e-10, what=f"{name} compiled eval")
    assert_same(list(jc.state_dict().values()), list(tsd.values()), 1e-9, 1e-10, what="eval leaves stats alone")


def test_batch_of_one_raises_in_training_only():
    for m in (torch, jtorch):
        bn = m.nn.BatchNorm1d(3)
        with pytest.raises(ValueError, match="Expected more than 1 value per channel when training, got input size"):
            bn(m.ones(1, 3))
        bn.eval()
        assert bn(m.ones(1, 3)).shape == (1, 3)


# ------------------------------------------------------------------ module surface
MODULES = [
    lambda m: m.nn.BatchNorm1d(3), lambda m: m.nn.BatchNorm2d(4, eps=1e-3, momentum=None, affine=False),
    lambda m: m.nn.BatchNorm3d(2, track_running_stats=False, bias=False), lambda m: m.nn.SyncBatchNorm(5),
    lambda m: m.nn.InstanceNorm1d(3), lambda m: m.nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
    lambda m: m.nn.InstanceNorm3d(2, momentum=0.2), lambda m: m.nn.LayerNorm(5),
    lambda m: m.nn.LayerNorm([3, 4], eps=1e-3, elementwise_affine=False), lambda m: m.nn.LayerNorm(4, bias=False),
    lambda m: m.nn.RMSNorm(4), lambda m: m.nn.RMSNorm([2, 3], eps=1e-5, elementwise_affine=False),
    lambda m: m.nn.GroupNorm(2, 4), lambda m: m.nn.GroupNorm(1, 3, affine=False), lambda m: m.nn.GroupNorm(2, 4, bias=False),
    lambda m: m.nn.LocalResponseNorm(3), lambda m: m.nn.LocalResponseNorm(2, 1e-3, 0.5, 2.0),
    lambda m: m.nn.CrossMapLRN2d(3),
]


@pytest.mark.parametrize("k", range(len(MODULES)))
def test_module_repr_and_state_dict(k):
    t, j = MODULES[k](torch), MODULES[k](jtorch)
    assert repr(j) == repr(t)
    tsd, jsd = t.state_dict(), j.state_dict()
    assert list(jsd) == list(tsd)
    assert_same(list(jsd.values()), list(tsd.values()), what=repr(t))
    assert [n for n, _ in j.named_parameters()] == [n for n, _ in t.named_parameters()]


def test_module_constructor_and_input_errors():
    for fn in [lambda m: m.nn.GroupNorm(3, 4), lambda m: m.nn.BatchNorm1d(3)(m.ones(2, 3, 4, 5)),
               lambda m: m.nn.BatchNorm2d(3)(m.ones(2, 3)), lambda m: m.nn.InstanceNorm1d(3, affine=True)(m.ones(2, 4, 5)),
               lambda m: m.nn.InstanceNorm2d(3)(m.ones(2, 3)), lambda m: m.nn.SyncBatchNorm(3)(m.ones(3)),
               lambda m: m.nn.LocalResponseNorm(2)(m.ones(2, 3))]:
        with pytest.raises(Exception) as te:
            fn(torch)
        with pytest.raises(Exception) as je:
            fn(jtorch)
        assert (type(je.value), str(je.value)) == (type(te.value), str(te.value))
    for m in (torch, jtorch):
        with pytest.warns(UserWarning, match="does not match num_features"):
            m.nn.InstanceNorm1d(3)(m.ones(2, 4, 5))


def test_load_state_dict_without_num_batches_tracked():
    """A checkpoint from before num_batches_tracked existed (state_dict version 1) still loads."""
    j = jtorch.nn.BatchNorm1d(3)
    sd = j.state_dict()
    del sd["num_batches_tracked"]
    sd._metadata = {"": {"version": 1}}
    j.num_batches_tracked.add_(5)
    assert j.load_state_dict(sd).missing_keys == []
    assert j.num_batches_tracked.item() == 5
    assert jtorch.nn.BatchNorm1d(3).state_dict()._metadata[""]["version"] == 2


def test_convert_sync_batchnorm_shares_parameters_and_buffers():
    for m in (torch, jtorch):
        net = m.nn.Sequential(m.nn.Linear(3, 3), m.nn.BatchNorm1d(3), m.nn.Sequential(m.nn.BatchNorm2d(2)))
        net.eval()
        conv = m.nn.SyncBatchNorm.convert_sync_batchnorm(net)
        assert type(conv[1]).__name__ == "SyncBatchNorm" and type(conv[2][0]).__name__ == "SyncBatchNorm"
        assert conv[1].weight is net[1].weight and conv[1].running_mean is net[1].running_mean
        assert not conv[1].training
        assert conv[0] is net[0]


def test_lazy_norms_infer_num_features():
    for name, shape in [("LazyBatchNorm1d", (4, 3)), ("LazyBatchNorm2d", (2, 3, 2, 2)), ("LazyInstanceNorm1d", (2, 3, 5)),
                        ("LazyInstanceNorm3d", (2, 3, 2, 2, 2))]:
        t, j = getattr(torch.nn, name)(affine=True), getattr(jtorch.nn, name)(affine=True)
        x = rand(*shape)
        assert_same(j(jtorch.tensor(x).float()), t(torch.tensor(x).float()), 1e-5, 1e-6, what=name)
        assert type(j).__name__ == type(t).__name__ and j.num_features == 3
        assert_same(list(j.state_dict().values()), list(t.state_dict().values()), 1e-5, 1e-6, what=name)
