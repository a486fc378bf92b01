"""Embeddings (F.embedding, F.embedding_bag, F.one_hot, torch.embedding, Embedding, EmbeddingBag) against
real torch: values, gradients of weights and per-sample weights, in-place renormalisation, errors."""
import numpy as np
import pytest
import torch
from harness import assert_same, compare
from nn_models import to_jtorch_state
from nn_module_db import case_id, cases, run_case

import jtorch

W = np.random.default_rng(0).standard_normal((10, 4)) * 2
IDX = np.array([[1, 2, 4, 5], [4, 3, 2, 9], [0, 2, 2, 7]])
FLAT = np.array([1, 2, 4, 5, 4, 3, 2, 9, 2, 2, 0])
OFFS = np.array([0, 3, 3, 7])  # bag 1 is empty
PSW = np.random.default_rng(1).standard_normal(12)


def _emb(**kw):
    return lambda m, w, i: m.nn.functional.embedding(i, w, **kw)


def _renormed(**kw):
    # the in-place renormalisation of weight is part of the result (compared as values)
    return lambda m, w, i: (m.nn.functional.embedding(i, w, **kw), w.detach().clone())


EMBEDDING = [
    ("basic", _emb(), [W, IDX]),
    ("1d", _emb(), [W, FLAT]),
    ("0d", _emb(), [W, np.array(3)]),
    ("int32", _emb(), [W, IDX.astype(np.int32)]),
    ("padding_idx", _emb(padding_idx=2), [W, IDX]),
    ("padding_idx_negative", _emb(padding_idx=-1), [W, IDX]),
    ("padding_idx_zero", _emb(padding_idx=0), [W, IDX]),
    ("scale_grad_by_freq", _emb(scale_grad_by_freq=True), [W, IDX]),
    ("scale_and_padding", _emb(scale_grad_by_freq=True, padding_idx=4), [W, IDX]),
    ("max_norm", _renormed(max_norm=1.5), [W, IDX]),
    ("max_norm_p1", _renormed(max_norm=2.0, norm_type=1.0), [W, IDX]),
    ("max_norm_inf", _renormed(max_norm=0.5, norm_type=float("inf")), [W, IDX]),
    ("max_norm_large", _renormed(max_norm=100.0), [W, IDX]),
    ("float32", _emb(padding_idx=1), [W.astype(np.float32), IDX]),
    ("torch.embedding", lambda m, w, i: m.embedding(w, i), [W, IDX]),
    ("torch.embedding_padding", lambda m, w, i: m.embedding(w, i, 2, True), [W, IDX]),
    ("empty_indices", _emb(), [W, np.zeros((0, 3), np.int64)]),
]


@pytest.mark.parametrize("name,fn,arrays", EMBEDDING, ids=[r[0] for r in EMBEDDING])
def test_embedding(name, fn, arrays):
    rtol = 1e-7 if "max_norm" in name else 1e-6 if name == "float32" else 1e-12
    compare(fn, arrays, grad=True, rtol=rtol, atol=1e-12, what=name)


def _bag(**kw):
    return lambda m, w, i, o: m.nn.functional.embedding_bag(i, w, o, **kw)


def _bag_psw(**kw):
    return lambda m, w, i, o, s: m.nn.functional.embedding_bag(i, w, o, per_sample_weights=s, **kw)


BAG = [
    ("mean", _bag(), [W, FLAT, OFFS]),
    ("sum", _bag(mode="sum"), [W, FLAT, OFFS]),
    ("max", _bag(mode="max"), [W, FLAT, OFFS]),
    ("max_repeated_rows", _bag(mode="max"), [W, np.array([3, 3, 1, 1, 3]), np.array([0, 2])]),
    ("mean_include_last", _bag(include_last_offset=True), [W, FLAT, OFFS]),
    ("sum_include_last_full", _bag(mode="sum", include_last_offset=True), [W, FLAT, np.array([0, 4, 11])]),
    ("max_include_last", _bag(mode="max", include_last_offset=True), [W, FLAT, OFFS]),
    ("padding_mean", _bag(padding_idx=2), [W, FLAT, OFFS]),
    ("padding_sum_negative", _bag(mode="sum", padding_idx=-8), [W, FLAT, OFFS]),
    ("padding_max", _bag(mode="max", padding_idx=4), [W, FLAT, OFFS]),
    ("padding_whole_bag", _bag(padding_idx=2), [W, np.array([2, 2, 1]), np.array([0, 2])]),
    ("psw_sum", _bag_psw(mode="sum"), [W, FLAT, OFFS, PSW[:11]]),
    ("psw_sum_padding", _bag_psw(mode="sum", padding_idx=4), [W, FLAT, OFFS, PSW[:11]]),
    ("int32", _bag(mode="sum"), [W, FLAT.astype(np.int32), OFFS.astype(np.int32)]),
    ("float32", _bag(), [W.astype(np.float32), FLAT, OFFS]),
    ("single_bag", _bag(mode="max"), [W, FLAT, np.array([0])]),
    ("2d_mean", lambda m, w, i: m.nn.functional.embedding_bag(i, w), [W, IDX]),
    ("2d_max", lambda m, w, i: m.nn.functional.embedding_bag(i, w, mode="max"), [W, IDX]),
    ("2d_psw", lambda m, w, i, s: m.nn.functional.embedding_bag(i, w, mode="sum", per_sample_weights=s),
     [W, IDX, PSW[:12].reshape(3, 4)]),
    ("max_norm", lambda m, w, i, o: (m.nn.functional.embedding_bag(i, w, o, max_norm=1.0), w.detach().clone()),
     [W, FLAT, OFFS]),
]


@pytest.mark.parametrize("name,fn,arrays", BAG, ids=[r[0] for r in BAG])
def test_embedding_bag(name, fn, arrays):
    rtol = 1e-7 if name == "max_norm" else 1e-6 if name == "float32" else 1e-12
    compare(fn, arrays, grad=True, rtol=rtol, atol=1e-12, what=name)


@pytest.mark.parametrize("mode,padding_idx", [("mean", None), ("sum", 2), ("sum", None)])
def test_embedding_bag_scale_grad_by_freq(mode, padding_idx):
    """Values equal torch's; the gradient is the documented one (each row's gradient divided by its
    index's frequency), built in torch from F.embedding(scale_grad_by_freq=True). torch's own
    embedding_bag backward divides by the frequency of the i-th index in sorted order instead."""
    compare(_bag(mode=mode, scale_grad_by_freq=True, padding_idx=padding_idx), [W, FLAT, OFFS], rtol=1e-12,
            atol=1e-12)
    tw = torch.tensor(W, requires_grad=True)
    rows = torch.nn.functional.embedding(torch.tensor(FLAT), tw, padding_idx=padding_idx, scale_grad_by_freq=True)
    bags = [(0, 3), (3, 3), (3, 7), (7, 11)]
    keep = [[k for k in range(a, b) if FLAT[k] != padding_idx] for a, b in bags]
    ref = torch.stack([rows[k].sum(0) / (max(len(k), 1) if mode == "mean" else 1) if k else rows[0] * 0
                       for k in keep])
    g = np.random.default_rng(2).standard_normal(tuple(ref.shape))
    ref.backward(torch.tensor(g))
    jw = jtorch.tensor(W).requires_grad_()
    out = jtorch.nn.functional.embedding_bag(jtorch.tensor(FLAT), jw, jtorch.tensor(OFFS), mode=mode,
                                             scale_grad_by_freq=True, padding_idx=padding_idx)
    assert_same(out, ref.detach(), 1e-12, 1e-12)
    out.backward(jtorch.tensor(g))
    assert_same(jw.grad, tw.grad, 1e-12, 1e-12)


ONE_HOT = [
    ("infer", lambda m, x: m.nn.functional.one_hot(x), [np.array([0, 3, 1])]),
    ("given", lambda m, x: m.nn.functional.one_hot(x, 6), [np.array([[0, 3], [1, 5]])]),
    ("scalar", lambda m, x: m.nn.functional.one_hot(x, 4), [np.array(2)]),
    ("empty_given", lambda m, x: m.nn.functional.one_hot(x, 3), [np.zeros((0, 2), np.int64)]),
]


@pytest.mark.parametrize("name,fn,arrays", ONE_HOT, ids=[r[0] for r in ONE_HOT])
def test_one_hot(name, fn, arrays):
    compare(fn, arrays, jit=name not in ("infer",), what=name)


def test_one_hot_under_jit():
    from jtorch.testing import jit_apply
    x = jtorch.tensor([0, 3, 1])
    with pytest.raises(RuntimeError, match="num_classes=-1"):
        jit_apply(lambda t: jtorch.nn.functional.one_hot(t), x)
    assert_same(jit_apply(lambda t: jtorch.nn.functional.one_hot(t, 5), x),
                torch.nn.functional.one_hot(torch.tensor([0, 3, 1]), 5))


ERRORS = [
    ("float_indices", lambda m, w, i: m.nn.functional.embedding(i.double(), w)),
    ("out_of_range", lambda m, w, i: m.nn.functional.embedding(i + 7, w)),
    ("negative_index", lambda m, w, i: m.nn.functional.embedding(i - 3, w)),
    ("weight_1d", lambda m, w, i: m.nn.functional.embedding(i, w[0])),
    ("weight_3d", lambda m, w, i: m.nn.functional.embedding(i, w[None])),
    ("padding_too_large", lambda m, w, i: m.nn.functional.embedding(i, w, padding_idx=10)),
    ("padding_too_small", lambda m, w, i: m.nn.functional.embedding(i, w, padding_idx=-11)),
    ("torch.embedding_float_indices", lambda m, w, i: m.embedding(w, i.float())),
    ("bag_offsets_start", lambda m, w, i: m.nn.functional.embedding_bag(i[0], w, m.tensor([1, 2]))),
    ("bag_offsets_end", lambda m, w, i: m.nn.functional.embedding_bag(i[0], w, m.tensor([0, 9]))),
    ("bag_index_range", lambda m, w, i: m.nn.functional.embedding_bag(i[0] + 6, w, m.tensor([0]))),
    ("bag_2d_with_offsets", lambda m, w, i: m.nn.functional.embedding_bag(i, w, m.tensor([0]))),
    ("bag_1d_without_offsets", lambda m, w, i: m.nn.functional.embedding_bag(i[0], w)),
    ("bag_offsets_2d", lambda m, w, i: m.nn.functional.embedding_bag(i[0], w, i)),
    ("bag_3d_input", lambda m, w, i: m.nn.functional.embedding_bag(i[None], w)),
    ("bag_bad_mode", lambda m, w, i: m.nn.functional.embedding_bag(i, w, mode="min")),
    ("bag_max_scale_grad", lambda m, w, i: m.nn.functional.embedding_bag(i, w, mode="max", scale_grad_by_freq=True)),
    ("bag_max_sparse", lambda m, w, i: m.nn.functional.embedding_bag(i, w, mode="max", sparse=True)),
    ("bag_psw_mean", lambda m, w, i: m.nn.functional.embedding_bag(i, w, per_sample_weights=i.double())),
    ("bag_psw_shape", lambda m, w, i: m.nn.functional.embedding_bag(i, w, mode="sum",
                                                                   per_sample_weights=i[0].double())),
    ("bag_psw_dtype", lambda m, w, i: m.nn.functional.embedding_bag(i, w, mode="sum",
                                                                   per_sample_weights=i.float())),
    ("bag_weight_1d", lambda m, w, i: m.nn.functional.embedding_bag(i, w[0])),
    ("bag_padding_range", lambda m, w, i: m.nn.functional.embedding_bag(i, w, padding_idx=10)),
    ("bag_float_indices", lambda m, w, i: m.nn.functional.embedding_bag(i.double(), w.double().long())),
    ("one_hot_negative", lambda m, w, i: m.nn.functional.one_hot(i - 2)),
    ("one_hot_too_small", lambda m, w, i: m.nn.functional.one_hot(i, 5)),
    ("one_hot_zero_classes", lambda m, w, i: m.nn.functional.one_hot(i, 0)),
    ("one_hot_minus_two", lambda m, w, i: m.nn.functional.one_hot(i, -2)),
    ("one_hot_int32", lambda m, w, i: m.nn.functional.one_hot(i.int())),
    ("one_hot_empty_infer", lambda m, w, i: m.nn.functional.one_hot(i[:0])),
    ("module_padding", lambda m, w, i: m.nn.Embedding(10, 3, padding_idx=10)),
    ("module_padding_negative", lambda m, w, i: m.nn.Embedding(10, 3, padding_idx=-11)),
    ("module_weight_shape", lambda m, w, i: m.nn.Embedding(10, 3, _weight=m.zeros(9, 3))),
    ("bag_module_padding", lambda m, w, i: m.nn.EmbeddingBag(10, 3, padding_idx=12)),
    ("from_pretrained_1d", lambda m, w, i: m.nn.Embedding.from_pretrained(w[0])),
    ("bag_from_pretrained_3d", lambda m, w, i: m.nn.EmbeddingBag.from_pretrained(w[None])),
]


@pytest.mark.parametrize("name,fn", ERRORS, ids=[r[0] for r in ERRORS])
def test_errors(name, fn):
    compare(fn, [W, IDX], jit=False, what=name)


def test_error_messages_match():
    for fn in [lambda m, w, i: m.nn.functional.embedding(i.double(), w),
               lambda m, w, i: m.nn.functional.embedding(i + 7, w),
               lambda m, w, i: m.nn.functional.embedding_bag(i, w, padding_idx=10),
               lambda m, w, i: m.nn.functional.one_hot(i - 2), lambda m, w, i: m.nn.functional.one_hot(i, 3)]:
        with pytest.raises(Exception) as te:
            fn(torch, torch.tensor(W), torch.tensor(IDX))
        with pytest.raises(Exception) as je:
            fn(jtorch, jtorch.tensor(W), jtorch.tensor(IDX))
        assert (type(je.value), str(je.value)) == (type(te.value), str(te.value))


def test_sparse_gradient_is_not_implemented():
    w = jtorch.tensor(W).requires_grad_()
    i = jtorch.tensor(IDX)
    with pytest.raises(NotImplementedError, match="sparse"):
        jtorch.nn.functional.embedding(i, w, sparse=True)
    with pytest.raises(NotImplementedError, match="sparse"):
        jtorch.nn.functional.embedding_bag(i, w, sparse=True)
    with jtorch.no_grad():  # no gradient to be sparse: the values are the same as torch's
        out = jtorch.nn.functional.embedding(i, w, sparse=True)
    assert_same(out, torch.nn.functional.embedding(torch.tensor(IDX), torch.tensor(W), sparse=True))


def test_renorm_is_in_place_under_no_grad():
    w = jtorch.tensor(W).requires_grad_()
    tw = torch.tensor(W, requires_grad=True)
    v = w._version
    out = jtorch.nn.functional.embedding(jtorch.tensor(IDX), w, max_norm=1.0)
    tout = torch.nn.functional.embedding(torch.tensor(IDX), tw, max_norm=1.0)
    assert w._version > v and w.grad_fn is None and w.is_leaf
    assert_same(w.detach(), tw.detach(), 1e-7, 1e-12)
    touched = np.unique(IDX)
    norms = np.linalg.norm(w.detach().numpy(), axis=1)
    assert (norms[touched] <= 1.0 + 1e-6).all()
    untouched = np.setdiff1d(np.arange(10), touched)
    np.testing.assert_array_equal(w.detach().numpy()[untouched], W[untouched])
    out.sum().backward()
    tout.sum().backward()
    assert_same(w.grad, tw.grad)
    # torch.embedding_renorm_ itself
    a, b = jtorch.tensor(W), torch.tensor(W)
    assert jtorch.embedding_renorm_(a, jtorch.tensor([1, 3]), 0.7, 3.0) is a
    torch.embedding_renorm_(b, torch.tensor([1, 3]), 0.7, 3.0)
    assert_same(a, b, 1e-7, 1e-12)


def test_grad_fn_names():
    for fn in [lambda m, w: m.nn.functional.embedding(m.tensor(IDX), w),
               lambda m, w: m.nn.functional.embedding_bag(m.tensor(IDX), w)]:
        assert fn(jtorch, jtorch.tensor(W, requires_grad=True)).grad_fn.name() == \
            fn(torch, torch.tensor(W, requires_grad=True)).grad_fn.name()


def test_double_backward():
    w = jtorch.tensor(W).requires_grad_()
    tw = torch.tensor(W, requires_grad=True)
    outs = []
    for m, wt in ((jtorch, w), (torch, tw)):
        y = m.nn.functional.embedding(m.tensor(IDX), wt, scale_grad_by_freq=True, padding_idx=2)
        (g,) = m.autograd.grad((y ** 2).sum(), wt, create_graph=True)
        (gg,) = m.autograd.grad(g.sum(), wt)
        outs.append((g, gg))
    assert_same(outs[0][0], outs[1][0])
    assert_same(outs[0][1], outs[1][1])


# ------------------------------------------------------------------ modules
CASES = cases(["Embedding"])


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_module_db(case):
    run_case(*case, jit=True)


MODULES = [
    lambda m: m.nn.Embedding(10, 4), lambda m: m.nn.Embedding(10, 4, padding_idx=3),
    lambda m: m.nn.Embedding(10, 4, padding_idx=-2, max_norm=1.5, norm_type=3.0, scale_grad_by_freq=True),
    lambda m: m.nn.Embedding(10, 4, max_norm=2.0, norm_type=1),
    lambda m: m.nn.EmbeddingBag(10, 4), lambda m: m.nn.EmbeddingBag(10, 4, mode="sum", padding_idx=-1),
    lambda m: m.nn.EmbeddingBag(10, 4, max_norm=1.0, norm_type=1.5),
    lambda m: m.nn.EmbeddingBag(10, 4, mode="max", include_last_offset=True, padding_idx=0),
]


@pytest.mark.parametrize("k", range(len(MODULES)))
def test_module_state_dict_forward_backward(k):
    torch.manual_seed(k)
    t = MODULES[k](torch).double()
    j = MODULES[k](jtorch).double()
    assert repr(j) == repr(t)
    assert list(j.state_dict()) == list(t.state_dict()) == ["weight"]
    j.load_state_dict(to_jtorch_state(t.state_dict()))
    bag = isinstance(t, torch.nn.EmbeddingBag)
    targs = (torch.tensor(FLAT), torch.tensor(OFFS)) if bag else (torch.tensor(IDX),)
    jargs = tuple(jtorch.tensor(a.numpy()) for a in targs)
    tout, jout = t(*targs), j(*jargs)
    assert_same(jout, tout, 1e-7, 1e-10, what=repr(t))
    g = np.random.default_rng(k).standard_normal(tuple(tout.shape))
    tout.backward(torch.tensor(g))
    jout.backward(jtorch.tensor(g))
    assert_same(j.weight.grad, t.weight.grad, 1e-7, 1e-10, what=repr(t) + " grad")
    assert_same(j.weight.detach(), t.weight.detach(), 1e-7, 1e-10, what=repr(t) + " weight after")


def test_module_init_and_padding_row():
    jtorch.manual_seed(0)
    e = jtorch.nn.Embedding(2000, 50, padding_idx=-3)
    assert e.padding_idx == 1997
    w = e.weight.detach().numpy()
    np.testing.assert_array_equal(w[1997], 0)
    rest = np.delete(w, 1997, axis=0)
    assert abs(rest.mean()) < 0.01 and abs(rest.std() - 1) < 0.01  # normal_(0, 1)
    assert e.weight.requires_grad and e.weight.dtype == jtorch.float32
    b = jtorch.nn.EmbeddingBag(5, 3, padding_idx=0, dtype=jtorch.float64)
    assert b.weight.dtype == jtorch.float64 and (b.weight[0].detach().numpy() == 0).all()
    f = jtorch.nn.Embedding(4, 2, _freeze=True)
    assert not f.weight.requires_grad
    # sparse is accepted by the constructor (and shown), as in torch; a sparse gradient is not
    s, ts = jtorch.nn.Embedding(10, 3, sparse=True), torch.nn.Embedding(10, 3, sparse=True)
    assert repr(s) == repr(ts)
    with pytest.raises(NotImplementedError, match="sparse"):
        s(jtorch.tensor([1, 2]))


def test_from_pretrained():
    for cls in ["Embedding", "EmbeddingBag"]:
        for freeze in (True, False):
            t = getattr(torch.nn, cls).from_pretrained(torch.tensor(W), freeze=freeze, padding_idx=2)
            j = getattr(jtorch.nn, cls).from_pretrained(jtorch.tensor(W), freeze=freeze, padding_idx=2)
            assert repr(j) == repr(t)
            assert j.weight.requires_grad == t.weight.requires_grad == (not freeze)
            # from_pretrained keeps the given values (the padding row is not zeroed)
            assert_same(j.weight.detach(), t.weight.detach())
            args = (IDX,) if cls == "Embedding" else (IDX,)
            assert_same(j(*(jtorch.tensor(a) for a in args)), t(*(torch.tensor(a) for a in args)), 1e-12, 1e-12)


def test_compiled_training_step_matches_eager():
    """Embedding (with max_norm renormalising the weight in place) + EmbeddingBag in a compiled SGD step."""
    def build():
        jtorch.manual_seed(0)
        emb = jtorch.nn.Embedding(10, 4, max_norm=1.0, padding_idx=0).double()
        bag = jtorch.nn.EmbeddingBag(10, 4, mode="max").double()
        return emb, bag, jtorch.optim.SGD(list(emb.parameters()) + list(bag.parameters()), lr=0.1)

    i, f, o = jtorch.tensor(IDX), jtorch.tensor(FLAT), jtorch.tensor(OFFS)

    def step_of(emb, bag, opt):
        def step():
            opt.zero_grad()
            loss = emb(i).square().sum() + bag(f, o).sin().sum()
            loss.backward()
            opt.step()
            return loss
        return step

    e1, b1, o1 = build()
    eager = [step_of(e1, b1, o1)().item() for _ in range(3)]
    e2, b2, o2 = build()
    step = jtorch.compile(step_of(e2, b2, o2))
    comp = [step().item() for _ in range(3)]
    np.testing.assert_allclose(comp, eager, rtol=1e-12)
    np.testing.assert_allclose(e2.weight.detach().numpy(), e1.weight.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(b2.weight.detach().numpy(), b1.weight.detach().numpy(), rtol=1e-12)
    assert eager[0] != eager[1]


def test_namespace():
    for name in ["embedding", "embedding_renorm_"]:
        assert hasattr(torch, name) and hasattr(jtorch, name)
    for name in ["embedding", "embedding_bag", "one_hot"]:
        assert hasattr(jtorch.nn.functional, name)
    assert not hasattr(jtorch.Tensor, "embedding_renorm_") and not hasattr(torch.Tensor, "embedding_renorm_")
    import inspect
    for name in ["embedding", "embedding_bag"]:
        jp = [(p.name, p.default) for p in inspect.signature(getattr(jtorch.nn.functional, name)).parameters.values()]
        tp = [(p.name, p.default) for p in inspect.signature(getattr(torch.nn.functional, name)).parameters.values()]
        assert jp == tp, name
