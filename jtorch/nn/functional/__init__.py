"""torch.nn.functional: one private module per family, re-exported here."""
from ._linear import *  # noqa: F401,F403
from ._conv import *  # noqa: F401,F403
from ._pooling import *  # noqa: F401,F403
from ._padding import *  # noqa: F401,F403
from ._vision import *  # noqa: F401,F403
from ._activation import *  # noqa: F401,F403
from ._normalization import *  # noqa: F401,F403
from ._dropout import *  # noqa: F401,F403
from ._sparse import *  # noqa: F401,F403
from ._distance import *  # noqa: F401,F403
from ._loss import *  # noqa: F401,F403
from ._attention import *  # noqa: F401,F403

__all__ = [n for n in dir() if not n.startswith('_')]
