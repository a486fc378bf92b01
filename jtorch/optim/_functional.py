"""Functional interface: the pure per-parameter update functions behind the optimizer classes, and
``sparse_adam`` (torch.optim._functional.sparse_adam on dense gradients)."""
from ._adafactor import adafactor_update  # noqa: F401
from ._muon import muon_update  # noqa: F401
from .adadelta import adadelta_update  # noqa: F401
from .adagrad import adagrad_update  # noqa: F401
from .adam import adam_update  # noqa: F401
from .adamax import adamax_update  # noqa: F401
from .asgd import asgd_update  # noqa: F401
from .nadam import nadam_update  # noqa: F401
from .radam import radam_update  # noqa: F401
from .rmsprop import rmsprop_update  # noqa: F401
from .rprop import rprop_update  # noqa: F401
from .sgd import sgd_update  # noqa: F401
from .sparse_adam import sparse_adam, sparse_adam_update  # noqa: F401
