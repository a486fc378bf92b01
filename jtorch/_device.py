"""torch.device on top of JAX devices: 'cpu' is JAX's CPU, 'cuda:i' is JAX's i-th GPU."""
from __future__ import annotations

import functools
import re
from typing import Any

import jax

_DEVICE_RE = re.compile(r"^(cpu|cuda|meta|mps|xpu|xla|hpu|mtia|privateuseone)(?::(\d+))?$")
_CUDA_MISSING = "Torch not compiled with CUDA enabled"


class device:
    """torch.device('cpu' | 'cuda' | 'cuda:1'), torch.device('cuda', 1)."""

    def __init__(self, type: Any, index: int | None = None):
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int):
            if not cuda_available():
                raise RuntimeError("Cannot access accelerator device when none is available.")
            self.type, self.index = "cuda", type
            return
        if not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got ({type!r})")
        m = _DEVICE_RE.match(type.strip())
        if not m:
            raise RuntimeError(f"Invalid device string: '{type}'")
        if m.group(2) is not None and index is not None:
            raise RuntimeError(f"type (string) must not include an index because index was passed explicitly: {type}")
        self.type = m.group(1)
        self.index = int(m.group(2)) if m.group(2) is not None else index
        if self.index is not None and self.index < 0:
            raise RuntimeError("Device index must not be negative")

    def __repr__(self) -> str:
        return f"device(type='{self.type}')" if self.index is None else f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))

    def __enter__(self):
        global _default
        self._prev = _default  # type: ignore[attr-defined]
        _default = self
        return self

    def __exit__(self, *exc):
        global _default
        _default = self._prev  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=None)
def _gpus() -> tuple:
    try:
        # CUDA_VISIBLE_DEVICES is honoured by the CUDA runtime under jax itself.
        return tuple(jax.devices("gpu"))
    except RuntimeError:
        return ()


def cuda_available() -> bool:
    return len(_gpus()) > 0


@functools.lru_cache(maxsize=None)
def _cpu() -> Any:
    return jax.devices("cpu")[0]


_default = None  # set below: torch's default device is the CPU
_current_cuda = 0


def jax_device(d: device) -> Any:
    """The jax.Device behind a torch device; raises torch's error where there is none."""
    if d.type == "cpu":
        return _cpu()
    if d.type == "cuda":
        gpus = _gpus()
        if not gpus:
            raise AssertionError(_CUDA_MISSING)
        index = _current_cuda if d.index is None else d.index
        if index >= len(gpus):
            raise RuntimeError("CUDA error: invalid device ordinal")
        return gpus[index]
    if d.type == "meta":
        raise NotImplementedError("the 'meta' device is not supported by jtorch")
    raise RuntimeError(f"jtorch has no backend for device type '{d.type}'")


def from_jax(jd: Any) -> device:
    if jd.platform == "cpu":
        return CPU
    if jd.platform in ("gpu", "cuda", "rocm"):
        return device("cuda", _gpus().index(jd))
    return device("xla", jd.id)


def as_device(d: Any) -> device:
    if d is None:
        return _default
    if isinstance(d, device):
        return d
    return device(d)


def get_default_device() -> device:
    return _default


def set_default_device(d: Any) -> None:
    global _default
    _default = CPU if d is None else as_device(d)


CPU = device("cpu")
_default = CPU
