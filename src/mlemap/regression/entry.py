"""Linear regression's catalog entry, and the choice of OLS, ridge or lasso by prior."""

from __future__ import annotations

import numpy as np

from ..catalog.matrix_models import MATRIX_MODELS, MatrixModel
from ..errors import MlemapError, UnknownNameError
from .lasso import lasso_derivation
from .linear import SEED, ols_derivation, ridge_derivation
from .record import RegressionDerivation

__all__ = ["derive_linear_regression"]


def derive_linear_regression(prior: object = None, estimate: object = None) -> RegressionDerivation:
    """The linear-regression derivation: OLS (no prior), ridge (``"normal"``) or lasso
    (``"laplace"``)."""
    if estimate is not None:
        raise MlemapError(
            "linear_regression estimates w (and σ² without a prior); estimate= is not supported"
        )
    rng = np.random.default_rng(SEED)
    if prior is None:
        return ols_derivation(rng)
    if isinstance(prior, dict) and list(prior) == ["w"]:
        prior = prior["w"]
    priors = MATRIX_MODELS.get("linear_regression").priors
    if not isinstance(prior, str) or prior not in priors:
        if isinstance(prior, str):
            raise UnknownNameError("prior", prior, priors, "for linear_regression")
        raise MlemapError(
            f"linear_regression takes a prior on w by name ({', '.join(priors)}), "
            f"not {type(prior).__name__}"
        )
    if prior == "normal":
        return ridge_derivation(rng)
    return lasso_derivation(rng)


MATRIX_MODELS.register(
    MatrixModel(
        "linear_regression",
        "y = Xw + ε, ε ~ N(0, σ²I): OLS as the MLE, ridge and lasso as MAP estimates",
        {
            "normal": "w ~ N(0, τ²I): ridge regression, λ = σ²/τ²",
            "laplace": "wⱼ independent Laplace(0, b): the lasso, λ = σ²/b",
        },
        derive_linear_regression,
    )
)
