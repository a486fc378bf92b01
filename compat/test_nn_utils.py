"""nn.utils against torch: gradient clipping, parameter vectors, weight/spectral norm, parametrize."""
import warnings

import numpy as np
import pytest
import torch
from harness import assert_same
from nn_models import rand, to_jtorch_state

import jtorch

FRAMEWORKS = (torch, jtorch)


def params_with_grads(m, dtype="float64", nan=False):
    ps = []
    for i, shape in enumerate([(3, 4), (5,), (2, 2, 2)]):
        p = m.nn.Parameter(m.tensor(rand(*shape, seed=i), dtype=getattr(m, dtype)))
        g = rand(*shape, seed=10 + i) * (i + 1)
        if nan and i == 1:
            g[0] = np.nan
        p.grad = m.tensor(g, dtype=getattr(m, dtype))
        ps.append(p)
    ps.append(m.nn.Parameter(m.ones(2, dtype=getattr(m, dtype))))  # no grad: skipped
    return ps


@pytest.mark.parametrize("max_norm,norm_type", [(1.0, 2.0), (100.0, 2), (0.5, 1), (0.5, float("inf")),
                                                (0.5, "inf"), (2.0, 3.5), (1.0, 0), (1.0, -float("inf"))])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_clip_grad_norm(max_norm, norm_type, dtype):
    tp, jp = params_with_grads(torch, dtype), params_with_grads(jtorch, dtype)
    grads = [p.grad for p in jp if p.grad is not None]
    tn = torch.nn.utils.clip_grad_norm_(tp, max_norm, norm_type=norm_type)
    jn = jtorch.nn.utils.clip_grad_norm_(iter(jp), max_norm, norm_type=norm_type, foreach=True)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else dict(rtol=1e-10, atol=1e-12)
    assert_same(jn, tn, **tol)
    for a, b in zip(jp[:3], tp[:3]):
        assert_same(a.grad, b.grad, **tol)
    assert [p.grad for p in jp if p.grad is not None] == grads  # clipped in place


def test_clip_grad_norm_edge_cases():
    for m in FRAMEWORKS:
        assert float(m.nn.utils.clip_grad_norm_([], 1.0)) == 0.0
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m.nn.utils.clip_grad_norm_((p for p in []), 1.0)
        assert "empty generator" in str(w[0].message)
        p = m.nn.Parameter(m.ones(3))
        p.grad = m.ones(3) * 2
        assert abs(float(m.nn.utils.clip_grad_norm_(p, 1.0)) - 12 ** 0.5) < 1e-6
    msgs = []
    for m in FRAMEWORKS:
        ps = params_with_grads(m, nan=True)
        with pytest.raises(RuntimeError) as info:
            m.nn.utils.clip_grad_norm_(ps, 1.0, error_if_nonfinite=True)
        msgs.append(str(info.value))
        assert np.isnan(float(m.nn.utils.clip_grad_norm_(ps, 1.0)))
    assert msgs[0] == msgs[1]


def test_total_norm_helpers_and_mixed_dtypes():
    for mixed in (False, True):
        out = []
        for m in FRAMEWORKS:
            ts = [m.ones(2), m.ones(3, dtype=m.float64 if mixed else m.float32) * 2]
            n = m.nn.utils.get_total_norm(ts, 2.0)
            ps = params_with_grads(m)
            m.nn.utils.clip_grads_with_norm_(ps, 1.0, n)
            out.append((str(n.dtype).split(".")[-1], round(float(n), 6), [p.grad.numpy().round(8).tolist() for p in ps[:3]]))
        assert out[0] == out[1]


@pytest.mark.parametrize("clip", [0.1, 1])
def test_clip_grad_value(clip):
    tp, jp = params_with_grads(torch), params_with_grads(jtorch)
    torch.nn.utils.clip_grad_value_(tp, clip)
    assert jtorch.nn.utils.clip_grad_value_(jp, clip, foreach=None) is None
    for a, b in zip(jp[:3], tp[:3]):
        assert_same(a.grad, b.grad, rtol=0, atol=0)


def test_parameters_to_vector_and_back():
    tp, jp = params_with_grads(torch), params_with_grads(jtorch)
    tv, jv = torch.nn.utils.parameters_to_vector(tp), jtorch.nn.utils.parameters_to_vector(jp)
    assert_same(jv, tv, rtol=0, atol=0)
    assert jv.requires_grad and jv.grad_fn is not None
    (jv * jtorch.arange(jv.numel(), dtype=jtorch.float64)).sum().backward()
    (tv * torch.arange(tv.numel(), dtype=torch.float64)).sum().backward()
    new = rand(tv.numel(), seed=5)
    torch.nn.utils.vector_to_parameters(torch.tensor(new), tp)
    ids = [id(p) for p in jp]
    jtorch.nn.utils.vector_to_parameters(jtorch.tensor(new), jp)
    assert [id(p) for p in jp] == ids
    for a, b in zip(jp, tp):
        assert_same(a, b.detach(), rtol=0, atol=0)
        assert_same(a.grad, b.grad, rtol=0, atol=0)
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        jtorch.nn.utils.vector_to_parameters([1], jp)


# ------------------------------------------------------------------ weight norm and spectral norm
def _apply_twin(build, wrap):
    t = wrap(torch, build(torch).double())
    j = wrap(jtorch, build(jtorch).double())
    return t, j


def _load(t, j):
    j.load_state_dict(to_jtorch_state(t.state_dict()))


def _check_forward_backward(t, j, shape, steps=1):
    for step in range(steps):
        x = rand(*shape, seed=step)
        tx, jx = torch.tensor(x, requires_grad=True), jtorch.tensor(x, requires_grad=True)
        tout, jout = t(tx), j(jx)
        assert_same(jout, tout, rtol=1e-8, atol=1e-10)
        tout.sum().backward()
        jout.sum().backward()
        assert_same(jx.grad, tx.grad, rtol=1e-8, atol=1e-10)
        for (n, a), (_, b) in zip(j.named_parameters(), t.named_parameters()):
            assert_same(a.grad, b.grad, rtol=1e-8, atol=1e-10, what=n)
    assert list(j.state_dict()) == list(t.state_dict())
    for (n, a), (_, b) in zip(j.state_dict().items(), t.state_dict().items()):
        assert_same(a, b, rtol=1e-8, atol=1e-10, what=n)


@pytest.mark.parametrize("dim", [0, 1, None, -2])
def test_weight_norm_old_api(dim):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        t, j = _apply_twin(lambda m: m.nn.Linear(3, 4), lambda m, mod: m.nn.utils.weight_norm(mod, dim=dim))
    assert [n for n, _ in j.named_parameters()] == [n for n, _ in t.named_parameters()]
    _load(t, j)
    _check_forward_backward(t, j, (5, 3))
    torch.nn.utils.remove_weight_norm(t)
    jtorch.nn.utils.remove_weight_norm(j)
    assert [n for n, _ in j.named_parameters()] == ["bias", "weight"] == [n for n, _ in t.named_parameters()]
    _check_forward_backward(t, j, (5, 3))
    with pytest.raises(ValueError, match="weight_norm of 'weight' not found in"):
        jtorch.nn.utils.remove_weight_norm(j)


@pytest.mark.parametrize("dim", [0, 1, None])
def test_weight_norm_parametrization(dim):
    t, j = _apply_twin(lambda m: m.nn.Linear(3, 4),
                       lambda m, mod: m.nn.utils.parametrizations.weight_norm(mod, dim=dim))
    assert repr(j) == repr(t) and type(j).__name__ == "ParametrizedLinear"
    _load(t, j)
    _check_forward_backward(t, j, (5, 3))
    # checkpoints of the old API load through the compatibility hook
    old = {"bias": j.bias.detach(), "weight_g": j.parametrizations.weight.original0.detach() * 2,
           "weight_v": j.parametrizations.weight.original1.detach()}
    j.load_state_dict(old)
    assert_same(j.parametrizations.weight.original0, torch.tensor(old["weight_g"].numpy()), rtol=0, atol=0)


def _sn_old(m, mod):
    return m.nn.utils.spectral_norm(mod, n_power_iterations=2)


@pytest.mark.parametrize("build,shape", [(lambda m: m.nn.Linear(6, 4), (3, 6)),
                                         (lambda m: m.nn.Bilinear(3, 3, 5), None)])
def test_spectral_norm_old_api(build, shape):
    t, j = _apply_twin(build, _sn_old)
    _load(t, j)  # copies weight_orig and the power-iteration vectors u, v
    if shape is None:
        t = _Pair(t, torch)
        j = _Pair(j, jtorch)
        shape = (2, 3)
    _check_forward_backward(t, j, shape, steps=2)  # training: power iterations update u and v like torch's
    t.eval()
    j.eval()
    _check_forward_backward(t, j, shape)
    inner_t, inner_j = getattr(t, "inner", t), getattr(j, "inner", j)
    assert inner_t.state_dict()._metadata[""]["spectral_norm"] == inner_j.state_dict()._metadata[""]["spectral_norm"]
    torch.nn.utils.remove_spectral_norm(inner_t)
    jtorch.nn.utils.remove_spectral_norm(inner_j)
    assert [n for n, _ in inner_j.named_parameters()] == [n for n, _ in inner_t.named_parameters()]
    assert not inner_j._state_dict_hooks and not inner_j._load_state_dict_pre_hooks
    _check_forward_backward(t, j, shape)


class _Pair(torch.nn.Module):
    """Feeds one input twice (Bilinear) for either framework."""

    def __new__(cls, inner, m):
        class P(m.nn.Module):
            def __init__(self):
                super().__init__()
                self.inner = inner

            def forward(self, x):
                return self.inner(x, x * 2)
        return P()


def test_spectral_norm_parametrization():
    build = lambda m: m.nn.Linear(5, 4)  # noqa: E731
    t, j = _apply_twin(build, lambda m, mod: m.nn.utils.parametrizations.spectral_norm(mod))
    assert repr(j) == repr(t)
    _load(t, j)
    _check_forward_backward(t, j, (3, 5), steps=2)
    t.eval()
    j.eval()
    _check_forward_backward(t, j, (3, 5))
    sigma = np.linalg.svd(j.parametrizations.weight.original.detach().numpy(), compute_uv=False)[0]
    w = j.weight.detach().numpy()
    assert abs(np.linalg.svd(w, compute_uv=False)[0] - 1) < 0.2 and sigma > 0


# ------------------------------------------------------------------ parametrize
def _symmetric(m):
    class Symmetric(m.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

        def right_inverse(self, A):
            return A.triu()
    return Symmetric()


def _scale(m):
    class Scale(m.nn.Module):
        def forward(self, X):
            return X * 3

    return Scale()


def test_register_parametrization_and_remove():
    out = {}
    for m in FRAMEWORKS:
        P = m.nn.utils.parametrize
        lin = m.nn.Linear(3, 3).double()
        lin.load_state_dict({"weight": m.tensor(rand(3, 3)), "bias": m.zeros(3, dtype=m.float64)})
        w0 = lin.weight
        P.register_parametrization(lin, "weight", _scale(m), unsafe=True)
        P.register_parametrization(lin, "weight", _scale(m))
        r = [P.is_parametrized(lin), P.is_parametrized(lin, "weight"), P.is_parametrized(lin, "bias"),
             type(lin).__name__, P.type_before_parametrizations(lin).__name__, repr(lin), list(lin.state_dict()),
             lin.parametrizations.weight.original is w0, lin.weight.detach().numpy().round(10).tolist()]
        with P.cached():
            r.append(lin.weight is lin.weight)
        r.append(lin.weight is lin.weight)
        try:
            lin.weight = m.ones(3, 3, dtype=m.float64)
        except RuntimeError as e:
            r.append(str(e))
        P.remove_parametrizations(lin, "weight")
        r += [type(lin).__name__, lin.weight is w0, lin.weight.detach().numpy().round(10).tolist(),
              isinstance(lin.weight, m.nn.Parameter)]
        try:
            P.remove_parametrizations(lin, "weight")
        except ValueError as e:
            r.append(str(e)[:40])
        sym = m.nn.Linear(3, 3, bias=False).double()
        P.register_parametrization(sym, "weight", _symmetric(m))
        sym.weight = m.tensor(rand(3, 3, seed=1))  # goes through right_inverse
        r.append(sym.weight.detach().numpy().round(10).tolist())
        P.remove_parametrizations(sym, "weight", leave_parametrized=False)
        r.append(sym.weight.detach().numpy().round(10).tolist())
        out[m.__name__] = r
    assert out["jtorch"] == out["torch"]


def test_parametrize_errors_match_torch():
    def run(m):
        P = m.nn.utils.parametrize
        res = []

        class Bad(m.nn.Module):
            def forward(self, X):
                return X[:1]

        for fn in (lambda: P.register_parametrization(m.nn.Linear(2, 2), "weight", Bad()),
                   lambda: P.register_parametrization(m.nn.Linear(2, 2), "nope", Bad()),
                   lambda: P.remove_parametrizations(m.nn.Linear(2, 2), "weight")):
            try:
                fn()
            except ValueError as e:
                res.append(str(e).split("Module")[0][:120])
        return res
    assert run(jtorch) == run(torch) and len(run(torch)) == 3


def test_parametrized_module_trains_like_torch():
    t = torch.nn.utils.parametrize.register_parametrization(torch.nn.Linear(3, 3).double(), "weight",
                                                            _symmetric(torch))
    j = jtorch.nn.utils.parametrize.register_parametrization(jtorch.nn.Linear(3, 3).double(), "weight",
                                                             _symmetric(jtorch))
    _load(t, j)
    _check_forward_backward(t, j, (2, 3))
