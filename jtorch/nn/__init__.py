"""torch.nn."""
from . import functional, init, modules, parallel, parameter, utils
from .modules import *  # noqa: F401,F403
from .parallel import DataParallel
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter

__all__ = modules.__all__ + ["DataParallel", "Parameter", "Buffer", "UninitializedParameter",
                             "UninitializedBuffer", "functional", "init", "modules", "parallel", "parameter", "utils"]
