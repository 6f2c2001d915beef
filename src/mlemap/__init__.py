"""mlemap: symbolic derivations of maximum-likelihood and maximum-a-posteriori estimators."""

from __future__ import annotations

from types import MappingProxyType

from .catalog import MODELS, PRIORS, register_model, register_prior
from .check import CheckReport, check
from .derivation import Derivation, Step
from .derive import derive
from .domains import (
    NONNEGATIVE_INTEGER,
    POSITIVE,
    POSITIVE_INTEGER,
    REAL,
    UNIT_INTERVAL,
    Domain,
    Support,
)
from .errors import (
    ConvergenceWarning,
    DataError,
    DomainError,
    MlemapError,
    ModelDefinitionError,
    UnknownNameError,
)
from .estimator import Estimator
from .model import Model, Parameter, Prior
from .verify import VerificationError

__all__ = [
    "NONNEGATIVE_INTEGER",
    "POSITIVE",
    "POSITIVE_INTEGER",
    "REAL",
    "UNIT_INTERVAL",
    "CheckReport",
    "ConvergenceWarning",
    "DataError",
    "Derivation",
    "Domain",
    "DomainError",
    "Estimator",
    "MlemapError",
    "Model",
    "ModelDefinitionError",
    "Parameter",
    "Prior",
    "Step",
    "Support",
    "UnknownNameError",
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
