"""Random state: a Generator is a JAX key plus a draw counter.

Each draw uses ``fold_in(key, counter)`` and advances the counter. Both are plain attributes, so a
compiled step can take them in as state and hand them back: an eager run and a compiled run from the
same seed draw the same numbers. jtorch's streams are not PyTorch's streams.
"""
from __future__ import annotations

import contextlib
import os
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from . import _device

_DEFAULT_SEED = 67280421310721  # torch's default seed
_MASK64 = (1 << 64) - 1


def _key_data(seed: int) -> np.ndarray:
    seed &= _MASK64
    return np.array([seed >> 32, seed & 0xFFFFFFFF], dtype=np.uint32)


class Generator:
    """torch.Generator(device='cpu')."""

    def __init__(self, device: Any = "cpu"):
        self.device = _device.as_device(device)
        self._seed = _DEFAULT_SEED
        self._key: Any = _key_data(_DEFAULT_SEED)
        self._counter: Any = 0

    def manual_seed(self, seed: Any) -> "Generator":
        seed = int(seed)
        if not -(1 << 63) <= seed <= _MASK64:
            raise RuntimeError("Overflow when unpacking long long")
        self._seed = seed & _MASK64
        self._key = _key_data(self._seed)
        self._counter = 0
        return self

    def seed(self) -> int:
        s = int.from_bytes(os.urandom(8), "little") & ((1 << 63) - 1)
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self):
        from .tensor import Tensor
        counter = int(np.asarray(self._counter))
        raw = np.array([self._seed, counter], dtype=np.uint64).view(np.uint8)
        return Tensor._make(jnp.asarray(raw))

    def set_state(self, new_state) -> "Generator":
        raw = np.asarray(new_state._value if hasattr(new_state, "_value") else new_state)
        if raw.dtype != np.uint8 or raw.size != 16:
            raise RuntimeError("RNG state is wrong size" if raw.dtype == np.uint8 else
                               "expected a torch.ByteTensor as the RNG state")
        seed, counter = raw.view(np.uint64)
        self._seed = int(seed)
        self._key = _key_data(self._seed)
        self._counter = int(counter)
        return self

    def clone_state(self) -> "Generator":
        g = Generator(self.device)
        g._seed, g._key, g._counter = self._seed, self._key, self._counter
        return g

    def __repr__(self) -> str:
        return f"<torch._C.Generator object at {hex(id(self))}>"

    # jtorch: the state a compiled step lifts
    def _state(self) -> tuple:
        return (self._key, self._counter)

    def _set_state_arrays(self, state: tuple) -> None:
        self._key, self._counter = state


default_generator = Generator("cpu")
_cuda_generators: dict = {}


def generator_for(device: Any) -> Generator:
    d = _device.as_device(device)
    if d.type == "cuda":
        idx = d.index if d.index is not None else 0
        g = _cuda_generators.get(idx)
        if g is None:
            g = _cuda_generators[idx] = Generator(_device.device("cuda", idx))
            g.manual_seed(default_generator.initial_seed())
        return g
    return default_generator


_VMAP_ERROR = [False]  # set by jtorch.func.vmap(randomness='error')


def draw_key(generator: Generator | None) -> Any:
    """One draw from ``generator`` (the default one when None): its key and draw counter, advancing the
    counter. Opaque: pass it into a jitted function and call :func:`as_key` there, so the fold costs no
    separate dispatch and the counter can be a traced value (generator state lifted through jax.jit)."""
    g = default_generator if generator is None else generator
    if not isinstance(g, Generator):
        raise TypeError(f"expected a torch.Generator, got {type(g).__name__}")
    if _VMAP_ERROR[0]:
        raise RuntimeError("vmap: called random operation while in randomness error mode. Please either use the "
                           "'same' or 'different' randomness flags on vmap or perform the randomness operation out "
                           "of vmap")
    counter = g._counter
    if not isinstance(counter, (int, jax.core.Tracer)):
        # a concrete array written back by a compiled step: as a Python int again, the increment below
        # cannot be staged into (and leak out of) a later jax.jit trace that does not lift the state
        counter = int(counter)
    g._counter = counter + 1
    return (g._key, counter)


def as_key(raw: Any) -> Any:
    """Inside a kernel: the typed jax key of a draw, ``fold_in(key, counter)``."""
    key, counter = raw
    return jax.random.fold_in(jax.random.wrap_key_data(key), counter)


# ------------------------------------------------------------------ torch.* functions
def manual_seed(seed: Any) -> Generator:
    seed = int(seed)
    default_generator.manual_seed(seed)
    for g in _cuda_generators.values():
        g.manual_seed(seed)
    return default_generator


def seed() -> int:
    s = default_generator.seed()
    for g in _cuda_generators.values():
        g.manual_seed(s)
    return s


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled: bool = True, _caller: str = "fork_rng", _devices_kw: str = "devices",
             device_type: str | None = None):
    """Restore the CPU generator and the generators of ``devices`` (all accelerators: None) on exit."""
    if not enabled:
        yield
        return
    if device_type not in (None, "cuda"):
        raise NotImplementedError(f"{_caller}(): device_type={device_type!r}; jtorch's accelerators are 'cuda'")
    if devices is None:
        gens = list(_cuda_generators.values())
    else:
        gens = [generator_for(_device.device("cuda", d) if isinstance(d, int) else d) for d in devices]
    saved = [(g, g.clone_state()) for g in [default_generator] + gens]
    try:
        yield
    finally:
        for g, s in saved:
            g._seed, g._key, g._counter = s._seed, s._key, s._counter
