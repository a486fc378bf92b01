"""gradcheck / gradgradcheck: compare the tape's gradients with central finite differences.

Jacobians are laid out as torch's: one ``(input numel, output numel)`` matrix per (input, output)
pair. Slow mode compares them element-wise; fast mode compares ``u^T J v`` for random unit
vectors and, on failure, recomputes the full matrices for the message. Needs concrete values, so
it runs eagerly (not inside jax.jit).
"""
from __future__ import annotations

import warnings
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from .engine import grad as _grad
from .graph import Node, tensor_cls

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by gradcheck and gradgradcheck when a check fails."""


def _as_tuple(x: Any) -> tuple:
    if isinstance(x, tuple):
        return x
    if isinstance(x, list):
        return tuple(x)
    return (x,)


def _is_tensor(x: Any) -> bool:
    return isinstance(x, tensor_cls())


def _diff_outputs(outputs: tuple) -> tuple:
    return tuple(o for o in outputs if _is_tensor(o) and o.requires_grad)


def _np(t: Any) -> np.ndarray:
    v = t._value
    if isinstance(v, jax.core.Tracer):
        raise RuntimeError("gradcheck needs concrete values: call it eagerly, outside jax.jit")
    return np.asarray(v)


def _check_inputs(inputs: tuple) -> list:
    idx = []
    for i, x in enumerate(inputs):
        if _is_tensor(x) and x.requires_grad:
            if x.dtype.is_complex:
                raise NotImplementedError(f"gradcheck: complex input #{i} is not supported")
            if x._value.dtype != np.float64:
                warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point or complex. "
                              "This check will likely fail if all the inputs are not of double precision floating "
                              "point or complex. ", stacklevel=3)
            if any(st == 0 and sz > 1 for st, sz in zip(x.stride(), x.size())):
                raise RuntimeError(f"The {i}th input has a dimension with stride 0. gradcheck only supports inputs "
                                   "that are non-overlapping to be able to compute the numerical gradients "
                                   "correctly. You should call .contiguous on the input before passing it to "
                                   "gradcheck.")
            idx.append(i)
    if not idx:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of them have "
                         "requires_grad=True.")
    return idx


def _evaluate(func: Callable, inputs: tuple, i: int, value: Any) -> list:
    """The outputs of ``func`` (as float64 numpy arrays) with input ``i`` replaced by ``value``."""
    Tensor = tensor_cls()
    args = list(inputs)
    x = Tensor._make(value)
    if inputs[i].requires_grad:
        x.requires_grad_(True)
    args[i] = x
    outs = _as_tuple(func(*args))
    return [_np(o.detach()).astype(np.float64) if _is_tensor(o) else None for o in outs]


def _numerical_jacobian(func: Callable, inputs: tuple, i: int, eps: float) -> list:
    """One (numel_in, numel_out) matrix per output (None for non-tensor outputs): central differences
    along each element of input ``i``."""
    base = _np(inputs[i])
    flat = base.reshape(-1)
    ref = _evaluate(func, inputs, i, jnp.asarray(base))
    cols: list = [[] for _ in ref]
    for k in range(flat.size):
        plus, minus = flat.copy(), flat.copy()
        plus[k] += eps
        minus[k] -= eps
        a = _evaluate(func, inputs, i, jnp.asarray(plus.reshape(base.shape)))
        b = _evaluate(func, inputs, i, jnp.asarray(minus.reshape(base.shape)))
        for col, x, y in zip(cols, a, b):
            if x is not None:
                col.append(((x - y) / (2 * eps)).reshape(-1))
    return [None if r is None else np.stack(c) if c else np.zeros((0, r.size)) for r, c in zip(ref, cols)]


def _analytical_jacobian(inputs: tuple, diff_idx: list, output: Any, check_grad_dtypes: bool) -> list:
    """One (numel_in, numel_out) matrix per differentiable input, from one backward per output element."""
    Tensor = tensor_cls()
    diff = [inputs[i] for i in diff_idx]
    n_out = output.numel()
    rows: list = [np.zeros((x.numel(), n_out)) for x in diff]
    for j in range(n_out):
        ct = np.zeros(n_out, dtype=np.asarray(output._value).dtype)
        ct[j] = 1
        grads = _grad(output, diff, Tensor._make(jnp.asarray(ct.reshape(tuple(output.shape)))), retain_graph=True,
                      allow_unused=True)
        for k, (g, x) in enumerate(zip(grads, diff)):
            if g is None:
                continue
            if tuple(g.shape) != tuple(x.shape):
                raise GradcheckError("Analytical gradient has incorrect size")
            if check_grad_dtypes and g.dtype != x.dtype:
                raise GradcheckError("Gradient has dtype mismatch")
            rows[k][:, j] = _np(g).reshape(-1)
    return rows


def _as_tensor(a: np.ndarray) -> Any:
    return tensor_cls()._make(jnp.asarray(a))


def _mismatch(a: np.ndarray, n: np.ndarray, out_idx: int, in_idx: int) -> str:
    return (f"Jacobian mismatch for output {out_idx:d} with respect to input {in_idx:d},\n"
            f"numerical:{_as_tensor(n)}\nanalytical:{_as_tensor(a)}\n")


def _allclose(a: np.ndarray, n: np.ndarray, rtol: float, atol: float) -> bool:
    return a.shape == n.shape and bool(np.allclose(a, n, rtol=rtol, atol=atol))


def _slow_check(func, inputs, diff_idx, outputs, eps, atol, rtol, nondet_tol, check_grad_dtypes) -> None:
    numerical = [_numerical_jacobian(func, inputs, i, eps) for i in diff_idx]
    diff_outs = [k for k, o in enumerate(outputs) if _is_tensor(o) and o.requires_grad]
    if not diff_outs:
        for per_input in numerical:
            for n in per_input:
                if n is not None and np.any(n != 0):
                    raise GradcheckError("Numerical gradient for function expected to be zero")
        return
    for j, k in enumerate(diff_outs):
        analytical = _analytical_jacobian(inputs, diff_idx, outputs[k], check_grad_dtypes)
        again = _analytical_jacobian(inputs, diff_idx, outputs[k], check_grad_dtypes)
        for i, (a, per_input) in enumerate(zip(analytical, numerical)):
            n = per_input[k]
            if not _allclose(a, n, rtol, atol):
                raise GradcheckError(_mismatch(a, n, j, i))
        if any(np.max(np.abs(a - b), initial=0) > nondet_tol for a, b in zip(analytical, again)):
            raise GradcheckError("Backward is not reentrant, i.e., running backward with same input and grad_output "
                                 "multiple times gives different values, although analytical gradient matches "
                                 f"numerical gradient.The tolerance for nondeterminism was {nondet_tol}.")


def _unit(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    v = rng.random(shape)
    norm = np.linalg.norm(v)
    return v / norm if norm > 0 else v


def _fast_check(func, inputs, diff_idx, outputs, eps, atol, rtol, nondet_tol, check_grad_dtypes) -> None:
    """Compare u^T J v: a directional finite difference against one backward per output."""
    Tensor = tensor_cls()
    rng = np.random.default_rng(0)
    all_v = [_unit(rng, tuple(inputs[i].shape)) for i in diff_idx]
    diff_outs = [k for k, o in enumerate(outputs) if _is_tensor(o) and o.requires_grad]
    all_u = [_unit(rng, tuple(outputs[k].shape)) for k in diff_outs]
    for i, (idx, v) in enumerate(zip(diff_idx, all_v)):
        base = _np(inputs[idx])
        plus = _evaluate(func, inputs, idx, jnp.asarray(base + eps * v))
        minus = _evaluate(func, inputs, idx, jnp.asarray(base - eps * v))
        jv = [None if p is None else (p - m) / (2 * eps) for p, m in zip(plus, minus)]
        if not diff_outs:
            if any(d is not None and d.size and np.max(np.abs(d)) > nondet_tol for d in jv):
                raise GradcheckError("Numerical gradient for function expected to be zero")
            continue
        for j, (k, u) in enumerate(zip(diff_outs, all_u)):
            n = np.array(np.sum(u * jv[k]))
            g = _grad(outputs[k], [inputs[d] for d in diff_idx], Tensor._make(jnp.asarray(u, outputs[k]._value.dtype)),
                      retain_graph=True, allow_unused=True)[i]
            if g is not None and check_grad_dtypes and g.dtype != inputs[idx].dtype:
                raise GradcheckError("Gradient has dtype mismatch")
            a = np.array(0.0 if g is None else np.sum(_np(g) * v))
            if not np.allclose(a, n, rtol=rtol, atol=atol * u.sum() * v.sum()):
                full_n = _numerical_jacobian(func, inputs, idx, eps)[k]
                full_a = _analytical_jacobian(inputs, diff_idx, outputs[k], False)[i]
                raise GradcheckError(
                    _mismatch(a, n, j, i) + "\nThe above quantities relating the numerical and analytical jacobians "
                    "are computed \nin fast mode. See: https://github.com/pytorch/pytorch/issues/53876 for more "
                    "background \nabout fast mode. Below, we recompute numerical and analytical jacobians in slow "
                    f"mode:\n\nNumerical:\n {_as_tensor(full_n)}\nAnalytical:\n{_as_tensor(full_a)}\n\n"
                    f"The max per-element difference (slow mode) is: {np.max(np.abs(full_n - full_a), initial=0)}.\n")


class _UndefinedGrad(Node):
    """Passes an undefined (None) gradient to its input, whatever it receives (torch's UndefinedGrad)."""

    def __init__(self, edge: tuple, meta: tuple) -> None:
        super().__init__((edge,), (meta,))

    def apply(self, grads: list, create_graph: bool) -> list:
        return [None]


def _undefined(t: Any) -> Any:
    out = tensor_cls()._make(t._value)
    out._node = _UndefinedGrad(t._edge(), (tuple(t.shape), t._value.dtype))
    return out


def _warn_bc_breaking() -> None:
    warnings.warn("Backwards compatibility: New undefined gradient support checking feature is enabled by default, "
                  "but it may break existing callers of this function. If this is true for you, you can call this "
                  'function with "check_undefined_grad=False" to disable the feature', stacklevel=4)


def _check_undefined_grad(func: Callable, inputs: tuple, diff_idx: list) -> None:
    from ..ops.creation import zeros_like
    diff = [inputs[i] for i in diff_idx]
    n = len(_diff_outputs(_as_tuple(func(*inputs))))
    cases = [None] + (list(range(n)) if n > 1 else [])  # all undefined, then one at a time
    for undef in cases:
        outs = _diff_outputs(_as_tuple(func(*inputs)))
        outs = tuple(_undefined(o) if undef is None or k == undef else o for k, o in enumerate(outs))
        try:
            grads = _grad(outs, diff, tuple(zeros_like(o) for o in outs), allow_unused=True)
        except RuntimeError as e:
            _warn_bc_breaking()
            raise GradcheckError("Expected backward function to handle undefined output grads. Please look at "
                                 "\"Notes about undefined output gradients\" in \"tools/autograd/derivatives.yaml\"") \
                from e
        if any(g is not None and np.any(_np(g) != 0) for g in grads):
            _warn_bc_breaking()
            raise GradcheckError("Expected all input grads to be undefined or zero when all output grads are "
                                 "undefined or zero. Please look at \"Notes about undefined output gradients\" in "
                                 "\"tools/autograd/derivatives.yaml\"")


def _check_batched_grad(inputs: tuple, diff_idx: list, outputs: tuple) -> None:
    """Gradients for two stacked grad_outputs (is_grads_batched) equal the gradients computed one by one."""
    Tensor = tensor_cls()
    rng = np.random.default_rng(1)
    diff = [inputs[i] for i in diff_idx]
    for j, o in enumerate(_diff_outputs(outputs)):
        cts = [rng.standard_normal(tuple(o.shape)).astype(np.asarray(o._value).dtype) for _ in range(2)]
        expected = [_grad(o, diff, Tensor._make(jnp.asarray(c)), retain_graph=True, allow_unused=True) for c in cts]
        try:
            result = _grad(o, diff, Tensor._make(jnp.asarray(np.stack(cts))), retain_graph=True, allow_unused=True,
                           is_grads_batched=True)
        except RuntimeError as ex:
            raise GradcheckError(f"While computing batched gradients, got: {ex}") from ex
        for i, res in enumerate(result):
            exp = [e[i] for e in expected]
            if res is None and all(e is None for e in exp):
                continue
            want = np.stack([np.zeros(tuple(diff[i].shape)) if e is None else _np(e) for e in exp])
            got = np.zeros_like(want) if res is None else _np(res)
            if not np.allclose(got, want):
                raise GradcheckError(f"For output {j} and input {i}:\n\nbatched gradient {_as_tensor(got)} is not "
                                     f"the same as the gradients computed one at a time {_as_tensor(want)}")


def _unsupported(**flags: Any) -> None:
    for name, value in flags.items():
        if value:
            raise NotImplementedError(f"gradcheck: {name}=True is not supported (jtorch has no forward-mode AD or "
                                      "sparse/masked tensors)")


def gradcheck(func: Callable, inputs: Any, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, nondet_tol: float = 0.0, check_undefined_grad: bool = True,
              check_grad_dtypes: bool = False, check_batched_grad: bool = False,
              check_batched_forward_grad: bool = False, check_forward_ad: bool = False,
              check_backward_ad: bool = True, fast_mode: bool = False, masked: bool | None = None) -> bool:
    """torch.autograd.gradcheck."""
    if not (check_forward_ad or check_backward_ad):
        raise AssertionError("Expected at least one of check_forward_ad or check_backward_ad to be True")
    _unsupported(check_batched_forward_grad=check_batched_forward_grad, check_forward_ad=check_forward_ad,
                 masked=masked)
    inputs = _as_tuple(inputs)
    try:
        diff_idx = _check_inputs(inputs)
        outputs = _as_tuple(func(*inputs))
        if any(_is_tensor(o) and o.requires_grad and o.dtype.is_complex for o in outputs):
            raise NotImplementedError("gradcheck: complex outputs are not supported")
        if check_backward_ad:
            check = _fast_check if fast_mode else _slow_check
            check(func, inputs, diff_idx, outputs, eps, atol, rtol, nondet_tol, check_grad_dtypes)
            if check_undefined_grad and _diff_outputs(outputs):
                _check_undefined_grad(func, inputs, diff_idx)
            if check_batched_grad and _diff_outputs(outputs):
                _check_batched_grad(inputs, diff_idx, outputs)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def gradgradcheck(func: Callable, inputs: Any, grad_outputs: Any = None, *, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, gen_non_contig_grad_outputs: bool = False, raise_exception: bool = True,
                  nondet_tol: float = 0.0, check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
                  check_batched_grad: bool = False, check_fwd_over_rev: bool = False, check_rev_over_rev: bool = True,
                  fast_mode: bool = False, masked: bool = False) -> bool:
    """torch.autograd.gradgradcheck: gradcheck of the function's backward."""
    # gen_non_contig_grad_outputs changes only memory layout, which jax arrays do not expose: values are the same
    Tensor = tensor_cls()
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        # random grad_outputs in [-1, 1), as torch.testing.make_tensor draws them
        rng = np.random.default_rng(2)
        outs = _diff_outputs(_as_tuple(func(*inputs)))
        grad_outputs = tuple(
            Tensor._make(jnp.asarray(rng.uniform(-1, 1, tuple(o.shape)),
                                     o._value.dtype if o.dtype.is_floating_point else np.float64)).requires_grad_(True)
            for o in outs)
    else:
        grad_outputs = _as_tuple(grad_outputs)
    n_out = len(grad_outputs)
    diff_in = {i for i, x in enumerate(inputs) if _is_tensor(x) and x.requires_grad}
    diff_go = {i for i, x in enumerate(grad_outputs) if x.requires_grad}

    def new_func(*args):
        ins = tuple(x.requires_grad_() if i in diff_in else x for i, x in enumerate(args[:-n_out]))
        outs = _diff_outputs(_as_tuple(func(*ins)))
        gos = tuple(x.requires_grad_() if i in diff_go else x for i, x in enumerate(args[-n_out:]))
        grads = _grad(outs, tuple(x for i, x in enumerate(ins) if i in diff_in), gos, create_graph=True,
                      allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(new_func, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception,
                     nondet_tol=nondet_tol, check_undefined_grad=check_undefined_grad,
                     check_grad_dtypes=check_grad_dtypes, check_batched_grad=check_batched_grad, fast_mode=fast_mode,
                     check_forward_ad=check_fwd_over_rev, check_backward_ad=check_rev_over_rev, masked=masked or None)
