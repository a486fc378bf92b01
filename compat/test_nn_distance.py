"""Distances (F.pairwise_distance, F.cosine_similarity, F.pdist, their torch-namespace forms and the
modules) against real torch: values and gradients in float64, eagerly and under jax.jit, and errors."""
import numpy as np
import pytest
import torch
from harness import compare

import jtorch

rng = np.random.default_rng(0)
A, B = rng.standard_normal((5, 4)), rng.standard_normal((5, 4))
A3 = rng.standard_normal((2, 3, 4))
DUP = np.concatenate([A[:3], A[:1]])  # a repeated row: a zero distance
ZERO_ROW = A.copy()
ZERO_ROW[2] = 0

CASES = [
    ("pairwise", lambda m, a, b: m.nn.functional.pairwise_distance(a, b), [A, B]),
    ("pairwise_p1", lambda m, a, b: m.nn.functional.pairwise_distance(a, b, 1.0), [A, B]),
    ("pairwise_p3_keepdim", lambda m, a, b: m.nn.functional.pairwise_distance(a, b, 3, keepdim=True), [A, B]),
    ("pairwise_inf", lambda m, a, b: m.nn.functional.pairwise_distance(a, b, float("inf")), [A, B]),
    ("pairwise_eps", lambda m, a, b: m.nn.functional.pairwise_distance(a, b, eps=0.1), [A, B]),
    ("pairwise_broadcast", lambda m, a, b: m.nn.functional.pairwise_distance(a, b[0]), [A, B]),
    ("pairwise_3d", lambda m, a, b: m.nn.functional.pairwise_distance(a, b[:3]), [A3, B]),
    ("pairwise_1d", lambda m, a, b: m.nn.functional.pairwise_distance(a[0], b[0]), [A, B]),
    ("pairwise_same", lambda m, a, b: m.nn.functional.pairwise_distance(a, a * 1), [A, B]),
    ("pairwise_int", lambda m, a, b: m.nn.functional.pairwise_distance((a * 3).long(), (b * 3).long()), [A, B]),
    ("cosine", lambda m, a, b: m.nn.functional.cosine_similarity(a, b), [A, B]),
    ("cosine_dim0", lambda m, a, b: m.nn.functional.cosine_similarity(a, b, 0), [A, B]),
    ("cosine_dim_neg_eps", lambda m, a, b: m.nn.functional.cosine_similarity(a, b[:3], -1, 0.5), [A3, B]),
    ("cosine_zero_vector", lambda m, a, b: m.nn.functional.cosine_similarity(a, b), [ZERO_ROW, B]),
    ("cosine_broadcast", lambda m, a, b: m.nn.functional.cosine_similarity(a, b[:1]), [A, B]),
    ("cosine_large_eps", lambda m, a, b: m.nn.functional.cosine_similarity(a, b, eps=3.0), [A, B]),
    ("cosine_int_float", lambda m, a, b: m.nn.functional.cosine_similarity((a * 3).long(), b), [A, B]),
    ("cosine_1d", lambda m, a, b: m.nn.functional.cosine_similarity(a[0], b[0], 0), [A, B]),
    ("pdist", lambda m, a: m.nn.functional.pdist(a), [A]),
    ("pdist_p1", lambda m, a: m.nn.functional.pdist(a, 1), [A]),
    ("pdist_p3", lambda m, a: m.nn.functional.pdist(a, 3.0), [A]),
    ("pdist_inf", lambda m, a: m.nn.functional.pdist(a, float("inf")), [A]),
    ("pdist_p0", lambda m, a: m.nn.functional.pdist(a, 0), [A]),
    ("pdist_duplicate_rows", lambda m, a: m.nn.functional.pdist(a), [DUP]),
    ("pdist_one_row", lambda m, a: m.nn.functional.pdist(a[:1]), [A]),
    ("torch.pdist", lambda m, a: m.pdist(a, 1.5), [A]),
    ("torch.pairwise_distance", lambda m, a, b: m.pairwise_distance(a, b, 2.0, 1e-6, True), [A, B]),
    ("torch.cosine_similarity", lambda m, a, b: m.cosine_similarity(a, b, dim=0), [A, B]),
    ("torch.cdist", lambda m, a, b: m.cdist(a, b), [A, B]),
    ("float32", lambda m, a, b: (m.nn.functional.pairwise_distance(a.float(), b.float()),
                                 m.nn.functional.cosine_similarity(a.float(), b.float()),
                                 m.nn.functional.pdist(a.float())), [A, B]),
]


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[r[0] for r in CASES])
def test_distance(name, fn, arrays):
    tol = 1e-5 if name in ("float32", "pairwise_int") else 1e-10
    compare(fn, arrays, grad=True, rtol=tol, atol=tol, what=name)


ERRORS = [
    ("pdist_1d", lambda m, a: m.nn.functional.pdist(a[0])),
    ("pdist_3d", lambda m, a: m.pdist(a[None])),
    ("pdist_negative_p", lambda m, a: m.pdist(a, -1)),
    ("pdist_int", lambda m, a: m.pdist(a.long())),
    ("cosine_int", lambda m, a: m.nn.functional.cosine_similarity(a.long(), a.long())),
    ("cosine_bad_dim", lambda m, a: m.nn.functional.cosine_similarity(a, a, dim=2)),
    ("cosine_shapes", lambda m, a: m.cosine_similarity(a, a[:, :3])),
    ("pairwise_shapes", lambda m, a: m.nn.functional.pairwise_distance(a, a[:, :3])),
    ("pairwise_not_tensor", lambda m, a: m.nn.functional.pairwise_distance(a, [1.0])),
]


@pytest.mark.parametrize("name,fn", ERRORS, ids=[r[0] for r in ERRORS])
def test_errors(name, fn):
    compare(fn, [A], jit=False, what=name)


def test_error_messages_match():
    for fn in [lambda m, a: m.pdist(a[0]), lambda m, a: m.pdist(a, -1), lambda m, a: m.pdist(a.long()),
               lambda m, a: m.nn.functional.cosine_similarity(a.long(), a.long())]:
        with pytest.raises(Exception) as te:
            fn(torch, torch.tensor(A))
        with pytest.raises(Exception) as je:
            fn(jtorch, jtorch.tensor(A))
        assert (type(je.value), str(je.value)) == (type(te.value), str(te.value))


def test_cosine_clamp_is_not_differentiated():
    """torch clamps each norm to eps without recording it: below eps the gradient still sees the norm."""
    x = np.full((1, 3), 1e-3)
    y = np.array([[1.0, 2.0, -0.5]])
    compare(lambda m, a, b: m.nn.functional.cosine_similarity(a, b, eps=0.1), [x, y], grad=True, rtol=1e-10,
            atol=1e-12)


MODULES = [lambda m: m.nn.PairwiseDistance(), lambda m: m.nn.PairwiseDistance(1.0, 1e-3, True),
           lambda m: m.nn.PairwiseDistance(p=float("inf")), lambda m: m.nn.CosineSimilarity(),
           lambda m: m.nn.CosineSimilarity(0, 1e-3), lambda m: m.nn.CosineSimilarity(dim=-1)]


@pytest.mark.parametrize("k", range(len(MODULES)))
def test_modules(k):
    t, j = MODULES[k](torch), MODULES[k](jtorch)
    assert repr(j) == repr(t)
    assert list(j.state_dict()) == list(t.state_dict()) == []
    j.load_state_dict(t.state_dict())
    assert {c: getattr(j, c) for c in t.__constants__} == {c: getattr(t, c) for c in t.__constants__}
    compare(lambda m, a, b: MODULES[k](m)(a, b), [A, B], grad=True, rtol=1e-10, atol=1e-12, what=repr(t))


def test_namespace_and_signatures():
    import inspect
    for name in ["pairwise_distance", "cosine_similarity", "pdist", "cdist"]:
        assert hasattr(torch, name) and hasattr(jtorch, name), name
    for name in ["pairwise_distance", "cosine_similarity", "pdist"]:
        assert hasattr(jtorch.nn.functional, name)
    for cls in ["PairwiseDistance", "CosineSimilarity"]:
        jp = [(p.name, p.default) for p in inspect.signature(getattr(jtorch.nn, cls)).parameters.values()]
        tp = [(p.name, p.default) for p in inspect.signature(getattr(torch.nn, cls)).parameters.values()]
        assert jp == tp, cls
