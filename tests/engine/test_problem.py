"""A prior is flat only if its log-density is provably constant; one without
hyperparameters (Jeffreys) is derived like any other, against a numeric maximum."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from scipy import optimize, stats

import mlemap
from mlemap import POSITIVE, UNIT_INTERVAL, Prior
from mlemap.engine.problem import BoundPrior

JEFFREYS_BERNOULLI = Prior(
    "jeffreys_bernoulli",
    "Beta",
    (),
    UNIT_INTERVAL,
    lambda t: 1 / (sp.pi * sp.sqrt(t * (1 - t))),
    description="Jeffreys' prior for a probability, Beta(1/2, 1/2)",
)
JEFFREYS_RATE = Prior(
    "jeffreys_rate", "Jeffreys", (), POSITIVE, lambda t: 1 / t, description="Jeffreys' 1/λ"
)


def _bound(prior: Prior, model: str) -> BoundPrior:
    (parameter,) = mlemap.models()[model].parameters
    return BoundPrior(prior, parameter, ())


def test_only_a_constant_log_density_is_flat():
    assert _bound(mlemap.priors()["uniform"], "bernoulli").is_flat
    constant = Prior("two", "Constant", (), None, lambda t: sp.Integer(2))
    assert _bound(constant, "poisson").is_flat
    assert not _bound(JEFFREYS_BERNOULLI, "bernoulli").is_flat
    assert not _bound(JEFFREYS_RATE, "poisson").is_flat


def test_a_prior_without_hyperparameters_is_not_called_flat():
    d = mlemap.derive("bernoulli", prior=JEFFREYS_BERNOULLI)
    assert "flat-prior" not in [s.kind for s in d.steps]
    prior = next(s for s in d.steps if s.kind == "prior")
    assert "flat" not in prior.explanation and "without hyperparameters" in prior.explanation
    k, n = sp.Symbol("k"), mlemap.catalog.symbols.n
    (estimate,) = d.estimates.values()
    total = sp.Sum(d.model.x[mlemap.catalog.symbols.i], (mlemap.catalog.symbols.i, 1, n))
    assert sp.simplify(estimate.xreplace({total: k}) - (k - sp.Rational(1, 2)) / (n - 1)) == 0


@given(st.lists(st.integers(0, 1), min_size=3, max_size=40).filter(lambda v: 0 < sum(v) < len(v)))
def test_jeffreys_map_is_the_numeric_maximum(flips):
    x = np.array(flips)
    ours = mlemap.derive("bernoulli", prior=JEFFREYS_BERNOULLI).estimator()(x)["theta"]

    def negative(theta):
        return -(stats.bernoulli.logpmf(x, theta).sum() + stats.beta.logpdf(theta, 0.5, 0.5))

    result = optimize.minimize_scalar(
        negative, bounds=(1e-12, 1 - 1e-12), method="bounded", options={"xatol": 1e-12}
    )
    # A bounded search pins a smooth maximum only to about √ε in θ; compare the objective.
    assert ours == pytest.approx(result.x, abs=1e-6)
    assert negative(ours) <= negative(result.x) + 1e-12


def test_jeffreys_rate_prior_on_a_poisson_mean():
    d = mlemap.derive("poisson", prior=JEFFREYS_RATE)
    x = np.random.default_rng(5).poisson(3.0, 50)
    ours = d.estimator()(x)["lambda"]
    assert ours == pytest.approx((x.sum() - 1) / x.size, rel=1e-12)
    result = optimize.minimize_scalar(
        lambda lam: -(stats.poisson.logpmf(x, lam).sum() - np.log(lam)),
        bounds=(1e-9, 50),
        method="bounded",
        options={"xatol": 1e-12},
    )
    assert ours == pytest.approx(result.x, rel=1e-8)
