"""What the op_db tests skip or expect to fail, and why: data, one reason per entry.

Keys are OpInfo names with their variant (``div.floor_rounding``), optionally followed by ``:mode``
(float32, int64, bool, complex64, grad, errors; for SKIP also method, inplace, out). Shrink these
tables: a fixed op turns its XFAIL into an unexpected pass, which fails until the entry is removed.
"""
from __future__ import annotations

from typing import Any, Callable

import torch

import jtorch

_RANDOM = ("draws from jtorch's own generator, so values cannot equal torch's (distributions are compared in "
           "compat/test_random.py)")
_EMPTY = "torch returns uninitialised memory, so the values are not comparable (shapes/dtypes: compat/test_tensor.py)"

# whole OpInfos or modes not run, and why
SKIP: dict[str, str] = {
    **{k: _RANDOM for k in (
        "randn:float32", "randn:complex64", "randn_like:float32", "randn_like:complex64", "rand_like:float32",
        "rand_like:complex64", "randint:float32", "randint:int64", "randint_like:float32", "randint_like:int64",
        "multinomial:float32", "normal:float32", "normal:grad", "normal.number_mean:float32",
        "normal.number_mean:grad", "normal.in_place:float32", "normal.in_place:complex64", "bernoulli:float32",
        "bernoulli:grad", "nn.functional.rrelu:float32", "nn.functional.rrelu:grad",
        "nn.functional.fractional_max_pool2d:float32", "nn.functional.fractional_max_pool2d:grad",
        "nn.functional.fractional_max_pool3d:float32", "nn.functional.fractional_max_pool3d:grad")},
    **{f"{op}:{mode}": _EMPTY for op in ("empty", "empty_like", "new_empty", "empty_strided")
       for mode in ("float32", "int64", "bool", "complex64")},
    "chalf": "complex32 has no XLA dtype",
    "nn.functional.multi_head_attention_forward:grad": "its only grad sample uses dropout_p > 0 in training: "
                                                       + _RANDOM,
    "as_strided.partial_views": "its samples are views into a larger storage that as_strided indexes; converting a "
                                "sample to jtorch copies only the view's elements, so that storage does not exist",
}

# cases expected to fail (strict: they fail the suite once they pass)
XFAIL: dict[str, str] = {
    "linalg.eigh:float32": "eigenvectors are unique only up to sign/phase (compared through invariants in "
                           "compat/test_linalg.py)",
    "linalg.eigh:complex64": "eigenvectors are unique only up to sign/phase (compared through invariants in "
                             "compat/test_linalg.py)",
    "kthvalue:int64": "ties: torch's index choice among equal values is unspecified (jtorch's differs)",
    "topk:int64": "ties: torch's index choice among equal values is unspecified (jtorch's differs)",
    "sort:bool": "ties: torch's unstable sort of 8000 bools orders equal values' indices unspecifiedly "
                 "(jtorch's sort is stable)",
    "argsort:bool": "ties: torch's unstable sort of 8000 bools orders equal values' indices unspecifiedly "
                    "(jtorch's sort is stable)",
    "nn.functional.rms_norm:complex64": "bug: jtorch's rms_norm rejects complex inputs, which torch normalises",
    "nn.functional.local_response_norm:int64": "bug: jtorch's avg_pool2d/avg_pool3d reject integer inputs, which "
                                               "torch pools (local_response_norm then returns float)",
    "logcumsumexp:complex64": "bug: jtorch's logcumsumexp does not support complex inputs",
    "nn.functional.l1_loss:complex64": "bug: jtorch's l1_loss of complex inputs returns a complex result; torch's "
                                       "is real (the absolute difference)",
    "nn.functional.triplet_margin_loss:complex64": "bug: jtorch's triplet_margin_loss of complex inputs returns a "
                                                   "complex result; torch's is real",
}

# (rtol, atol) where XLA's and ATen's algorithms differ by more than the mode's default
TOLERANCE: dict[str, tuple] = {
    "matrix_exp": (1e-3, 1e-3),  # float32 Pade/scaling-and-squaring of entries ~1e4: rounding differs by ~1e-4 rel.
    "nn.functional.conv_transpose3d": (1e-4, 1e-4),  # float32 accumulation order of XLA's conv differs from ATen's
}

# ops whose outputs have data-dependent shapes: checked eagerly only
NO_JIT: dict[str, str] = {
    "equal": "returns a Python bool, which needs concrete values",
    "allclose": "returns a Python bool, which needs concrete values",
    "item": "returns a Python number, which needs a concrete value",
    "nonzero": "the output's shape depends on the values",
    "argwhere": "the output's shape depends on the values",
    "masked_select": "the output's shape depends on the values",
    "unique": "the output's shape depends on the values",
    "unique_consecutive": "the output's shape depends on the values",
    "bincount": "without minlength the output's length depends on the values",
    "tensor_split": "with tensor indices the output's shapes depend on the values",
    "broadcast_shapes": "returns a torch.Size of Python ints, not tensors",
    "nn.functional.one_hot": "with num_classes=-1 the number of classes (the output's shape) depends on the values",
}

def _tensors(x: Any) -> list:
    if isinstance(x, torch.Tensor):
        return [x]
    if isinstance(x, (list, tuple)):
        return [t for v in x for t in _tensors(v)]
    return []


def _out_aliases(s: Any) -> bool:
    """The sample's out= overlaps itself or shares storage with an input."""
    outs = _tensors(s.kwargs.get("out"))
    ins = _tensors([s.input, list(s.args)]) + _tensors([v for k, v in s.kwargs.items() if k != "out"])
    ptrs = {t.untyped_storage().data_ptr() for t in ins}
    return any(any(st == 0 and n > 1 for st, n in zip(o.stride(), o.shape)) or o.untyped_storage().data_ptr() in ptrs
               for o in outs)


_ALIAS = ("out= aliases the input or overlaps itself; converting a sample to jtorch copies each tensor separately, "
          "so the aliasing torch rejects does not exist on the jtorch side")
_DIMS64 = "a 65-dimensional input: numpy and XLA, through which samples reach jtorch, hold at most 64 dimensions"


def _over64(s: Any) -> bool:
    return isinstance(s.input, torch.Tensor) and s.input.dim() > 64


def _dropout(s: Any) -> bool:
    return s.kwargs.get("dropout_p", 0) > 0


def _mha_dropout(s: Any) -> bool:
    return s.args[9] > 0 and s.kwargs.get("training", True)


# (key, predicate(sample) -> bool, reason): individual samples not run
SAMPLE_SKIPS: list[tuple[str, Callable[[Any], bool], str]] = [
    *((f"{n}:errors", _out_aliases, _ALIAS) for n in (
        "kthvalue", "masked_select", "cat", "index_select", "take", "gather", "bernoulli")),
    *((f"{n}:errors", _over64, _DIMS64) for n in ("aminmax", "amax", "amin")),
    ("nn.functional.scaled_dot_product_attention", _dropout, "dropout_p > 0: " + _RANDOM),
    ("nn.functional.multi_head_attention_forward", _mha_dropout, "dropout_p > 0 in training: " + _RANDOM),
]

# ops whose error messages (not only exception types) must match torch's
CHECK_MESSAGES: set[str] = set()

def _triplet_with_distance(anchor, positive, negative, *, distance_function=None, **kwargs):
    """op_db passes a torch.nn.PairwiseDistance module as distance_function: use jtorch's, configured alike."""
    if isinstance(distance_function, torch.nn.PairwiseDistance):
        d = distance_function
        distance_function = jtorch.nn.PairwiseDistance(d.norm, d.eps, d.keepdim)
    return jtorch.nn.functional.triplet_margin_with_distance_loss(anchor, positive, negative,
                                                                  distance_function=distance_function, **kwargs)


# jtorch callables for OpInfos that the generic mapping (same name, or op_db's lambda with torch
# replaced by jtorch) cannot express
ADAPTERS: dict[str, Callable] = {
    "nn.functional.triplet_margin_with_distance_loss": _triplet_with_distance,
}

# modes where an OpInfo may legitimately yield no usable sample
NO_SAMPLES_OK: dict[str, str] = {
    "__rsub__:errors": "torch's Tensor.__rsub__ returns NotImplemented for its error input (two numbers) instead "
                       "of raising",
    "__rmod__:errors": "torch's Tensor.__rmod__ returns NotImplemented for its error input instead of raising",
    "__rpow__:errors": "torch's Tensor.__rpow__ returns NotImplemented for its error input instead of raising",
    "masked_select:errors": "its only error inputs alias out= with the input: " + _ALIAS,
    "take:errors": "its only error inputs alias out= with the input: " + _ALIAS,
    "bernoulli:errors": "its only error inputs alias out= with the input: " + _ALIAS,
    "index_select:errors": "its only error input aliases out= with the input: " + _ALIAS,
}

# public registered ops without a differential test yet (compat/test_coverage.py), and why
UNCOVERED_OK: dict[str, str] = {
}


def sample_skip(key: str, sample: Any) -> str | None:
    """The reason a sample is skipped for ``key`` (an op name, or ``op:errors``), or None."""
    for k, pred, reason in SAMPLE_SKIPS:
        if k == key and pred(sample):
            return reason
    return None


def allows_no_samples(name: str, mode: str) -> bool:
    return f"{name}:{mode}" in NO_SAMPLES_OK or name in NO_SAMPLES_OK


__all__ = ["SKIP", "XFAIL", "TOLERANCE", "NO_JIT", "SAMPLE_SKIPS", "CHECK_MESSAGES", "ADAPTERS",
           "NO_SAMPLES_OK", "UNCOVERED_OK", "sample_skip", "allows_no_samples", "jtorch"]
