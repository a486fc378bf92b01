"""torch.special (re-exports only)."""
from .ops._registry import FUNCTIONS as _F
from .ops.pointwise import round
from .ops.reduction import logsumexp
from .ops.special import special_bessel_j0 as bessel_j0
from .ops.special import special_bessel_j1 as bessel_j1
from .ops.special import special_entr as entr
from .ops.special import special_erfcx as erfcx
from .ops.special import special_i0e as i0e
from .ops.special import special_i1 as i1
from .ops.special import special_i1e as i1e
from .ops.special import special_log_ndtr as log_ndtr
from .ops.special import special_modified_bessel_i0 as modified_bessel_i0
from .ops.special import special_modified_bessel_i1 as modified_bessel_i1
from .ops.special import special_ndtr as ndtr
from .ops.special import special_ndtri as ndtri
from .ops.special import special_spherical_bessel_j0 as spherical_bessel_j0
from .ops.special import special_xlog1py as xlog1py
from .ops.special import special_zeta as zeta

# the pointwise ops torch.special shares with the torch namespace (generated in pointwise_math.py)
digamma = psi = _F["digamma"]
erf, erfc, erfinv, exp2, expm1 = _F["erf"], _F["erfc"], _F["erfinv"], _F["exp2"], _F["expm1"]
expit, gammaln, i0, log1p, logit = _F["sigmoid"], _F["lgamma"], _F["i0"], _F["log1p"], _F["logit"]
multigammaln, polygamma, sinc, xlogy = _F["mvlgamma"], _F["polygamma"], _F["sinc"], _F["xlogy"]

__all__ = ["bessel_j0", "bessel_j1", "digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1",
           "gammaln", "i0", "i0e", "i1", "i1e", "log1p", "log_ndtr", "logit", "logsumexp", "modified_bessel_i0",
           "modified_bessel_i1", "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "round", "sinc",
           "spherical_bessel_j0", "xlog1py", "xlogy", "zeta"]
