"""The catalog: domains, symbols, Parameter/Model/Prior, and the named models and priors.

Takes nothing from other stages; hands on declarations that the engine derives from.
"""

from . import likelihoods, priors  # noqa: F401  (importing registers the entries)
from .matrix_models import MATRIX_MODELS, MatrixModel
from .registry import MODELS, PRIORS, register_model, register_prior

__all__ = ["MATRIX_MODELS", "MODELS", "PRIORS", "MatrixModel", "register_model", "register_prior"]
