"""Priors over one parameter: one declaration each (hyperparameters, support, density)."""

from __future__ import annotations

import sympy as sp
from sympy.functions.special.beta_functions import beta as beta_function

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
