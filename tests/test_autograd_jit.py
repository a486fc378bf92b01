"""The autograd engine under jax.jit: forward + backward traced into one program gives eager's gradients.

Every scenario runs eagerly and under jax.jit (jtorch.testing.assert_jit_matches) and the results must
agree; a few also check the eager values by hand so that a wrong engine cannot pass by being wrong in
both modes.
"""
import numpy as np
import pytest

import jtorch as torch
from jtorch.autograd import Function
from jtorch.autograd.function import once_differentiable
from jtorch.testing import assert_jit_matches

RNG = np.random.default_rng(0)


def _t(*shape, grad=True):
    return torch.tensor(RNG.standard_normal(shape), requires_grad=grad)


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


class Scale(Function):
    """setup_context style, a non-tensor argument and a materialize_grads=False second output."""

    @staticmethod
    def forward(x, k):
        return x * k, x * 0

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.k = inputs[1]
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx, g, g_unused):
        return g * ctx.k, None


class Double_(Function):
    @staticmethod
    def forward(ctx, x):
        x.mul_(2)
        ctx.mark_dirty(x)
        return x

    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        return g * 2


def backward_and_grad_attr(x, w):
    y = x * w
    y[1:].mul_(3)  # in place through a view of a non-leaf
    (y.sin() * y).sum().backward()
    return x.grad, w.grad


def accumulate_and_retain_graph(x):
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    (x * 3).sum().backward(inputs=[x])
    return x.grad


def autograd_grad_higher_order(x):
    g, = torch.autograd.grad((x ** 3).sum(), x, create_graph=True)
    g2, = torch.autograd.grad(g.sum(), x, create_graph=True)
    g3, = torch.autograd.grad(g2.sum(), x)
    return g, g2, g3


def hooks(x, w):
    seen = []
    y = x * w
    y.register_hook(lambda g: g * 2)
    y.retain_grad()
    y.grad_fn.register_prehook(lambda go: (go[0] + 1,))
    x.register_hook(lambda g: g - 1)
    w.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad * 1))
    y.tanh().sum().backward()
    return x.grad, w.grad, y.grad, seen[0]


def wgan_gp(x, w1, w2):
    x = x.detach().requires_grad_(True)
    h = (x[:, :, None] * w1[None]).sum(1).tanh()
    out = (h[:, :, None] * w2[None]).sum(1)
    g, = torch.autograd.grad(outputs=out, inputs=x, grad_outputs=torch.ones_like(out), create_graph=True)
    penalty = ((g.pow(2).sum(1).sqrt() - 1) ** 2).mean()
    penalty.backward()
    return penalty, w1.grad, w2.grad


def custom_functions(x, w):
    y = MyReLU.apply(x * w)
    z = LegendrePolynomial3.apply(y)
    s, _ = Scale.apply(z, 3.0)
    b = s * 1
    Double_.apply(b)
    b.sum().backward()
    return x.grad, w.grad, b


def custom_function_double_backward(x):
    g, = torch.autograd.grad(LegendrePolynomial3.apply(x).sum(), x, create_graph=True)
    g2, = torch.autograd.grad(g.sum(), x)
    return g, g2


def functional(x, v):
    F = torch.autograd.functional
    f = lambda x: (x.sin() * x).sum()  # noqa: E731
    return (F.jacobian(lambda x: x.sin() * x, x), F.hessian(f, x, vectorize=True), F.hvp(f, x, v)[1],
            F.jvp(lambda x: x.exp(), x, v)[1], F.vjp(lambda x: x.exp(), x, v)[1])


def batched_grads(x):
    return torch.autograd.grad(x.sin() * x, x, torch.eye(3, dtype=torch.float64), is_grads_batched=True)


SCENARIOS = [
    (backward_and_grad_attr, lambda: (_t(3), _t(3))),
    (accumulate_and_retain_graph, lambda: (_t(3),)),
    (autograd_grad_higher_order, lambda: (_t(3),)),
    (hooks, lambda: (_t(3), _t(3))),
    (wgan_gp, lambda: (_t(5, 3, grad=False), _t(3, 4), _t(4, 1))),
    (custom_functions, lambda: (_t(3), _t(3))),
    (custom_function_double_backward, lambda: (_t(3),)),
    (functional, lambda: (_t(3, grad=False), _t(3, grad=False))),
    (batched_grads, lambda: (_t(3),)),
]


@pytest.mark.parametrize("fn,args", SCENARIOS, ids=[f.__name__ for f, _ in SCENARIOS])
def test_eager_and_jit_agree(fn, args):
    assert_jit_matches(fn, *args(), rtol=1e-10, atol=1e-12)


def _np(t):
    return np.asarray(t.detach()._value)


def test_values_by_hand():
    x = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64, requires_grad=True)
    g, g2, g3 = assert_jit_matches(autograd_grad_higher_order, x)
    np.testing.assert_allclose(_np(g), 3 * _np(x) ** 2)
    np.testing.assert_allclose(_np(g2), 6 * _np(x))
    np.testing.assert_allclose(_np(g3), [6, 6, 6])
    x = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64, requires_grad=True)
    w = torch.tensor([0.5, 0.5, 0.5], dtype=torch.float64, requires_grad=True)
    gx, gw, gy, seen = assert_jit_matches(hooks, x, w)
    # as in torch: the tensor hook doubles, retain_grad sees that, then the node's prehook adds 1
    dy = 2 * (1 - np.tanh(_np(x) * 0.5) ** 2)
    np.testing.assert_allclose(_np(gy), dy)
    dy = dy + 1
    np.testing.assert_allclose(_np(gx), dy * 0.5 - 1)
    np.testing.assert_allclose(_np(gw), dy * _np(x))
    np.testing.assert_allclose(_np(seen), _np(gw))
