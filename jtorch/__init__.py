"""jtorch: the PyTorch API on JAX.  ``import jtorch as torch``."""
import jax as _jax

# torch has int64 and float64; Python scalars still follow the default dtype (float32).
_jax.config.update("jax_enable_x64", True)
# torch multiplies float32 matrices in full float32 by default (no TF32): set_float32_matmul_precision
_jax.config.update("jax_default_matmul_precision", "float32")

from . import _dtype, _random  # noqa: E402
from ._device import device, get_default_device, set_default_device  # noqa: E402
from ._dtype import (bfloat16, bool, cdouble, cfloat, chalf, complex32, complex64, complex128, double,  # noqa: E402
                     dtype, finfo, float, float8_e4m3fn, float8_e5m2, float16, float32, float64,
                     get_default_dtype, half, iinfo, int, int8, int16, int32, int64, long, short,
                     uint8, uint16, uint32, uint64)
from ._random import (Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed,  # noqa: E402
                      set_rng_state)
from .tensor import Size, Tensor, is_tensor  # noqa: E402
from . import ops as _ops  # noqa: E402
from .ops.creation import (LEGACY_CLASSES as _LEGACY, channels_last, channels_last_3d,  # noqa: E402
                           contiguous_format, layout, memory_format, preserve_format, set_default_tensor_type,
                           sparse_coo, strided)
from . import autograd  # noqa: E402
from .autograd import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,  # noqa: E402
                       no_grad, set_grad_enabled, is_anomaly_enabled, is_anomaly_check_nan_enabled,
                       set_anomaly_enabled)
from ._config import *  # noqa: E402,F401,F403

globals().update(_ops.FUNCTIONS)
globals().update(_LEGACY)
from . import random  # noqa: E402
from ._dtype import promote_types, can_cast  # noqa: E402
from ._config import result_type  # noqa: E402
from . import cuda  # noqa: E402
from . import fft, linalg, special  # noqa: E402
from . import nn  # noqa: E402
# torch-namespace ops defined with the layers (torch.softmax, torch.batch_norm, torch.conv2d ...)
globals().update({_k: _v for _k, _v in _ops.FUNCTIONS.items() if _k not in globals()})
from . import optim  # noqa: E402
from . import compiler  # noqa: E402
from .compiler import compile  # noqa: E402
from . import func  # noqa: E402
from .func import from_jax  # noqa: E402

func.register_pytrees()
from . import backends  # noqa: E402
