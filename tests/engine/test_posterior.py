"""Posterior summaries: the textbook conjugate updates, and scipy at numbers."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from scipy import stats

import mlemap
from mlemap.catalog.symbols import hat


def _summary(model, prior, **options):
    d = mlemap.derive(model, prior=prior, **options)
    return d, next(s for s in d.steps if s.kind == "posterior-summary")


def _at(expr, d, data, **values):
    """``expr`` at a concrete data set and hyperparameter values."""
    point = {d.model.x[j + 1]: v for j, v in enumerate(data)}
    size = sp.Symbol("n", integer=True, positive=True)
    expr = expr.xreplace({size: len(data)}).doit().xreplace(point)
    return float(expr.xreplace({s: values[s.name] for s in expr.free_symbols if s.name in values}))


def test_beta_bernoulli_mean_mode_variance_match_scipy():
    d, step = _summary("bernoulli", "beta")
    mean, mode, variance, gap = (line.rhs for line in step.lines)
    flips, a, b = [1, 1, 1], 2.0, 2.0
    k = sum(flips)
    posterior = stats.beta(a + k, b + len(flips) - k)
    assert _at(mean, d, flips, alpha=a, beta=b) == pytest.approx(posterior.mean())
    assert _at(variance, d, flips, alpha=a, beta=b) == pytest.approx(posterior.var())
    assert _at(mode, d, flips, alpha=a, beta=b) == pytest.approx(
        4 / 5
    )  # (k + α − 1)/(n + α + β − 2)
    assert _at(gap, d, flips, alpha=a, beta=b) == pytest.approx(5 / 7 - 4 / 5)
    (theta,) = d.parameters
    assert step.lines[1].lhs == hat(theta)


def test_gamma_poisson_summary_against_simulated_posterior():
    d, step = _summary("poisson", "gamma")
    mean, _, variance, _ = (line.rhs for line in step.lines)
    counts = np.random.default_rng(4).poisson(3.0, 12)
    a, b = 2.0, 0.5
    draws = stats.gamma(a + counts.sum(), scale=1 / (b + counts.size)).rvs(
        200_000, random_state=np.random.default_rng(9)
    )
    assert _at(mean, d, counts.tolist(), alpha=a, beta=b) == pytest.approx(draws.mean(), rel=2e-3)
    assert _at(variance, d, counts.tolist(), alpha=a, beta=b) == pytest.approx(
        draws.var(), rel=2e-2
    )


def test_an_mle_has_no_summary_and_a_normal_mean_has_one():
    assert all(s.kind != "posterior-summary" for s in mlemap.derive("poisson").steps)
    _, step = _summary("normal", {"mu": "normal"}, estimate=["mu"])
    mean, mode = step.lines[0].rhs, step.lines[1].rhs
    assert sp.simplify(mean - mode) == 0  # a normal posterior's mean is its mode
    assert step.check.method == "numeric"
