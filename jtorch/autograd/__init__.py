"""torch.autograd on the jtorch tape."""
from . import function, functional, graph, variable
from .anomaly_mode import (
                           detect_anomaly,
                           is_anomaly_check_nan_enabled,
                           is_anomaly_enabled,
                           set_anomaly_enabled,
                           set_detect_anomaly,
)
from .engine import backward, grad
from .function import Function, InplaceFunction, once_differentiable
from .grad_mode import (
                           enable_grad,
                           inference_mode,
                           is_grad_enabled,
                           is_inference_mode_enabled,
                           no_grad,
                           set_grad_enabled,
)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .variable import Variable

__all__ = ["Variable", "Function", "InplaceFunction", "once_differentiable", "backward", "grad", "graph", "function",
           "functional", "variable", "gradcheck", "gradgradcheck", "GradcheckError", "no_grad", "enable_grad",
           "set_grad_enabled", "inference_mode", "is_grad_enabled", "is_inference_mode_enabled", "detect_anomaly",
           "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled", "set_anomaly_enabled"]
