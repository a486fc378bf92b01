"""Module forward and backward hooks against real torch: call order, arguments, replacement semantics."""
import warnings

import numpy as np
import pytest
import torch
from nn_models import nested, rand, to_jtorch_state

import jtorch

FRAMEWORKS = (torch, jtorch)


def vals(x):
    """Hook arguments as comparable plain data (tensors rounded to 8 digits)."""
    if x is None:
        return None
    if isinstance(x, (tuple, list)):
        return tuple(vals(v) for v in x)
    if isinstance(x, dict):
        return {k: vals(v) for k, v in x.items()}
    if hasattr(x, "detach"):
        return ("T", tuple(x.shape), np.round(x.detach().numpy().astype(np.float64), 8).tolist())
    return x


def run_both(scenario):
    """scenario(m, log) with m = torch and jtorch; their logs must be equal."""
    logs = {}
    for m in FRAMEWORKS:
        log = []
        scenario(m, log)
        logs[m.__name__] = log
    assert logs["jtorch"] == logs["torch"]
    return logs["torch"]


def twin_nested(m):
    net = nested(m).to(m.float64)
    net.load_state_dict(_state(m))
    return net


_REF = nested(torch).double().state_dict()


def _state(m):
    return _REF if m is torch else to_jtorch_state(_REF)


# ------------------------------------------------------------------ forward hooks
def test_forward_hooks_order_and_replacement():
    def scenario(m, log):
        lin = m.nn.Linear(2, 2).double()
        lin.load_state_dict({"weight": m.eye(2, dtype=m.float64), "bias": m.zeros(2, dtype=m.float64)})
        h1 = lin.register_forward_pre_hook(lambda mod, args: log.append(("pre1", vals(args))))
        lin.register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
        lin.register_forward_pre_hook(lambda mod, args: log.append(("pre0", vals(args))), prepend=True)
        lin.register_forward_pre_hook(lambda mod, args, kw: ((args[0] + 1,), kw), with_kwargs=True)
        lin.register_forward_hook(lambda mod, args, out: log.append(("fwd1", vals(args), vals(out))))
        lin.register_forward_hook(lambda mod, args, out: out * 10)
        lin.register_forward_hook(lambda mod, args, kw, out: log.append(("fwdkw", vals(kw), vals(out))),
                                  with_kwargs=True)
        lin.register_forward_hook(lambda mod, args, out: log.append(("fwd0", vals(out))), prepend=True)
        x = m.tensor([[1.0, 2.0]], dtype=m.float64)
        log.append(("out", vals(lin(x))))
        h1.remove()
        log.append(("out2", vals(lin(x))))
        log.append(("pre_hooks", len(lin._forward_pre_hooks), len(lin._forward_hooks)))

    log = run_both(scenario)
    assert log[-1] == ("pre_hooks", 3, 4) and len(log) > 8


def test_forward_pre_hook_single_value_and_bad_return():
    def scenario(m, log):
        ident = m.nn.Identity()
        ident.register_forward_pre_hook(lambda mod, args: 5)
        log.append(ident(1))
        bad = m.nn.Identity()
        bad.register_forward_pre_hook(lambda mod, args, kw: 3, with_kwargs=True)
        try:
            bad(1)
        except RuntimeError as e:
            log.append(str(e))

    assert run_both(scenario)[0] == 5


def test_always_call_hooks_run_when_forward_raises():
    def scenario(m, log):
        class Boom(m.nn.Module):
            def forward(self, x):
                raise ValueError("boom")

        b = Boom()
        b.register_forward_hook(lambda mod, args, out: log.append(("always", vals(args), out)), always_call=True)
        b.register_forward_hook(lambda mod, args, out: log.append("never"))
        g = m.nn.modules.module.register_module_forward_hook(lambda mod, a, o: log.append("global"), always_call=True)
        try:
            b(1)
        except ValueError as e:
            log.append(str(e))
        finally:
            g.remove()

    assert "never" not in run_both(scenario)


def test_global_hooks():
    def scenario(m, log):
        mm = m.nn.modules.module
        handles = [
            mm.register_module_forward_pre_hook(lambda mod, args: log.append(("gpre", type(mod).__name__))),
            mm.register_module_forward_hook(lambda mod, args, out: log.append(("gfwd", type(mod).__name__))),
            mm.register_module_module_registration_hook(lambda mod, name, sub: log.append(("gmod", name))),
            mm.register_module_parameter_registration_hook(lambda mod, name, p: log.append(("gparam", name))),
            mm.register_module_buffer_registration_hook(lambda mod, name, b: log.append(("gbuf", name))),
        ]
        try:
            seq = m.nn.Sequential(m.nn.Linear(1, 1))
            seq.register_buffer("b", m.zeros(1))
            seq(m.ones(1, 1))
        finally:
            for h in handles:
                h.remove()
        seq(m.ones(1, 1))

    assert ("gfwd", "Sequential") in run_both(scenario)


# ------------------------------------------------------------------ full backward hooks
def _record_backward(m, log, net, replace=False):
    for name, mod in net.named_modules():
        def hook(mod, gin, gout, name=name):
            log.append(("bwd", name, vals(gin), vals(gout)))
            if replace and name == "blocks.1":
                return tuple(None if g is None else g * 2 for g in gin)

        def pre(mod, gout, name=name):
            log.append(("pre", name, vals(gout)))
            if replace and name == "heads.a":
                return tuple(g + 1 for g in gout)

        mod.register_full_backward_hook(hook)
        mod.register_full_backward_pre_hook(pre)


@pytest.mark.parametrize("replace", [False, True])
def test_full_backward_hooks_on_nested_model(replace):
    def scenario(m, log):
        net = twin_nested(m)
        _record_backward(m, log, net, replace)
        x = m.tensor(rand(2, 3), requires_grad=True)
        out = net(x)
        out.backward(m.tensor(rand(2, 2, seed=1)))
        log.append(("x.grad", vals(x.grad)))
        log.append([(n, vals(p.grad)) for n, p in net.named_parameters()])

    log = run_both(scenario)
    assert sum(1 for e in log if e[0] == "bwd") == 8  # shared modules fire once per call


def test_backward_hooks_multiple_outputs_non_tensor_args():
    def scenario(m, log):
        class Two(m.nn.Module):
            def forward(self, a, k, b):
                return a * 2, b * 3 * k

        two = Two()
        two.register_full_backward_hook(lambda mod, gi, go: log.append(("full", vals(gi), vals(go))))
        two.register_full_backward_pre_hook(lambda mod, go: log.append(("pre", vals(go))))
        a = m.tensor([1.0], requires_grad=True)
        for b in (m.tensor([1.0]), m.tensor([1.0], requires_grad=True)):
            o1, o2 = two(a, 5, b)
            log.append(("grad_fn", type(o1.grad_fn).__name__ if hasattr(o1.grad_fn, "name") else None))
            o1.sum().backward()
            log.append(("grads", vals(a.grad), vals(b.grad)))
        rep = Two()
        rep.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 10, None, gi[2]))
        rep.register_full_backward_pre_hook(lambda mod, go: (go[0] + 1, go[1]))
        a.grad = None
        b = m.tensor([1.0], requires_grad=True)
        o1, o2 = rep(a, 5, b)
        (o1 + o2).sum().backward()
        log.append(("replaced", vals(a.grad), vals(b.grad)))

    run_both(scenario)


def test_backward_hook_when_no_input_requires_grad():
    def scenario(m, log):
        lin = m.nn.Linear(2, 1).double()
        lin.load_state_dict({"weight": m.ones(1, 2, dtype=m.float64), "bias": m.zeros(1, dtype=m.float64)})
        lin.register_full_backward_hook(lambda mod, gi, go: log.append(("full", vals(gi), vals(go))))
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lin(m.ones(3, 2, dtype=m.float64)).sum().backward()
        log.append([str(x.message)[:50] for x in w])
        log.append(vals(lin.weight.grad))
        bad = m.nn.Linear(2, 1)
        bad.register_full_backward_hook(lambda mod, gi, go: (m.ones(2),))
        try:
            bad(m.ones(1, 2)).sum().backward()
        except RuntimeError as e:
            log.append(str(e))

    log = run_both(scenario)
    assert "Backward hook for Modules where no input requires gradient" in log[-1]


def test_backward_hook_wrong_number_of_gradients():
    def scenario(m, log):
        for reg, hook in (("register_full_backward_hook", lambda mod, gi, go: (None, None)),
                          ("register_full_backward_pre_hook", lambda mod, go: (None, None))):
            lin = m.nn.Linear(2, 1)
            getattr(lin, reg)(hook)
            try:
                lin(m.ones(1, 2, requires_grad=True)).sum().backward()
            except RuntimeError as e:
                log.append(str(e))

    assert len(run_both(scenario)) == 2


def test_backward_hooks_with_retain_and_second_call_and_removal():
    def scenario(m, log):
        sq = m.nn.Sequential(m.nn.Identity())
        h = sq.register_full_backward_hook(lambda mod, gi, go: log.append(("h", vals(gi), vals(go))))
        x = m.tensor([3.0], requires_grad=True)
        y = sq(x * x)
        z = sq(y * y)
        z.backward(retain_graph=True)
        log.append(vals(x.grad))
        h.remove()
        z.backward()
        log.append(vals(x.grad))

    assert len(run_both(scenario)) == 6  # hooks captured at forward time still fire after remove()


def test_old_style_backward_hook_and_mixing_errors():
    def scenario(m, log):
        lin = m.nn.Linear(2, 1)
        lin.register_backward_hook(lambda mod, gi, go: log.append(("old", vals(go))))
        lin(m.ones(1, 2, requires_grad=True)).sum().backward()
        for reg in ("register_full_backward_hook",):
            try:
                getattr(lin, reg)(lambda *a: None)
            except RuntimeError as e:
                log.append(str(e))
        full = m.nn.Linear(2, 1)
        full.register_full_backward_hook(lambda *a: None)
        try:
            full.register_backward_hook(lambda *a: None)
        except RuntimeError as e:
            log.append(str(e))

    assert run_both(scenario)[0] == ("old", (("T", (1, 1), [[1.0]]),))


def test_global_full_backward_hook():
    def scenario(m, log):
        mm = m.nn.modules.module
        h1 = mm.register_module_full_backward_hook(lambda mod, gi, go: log.append(("g", type(mod).__name__,
                                                                                  vals(go))))
        h2 = mm.register_module_full_backward_pre_hook(lambda mod, go: log.append(("gpre", type(mod).__name__)))
        try:
            seq = m.nn.Sequential(m.nn.Identity(), m.nn.Identity())
            (seq(m.ones(2, requires_grad=True)) * 3).sum().backward()
            try:
                mm.register_module_backward_hook(lambda *a: None)
            except RuntimeError as e:
                log.append(str(e))
        finally:
            h1.remove()
            h2.remove()
            mm._global_is_full_backward_hook = None

    assert len(run_both(scenario)) == 7
