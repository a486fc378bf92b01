"""torch.autograd's engine, grad modes, functional API and gradcheck, against real torch.

Each scenario is a function of the module (torch or jtorch); values, flags, node names and raised
exceptions (type and message) must agree. (Named so as not to clash with tests/test_autograd.py.)
"""
import threading
import warnings

import numpy as np
import pytest
from behaviour import same_behaviour

RNG = np.random.default_rng(0)
A3, B3, V3 = (RNG.standard_normal(3) for _ in range(3))


def _leaf(m, n=3):
    return m.ones(n, requires_grad=True)


# ------------------------------------------------------------------ backward / grad
def nonscalar_without_gradient(m):
    (_leaf(m) * 2).backward()


def accumulation_across_calls(m):
    x = _leaf(m)
    (x * 2).sum().backward()
    g = x.grad
    (x * 3).sum().backward()
    return g is x.grad, x.grad


def second_backward_of_saving_node(m):
    x = _leaf(m)
    y = (x * x).sum()
    y.backward()
    y.backward()


def second_backward_without_saved_tensors(m):
    x = _leaf(m)
    y = (x + 2).sum()
    y.backward()
    y.backward()
    return x.grad


def retain_graph_twice(m):
    x = _leaf(m)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    return x.grad


def backward_inputs_leaf(m):
    x, w = _leaf(m), _leaf(m)
    (x * w).sum().backward(inputs=[x])
    return x.grad, w.grad


def backward_inputs_non_leaf(m):
    x = _leaf(m)
    y = x * 3
    (y * y).sum().backward(inputs=[y, x])
    return y.grad, x.grad


def backward_inputs_empty(m):
    (_leaf(m) * 2).sum().backward(inputs=[])


def autograd_backward_inputs(m):
    x, w = _leaf(m), _leaf(m)
    m.autograd.backward([(x * w).sum()], inputs=[w])
    return x.grad, w.grad


def autograd_backward_several_roots(m):
    x = _leaf(m)
    m.autograd.backward([(x * 2).sum(), (x * 3).sum()], [m.tensor(1.0), m.tensor(2.0)])
    return x.grad


def autograd_backward_too_few_grads(m):
    x = _leaf(m)
    m.autograd.backward([(x * 2).sum(), (x * 3).sum()], [m.tensor(1.0)])


def grad_shape_mismatch(m):
    (_leaf(m) * 2).backward(m.ones(4))


def backward_of_no_grad_output(m):
    (m.ones(3) * 2).sum().backward()


def grad_unused(m):
    x, w = _leaf(m), _leaf(m)
    return m.autograd.grad((x * 2).sum(), [x, w])


def grad_allow_unused(m):
    x, w = _leaf(m), _leaf(m)
    return m.autograd.grad((x * 2).sum(), [x, w], allow_unused=True)


def grad_materialize(m):
    x, w = _leaf(m), _leaf(m)
    return m.autograd.grad((x * 2).sum(), [x, w], materialize_grads=True)


def grad_materialize_with_allow_unused_false(m):
    x = _leaf(m)
    m.autograd.grad((x * 2).sum(), x, materialize_grads=True, allow_unused=False)


def grad_of_input_not_requiring_grad(m):
    return m.autograd.grad((_leaf(m) * 2).sum(), [m.ones(3)])


def grad_outputs_given(m):
    x = _leaf(m)
    return m.autograd.grad(x * 2, x, grad_outputs=m.tensor([1.0, 2.0, 3.0]))


def grad_outputs_extra_ignored(m):
    x = _leaf(m)
    return m.autograd.grad([(x * 2).sum()], [x], [m.tensor(1.0), m.tensor(5.0)])


def grad_dict_inputs(m):
    x, w = _leaf(m), _leaf(m)
    g = m.autograd.grad((x * w * 2).sum(), {"x": x, "w": w})
    return sorted(g), g["x"], g["w"]


def grad_empty_inputs(m):
    m.autograd.grad((_leaf(m) * 2).sum(), [])


def grad_retain_graph(m):
    x = _leaf(m)
    y = (x * x).sum()
    a, = m.autograd.grad(y, x, retain_graph=True)
    b, = m.autograd.grad(y, x)
    return a, b, x.grad


def grad_wrt_non_leaf(m):
    x = _leaf(m)
    y = x * 3
    return m.autograd.grad((y * y).sum(), [y, x])


def grad_is_grads_batched(m):
    x = m.tensor(A3, requires_grad=True)
    y = x.sin() * x
    return m.autograd.grad(y, x, m.eye(3, dtype=m.float64), is_grads_batched=True)


def grad_is_grads_batched_bad_shape(m):
    x = _leaf(m)
    m.autograd.grad(x * 2, x, m.ones(4, 2), is_grads_batched=True)


def third_derivative(m):
    x = m.tensor(2.0, requires_grad=True)
    g, = m.autograd.grad(x ** 3, x, create_graph=True)
    g2, = m.autograd.grad(g, x, create_graph=True)
    g3, = m.autograd.grad(g2, x)
    return g, g2, g3


def backward_create_graph(m):
    x = m.tensor(3.0, requires_grad=True)
    (x ** 3).backward(create_graph=True)
    g = x.grad
    x.grad = None
    g.backward()
    return g, x.grad


def hessian_vector_product(m):
    x = m.tensor([1.0, 2.0], requires_grad=True)
    g, = m.autograd.grad((x ** 3).sum() + x[0] * x[1], x, create_graph=True)
    hv, = m.autograd.grad(g, x, m.tensor([0.5, -1.0]))
    return g, hv


def wgan_gp_penalty(m):
    """The WGAN-GP gradient penalty: grad of the critic w.r.t. its input, with create_graph."""
    x = m.tensor(RNG_X)
    w1 = m.tensor(RNG_W1, requires_grad=True)
    w2 = m.tensor(RNG_W2, requires_grad=True)

    def critic(inp):
        h = (inp[:, :, None] * w1[None]).sum(1).tanh()
        return (h[:, :, None] * w2[None]).sum(1)

    x.requires_grad_(True)
    out = critic(x)
    g, = m.autograd.grad(outputs=out, inputs=x, grad_outputs=m.ones_like(out), create_graph=True)
    penalty = ((g.pow(2).sum(1).sqrt() - 1) ** 2).mean()
    penalty.backward()
    return penalty, w1.grad, w2.grad


RNG_X = RNG.standard_normal((5, 3))
RNG_W1 = RNG.standard_normal((3, 4))
RNG_W2 = RNG.standard_normal((4, 1))


# ------------------------------------------------------------------ hooks and retained grads
def tensor_hooks(m):
    log = []
    x = _leaf(m)
    y = x * 2
    y.register_hook(lambda g: log.append(("y1", g.tolist())))
    y.register_hook(lambda g: g * 10)
    y.register_hook(lambda g: log.append(("y3", g.tolist())))
    x.register_hook(lambda g: log.append(("x", g.tolist())))
    y.grad_fn.register_hook(lambda gi, go: log.append(("node", len(gi), len(go))))
    y.grad_fn.register_prehook(lambda go: log.append(("pre", len(go))))
    x.register_post_accumulate_grad_hook(lambda t: log.append(("post", t.grad.tolist())))
    y.sum().backward()
    return log


def leaf_hook_replace_and_remove(m):
    log = []
    x = _leaf(m, 2)
    x.register_hook(lambda g: log.append(("a", g.tolist())))
    h = x.register_hook(lambda g: g * 3)
    x.register_hook(lambda g: log.append(("c", g.tolist())))
    (x * 2).sum().backward()
    h.remove()
    (x * 2).sum().backward()
    return log, x.grad


def hook_on_tensor_without_grad(m):
    m.ones(2).register_hook(lambda g: g)


def post_accumulate_hook_on_non_leaf(m):
    (_leaf(m) * 2).register_post_accumulate_grad_hook(lambda t: None)


def post_accumulate_hook_without_grad(m):
    m.ones(2).register_post_accumulate_grad_hook(lambda t: None)


def node_hooks_replace(m):
    log = []
    x, w = _leaf(m, 2), _leaf(m, 2)
    y = x * w
    y.grad_fn.register_prehook(lambda go: (go[0] * 2,))
    y.grad_fn.register_hook(lambda gi, go: log.append((len(gi), len(go), gi[0].tolist(), go[0].tolist())))
    y.grad_fn.register_hook(lambda gi, go: (gi[0] * 10, gi[1]))
    y.sum().backward()
    return log, x.grad, w.grad


def accumulate_grad_node_hooks(m):
    log = []
    x = _leaf(m, 2)
    y = x * 2
    acc = y.grad_fn.next_functions[0][0]
    acc.register_prehook(lambda go: log.append(("pre", go[0].tolist())))
    acc.register_hook(lambda gi, go: log.append(("post", len(gi), go[0].tolist())))
    y.sum().backward()
    return log, x.grad, acc.variable is x, acc.name()


def retain_grad_flags(m):
    x = _leaf(m, 2)
    y = x * 2
    z = y * 3
    y.retain_grad()
    z.retain_grad()
    before = x.retains_grad
    z.sum().backward()
    return before, y.retains_grad, y.grad, z.grad, x.grad


def retain_grad_after_hooks(m):
    x = _leaf(m, 2)
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g * 5)
    y.sum().backward()
    return y.grad, x.grad


def retain_grad_without_grad(m):
    m.ones(2).retain_grad()


def non_leaf_grad_is_none(m):
    x = _leaf(m, 2)
    y = x * 2
    y.sum().backward()
    return y.grad


# ------------------------------------------------------------------ graph introspection
def node_names_and_edges(m):
    x = _leaf(m, 6).view(2, 3).detach().requires_grad_()
    c = m.ones(2, 3)
    ys = [x.view(6), x[:, 1:], x.t(), x.transpose(0, 1), x.sum(), x.mean(), x.exp(), x.clone(), x.to(m.float64),
          x.reshape(3, 2), x.unsqueeze(0), x * x, x * c, c * x, x * 2, x + 1, x - 1, x / 2, -x, x.sqrt(), x.tanh(),
          x.sigmoid(), x.abs(), m.where(c > 0, x, c), x.squeeze(), x.permute(1, 0), x.expand(2, 2, 3), x.flatten(),
          x.select(1, 0), x.sin(), (x * 2 + 1).exp().sum()]
    return [(y.grad_fn.name(), [(f.name() if f else None, i) for f, i in y.grad_fn.next_functions]) for y in ys]


def grad_fn_call(m):
    return (_leaf(m) * 3).grad_fn(m.ones(3))


# ------------------------------------------------------------------ requires_grad rules, detach, in-place
def integer_requires_grad_(m):
    m.ones(3, dtype=m.long).requires_grad_()


def integer_requires_grad_attribute(m):
    m.ones(3, dtype=m.long).requires_grad = True


def integer_outputs_never_require_grad(m):
    x = _leaf(m)
    return [t.requires_grad for t in (x.long(), x > 0, x.eq(1), (x * 2).floor(), x.round(), x.sign())]


def non_leaf_requires_grad_false(m):
    (_leaf(m) * 2).requires_grad_(False)


def detach_and_detach_(m):
    x = _leaf(m)
    y = x * 2
    d = y.detach()
    y.detach_()
    return d.requires_grad, y.requires_grad, y.is_leaf, y.grad_fn


def detach_shares_storage(m):
    x = _leaf(m)
    d = x.detach()
    d.add_(1)
    return x, d.requires_grad, d.is_leaf, x._version


def detach_in_place_of_view(m):
    y = _leaf(m) * 2
    y[0:2].detach_()


def saved_input_changed_through_detach(m):
    x = _leaf(m)
    y = x * x
    x.detach().add_(1)
    y.sum().backward()


def in_place_on_leaf(m):
    _leaf(m).add_(1)


def in_place_on_view_of_leaf(m):
    _leaf(m)[0:2].add_(1)


def in_place_on_leaf_under_no_grad(m):
    x = _leaf(m, 2)
    with m.no_grad():
        x.add_(1)
    return x, x.requires_grad, x.is_leaf


def version_error_saved_input(m):
    x = _leaf(m)
    y = x * 2
    z = y * y
    y.add_(1)
    z.sum().backward()


def version_error_saved_output(m):
    x = _leaf(m)
    y = x.exp()
    y.add_(1)
    y.sum().backward()


def version_error_in_place_output(m):
    x = _leaf(m)
    y = x * 2
    y.exp_()
    y.add_(1)
    y.sum().backward()


def version_error_through_view(m):
    x = _leaf(m)
    y = x * 1
    z = y * y
    y[1:].mul_(2)
    z.sum().backward()


def version_error_constant(m):
    x = _leaf(m)
    c = m.ones(2, 3)
    y = x * c
    c.add_(1)
    y.sum().backward()


def no_version_error_when_not_saved(m):
    x = _leaf(m)
    y = x * 1
    w = y * 3
    y.add_(1)
    w.sum().backward()
    return x.grad


def no_version_error_exp_input(m):
    x = _leaf(m)
    y = x * 2
    z = y.exp()  # exp saves its result, not y
    y.add_(1)
    z.sum().backward()
    return x.grad


def in_place_chain_gradient(m):
    x = _leaf(m)
    y = x * 2
    y.mul_(3)
    y.add_(1)
    y.sum().backward()
    return x.grad, y.grad_fn.name()


def in_place_on_view_gradient(m):
    x = _leaf(m)
    y = x * 2
    y[0:2].mul_(3)
    y.sum().backward()
    return x.grad


def version_counts(m):
    x = _leaf(m)
    y = x * 1
    v0 = y._version
    y.add_(1)
    y[0] = 3
    v = y[1:]
    v.mul_(2)
    return v0, y._version, v._version, x._version


# ------------------------------------------------------------------ grad modes, anomaly detection
def grad_mode_decorators(m):
    @m.no_grad
    def f():
        return m.is_grad_enabled()

    @m.enable_grad()
    def g():
        return m.is_grad_enabled()

    @m.inference_mode
    def h():
        return m.is_grad_enabled(), m.is_inference_mode_enabled()

    @m.set_grad_enabled(False)
    def k():
        return m.is_grad_enabled()

    with m.no_grad():
        inside = g()
    return f(), inside, h(), k(), m.is_grad_enabled()


def grad_mode_generators(m):
    @m.no_grad()
    def gen():
        yield m.is_grad_enabled()
        yield m.is_grad_enabled()
        return 7

    out = list(gen())
    return out, m.is_grad_enabled()


def set_grad_enabled_forms(m):
    m.set_grad_enabled(False)
    a = m.is_grad_enabled()
    m.set_grad_enabled(True)
    with m.set_grad_enabled(False):
        b = m.is_grad_enabled()
    return a, b, m.is_grad_enabled()


def inference_mode_forms(m):
    with m.inference_mode():
        x = m.ones(2)
        inside = m.is_inference_mode_enabled(), m.is_grad_enabled()
    with m.inference_mode(False):
        off = m.is_inference_mode_enabled(), m.is_grad_enabled()
    return inside, off, x.requires_grad


def no_grad_results(m):
    x = _leaf(m)
    with m.no_grad():
        y = x * 2
    return y.requires_grad, y.grad_fn


def grad_mode_is_thread_local(m):
    seen = []
    with m.no_grad():
        t = threading.Thread(target=lambda: seen.append(m.is_grad_enabled()))
        t.start()
        t.join()
        here = m.is_grad_enabled()
    return seen, here


def anomaly_nan(m):
    x = m.tensor([0.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with m.autograd.detect_anomaly():
            (x.sqrt() * 0).sum().backward()


def anomaly_nan_division(m):
    x = m.tensor([0.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with m.autograd.detect_anomaly():
            (x / x).sum().backward()


def anomaly_check_nan_off(m):
    x = m.tensor([0.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with m.autograd.detect_anomaly(check_nan=False):
            (x.sqrt() * 0).sum().backward()
    return x.grad


def anomaly_flags(m):
    m.autograd.set_detect_anomaly(True)
    on = m.is_anomaly_enabled(), m.is_anomaly_check_nan_enabled()
    m.autograd.set_detect_anomaly(False)
    return on, m.is_anomaly_enabled()


SCENARIOS = [v for k, v in list(globals().items()) if callable(v) and getattr(v, "__module__", None) == __name__
             and not k.startswith("_") and k not in ("same_behaviour",) and k[0].islower()]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__)
def test_engine_behaviour(scenario):
    same_behaviour(scenario)


# ------------------------------------------------------------------ torch.autograd.functional
def _f_elementwise(m):
    return lambda x: (x * x).sin() * 2


def _f_two_in_two_out(m):
    return lambda x, y: ((x * y).exp().sum(), x * 3)


def _f_cubic(m):
    return lambda x: (x * x * x).sum()


def _f_bilinear(m):
    return lambda x, y: (x * x * y).sum()


def _t(m, a):
    return m.tensor(a)


FUNCTIONAL = {
    "vjp": lambda m, F: F.vjp(_f_elementwise(m), _t(m, A3), _t(m, V3)),
    "vjp tuple": lambda m, F: F.vjp(_f_two_in_two_out(m), (_t(m, A3), _t(m, B3)),
                                    (m.tensor(1.0, dtype=m.float64), _t(m, V3))),
    "jvp": lambda m, F: F.jvp(_f_elementwise(m), _t(m, A3), _t(m, V3)),
    "jvp tuple": lambda m, F: F.jvp(_f_two_in_two_out(m), (_t(m, A3), _t(m, B3)), (_t(m, V3), _t(m, V3))),
    "jacobian": lambda m, F: F.jacobian(_f_elementwise(m), _t(m, A3)),
    "jacobian tuple": lambda m, F: F.jacobian(_f_two_in_two_out(m), (_t(m, A3), _t(m, B3))),
    "jacobian vectorize": lambda m, F: F.jacobian(_f_two_in_two_out(m), (_t(m, A3), _t(m, B3)), vectorize=True),
    "jacobian forward-mode": lambda m, F: F.jacobian(_f_elementwise(m), _t(m, A3), vectorize=True,
                                                     strategy="forward-mode"),
    "jacobian forward-mode needs vectorize": lambda m, F: F.jacobian(_f_elementwise(m), _t(m, A3),
                                                                     strategy="forward-mode"),
    "jacobian unused input": lambda m, F: F.jacobian(lambda x, y: x * 2, (_t(m, A3), _t(m, B3))),
    "jacobian create_graph": lambda m, F: [j.requires_grad for j in F.jacobian(
        _f_two_in_two_out(m), (_t(m, A3), _t(m, B3)), create_graph=True)[0]],
    "hessian": lambda m, F: F.hessian(_f_cubic(m), _t(m, A3)),
    "hessian tuple": lambda m, F: F.hessian(_f_bilinear(m), (_t(m, A3), _t(m, B3))),
    "hessian vectorize": lambda m, F: F.hessian(_f_bilinear(m), (_t(m, A3), _t(m, B3)), vectorize=True),
    "hessian of non-scalar": lambda m, F: F.hessian(_f_elementwise(m), _t(m, A3)),
    "hvp": lambda m, F: F.hvp(_f_cubic(m), _t(m, A3), _t(m, V3)),
    "vhp": lambda m, F: F.vhp(_f_bilinear(m), (_t(m, A3), _t(m, B3)), (_t(m, V3), _t(m, V3))),
    "strict constant output": lambda m, F: F.vjp(lambda x: m.ones(3, dtype=m.float64), _t(m, A3), strict=True),
    "strict independent jacobian": lambda m, F: F.jacobian(lambda x: x * 0 + m.ones(3, dtype=m.float64),
                                                           _t(m, A3), strict=True),
    "strict linear hessian": lambda m, F: F.hessian(lambda x: (x * 2).sum(), _t(m, A3), strict=True),
    "v of wrong size": lambda m, F: F.vjp(_f_elementwise(m), _t(m, A3), m.ones(2, dtype=m.float64)),
    "v omitted for vector output": lambda m, F: F.vjp(_f_elementwise(m), _t(m, A3)),
    "inputs not tensors": lambda m, F: F.vjp(_f_elementwise(m), 3),
    "create_graph keeps history": lambda m, F: [r.requires_grad for r in F.vjp(
        _f_elementwise(m), _t(m, A3).requires_grad_(), _t(m, V3), create_graph=True)],
    "results detached by default": lambda m, F: [r.requires_grad for r in F.vjp(
        _f_elementwise(m), _t(m, A3).requires_grad_(), _t(m, V3))],
}


@pytest.mark.parametrize("name", list(FUNCTIONAL))
def test_functional(name):
    same_behaviour(lambda m: FUNCTIONAL[name](m, m.autograd.functional))


# ------------------------------------------------------------------ gradcheck / gradgradcheck
def _wrong_exp(m):
    class WrongExp(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.exp()

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * x  # should be g * exp(x)

    return WrongExp


def _once_exp(m):
    class OnceExp(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        @m.autograd.function.once_differentiable
        def backward(ctx, g):
            y, = ctx.saved_tensors
            return g * y

    return OnceExp


GRADCHECK = {
    "correct op": lambda m: m.autograd.gradcheck(lambda x, y: (x * y).sin() + x.exp(), (_t(m, A3).requires_grad_(),
                                                                                       _t(m, B3).requires_grad_())),
    "correct op fast": lambda m: m.autograd.gradcheck(lambda x: (x * x).tanh(), (_t(m, A3).requires_grad_(),),
                                                      fast_mode=True),
    "wrong function": lambda m: m.autograd.gradcheck(_wrong_exp(m).apply, (_t(m, A3).requires_grad_(),)),
    "wrong function fast": lambda m: m.autograd.gradcheck(_wrong_exp(m).apply, (_t(m, A3).requires_grad_(),),
                                                          fast_mode=True),
    "wrong function no raise": lambda m: m.autograd.gradcheck(_wrong_exp(m).apply, (_t(m, A3).requires_grad_(),),
                                                              raise_exception=False),
    "no input requires grad": lambda m: m.autograd.gradcheck(lambda x: x * 2, (_t(m, A3),)),
    "gradgradcheck": lambda m: m.autograd.gradgradcheck(lambda x: (x * x).sin(), (_t(m, A3).requires_grad_(),)),
    "gradgradcheck once_differentiable": lambda m: m.autograd.gradgradcheck(
        _once_exp(m).apply, (_t(m, A3).requires_grad_(),)),
    "batched grad": lambda m: m.autograd.gradcheck(lambda x: x.sin() * x, (_t(m, A3).requires_grad_(),),
                                                   check_batched_grad=True),
}


@pytest.mark.parametrize("name", list(GRADCHECK))
def test_gradcheck(name):
    # messages embed printed tensors, whose formatting is not the point here: compare the first line
    t = same_behaviour(lambda m: GRADCHECK[name](m), message=False)
    if t[0] == "raises":
        from behaviour import outcome

        import jtorch
        j = outcome(lambda m: GRADCHECK[name](m), jtorch)
        assert t[2].splitlines()[0] == j[2].splitlines()[0]
