"""Lasso sweeps: the compiled loops make the same updates as the NumPy ones, and the wide
lasso solved either way equals scikit-learn's."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mlemap
from mlemap.estimators import descent

sklearn = pytest.importorskip("sklearn.linear_model")
pytest.importorskip("numba")


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 30),
    d=st.integers(1, 40),
    fraction=st.floats(0.0, 1.2),
    seed=st.integers(0, 2**32 - 1),
)
def test_property_compiled_sweeps_make_the_numpy_updates(n, d, fraction, seed):
    rng = np.random.default_rng(seed)
    X = np.asfortranarray(rng.normal(size=(n, d)))
    X[:, rng.random(d) < 0.1] = 0.0  # all-zero features stay at 0
    y = rng.normal(size=n)
    penalty = fraction * float(np.abs(X.T @ y).max())
    norms = np.einsum("ij,ij->j", X, X)
    gram = X.T @ X
    runs = {}
    for compiled in (True, False):
        coef, residual = np.zeros(d), y.copy()
        gcoef, gradient = np.zeros(d), X.T @ y
        for _ in range(3):
            descent.residual_sweep(compiled)(X, norms, residual, coef, penalty)
            descent.gram_sweep(compiled)(gram, norms.copy(), gradient, gcoef, penalty)
        correlation = descent.correlation(compiled)(X, residual)
        runs[compiled] = coef, residual, gcoef, gradient, correlation
    for fast, slow in zip(runs[True], runs[False], strict=True):
        np.testing.assert_allclose(fast, slow, rtol=1e-9, atol=1e-9 * (1 + np.abs(y).max()))
    np.testing.assert_allclose(runs[True][4], X.T @ runs[True][1], atol=1e-10 * (1 + n))


@pytest.mark.parametrize("compiled", [True, False])
def test_the_wide_lasso_equals_sklearn_compiled_or_not(monkeypatch, compiled):
    monkeypatch.setattr(descent, "available", lambda: compiled)
    rng = np.random.default_rng(11)
    n, d = 100, 250
    X = rng.normal(size=(n, d))
    coef = rng.normal(size=d) * (rng.random(d) < 0.3)
    y = X @ coef + rng.normal(size=n)
    lam = 0.1 * float(np.abs(X.T @ y).max())
    f = mlemap.derive("linear_regression", prior="laplace").estimator()
    result = f(X, y, lam=lam, tol=1e-12, max_iter=100_000)
    reference = sklearn.Lasso(alpha=lam / n, fit_intercept=False, tol=1e-12, max_iter=100_000)
    np.testing.assert_allclose(result["w"], reference.fit(X, y).coef_, atol=1e-6, rtol=0)
    assert 0 <= result["gap"] <= 1e-12 * (y @ y)
