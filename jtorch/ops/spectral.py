"""(being written)"""
from ._registry import exported

__all__ = exported(__name__)
