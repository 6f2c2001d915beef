"""Shared helpers: cached derivations, numeric evaluation of estimates, scipy references."""

from __future__ import annotations

import os
import re
import tempfile
from functools import cache

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, settings
from scipy import stats

import mlemap
from mlemap.catalog.symbols import i, n
from mlemap.engine.limits import expirations
from mlemap.engine.reach import fitting_priors

# The engine's store of outcomes (what `mlemap check` reads instead of deriving again) goes
# to a folder of this run's, never the user's cache; subprocesses inherit it.
if "MLEMAP_CACHE_DIR" not in os.environ:
    _STORE = tempfile.TemporaryDirectory(prefix="mlemap-test-cache-")  # removed at exit
    os.environ["MLEMAP_CACHE_DIR"] = _STORE.name

settings.register_profile(
    "default", deadline=None, max_examples=20, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci",
    deadline=None,
    max_examples=20,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI") else "default")


def _key(prior):
    return tuple(sorted(prior.items())) if isinstance(prior, dict) else prior


#: (model, prior, estimate) → how many attempts inside that derivation ended by the clock.
EXPIRED: dict[tuple, int] = {}


@cache
def _derive(model: str, prior, estimate) -> mlemap.Derivation:
    before = expirations()
    found = mlemap.derive(
        model,
        prior=dict(prior) if isinstance(prior, tuple) else prior,
        estimate=list(estimate) if estimate else None,
    )
    EXPIRED[model, prior, estimate] = expirations() - before
    return found


def derived(model: str, prior=None, estimate=None) -> mlemap.Derivation:
    """A derivation, computed once per test session."""
    if isinstance(estimate, str):
        estimate = (estimate,)
    return _derive(model, _key(prior), tuple(estimate) if estimate else None)


def expired_during(model: str, prior=None) -> int:
    """How many attempts ran out of time while :func:`derived` made this derivation."""
    derived(model, prior)
    return EXPIRED[model, _key(prior), None]


def catalog_pairs():
    """Every catalog model with no prior and with each prior that derive accepts for it."""
    for model in mlemap.MODELS:
        yield model.name, None
        if model.constraints:  # only a joint prior over the constrained parameters
            joint = [p for p in mlemap.PRIORS if p.fits_all(model.parameters)]
            yield from ((model.name, {model.parameters[0].name: p.name}) for p in joint)
            continue
        for parameter in model.parameters:
            # the priors derive takes with every parameter estimated (as `mlemap models`)
            for prior in fitting_priors(model, parameter):
                yield model.name, {parameter.name: prior.name}


def value(expr: sp.Expr, model: mlemap.Model, data, **values: float) -> float:
    """A symbolic expression in the data sums, evaluated at a data set and named values."""
    x = model.x
    expr = sp.sympify(expr).xreplace({n: len(data)}).doit()
    if np.ndim(data) == 2:  # rows of counts: x[i, j]
        entries = {x[r + 1, c + 1]: v for r, row in enumerate(data) for c, v in enumerate(row)}
    else:
        entries = {x[j + 1]: v for j, v in enumerate(data)}
    expr = expr.xreplace({e: sp.Float(float(v), 30) for e, v in entries.items()})
    symbols = {s: s for s in expr.free_symbols}
    named = {s: sp.Float(values[s.name], 30) for s in symbols if s.name in values}
    result = expr.xreplace(named)
    if result.free_symbols:
        raise KeyError(f"no value for {result.free_symbols}")
    return float(result)


def sum_x(model: mlemap.Model, f=lambda t: t) -> sp.Sum:
    return sp.Sum(f(model.x[i]), (i, 1, n))


# -- independent references: scipy.stats log-densities in the catalog's parameterisation ----
LOG_DENSITY = {
    "bernoulli": lambda x, theta: stats.bernoulli.logpmf(x, theta),
    "binomial": lambda x, theta, m: stats.binom.logpmf(x, m, theta),
    "geometric": lambda x, p: stats.geom.logpmf(x, p),
    "poisson": lambda x, lam: stats.poisson.logpmf(x, lam),
    "exponential": lambda x, lam: stats.expon.logpdf(x, scale=1 / lam),
    "normal": lambda x, mu, sigma2: stats.norm.logpdf(x, mu, np.sqrt(sigma2)),
    "lognormal": lambda x, mu, sigma2: stats.lognorm.logpdf(x, s=np.sqrt(sigma2), scale=np.exp(mu)),
    "gamma": lambda x, beta, alpha: stats.gamma.logpdf(x, a=alpha, scale=1 / beta),
    "rayleigh": lambda x, sigma2: stats.rayleigh.logpdf(x, scale=np.sqrt(sigma2)),
    "pareto": lambda x, alpha, x_m: stats.pareto.logpdf(x, b=alpha, scale=x_m),
    "weibull": lambda x, lam, k: stats.weibull_min.logpdf(x, c=k, scale=lam),
    "cauchy": lambda x, mu: stats.cauchy.logpdf(x, mu),
    "logistic": lambda x, mu: stats.logistic.logpdf(x, mu),
    "half_normal": lambda x, sigma2: stats.halfnorm.logpdf(x, scale=np.sqrt(sigma2)),
    "negative_binomial": lambda x, theta, r: stats.nbinom.logpmf(x, r, theta),
    "uniform": lambda x, theta: stats.uniform.logpdf(x, 0, theta),
    "categorical": lambda x, *theta: stats.multinomial.logpmf(_one_hot(x, len(theta)), 1, theta),
    "multinomial": lambda x, *a: stats.multinomial.logpmf(x, int(a[-1]), a[:-1]),
    "laplace": lambda x, mu, b: stats.laplace.logpdf(x, mu, b),
    "inverse_gaussian": lambda x, mu, lam: stats.invgauss.logpdf(x, mu / lam, scale=lam),
    "beta": lambda x, alpha, beta: stats.beta.logpdf(x, alpha, beta),
    "gamma2": lambda x, alpha, beta: stats.gamma.logpdf(x, a=alpha, scale=1 / beta),
    "weibull2": lambda x, k, lam: stats.weibull_min.logpdf(x, c=k, scale=lam),
}


def _one_hot(x, k: int) -> np.ndarray:
    """Categories 1…k as rows of a k-column indicator matrix, as scipy's multinomial takes them."""
    return np.eye(k)[np.asarray(x, dtype=int) - 1]


LOG_PRIOR = {
    "beta": lambda t, alpha, beta: stats.beta.logpdf(t, alpha, beta),
    "gamma": lambda t, alpha, beta: stats.gamma.logpdf(t, a=alpha, scale=1 / beta),
    "normal": lambda t, mu0, tau2: stats.norm.logpdf(t, mu0, np.sqrt(tau2)),
    "inverse_gamma": lambda t, alpha, beta: stats.invgamma.logpdf(t, a=alpha, scale=beta),
    "uniform": lambda t: 0.0,
    "dirichlet": lambda t, *alpha: stats.dirichlet.logpdf(t, alpha),
    "laplace": lambda t, mu0, b: stats.laplace.logpdf(t, mu0, b),
}

#: A sampler per model: (rng, size, parameter values, constants) -> data.
SAMPLE = {
    "bernoulli": lambda r, s, v: r.binomial(1, v["theta"], s),
    "binomial": lambda r, s, v: r.binomial(int(v["m"]), v["theta"], s),
    "geometric": lambda r, s, v: r.geometric(v["p"], s),
    "poisson": lambda r, s, v: r.poisson(v["lambda"], s),
    "exponential": lambda r, s, v: r.exponential(1 / v["lambda"], s),
    "normal": lambda r, s, v: r.normal(v["mu"], np.sqrt(v["sigma2"]), s),
    "lognormal": lambda r, s, v: r.lognormal(v["mu"], np.sqrt(v["sigma2"]), s),
    "gamma": lambda r, s, v: r.gamma(v["alpha"], 1 / v["beta"], s),
    "rayleigh": lambda r, s, v: r.rayleigh(np.sqrt(v["sigma2"]), s),
    "pareto": lambda r, s, v: v["x_m"] * (1 + r.pareto(v["alpha"], s)),
    "weibull": lambda r, s, v: v["lambda"] * r.weibull(v["k"], s),
    "cauchy": lambda r, s, v: v["mu"] + r.standard_cauchy(s),
    "logistic": lambda r, s, v: r.logistic(v["mu"], 1.0, s),
    "half_normal": lambda r, s, v: np.abs(r.normal(0.0, np.sqrt(v["sigma2"]), s)),
    "negative_binomial": lambda r, s, v: r.negative_binomial(int(v["r"]), v["theta"], s),
    "uniform": lambda r, s, v: r.uniform(0, v["theta"], s),
    "categorical": lambda r, s, v: 1 + r.choice(3, s, p=[v[f"theta{j}"] for j in (1, 2, 3)]),
    "multinomial": lambda r, s, v: r.multinomial(int(v["m"]), _simplex_point(v), s),
    "laplace": lambda r, s, v: r.laplace(v["mu"], v["b"], s),
    "inverse_gaussian": lambda r, s, v: r.wald(v["mu"], v["lambda"], s),
    "beta": lambda r, s, v: r.beta(v["alpha"], v["beta"], s),
    "gamma2": lambda r, s, v: r.gamma(v["alpha"], 1 / v["beta"], s),
    "weibull2": lambda r, s, v: v["lambda"] * r.weibull(v["k"], s),
}


def _simplex_point(values: dict[str, float]) -> list[float]:
    return [values[f"theta{j}"] for j in (1, 2, 3)]


def random_values(rng: np.random.Generator, declarations) -> dict[str, float]:
    """A value for every declared symbol, drawn inside its domain; probabilities θ1, θ2, …
    of categories together on the simplex (from a flat Dirichlet)."""
    declarations = list(declarations)
    simplex = [p.name for p in declarations if re.fullmatch(r"theta\d+", p.name)]
    found = dict(zip(simplex, rng.dirichlet(np.ones(len(simplex))), strict=True))
    declarations = [p for p in declarations if p.name not in found]
    for parameter in declarations:
        lo, hi = parameter.domain.sample_range
        if parameter.domain.integer:
            # small counts: the float reference densities (Γ(x + r)) overflow beyond them;
            # the engine's own checks sample integers up to the domain's sample range
            found[parameter.name] = float(rng.integers(max(int(lo), 1), min(int(hi), 8) + 1))
        else:
            found[parameter.name] = float(rng.uniform(lo, hi))
    return found


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


@pytest.fixture
def without_gc_callbacks():
    """No Python-level garbage-collection callbacks (hypothesis installs one) while a test
    fires many time limits: a limit's exception, raised in a thread between two bytecodes,
    can land in such a callback when the collector runs it on that thread, and Python then
    reports it as unraisable instead of delivering it to the limited call."""
    import gc

    saved = list(gc.callbacks)
    gc.callbacks.clear()
    try:
        yield
    finally:
        gc.callbacks[:] = saved
