"""DataParallel: runs the wrapped module on one device.

NOTE: jtorch does not replicate the module across GPUs and scatter the batch; the wrapped module runs
once on ``device_ids[0]`` (use ``jtorch.distributed`` / jax sharding for multi-device training). The
attributes and the ``module.`` state_dict prefix are torch's, so checkpoints interchange.
"""
from __future__ import annotations

from itertools import chain
from typing import Any, Sequence

from ... import _device
from ...tensor import Tensor
from ..modules.module import Module

__all__ = ["DataParallel", "data_parallel"]


def _device_index(d: Any) -> int:
    if isinstance(d, int):
        return d
    d = _device.as_device(d)
    if d.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {d}")
    return 0 if d.index is None else d.index


def _resolve(device_ids: Sequence | None, output_device: Any) -> tuple[list, int | None, Any]:
    """(device_ids, output_device, source device); empty ids and a None device when no GPU is present."""
    if not _device.cuda_available():
        return [], None, None
    if device_ids is None:
        device_ids = list(range(len(_device._gpus())))
    ids = [_device_index(x) for x in device_ids]
    out = _device_index(output_device if output_device is not None else ids[0])
    return ids, out, _device.device("cuda", ids[0])


def _check_placement(module: Module, src: Any) -> None:
    for t in chain(module.parameters(), module.buffers()):
        if t.device != src:
            raise RuntimeError(f"module must have its parameters and buffers on device {src} (device_ids[0]) but "
                               f"found one of them on device: {t.device}")


def _to_device(obj: Any, device: Any) -> Any:
    """Tensors nested in tuples, lists and dicts moved to ``device`` (torch's scatter onto one device)."""
    if isinstance(obj, Tensor):
        return obj.to(device)
    if isinstance(obj, (tuple, list)):
        return type(obj)(_to_device(o, device) for o in obj)
    if isinstance(obj, dict):
        return type(obj)((k, _to_device(v, device)) for k, v in obj.items())
    return obj


class DataParallel(Module):
    def __init__(self, module: Module, device_ids: Sequence | None = None, output_device: Any = None,
                 dim: int = 0) -> None:
        super().__init__()
        self.module = module
        self.dim = dim
        self.device_ids, self.output_device, self.src_device_obj = _resolve(device_ids, output_device)
        if self.src_device_obj is not None:
            self.module.to(self.src_device_obj)

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        src = self.src_device_obj
        if src is not None:
            _check_placement(self.module, src)
            inputs, kwargs = _to_device(inputs, src), _to_device(kwargs, src)
        return self.module(*inputs, **kwargs)


def data_parallel(module: Module, inputs: Any, device_ids: Sequence | None = None, output_device: Any = None,
                  dim: int = 0, module_kwargs: Any = None) -> Any:
    if not isinstance(inputs, tuple):
        inputs = (inputs,) if inputs is not None else ()
    _, _, src = _resolve(device_ids, output_device)
    kwargs = module_kwargs or {}
    if src is not None:
        _check_placement(module, src)
        inputs, kwargs = _to_device(inputs, src), _to_device(kwargs, src)
    return module(*inputs, **kwargs)
