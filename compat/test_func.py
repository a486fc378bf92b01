"""jtorch.func transforms against torch.func, and modules as pytrees."""
import copy

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.func as tf

import jtorch
import jtorch.func as jf
import jtorch.nn as jnn
from harness import assert_same, to_jtorch
from nn_models import to_jtorch_state

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4))
V = RNG.standard_normal(4)


def f_scalar(m, x):
    return (m.sin(x) * x).sum()


def f_vec(m, x):
    return m.tanh(x) * 2 + x ** 2


CASES = [
    ("grad", lambda F, m, x: F.grad(lambda a: f_scalar(m, a))(x)),
    ("grad_and_value", lambda F, m, x: F.grad_and_value(lambda a: f_scalar(m, a))(x)),
    ("grad argnums", lambda F, m, x: F.grad(lambda a, b: (a * b).sum(), argnums=(0, 1))(x, x * 2)),
    ("grad has_aux", lambda F, m, x: F.grad(lambda a: (f_scalar(m, a), a.sum()), has_aux=True)(x)),
    ("vjp", lambda F, m, x: F.vjp(lambda a: f_vec(m, a), x)[1](m.ones_like(x))),
    ("jvp", lambda F, m, x: F.jvp(lambda a: f_vec(m, a), (x,), (m.ones_like(x),))),
    ("jacrev", lambda F, m, x: F.jacrev(lambda a: f_vec(m, a))(x[0])),
    ("jacfwd", lambda F, m, x: F.jacfwd(lambda a: f_vec(m, a))(x[0])),
    ("hessian", lambda F, m, x: F.hessian(lambda a: f_scalar(m, a))(x[0])),
    ("vmap", lambda F, m, x: F.vmap(lambda a: f_scalar(m, a))(x)),
    ("vmap in_dims", lambda F, m, x: F.vmap(lambda a, b: a * b, in_dims=(1, None))(x, x[0, :3])),
    ("vmap out_dims", lambda F, m, x: F.vmap(lambda a: a * 2, out_dims=1)(x)),
    ("vmap grad", lambda F, m, x: F.vmap(F.grad(lambda a: f_scalar(m, a)))(x)),
    ("linearize", lambda F, m, x: F.linearize(lambda a: f_vec(m, a), x)[1](m.ones_like(x))),
]


@pytest.mark.parametrize("name, fn", CASES, ids=[c[0] for c in CASES])
def test_transform(name, fn):
    t = fn(tf, torch, torch.tensor(X))
    j = fn(jf, jtorch, jtorch.tensor(X))
    assert_same(j, t, rtol=1e-10, atol=1e-10, what=name)


def _models():
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Linear(5, 2)).double()
    jm = jnn.Sequential(jnn.Linear(4, 5), jnn.Linear(5, 2)).double()
    jm.load_state_dict(to_jtorch_state(tm.state_dict()))
    return tm, jm


def test_functional_call_grad_matches_torch():
    tm, jm = _models()
    tp = {k: v.detach() for k, v in tm.named_parameters()}
    jp = {k: v.detach() for k, v in jm.named_parameters()}

    def loss(F, call, m, p, x):
        return (call(m, p, (x,)) ** 2).sum()
    tg = tf.grad(lambda p, x: loss(tf, tf.functional_call, tm, p, x))(tp, torch.tensor(X))
    jg = jf.grad(lambda p, x: loss(jf, jf.functional_call, jm, p, x))(jp, jtorch.tensor(X))
    assert set(tg) == set(jg)
    for k in tg:
        assert_same(jg[k], tg[k], rtol=1e-10, atol=1e-12, what=k)


def test_functional_call_under_jax_transforms():
    _, jm = _models()
    params = {k: v._value for k, v in jm.named_parameters()}
    x = jnp.asarray(X)

    def loss(p, x):
        return (jf.functional_call(jm, p, (jtorch.from_jax(x),)) ** 2).sum()._value
    g = jax.jit(jax.grad(loss))(params, x)
    eager = jm(jtorch.tensor(X)).pow(2).sum()
    eager.backward()
    for k, p in jm.named_parameters():
        np.testing.assert_allclose(np.asarray(g[k]), p.grad.numpy(), rtol=1e-10)
    per_example = jax.vmap(lambda xi: jf.functional_call(jm, params, (jtorch.from_jax(xi),))._value)(x)
    np.testing.assert_allclose(np.asarray(per_example), jm(jtorch.tensor(X)).detach().numpy(), rtol=1e-12)
    # the module's own parameters are untouched
    assert all(isinstance(p._value, jax.Array) for p in jm.parameters())


def test_stack_module_state_matches_torch():
    torch.manual_seed(0)
    tms = [torch.nn.Linear(3, 2) for _ in range(3)]
    jms = [jnn.Linear(3, 2) for _ in range(3)]
    for j, t in zip(jms, tms):
        j.load_state_dict(to_jtorch_state(t.state_dict()))
    tp, tb = tf.stack_module_state(tms)
    jp, jb = jf.stack_module_state(jms)
    assert set(tp) == set(jp) and set(tb) == set(jb)
    for k in tp:
        assert_same(jp[k], tp[k].detach(), what=k)
        assert jp[k].requires_grad


def test_modules_are_pytrees():
    _, jm = _models()
    leaves = jax.tree_util.tree_leaves(jm)
    assert len(leaves) == 4 and all(isinstance(v, jax.Array) for v in leaves)
    out = jax.jit(lambda m, x: m(jtorch.from_jax(x))._value)(jm, jnp.asarray(X))
    np.testing.assert_allclose(np.asarray(out), jm(jtorch.tensor(X)).detach().numpy(), rtol=1e-12)
    doubled = jax.tree_util.tree_map(lambda a: a * 2, jm)
    assert isinstance(doubled, type(jm))
    np.testing.assert_allclose(doubled[0].weight.detach().numpy(), jm[0].weight.detach().numpy() * 2)
    gd, state = jf.split(jm)
    clone = jf.merge(gd, {k: v + 1 for k, v in state.items()})
    np.testing.assert_allclose(clone[0].bias.detach().numpy(), jm[0].bias.detach().numpy() + 1)
    assert clone[0].weight is not jm[0].weight and clone[0].weight.requires_grad


def test_jax_function_on_the_tape():
    x = jtorch.tensor(V, requires_grad=True)
    y = jf.jax_function(lambda a: jnp.sin(a) * a)(x)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.cos(V) * V + np.sin(V), rtol=1e-12)


def test_vmap_randomness():
    x = jtorch.zeros(4, 3)
    with pytest.raises(RuntimeError, match="randomness"):
        jf.vmap(lambda a: a + jtorch.rand(3))(x)
    same = jf.vmap(lambda a: a + jtorch.rand(3), randomness="same")(x).numpy()
    assert np.allclose(same, same[0])
    diff = jf.vmap(lambda a: a + jtorch.rand(3), randomness="different")(x).numpy()
    assert not np.allclose(diff, diff[0])


def test_errors_match_torch():
    for F, m in ((tf, torch), (jf, jtorch)):
        with pytest.raises(RuntimeError):
            F.grad(lambda a: a * 2)(m.ones(3))
        with pytest.raises(RuntimeError):
            F.vmap(lambda a: a, randomness="sometimes")(m.ones(3))
    _ = copy
    _ = to_jtorch
