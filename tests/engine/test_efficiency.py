"""Efficiency: the corrected estimator's exact variance against textbook formulas and 10⁵
simulated data sets, and whether it attains the Cramér–Rao bound."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from scipy import stats

import mlemap
from mlemap.catalog.symbols import n

REPLICATIONS = 100_000

# model, parameter, Var of the unbiased (corrected) estimator (Casella & Berger; Var(s²) =
# 2σ⁴/(n − 1), Var((n − 1)/Σx) = λ²/(n − 2) from Σx ~ Gamma(n, λ)), attains the bound
TEXTBOOK = [
    ("bernoulli", "theta", lambda v: v["theta"] * (1 - v["theta"]) / n, True),
    ("binomial", "theta", lambda v: v["theta"] * (1 - v["theta"]) / (v["m"] * n), True),
    ("poisson", "lambda", lambda v: v["lambda"] / n, True),
    ("normal", "mu", lambda v: v["sigma2"] / n, True),
    ("normal", "sigma2", lambda v: 2 * v["sigma2"] ** 2 / (n - 1), False),
    ("lognormal", "sigma2", lambda v: 2 * v["sigma2"] ** 2 / (n - 1), False),
    ("exponential", "lambda", lambda v: v["lambda"] ** 2 / (n - 2), False),
    ("rayleigh", "sigma2", lambda v: v["sigma2"] ** 2 / n, True),
    ("half_normal", "sigma2", lambda v: 2 * v["sigma2"] ** 2 / n, True),
]


def _efficiency(model: str, name: str):
    d = mlemap.derive(model)
    (p,) = [q for q in d.parameters if q.name == name]
    return d, p, d.efficiencies[p]


@pytest.mark.parametrize("model,name,textbook,attains", TEXTBOOK)
def test_variance_is_the_textbook_value(model, name, textbook, attains):
    d, p, found = _efficiency(model, name)
    assert found is not None
    symbols = {q.name: q.symbol for q in (*d.model.parameters, *d.model.constants)}
    assert sp.simplify(found.variance - textbook(symbols)) == 0
    assert found.attains == attains
    assert found.limit == 1  # every one is asymptotically efficient
    if not attains:
        assert found.exceeds
        assert sp.limit(found.ratio, n, sp.oo) == 1
    step = next(s for s in d.steps if s.kind == "efficiency" and s.subject == p)
    assert ("efficient" in step.explanation) and step.check.method == "numeric"
    assert ("is efficient" in step.explanation) == attains


# model, parameter, draws, the true values, the corrected estimator of each row, n
SIMULATED = [
    ("poisson", "lambda", stats.poisson(2.0), {"lambda": 2.0}, lambda x: x.mean(1), 5),
    ("bernoulli", "theta", stats.bernoulli(0.3), {"theta": 0.3}, lambda x: x.mean(1), 5),
    (
        "normal",
        "sigma2",
        stats.norm(1.0, 2.0),
        {"mu": 1.0, "sigma2": 4.0},
        lambda x: x.var(1, ddof=1),
        5,
    ),
    (
        "exponential",
        "lambda",
        stats.expon(scale=1 / 1.5),
        {"lambda": 1.5},
        lambda x: (x.shape[1] - 1) / x.sum(1),
        7,
    ),
]


@pytest.mark.parametrize("model,name,distribution,values,corrected,size", SIMULATED)
def test_variance_matches_simulation(model, name, distribution, values, corrected, size):
    """The sample variance of 10⁵ corrected estimates is within 4 of its standard errors."""
    d, _, found = _efficiency(model, name)
    draws = distribution.rvs(size=(REPLICATIONS, size), random_state=np.random.default_rng(8))
    estimates = corrected(draws)
    at = {q: values[q.name] for q in d.parameters}
    assert abs(estimates.mean() - values[name]) <= 4 * estimates.std() / np.sqrt(REPLICATIONS)
    deviations = (estimates - values[name]) ** 2  # the truth is the mean: unbiased
    expected = float(found.variance.xreplace({**at, n: size}))
    error = deviations.std() / np.sqrt(REPLICATIONS)
    assert abs(deviations.mean() - expected) <= 4 * error
    bound = float(found.bound.xreplace({**at, n: size}))
    assert (abs(expected - bound) < 1e-12) == found.attains


def test_out_of_reach_says_not_derived():
    """Without the bias there is no unbiased multiple to compare (geometric: E[n/Σxᵢ] is
    a hypergeometric series); the bias test checks that step."""
    for model in ("geometric", "weibull"):
        d = mlemap.derive(model)
        assert all(e is None for e in d.efficiencies.values())
        (step,) = [s for s in d.steps if s.kind == "efficiency"]
        assert step.explanation.startswith("Efficiency not derived: the bias is not derived")
        assert not step.lines


def test_the_step_shows_the_variance_and_the_strict_bound():
    d, _, found = _efficiency("exponential", "lambda")
    step = next(s for s in d.steps if s.kind == "efficiency")
    equal, above = step.lines
    assert isinstance(equal, sp.Eq) and sp.simplify(equal.rhs - found.variance) == 0
    assert isinstance(above, sp.StrictGreaterThan) and above.rhs == found.bound
    assert sp.simplify(found.ratio - n / (n - 2)) == 0
    assert "n > 2" in step.explanation
    assert all(s.kind != "efficiency" for s in mlemap.derive("bernoulli", prior="beta").steps)
