"""torch.cuda on top of JAX's GPU devices."""
from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from . import _device, _random
from ._device import _CUDA_MISSING, _gpus, cuda_available

__all__ = ["is_available", "device_count", "current_device", "set_device", "get_device_name",
           "get_device_properties", "get_device_capability", "synchronize", "manual_seed",
           "manual_seed_all", "seed", "seed_all", "initial_seed", "device", "device_of", "is_initialized",
           "init"]


def is_available() -> bool:
    return cuda_available()


def device_count() -> int:
    return len(_gpus())


def is_initialized() -> bool:
    return cuda_available()


def init() -> None:
    _lazy_check()


def _lazy_check() -> None:
    if not cuda_available():
        raise AssertionError(_CUDA_MISSING)


def _index(d: Any) -> int:
    if d is None:
        return _device._current_cuda
    if isinstance(d, int):
        return d
    d = _device.as_device(d)
    if d.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {d}")
    return _device._current_cuda if d.index is None else d.index


def current_device() -> int:
    _lazy_check()
    return _device._current_cuda


def set_device(d: Any) -> None:
    _lazy_check()
    idx = _index(d)
    if not 0 <= idx < device_count():
        raise RuntimeError("CUDA error: invalid device ordinal")
    _device._current_cuda = idx


def get_device_name(d: Any = None) -> str:
    _lazy_check()
    return _gpus()[_index(d)].device_kind


class _Properties:
    def __init__(self, jd: Any):
        self.name = jd.device_kind
        stats = jd.memory_stats() or {}
        self.total_memory = int(stats.get("bytes_limit", 0))
        cc = getattr(jd, "compute_capability", None)
        if cc:
            major, minor = (int(p) for p in str(cc).split(".")[:2])
        else:
            major, minor = 0, 0
        self.major, self.minor = major, minor
        self.multi_processor_count = int(getattr(jd, "core_count", 0) or 0)

    def __repr__(self) -> str:
        return (f"_CudaDeviceProperties(name='{self.name}', major={self.major}, minor={self.minor}, "
                f"total_memory={self.total_memory // (1024 * 1024)}MB, "
                f"multi_processor_count={self.multi_processor_count})")


def get_device_properties(d: Any = None) -> _Properties:
    _lazy_check()
    return _Properties(_gpus()[_index(d)])


def get_device_capability(d: Any = None) -> tuple:
    p = get_device_properties(d)
    return (p.major, p.minor)


def synchronize(device: Any = None) -> None:
    """Wait for all work queued on the device (XLA runs a device's work in order)."""
    _lazy_check()
    jd = _gpus()[_index(device)]
    jax.device_put(jnp.zeros(()), jd).block_until_ready()
    jax.effects_barrier()


def manual_seed(seed: int) -> None:
    _random.generator_for(_device.device("cuda", _device._current_cuda)).manual_seed(seed)


def manual_seed_all(seed: int) -> None:
    for i in range(device_count()):
        _random.generator_for(_device.device("cuda", i)).manual_seed(seed)


def seed() -> None:
    _random.generator_for(_device.device("cuda", _device._current_cuda)).seed()


def seed_all() -> None:
    s = _random.generator_for(_device.device("cuda", 0)).seed() if device_count() else None
    if s is not None:
        manual_seed_all(s)


def initial_seed() -> int:
    _lazy_check()
    return _random.generator_for(_device.device("cuda", _device._current_cuda)).initial_seed()


class device:
    """Context manager switching the current CUDA device."""

    def __init__(self, device: Any):
        self.idx = -1 if device is None else _index(device)
        self.prev = -1

    def __enter__(self) -> None:
        if self.idx == -1:
            return
        self.prev = _device._current_cuda
        set_device(self.idx)

    def __exit__(self, *exc) -> None:
        if self.prev != -1:
            _device._current_cuda = self.prev


class device_of(device):
    """The current device becomes that of the given tensor (no-op for CPU tensors)."""

    def __init__(self, obj: Any):
        d = obj.device
        super().__init__(d.index if d.type == "cuda" else None)
