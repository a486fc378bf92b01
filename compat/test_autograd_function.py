"""torch.autograd.Function against real torch: the tutorial classics and the ctx API's corner cases."""
import math

import numpy as np
import pytest
from behaviour import same_behaviour

import jtorch

RNG = np.random.default_rng(0)


def make_my_relu(torch):
    # From the PyTorch tutorial "Defining new autograd functions" (two-layer net), unchanged.
    class MyReLU(torch.autograd.Function):
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

    return MyReLU


def make_legendre(torch):
    # From the PyTorch tutorial "Defining new autograd functions" (polynomial fit), unchanged.
    class LegendrePolynomial3(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    return LegendrePolynomial3


def legendre_tutorial(torch, steps=60):
    """The tutorial's training loop, unchanged except for the number of steps."""
    LegendrePolynomial3 = make_legendre(torch)
    dtype = torch.float
    device = torch.device("cpu")
    x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = torch.sin(x)
    a = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
    b = torch.full((), -1.0, device=device, dtype=dtype, requires_grad=True)
    c = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
    d = torch.full((), 0.3, device=device, dtype=dtype, requires_grad=True)
    learning_rate = 5e-6
    losses = []
    for t in range(steps):  # noqa: B007
        P3 = LegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    return losses, b, d


X_NET = RNG.standard_normal((16, 20)).astype(np.float32)
Y_NET = RNG.standard_normal((16, 3)).astype(np.float32)
W1_NET = RNG.standard_normal((20, 10)).astype(np.float32)
W2_NET = RNG.standard_normal((10, 3)).astype(np.float32)


def relu_tutorial(torch, steps=20):
    """The tutorial's two-layer net with MyReLU; the random data comes from numpy so both runs agree."""
    MyReLU = make_my_relu(torch)
    x, y = torch.tensor(X_NET), torch.tensor(Y_NET)
    w1 = torch.tensor(W1_NET, requires_grad=True)
    w2 = torch.tensor(W2_NET, requires_grad=True)
    learning_rate = 1e-4
    losses = []
    for t in range(steps):  # noqa: B007
        relu = MyReLU.apply
        h = relu((x[:, :, None] * w1[None]).sum(1))
        y_pred = (h[:, :, None] * w2[None]).sum(1)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w1 -= learning_rate * w1.grad
            w2 -= learning_rate * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
    return losses, w1, w2


def test_legendre_tutorial():
    same_behaviour(legendre_tutorial, rtol=1e-4, atol=1e-4)


def test_my_relu_tutorial():
    same_behaviour(relu_tutorial, rtol=1e-4, atol=1e-4)


def test_tutorial_node_names():
    x = jtorch.ones(3, requires_grad=True)
    assert type(make_my_relu(jtorch).apply(x).grad_fn).__name__ == "MyReLUBackward"
    assert make_legendre(jtorch).apply(x).grad_fn.name() == "LegendrePolynomial3Backward"


# ------------------------------------------------------------------ ctx API scenarios
def _fn(m, forward, backward=None, setup_context=None):
    attrs = {"forward": staticmethod(forward)}
    if backward is not None:
        attrs["backward"] = staticmethod(backward)
    if setup_context is not None:
        attrs["setup_context"] = staticmethod(setup_context)
    return type("F", (m.autograd.Function,), attrs)


def _x(m):
    return m.tensor([1.0, -2.0, 3.0], requires_grad=True)


def _power(m):
    def forward(ctx, x, k=2):
        ctx.save_for_backward(x)
        ctx.k = k
        return x ** k

    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * ctx.k * x ** (ctx.k - 1), None
    return _fn(m, forward, backward)


def kwargs_and_defaults(m):
    x = _x(m)
    P = _power(m)
    return P.apply(x, k=3), P.apply(x)


def node_identity(m):
    x = _x(m)
    y = _power(m).apply(x, 3)
    n = y.grad_fn
    return type(n).__name__, n.name(), n.next_functions, n.needs_input_grad, n.k, n.saved_tensors[0] is x


def gradient_values(m):
    x = _x(m)
    _power(m).apply(x, 3).sum().backward()
    return x.grad


def _returning(m, grads):
    return _fn(m, lambda ctx, x, y: x * y, lambda ctx, g: grads(g))


def too_few_gradients(m):
    x = _x(m)
    _returning(m, lambda g: g).apply(x, x).sum().backward()


def extra_none_gradients_allowed(m):
    x = _x(m)
    _fn(m, lambda ctx, x: x * 2, lambda ctx, g: (g * 2, None, None)).apply(x).sum().backward()
    return x.grad


def extra_gradient_not_none(m):
    x = _x(m)
    _fn(m, lambda ctx, x: x * 2, lambda ctx, g: (g * 2, g)).apply(x).sum().backward()


def gradient_of_wrong_shape(m):
    x = _x(m)
    _fn(m, lambda ctx, x: x * 2, lambda ctx, g: m.ones(2)).apply(x).sum().backward()


def gradient_summed_to_input_shape(m):
    x = _x(m)
    _fn(m, lambda ctx, x: x * 2, lambda ctx, g: m.ones(2, 3)).apply(x).sum().backward()
    return x.grad


def gradient_cast_to_input_dtype(m):
    x = _x(m)
    _fn(m, lambda ctx, x: x * 2, lambda ctx, g: g.double()).apply(x).sum().backward()
    return x.grad


def gradient_for_non_tensor_input(m):
    x = _x(m)
    _fn(m, lambda ctx, x, k: x * k, lambda ctx, g: (g, g)).apply(x, 2).sum().backward()


def gradient_not_a_tensor(m):
    x = _x(m)
    _fn(m, lambda ctx, x: x * 2, lambda ctx, g: 3).apply(x).sum().backward()


def gradient_as_list(m):
    x = _x(m)
    _fn(m, lambda ctx, x: x * 2, lambda ctx, g: [g]).apply(x).sum().backward()


def instantiating_legacy_style(m):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _power(m)()(_x(m))


def missing_backward(m):
    _fn(m, lambda ctx, x: x * 2).apply(_x(m)).sum().backward()


def multiple_outputs(m):
    log = []

    def backward(ctx, g1, g2, g3, g4):
        log.append((g1, g2, g3, g4))
        return g1 + g2

    x = _x(m)
    outs = _fn(m, lambda ctx, x: (x * 2, x * 3, 5, x > 0), backward).apply(x)
    flags = [getattr(o, "requires_grad", None) for o in outs]
    outs[0].sum().backward()
    return flags, outs[2], log, x.grad


def materialize_grads_off(m):
    log = []

    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        return x * 2, x * 3

    def backward(ctx, g1, g2):
        log.append((g1, g2))
        return g2 * 3

    x = _x(m)
    _fn(m, forward, backward).apply(x)[1].sum().backward()
    return log, x.grad


def non_differentiable_outputs(m):
    log = []

    def forward(ctx, x):
        out, idx, twice = x.clone(), (x * 0).long(), x * 2
        ctx.mark_non_differentiable(twice)
        return out, idx, twice

    def backward(ctx, g1, g2, g3):
        log.append((g1, g2, g3))
        return g1

    x = _x(m)
    outs = _fn(m, forward, backward).apply(x)
    flags = [o.requires_grad for o in outs]
    outs[0].sum().backward()
    return flags, log


def _doubling_in_place(m):
    def forward(ctx, x):
        x.mul_(2)
        ctx.mark_dirty(x)
        return x
    return _fn(m, forward, lambda ctx, g: g * 2)


def mark_dirty_on_leaf(m):
    _doubling_in_place(m).apply(_x(m))


def mark_dirty(m):
    x = _x(m)
    b = x * 1
    r = _doubling_in_place(m).apply(b)
    info = r is b, b.grad_fn.name(), b._version, b
    b.sum().backward()
    return info, x.grad


def mark_dirty_on_view(m):
    x = _x(m)
    b = x * 1
    _doubling_in_place(m).apply(b[1:])
    b.sum().backward()
    return b, b.grad_fn.name(), x.grad


def input_returned_unchanged(m):
    x = _x(m)
    r = _fn(m, lambda ctx, x: x, lambda ctx, g: g * 2).apply(x)
    r.sum().backward()
    return r is x, r.grad_fn.name(), x.grad


def grad_modes_inside(m):
    log = []

    def forward(ctx, x):
        log.append(("fwd", m.is_grad_enabled(), x.requires_grad))
        return x.clone()

    def backward(ctx, g):
        log.append(("bwd", m.is_grad_enabled()))
        return g

    F = _fn(m, forward, backward)
    x = _x(m)
    F.apply(x).sum().backward()
    F.apply(x).sum().backward(create_graph=True)
    return log


def under_no_grad(m):
    log = []

    def forward(ctx, x, y, k):
        log.append(ctx.needs_input_grad)
        return x * y

    F = _fn(m, forward, lambda ctx, g: (g, g, None))
    x = _x(m)
    with m.no_grad():
        r = F.apply(x, m.ones(3), 3)
    r2 = F.apply(x, m.ones(3), 3)
    return log, r.requires_grad, r.grad_fn, r2.grad_fn.name()


def _saving_input(m):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * 2

    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * x
    return _fn(m, forward, backward)


def saved_tensor_modified(m):
    x = _x(m)
    b = x * 1
    o = _saving_input(m).apply(b)
    b.add_(1)
    o.sum().backward()


def saved_output_modified(m):
    def forward(ctx, x):
        y = x * 2
        ctx.save_for_backward(y)
        return y

    x = _x(m)
    y = _fn(m, forward, lambda ctx, g: g * ctx.saved_tensors[0]).apply(x)
    y.add_(1)
    y.sum().backward()


def saved_tensors_after_backward(m):
    o = _saving_input(m).apply(_x(m) * 1)
    o.sum().backward()
    return o.grad_fn.saved_tensors


def second_backward(m):
    o = _saving_input(m).apply(_x(m) * 1)
    o.sum().backward()
    o.sum().backward()


def second_backward_without_saved(m):
    o = _fn(m, lambda ctx, x: x * 2, lambda ctx, g: g * 2).apply(_x(m) * 1)
    o.sum().backward()
    o.sum().backward()


def saved_output_has_history(m):
    log = []

    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y)
        return y

    def backward(ctx, g):
        y, = ctx.saved_tensors
        log.append((y.grad_fn.name(), y.requires_grad))
        return g * y

    o = _fn(m, forward, backward).apply(_x(m))
    same = o.grad_fn.saved_tensors[0] is o
    o.sum().backward()
    return same, log


def save_non_tensor(m):
    def forward(ctx, x):
        ctx.save_for_backward(x, 3)
        return x
    _fn(m, forward, lambda ctx, g: g).apply(_x(m))


def non_tensor_outputs(m):
    x = _x(m)
    return (type(_fn(m, lambda ctx, x: [x * 2, x * 3], lambda ctx, g: g).apply(x)).__name__,
            _fn(m, lambda ctx, x: None, lambda ctx, g: g).apply(x))


def setup_context_style(m):
    log = []

    def forward(x, k=2):
        return x * k

    def setup_context(ctx, inputs, output):
        log.append((inputs[1], type(output).__name__))
        ctx.k = inputs[1]

    F = _fn(m, forward, lambda ctx, g: (g * ctx.k, None), setup_context)
    x = _x(m)
    F.apply(x, k=5).sum().backward()
    F.apply(x).sum().backward()
    return log, x.grad


def integer_input(m):
    return _fn(m, lambda ctx, x: x, lambda ctx, g: g).apply(m.ones(3, dtype=m.long))


def node_not_callable(m):
    _power(m).apply(_x(m), 2).grad_fn(m.ones(3))


def double_backward(m):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * 3 * x ** 2

    x = _x(m)
    y = _fn(m, forward, backward).apply(x)
    g, = m.autograd.grad(y.sum(), x, create_graph=True)
    g2, = m.autograd.grad(g.sum(), x)
    return g, g2


def once_differentiable_double_backward(m):
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * 3 * x ** 2

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    F = _fn(m, forward, m.autograd.function.once_differentiable(backward))
    x = _x(m)
    g, = m.autograd.grad(F.apply(x).sum(), x, create_graph=True)
    plain = g.requires_grad
    g, = m.autograd.grad(F.apply(x), x, m.ones(3, requires_grad=True), create_graph=True)
    info = plain, g.requires_grad, g.grad_fn.name()
    try:
        g.sum().backward()
    except RuntimeError as e:
        return info, str(e)
    return info


def hooks_on_function_outputs(m):
    log = []
    x = _x(m)
    y = _power(m).apply(x, 2)
    y.register_hook(lambda g: g * 10)
    y.grad_fn.register_hook(lambda gi, go: log.append((len(gi), len(go))))
    y.sum().backward()
    return log, x.grad


SCENARIOS = [v for k, v in list(globals().items()) if callable(v) and getattr(v, "__module__", None) == __name__
             and not k.startswith(("_", "test_", "make_")) and k[0].islower()
             and k not in ("legendre_tutorial", "relu_tutorial")]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__)
def test_function_behaviour(scenario):
    same_behaviour(scenario)


def test_gradcheck_of_tutorial_functions():
    for make in (make_my_relu, make_legendre):
        x = jtorch.tensor([0.3, -0.7, 1.2], dtype=jtorch.float64, requires_grad=True)
        assert jtorch.autograd.gradcheck(make(jtorch).apply, (x,))
