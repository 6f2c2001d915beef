"""mlemap: symbolic derivations of maximum-likelihood and maximum-a-posteriori estimators.

The names below are loaded when first used (PEP 562), so that ``import mlemap`` costs
little more than ``import sympy`` and a command loads only the stages it needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .catalog import register_model, register_prior
    from .catalog.domains import (
        NONNEGATIVE_INTEGER,
        POSITIVE,
        POSITIVE_INTEGER,
        REAL,
        UNIT_INTERVAL,
        Counts,
        Domain,
        Support,
    )
    from .catalog.likelihoods import categorical, multinomial
    from .catalog.model import Model, Parameter, Prior
    from .catalog.priors import dirichlet
    from .catalog.registry import Catalog
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

#: Each public name, and the module it lives in.
_HOMES = {
    **dict.fromkeys(
        [
            "NONNEGATIVE_INTEGER",
            "POSITIVE",
            "POSITIVE_INTEGER",
            "REAL",
            "UNIT_INTERVAL",
            "Counts",
            "Domain",
            "Support",
        ],
        "catalog.domains",
    ),
    **dict.fromkeys(["Model", "Parameter", "Prior"], "catalog.model"),
    **dict.fromkeys(["categorical", "multinomial"], "catalog.likelihoods"),
    "dirichlet": "catalog.priors",
    **dict.fromkeys(["MODELS", "PRIORS", "register_model", "register_prior"], "catalog"),
    **dict.fromkeys(["CheckReport", "check"], "checker.judge"),
    **dict.fromkeys(["Derivation", "Step"], "engine.derivation"),
    "derive": "engine.derive",
    "VerificationError": "engine.verify",
    **dict.fromkeys(
        [
            "ConvergenceError",
            "ConvergenceWarning",
            "DataError",
            "DomainError",
            "MlemapError",
            "ModelDefinitionError",
            "MultipleMaximaWarning",
            "UnknownNameError",
            "UnsupportedModelError",
        ],
        "errors",
    ),
    "Estimator": "estimators.estimator",
}

__all__ = [
    "NONNEGATIVE_INTEGER",
    "POSITIVE",
    "POSITIVE_INTEGER",
    "REAL",
    "UNIT_INTERVAL",
    "CheckReport",
    "ConvergenceError",
    "ConvergenceWarning",
    "Counts",
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
    "categorical",
    "check",
    "derive",
    "dirichlet",
    "models",
    "multinomial",
    "priors",
    "register_model",
    "register_prior",
]


#: The stages, loaded as ``mlemap.documents`` is first used.
_STAGES = frozenset(
    ["catalog", "engine", "regression", "documents", "estimators", "checker", "cli", "errors"]
)


def __getattr__(name: str) -> Any:
    if name in _STAGES:
        return importlib.import_module(f"{__name__}.{name}")
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'mlemap' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


# Linear regression's catalog entry registers itself when loaded; every way to a
# derivation (derive, check, models) goes through the catalog, which loads it.
def models() -> Catalog[Model]:
    """The catalog of observation models, by name (each shows its parameters and domains;
    a table in Jupyter)."""
    from .catalog import MODELS

    return MODELS.view()


def priors() -> Catalog[Prior]:
    """The catalog of priors, by name (each shows its hyperparameters and support)."""
    from .catalog import PRIORS

    return PRIORS.view()
