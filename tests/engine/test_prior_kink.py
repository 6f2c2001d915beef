"""A Laplace prior on a normal mean: the MAP estimate is a soft-thresholding of x̄."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

import mlemap
from mlemap import UnsupportedModelError
from mlemap.catalog.symbols import hat
from mlemap.cli.models import catalog
from mlemap.engine import soft_threshold
from mlemap.engine.soft_threshold import SoftThreshold
from mlemap.regression import lasso


@pytest.fixture(scope="module")
def derivation():
    return mlemap.derive("normal", prior={"mu": "laplace"}, estimate="mu")


@pytest.fixture(scope="module")
def estimator(derivation):
    return derivation.estimator()


def _scipy_map(x, mu0, b, sigma2):
    """The maximiser of Σ log N(xᵢ; μ, σ²) + log Laplace(μ; μ₀, b), by scipy alone."""

    def negative(mu):
        return -(
            np.sum(stats.norm.logpdf(x, mu, np.sqrt(sigma2))) + stats.laplace.logpdf(mu, mu0, b)
        )

    low, high = min(x.min(), mu0) - 1, max(x.max(), mu0) + 1
    found = optimize.minimize_scalar(
        negative, bounds=(low, high), method="bounded", options={"xatol": 1e-12}
    )
    return found.x, negative


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    mu0=st.floats(-5, 5),
    b=st.floats(0.05, 5),
    sigma2=st.floats(0.1, 10),
    shift=st.floats(-3, 3),
    seed=st.integers(0, 2**32 - 1),
    size=st.integers(1, 60),
)
def test_the_map_is_the_maximum_scipy_optimize_finds(estimator, mu0, b, sigma2, shift, seed, size):
    x = np.random.default_rng(seed).normal(mu0 + shift, np.sqrt(sigma2), size)
    ours = estimator(x, mu0=mu0, b=b, sigma2=sigma2)["mu"]
    reference, negative = _scipy_map(x, mu0, b, sigma2)
    # the log-posterior is concave: no point scipy finds is higher, and they agree
    assert negative(ours) <= negative(reference) + 1e-9
    assert ours == pytest.approx(reference, abs=1e-6 * max(1.0, abs(reference)))


def _symbols(derivation):
    return {s.name: s for s in derivation.problem.declarations}


def test_the_estimate_is_soft_thresholding_of_the_mean(derivation):
    named = _symbols(derivation)
    mu, mu0, b, sigma2 = (named[k] for k in ("mu", "mu0", "b", "sigma2"))
    x = derivation.model.x
    from mlemap.catalog.symbols import i, n

    mean = sp.Sum(x[i], (i, 1, n)) / n
    expected = mu0 + SoftThreshold(mean - mu0, sigma2 / (n * b))
    assert sp.simplify(derivation.estimates[mu] - expected) == 0
    (result,) = derivation.results
    assert result.lhs == hat(mu)
    assert derivation.closed_form and derivation.method == "MAP"
    assert derivation.solution.method == "by the subgradient condition"


@pytest.mark.parametrize(
    "mean, expected",
    [(3.0, 3.0 - 0.25), (-2.0, -2.0 + 0.25), (0.1, 0.0), (-0.25, 0.0)],
    ids=["above", "below", "at the kink", "on the threshold"],
)
def test_each_branch(estimator, mean, expected):
    # n = 4, σ² = 1, b = 1: the threshold σ²/(nb) is 1/4; x̄ is the given mean
    x = mean + np.array([-1.0, 1.0, -0.5, 0.5])
    found = estimator(x, mu0=0.0, b=1.0, sigma2=1.0)["mu"]
    assert found == pytest.approx(expected, abs=1e-12)
    if expected == 0.0:
        assert found == 0.0  # exactly the prior's location, not merely near it


def test_the_derivation_shows_why_the_derivative_test_fails_and_the_branches(derivation):
    named = _symbols(derivation)
    mu, mu0, b, sigma2 = (named[k] for k in ("mu", "mu0", "b", "sigma2"))
    from mlemap.catalog.symbols import i, n

    kinds = [s.kind for s in derivation.steps]
    assert kinds == [
        "model", "prior", "likelihood", "log-likelihood", "log-posterior",
        "kink", "objective", "stationarity", "result",
    ]  # fmt: skip
    kink = derivation.steps[5]
    assert kink.lines[0].rhs == sp.sign(mu - mu0)
    assert "derivative test does not apply" in kink.explanation
    c, z, lam = (line.rhs for line in derivation.steps[6].lines[1:])
    assert sp.simplify(c - n / sigma2) == 0
    assert sp.simplify(z - (sp.Sum(derivation.model.x[i], (i, 1, n)) - n * mu0) / sigma2) == 0
    assert lam == 1 / b
    branches = derivation.steps[7]
    shown = [w for w in branches.words if isinstance(w, sp.Basic)]
    for relation in (sp.StrictGreaterThan(mu, mu0), sp.StrictLessThan(mu, mu0), sp.Eq(mu, mu0)):
        assert relation in shown  # the three branches, each named
    assert all(s.check.method in ("symbolic", "numeric", "definition") for s in derivation.steps)


def test_it_renders_and_reads_back_in_markdown_and_latex(derivation):
    markdown, latex = derivation.to_markdown(), derivation.to_latex()  # read-back runs in both
    for text in (markdown, latex):
        assert r"S{\left(\bar{x} - \mu_{0}, \frac{\sigma^{2}}{b n}\right)}" in text
        assert "Where the derivative test fails" in text


def test_the_lasso_and_the_laplace_prior_share_one_soft_threshold_derivation(derivation):
    assert lasso.soft_threshold_branches is soft_threshold.soft_threshold_branches
    assert lasso.check_soft_threshold is soft_threshold.check_soft_threshold
    detail = derivation.steps[-2].check.detail
    one_feature = next(
        s
        for s in mlemap.derive("linear_regression", prior="laplace").steps
        if s.title == "One feature: soft-thresholding"
    )
    assert "S(z, λ)/c" in detail and "S(z, λ)/c" in one_feature.check.detail


@pytest.mark.parametrize(
    "model, prior, estimate, feature",
    [
        ("normal", {"mu": "laplace"}, None, "estimates mu, sigma2 together"),
        ("cauchy", {"mu": "laplace"}, None, "not quadratic in mu"),
        ("logistic", {"mu": "laplace"}, None, "not quadratic in mu"),
        ("laplace", {"mu": "laplace"}, None, "a prior is given"),
    ],
)
def test_out_of_reach_a_laplace_prior_is_refused_by_name(model, prior, estimate, feature):
    with pytest.raises(UnsupportedModelError, match=feature):
        mlemap.derive(model, prior=prior, estimate=estimate)


def test_the_lognormal_mean_is_soft_thresholded_too():
    d = mlemap.derive("lognormal", prior={"mu": "laplace"}, estimate="mu")
    x = np.random.default_rng(3).lognormal(0.4, 1.0, 30)
    found = d.estimator()(x, mu0=0.0, b=0.5, sigma2=1.0)["mu"]
    mean, threshold = np.log(x).mean(), 1.0 / (30 * 0.5)
    assert found == pytest.approx(np.sign(mean) * max(abs(mean) - threshold, 0.0), rel=1e-12)


def test_the_listing_is_what_derive_takes():
    models = {m["name"]: {p["name"]: p for p in m["parameters"]} for m in catalog()["models"]}
    assert "laplace" not in models["normal"]["mu"]["priors"]
    assert "laplace" in models["normal"]["mu"]["priors_alone"]
    assert models["laplace"]["mu"]["priors"] == models["laplace"]["mu"]["priors_alone"] == []
    assert models["uniform"]["theta"]["priors"] == []
    assert (
        "laplace" not in models["cauchy"]["mu"]["priors"] + models["cauchy"]["mu"]["priors_alone"]
    )
    with pytest.raises(UnsupportedModelError):
        mlemap.derive("laplace", prior={"mu": "normal"})
    with pytest.raises(UnsupportedModelError):
        mlemap.derive("uniform", prior="gamma")


def test_the_estimator_is_one_reduction_and_validates_its_hyperparameters(estimator):
    assert estimator.source.count("numpy.sum(") == 1 and " for " not in estimator.source
    x = np.array([0.1, 0.3, -0.2, 0.4])
    with pytest.raises(mlemap.DomainError, match=r"b must be in \(0, ∞\)"):
        estimator(x, mu0=0.0, b=-1.0, sigma2=1.0)
    with pytest.raises(mlemap.MlemapError, match="sigma2"):
        estimator(x, mu0=0.0, b=1.0)
