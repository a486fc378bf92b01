"""PyTorch's OpInfo database (torch.testing._internal op_db) run through real torch and jtorch.

For every OpInfo whose op jtorch has, each mode below runs a budgeted subset of its sample inputs:

  float32, int64, bool, complex64   values, shapes and dtypes vs torch; the first samples also under
                                    jax.jit; the method, in-place and out= variants on the first sample
  grad                              float64 inputs that require grad: values and input gradients vs
                                    torch (the first sample also under jax.jit)
  errors                            the OpInfo's error inputs: jtorch raises torch's exception type

What is skipped or expected to fail is data, with a reason, in ``opdb_skips.py``. Ops that jtorch does
not have yet are not test cases: ``test_not_implemented_summary`` lists them.
"""
from __future__ import annotations

import functools
import os
import re
import types
from typing import Any, Callable

import numpy as np
import opdb_skips as S
import pytest
import torch
from harness import _compatible, assert_same, dtype_name
from torch.testing._internal.common_methods_invocations import op_db

import jtorch
from jtorch.testing import jit_apply

# the budget: samples per mode (spread over the OpInfo's sample list) and how many of them also run
# under jax.jit; gradients are compared for the "grad" samples. JTORCH_OPDB_SCALE=N multiplies both
# (a thorough local run: JTORCH_OPDB_SCALE=100).
_SCALE = int(os.environ.get("JTORCH_OPDB_SCALE", "1"))
SAMPLES = {k: v * _SCALE for k, v in {"float32": 3, "int64": 1, "bool": 1, "complex64": 1, "grad": 2}.items()}
JIT = {k: v * _SCALE for k, v in {"float32": 1, "int64": 1, "bool": 1, "complex64": 1, "grad": 1}.items()}
MAX_ERRORS = 8    # error inputs per op
DTYPES = {"float32": torch.float32, "int64": torch.int64, "bool": torch.bool, "complex64": torch.complex64}
# (rtol, atol) by result dtype: torch.testing's defaults, float32's relaxed for XLA's transcendentals
TOL = {torch.float16: (1e-3, 1e-5), torch.bfloat16: (1.6e-2, 1e-5), torch.float32: (1.3e-5, 1e-5),
       torch.complex64: (1.3e-5, 1e-5), torch.float64: (1e-7, 1e-7), torch.complex128: (1e-7, 1e-7)}


def full_name(info) -> str:
    return info.name + ("." + info.variant_test_name if info.variant_test_name else "")


# ------------------------------------------------------------------ torch callable -> jtorch callable
def _lookup(root: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        root = getattr(root, part, None)
        if root is None:
            return None
    return root


def _has(name: str) -> bool:
    """jtorch has ``name`` as a function (dotted paths: ``special.i0e``) or a Tensor attribute."""
    if _lookup(jtorch, name) is not None:
        return True
    return "." not in name and hasattr(jtorch.Tensor, name)


def _rebind(f: types.FunctionType) -> Callable:
    """The same Python function (op_db wraps many ops in lambdas) with ``torch`` meaning jtorch."""
    g = dict(f.__globals__)
    g["torch"] = jtorch
    return types.FunctionType(f.__code__, g, f.__name__, f.__defaults__, f.__closure__)


def _method(name: str) -> Callable:
    def call(self, *args, **kwargs):
        return getattr(self, name)(*args, **kwargs)
    return call


def jtorch_op(info) -> Callable | None:
    """The jtorch counterpart of ``info.op``, or None when jtorch lacks the op."""
    name = full_name(info)
    if name in S.ADAPTERS:
        return S.ADAPTERS[name]
    if not _has(info.name):
        return None
    if info.name.startswith("__"):  # torch.Tensor.__radd__ and friends, called as functions
        return getattr(jtorch.Tensor, info.name)
    f = info.op
    if isinstance(f, types.FunctionType) and f.__module__ and f.__module__.startswith("torch.testing"):
        return _rebind(f)  # a lambda of op_db's: x.T, torch.polygamma(n, x) ...
    fn = _lookup(jtorch, info.name)
    if fn is not None and callable(fn):
        return fn
    return _method(info.name)


# ------------------------------------------------------------------ converting samples
class Unsupported(Exception):
    """A sample argument jtorch cannot take (a dtype XLA lacks, a torch-only object)."""


def to_j(x: Any) -> Any:
    if isinstance(x, torch.Tensor):
        if x.dtype in (torch.complex32, torch.bfloat16) or x.layout != torch.strided:
            raise Unsupported(f"{x.dtype}/{x.layout} tensor")
        t = jtorch.tensor(x.detach().resolve_conj().resolve_neg().numpy())
        return t.requires_grad_(True) if x.requires_grad else t
    if isinstance(x, torch.dtype):
        return getattr(jtorch, dtype_name(x))
    if isinstance(x, torch.Size):
        return jtorch.Size(x)
    if isinstance(x, torch.device):
        return jtorch.device(str(x))
    if isinstance(x, (torch.memory_format, torch.layout)):
        return getattr(jtorch, str(x).replace("torch.", ""))
    if isinstance(x, torch.Generator):
        raise Unsupported("torch.Generator argument")
    if isinstance(x, (list, tuple)):
        return type(x)(to_j(v) for v in x)
    if isinstance(x, dict):
        return {k: to_j(v) for k, v in x.items()}
    return x


def _flatten(x: Any, out: list) -> Any:
    """Replace tensors in a nested structure by their position in ``out`` (for jit arguments)."""
    if isinstance(x, jtorch.Tensor):
        out.append(x)
        return _Slot(len(out) - 1)
    if isinstance(x, (list, tuple)) and not isinstance(x, jtorch.Size):
        return type(x)(_flatten(v, out) for v in x)
    if isinstance(x, dict):
        return {k: _flatten(v, out) for k, v in x.items()}
    return x


class _Slot:
    def __init__(self, i: int):
        self.i = i


def _fill(x: Any, leaves: tuple) -> Any:
    if isinstance(x, _Slot):
        return leaves[x.i]
    if isinstance(x, (list, tuple)) and not isinstance(x, jtorch.Size):
        return type(x)(_fill(v, leaves) for v in x)
    if isinstance(x, dict):
        return {k: _fill(v, leaves) for k, v in x.items()}
    return x


def _torch_leaves(x: Any, out: list) -> list:
    if isinstance(x, torch.Tensor):
        out.append(x)
    elif isinstance(x, (list, tuple)):
        for v in x:
            _torch_leaves(v, out)
    elif isinstance(x, dict):
        for v in x.values():
            _torch_leaves(v, out)
    return out


# ------------------------------------------------------------------ choosing samples
def _spread(items: list, n: int) -> list:
    if len(items) <= n:
        return items
    idx = np.unique(np.linspace(0, len(items) - 1, n).round().astype(int))
    return [items[i] for i in idx]


def _samples(info, dtype: torch.dtype, requires_grad: bool, n: int) -> list:
    torch.manual_seed(0)
    items = []
    for s in info.sample_inputs("cpu", dtype, requires_grad=requires_grad):
        reason = S.sample_skip(full_name(info), s)
        if reason is None:
            items.append(s)
        if len(items) >= 4 * n:
            break
    return _spread(items, n)


# ------------------------------------------------------------------ the cases
_INFOS = {full_name(i): i for i in op_db}
_JT = {name: jtorch_op(info) for name, info in _INFOS.items() if name not in S.SKIP}


def _has_error_inputs(info) -> bool:
    if info.error_inputs_func is None:
        return False
    torch.manual_seed(0)
    return next(iter(info.error_inputs("cpu")), None) is not None


def _modes(info) -> list:
    modes = [m for m, d in DTYPES.items() if info.supports_dtype(d, "cpu")]
    if info.supports_autograd and info.supports_dtype(torch.float64, "cpu") and \
            torch.float64 in info.supported_backward_dtypes("cpu"):
        modes.append("grad")
    if _has_error_inputs(info):
        modes.append("errors")
    return modes


def _cases() -> list:
    cases = []
    for name, fn in _JT.items():
        if fn is None:
            continue
        for mode in _modes(_INFOS[name]):
            key = f"{name}:{mode}"
            if key in S.SKIP:
                continue
            marks = []
            reason = S.XFAIL.get(key) or S.XFAIL.get(name)
            if reason:
                marks.append(pytest.mark.xfail(reason=reason, strict=True))
            cases.append(pytest.param(name, mode, id=key, marks=marks))
    return cases


def _assert_close(j: Any, t: Any, name: str, what: str) -> None:
    """assert_same leaf by leaf, with the tolerance of each result's dtype (or the op's override)."""
    if isinstance(t, (list, tuple)):
        assert isinstance(j, (list, tuple)) and len(j) == len(t), \
            f"{what}: got {type(j).__name__} of {len(j) if isinstance(j, (list, tuple)) else '?'}, torch " \
            f"{type(t).__name__} of {len(t)}"
        for a, b in zip(j, t):
            _assert_close(a, b, name, what)
        return
    rtol, atol = S.TOLERANCE.get(name) or TOL.get(getattr(t, "dtype", None), (1.3e-6, 1e-5))
    assert_same(j, t, rtol, atol, True, what)


def _call(fn: Callable, s) -> Any:
    return fn(s.input, *s.args, **s.kwargs)


def _expect_same_error(what: str, run_j: Callable, terr: BaseException) -> BaseException:
    try:
        run_j()
    except Exception as je:
        assert isinstance(je, type(terr)) or _compatible(type(terr), type(je)), \
            f"{what}: jtorch raised {type(je).__name__}({je}), torch raised {type(terr).__name__}({terr})"
        return je
    raise AssertionError(f"{what}: torch raised {type(terr).__name__}({terr}) but jtorch did not")


def _converted(s) -> tuple | None:
    try:
        return to_j(s.input), to_j(s.args), to_j(s.kwargs)
    except Unsupported:
        return None


def _jit_fn(jfn: Callable, ji: Any, ja: Any, jk: Any) -> tuple:
    """``jfn(ji, *ja, **jk)`` as a function of the tensors in the arguments, and those tensors."""
    leaves: list = []
    tree = _flatten((ji, ja, jk), leaves)

    def run(*xs):
        i, a, kw = _fill(tree, xs)
        return jfn(i, *a, **kw)
    return run, leaves


@pytest.mark.parametrize("name,mode", _cases())
def test_opdb(name: str, mode: str, record_property) -> None:
    info, jfn = _INFOS[name], _JT[name]
    if mode == "errors":
        n = _check_errors(name, info, jfn)
    elif mode == "grad":
        n = _check_grads(name, info, jfn)
    else:
        n = _check_values(name, info, jfn, mode)
    record_property("opdb_samples", n)
    assert n > 0 or S.allows_no_samples(name, mode), f"{name}:{mode}: no sample was compared"


def _check_values(name: str, info, jfn: Callable, mode: str) -> int:
    samples = _samples(info, DTYPES[mode], False, SAMPLES[mode])
    jit = 0 if name in S.NO_JIT else JIT[mode]
    done = 0
    for k, s in enumerate(samples):
        what = f"{name}:{mode} sample {k} ({s})"
        conv = _converted(s)
        if conv is None:
            continue
        ji, ja, jk = conv
        try:
            tout = _call(info.op, s)
        except Exception as e:  # torch rejects this sample: jtorch must reject it the same way
            _expect_same_error(what, functools.partial(jfn, ji, *ja, **jk), e)
            done += 1
            continue
        _assert_close(jfn(ji, *ja, **jk), tout, name, what)
        if k < jit:
            run, leaves = _jit_fn(jfn, *_converted(s))
            _assert_close(jit_apply(run, *leaves), tout, name, what + " under jax.jit")
        if k == 0:
            _check_variants(name, info, s, tout, what)
        done += 1
    return done


def _check_variants(name: str, info, s, tout: Any, what: str) -> None:
    """The method, in-place and out= variants of the first sample."""
    if not isinstance(s.input, torch.Tensor):
        return
    if info.method_variant is not None and hasattr(jtorch.Tensor, info.name) and f"{name}:method" not in S.SKIP:
        ji, ja, jk = _converted(s)
        _assert_close(getattr(ji, info.name)(*ja, **jk), tout, name, what + " (method)")
    iname = info.name + "_"
    if info.inplace_variant is not None and hasattr(jtorch.Tensor, iname) and not s.broadcasts_input and \
            f"{name}:inplace" not in S.SKIP:
        tin = s.input.clone()
        ji, ja, jk = _converted(s)
        try:
            info.inplace_variant(tin, *s.args, **s.kwargs)
        except Exception as e:
            _expect_same_error(what + " (in-place)", lambda: getattr(ji, iname)(*ja, **jk), e)
        else:
            jres = getattr(ji, iname)(*ja, **jk)
            assert jres is ji, f"{what}: {iname} must return self"
            _assert_close(ji, tin, name, what + " (in-place)")
    jf = _lookup(jtorch, info.name)
    if info.supports_out and isinstance(tout, torch.Tensor) and \
            getattr(getattr(jf, "_op", None), "has_out", False) and f"{name}:out" not in S.SKIP:
        tbuf = torch.empty_like(tout)
        info.op(s.input, *s.args, **s.kwargs, out=tbuf)
        jbuf = jtorch.empty(tuple(tout.shape), dtype=to_j(tout.dtype))
        ji, ja, jk = _converted(s)
        assert _JT[name](ji, *ja, **jk, out=jbuf) is jbuf, f"{what}: out= must return out"
        _assert_close(jbuf, tbuf, name, what + " (out=)")


def _check_grads(name: str, info, jfn: Callable) -> int:
    done = 0
    jit = 0 if name in S.NO_JIT else JIT["grad"]
    for k, s in enumerate(_samples(info, torch.float64, True, SAMPLES["grad"])):
        what = f"{name}:grad sample {k} ({s})"
        conv = _converted(s)
        if conv is None:
            continue
        tout = s.output_process_fn_grad(_call(info.op, s))
        touts = [o for o in _torch_leaves(tout, []) if o.requires_grad]
        tins = [t for t in _torch_leaves((s.input, s.args, s.kwargs), []) if t.requires_grad]
        rng = np.random.default_rng(k)
        cts = [rng.standard_normal(tuple(o.shape)) for o in touts]
        tgrads = torch.autograd.grad(touts, tins, [torch.from_numpy(c).to(o.dtype) for c, o in zip(cts, touts)],
                                     allow_unused=True) if touts else ()
        run, leaves = _jit_fn(jfn, *conv)
        fwd_bwd = _fwd_bwd(run, s.output_process_fn_grad, len(touts), cts, what)
        for how, (jout, jgrads) in [("", fwd_bwd(*leaves))] + \
                ([(" under jax.jit", jit_apply(fwd_bwd, *leaves))] if k < jit else []):
            _assert_close(jout, tout, name, what + how)
            for i, (jg, tg) in enumerate(zip(jgrads, tgrads)):
                if tg is None or tg._is_zerotensor():  # torch's efficient zeros
                    tg = torch.zeros_like(tins[i])
                _assert_close(jg, tg, name,
                              f"{what}: grad of input {i}{how}")
        done += 1
    return done


def _fwd_bwd(run: Callable, process: Callable, n_outs: int, cts: list, what: str) -> Callable:
    """tensors -> (outputs, gradients of the outputs' projection on ``cts`` w.r.t. the tensors requiring grad)."""
    def fwd_bwd(*xs):
        out = process(run(*xs))
        outs = [o for o in _jleaves(out) if o.requires_grad]
        assert len(outs) == n_outs, f"{what}: {len(outs)} outputs require grad, torch has {n_outs}"
        ins = [x for x in xs if x.requires_grad]
        grads = jtorch.autograd.grad(outs, ins, [jtorch.tensor(c).to(o.dtype) for c, o in zip(cts, outs)],
                                     allow_unused=True, materialize_grads=True) if outs else ()
        return out, list(grads)
    return fwd_bwd


def _jleaves(x: Any) -> list:
    if isinstance(x, jtorch.Tensor):
        return [x]
    if isinstance(x, (list, tuple)):
        return [t for v in x for t in _jleaves(v)]
    return []


def _check_errors(name: str, info, jfn: Callable) -> int:
    done = 0
    torch.manual_seed(0)
    for k, e in enumerate(info.error_inputs("cpu")):
        if k >= MAX_ERRORS:
            break
        s = e.sample_input
        what = f"{name}:errors {k} ({e.error_type.__name__}: {e.error_regex})"
        if S.sample_skip(f"{name}:errors", s) is not None:
            continue
        conv = _converted(s)
        if conv is None:
            continue
        ji, ja, jk = conv
        try:
            _call(info.op, s)
        except Exception as te:
            je = _expect_same_error(what, functools.partial(jfn, ji, *ja, **jk), te)
            if name in S.CHECK_MESSAGES:
                assert re.search(e.error_regex, str(je)), f"{what}: jtorch's message is {str(je)!r}"
            done += 1
    return done


# ------------------------------------------------------------------ summary
def not_implemented() -> list:
    return sorted(n for n, fn in _JT.items() if fn is None)


def covered_ops() -> set:
    """Names of op_db entries jtorch runs (for the coverage test)."""
    return {_INFOS[n].name for n, fn in _JT.items() if fn is not None}


def test_skip_tables_name_real_entries() -> None:
    names = set(_INFOS)
    for table in (S.SKIP, S.XFAIL, S.TOLERANCE, S.NO_JIT):
        stale = [k for k in table if k.split(":")[0] not in names]
        assert not stale, f"opdb_skips.py names entries op_db does not have: {stale}"
    stale = [k for k, _, _ in S.SAMPLE_SKIPS if k.split(":")[0] not in names]
    assert not stale, f"SAMPLE_SKIPS names entries op_db does not have: {stale}"


def test_not_implemented_summary(record_property) -> None:
    missing = not_implemented()
    have = sorted(n for n, fn in _JT.items() if fn is not None)
    record_property("opdb_covered", len(have))
    record_property("opdb_missing", len(missing))
    print(f"\nop_db: {len(have)} OpInfos run against jtorch, {len(S.SKIP)} skipped by reason, "
          f"{len(missing)} not implemented in jtorch:\n  " + ", ".join(missing))
    assert len(have) + len(missing) + len([k for k in S.SKIP if ":" not in k]) == len(_INFOS)
