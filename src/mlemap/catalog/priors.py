"""Priors over one parameter: one declaration each (hyperparameters, support, density)."""

from __future__ import annotations

import sympy as sp
from sympy.functions.special.beta_functions import beta as beta_function

from ..errors import ModelDefinitionError
from .domains import POSITIVE, REAL, UNIT_INTERVAL
from .model import Parameter, Prior
from .registry import register_prior

ALPHA = Parameter("alpha", POSITIVE, r"\alpha", "shape")

register_prior(
    Prior(
        "beta",
        "Beta",
        (ALPHA, Parameter("beta", POSITIVE, r"\beta", "shape")),
        UNIT_INTERVAL,
        lambda t, alpha, beta: (
            t ** (alpha - 1) * (1 - t) ** (beta - 1) / beta_function(alpha, beta)
        ),
        flat={"alpha": 1, "beta": 1},
        description="Beta(α, β) on (0, 1); α − 1 and β − 1 act as pseudo-counts",
    )
)

register_prior(
    Prior(
        "gamma",
        "Gamma",
        (ALPHA, Parameter("beta", POSITIVE, r"\beta", "rate")),
        POSITIVE,
        lambda t, alpha, beta: beta**alpha * t ** (alpha - 1) * sp.exp(-beta * t) / sp.gamma(alpha),
        flat={"alpha": 1, "beta": 0},
        description="Gamma(α, β) on (0, ∞) with shape α and rate β",
    )
)

register_prior(
    Prior(
        "normal",
        "Normal",
        (
            Parameter("mu0", REAL, r"\mu_{0}", "prior mean"),
            Parameter("tau2", POSITIVE, r"\tau^{2}", "prior variance"),
        ),
        REAL,
        lambda t, mu0, tau2: sp.exp(-((t - mu0) ** 2) / (2 * tau2)) / sp.sqrt(2 * sp.pi * tau2),
        flat={"tau2": sp.oo},
        description="Normal(μ₀, τ²) on (−∞, ∞)",
    )
)

register_prior(
    Prior(
        "inverse_gamma",
        "InverseGamma",
        (ALPHA, Parameter("beta", POSITIVE, r"\beta", "scale")),
        POSITIVE,
        lambda t, alpha, beta: (
            beta**alpha * t ** (-alpha - 1) * sp.exp(-beta / t) / sp.gamma(alpha)
        ),
        flat={"alpha": -1, "beta": 0},
        description="InverseGamma(α, β) on (0, ∞) with shape α and scale β",
    )
)

register_prior(
    Prior(
        "uniform",
        "Uniform",
        (),
        None,
        lambda t: sp.Integer(1),
        description="flat (constant) density; improper on an unbounded domain",
    )
)


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def dirichlet(K: int = 3) -> Prior:
    """Dirichlet(α₁, …, α_K) on the simplex θ₁ + … + θ_K = 1, jointly over K parameters:
    Γ(α₁ + … + α_K) / (Γ(α₁)⋯Γ(α_K)) · θ₁^(α₁−1) ⋯ θ_K^(α_K−1); αⱼ − 1 act as pseudo-counts."""
    if not isinstance(K, int) or isinstance(K, bool) or K < 2:
        raise ModelDefinitionError(f"a Dirichlet prior needs an integer K ≥ 2; got {K!r}")
    alphas = tuple(
        Parameter(f"alpha{j}", POSITIVE, rf"\alpha_{{{j}}}", f"concentration of category {j}")
        for j in range(1, K + 1)
    )

    def density(*arguments: sp.Expr) -> sp.Expr:
        thetas, alpha = arguments[:K], arguments[K:]
        normaliser = sp.gamma(sp.Add(*alpha)) / sp.Mul(*(sp.gamma(a) for a in alpha))
        return normaliser * sp.Mul(*(t ** (a - 1) for t, a in zip(thetas, alpha, strict=True)))

    last = str(K).translate(_SUBSCRIPTS)  # α₁₂, as α₁ is written
    return Prior(
        "dirichlet" if K == 3 else f"dirichlet{K}",
        "Dirichlet",
        alphas,
        UNIT_INTERVAL,
        density,
        flat={f"alpha{j}": 1 for j in range(1, K + 1)},
        description=f"Dirichlet(α₁, …, α{last}) on the simplex θ₁ + … + θ{last} = 1; αⱼ − 1 act "
        "as pseudo-counts",
        reference="Bishop, Pattern Recognition and Machine Learning, Section 2.2.1",
        over=K,
    )


register_prior(dirichlet(3))

register_prior(
    Prior(
        "laplace",
        "Laplace",
        (
            Parameter("mu0", REAL, r"\mu_{0}", "prior location"),
            Parameter("b", POSITIVE, "b", "prior scale"),
        ),
        REAL,
        lambda t, mu0, b: sp.exp(-sp.Abs(t - mu0) / b) / (2 * b),
        flat={"b": sp.oo},
        description="Laplace(μ₀, b) on (−∞, ∞), density exp(−|θ − μ₀|/b)/(2b); its kink at μ₀ "
        "makes the MAP estimate of a normal mean a soft-thresholding of x̄",
        reference="Park & Casella, The Bayesian Lasso, JASA 103 (2008); Tibshirani, "
        "Regression Shrinkage and Selection via the Lasso, JRSS B 58 (1996), Section 5",
    )
)
