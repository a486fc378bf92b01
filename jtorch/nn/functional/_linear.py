"""F.linear and F.bilinear."""
from __future__ import annotations

import jax
import jax.numpy as jnp

from ...ops._registry import _type_name, op

_HIGHEST = jax.lax.Precision.HIGHEST  # torch's float32 matmul is full precision (no TF32 by default)

# c10's lower-case scalar type names, used in some of torch's dtype messages
_C10_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
              "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
              "uint8": "unsigned char", "bool": "bool", "complex64": "c10::complex<float>",
              "complex128": "c10::complex<double>"}


def _c10(dt) -> str:
    return _C10_NAMES.get(dt.name, dt.name)


def _expand_check(shape: tuple, out: tuple) -> None:
    if len(shape) > len(out):
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(shape)}}}, size={list(out)}): the number of sizes "
                           f"provided ({len(out)}) must be greater or equal to the number of dimensions in the "
                           f"tensor ({len(shape)})")
    for i, (s, o) in enumerate(zip(reversed(shape), reversed(out))):
        if s != 1 and s != o:
            d = len(out) - 1 - i
            raise RuntimeError(f"The expanded size of the tensor ({o}) must match the existing size ({s}) at "
                               f"non-singleton dimension {d}.  Target sizes: {list(out)}.  Tensor sizes: "
                               f"{list(shape)}")


def _linear_check(input, weight, bias=None):
    if bias is not None and bias.dtype != weight.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_type_name(bias.dtype)} and "
                           f"{_type_name(weight.dtype)}")
    if input.dtype != weight.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_c10(input.dtype)} != "
                           f"{_c10(weight.dtype)}")


def _linear_pre(input, weight, bias=None):
    _linear_check(input, weight, bias)  # dtypes are not part of the kernel key (no promotion): check each call
    xs, ws = tuple(input.shape), tuple(weight.shape)
    if not xs or not ws:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {len(xs)}D and "
                           f"{len(ws)}D")
    if len(ws) > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {len(ws)}D")
    if len(ws) == 1:
        if bias is not None and not (len(xs) == 1 and bias.dim() == 0):
            raise RuntimeError("mat2 must be a matrix, got 1-D tensor")
        if xs[-1] != ws[0]:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{xs[-1]}] and src [{ws[0]}] to have "
                               f"the same number of elements, but got {xs[-1]} and {ws[0]} elements respectively")
        return input, weight, bias
    if xs[-1] != ws[1]:
        rows = 1
        for s in xs[:-1]:
            rows *= s
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{xs[-1]} and {ws[1]}x{ws[0]})")
    if bias is not None:
        out = xs[:-1] + ws[:1]
        _expand_check(tuple(bias.shape), out if len(xs) > 1 else (1,) + out)
    return input, weight, bias


@op("linear(Tensor input, Tensor weight, Tensor? bias=None) -> Tensor", saves="others", function=False,
    method=False, out=False, pre=_linear_pre, node_name="AddmmBackward0")
def linear(x, w, b=None):
    y = jnp.matmul(x, w.T if w.ndim == 2 else w, precision=_HIGHEST)
    if b is not None:
        y = y + b.reshape(b.shape[-y.ndim:]) if b.ndim > y.ndim else y + b
    return y


def _bilinear_check(input1, input2, weight, bias=None):
    ts = [("input1", input1), ("input2", input2), ("weight", weight)] + ([("bias", bias)] if bias is not None else [])
    if len({t.dtype for _, t in ts}) > 1:
        raise RuntimeError("All tensors must have the same dtype, got " +
                           ", ".join(f"{n}: {_c10(t.dtype)}" for n, t in ts))


def _bilinear_pre(input1, input2, weight, bias=None):
    _bilinear_check(input1, input2, weight, bias)
    s1, s2, ws = tuple(input1.shape), tuple(input2.shape), tuple(weight.shape)
    if len(s1) != len(s2):
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {len(s1)} and {len(s2)}")
    if not s1:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    for i, (a, b) in enumerate(zip(s1[:-1], s2[:-1])):
        if a != b:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {i}: got {a} and {b}")
    if len(ws) != 3:
        raise RuntimeError(f"bilinear(): weight must be 3-dimensional, but got {len(ws)} dimensions")
    if s1[-1] != ws[1]:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {s1[-1]} but expected {ws[1]}")
    if s2[-1] != ws[2]:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {s2[-1]} but expected {ws[2]}")
    if bias is not None:
        if bias.dim() == 0:
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        if bias.shape[-1] != ws[0]:
            raise RuntimeError(f"bilinear(): bias size does not match weight size: got {bias.shape[-1]} but "
                               f"expected {ws[0]}")
    return input1, input2, weight, bias


@op("bilinear(Tensor input1, Tensor input2, Tensor weight, Tensor? bias=None) -> Tensor", saves="others",
    function=False, method=False, out=False, pre=_bilinear_pre,
    node_name="ViewBackward0")
def bilinear(x1, x2, w, b=None):
    y = jnp.einsum("...i,oij,...j->...o", x1, w, x2, precision=_HIGHEST)
    return y if b is None else y + b


__all__ = ["linear", "bilinear"]
