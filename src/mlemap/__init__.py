"""mlemap: symbolic derivations of maximum-likelihood and maximum-a-posteriori estimators."""

from __future__ import annotations

from types import MappingProxyType

# Importing the stages above the engine registers what they lend to the record
# (d.to_markdown(), d.estimator()) and linear regression's catalog entry.
from . import documents, estimators  # noqa: F401
from .catalog import MODELS, PRIORS, register_model, register_prior
from .catalog.domains import (
    NONNEGATIVE_INTEGER,
    POSITIVE,
    POSITIVE_INTEGER,
    REAL,
    UNIT_INTERVAL,
    Domain,
    Support,
)
from .catalog.model import Model, Parameter, Prior
from .checker.judge import CheckReport, check
from .engine.derivation import Derivation, Step
from .engine.derive import derive
from .engine.verify import VerificationError
from .errors import (
    ConvergenceError,
    ConvergenceWarning,
    DataError,
    DomainError,
    MlemapError,
    ModelDefinitionError,
    MultipleMaximaWarning,
    UnknownNameError,
    UnsupportedModelError,
)
from .estimators.estimator import Estimator
from .regression import entry  # noqa: F401

__all__ = [
    "NONNEGATIVE_INTEGER",
    "POSITIVE",
    "POSITIVE_INTEGER",
    "REAL",
    "UNIT_INTERVAL",
    "CheckReport",
    "ConvergenceError",
    "ConvergenceWarning",
    "DataError",
    "Derivation",
    "Domain",
    "DomainError",
    "Estimator",
    "MlemapError",
    "Model",
    "ModelDefinitionError",
    "MultipleMaximaWarning",
    "Parameter",
    "Prior",
    "Step",
    "Support",
    "UnknownNameError",
    "UnsupportedModelError",
    "VerificationError",
    "check",
    "derive",
    "models",
    "priors",
    "register_model",
    "register_prior",
]


def models() -> MappingProxyType[str, Model]:
    """The catalog of observation models, by name (each shows its parameters and domains)."""
    return MODELS.view()


def priors() -> MappingProxyType[str, Prior]:
    """The catalog of priors, by name (each shows its hyperparameters and support)."""
    return PRIORS.view()
