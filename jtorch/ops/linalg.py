"""Matrix products: matmul and its rank-specific forms, the add*-fused products, einsum, tensordot.

Decompositions and solvers live in linalg_factor.py / linalg_solve.py, norms in linalg_norm.py; the
``torch.linalg`` namespace is jtorch/linalg.py.

torch's products do not promote: both operands must have one dtype. They are declared ``promote=KEEP`` so
that the operand dtypes are part of the kernel key and ``check=`` (which rejects a mismatch) runs for
every new dtype combination; no cast ever happens.
Shape checks run on every call and reproduce torch's messages for each rank combination.
"""
from __future__ import annotations

import builtins
import math
import string
import warnings
from typing import Any

import jax.numpy as jnp

from .. import _dtype
from ..tensor import Tensor
from ._registry import DEFAULT, KEEP, exported, function, op, tensor_method

_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
            "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
            "uint8": "unsigned char", "bool": "bool", "complex64": "c10::complex<float>",
            "complex128": "c10::complex<double>"}


def _t_name(d: _dtype.dtype) -> str:
    """torch's ScalarType name (Float, Double, Long ...)."""
    from ._registry import _type_name
    return _type_name(d)


def _no_bool(what: str, *ts: Tensor) -> None:
    if builtins.any(t.dtype is _dtype.bool for t in ts):
        raise RuntimeError(f'"{what}" not implemented for \'Bool\'')


def _shape(t: Tensor) -> list:
    return list(t.shape)


def _mm_msg(a: tuple, b: tuple) -> str:
    return f"mat1 and mat2 shapes cannot be multiplied ({a[0]}x{a[1]} and {b[0]}x{b[1]})"


def _dot_msg(n: int, m: int) -> str:
    return (f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same number of elements, "
            f"but got {n} and {m} elements respectively")


def _broadcast_batch(a: tuple, b: tuple) -> tuple:
    n = builtins.max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    out = []
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                               f"non-singleton dimension {i}")
        out.append(y if x == 1 else x)
    return tuple(out)


def _bmm_msg(batch: int, k: int, b: tuple) -> str:
    return (f"Expected size for first two dimensions of batch2 tensor to be: [{batch}, {k}] but got: "
            f"[{batch}, {b[0]}].")


def _expand_msg(target: tuple, shape: tuple) -> None:
    """torch's error when the add* input does not broadcast to the product's shape."""
    lead = len(target) - len(shape)
    if lead < 0:
        raise RuntimeError(f"expand: the number of sizes provided ({len(target)}) must be greater or equal to the "
                           f"number of dimensions in the tensor ({len(shape)})")
    for i, s in enumerate(shape):
        if s != 1 and s != target[lead + i]:
            raise RuntimeError(f"The expanded size of the tensor ({target[lead + i]}) must match the existing size "
                               f"({s}) at non-singleton dimension {lead + i}.  Target sizes: {list(target)}.  "
                               f"Tensor sizes: {list(shape)}")


# ------------------------------------------------------------------ matmul
def _matmul_check(input, other):
    if input.dtype is not other.dtype:
        if input.dim() == 1 and other.dim() == 1:
            raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {_t_name(input.dtype)} "
                               f"and {_t_name(other.dtype)}")
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_C_NAMES.get(input.dtype.name)} "
                           f"!= {_C_NAMES.get(other.dtype.name)}")
    _no_bool("addmm_impl_cpu_" if input.dim() > 1 or other.dim() > 1 else "dot", input)


def _matmul_shapes(a: tuple, b: tuple) -> None:
    """Raise torch's error for matmul operands that do not multiply (torch's _matmul_impl case order)."""
    da, db = len(a), len(b)
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D")
    if da == 1 and db == 1:
        if a[0] != b[0]:
            raise RuntimeError(_dot_msg(a[0], b[0]))
    elif da == 2 and db == 1:
        if a[1] != b[0]:
            raise RuntimeError(f"size mismatch, got input ({a[0]}), mat ({a[0]}x{a[1]}), vec ({b[0]})")
    elif da == 1 and db == 2:
        if a[0] != b[0]:
            raise RuntimeError(_mm_msg((1, a[0]), b))
    elif da == 2 and db == 2:
        if a[1] != b[0]:
            raise RuntimeError(_mm_msg(a, b))
    elif da >= 3 and db <= 2:  # torch folds the batch into the rows
        rows = math.prod(a[:-1])
        if db == 1 and a[-1] != b[0]:
            raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{a[-1]}), vec ({b[0]})")
        if db == 2 and a[-1] != b[0]:
            raise RuntimeError(_mm_msg((rows, a[-1]), b))
    else:
        ma = a if da > 1 else (1,) + a
        mb = b if db > 1 else b + (1,)
        batch = math.prod(_broadcast_batch(ma[:-2], mb[:-2]))
        if ma[-1] != mb[-2]:
            raise RuntimeError(_bmm_msg(batch, ma[-1], mb[-2:]))


# NOTE: matmul, mm and bmm check shapes in the body: it runs only while a new shape is traced, so the hot
# path keeps the registry's fast dispatch (a ``pre=`` would run on every call).
@op("matmul(Tensor input, Tensor other) -> Tensor", promote=KEEP, saves="others", dunders=("__matmul__",),
    check=_matmul_check, node_name="MmBackward0")
def matmul(x, y):
    _matmul_shapes(x.shape, y.shape)
    return jnp.matmul(x, y)


@tensor_method("__rmatmul__")
def _rmatmul(self: Tensor, other: Tensor) -> Tensor:
    return matmul(other, self)


def _mm_shapes(a: tuple, b: tuple) -> None:
    if len(a) != 2:
        raise RuntimeError("self must be a matrix")
    if len(b) != 2:
        raise RuntimeError("mat2 must be a matrix")
    if a[1] != b[0]:
        raise RuntimeError(_mm_msg(a, b))


@op("mm(Tensor input, Tensor mat2) -> Tensor", promote=KEEP, saves="others", check=_matmul_check)
def mm(x, y):
    _mm_shapes(x.shape, y.shape)
    return jnp.matmul(x, y)


def _bmm_shapes(s1: tuple, s2: tuple) -> None:
    if len(s1) != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if len(s2) != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if s1[0] != s2[0] or s1[2] != s2[1]:
        raise RuntimeError(_bmm_msg(s1[0], s1[2], s2))


def _bmm_check(input, mat2):
    if input.dtype is not mat2.dtype:
        raise RuntimeError(f"expected scalar type {_t_name(input.dtype)} but found {_t_name(mat2.dtype)}")
    _no_bool("bmm", input)


@op("bmm(Tensor input, Tensor mat2) -> Tensor", promote=KEEP, saves="others", check=_bmm_check)
def bmm(x, y):
    _bmm_shapes(x.shape, y.shape)
    return jnp.matmul(x, y)


def _mv_shapes(input: Tensor | None, mat: Tensor, vec: Tensor) -> None:
    if mat.dim() != 2 or vec.dim() != 1 or (input is not None and input.dim() > 1):
        got = 1 if input is None else input.dim()
        raise RuntimeError(f"vector + matrix @ vector expected, got {got}, {mat.dim()}, {vec.dim()}")
    n = mat.shape[0] if input is None or input.dim() == 0 else input.shape[0]
    if mat.shape[1] != vec.shape[0] or (input is not None and input.dim() == 1 and n not in (1, mat.shape[0])):
        raise RuntimeError(f"size mismatch, got input ({n}), mat ({mat.shape[0]}x{mat.shape[1]}), vec "
                           f"({vec.shape[0]})")


def _mv_pre(input, vec):
    if isinstance(input, Tensor) and isinstance(vec, Tensor):
        _mv_shapes(None, input, vec)
    return input, vec


def _same_dtypes(what: str, *ts: Tensor) -> None:
    if builtins.len({t.dtype for t in ts}) > 1:
        names = [_t_name(t.dtype) for t in ts]
        listed = ", ".join(names[:-1]) + ", and " + names[-1] if len(names) > 2 else " and ".join(names)
        raise RuntimeError(f"{what} input tensors must have the same dtype, but got {listed}")


def _mv_check(input, vec):
    _same_dtypes("addmv", input, input, vec)
    _no_bool("addmv_impl_cpu", input)


@op("mv(Tensor input, Tensor vec) -> Tensor", promote=KEEP, saves="others", check=_mv_check, pre=_mv_pre)
def mv(x, v):
    return jnp.matmul(x, v)


def _dot_pre(input, tensor):
    if isinstance(input, Tensor) and isinstance(tensor, Tensor):
        if input.dim() != 1 or tensor.dim() != 1:
            raise RuntimeError(f"1D tensors expected, but got {input.dim()}D and {tensor.dim()}D tensors")
        if input.shape[0] != tensor.shape[0]:
            raise RuntimeError(_dot_msg(input.shape[0], tensor.shape[0]))
    return input, tensor


def _dot_check(input, tensor):
    if input.dtype is not tensor.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {_t_name(input.dtype)} and "
                           f"{_t_name(tensor.dtype)}")
    _no_bool("dot", input)


@op("dot(Tensor input, Tensor tensor) -> Tensor", promote=KEEP, saves="others", check=_dot_check, pre=_dot_pre)
def dot(x, y):
    return jnp.dot(x, y)


@op("vdot(Tensor input, Tensor other) -> Tensor", promote=KEEP, saves="others", check=_dot_check, pre=_dot_pre)
def vdot(x, y):
    return jnp.dot(jnp.conj(x), y)


def _inner_pre(input, other):
    if isinstance(input, Tensor) and isinstance(other, Tensor) and input.dim() and other.dim():
        if input.shape[-1] != other.shape[-1]:
            raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                               f"{_shape(input)} and {_shape(other)}")
    return input, other


def _inner_check(input, other):
    if input.dim() and other.dim() and input.dtype is not other.dtype:
        raise RuntimeError("both inputs should have same dtype")


# a 0-d operand makes inner a multiplication, which promotes; otherwise the dtypes must agree (checked)
@op("inner(Tensor input, Tensor other) -> Tensor", promote=DEFAULT, saves="others", check=_inner_check,
    pre=_inner_pre)
def inner(x, y):
    if x.ndim == 0 or y.ndim == 0:
        return x * y
    return jnp.inner(x, y)


def _outer_pre(input, vec2, name="outer"):
    if isinstance(input, Tensor) and isinstance(vec2, Tensor):
        for arg, t in (("self", input), ("vec2", vec2)):
            if t.dim() != 1:
                raise RuntimeError(f"{name}: Expected 1-D argument {arg}, but got {t.dim()}-D")
    return input, vec2


def _outer(x, y):
    return jnp.logical_and(x[:, None], y[None, :]) if x.dtype == jnp.bool_ else x[:, None] * y[None, :]


@op("outer(Tensor input, Tensor vec2) -> Tensor", promote=DEFAULT, saves="others", pre=_outer_pre)
def outer(x, y):
    return _outer(x, y)


@op("ger(Tensor input, Tensor vec2) -> Tensor", promote=DEFAULT, saves="others", pre=_outer_pre,
    node_name="OuterBackward0")
def ger(x, y):
    return _outer(x, y)


# ------------------------------------------------------------------ the add*-fused products
def _scale(v, s):
    """``s * v`` for a static 1 (the default) or a dynamic scalar cast to ``v``'s dtype (torch truncates a
    float scalar for integer tensors)."""
    if s.__class__ is builtins.int and s == 1:
        return v
    if v.dtype == jnp.bool_:
        return jnp.logical_and(v, jnp.asarray(s).astype(bool))
    return v * jnp.asarray(s).astype(v.dtype)


def _plus_beta(c, prod, beta, alpha):
    """``beta * c + alpha * prod``; beta == 0 ignores ``c`` entirely (NaN and inf too), as torch does."""
    prod = _scale(prod, alpha)
    if beta.__class__ is builtins.int and beta == 1:
        c = c.astype(prod.dtype)
    else:
        c = jnp.where(jnp.asarray(beta) == 0, jnp.zeros((), prod.dtype), _scale(c.astype(prod.dtype), beta))
    return jnp.logical_or(c, prod) if prod.dtype == jnp.bool_ else c + prod


def _check_int_scalars(what, tensors, **scalars):
    if builtins.all(t.dtype.is_integer or t.dtype is _dtype.bool for t in tensors):
        for name, s in scalars.items():
            if isinstance(s, builtins.float):
                raise RuntimeError(f"For integral input tensors, argument {name} must not be a floating point "
                                   "number.")


def _addmm_pre(input, mat1, mat2, beta=1, alpha=1):
    if isinstance(mat1, Tensor) and isinstance(mat2, Tensor) and isinstance(input, Tensor):
        for name, t in (("mat1", mat1), ("mat2", mat2)):
            if t.dim() != 2:
                raise RuntimeError(f"{name} must be a matrix, got {t.dim()}-D tensor")
        if mat1.shape[1] != mat2.shape[0]:
            raise RuntimeError(_mm_msg(tuple(mat1.shape), tuple(mat2.shape)))
        _expand_msg((mat1.shape[0], mat2.shape[1]), tuple(input.shape))
    return input, mat1, mat2, beta, alpha


def _addmm_check(input, mat1, mat2, beta=1, alpha=1):
    if mat1.dtype is not mat2.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_t_name(mat1.dtype)} and "
                           f"{_t_name(mat2.dtype)}")
    if input.dtype is not mat1.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_t_name(input.dtype)} and "
                           f"{_t_name(mat2.dtype)}")
    _no_bool("addmm_impl_cpu_", input)


@op("addmm(Tensor input, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1) -> Tensor", promote=KEEP, inplace=True,
    check=_addmm_check, pre=_addmm_pre)
def addmm(c, a, b, *, beta, alpha):
    return _plus_beta(c, jnp.matmul(a, b), beta, alpha)


def _addmv_pre(input, mat, vec, beta=1, alpha=1):
    if isinstance(mat, Tensor) and isinstance(vec, Tensor) and isinstance(input, Tensor):
        _mv_shapes(input, mat, vec)
    return input, mat, vec, beta, alpha


def _addmv_check(input, mat, vec, beta=1, alpha=1):
    _same_dtypes("addmv", input, mat, vec)
    _no_bool("addmv_impl_cpu", input)


@op("addmv(Tensor input, Tensor mat, Tensor vec, *, Scalar beta=1, Scalar alpha=1) -> Tensor", promote=KEEP, inplace=True,
    check=_addmv_check, pre=_addmv_pre)
def addmv(c, a, v, *, beta, alpha):
    return _plus_beta(c, jnp.matmul(a, v), beta, alpha)


def _addr_pre(input, vec1, vec2, beta=1, alpha=1):
    if isinstance(vec1, Tensor) and isinstance(vec2, Tensor) and isinstance(input, Tensor):
        for name, t in (("vec1", vec1), ("vec2", vec2)):
            if t.dim() != 1:
                raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {t.dim()}-D")
        _expand_msg((vec1.shape[0], vec2.shape[0]), tuple(input.shape))
    return input, vec1, vec2, beta, alpha


def _addr_check(input, vec1, vec2, beta=1, alpha=1):
    _check_int_scalars("addr", (input, vec1, vec2), beta=beta, alpha=alpha)


# addr is built from mul and add in torch, so unlike the other products it promotes
@op("addr(Tensor input, Tensor vec1, Tensor vec2, *, Scalar beta=1, Scalar alpha=1) -> Tensor", promote=DEFAULT,
    inplace=True, check=_addr_check, pre=_addr_pre)
def addr(c, x, y, *, beta, alpha):
    return _plus_beta(c, _outer(x, y), beta, alpha)


def _batched_pre(input, batch1, batch2, beta=1, alpha=1, *, summed=False):
    if isinstance(batch1, Tensor) and isinstance(batch2, Tensor) and isinstance(input, Tensor):
        if batch1.dim() != 3:
            raise RuntimeError("batch1 must be a 3D tensor")
        if batch2.dim() != 3:
            raise RuntimeError("batch2 must be a 3D tensor")
        s1, s2 = tuple(batch1.shape), tuple(batch2.shape)
        if summed:
            if s1[0] != s2[0]:
                raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {s1[0]} and {s2[0]}")
            if s1[2] != s2[1]:
                raise RuntimeError(f"Incompatible matrix sizes for bmm ({s1[1]}x{s1[2]} and {s2[1]}x{s2[2]})")
            _expand_msg((s1[1], s2[2]), tuple(input.shape))
        else:
            _expand_msg((s1[0], s1[1], s2[2]), tuple(input.shape))
            if s1[0] != s2[0] or s1[2] != s2[1]:
                raise RuntimeError(_bmm_msg(s1[0], s1[2], s2))
    return input, batch1, batch2, beta, alpha


def _baddbmm_check(input, batch1, batch2, beta=1, alpha=1):
    if input.dtype is not batch1.dtype or input.dtype is not batch2.dtype:
        if input.dtype is batch1.dtype:
            raise RuntimeError(f"expected scalar type {_t_name(batch1.dtype)} but found {_t_name(batch2.dtype)}")
        names = [_C_NAMES.get(t.dtype.name, t.dtype.name) for t in (input, batch1, batch2)]
        raise RuntimeError(f"Input dtypes must be the same, got: input {names[0]}, batch1: {names[1]}, "
                           f"batch2: {names[2]}")
    _no_bool("baddbmm", input)


@op("addbmm(Tensor input, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1) -> Tensor", promote=KEEP,
    inplace=True, check=_baddbmm_check, pre=lambda *a: _batched_pre(*a, summed=True))
def addbmm(c, a, b, *, beta, alpha):
    return _plus_beta(c, jnp.einsum("bij,bjk->ik", a, b), beta, alpha)


@op("baddbmm(Tensor input, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1) -> Tensor", promote=KEEP,
    inplace=True, check=_baddbmm_check, pre=_batched_pre)
def baddbmm(c, a, b, *, beta, alpha):
    return _plus_beta(c, jnp.matmul(a, b), beta, alpha)


# ------------------------------------------------------------------ chains of products
def _multi_dot_pre(tensors, name="multi_dot"):
    if isinstance(tensors, (builtins.list, builtins.tuple)) and builtins.all(isinstance(t, Tensor) for t in tensors):
        n = len(tensors)
        if n < 2:
            raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
        for i, t in enumerate(tensors):
            if i in (0, n - 1) and t.dim() not in (1, 2):
                which = "first" if i == 0 else "last"
                raise RuntimeError(f"multi_dot(): the {which} tensor must be 1D or 2D but got {t.dim()}D")
            if 0 < i < n - 1 and t.dim() != 2:
                raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.dim()}D")
        for i, t in enumerate(tensors):
            if t.dtype is not tensors[0].dtype:
                raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                                   f"{_C_NAMES.get(tensors[0].dtype.name)} and tensor {i} "
                                   f"{_C_NAMES.get(t.dtype.name)}")
        for i in range(n - 1):
            a, b = tensors[i], tensors[i + 1]
            if a.shape[-1] != b.shape[0]:
                sa = [1, a.shape[0]] if i == 0 and a.dim() == 1 else _shape(a)
                sb = [b.shape[0], 1] if i + 1 == n - 1 and b.dim() == 1 else _shape(b)
                raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {sa} and {sb} cannot be "
                                   "multiplied")
    return (tensors,)


@op("linalg_multi_dot(Tensor[] tensors) -> Tensor", promote=KEEP, function=False, method=False, pre=_multi_dot_pre,
    node_name="MmBackward0")
def multi_dot(xs):
    return jnp.linalg.multi_dot(xs)


@function
def chain_matmul(*matrices: Tensor, out: Tensor | None = None) -> Tensor:
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
                  "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than "
                  "multiple parameters.", UserWarning, stacklevel=2)
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for t in matrices:
        if t.dim() != 2:
            raise RuntimeError(f"Tensor dimension is {t.dim()}, expected 2 instead.")
    if len(matrices) == 1:
        result = matrices[0].clone()  # type: ignore[attr-defined]
        return result if out is None else out.copy_(result)  # type: ignore[attr-defined]
    return multi_dot(list(matrices), out=out)


# ------------------------------------------------------------------ einsum
_LETTERS = string.ascii_letters


def _sublist_to_equation(args: tuple) -> tuple[str, list]:
    """einsum(op0, sublist0, op1, sublist1, ..., [out_sublist]) -> ("ab,bc->ac", operands)."""
    def letters(sub) -> str:
        out = ""
        for s in sub:
            if s is Ellipsis:
                out += "..."
            elif isinstance(s, builtins.int) and 0 <= s < 52:
                out += _LETTERS[s]
            else:
                raise RuntimeError(f"einsum(): expected subscript to be within the range [0, 52), but got {s}")
        return out
    operands, subs = list(args[0::2]), [letters(s) for s in args[1::2]]
    if len(args) % 2:  # a trailing output sublist
        return ",".join(subs) + "->" + letters(args[-1]), operands[:-1]
    return ",".join(subs), operands


def _einsum_pre(equation, tensors):
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(tensors):
        more = "more" if len(tensors) > len(terms) else "fewer"
        raise RuntimeError(f"einsum(): {more} operands were provided than specified in the equation")
    for i, c in enumerate(eq):
        if not (c in _LETTERS or c in ".,->"):
            raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation string, subscripts "
                               "must be in [a-zA-Z]")
    sizes: dict = {}
    for k, (term, t) in enumerate(zip(terms, tensors)):
        ell = "..." in term
        labels = term.replace("...", "")
        if (not ell and len(labels) != t.dim()) or (ell and len(labels) > t.dim()):
            if ell:
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(labels)}) is more than "
                                   f"the number of dimensions ({t.dim()}) for operand {k}")
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(labels)}) does not match "
                               f"the number of dimensions ({t.dim()}) for operand {k} and no ellipsis was given")
        head = term.split("...")[0]
        tail = term.split("...")[1] if ell else ""
        dims = list(range(len(head))) + list(range(t.dim() - len(tail), t.dim()))
        for c, d in zip(head + tail, dims):
            n = t.shape[d]
            seen = sizes.get(c)
            if seen is not None and n != seen and n != 1 and seen != 1:
                raise RuntimeError(f"einsum(): operands do not broadcast with remapped shapes (original->remapped): "
                                   f"subscript {c} has size {n} for operand {k} which does not broadcast with "
                                   f"previously seen size {seen}")
            if seen is None or seen == 1:
                sizes[c] = n
    if arrow:
        for c in rhs.replace("...", ""):
            if c not in sizes:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any input "
                                   "operand")
            if rhs.count(c) > 1:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the output")
    return eq, list(tensors)


def _einsum_check(equation, tensors):
    for t in tensors[1:]:
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError(f"expected scalar type {_t_name(tensors[0].dtype)} but found {_t_name(t.dtype)}")


@op("_einsum(str equation, Tensor[] tensors) -> Tensor", promote=KEEP, function=False, method=False, pre=_einsum_pre,
    check=_einsum_check, node_name="EinsumBackward0")
def _einsum(equation, xs):
    # torch broadcasts size-1 dimensions that share a subscript; jnp.einsum wants equal sizes
    terms = equation.partition("->")[0].split(",")
    sizes: dict = {}
    for term, x in zip(terms, xs):
        if "..." not in term:
            for c, n in zip(term, x.shape):
                sizes[c] = builtins.max(sizes.get(c, 1), n)
    xs = [jnp.broadcast_to(x, tuple(sizes[c] for c in term)) if "..." not in term and x.ndim else x
          for term, x in zip(terms, xs)]
    return jnp.einsum(equation, *xs, optimize="optimal" if len(xs) > 2 else False)


@function
def einsum(*args) -> Tensor:
    if not args:
        raise TypeError("einsum(): must specify the equation string and at least one operand, or at least one "
                        "operand and its subscripts list")
    if isinstance(args[0], builtins.str):
        operands: Any = args[1:]
        if len(operands) == 1 and isinstance(operands[0], (builtins.list, builtins.tuple)):
            operands = operands[0]
        return _einsum(args[0], list(operands))
    equation, operands = _sublist_to_equation(args)
    return _einsum(equation, operands)


# ------------------------------------------------------------------ tensordot
def _tensordot_pre(a, b, dims=2):
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, builtins.int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > a.dim() or dims > b.dim():
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        da, db = tuple(range(a.dim() - dims, a.dim())), tuple(range(dims))
    else:
        if len(dims) != 2:
            raise RuntimeError("tensordot expects dims to be a pair of lists (or an int)")
        da, db = ([d] if isinstance(d, builtins.int) else list(d) for d in dims)
        if len(da) != len(db):
            raise RuntimeError(f"both dimension lists should have same length, but got {len(da)} and {len(db)}")
        from ..tensor import _wrap_dim
        da = tuple(_wrap_dim(d, a.dim()) for d in da)
        db = tuple(_wrap_dim(d, b.dim()) for d in db)
    for x, y in zip(da, db):
        if a.shape[x] != b.shape[y] and a.shape[x] != 1 and b.shape[y] != 1:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[x]} in dim {x} and "
                               f"second has size {b.shape[y]} in dim {y}")
    return a, b, (da, db)


def _tensordot_check(a, b, dims=2):
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected scalar type {_t_name(a.dtype)} but found {_t_name(b.dtype)}")


@op("tensordot(Tensor a, Tensor b, Any dims=2) -> Tensor", promote=KEEP, saves="others", pre=_tensordot_pre,
    check=_tensordot_check, node_name="MmBackward0")
def tensordot(x, y, dims):
    # torch broadcasts a contracted dimension of size 1: summing the other side first is the same product
    da, db = dims
    x = x.sum(tuple(i for i, j in zip(da, db) if x.shape[i] > 1 and y.shape[j] == 1), keepdims=True)
    y = y.sum(tuple(j for i, j in zip(da, db) if y.shape[j] > 1 and x.shape[i] == 1), keepdims=True)
    return jnp.tensordot(x, y, axes=dims)


from . import linalg_factor, linalg_norm, linalg_solve  # noqa: E402,F401  (the rest of the family)

__all__ = exported(__name__)
