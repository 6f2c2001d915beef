"""The catalog: domains, symbols, Parameter/Model/Prior, and the named models and priors.

Takes nothing from other stages; hands on declarations that the engine derives from.
"""

from .matrix_models import MATRIX_MODELS, MatrixModel
from .model import deferred_checks
from .registry import MODELS, PRIORS, register_model, register_prior

with deferred_checks():
    from . import likelihoods, priors  # noqa: F401  (importing registers the entries)

#: The entries mlemap ships, as opposed to those a user registers in a process of their own.
SHIPPED_MODELS = frozenset(MODELS.names())
SHIPPED_PRIORS = frozenset(PRIORS.names())

__all__ = [
    "MATRIX_MODELS",
    "MODELS",
    "PRIORS",
    "SHIPPED_MODELS",
    "SHIPPED_PRIORS",
    "MatrixModel",
    "register_model",
    "register_prior",
]
