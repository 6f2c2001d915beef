"""Models whose unknown is a vector, derived by matrix calculus rather than the Σ-pipeline.

Each entry names the priors it takes and the function that derives it; ``derive(name,
prior=...)`` looks here before the scalar catalog, so adding an entry touches nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .registry import Registry

__all__ = ["MATRIX_MODELS", "MatrixModel"]


@dataclass(frozen=True)
class MatrixModel:
    name: str
    description: str
    priors: Mapping[str, str]  # prior name → what it gives
    derive: Callable[[Any, Any], Any]  # (prior, estimate) → a derivation


def _linear_regression(prior: object, estimate: object) -> Any:
    from ..regression import derive_linear_regression

    return derive_linear_regression(prior, estimate)


MATRIX_MODELS: Registry[MatrixModel] = Registry("matrix model", MatrixModel)
MATRIX_MODELS.register(
    MatrixModel(
        "linear_regression",
        "y = Xw + ε, ε ~ N(0, σ²I): OLS as the MLE, ridge and lasso as MAP estimates",
        {
            "normal": "w ~ N(0, τ²I): ridge regression, λ = σ²/τ²",
            "laplace": "wⱼ independent Laplace(0, b): the lasso, λ = σ²/b",
        },
        _linear_regression,
    )
)
