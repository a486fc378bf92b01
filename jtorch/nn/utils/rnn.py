"""torch.nn.utils.rnn: PackedSequence and the packing / padding functions.

Packing needs the sequence lengths as concrete values (the packed size depends on them), as in torch
where they must be a CPU tensor or a list; the data moves through one gather / scatter kernel whose
indices are derived from ``batch_sizes`` inside the kernel, so a new set of lengths with the same
totals does not recompile.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from ... import _dtype
from ...ops._registry import op
from ...ops.creation import arange, empty_like
from ...tensor import Tensor, _concrete
from ..functional._rnn import _packed_positions

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
           "unpad_sequence", "pack_sequence", "unpack_sequence"]


class PackedSequence_(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


def bind(optional: Any, fn: Callable) -> Any:
    return None if optional is None else fn(optional)


class PackedSequence(PackedSequence_):
    def __new__(cls, data: Tensor, batch_sizes: Tensor | None = None, sorted_indices: Tensor | None = None,
                unsorted_indices: Tensor | None = None) -> "PackedSequence":
        return super().__new__(cls, *_packed_sequence_init_args(data, batch_sizes, sorted_indices, unsorted_indices))

    def pin_memory(self) -> "PackedSequence":
        return type(self)(self.data.pin_memory(), self.batch_sizes, bind(self.sorted_indices, lambda t: t.pin_memory()),
                          bind(self.unsorted_indices, lambda t: t.pin_memory()))

    def to(self, *args: Any, **kwargs: Any) -> "PackedSequence":
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        non_blocking = kwargs.get("non_blocking", False)

        def call_to(t: Tensor) -> Tensor:  # the indices follow the data's device, never its dtype
            return t.to(data.device, non_blocking=non_blocking)
        return type(self)(data, self.batch_sizes, bind(self.sorted_indices, call_to),
                          bind(self.unsorted_indices, call_to))

    def cuda(self, *args: Any, **kwargs: Any) -> "PackedSequence":
        ex = self.data.new_empty(()).to(*args, **kwargs)
        if ex.is_cuda:
            return self.to(*args, **kwargs)
        kwargs["device"] = "cuda"
        return self.to(*args, **kwargs)

    def cpu(self, *args: Any, **kwargs: Any) -> "PackedSequence":
        ex = self.data.new_empty(()).to(*args, **kwargs)
        if ex.device.type == "cpu":
            return self.to(*args, **kwargs)
        kwargs["device"] = "cpu"
        return self.to(*args, **kwargs)

    def double(self) -> "PackedSequence":
        return self.to(dtype=_dtype.float64)

    def float(self) -> "PackedSequence":
        return self.to(dtype=_dtype.float32)

    def half(self) -> "PackedSequence":
        return self.to(dtype=_dtype.float16)

    def long(self) -> "PackedSequence":
        return self.to(dtype=_dtype.int64)

    def int(self) -> "PackedSequence":
        return self.to(dtype=_dtype.int32)

    def short(self) -> "PackedSequence":
        return self.to(dtype=_dtype.int16)

    def char(self) -> "PackedSequence":
        return self.to(dtype=_dtype.int8)

    def byte(self) -> "PackedSequence":
        return self.to(dtype=_dtype.uint8)

    @property
    def is_cuda(self) -> bool:
        return self.data.is_cuda

    def is_pinned(self) -> bool:
        return self.data.is_pinned()


def _packed_sequence_init_args(data: Any, batch_sizes: Tensor | None = None, sorted_indices: Tensor | None = None,
                               unsorted_indices: Tensor | None = None) -> tuple:
    if unsorted_indices is None:
        unsorted_indices = invert_permutation(sorted_indices)
    if batch_sizes is not None:
        if batch_sizes.device.type != "cpu":
            raise ValueError("batch_sizes should always be on CPU. Instances of PackedSequence should never be created "
                             "manually. They should be instantiated by functions like pack_sequence and "
                             "pack_padded_sequences in nn.utils.rnn. "
                             "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")
        return data, batch_sizes, sorted_indices, unsorted_indices
    if not (isinstance(data, (list, tuple)) and len(data) == 2):
        raise AssertionError("Expected data to be a list or tuple of length 2")
    return data[0], data[1], sorted_indices, unsorted_indices


def _packed_sequence_init(data: Any, batch_sizes: Tensor | None = None, sorted_indices: Tensor | None = None,
                          unsorted_indices: Tensor | None = None) -> PackedSequence:
    return PackedSequence(*_packed_sequence_init_args(data, batch_sizes, sorted_indices, unsorted_indices))


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    if permutation is None:
        return None
    return empty_like(permutation).scatter_(0, permutation, arange(0, permutation.numel(), device=permutation.device))


# ------------------------------------------------------------------ kernels
@op("_pack_padded_sequence(Tensor input, Tensor batch_sizes, Tensor? sorted_indices, int total, bool batch_first) "
    "-> Tensor", function=False, method=False, out=False, saves="none", node_name="PackPaddedSequenceBackward0")
def _pack(x, batch_sizes, sorted_indices, total, batch_first):
    t, b = _packed_positions(batch_sizes, total)
    if sorted_indices is not None:
        b = sorted_indices[b]
    return x[b, t] if batch_first else x[t, b]


@op("_pad_packed_sequence(Tensor data, Tensor batch_sizes, Tensor? unsorted_indices, Scalar padding_value, "
    "int batch, int total_length, bool batch_first) -> Tensor[]", function=False, method=False, out=False,
    saves="none")
def _pad(data, batch_sizes, unsorted_indices, padding_value, batch, total_length, batch_first):
    t, b = _packed_positions(batch_sizes, data.shape[0])
    out = jnp.full((total_length, batch) + data.shape[1:], padding_value, data.dtype).at[t, b].set(data)
    lengths = jnp.sum(batch_sizes[:, None] > jnp.arange(batch), axis=0).astype(jnp.int64)
    if unsorted_indices is not None:
        out, lengths = out[:, unsorted_indices], lengths[unsorted_indices]
    return (jnp.swapaxes(out, 0, 1) if batch_first else out), lengths


def _pad_sequence_pre(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    first = tuple(sequences[0].shape)
    if not first:
        raise RuntimeError("ArrayRef: invalid slice, N = 1; size = 0")
    for s in sequences[1:]:
        shape = tuple(s.shape)
        if len(shape) != len(first):
            raise RuntimeError(f"The size of tensor a ({first[-1] if len(first) > 1 else first[0]}) must match the "
                               f"size of tensor b ({shape[-1] if shape else 0}) at non-singleton dimension "
                               f"{max(len(first), len(shape)) - 1}")
        for d in range(len(first) - 1, 0, -1):
            if shape[d] != first[d]:
                raise RuntimeError(f"The size of tensor a ({first[d]}) must match the size of tensor b ({shape[d]}) "
                                   f"at non-singleton dimension {d}")
    return sequences, batch_first, padding_value, padding_side


@op("pad_sequence(Tensor[] sequences, bool batch_first=False, Scalar padding_value=0.0, str padding_side='right') "
    "-> Tensor", function=False, method=False, out=False, saves="none", pre=_pad_sequence_pre)
def _pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    dt = sequences[0].dtype
    longest = max(s.shape[0] for s in sequences)
    out = jnp.full((len(sequences), longest) + sequences[0].shape[1:], padding_value, dt)
    for i, s in enumerate(sequences):
        start = 0 if padding_side == "right" else longest - s.shape[0]
        out = out.at[i, start:start + s.shape[0]].set(s.astype(dt))
    return out if batch_first else jnp.swapaxes(out, 0, 1)


# ------------------------------------------------------------------ the public functions
def _host(a: np.ndarray) -> Tensor:
    """An int64 tensor of host-computed indices: concrete even while a jax.jit trace runs (like torch's CPU
    ``batch_sizes``), so code that reads it (the batch size, the packed layout) works under tracing."""
    with jax.ensure_compile_time_eval():
        return Tensor._make(jnp.asarray(a, dtype=jnp.int64))


def _lengths(lengths: Any, what: str) -> np.ndarray:
    """Sequence lengths as host int64 values (a list, or a tensor with concrete values)."""
    if isinstance(lengths, Tensor):
        return np.asarray(_concrete(lengths, what)).astype(np.int64)
    return np.asarray(lengths, dtype=np.int64)


def pack_padded_sequence(input: Tensor, lengths: Tensor | list, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    lens = _lengths(lengths, "pack_padded_sequence(lengths)")
    if lens.ndim != 1:
        raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got {lens.ndim}D cpu Long tensor")
    sorted_indices = unsorted_indices = None
    if not enforce_sorted:  # torch.sort(lengths, descending=True), computed on the host: stable, as torch's for
        order = np.argsort(-lens, kind="stable")  # the batch sizes its insertion sort handles
        lens = lens[order]
        sorted_indices, unsorted_indices = _host(order), _host(np.argsort(order))
    if input.numel() == 0:
        raise RuntimeError("Cannot pack empty tensors.")
    batch, steps = (input.size(0), input.size(1)) if batch_first else (input.size(1), input.size(0))
    if len(lens) != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {len(lens)} "
                           f"(batch_size={batch})")
    if lens[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that "
                           "is <= 0")
    if np.any(lens[:-1] < lens[1:]):
        raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can "
                           "pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this "
                           "requirement if you do not need ONNX exportability.")
    if lens[0] > steps:
        raise RuntimeError(f"pack_padded_sequence: a length ({int(lens[0])}) exceeds the padded sequence length "
                           f"({steps})")
    batch_sizes = _host((lens[:, None] > np.arange(lens[0])).sum(0))
    data = _pack(input, batch_sizes, sorted_indices, int(lens.sum()), batch_first)
    return _packed_sequence_init(data, batch_sizes, sorted_indices, unsorted_indices)


def _batch_of(sequence: PackedSequence) -> int:
    """The largest batch of a packed sequence: batch_sizes[0], or the permutation's length under tracing."""
    if sequence.unsorted_indices is not None:
        return sequence.unsorted_indices.shape[0]
    return int(_concrete(sequence.batch_sizes, "a PackedSequence's batch_sizes")[0])


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple:
    max_seq_length = sequence.batch_sizes.size(0)
    if total_length is not None:
        if total_length < max_seq_length:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, but "
                             f"got total_length={total_length} and max sequence length being {max_seq_length}")
        max_seq_length = total_length
    padded, lengths = _pad(sequence.data, sequence.batch_sizes, sequence.unsorted_indices, padding_value,
                           _batch_of(sequence), max_seq_length, batch_first)
    return padded, _host_lengths(sequence, lengths)


def _host_lengths(sequence: PackedSequence, lengths: Tensor) -> Tensor:
    """The lengths as host values when batch_sizes and the permutation are concrete (torch returns a CPU
    tensor), so that unpad_sequence can use them under tracing too."""
    bs, perm = sequence.batch_sizes._value, None if sequence.unsorted_indices is None else \
        sequence.unsorted_indices._value
    if isinstance(bs, jax.core.Tracer) or isinstance(perm, jax.core.Tracer):
        return lengths
    bs = np.asarray(bs)  # host values: indexing the jax array would be staged into the trace
    host = (bs[:, None] > np.arange(int(bs[0]))).sum(0)
    return _host(host if perm is None else host[np.asarray(perm)])


def pad_sequence(sequences: Tensor | list, batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    if not isinstance(sequences, Iterable):
        raise RuntimeError("pad_sequence: Expected iterable for input sequences, but got arg of type: "
                           f"{type(sequences)}")
    return _pad_sequence(tuple(sequences), batch_first, padding_value, padding_side)


def unpad_sequence(padded_sequences: Tensor, lengths: Tensor, batch_first: bool = False) -> list:
    if not batch_first:
        padded_sequences.transpose_(0, 1)  # NOTE: in place, as torch does: the caller's tensor is transposed
    lens = _lengths(lengths, "unpad_sequence(lengths)")
    if len(lens) != padded_sequences.shape[0]:
        raise ValueError(f"zip() argument 2 is {'shorter' if len(lens) < padded_sequences.shape[0] else 'longer'} "
                         "than argument 1")
    return [seq[:int(n)] for seq, n in zip(padded_sequences, lens)]


def pack_sequence(sequences: list, enforce_sorted: bool = True) -> PackedSequence:
    lengths = [v.size(0) for v in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list:
    padded_sequences, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded_sequences, lengths, batch_first=True)
