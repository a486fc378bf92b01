"""View ops against torch: values, gradients, strides/offsets/contiguity of view chains, writes
through views, which reshapes copy, and version counters (jtorch/ops/views.py)."""
import warnings

import numpy as np
import pytest
import torch
from harness import assert_same, compare

import jtorch

RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 3, 4))                   # float64: gradients are compared too
A = RNG.standard_normal((4, 6))
S = np.array(1.5)
E = np.zeros((0, 3))
XI = np.arange(24).reshape(2, 3, 4)

VIEWS = [
    # view / reshape / flatten / unflatten
    ("view", lambda m, x: x.view(6, 4), [X]),
    ("view_infer", lambda m, x: x.view(-1, 2), [X]),
    ("view_tuple", lambda m, x: x.view((4, 6)), [X]),
    ("view_0d", lambda m, s: s.view(1, 1), [S]),
    ("view_to_0d", lambda m, s: s.view(1).view(()), [S]),
    ("view_empty", lambda m, e: e.view(3, 0, -1), [E]),
    ("view_bad", lambda m, x: x.view(5, -1), [X]),
    ("view_two_infer", lambda m, x: x.view(-1, -1), [X]),
    ("view_neg", lambda m, x: x.view(-2, 12), [X]),
    ("view_noncontig", lambda m, x: x.transpose(0, 1).view(-1), [X]),
    ("view_noncontig_ok", lambda m, x: x.transpose(0, 1).view(3, 2, 2, 2), [X]),
    ("view_as", lambda m, x, a: x.view_as(a), [X, A]),
    ("reshape", lambda m, x: m.reshape(x, (4, -1)), [X]),
    ("reshape_method", lambda m, x: x.reshape(3, 8), [X]),
    ("reshape_noncontig", lambda m, x: x.transpose(1, 2).reshape(-1), [X]),
    ("reshape_as", lambda m, x, a: x.reshape_as(a), [X, A]),
    ("reshape_int", lambda m, xi: xi.reshape(-1), [XI]),
    ("flatten", lambda m, x: x.flatten(), [X]),
    ("flatten_range", lambda m, x: m.flatten(x, 1), [X]),
    ("flatten_neg", lambda m, x: x.flatten(-2, -1), [X]),
    ("flatten_0d", lambda m, s: s.flatten(), [S]),
    ("flatten_bad", lambda m, x: x.flatten(2, 1), [X]),
    ("unflatten", lambda m, x: x.unflatten(2, (2, 2)), [X]),
    ("unflatten_infer", lambda m, x: m.unflatten(x, -1, (-1, 2)), [X]),
    ("unflatten_bad", lambda m, x: x.unflatten(2, (3, 2)), [X]),
    # squeeze / unsqueeze
    ("squeeze", lambda m, x: x[:, :1].squeeze(), [X]),
    ("squeeze_dim", lambda m, x: x[:1, :1].squeeze(1), [X]),
    ("squeeze_dims", lambda m, x: m.squeeze(x[:1, :, :1], (0, -1)), [X]),
    ("squeeze_not1", lambda m, x: x.squeeze(0), [X]),
    ("squeeze_0d", lambda m, s: s.squeeze(0), [S]),
    ("squeeze_oor", lambda m, x: x.squeeze(3), [X]),
    ("unsqueeze", lambda m, x: x.unsqueeze(1), [X]),
    ("unsqueeze_end", lambda m, x: m.unsqueeze(x, -1), [X]),
    ("unsqueeze_0d", lambda m, s: s.unsqueeze(0), [S]),
    ("unsqueeze_oor", lambda m, x: x.unsqueeze(4), [X]),
    # permutes and transposes
    ("permute", lambda m, x: x.permute(2, 0, 1), [X]),
    ("permute_list", lambda m, x: m.permute(x, [1, -1, 0]), [X]),
    ("permute_dup", lambda m, x: x.permute(0, 0, 1), [X]),
    ("permute_len", lambda m, x: x.permute(0, 1), [X]),
    ("transpose", lambda m, x: x.transpose(0, 2), [X]),
    ("transpose_neg", lambda m, x: m.transpose(x, -1, -2), [X]),
    ("transpose_0d", lambda m, s: s.transpose(0, -1), [S]),
    ("swapaxes", lambda m, x: x.swapaxes(0, 1), [X]),
    ("swapdims", lambda m, x: m.swapdims(x, 1, 2), [X]),
    ("t", lambda m, a: a.t(), [A]),
    ("t_1d", lambda m, a: a[0].t(), [A]),
    ("t_3d", lambda m, x: x.t(), [X]),
    ("T", lambda m, a: a.T, [A]),
    ("mT", lambda m, x: x.mT, [X]),
    ("mT_1d", lambda m, a: a[0].mT, [A]),
    ("movedim", lambda m, x: x.movedim(0, -1), [X]),
    ("movedim_many", lambda m, x: m.movedim(x, (0, 1), (2, 0)), [X]),
    ("moveaxis", lambda m, x: m.moveaxis(x, 2, 0), [X]),
    ("movedim_bad", lambda m, x: x.movedim((0, 1), (2,)), [X]),
    ("movedim_repeated", lambda m, x: x.movedim((0, -3), (1, 2)), [X]),
    ("movedim_repeated_dst", lambda m, x: x.movedim((0, 1), (2, -1)), [X]),
    ("adjoint", lambda m, x: x.adjoint(), [X]),
    # expand
    ("expand", lambda m, a: a[:1].expand(3, -1), [A]),
    ("expand_new_dims", lambda m, a: a[:, :1].expand(2, 4, 5), [A]),
    ("expand_as", lambda m, a, x: a[:3, :1].expand_as(x[0, :, :1].expand(3, 4)), [A, X]),
    ("expand_0d", lambda m, s: s.expand(2, 3), [S]),
    ("expand_bad", lambda m, a: a.expand(4, 5), [A]),
    ("expand_fewer", lambda m, a: a.expand(6), [A]),
    ("expand_lead_neg", lambda m, a: a.expand(-1, 4, 6), [A]),
    # narrow / select / unbind / split / chunk / tensor_split
    ("narrow", lambda m, x: x.narrow(2, 1, 2), [X]),
    ("narrow_neg_start", lambda m, x: m.narrow(x, -1, -3, 2), [X]),
    ("narrow_tensor_start", lambda m, x: x.narrow(1, m.tensor(1), 2), [X], {"jit": False}),
    ("narrow_bad", lambda m, x: x.narrow(1, 2, 2), [X]),
    ("narrow_oor", lambda m, x: x.narrow(1, 4, 0), [X]),
    ("narrow_0d", lambda m, s: s.narrow(0, 0, 1), [S]),
    ("select", lambda m, x: x.select(1, -1), [X]),
    ("select_fn", lambda m, x: m.select(x, 2, 0), [X]),
    ("select_oor", lambda m, x: x.select(1, 3), [X]),
    ("select_0d", lambda m, s: s.select(0, 0), [S]),
    ("unbind", lambda m, x: x.unbind(1), [X]),
    ("unbind_fn", lambda m, x: m.unbind(x, -1), [X]),
    ("split", lambda m, x: x.split(2, 2), [X]),
    ("split_uneven", lambda m, a: m.split(a, 4, 1), [A]),
    ("split_sizes", lambda m, a: a.split([1, 2, 3], 1), [A]),
    ("split_sizes_bad", lambda m, a: a.split([1, 2], 1), [A]),
    ("split_with_sizes", lambda m, a: a.split_with_sizes([3, 1], 0), [A]),
    ("split_zero", lambda m, a: a.split(0), [A]),
    ("chunk", lambda m, a: a.chunk(3, 1), [A]),
    ("chunk_more", lambda m, a: m.chunk(a, 5, 0), [A]),
    ("chunk_uneven", lambda m, a: a.chunk(4, 1), [A]),
    ("chunk_zero", lambda m, a: a.chunk(0), [A]),
    ("tensor_split_n", lambda m, a: a.tensor_split(4, 1), [A]),
    ("tensor_split_idx", lambda m, a: m.tensor_split(a, [1, 4, 10], 1), [A]),
    ("tensor_split_neg", lambda m, a: a.tensor_split([-2], 0), [A]),
    ("tensor_split_desc", lambda m, a: a.tensor_split([3, 1], 1), [A]),
    ("tensor_split_zero", lambda m, a: a.tensor_split(0), [A]),
    # diagonal / unfold / as_strided / detach
    ("diagonal", lambda m, a: a.diagonal(), [A]),
    ("diagonal_offset", lambda m, a: m.diagonal(a, 2), [A]),
    ("diagonal_neg_offset", lambda m, a: a.diagonal(-1), [A]),
    ("diagonal_far", lambda m, a: a.diagonal(9), [A]),
    ("diagonal_dims", lambda m, x: x.diagonal(1, 2, 0), [X]),
    ("diagonal_same", lambda m, x: x.diagonal(0, 1, 1), [X]),
    ("unfold", lambda m, a: a.unfold(1, 2, 2), [A]),
    ("unfold_overlap", lambda m, x: x.unfold(2, 3, 1), [X]),
    ("unfold_neg_dim", lambda m, a: a.unfold(-2, 3, 2), [A]),
    ("unfold_0d", lambda m, s: s.unfold(0, 1, 1), [S]),
    ("unfold_big", lambda m, a: a.unfold(0, 5, 1), [A]),
    ("unfold_step0", lambda m, a: a.unfold(0, 2, 0), [A]),
    ("as_strided", lambda m, a: a.as_strided((3, 2), (2, 1)), [A]),
    ("as_strided_offset", lambda m, a: m.as_strided(a, (2, 2), (1, 6), 3), [A]),
    ("as_strided_of_view", lambda m, a: a[1:].t().as_strided((2,), (1,)), [A]),
    ("as_strided_of_view_offset", lambda m, a: a[1:].as_strided((2,), (1,), 0), [A]),
    ("as_strided_bad_len", lambda m, a: a.as_strided((2,), (1, 2)), [A]),
    ("as_strided_neg_stride", lambda m, a: a.as_strided((2,), (-1,)), [A]),
    ("as_strided_oob", lambda m, a: a.as_strided((5,), (6,)), [A]),
    ("detach", lambda m, a: a.detach() * 2, [A]),
    ("chain", lambda m, x: x.transpose(0, 2)[1:, ::2].unsqueeze(0).expand(2, -1, -1, -1)[:, 0], [X]),
]


@pytest.mark.parametrize("case", VIEWS, ids=[c[0] for c in VIEWS])
def test_view_ops(case):
    name, fn, arrays, opts = (case + ({},))[:4]
    compare(fn, arrays, grad=True, what=name, **opts)


def _meta(t, detached=False):
    # NOTE: jtorch derives strides from the elements a view selects, so size-1 dims (where any stride
    # selects the same elements) may report a different stride than torch's
    strides = [s for s, n in zip(t.stride(), t.shape) if n != 1]
    return [list(t.shape), strides, t.storage_offset(), t.is_contiguous(), detached or t._base is not None]


CHAINS = [
    ("base", lambda m, x: x),
    ("view", lambda m, x: x.view(4, 6)),
    ("transpose", lambda m, x: x.transpose(0, 2)),
    ("t_of_view", lambda m, x: x.view(6, 4).t()),
    ("permute", lambda m, x: x.permute(1, 2, 0)),
    ("slice", lambda m, x: x[:, 1:]),
    ("slice_step", lambda m, x: x[:, ::2, 1::2]),
    ("select", lambda m, x: x[1]),
    ("select_mid", lambda m, x: x.select(1, 2)),
    ("narrow_last", lambda m, x: x.narrow(2, 1, 2)),
    ("unsqueeze", lambda m, x: x[1].unsqueeze(1)),
    ("squeeze_of_slice", lambda m, x: x[:, :1].squeeze(1)),
    ("expand", lambda m, x: x[:, :1].expand(2, 5, 4)),
    ("expand_new", lambda m, x: x[0, 0].expand(3, 4)),
    ("diagonal", lambda m, x: x.diagonal(0, 1, 2)),
    ("diagonal_offset", lambda m, x: x[0].diagonal(1)),
    ("unfold", lambda m, x: x.unfold(2, 2, 1)),
    ("unfold_of_t", lambda m, x: x[0].t().unfold(0, 2, 2)),
    ("split_piece", lambda m, x: x.split(2, 2)[1]),
    ("chunk_piece", lambda m, x: x.chunk(3, 1)[2]),
    ("unbind_piece", lambda m, x: x.unbind(2)[3]),
    ("flatten_contig", lambda m, x: x[1].flatten()),
    ("view_of_slice", lambda m, x: x[:, 1:].view(2, 2, 2, 2)),
    ("movedim", lambda m, x: x.movedim(0, 2)),
    ("as_strided", lambda m, x: x.as_strided((3, 3), (4, 1), 2)),
    ("mT", lambda m, x: x.mT),
    ("detach", lambda m, x: x.detach()),
    ("size1_dims", lambda m, x: x[:1, 1:2].transpose(0, 1)),
]


@pytest.mark.parametrize("name,fn", CHAINS, ids=[c[0] for c in CHAINS])
def test_strides_offsets_contiguity(name, fn):
    j = fn(jtorch, jtorch.arange(24.0).reshape(2, 3, 4).clone())
    t = fn(torch, torch.arange(24.0).reshape(2, 3, 4).clone())
    assert _meta(j) == _meta(t, name == "detach"), name  # torch's detach() has no _base but shares storage
    c = j.contiguous()
    assert c.is_contiguous() and (c is j) == (t.contiguous() is t)


RESHAPES = [  # view or copy: reshape copies exactly when torch's does
    lambda m, x: x.reshape(6, 4),
    lambda m, x: x.t().reshape(-1),
    lambda m, x: x.t().reshape(4, 6),
    lambda m, x: x.view(2, 12)[:, :6].reshape(-1),
    lambda m, x: x.view(2, 12)[:1].reshape(3, 4),
    lambda m, x: x.view(2, 3, 4).transpose(0, 1).reshape(3, 8),
    lambda m, x: x.view(2, 3, 4).transpose(1, 2).reshape(2, 12),
    lambda m, x: x.view(2, 3, 4)[:, 1:].reshape(2, 2, 2, 2),
    lambda m, x: x.view(2, 3, 4)[:, :, 0].reshape(6),
    lambda m, x: x.view(2, 3, 4).flatten(1),
    lambda m, x: x.view(2, 3, 4).permute(2, 0, 1).flatten(1),
    lambda m, x: x.unsqueeze(1).expand(6, 2, 4).reshape(12, 4),
]


@pytest.mark.parametrize("k", range(len(RESHAPES)))
def test_reshape_copies_like_torch(k):
    res = []
    for m in (torch, jtorch):
        x = m.arange(24.0).reshape(6, 4).clone()
        y = RESHAPES[k](m, x)
        x.add_(100)  # a view sees the change, a copy does not
        res.append((y.tolist(), y._base is not None, list(y.stride()), y.is_contiguous()))
    assert res[0] == res[1]


@pytest.mark.parametrize("fn", [
    lambda m, x: x.t().view(-1),
    lambda m, x: x.view(2, 3, 4).transpose(1, 2).view(2, 12),
    lambda m, x: x[:, ::2].view(-1),
    lambda m, x: x[:, 1:].view(6, 3),
    lambda m, x: x.view(2, 3, 4).transpose(0, 1).view(3, 2, 2, 2),
    lambda m, x: x.view(2, 3, 4)[:, :1].view(2, 4),
    lambda m, x: x.unsqueeze(0).expand(2, 6, 4).view(12, 4),
    lambda m, x: x.unsqueeze(0).expand(2, 6, 4).view(2, 24),
])
def test_view_of_noncontiguous(fn):
    compare(fn, [np.arange(24.0).reshape(6, 4)])


# ------------------------------------------------------------------ writes through views
def _writes(m):
    out = []
    x = m.arange(12.0).reshape(3, 4)
    y = x.view(4, 3)
    y[0] = 5.0                                  # a view's setitem changes the base
    out += [x.clone(), x._version, y._version]
    x.t().mul_(2)                               # an in-place op on a view
    out += [x.clone(), x._version]
    x.diagonal().zero_()
    out += [x.clone()]
    u = x.unfold(1, 2, 2)
    u[..., 0] = -1.0                            # unfold windows that do not overlap can be written
    out += [x.clone(), u.clone()]
    x.narrow(0, 1, 2).select(1, 3).add_(100)
    out += [x.clone()]
    for piece in x.split(1, 0):
        piece.mul_(-1)
    out += [x.clone(), x._version]
    x.permute(1, 0)[2:].fill_(7.0)
    out += [x.clone()]
    d = x.detach()
    d[0, 0] = 42.0                              # detach() shares storage and the version counter
    out += [x.clone(), x._version, d._version]
    z = x.data
    z[1, 1] = 43.0                              # .data shares storage, not the version counter
    out += [x.clone(), x._version, z._version]
    x.as_strided((2, 2), (1, 4), 1).sub_(1000)
    out += [x.clone()]
    v = x[1]                                    # a view reads the base's later writes
    x.add_(1)
    out += [v.clone(), v._version]
    return out


def _expand_write(m):
    out = []
    for f in (lambda x: x[:1].expand(3, 4).add_(1), lambda x: x.expand(2, 3, 4)[0].add_(1),
              lambda x: x.unsqueeze(0).expand(2, 3, 4).mul_(2), lambda x: x.unfold(1, 2, 2).mul_(2)):
        x = m.arange(12.0).reshape(3, 4)
        try:
            f(x)
            out.append(x.clone())
        except RuntimeError:
            out.append("RuntimeError")
    return out


def test_overlapping_writes_raise():
    # torch writes these element by element (the result depends on the order); jtorch refuses
    for f in (lambda x: x.unfold(1, 3, 1).mul_(2), lambda x: x[:, :1].expand(3, 2).fill_(0)):
        with pytest.raises(RuntimeError, match="more than one element"):
            f(jtorch.arange(12.0).reshape(3, 4))


def _versions(m):
    out = []
    x = m.zeros(2, 3)
    v = x[0]
    w = x.t()
    out.append((x._version, v._version, w._version))
    v.add_(1)
    out.append((x._version, v._version, w._version))
    w[1, 0] = 3.0
    out.append((x._version, v._version, w._version))
    x.zero_()
    out.append((x._version, v._version, w._version))
    y = x + 1
    out.append((y._version, x.view(-1)._version, x.clone()._version))
    x.view(-1).unsqueeze(0).squeeze(0).add_(1)
    out.append((x._version, v._version))
    return out


@pytest.mark.parametrize("script", [_writes, _expand_write, _versions])
def test_write_through(script):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        j, t = script(jtorch), script(torch)
    assert len(j) == len(t)
    for a, b in zip(j, t):
        if isinstance(b, torch.Tensor):
            assert_same(a, b)
        else:
            assert a == b, (a, b)


def _grad_script(m):
    out = []
    a = m.arange(1.0, 13.0).reshape(3, 4).requires_grad_()
    y = a * 1
    y.t()[1].mul_(3)                            # CopySlices on the tape
    y.diagonal().add_(a[0, :3])
    y[:, 2] = a[:, 0] ** 2
    y.unfold(1, 2, 2)[..., 1].neg_()
    y.diagonal().exp_()                         # saves its output: the last write
    y.sum().backward()
    out.append(a.grad.clone())
    b = m.arange(1.0, 7.0).requires_grad_()
    z = b.view(2, 3) * 2
    z.view(-1)[1:3].pow_(2)
    (z * m.arange(6.0).view(2, 3)).sum().backward()
    out.append(b.grad.clone())
    c = m.ones(3, requires_grad=True)
    for f in (lambda: c.add_(1), lambda: c[0].add_(1), lambda: c.view(3).zero_()):
        try:
            f()
            out.append("ok")
        except RuntimeError:
            out.append("RuntimeError")
    with m.no_grad():
        c.view(3)[0] = 5.0                       # allowed without grad mode
    out.append(c.detach().clone())
    d = m.ones(3, requires_grad=True)
    e = d.clone()
    s = e.sigmoid()
    e.view(3).mul_(2)                            # s saved e's value: backward must complain
    try:
        s.sum().backward()
        out.append("ok")
    except RuntimeError:
        out.append("RuntimeError")
    return out


def test_write_through_gradients():
    j, t = _grad_script(jtorch), _grad_script(torch)
    for a, b in zip(j, t):
        if isinstance(b, torch.Tensor):
            assert_same(a, b)
        else:
            assert a == b, (a, b)


def test_grad_fn_of_views():
    for m in (torch, jtorch):
        a = m.ones(2, 3, requires_grad=True)
        names = [f(a).grad_fn.name() for f in (lambda t: t.view(3, 2), lambda t: t.t(), lambda t: t.transpose(0, 1),
                                               lambda t: t.permute(1, 0), lambda t: t.unsqueeze(0),
                                               lambda t: t.expand(2, 2, 3), lambda t: t.select(0, 1),
                                               lambda t: t.diagonal())]
        if m is torch:
            want = names
        else:
            assert names == want


def test_view_ops_under_jit():
    from jtorch.testing import assert_jit_matches

    def f(x):
        y = x.clone()
        y.t()[0].mul_(2)
        y.unfold(0, 2, 2)[0, 1].zero_()
        y.view(-1)[3:5] = -1.0
        return y, y.diagonal(), y.as_strided((2,), (2,), 1), y.expand(2, 4, 3).sum(0)
    assert_jit_matches(f, jtorch.arange(12.0).reshape(4, 3))


VERSION_SCRIPTS = {
    "factories": lambda m: [m.randn(3)._version, m.rand(3)._version, m.randint(0, 5, (3,))._version,
                            m.randperm(4)._version, m.normal(0.0, 1.0, (3,))._version,
                            m.bernoulli(m.full((3,), 0.5))._version, m.randn_like(m.ones(2))._version,
                            m.zeros(2)._version],
    "view write": lambda m: (lambda x: (lambda y: (y.add_(1), [y._version, x._version])[1])(x[0]))(m.zeros(3, 3)),
    "detach write": lambda m: (lambda x: (lambda d: (d.mul_(2), [d._version, x._version,
                                                                  float(x.sum())])[1])(x.detach()))(m.ones(3)),
    "data write": lambda m: (lambda x: (lambda d: (d.add_(1), [d._version, x._version, float(x.sum())])[1])(x.data))(
        m.ones(3, requires_grad=True)),
}


@pytest.mark.parametrize("name", sorted(VERSION_SCRIPTS))
def test_version_counters(name):
    assert VERSION_SCRIPTS[name](jtorch) == VERSION_SCRIPTS[name](torch)


def test_detach_shares_the_array():
    x = jtorch.randn(100, 100)
    d = x.detach()
    assert d._value is x._value  # no copy: detach is O(1) as in torch
    d.add_(1)
    np.testing.assert_array_equal(x.numpy(), d.numpy())
