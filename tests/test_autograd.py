"""torch.autograd without real torch: engine, hooks, grad modes, Function, functional, gradcheck, memory.

Expected values come from calculus or from jax on the same math; compat/ holds the comparisons with
real torch.
"""
import gc
import math
import threading
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jtorch as torch
from jtorch.autograd import Function
from jtorch.autograd.function import once_differentiable
from jtorch.autograd.gradcheck import GradcheckError


def _np(t):
    return np.asarray(t.detach()._value)


def _x(*vals, dtype=None):
    return torch.tensor(list(vals) or [1.0, -2.0, 3.0], dtype=dtype, requires_grad=True)


# ------------------------------------------------------------------ engine
def test_non_scalar_backward_needs_gradient():
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (_x() * 2).backward()


def test_gradients_accumulate_in_place_across_backward_calls():
    x = _x()
    (x * 2).sum().backward()
    first = x.grad
    (x * x).sum().backward()
    assert x.grad is first  # accumulated into the same tensor
    np.testing.assert_allclose(_np(x.grad), 2 + 2 * _np(x))


def test_freed_graph_raises_only_for_nodes_that_saved_tensors():
    x = _x()
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()
    z = (x + 2).sum()  # add saves nothing: a second backward is fine, as in torch
    x.grad = None
    z.backward()
    z.backward()
    np.testing.assert_allclose(_np(x.grad), [2, 2, 2])


def test_retain_graph_allows_a_second_backward():
    x = _x()
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(_np(x.grad), 4 * _np(x))


def test_backward_inputs_argument():
    x, w = _x(), _x(2.0, 2.0, 2.0)
    (x * w).sum().backward(inputs=[x])
    assert w.grad is None
    np.testing.assert_allclose(_np(x.grad), [2, 2, 2])
    y = x * 3
    x.grad = None
    torch.autograd.backward([(y * y).sum()], inputs=[y])
    assert x.grad is None
    np.testing.assert_allclose(_np(y.grad), 2 * _np(y))
    with pytest.raises(RuntimeError, match="cannot be empty"):
        (x * 2).sum().backward(inputs=[])


def test_grad_allow_unused_and_materialize_grads():
    x, w = _x(), _x()
    out = lambda: (x * 2).sum()  # noqa: E731
    with pytest.raises(RuntimeError, match="Tensor at index 1 appears to not have been used"):
        torch.autograd.grad(out(), [x, w])
    gx, gw = torch.autograd.grad(out(), [x, w], allow_unused=True)
    assert gw is None and x.grad is None
    gx, gw = torch.autograd.grad(out(), [x, w], materialize_grads=True)
    np.testing.assert_allclose(_np(gw), [0, 0, 0])
    with pytest.raises(ValueError, match="allow_unused"):
        torch.autograd.grad(out(), [x], materialize_grads=True, allow_unused=False)


def test_grad_outputs_and_batched_grad_outputs():
    x = _x()
    g, = torch.autograd.grad(x * x, x, grad_outputs=torch.tensor([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(_np(g), 2 * _np(x) * [1, 2, 3])
    y = x.sin()
    rows, = torch.autograd.grad(y, x, torch.eye(3), is_grads_batched=True)
    np.testing.assert_allclose(_np(rows), np.diag(np.cos(_np(x))), rtol=1e-6)


def test_higher_order_derivatives_of_x_cubed():
    x = torch.tensor(2.0, requires_grad=True)
    g, = torch.autograd.grad(x ** 3, x, create_graph=True)
    g2, = torch.autograd.grad(g, x, create_graph=True)
    g3, = torch.autograd.grad(g2, x)
    assert (g.item(), g2.item(), g3.item()) == (12.0, 12.0, 6.0)


def test_hessian_vector_product_by_double_backward():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    v = torch.tensor([0.5, -1.0])
    g, = torch.autograd.grad((x ** 3).sum() + x[0] * x[1], x, create_graph=True)
    hv, = torch.autograd.grad(g, x, v)
    hessian = np.array([[6.0, 1.0], [1.0, 12.0]])
    np.testing.assert_allclose(_np(hv), hessian @ [0.5, -1.0])


def _critic(x, w1, w2):
    h = (x[:, :, None] * w1[None]).sum(1).tanh()
    return (h[:, :, None] * w2[None]).sum(1)


def wgan_gp_step(x, w1, w2):
    """The WGAN-GP penalty: differentiate the critic w.r.t. its input with create_graph, then backward."""
    x = x.detach().requires_grad_(True)
    out = _critic(x, w1, w2)
    g, = torch.autograd.grad(outputs=out, inputs=x, grad_outputs=torch.ones_like(out), create_graph=True)
    penalty = ((g.pow(2).sum(1).sqrt() - 1) ** 2).mean()
    penalty.backward()
    return penalty, w1.grad, w2.grad


def _wgan_reference(x, w1, w2):
    def critic(x, w1, w2):
        return jnp.tanh(x @ w1) @ w2

    def penalty(w1, w2):
        g = jax.grad(lambda x: critic(x, w1, w2).sum())(x)
        return ((jnp.sqrt((g ** 2).sum(1)) - 1) ** 2).mean()
    return (penalty(w1, w2),) + jax.grad(penalty, argnums=(0, 1))(w1, w2)


WGAN_DATA = [np.random.default_rng(0).standard_normal(s) for s in ((5, 3), (3, 4), (4, 1))]


def test_wgan_gradient_penalty_matches_jax():
    x, w1, w2 = WGAN_DATA
    got = wgan_gp_step(torch.tensor(x), torch.tensor(w1, requires_grad=True), torch.tensor(w2, requires_grad=True))
    for a, b in zip(got, _wgan_reference(x, w1, w2)):
        np.testing.assert_allclose(_np(a), np.asarray(b), rtol=1e-6, atol=1e-9)


# ------------------------------------------------------------------ hooks
def test_tensor_hook_order_replacement_and_removal():
    log = []
    x = _x()
    y = x * 2
    y.register_hook(lambda g: log.append(("first", _np(g).tolist())))
    h = y.register_hook(lambda g: g * 10)
    y.register_hook(lambda g: log.append(("third", _np(g).tolist())))
    x.register_hook(lambda g: log.append(("leaf", _np(g).tolist())))
    x.register_post_accumulate_grad_hook(lambda t: log.append(("post", _np(t.grad).tolist())))
    y.sum().backward()
    assert log == [("first", [1, 1, 1]), ("third", [10, 10, 10]), ("leaf", [20, 20, 20]), ("post", [20, 20, 20])]
    h.remove()
    x.grad = None
    log.clear()
    y2 = x * 2
    y2.sum().backward()
    np.testing.assert_allclose(_np(x.grad), [2, 2, 2])
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        torch.ones(2).register_hook(lambda g: g)


def test_node_pre_and_post_hooks():
    log = []
    x, w = _x(), _x(2.0, 2.0, 2.0)
    y = x * w
    y.grad_fn.register_prehook(lambda go: (go[0] * 2,))
    y.grad_fn.register_hook(lambda gi, go: log.append((len(gi), _np(go[0]).tolist())))
    y.grad_fn.register_hook(lambda gi, go: (gi[0] * 10, gi[1]))
    y.sum().backward()
    assert log == [(2, [2, 2, 2])]
    np.testing.assert_allclose(_np(x.grad), [40, 40, 40])
    np.testing.assert_allclose(_np(w.grad), 2 * _np(x))


def test_retain_grad():
    x = _x()
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g * 5)  # retained gradients are taken after the hooks
    (y * 3).sum().backward()
    assert y.retains_grad and not x.retains_grad
    np.testing.assert_allclose(_np(y.grad), [15, 15, 15])
    np.testing.assert_allclose(_np(x.grad), [30, 30, 30])
    with pytest.warns(UserWarning, match="not a leaf Tensor"):
        assert (x * 2).grad is None


def test_grad_fn_names_and_next_functions():
    x = _x()
    c = torch.ones(3)
    y = (x * 2 + 1).exp().sum()
    assert y.grad_fn.name() == "SumBackward0"
    exp = y.grad_fn.next_functions[0][0]
    assert exp.name() == "ExpBackward0"
    add = exp.next_functions[0][0]
    assert [None if f is None else f.name() for f, _ in add.next_functions] == ["MulBackward0", None]
    acc = add.next_functions[0][0].next_functions[0][0]
    assert acc.name() == "torch::autograd::AccumulateGrad" and acc.variable is x
    assert [f is None for f, _ in (c * x).grad_fn.next_functions] == [True, False]


# ------------------------------------------------------------------ requires_grad, detach, in-place, versions
def test_requires_grad_rules():
    x = _x()
    with pytest.raises(RuntimeError, match="floating point"):
        torch.ones(2, dtype=torch.long).requires_grad_()
    assert not any(t.requires_grad for t in (x.long(), x > 0, x.eq(1)))
    with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf variables"):
        (x * 2).requires_grad_(False)
    with torch.no_grad():
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None


def test_detach_and_detach_():
    x = _x()
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.is_leaf
    d.add_(1)  # shares storage and version counter with y
    np.testing.assert_allclose(_np(y), [3, -3, 7])
    y.detach_()
    assert y.is_leaf and y.grad_fn is None
    with pytest.raises(RuntimeError, match="Can't detach views in-place"):
        (x * 2)[:2].detach_()


def test_in_place_guards_on_leaves():
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        _x().add_(1)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        _x()[:2].add_(1)


def test_in_place_under_no_grad_keeps_history():
    x = _x()
    y = x * 1
    with torch.no_grad():
        y[1:].mul_(2)
    assert y.grad_fn is not None
    y.sum().backward()
    np.testing.assert_allclose(_np(x.grad), [1, 1, 1])


def test_saved_tensor_version_errors():
    x = _x()
    y = x * 2
    z = y * y
    y.add_(1)
    with pytest.raises(RuntimeError, match=r"\[torch.FloatTensor \[3\]\], which is output 0 of Add, is at version 1"):
        z.sum().backward()
    y = x.exp()  # exp saves its output
    y.add_(1)
    with pytest.raises(RuntimeError, match="output 0 of Exp, is at version 1; expected version 0"):
        y.sum().backward()


def test_no_version_error_where_torch_has_none():
    x = _x()
    y = x * 1
    w = y * 3  # multiplying by a constant saves only the constant
    y.add_(1)
    w.sum().backward()
    np.testing.assert_allclose(_np(x.grad), [3, 3, 3])


# ------------------------------------------------------------------ grad modes, anomaly
def test_grad_modes_as_context_managers_and_decorators():
    @torch.no_grad
    def f():
        return torch.is_grad_enabled()

    @torch.enable_grad()
    def g():
        return torch.is_grad_enabled()

    @torch.inference_mode()
    def h():
        return torch.is_grad_enabled(), torch.is_inference_mode_enabled()

    with torch.no_grad():
        assert g() is True
    assert f() is False and h() == (False, True)
    torch.set_grad_enabled(False)
    assert not torch.is_grad_enabled()
    torch.set_grad_enabled(True)
    with torch.set_grad_enabled(False):
        assert not torch.is_grad_enabled()
    assert torch.is_grad_enabled()


def test_grad_mode_decorates_generators():
    @torch.no_grad()
    def gen():
        yield torch.is_grad_enabled()
        x = yield torch.is_grad_enabled()
        return x

    it = gen()
    assert next(it) is False and torch.is_grad_enabled()
    assert next(it) is False
    with pytest.raises(StopIteration) as stop:
        it.send(5)
    assert stop.value.value == 5


def test_grad_mode_is_thread_local():
    seen = []
    with torch.no_grad():
        t = threading.Thread(target=lambda: seen.append(torch.is_grad_enabled()))
        t.start()
        t.join()
    assert seen == [True]


def test_anomaly_detection_names_the_forward_op():
    x = torch.tensor([0.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with torch.autograd.detect_anomaly():
            y = x.sqrt() * 0
            with pytest.raises(RuntimeError, match="Function 'SqrtBackward0' returned nan values in its 0th output"):
                y.sum().backward()
    assert any("Traceback of forward call" in str(w.message) and "x.sqrt()" in str(w.message) for w in caught)
    with torch.autograd.detect_anomaly(check_nan=False):
        (x.sqrt() * 0).sum().backward()
    assert math.isnan(x.grad.item())
    torch.autograd.set_detect_anomaly(True)
    assert torch.is_anomaly_enabled()
    torch.autograd.set_detect_anomaly(False)
    assert not torch.is_anomaly_enabled()


# ------------------------------------------------------------------ Function
class MyReLU(Function):
    # From the PyTorch tutorial "Defining new autograd functions", unchanged.
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


class LegendrePolynomial3(Function):
    # From the PyTorch tutorial "Defining new autograd functions", unchanged.
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


def test_my_relu():
    x = _x()
    y = MyReLU.apply(x)
    assert type(y.grad_fn).__name__ == "MyReLUBackward" and y.grad_fn.name() == "MyReLUBackward"
    (y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_allclose(_np(y), [1, 0, 3])
    np.testing.assert_allclose(_np(x.grad), [1, 0, 3])


def test_legendre_tutorial_training_loop():
    dtype = torch.float
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = torch.sin(x)
    a = torch.full((), 0.0, dtype=dtype, requires_grad=True)
    b = torch.full((), -1.0, dtype=dtype, requires_grad=True)
    c = torch.full((), 0.0, dtype=dtype, requires_grad=True)
    d = torch.full((), 0.3, dtype=dtype, requires_grad=True)
    losses = []
    for _ in range(30):
        P3 = LegendrePolynomial3.apply
        loss = (a + b * P3(c + d * x) - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d):
                p -= 5e-6 * p.grad
                p.grad = None
    assert losses[-1] < 0.75 * losses[0]


def test_function_ctx_api():
    class Scale(Function):
        @staticmethod
        def forward(ctx, x, w, k):
            ctx.save_for_backward(x, w)
            ctx.k = k
            return x * w * k

        @staticmethod
        def backward(ctx, g):
            x, w = ctx.saved_tensors
            assert ctx.needs_input_grad == (True, False, False)
            return g * w * ctx.k, None, None

    x = _x()
    y = Scale.apply(x, torch.tensor([1.0, 2.0, 3.0]), 2)
    assert y.grad_fn.needs_input_grad == (True, False, False) and y.grad_fn.k == 2
    y.sum().backward()
    np.testing.assert_allclose(_np(x.grad), [2, 4, 6])
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        _ = y.grad_fn.saved_tensors


def test_function_setup_context_style_and_non_tensor_outputs():
    class Split(Function):
        @staticmethod
        def forward(x, k=2):
            return x * k, (x > 0), "tag"

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.k = inputs[1]
            ctx.mark_non_differentiable(output[1])

        @staticmethod
        def backward(ctx, g, g_mask, g_tag):
            assert g_tag is None and not g_mask.any()
            return g * ctx.k, None

    x = _x()
    y, mask, tag = Split.apply(x, k=3)
    assert tag == "tag" and not mask.requires_grad and y.requires_grad
    y.sum().backward()
    np.testing.assert_allclose(_np(x.grad), [3, 3, 3])


def test_function_mark_dirty_and_materialize_grads():
    class Double_(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            x.mul_(2)
            ctx.mark_dirty(x)
            return x, x * 0

        @staticmethod
        def backward(ctx, g, g_unused):
            assert g_unused is None
            return g * 2

    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad has been used in an in-place"):
        Double_.apply(_x())
    x = _x()
    b = x * 1
    out, _ = Double_.apply(b)
    assert out is b and b.grad_fn.name() == "Double_Backward" and b._version == 2
    b.sum().backward()
    np.testing.assert_allclose(_np(x.grad), [2, 2, 2])


def test_function_backward_validation():
    def make(backward):
        return type("F", (Function,), {"forward": staticmethod(lambda ctx, x, k: x * k),
                                       "backward": staticmethod(backward)})

    x = _x()
    with pytest.raises(RuntimeError, match=r"returned an incorrect number of gradients \(expected 2, got 1\)"):
        make(lambda ctx, g: g).apply(x, 2).sum().backward()
    with pytest.raises(RuntimeError, match="forward input was not a Variable"):
        make(lambda ctx, g: (g, g)).apply(x, 2).sum().backward()
    with pytest.raises(RuntimeError, match="invalid gradient at index 0 - got \\[2\\]"):
        make(lambda ctx, g: (torch.ones(2), None)).apply(x, 2).sum().backward()
    make(lambda ctx, g: (torch.ones(4, 3), None, None)).apply(x, 2).sum().backward()  # summed to [3]
    np.testing.assert_allclose(_np(x.grad), [4, 4, 4])
    with pytest.raises(RuntimeError, match="Legacy autograd function"), pytest.warns(DeprecationWarning):
        MyReLU()(x)


def test_function_double_backward_and_once_differentiable():
    class Cube(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * 3 * x ** 2

    class CubeOnce(Cube):
        backward = staticmethod(once_differentiable(Cube.backward))

    x = _x()
    g, = torch.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
    g2, = torch.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(_np(g2), 6 * _np(x))
    v = torch.ones(3, requires_grad=True)  # as in torch, only a grad_output requiring grad makes g differentiable
    g, = torch.autograd.grad(CubeOnce.apply(x), x, v, create_graph=True)
    np.testing.assert_allclose(_np(g), 3 * _np(x) ** 2)
    assert g.grad_fn.name() == "torch::autograd::Error"
    with pytest.raises(RuntimeError, match="marked with @once_differentiable"):
        g.sum().backward()


# ------------------------------------------------------------------ functional
def _f(x, y):
    return (x * y).sin(), (x * x).sum()


def _f_jax(x, y):
    return jnp.sin(x * y), (x * x).sum()


def test_functional_against_jax():
    F = torch.autograd.functional
    a, b, v = (np.random.default_rng(1).standard_normal(3) for _ in range(3))
    jac = F.jacobian(_f, (torch.tensor(a), torch.tensor(b)))
    ref = jax.jacrev(_f_jax, argnums=(0, 1))(jnp.asarray(a), jnp.asarray(b))
    for i in range(2):
        for j in range(2):
            np.testing.assert_allclose(_np(jac[i][j]), np.asarray(ref[i][j]), rtol=1e-12, atol=1e-12)
    jac_v = F.jacobian(_f, (torch.tensor(a), torch.tensor(b)), vectorize=True)
    for i in range(2):
        for j in range(2):
            np.testing.assert_allclose(_np(jac_v[i][j]), _np(jac[i][j]), rtol=1e-12)
    cube = lambda x: (x ** 3).sum()  # noqa: E731
    np.testing.assert_allclose(_np(F.hessian(cube, torch.tensor(a))), np.diag(6 * a), rtol=1e-12)
    _, hv = F.hvp(cube, torch.tensor(a), torch.tensor(v))
    np.testing.assert_allclose(_np(hv), 6 * a * v, rtol=1e-12)
    _, vh = F.vhp(cube, torch.tensor(a), torch.tensor(v))
    np.testing.assert_allclose(_np(vh), 6 * a * v, rtol=1e-12)
    out, jv = F.jvp(lambda x: x.sin(), torch.tensor(a), torch.tensor(v))
    np.testing.assert_allclose(_np(jv), np.cos(a) * v, rtol=1e-12)
    out, vj = F.vjp(lambda x: x.sin(), torch.tensor(a), torch.tensor(v))
    np.testing.assert_allclose(_np(vj), np.cos(a) * v, rtol=1e-12)
    assert not vj.requires_grad and not out.requires_grad


def test_functional_errors():
    F = torch.autograd.functional
    with pytest.raises(RuntimeError, match="should return a single Tensor"):
        F.hessian(lambda x: (x.sum(), x.sum()), torch.ones(2))
    with pytest.raises(RuntimeError, match="Output 0 of the user-provided function does not require gradients"):
        F.vjp(lambda x: torch.ones(2), torch.ones(2), torch.ones(2), strict=True)
    with pytest.raises(RuntimeError, match="independent of input 1"):
        F.vjp(lambda x, y: x * 2, (torch.ones(2), torch.ones(2)), torch.ones(2), strict=True)
    with pytest.raises(TypeError, match="must be either a Tensor or a tuple of Tensors"):
        F.jacobian(lambda x: x, [torch.ones(2)])
    with pytest.raises(NotImplementedError, match="only implemented for `vectorize=True`"):
        F.jacobian(lambda x: x, torch.ones(2), strategy="forward-mode")


# ------------------------------------------------------------------ gradcheck
class WrongExp(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.exp()

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * x  # wrong on purpose: should be g * exp(x)


def test_gradcheck_passes_on_correct_ops():
    x = torch.tensor([0.3, -0.7, 1.2], dtype=torch.float64, requires_grad=True)
    y = torch.tensor([1.1, 0.4, -0.2], dtype=torch.float64, requires_grad=True)
    f = lambda x, y: ((x * y).sin() + x.exp(), (y * y).sum())  # noqa: E731
    assert torch.autograd.gradcheck(f, (x, y))
    assert torch.autograd.gradcheck(f, (x, y), fast_mode=True)
    assert torch.autograd.gradcheck(f, (x, y), check_batched_grad=True)
    assert torch.autograd.gradgradcheck(lambda x: (x * x).sin(), (x,))
    assert torch.autograd.gradcheck(LegendrePolynomial3.apply, (x,))


def test_gradcheck_catches_a_wrong_backward():
    x = torch.tensor([0.3, -0.7, 1.2], dtype=torch.float64, requires_grad=True)
    for fast in (False, True):
        with pytest.raises(GradcheckError, match="Jacobian mismatch for output 0 with respect to input 0"):
            torch.autograd.gradcheck(WrongExp.apply, (x,), fast_mode=fast)
    assert issubclass(GradcheckError, RuntimeError)
    assert torch.autograd.gradcheck(WrongExp.apply, (x,), raise_exception=False) is False
    with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
        torch.autograd.gradcheck(lambda x: x, (x.detach(),))
    with pytest.raises(NotImplementedError, match="check_forward_ad"):
        torch.autograd.gradcheck(lambda x: x, (x,), check_forward_ad=True)


def test_gradcheck_needs_concrete_values():
    from jtorch.testing import jit_apply
    x = torch.tensor([0.3, -0.7], dtype=torch.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="gradcheck needs concrete values"):
        jit_apply(lambda x: torch.autograd.gradcheck(lambda t: t * 2, (x,)), x)


def test_gradcheck_undefined_output_grads():
    def double(on_undefined):
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2
        return type("Double", (Function,), {"forward": staticmethod(forward), "backward": staticmethod(
            lambda ctx, g: on_undefined(g) if g is None else g * 2)})

    def fail(g):
        raise RuntimeError("undefined gradient")

    x = torch.tensor([0.3, -0.7], dtype=torch.float64, requires_grad=True)
    with pytest.raises(GradcheckError, match="handle undefined output grads"), pytest.warns(UserWarning):
        torch.autograd.gradcheck(double(fail).apply, (x,))
    assert torch.autograd.gradcheck(double(fail).apply, (x,), check_undefined_grad=False)
    with pytest.raises(GradcheckError, match="input grads to be undefined or zero"), pytest.warns(UserWarning):
        torch.autograd.gradcheck(double(lambda g: torch.ones(2, dtype=torch.float64)).apply, (x,))
    assert torch.autograd.gradcheck(double(lambda g: None).apply, (x,))


# ------------------------------------------------------------------ memory
def test_graph_and_saved_arrays_are_released_after_backward():
    rng = np.random.default_rng(0)
    w1 = torch.tensor(rng.standard_normal((4, 8)) * 0.1, dtype=torch.float32, requires_grad=True)
    w2 = torch.tensor(rng.standard_normal((8, 1)) * 0.1, dtype=torch.float32, requires_grad=True)
    x = torch.tensor(rng.standard_normal((16, 4)), dtype=torch.float32)
    y = torch.tensor(rng.standard_normal((16, 1)), dtype=torch.float32)

    def step():
        h = MyReLU.apply((x[:, :, None] * w1[None]).sum(1)).tanh()
        loss = (((h[:, :, None] * w2[None]).sum(1) - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            for p in (w1, w2):
                p -= 0.01 * p.grad
                p.grad = None
        return loss

    gc.collect()
    first = step()
    for _ in range(100):
        last = step()
    warm = len(jax.live_arrays())  # weights, data and the last loss (which keeps only its graph's shapes)
    for _ in range(2000):
        last = step()
    assert len(jax.live_arrays()) <= warm  # no growth, and no cycles left for the garbage collector
    assert last.item() < first.item()
