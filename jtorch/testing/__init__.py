"""torch.testing: assert_close and make_tensor; plus jtorch's jit-parity helpers."""
from ._comparison import assert_close, assert_allclose  # noqa: F401
from ._creation import make_tensor  # noqa: F401
from ._jit import assert_jit_matches, jit_apply  # noqa: F401

__all__ = ["assert_close", "assert_allclose", "make_tensor", "assert_jit_matches", "jit_apply"]
