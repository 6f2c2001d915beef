"""The catalog: named observation models and priors, one small declaration each."""

from . import likelihoods, priors  # noqa: F401  (importing registers the entries)
from .matrix_models import MATRIX_MODELS, MatrixModel
from .registry import MODELS, PRIORS, register_model, register_prior

__all__ = ["MATRIX_MODELS", "MODELS", "PRIORS", "MatrixModel", "register_model", "register_prior"]
