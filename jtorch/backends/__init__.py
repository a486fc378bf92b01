"""torch.backends: the flags training scripts set. On XLA, cuDNN's autotuning and determinism switches
have no separate meaning (XLA picks its own algorithms), so those flags are recorded and reported
back; ``cuda.matmul.allow_tf32`` maps onto the float32 matmul precision jtorch gives XLA."""
from __future__ import annotations

import types

from .. import _config

__all__ = ["cuda", "cudnn", "mps", "cpu", "opt_einsum"]


class _CudnnModule(types.ModuleType):
    enabled = True
    benchmark = False
    deterministic = False
    allow_tf32 = True

    @staticmethod
    def is_available() -> bool:
        from .. import cuda as _cuda
        return _cuda.is_available()

    @staticmethod
    def version() -> int | None:
        return None


class _Matmul:
    @property
    def allow_tf32(self) -> bool:
        return _config.get_float32_matmul_precision() != "highest"

    @allow_tf32.setter
    def allow_tf32(self, value: bool) -> None:
        _config.set_float32_matmul_precision("high" if value else "highest")

    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True


class _CudaModule(types.ModuleType):
    matmul = _Matmul()

    @staticmethod
    def is_built() -> bool:
        from .. import cuda as _cuda
        return _cuda.is_available()


class _MpsModule(types.ModuleType):
    @staticmethod
    def is_available() -> bool:
        return False

    @staticmethod
    def is_built() -> bool:
        return False


class _CpuModule(types.ModuleType):
    @staticmethod
    def get_cpu_capability() -> str:
        return "DEFAULT"


cudnn = _CudnnModule("jtorch.backends.cudnn")
cuda = _CudaModule("jtorch.backends.cuda")
mps = _MpsModule("jtorch.backends.mps")
cpu = _CpuModule("jtorch.backends.cpu")
opt_einsum = types.ModuleType("jtorch.backends.opt_einsum")
opt_einsum.enabled = True  # type: ignore[attr-defined]
