"""nn.Module, Parameter, containers, Linear/Bilinear/Flatten against real torch."""
import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch
from harness import assert_same, compare
from nn_models import mlp, nested, rand, to_jtorch_state, twin

import jtorch

FRAMEWORKS = (torch, jtorch)


def raised(fn):
    """(type name, message) of the exception fn raises."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return type(e).__name__, str(e)
    return None


def same_error(fn):
    t, j = raised(lambda: fn(torch)), raised(lambda: fn(jtorch))
    assert t is not None, "torch did not raise"
    assert j == t


# ------------------------------------------------------------------ layers: values and gradients vs torch
LAYERS = [
    ("linear", lambda m: m.nn.Linear(3, 4), [(5, 3)]),
    ("linear_nobias", lambda m: m.nn.Linear(3, 4, bias=False), [(2, 5, 3)]),
    ("linear_1d_input", lambda m: m.nn.Linear(3, 2), [(3,)]),
    ("bilinear", lambda m: m.nn.Bilinear(3, 5, 4), [(6, 3), (6, 5)]),
    ("bilinear_nobias_batched", lambda m: m.nn.Bilinear(2, 3, 4, bias=False), [(2, 6, 2), (2, 6, 3)]),
    ("flatten", lambda m: m.nn.Sequential(m.nn.Flatten(), m.nn.Linear(6, 2)), [(4, 2, 3)]),
    ("unflatten", lambda m: m.nn.Sequential(m.nn.Unflatten(1, (2, 3)), m.nn.Flatten(0, 1)), [(4, 6)]),
    ("identity", lambda m: m.nn.Sequential(m.nn.Identity(54, unused=1), m.nn.Linear(3, 3)), [(2, 3)]),
    ("mlp", mlp, [(4, 3)]),
]


@pytest.mark.parametrize("name,build,shapes", LAYERS, ids=[r[0] for r in LAYERS])
def test_layer_matches_torch(name, build, shapes):
    t, j = twin(build)
    xs = [rand(*s, seed=i) for i, s in enumerate(shapes)]
    tx = [torch.tensor(x, requires_grad=True) for x in xs]
    jx = [jtorch.tensor(x, requires_grad=True) for x in xs]
    tout, jout = t(*tx), j(*jx)
    assert_same(jout, tout, rtol=1e-10, atol=1e-12, what=name)
    ct = rand(*tout.shape, seed=9)
    tout.backward(torch.tensor(ct))
    jout.backward(jtorch.tensor(ct))
    for a, b in zip(jx, tx):
        assert_same(a.grad, b.grad, rtol=1e-10, atol=1e-12, what=name + " input grad")
    for (n, a), (_, b) in zip(j.named_parameters(), t.named_parameters()):
        assert_same(a.grad, b.grad, rtol=1e-10, atol=1e-12, what=f"{name} grad of {n}")


def test_default_init_bounds_match_torch():
    """Linear: kaiming_uniform_(a=sqrt(5)) weight and U(-1/sqrt(fan_in), ..) bias; Bilinear likewise."""
    for build in (lambda m: m.nn.Linear(50, 40), lambda m: m.nn.Bilinear(20, 7, 30)):
        t, j = build(torch), build(jtorch)
        bound = 1 / np.sqrt(t.weight.shape[1])
        for (n, a), (_, b) in zip(j.named_parameters(), t.named_parameters()):
            assert a.shape == b.shape and a.dtype == jtorch.float32, n
            assert float(b.detach().abs().max()) <= bound + 1e-7
            av = a.detach().numpy()
            assert np.abs(av).max() <= bound + 1e-7, n
            assert np.abs(av).max() > 0.8 * bound, n  # spread over the interval, not a constant
            assert a.requires_grad and isinstance(a, jtorch.nn.Parameter)


F_CASES = [
    ("linear_2d", lambda m, x, w, b: m.nn.functional.linear(x, w, b), [(5, 3), (4, 3), (4,)]),
    ("linear_3d", lambda m, x, w: m.nn.functional.linear(x, w), [(2, 5, 3), (4, 3)]),
    ("linear_1d_weight", lambda m, x, w: m.nn.functional.linear(x, w), [(2, 3), (3,)]),
    ("linear_2d_bias", lambda m, x, w, b: m.nn.functional.linear(x, w, b), [(2, 3), (4, 3), (2, 4)]),
    ("linear_bad_shape", lambda m, x, w: m.nn.functional.linear(x, w), [(2, 3), (4, 5)]),
    ("linear_bad_bias", lambda m, x, w, b: m.nn.functional.linear(x, w, b), [(2, 3), (4, 3), (5,)]),
    ("linear_0d", lambda m, x, w: m.nn.functional.linear(x, w), [(), ()]),
    ("bilinear", lambda m, a, b, w, c: m.nn.functional.bilinear(a, b, w, c), [(6, 3), (6, 5), (4, 3, 5), (4,)]),
    ("bilinear_1d", lambda m, a, b, w: m.nn.functional.bilinear(a, b, w), [(3,), (5,), (4, 3, 5)]),
    ("bilinear_bad_batch", lambda m, a, b, w: m.nn.functional.bilinear(a, b, w), [(2, 3), (3, 5), (4, 3, 5)]),
    ("bilinear_bad_in2", lambda m, a, b, w: m.nn.functional.bilinear(a, b, w), [(2, 3), (2, 6), (4, 3, 5)]),
]


@pytest.mark.parametrize("name,fn,shapes", F_CASES, ids=[c[0] for c in F_CASES])
def test_functional_linear(name, fn, shapes):
    compare(fn, [rand(*s, seed=i) for i, s in enumerate(shapes)], grad=True, rtol=1e-10, atol=1e-12, what=name)


@pytest.mark.parametrize("fn", [
    lambda m: m.nn.functional.linear(m.ones(2, 3), m.ones(4, 3, dtype=m.float64)),
    lambda m: m.nn.functional.linear(m.ones(2, 3), m.ones(4, 3), m.ones(4, dtype=m.float64)),
    lambda m: m.nn.functional.linear(m.ones(2, 3), m.ones(4, 4, 3)),
    lambda m: m.nn.functional.bilinear(m.ones(2, 3), m.ones(2, 5, dtype=m.float64), m.ones(4, 3, 5)),
    lambda m: m.nn.functional.bilinear(m.ones(2, 3), m.ones(2, 5), m.ones(4, 3, 5), m.ones(3)),
])
def test_functional_linear_error_messages(fn):
    same_error(fn)


def test_functional_linear_integer_dtype():
    for m in FRAMEWORKS:
        out = m.nn.functional.linear(m.arange(6).reshape(2, 3), m.ones(4, 3, dtype=m.int64))
        assert str(out.dtype).endswith("int64") and out.tolist() == [[3] * 4, [12] * 4]


# ------------------------------------------------------------------ traversal and naming
def _names(it):
    return [n for n, _ in it]


@pytest.mark.parametrize("call", [
    lambda net: _names(net.named_parameters()),
    lambda net: _names(net.named_parameters(prefix="p", recurse=True)),
    lambda net: _names(net.named_parameters(recurse=False)),
    lambda net: _names(net.named_parameters(remove_duplicate=False)),
    lambda net: _names(net.named_buffers()),
    lambda net: _names(net.named_buffers(prefix="b", remove_duplicate=False)),
    lambda net: _names(net.named_children()),
    lambda net: _names(net.named_modules()),
    lambda net: _names(net.named_modules(prefix="root", remove_duplicate=False)),
    lambda net: [type(c).__name__ for c in net.children()],
    lambda net: [type(c).__name__ for c in net.modules()],
    lambda net: [tuple(p.shape) for p in net.parameters()],
    lambda net: [tuple(b.shape) for b in net.buffers(recurse=False)],
    lambda net: list(net.state_dict().keys()),
    lambda net: list(net.state_dict(prefix="x.").keys()),
    lambda net: list(net.state_dict()._metadata.items()),
    lambda net: list(net.blocks[0].state_dict().keys()),
    lambda net: type(net.get_submodule("blocks.1.fc")).__name__,
    lambda net: tuple(net.get_parameter("heads.b.weight").shape),
    lambda net: tuple(net.get_buffer("blocks.0.steps").shape),
    lambda net: sorted(k for k in dir(net) if not k.startswith("_") and k not in _TORCH_ONLY),
    lambda net: [net.training] + [m.training for m in net.eval().modules()] + [m.training for m in net.train().modules()],
    lambda net: [m.training for m in net.blocks.eval().modules()] + [net.training, net.inp.training],
])
def test_traversal_matches_torch(call):
    assert call(nested(jtorch)) == call(nested(torch))


# Module methods of torch this package does not define (other accelerators, TorchScript, FX helpers)
_TORCH_ONLY = {"ipu", "xpu", "mtia", "register_module", "T_destination", "dump_patches"} | {
    n for n in dir(torch.nn.Module) if not n.startswith("_") and not hasattr(jtorch.nn.Module, n)}


def test_module_surface_covers_torch():
    missing = {n for n in dir(torch.nn.Module) if not n.startswith("_") and not hasattr(jtorch.nn.Module, n)}
    assert missing <= {"ipu", "xpu", "mtia", "T_destination"}, missing


@pytest.mark.parametrize("fn", [
    lambda m: setattr(m.nn.Linear(2, 3), "weight", m.ones(3, 2)),
    lambda m: setattr(m.nn.Sequential(m.nn.Linear(1, 1)), "0", m.ones(1)),
    lambda m: m.nn.Linear(2, 3).register_buffer("weight", m.ones(1)),
    lambda m: m.nn.Linear(2, 3).register_buffer("a.b", m.ones(1)),
    lambda m: m.nn.Linear(2, 3).register_buffer("", m.ones(1)),
    lambda m: m.nn.Linear(2, 3).register_buffer("x", 3),
    lambda m: m.nn.Linear(2, 3).register_parameter("x", m.ones(1)),
    lambda m: m.nn.Linear(2, 3).register_parameter("x", m.nn.Parameter(m.ones(1)) * 2),
    lambda m: m.nn.Linear(2, 3).register_parameter("in_features", None),
    lambda m: m.nn.Linear(2, 3).add_module("a.b", m.nn.Linear(1, 1)),
    lambda m: m.nn.Linear(2, 3).add_module("x", 3),
    lambda m: m.nn.Linear(2, 3).add_module(3, m.nn.Linear(1, 1)),
    lambda m: m.nn.Linear(2, 3).get_submodule("foo"),
    lambda m: m.nn.Sequential(m.nn.Linear(1, 1)).get_submodule("0.weight"),
    lambda m: m.nn.Linear(2, 3).get_parameter("in_features"),
    lambda m: m.nn.Linear(2, 3).get_buffer("weight"),
    lambda m: m.nn.Linear(2, 3).nope,
    lambda m: m.nn.Linear(2, 3).train("yes"),
    lambda m: m.nn.Linear(2, 3).to(m.int64),
    lambda m: m.nn.Module()(1),
    lambda m: m.nn.Module(3),
    lambda m: m.nn.Module(foo=3),
    lambda m: m.nn.Linear(2, 3).load_state_dict([1]),
    lambda m: m.nn.Parameter(m.tensor([1, 2])),
])
def test_registration_errors_match_torch(fn):
    same_error(fn)


def test_attribute_assignment_semantics():
    for m in FRAMEWORKS:
        lin = m.nn.Linear(2, 3)
        lin.bias = None
        assert lin.bias is None and "bias" in lin._parameters
        lin.extra = m.nn.Parameter(m.ones(2))
        lin.buf = m.nn.Buffer(m.zeros(1), persistent=False)
        lin.sub = m.nn.Identity()
        assert list(lin.state_dict()) == ["weight", "extra"]
        lin.buf = m.ones(3)  # stays a (non-persistent) buffer
        assert "buf" in lin._buffers and "buf" in lin._non_persistent_buffers_set
        lin.sub = None
        assert lin._modules["sub"] is None
        lin.buf2 = m.nn.Identity()
        lin.buf2 = m.nn.Parameter(m.ones(1))  # a module name rebound to a parameter moves registries
        assert "buf2" in lin._parameters and "buf2" not in lin._modules
        del lin.extra, lin.buf, lin.weight, lin.buf2
        assert list(lin.state_dict()) == [] and not hasattr(lin, "buf")


# ------------------------------------------------------------------ state_dict / load_state_dict
def test_state_dict_shares_storage_and_is_detached():
    net = nested(jtorch)
    sd = net.state_dict()
    assert isinstance(sd, OrderedDict)
    w = sd["inp.weight"]
    assert not w.requires_grad and w.grad_fn is None
    with jtorch.no_grad():
        net.inp.weight.mul_(0)
    assert float(w.abs().sum()) == 0.0  # sees the parameter's in-place change
    w.add_(1)
    assert float(net.inp.weight.sum()) == 12.0  # and writes through to it
    kv = net.state_dict(keep_vars=True)
    assert kv["inp.weight"] is net.inp.weight and kv["blocks.0.steps"] is net.blocks[0].steps


def test_load_state_dict_roundtrip_and_dtype_cast():
    t, j = twin(nested, dtype="float32")
    sd = {k: v.double() for k, v in to_jtorch_state(t.state_dict()).items()}
    w = j.inp.weight
    res = j.load_state_dict(sd)
    assert j.inp.weight is w and w.dtype == jtorch.float32  # copied in place, cast to the parameter's dtype
    assert repr(res) == repr(t.load_state_dict(t.state_dict())) == "<All keys matched successfully>"
    assert res.missing_keys == [] and res.unexpected_keys == []
    x = rand(2, 3).astype(np.float32)
    assert_same(j(jtorch.tensor(x)), t(torch.tensor(x)), rtol=1e-5, atol=1e-6)


def _mangle(sd):
    sd = OrderedDict(sd)
    del sd["inp.bias"], sd["blocks.1.steps"]
    sd["blocks.0.fc.extra"] = sd["scale"]
    sd["foo"] = sd["scale"]
    sd["heads.a.weight"] = sd["heads.a.weight"][:2]
    sd["scale"] = sd["scale"].reshape(1, 1)
    return sd


def test_load_state_dict_errors_match_torch():
    t, j = nested(torch), nested(jtorch)
    tsd, jsd = _mangle(t.state_dict()), _mangle(j.state_dict())
    terr = raised(lambda: t.load_state_dict(tsd))
    jerr = raised(lambda: j.load_state_dict(jsd))
    assert terr[1].startswith("Error(s) in loading state_dict for Net:\n\tMissing key(s) in state_dict: ")
    assert jerr == terr
    t2, j2 = nested(torch), nested(jtorch)
    del tsd["heads.a.weight"], jsd["heads.a.weight"], tsd["scale"], jsd["scale"]
    tres, jres = t2.load_state_dict(tsd, strict=False), j2.load_state_dict(jsd, strict=False)
    assert jres == tres and repr(jres) == repr(tres)
    assert sorted(jres.missing_keys) == ["blocks.1.steps", "heads.a.weight", "inp.bias", "scale"]
    assert jres.unexpected_keys == ["foo", "blocks.0.fc.extra"]


def test_load_state_dict_messages():
    lin_t, lin_j = torch.nn.Linear(3, 4), jtorch.nn.Linear(3, 4)
    for m, lin in ((torch, lin_t), (jtorch, lin_j)):
        lin.load_state_dict({"weight": m.ones(4, 3)}, strict=False)
    assert raised(lambda: lin_j.load_state_dict({"weight": jtorch.ones(3, 3)})) == \
        raised(lambda: lin_t.load_state_dict({"weight": torch.ones(3, 3)}))
    assert raised(lambda: lin_j.load_state_dict({"weight": np.ones((4, 3)), "bias": jtorch.ones(4)})) == \
        raised(lambda: lin_t.load_state_dict({"weight": np.ones((4, 3)), "bias": torch.ones(4)}))


@pytest.mark.parametrize("m", FRAMEWORKS, ids=["torch", "jtorch"])
def test_load_state_dict_assign_and_scalar_unsqueeze(m):
    lin = m.nn.Linear(2, 2)
    new_w = m.full((2, 2), 3.0)
    lin.load_state_dict({"weight": new_w, "bias": m.zeros(2)}, assign=True)
    assert isinstance(lin.weight, m.nn.Parameter) and lin.weight.requires_grad
    assert float(lin.weight.detach().sum()) == 12.0

    class S(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.s = m.nn.Parameter(m.tensor(1.0))

    s = S()
    s.load_state_dict({"s": m.tensor([5.0])})  # a (1,) tensor fills a 0-d parameter
    assert float(s.s.detach()) == 5.0


def test_state_dict_hooks_and_extra_state():
    def run(m):
        L = []

        class E(m.nn.Module):
            def __init__(self):
                super().__init__()
                self.lin = m.nn.Linear(1, 1)
                self.state = 7

            def get_extra_state(self):
                return {"state": self.state}

            def set_extra_state(self, s):
                self.state = s["state"]

        e = E()
        e.register_state_dict_pre_hook(lambda mod, prefix, kv: L.append(("pre", prefix, kv)))
        e.register_state_dict_post_hook(lambda mod, sd, prefix, meta: L.append(("post", list(sd), dict(meta))))
        e.register_load_state_dict_pre_hook(lambda mod, sd, prefix, *a: L.append(("lpre", type(mod).__name__,
                                                                                   sorted(sd))))
        e.register_load_state_dict_post_hook(lambda mod, keys: L.append(("lpost", repr(keys))))
        sd = e.state_dict()
        L.append(sorted(sd))
        sd["_extra_state"] = {"state": 9}
        e.load_state_dict(sd)
        L.append(e.state)
        del sd["_extra_state"]
        L.append(raised(lambda: e.load_state_dict(sd)))
        return L

    assert run(jtorch) == run(torch)


# ------------------------------------------------------------------ conversion
def test_to_double_keeps_parameter_identity():
    net = nested(jtorch)
    params = list(net.parameters())
    net.inp.weight.grad = jtorch.ones(4, 3)
    grad = net.inp.weight.grad
    steps = net.blocks[0].steps
    assert net.to(jtorch.float64) is net
    assert [p is q for p, q in zip(params, net.parameters())] == [True] * len(params)
    assert all(p.dtype == jtorch.float64 for p in net.parameters())
    assert net.inp.weight.grad is grad and grad.dtype == jtorch.float64
    assert net.blocks[0].steps.dtype == jtorch.float64 and net.blocks[0].steps is not steps
    net.float()
    assert all(p.dtype == jtorch.float32 for p in net.parameters())
    net.half().bfloat16()
    assert net.inp.weight.dtype == jtorch.bfloat16
    net.to(dtype=jtorch.float32, device="cpu").cpu().type(jtorch.float64)
    assert net.inp.weight.dtype == jtorch.float64 and net.inp.weight.is_leaf


def test_to_leaves_integer_buffers_and_matches_torch():
    for m in FRAMEWORKS:
        lin = m.nn.Linear(2, 2)
        lin.register_buffer("count", m.zeros(2, dtype=m.int64))
        lin.to(m.float64)
        assert str(lin.count.dtype).endswith("int64") and str(lin.weight.dtype).endswith("float64")
        lin.double().float()
        assert str(lin.weight.dtype).endswith("float32")


def test_zero_grad_and_requires_grad():
    for m in FRAMEWORKS:
        lin = m.nn.Linear(2, 2)
        lin(m.ones(1, 2)).sum().backward()
        g = lin.weight.grad
        lin.zero_grad(set_to_none=False)
        assert lin.weight.grad is g and float(g.abs().sum()) == 0.0
        lin.zero_grad()
        assert lin.weight.grad is None
        lin.requires_grad_(False)
        assert [p.requires_grad for p in lin.parameters()] == [False, False]


# ------------------------------------------------------------------ reprs
REPRS = [
    lambda m: nested(m),
    lambda m: m.nn.Sequential(OrderedDict(first=m.nn.Linear(2, 2), second=m.nn.Sequential())),
    lambda m: m.nn.ModuleList([m.nn.Linear(1, 1)] * 3 + [m.nn.Identity(), m.nn.Linear(1, 1), m.nn.Linear(1, 1)]),
    lambda m: m.nn.ModuleList(),
    lambda m: m.nn.ModuleDict(),
    lambda m: m.nn.Unflatten(1, (2, 3)),
    lambda m: m.nn.Flatten(0, 2),
    lambda m: m.nn.ParameterList([m.nn.Parameter(m.ones(2, 3)), m.ones(4, dtype=m.float64)]),
    lambda m: m.nn.ParameterDict({"b": m.ones(2, 3), "a": m.nn.Parameter(m.zeros(1))}),
    lambda m: m.nn.DataParallel(m.nn.Linear(2, 3)),
    lambda m: m.nn.Linear(3, 1, bias=False),
]


@pytest.mark.parametrize("build", REPRS)
def test_repr_matches_torch(build):
    assert repr(build(jtorch)) == repr(build(torch))


def test_extra_repr_multiline_and_incompatible_keys_repr():
    for m in FRAMEWORKS:
        class Two(m.nn.Module):
            def extra_repr(self):
                return "a=1\nb=2"
        assert repr(Two()) == "Two(\n  a=1\n  b=2\n)"
    keys = jtorch.nn.modules.module._IncompatibleKeys(["a"], [])
    assert repr(keys) == repr(torch.nn.modules.module._IncompatibleKeys(["a"], []))


# ------------------------------------------------------------------ containers
SEQ_OPS = [
    lambda s: [type(x).__name__ for x in s],
    lambda s: (type(s[-1]).__name__, type(s[0]).__name__, len(s)),
    lambda s: repr(s[1:]),
    lambda s: repr(s[::-2]),
    lambda s: (s.__setitem__(-1, s[0]), repr(s))[1],
    lambda s: (s.__delitem__(1), repr(s))[1],
    lambda s: (s.__delitem__(slice(0, 2)), repr(s))[1],
    lambda s: (s.insert(1, s[0]), s.insert(-1, s[2]), repr(s))[2],
    lambda s: (repr(s.pop(0)), repr(s)),
    lambda s: (s.append(s[0]).extend([s[1]]), repr(s))[1],
    lambda s: repr(s + s),
    lambda s: repr(s * 2),
    lambda s: repr(2 * s),
    lambda s: (s.__imul__(2), repr(s))[1],
    lambda s: (s.__iadd__(s[:1]), repr(s))[1],
    lambda s: s[5],
    lambda s: s + [1],
    lambda s: s * 0,
    lambda s: s.insert(7, s[0]),
]


@pytest.mark.parametrize("op", SEQ_OPS)
def test_sequential_ops(op):
    def build(m):
        return m.nn.Sequential(m.nn.Linear(1, 2), m.nn.Identity(), m.nn.Flatten())
    try:
        expected = op(build(torch))
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            op(build(jtorch))
        return
    assert op(build(jtorch)) == expected


LIST_OPS = [
    lambda l, m: repr(l[1:]),
    lambda l, m: (l.insert(1, m.nn.Identity()), repr(l))[1],
    lambda l, m: (l.__delitem__(slice(None, None, 2)), repr(l))[1],
    lambda l, m: (repr(l.pop(-1)), repr(l)),
    lambda l, m: repr(l + [m.nn.Flatten()]),
    lambda l, m: (l.__iadd__([m.nn.Identity()]), l.extend((m.nn.Identity(),)), repr(l))[2],
    lambda l, m: (l.__setitem__(0, m.nn.Identity()), repr(l), len(l))[1:],
    lambda l, m: l.extend(3),
    lambda l, m: l[10],
]


@pytest.mark.parametrize("op", LIST_OPS)
def test_module_list_ops(op):
    def run(m):
        return op(m.nn.ModuleList([m.nn.Linear(1, 1), m.nn.Linear(1, 2), m.nn.Linear(1, 3)]), m)
    try:
        expected = run(torch)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            run(jtorch)
        return
    assert run(jtorch) == expected


def test_module_dict_and_parameter_containers():
    def run(m):
        d = m.nn.ModuleDict([("x", m.nn.Linear(1, 1)), ("y", m.nn.Identity())])
        d.update({"z": m.nn.Flatten()})
        r = [list(d.keys()), "x" in d, "q" in d, len(d), repr(d.pop("x")), [type(v).__name__ for v in d.values()],
             [k for k, _ in d.items()], list(d)]
        d.clear()
        r.append(len(d))
        r.append(raised(lambda: d.update([("a",)])))
        pl = m.nn.ParameterList([m.ones(2), m.nn.Parameter(m.zeros(3))])
        pl.append(m.ones(1))
        r += [len(pl), [type(p).__name__ for p in pl], repr(pl[1:]), _names(pl.named_parameters())]
        r.append(raised(lambda: pl(1)))
        pd = m.nn.ParameterDict({"w": m.ones(2)})
        pd["b"] = m.zeros(1)
        pd.setdefault("c", m.ones(3))
        r += [list(pd.keys()), "b" in pd, pd.get("nope", 5), type(pd["w"]).__name__, repr(pd | pd), len(pd)]
        r += [pd.popitem()[0], list(pd), repr(pd.copy()), list(reversed(pd)), raised(lambda: pd[3])]
        return r

    assert run(jtorch) == run(torch)


# ------------------------------------------------------------------ pickling, deepcopy, DataParallel
def test_deepcopy_and_pickle_roundtrip():
    t, j = twin(nested)
    x = jtorch.tensor(rand(2, 3))
    expected = j(x)
    for clone in (copy.deepcopy(j), pickle.loads(pickle.dumps(j))):
        assert repr(clone) == repr(j)
        assert clone.tied is clone.heads["a"]  # sharing survives
        assert all(isinstance(p, jtorch.nn.Parameter) for p in clone.parameters())
        pairs = list(zip(clone.parameters(), j.parameters()))
        assert len(pairs) == len(list(t.parameters())) and not any(p is q for p, q in pairs)
        assert_same(clone(x), torch.tensor(expected.detach().numpy()), rtol=0, atol=0)
        assert list(clone.state_dict()) == list(t.state_dict())


def test_parameter_pickle_and_deepcopy_match_torch():
    for m in FRAMEWORKS:
        p = m.nn.Parameter(m.ones(2), requires_grad=False)
        p.grad = m.ones(2)
        p.tag = "x"
        d, q = copy.deepcopy(p), pickle.loads(pickle.dumps(p))
        assert type(d) is m.nn.Parameter and type(q) is m.nn.Parameter
        assert (d.grad, getattr(d, "tag", None), d.requires_grad) == (None, None, False)
        assert (q.grad, q.tag, q.requires_grad) == (None, "x", False)


def test_data_parallel_prefixes_state_dict():
    t, j = torch.nn.DataParallel(mlp(torch)), jtorch.nn.DataParallel(mlp(jtorch), device_ids=None, dim=0)
    assert list(j.state_dict()) == list(t.state_dict())
    j.load_state_dict(to_jtorch_state(t.state_dict()))
    x = rand(4, 3).astype(np.float32)
    assert_same(j(jtorch.tensor(x)), t(torch.tensor(x)), rtol=1e-5, atol=1e-6)
    assert isinstance(j.module, jtorch.nn.Sequential) and j.dim == 0
