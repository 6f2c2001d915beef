"""The estimator of any derivation record: what the engine's ``d.estimator()`` delegates to."""

from __future__ import annotations

from ..engine.derivation import Derivation
from ..regression.record import RegressionDerivation
from .estimator import Estimator
from .regression import RegressionEstimator

__all__ = ["estimator_of"]


def estimator_of(record: Derivation | RegressionDerivation) -> Estimator | RegressionEstimator:
    """A validated NumPy function of the data for ``record``'s estimates."""
    if isinstance(record, RegressionDerivation):
        return RegressionEstimator(record.estimator_kind)
    return Estimator(record)
