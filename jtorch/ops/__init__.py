"""Every tensor op, defined once in the registry and grouped by family."""
from . import conversion, creation, indexing, pointwise, reduction, views  # noqa: F401  (importing registers the ops)
from ._registry import FUNCTIONS, OPS

__all__ = ["FUNCTIONS", "OPS"]
