"""Every tensor op, defined once in the registry and grouped by family."""
from . import (conversion, creation, indexing, linalg, pointwise, random, reduction,  # noqa: F401
               scatter, shape, sorting, spectral, views)
from ._registry import FUNCTIONS, OPS

__all__ = ["FUNCTIONS", "OPS"]
