"""The plotted values are the engine's: each curve and marked point is checked against an
independent reference (scipy.stats, a numeric maximisation, scikit-learn)."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

from mlemap.documents import plots
from mlemap.engine.derive import derive


@cache
def _derived():
    return {
        "mle": derive("bernoulli"),
        "map": derive("bernoulli", prior="beta"),
        "ridge": derive("linear_regression", prior="normal"),
        "lasso": derive("linear_regression", prior="laplace"),
    }


def test_the_log_likelihood_is_scipys_and_peaks_at_the_estimate():
    flips = [1] * 7 + [0] * 3
    curve = plots.log_likelihood_curve(_derived()["mle"], flips)
    reference = stats.bernoulli.logpmf(np.array(flips)[:, None], curve.grid).sum(axis=0)
    np.testing.assert_allclose(curve.values, reference, rtol=1e-12)
    best = optimize.minimize_scalar(
        lambda t: -stats.bernoulli.logpmf(flips, t).sum(), bounds=(1e-9, 1 - 1e-9), method="bounded"
    )
    assert curve.estimate == pytest.approx(best.x, abs=1e-5)
    assert curve.at_estimate == pytest.approx(-best.fun, rel=1e-9)
    assert curve.at_estimate >= curve.values.max()


@settings(max_examples=15, deadline=None)
@given(
    flips=st.lists(st.integers(0, 1), min_size=1, max_size=12),
    alpha=st.integers(2, 12),
    beta=st.integers(2, 12),
)
def test_prior_likelihood_and_posterior_are_scipys(flips, alpha, beta):
    c = plots.coin_curves(_derived()["mle"], _derived()["map"], flips, alpha, beta)
    heads, n = sum(flips), len(flips)
    np.testing.assert_allclose(c.prior, stats.beta.pdf(c.grid, alpha, beta), rtol=1e-10)
    posterior = stats.beta(alpha + heads, beta + n - heads)
    np.testing.assert_allclose(c.posterior, posterior.pdf(c.grid), rtol=1e-10)
    assert c.posterior_family == f"Beta({alpha + heads}, {beta + n - heads})"
    # The likelihood, scaled to unit area, is the posterior under a flat prior: Beta(k+1, n-k+1).
    np.testing.assert_allclose(
        c.likelihood, stats.beta.pdf(c.grid, heads + 1, n - heads + 1), rtol=1e-4, atol=1e-4
    )
    assert c.mle == pytest.approx(heads / n)
    assert c.posterior_mean == pytest.approx(posterior.mean(), rel=1e-12)
    mode = optimize.minimize_scalar(
        lambda t: -posterior.logpdf(t), bounds=(1e-9, 1 - 1e-9), method="bounded"
    )
    assert c.map == pytest.approx(mode.x, abs=1e-5)


def test_the_coin_figure_marks_what_the_handout_table_says():
    d = _derived()
    weak, strong = (plots.coin_curves(d["mle"], d["map"], [1, 1, 1], a, a) for a in (2, 10))
    assert (weak.mle, weak.map, weak.posterior_mean) == (1.0, 0.8, pytest.approx(5 / 7))
    assert strong.map == pytest.approx(4 / 7) and strong.posterior_mean == pytest.approx(13 / 23)


def test_ridge_and_lasso_paths_are_scikit_learns_and_the_lasso_reaches_exact_zeros():
    from sklearn.linear_model import Lasso, Ridge

    curves = plots.path_curves(_derived()["ridge"], _derived()["lasso"])
    X, y, _ = plots.synthetic_design()
    for lam, w in zip(curves.ridge_lambdas[::10], curves.ridge[::10], strict=True):
        reference = Ridge(alpha=lam, fit_intercept=False).fit(X, y).coef_
        np.testing.assert_allclose(w, reference, rtol=1e-8, atol=1e-10)
    for lam, w in zip(curves.lasso_lambdas[::10], curves.lasso[::10], strict=True):
        reference = Lasso(alpha=lam / len(y), fit_intercept=False, tol=1e-12, max_iter=100_000)
        np.testing.assert_allclose(w, reference.fit(X, y).coef_, atol=1e-6)
    # Ridge only shrinks; the lasso sets coefficients to exactly zero, all at max |Xᵀy|.
    assert not np.any(curves.ridge == 0)
    assert np.all(curves.lasso[-1] == 0.0)
    zero_from = [int(np.argmax(curves.lasso[:, j] == 0)) for j in range(X.shape[1])]
    assert len(set(zero_from)) > 1  # one by one, not all at once
    for j, first in enumerate(zero_from):
        assert np.all(curves.lasso[first:, j] == 0.0)  # and they stay there
