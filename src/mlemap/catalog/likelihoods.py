"""Observation models: one declaration each (parameters, support, density, reference)."""

from __future__ import annotations

import sympy as sp

from ..errors import ModelDefinitionError
from .domains import POSITIVE, POSITIVE_INTEGER, REAL, UNIT_INTERVAL, Counts, Support
from .model import Model, Parameter
from .registry import register_model

THETA = Parameter("theta", UNIT_INTERVAL, r"\theta", "probability of success")
MU = Parameter("mu", REAL, r"\mu", "mean")
SIGMA2 = Parameter("sigma2", POSITIVE, r"\sigma^{2}", "variance")
LOG_MU = Parameter("mu", REAL, r"\mu", "mean of log x")
LOG_SIGMA2 = Parameter("sigma2", POSITIVE, r"\sigma^{2}", "variance of log x")
SUCCESSES = {"k": lambda x: x}

register_model(
    Model(
        "bernoulli",
        (THETA,),
        Support(0, 1, integer=True, name="{0, 1}"),
        lambda x, theta: theta**x * (1 - theta) ** (1 - x),
        statistics=SUCCESSES,
        description="one trial: x = 1 (success) with probability θ, else x = 0",
        reference="Casella & Berger, Statistical Inference, 2nd ed., Example 7.2.7",
        label="Bernoulli",
    )
)

register_model(
    Model(
        "binomial",
        (THETA,),
        Support(0, sp.Symbol("m", integer=True, positive=True), integer=True),
        lambda x, theta, m: sp.binomial(m, x) * theta**x * (1 - theta) ** (m - x),
        constants=(Parameter("m", POSITIVE_INTEGER, "m", "number of trials per observation"),),
        statistics=SUCCESSES,
        description="x successes in m independent trials, each with probability θ",
        reference="Casella & Berger, Statistical Inference, 2nd ed., Example 7.2.9",
    )
)

register_model(
    Model(
        "geometric",
        (Parameter("p", UNIT_INTERVAL, "p", "probability of success"),),
        Support(1, sp.oo, integer=True),
        lambda x, p: p * (1 - p) ** (x - 1),
        description="number of trials up to and including the first success",
        reference="Casella & Berger, Statistical Inference, 2nd ed., Section 3.2",
    )
)

register_model(
    Model(
        "poisson",
        (Parameter("lambda", POSITIVE, r"\lambda", "rate"),),
        Support(0, sp.oo, integer=True),
        lambda x, lam: lam**x * sp.exp(-lam) / sp.factorial(x),
        description="count of events at rate λ",
        reference="Casella & Berger, Statistical Inference, 2nd ed., Example 7.2.4 (exercise 7.2)",
        label="Poisson",
    )
)

register_model(
    Model(
        "exponential",
        (Parameter("lambda", POSITIVE, r"\lambda", "rate"),),
        Support(0, sp.oo),
        lambda x, lam: lam * sp.exp(-lam * x),
        description="waiting time with rate λ (mean 1/λ)",
        reference="Casella & Berger, Statistical Inference, 2nd ed., Exercise 7.6",
    )
)

register_model(
    Model(
        "normal",
        (MU, SIGMA2),
        Support(-sp.oo, sp.oo, lower_open=True),
        lambda x, mu, sigma2: sp.exp(-((x - mu) ** 2) / (2 * sigma2)) / sp.sqrt(2 * sp.pi * sigma2),
        description="Gaussian with mean μ and variance σ²",
        reference="Casella & Berger, Statistical Inference, 2nd ed., Example 7.2.11",
    )
)

register_model(
    Model(
        "lognormal",
        (LOG_MU, LOG_SIGMA2),
        Support(0, sp.oo, lower_open=True),
        lambda x, mu, sigma2: (
            sp.exp(-((sp.log(x) - mu) ** 2) / (2 * sigma2)) / (x * sp.sqrt(2 * sp.pi * sigma2))
        ),
        description="log x is Gaussian with mean μ and variance σ²",
        reference="Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions 1, ch. 14",
        label="log-normal",
    )
)

register_model(
    Model(
        "gamma",
        (Parameter("beta", POSITIVE, r"\beta", "rate"),),
        Support(0, sp.oo, lower_open=True),
        lambda x, beta, alpha: beta**alpha * x ** (alpha - 1) * sp.exp(-beta * x) / sp.gamma(alpha),
        constants=(Parameter("alpha", POSITIVE, r"\alpha", "known shape"),),
        description="Gamma with known shape α and rate β",
        reference="Casella & Berger, Statistical Inference, 2nd ed., Example 7.2.5",
    )
)

register_model(
    Model(
        "rayleigh",
        (Parameter("sigma2", POSITIVE, r"\sigma^{2}", "scale squared"),),
        Support(0, sp.oo, lower_open=True),
        lambda x, sigma2: x / sigma2 * sp.exp(-(x**2) / (2 * sigma2)),
        description="length of a 2-D Gaussian vector with per-axis variance σ²",
        reference="Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions 1, ch. 18",
        label="Rayleigh",
    )
)

register_model(
    Model(
        "pareto",
        (Parameter("alpha", POSITIVE, r"\alpha", "shape"),),
        Support(sp.Symbol("x_m", positive=True), sp.oo),
        lambda x, alpha, x_m: alpha * x_m**alpha / x ** (alpha + 1),
        constants=(Parameter("x_m", POSITIVE, "x_{m}", "known scale (minimum)"),),
        description="power-law tail above a known minimum x_m",
        reference="Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions 1, ch. 20",
        label="Pareto",
    )
)

register_model(
    Model(
        "weibull",
        (Parameter("lambda", POSITIVE, r"\lambda", "scale"),),
        Support(0, sp.oo, lower_open=True),
        lambda x, lam, k: k / lam * (x / lam) ** (k - 1) * sp.exp(-((x / lam) ** k)),
        constants=(Parameter("k", POSITIVE, "k", "known shape"),),
        description="Weibull with known shape k and scale λ",
        reference="Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions 1, ch. 21",
        label="Weibull",
    )
)

register_model(
    Model(
        "cauchy",
        (Parameter("mu", REAL, r"\mu", "location (median)"),),
        Support(-sp.oo, sp.oo, lower_open=True),
        lambda x, mu: 1 / (sp.pi * (1 + (x - mu) ** 2)),
        description="Cauchy with location μ and unit scale; no closed-form MLE",
        reference="Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions 1, ch. 16",
        label="Cauchy",
    )
)

register_model(
    Model(
        "logistic",
        (Parameter("mu", REAL, r"\mu", "location (mean)"),),
        Support(-sp.oo, sp.oo, lower_open=True),
        lambda x, mu: sp.exp(-(x - mu)) / (1 + sp.exp(-(x - mu))) ** 2,
        description="logistic with location μ and unit scale; no closed-form MLE",
        reference="Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions 2, ch. 23",
    )
)

register_model(
    Model(
        "half_normal",
        (Parameter("sigma2", POSITIVE, r"\sigma^{2}", "variance of the underlying normal"),),
        Support(0, sp.oo, lower_open=True),
        lambda x, sigma2: sp.sqrt(2 / (sp.pi * sigma2)) * sp.exp(-(x**2) / (2 * sigma2)),
        description="|Z| for Z normal with mean 0 and variance σ²",
        reference="Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions 1, ch. 13",
        label="half-normal",
    )
)

register_model(
    Model(
        "negative_binomial",
        (THETA,),
        Support(0, sp.oo, integer=True),
        lambda x, theta, r: sp.binomial(x + r - 1, x) * theta**r * (1 - theta) ** x,
        constants=(Parameter("r", POSITIVE_INTEGER, "r", "number of successes to wait for"),),
        description="failures x before the r-th success, each trial a success with probability θ",
        reference="Casella & Berger, Statistical Inference, 2nd ed., Section 3.2",
        label="negative binomial",
    )
)

register_model(
    Model(
        "laplace",
        (
            Parameter("mu", REAL, r"\mu", "location (median)"),
            Parameter("b", POSITIVE, "b", "scale"),
        ),
        Support(-sp.oo, sp.oo, lower_open=True),
        lambda x, mu, b: sp.exp(-sp.Abs(x - mu) / b) / (2 * b),
        description="double exponential with location μ and scale b: a kink at μ, so the MLE "
        "of μ is the median",
        reference="Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions 2, ch. 24",
        label="Laplace",
    )
)

UPPER_END = Parameter("theta", POSITIVE, r"\theta", "upper end")
register_model(
    Model(
        "uniform",
        (UPPER_END,),
        Support(0, UPPER_END.symbol, upper_open=False),
        lambda x, theta: 1 / theta,
        description="uniform on [0, θ]: the support moves with θ, so the MLE is on a boundary",
        reference="Casella & Berger, Statistical Inference, 2nd ed., Section 7.2.2",
    )
)


def categorical(K: int = 3) -> Model:
    """One draw among K categories, x ∈ {1, …, K}, with probabilities θ₁, …, θ_K on the simplex.

    p(x | θ) = ∏ⱼ θⱼ^[x = j] with Σ θⱼ = 1; the counts nⱼ = Σᵢ [xᵢ = j] are sufficient.
    """
    thetas = _simplex("categorical", K)
    return Model(
        _sized("categorical", K),
        thetas,
        Support(1, K, integer=True, name="{1, 2, 3}" if K == 3 else f"{{1, 2, …, {K}}}"),
        lambda x, *theta: sp.Mul(*(t ** sp.KroneckerDelta(x, j) for j, t in enumerate(theta, 1))),
        statistics={f"n{j}": _indicator(j) for j in range(1, K + 1)},
        constraints=(_on_simplex,),
        description=f"one draw among {K} categories: x = j with probability θ_j, Σ θ_j = 1",
        reference="Bishop, Pattern Recognition and Machine Learning, Section 2.2 (Lagrange "
        "multiplier derivation of the multinomial MLE, eq. 2.33)",
    )


def multinomial(K: int = 3) -> Model:
    """m trials among K categories, observed as the counts xᵢ = (xᵢ₁, …, xᵢ_K), Σⱼ xᵢⱼ = m.

    p(xᵢ | θ) = m!/(xᵢ₁!⋯xᵢ_K!) ∏ⱼ θⱼ^xᵢⱼ with Σ θⱼ = 1 and m known; the category totals
    nⱼ = Σᵢ xᵢⱼ are sufficient, and θ̂ⱼ = nⱼ/(n m).
    """
    thetas = _simplex("multinomial", K)
    trials = Parameter("m", POSITIVE_INTEGER, "m", "number of trials per observation")

    def density(x: tuple[sp.Expr, ...], *arguments: sp.Expr) -> sp.Expr:
        *theta, m = arguments
        counts = sp.Mul(*(t**c for t, c in zip(theta, x, strict=True)))
        return sp.factorial(m) / sp.Mul(*(sp.factorial(c) for c in x)) * counts

    return Model(
        _sized("multinomial", K),
        thetas,
        Counts(0, trials.symbol, integer=True, components=K, total=trials.symbol),
        density,
        constants=(trials,),
        statistics={f"n{j}": _component(j) for j in range(1, K + 1)},
        constraints=(lambda *arguments: _on_simplex(*arguments[:-1]),),
        description=f"counts of m trials among {K} categories, θ_j the probability of "
        "category j, Σ θ_j = 1",
        reference="Bishop, Pattern Recognition and Machine Learning, Section 2.2 (eq. 2.33-2.34)",
    )


def _simplex(model: str, K: int) -> tuple[Parameter, ...]:
    """θ₁, …, θ_K, the probabilities of K categories (K an integer of at least 2)."""
    if not isinstance(K, int) or isinstance(K, bool) or K < 2:
        raise ModelDefinitionError(f"a {model} model needs an integer K ≥ 2 categories; got {K!r}")
    return tuple(
        Parameter(f"theta{j}", UNIT_INTERVAL, rf"\theta_{{{j}}}", f"probability of category {j}")
        for j in range(1, K + 1)
    )


def _sized(model: str, K: int) -> str:
    """The catalog's name for K categories: the model's own for K = 3, else with K."""
    return model if K == 3 else f"{model}{K}"


def _on_simplex(*theta: sp.Expr) -> sp.Equality:
    return sp.Eq(sp.Add(*theta), 1)


def _indicator(j: int):
    return lambda x: sp.KroneckerDelta(x, j)


def _component(j: int):
    return lambda x: x[j - 1]


register_model(categorical(3))
register_model(multinomial(3))

register_model(
    Model(
        "inverse_gaussian",
        (
            Parameter("mu", POSITIVE, r"\mu", "mean"),
            Parameter("lambda", POSITIVE, r"\lambda", "shape"),
        ),
        Support(0, sp.oo, lower_open=True),
        lambda x, mu, lam: (
            sp.sqrt(lam / (2 * sp.pi * x**3)) * sp.exp(-lam * (x - mu) ** 2 / (2 * mu**2 * x))
        ),
        description="first passage time of a Brownian motion with drift: mean μ, shape λ",
        reference="Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions 1, ch. 15",
        label="inverse Gaussian",
    )
)

register_model(
    Model(
        "beta",
        (
            Parameter("alpha", POSITIVE, r"\alpha", "first shape"),
            Parameter("beta", POSITIVE, r"\beta", "second shape"),
        ),
        Support(0, 1, lower_open=True, upper_open=True),
        lambda x, alpha, beta: x ** (alpha - 1) * (1 - x) ** (beta - 1) / sp.beta(alpha, beta),
        description="Beta with both shapes α and β unknown; no closed-form MLE",
        reference="Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions 2, ch. 25",
        label="Beta",
    )
)

register_model(
    Model(
        "gamma2",
        (
            Parameter("alpha", POSITIVE, r"\alpha", "shape"),
            Parameter("beta", POSITIVE, r"\beta", "rate"),
        ),
        Support(0, sp.oo, lower_open=True),
        lambda x, alpha, beta: beta**alpha * x ** (alpha - 1) * sp.exp(-beta * x) / sp.gamma(alpha),
        description="Gamma with shape α and rate β both unknown; no closed-form MLE",
        reference="Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions 1, ch. 17",
        label="gamma (shape and rate)",
    )
)

register_model(
    Model(
        "weibull2",
        (
            Parameter("k", POSITIVE, "k", "shape"),
            Parameter("lambda", POSITIVE, r"\lambda", "scale"),
        ),
        Support(0, sp.oo, lower_open=True),
        lambda x, k, lam: k / lam * (x / lam) ** (k - 1) * sp.exp(-((x / lam) ** k)),
        description="Weibull with shape k and scale λ both unknown; no closed-form MLE",
        reference="Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions 1, ch. 21",
        label="Weibull (shape and scale)",
    )
)
