"""Distances: F.pairwise_distance, F.cosine_similarity, F.pdist, and torch.pairwise_distance,
torch.cosine_similarity, torch.pdist (torch.cdist is an op of ``ops/shape.py``).

Each is torch's own composition of tensor ops, so values and gradients (the norm's gradient at a zero
vector included) follow the ops they are built from.
"""
from __future__ import annotations

import numpy as np

from ... import linalg
from ..._config import result_type
from ...autograd.grad_mode import no_grad
from ...ops._registry import _type_name, function
from ...ops.creation import tensor as _tensor
from ...ops.shape import broadcast_tensors
from ...tensor import Tensor


def _check_tensors(fn: str, x1: object, x2: object) -> None:
    for pos, (name, x) in enumerate((("x1", x1), ("x2", x2)), 1):
        if not isinstance(x, Tensor):
            raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be Tensor, not {type(x).__name__}")


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """``norm(x1 - x2 + eps, p)`` over the last dimension of the broadcast shape (torch's formula)."""
    _check_tensors("pairwise_distance", x1, x2)
    dim = max(x1.dim(), x2.dim()) - 1
    return linalg.vector_norm(x1 - x2 + eps, p, dim, keepdim)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """torch 2.x: each input is divided by its own norm clamped to ``eps``; the clamp is applied without
    recording it, so the gradient is that of the unclamped norm (as in torch)."""
    _check_tensors("cosine_similarity", x1, x2)
    common = result_type(x1, x2)
    if not common.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is {_type_name(common)}")
    if not x1.dtype.is_floating_point and not x1.dtype.is_complex:
        x1 = x1.to(common)
    if not x2.dtype.is_floating_point and not x2.dtype.is_complex:
        x2 = x2.to(common)
    x1, x2 = broadcast_tensors(x1, x2)
    n1 = linalg.vector_norm(x1, 2, dim, True).clone()
    n2 = linalg.vector_norm(x2, 2, dim, True).clone()
    with no_grad():
        n1.clamp_min_(eps)
        n2.clamp_min_(eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pdist(input: Tensor, p: float = 2) -> Tensor:
    """The p-norm distances between the rows of ``input``, pairs (i, j) with i < j in row-major order."""
    if not isinstance(input, Tensor):
        raise TypeError(f"pdist(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if not input.dtype.is_floating_point:
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    i, j = np.triu_indices(input.shape[0], 1)
    rows = input.index_select(0, _tensor(i, device=input.device))
    cols = input.index_select(0, _tensor(j, device=input.device))
    return linalg.vector_norm(rows - cols, p, -1)


for _f in (pairwise_distance, cosine_similarity, pdist):
    function(_f)

__all__ = ["pairwise_distance", "cosine_similarity", "pdist"]
