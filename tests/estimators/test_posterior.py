"""d.fit(x) of a MAP derivation: the conjugate posterior at the data against independently
written updates (Casella & Berger; Gelman et al., Bayesian Data Analysis, ch. 2), scipy's
quantiles and a numeric maximisation of the posterior density."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

import mlemap

RNG = np.random.default_rng(31)


def _agrees(result, reference, level=0.9):
    (name,) = result.params
    assert result.mean[name] == pytest.approx(reference.mean(), rel=1e-12)
    assert result.var[name] == pytest.approx(reference.var(), rel=1e-12)
    assert result.sd[name] == pytest.approx(reference.std(), rel=1e-12)
    low, high = result.credible_interval(level)[name]
    assert reference.cdf(low) == pytest.approx((1 - level) / 2, rel=1e-9)
    assert reference.cdf(high) == pytest.approx((1 + level) / 2, rel=1e-9)


@settings(max_examples=25, deadline=None)
@given(
    flips=st.lists(st.integers(0, 1), min_size=1, max_size=40),
    a=st.floats(1.1, 20.0),
    b=st.floats(1.1, 20.0),
)
def test_beta_bernoulli_posterior_and_its_mode_as_the_maximum(flips, a, b):
    result = mlemap.derive("bernoulli", prior="beta").fit(flips, alpha=a, beta=b)
    k, size = sum(flips), len(flips)
    reference = stats.beta(a + k, b + size - k)
    assert result.posterior == ("Beta", pytest.approx((a + k, b + size - k), rel=1e-12))
    _agrees(result, reference)
    found = optimize.minimize_scalar(
        lambda t: -reference.logpdf(t),
        bounds=(1e-12, 1 - 1e-12),
        method="bounded",
        options={"xatol": 1e-12},
    )
    assert result.params["theta"] == pytest.approx(found.x, abs=1e-7)


def test_gamma_poisson_and_gamma_exponential():
    counts = RNG.poisson(3.0, 25)
    result = mlemap.derive("poisson", prior="gamma").fit(counts, alpha=2.0, beta=0.5)
    reference = stats.gamma(2.0 + counts.sum(), scale=1 / (0.5 + counts.size))
    _agrees(result, reference)
    assert result.params["lambda"] == pytest.approx((2.0 + counts.sum() - 1) / (0.5 + 25))
    times = RNG.exponential(1 / 1.7, 30)
    result = mlemap.derive("exponential", prior="gamma").fit(times, alpha=3.0, beta=2.0)
    _agrees(result, stats.gamma(3.0 + 30, scale=1 / (2.0 + times.sum())))


def test_normal_mean_with_known_variance():
    data = RNG.normal(1.0, 1.5, 20)
    sigma2, mu0, tau2 = 2.25, -1.0, 0.5
    result = mlemap.derive("normal", prior={"mu": "normal"}, estimate=["mu"]).fit(
        data, sigma2=sigma2, mu0=mu0, tau2=tau2
    )
    precision = 1 / tau2 + data.size / sigma2
    mean = (mu0 / tau2 + data.sum() / sigma2) / precision
    _agrees(result, stats.norm(mean, np.sqrt(1 / precision)), level=0.95)
    assert result.params["mu"] == pytest.approx(mean)  # a normal posterior's mode is its mean


def test_inverse_gamma_on_a_normal_variance_with_known_mean():
    data = RNG.normal(0.5, 2.0, 15)
    result = mlemap.derive("normal", prior={"sigma2": "inverse_gamma"}, estimate=["sigma2"]).fit(
        data, mu=0.5, alpha=3.0, beta=2.0
    )
    shape, scale = 3.0 + 15 / 2, 2.0 + ((data - 0.5) ** 2).sum() / 2
    _agrees(result, stats.invgamma(shape, scale=scale))
    assert result.params["sigma2"] == pytest.approx(scale / (shape + 1))


def test_summary_in_every_format():
    result = mlemap.derive("bernoulli", prior="beta").fit([1, 1, 1], alpha=2, beta=2)
    text = result.summary()
    assert "posterior: Beta(5, 2)" in text and "alpha = 2" in text
    assert "0.8" in text and "0.714286" in text and "0.358765" in text  # mode, mean, 2.5 %
    assert result.summary("markdown").count("|") == 3 * 7
    assert r"\begin{tabular}{lrrrrr}" in result.summary("latex")
    assert result._repr_html_().startswith("<table><caption>MAP of the Bernoulli model")
    with pytest.raises(mlemap.MlemapError, match="fmt must be"):
        result.summary("pdf")
    with pytest.raises(mlemap.MlemapError, match="level must be"):
        result.credible_interval(0)


def test_bad_input_and_posteriors_out_of_reach_are_mlemap_errors():
    d = mlemap.derive("bernoulli", prior="beta")
    with pytest.raises(mlemap.DataError):
        d.fit([0.5, 1], alpha=2, beta=2)
    with pytest.raises(mlemap.DomainError):
        d.fit([0, 1], alpha=-2, beta=2)
    with pytest.raises(mlemap.MlemapError, match="recognised conjugate posterior"):
        mlemap.derive("weibull", prior="gamma").fit([1.0, 2.0], k=1.5, alpha=2, beta=1)


def test_a_dirichlet_posterior_is_summarised_parameter_by_parameter():
    d = mlemap.derive("categorical", prior="dirichlet")
    rng = np.random.default_rng(8)
    x = 1 + rng.choice(3, 60, p=[0.2, 0.3, 0.5])
    alpha = np.array([2.0, 3.5, 1.5])
    r = d.fit(x, alpha1=alpha[0], alpha2=alpha[1], alpha3=alpha[2])
    updated = alpha + np.bincount(x, minlength=4)[1:]
    assert r.posterior[0] == "Dirichlet"
    np.testing.assert_allclose(r.posterior[1], updated)
    reference = stats.dirichlet(updated)
    names = ["theta1", "theta2", "theta3"]
    np.testing.assert_allclose([r.mean[k] for k in names], reference.mean(), rtol=1e-12)
    np.testing.assert_allclose([r.var[k] for k in names], reference.var(), rtol=1e-12)
    mode = (updated - 1) / (updated.sum() - 3)
    np.testing.assert_allclose([r.params[k] for k in names], mode, rtol=1e-12)
    draws = reference.rvs(200_000, random_state=np.random.default_rng(3))
    for k, name in enumerate(names):
        low, high = r.credible_interval(0.9)[name]
        assert np.quantile(draws[:, k], [0.05, 0.95]) == pytest.approx([low, high], abs=3e-3)
    assert r.summary().count("theta") >= 3
