"""The catalog: named observation models and priors, one small declaration each."""

from . import likelihoods, priors  # noqa: F401  (importing registers the entries)
from .registry import MODELS, PRIORS, register_model, register_prior

__all__ = ["MODELS", "PRIORS", "register_model", "register_prior"]
