"""The linear-regression estimators against independent references: np.linalg.lstsq,
scikit-learn's Ridge and Lasso, and a direct numeric minimisation of each objective."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import optimize

import mlemap

sklearn = pytest.importorskip("sklearn.linear_model")


@pytest.fixture(scope="module")
def ols():
    return mlemap.derive("linear_regression").estimator()


@pytest.fixture(scope="module")
def ridge():
    return mlemap.derive("linear_regression", prior="normal").estimator()


@pytest.fixture(scope="module")
def lasso():
    return mlemap.derive("linear_regression", prior="laplace").estimator()


def _data(n=120, d=8, seed=0, noise=1.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + noise * rng.normal(size=n)
    return X, y


# -- OLS -------------------------------------------------------------------------------------
def test_ols_equals_lstsq_and_sigma2_is_the_mean_squared_residual(ols):
    X, y = _data()
    result = ols(X, y)
    expected, residual_ss, *_ = np.linalg.lstsq(X, y, rcond=None)
    np.testing.assert_allclose(result["w"], expected, rtol=1e-10, atol=1e-12)
    assert result["w"].shape == (8,)
    assert result["sigma2"] == pytest.approx(residual_ss[0] / 120, rel=1e-10)


def test_ols_maximises_the_gaussian_log_likelihood_numerically(ols):
    X, y = _data(n=60, d=4, seed=1)
    result = ols(X, y)

    def negative_log_likelihood(theta):
        coef, log_s2 = theta[:-1], theta[-1]
        r = y - X @ coef
        return 0.5 * len(y) * (np.log(2 * np.pi) + log_s2) + r @ r / (2 * np.exp(log_s2))

    best = optimize.minimize(negative_log_likelihood, np.zeros(5), method="BFGS", tol=1e-12).x
    np.testing.assert_allclose(result["w"], best[:-1], atol=1e-5)
    assert result["sigma2"] == pytest.approx(np.exp(best[-1]), rel=1e-5)


def test_ols_refuses_a_rank_deficient_design_and_suggests_ridge(ols):
    X, y = _data(n=30, d=3)
    collinear = np.column_stack([X, X[:, 0] + X[:, 1]])
    with pytest.raises(mlemap.DataError, match=r"linearly dependent.*ridge"):
        ols(collinear, y)
    with pytest.raises(mlemap.DataError, match=r"fewer observations.*ridge"):
        ols(X[:2], y[:2])


@pytest.mark.parametrize(
    ("X", "y", "message"),
    [
        (np.ones((5, 2)), np.ones(4), "X has 5 rows .* y has 4"),
        (np.ones(5), np.ones(5), "two-dimensional"),
        (np.ones((5, 2)), np.ones((5, 1)), "one-dimensional"),
        (np.ones((0, 2)), np.ones(0), "at least one"),
        (np.array([[1.0, np.nan], [2.0, 1.0], [0.0, 3.0]]), np.ones(3), "X contains NaN"),
        (np.eye(3), np.array([1.0, np.inf, 0.0]), "y contains NaN"),
        (np.array([["a", "b"]]), np.ones(1), "real numbers"),
    ],
)
def test_bad_data_gives_a_clear_error(ols, ridge, X, y, message):
    for f in (ols, ridge):
        with pytest.raises(mlemap.DataError, match=message):
            f(X, y, **({} if f is ols else {"lam": 1.0}))


# -- ridge -----------------------------------------------------------------------------------
@pytest.mark.parametrize("lam", [1e-3, 0.5, 30.0])
def test_ridge_equals_sklearn(ridge, lam):
    X, y = _data(seed=2)
    reference = sklearn.Ridge(alpha=lam, fit_intercept=False, solver="cholesky").fit(X, y).coef_
    np.testing.assert_allclose(ridge(X, y, lam=lam)["w"], reference, atol=1e-6, rtol=0)
    reference = sklearn.Ridge(alpha=lam, fit_intercept=False, solver="svd").fit(X, y).coef_
    np.testing.assert_allclose(ridge(X, y, lam=lam)["w"], reference, atol=1e-6, rtol=0)


def test_ridge_penalty_from_the_variances_is_sigma2_over_tau2(ridge):
    X, y = _data(seed=3)
    np.testing.assert_array_equal(ridge(X, y, sigma2=2.0, tau2=4.0)["w"], ridge(X, y, lam=0.5)["w"])


def test_ridge_works_where_ols_cannot(ridge):
    X, y = _data(n=5, d=10, seed=4)  # n < d
    reference = sklearn.Ridge(alpha=0.3, fit_intercept=False).fit(X, y).coef_
    np.testing.assert_allclose(ridge(X, y, lam=0.3)["w"], reference, atol=1e-6)


def test_ridge_keyword_errors(ridge):
    X, y = _data()
    with pytest.raises(mlemap.MlemapError, match="not both"):
        ridge(X, y, lam=1.0, sigma2=1.0, tau2=1.0)
    with pytest.raises(mlemap.MlemapError, match="needs the penalty"):
        ridge(X, y, sigma2=1.0)
    with pytest.raises(mlemap.DomainError, match="lam must be a positive"):
        ridge(X, y, lam=-1.0)
    with pytest.raises(mlemap.MlemapError, match="unknown keyword 'alpha'"):
        ridge(X, y, alpha=1.0)


@given(
    n=st.integers(2, 40),
    d=st.integers(1, 6),
    lam=st.floats(1e-2, 1e2),
    seed=st.integers(0, 2**32 - 1),
)
def test_ridge_solves_the_penalised_normal_equations(n, d, lam, seed):
    f = mlemap.derive("linear_regression", prior="normal").estimator()
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(n, d)), rng.normal(size=n)
    coef = f(X, y, lam=lam)["w"]
    lhs = (X.T @ X + lam * np.eye(d)) @ coef
    np.testing.assert_allclose(lhs, X.T @ y, atol=1e-8 * (1 + np.abs(X.T @ y).max()))


# -- lasso -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("n", "d", "lam"), [(100, 8, 5.0), (80, 20, 20.0), (30, 50, 2.0)])
def test_lasso_equals_sklearn(lasso, n, d, lam):
    X, y = _data(n=n, d=d, seed=5)
    result = lasso(X, y, lam=lam, tol=1e-14, max_iter=100_000)
    reference = sklearn.Lasso(alpha=lam / n, fit_intercept=False, tol=1e-14, max_iter=100_000).fit(
        X, y
    )
    np.testing.assert_allclose(result["w"], reference.coef_, atol=1e-6, rtol=0)
    assert result["iterations"] >= 1
    assert 0 <= result["gap"] <= 1e-14 * (y @ y)


def test_lasso_minimises_its_objective_numerically(lasso):
    X, y = _data(n=50, d=5, seed=6)
    lam = 8.0
    result = lasso(X, y, lam=lam, tol=1e-12)

    # w = u − v with u, v ≥ 0 makes the objective smooth, for a bound-constrained optimiser.
    def objective(uv):
        coef = uv[:5] - uv[5:]
        r = y - X @ coef
        return 0.5 * r @ r + lam * uv.sum(), np.concatenate([-X.T @ r + lam, X.T @ r + lam])

    best = optimize.minimize(
        objective,
        np.zeros(10),
        jac=True,
        method="L-BFGS-B",
        bounds=[(0, None)] * 10,
        options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10_000},
    ).x
    np.testing.assert_allclose(result["w"], best[:5] - best[5:], atol=1e-5)
    # and the subgradient condition of the derivation
    correlation = X.T @ (y - X @ result["w"])
    active = result["w"] != 0
    np.testing.assert_allclose(correlation[active], lam * np.sign(result["w"][active]), atol=1e-5)
    assert np.all(np.abs(correlation[~active]) <= lam + 1e-8)


def test_lasso_on_an_orthonormal_design_is_soft_thresholding(lasso):
    rng = np.random.default_rng(7)
    q, _ = np.linalg.qr(rng.normal(size=(40, 6)))
    y = rng.normal(size=40) * 3
    z = q.T @ y
    expected = np.sign(z) * np.maximum(np.abs(z) - 1.5, 0)
    np.testing.assert_allclose(lasso(q, y, lam=1.5, tol=1e-14)["w"], expected, atol=1e-10)


def test_lasso_penalty_from_the_variances_and_the_iteration_cap(lasso):
    X, y = _data(seed=8)
    np.testing.assert_array_equal(
        lasso(X, y, sigma2=3.0, b=0.5, tol=1e-10)["w"], lasso(X, y, lam=6.0, tol=1e-10)["w"]
    )
    with pytest.warns(mlemap.ConvergenceWarning, match="max_iter = 1"):
        result = lasso(X, y, lam=0.1, tol=1e-15, max_iter=1)
    assert result["iterations"] == 1 and result["gap"] > 0
    with pytest.raises(mlemap.DomainError, match="max_iter"):
        lasso(X, y, lam=1.0, max_iter=0)
    with pytest.raises(mlemap.MlemapError, match="sigma2=… and b=…"):
        lasso(X, y)


@given(
    n=st.integers(2, 40),
    d=st.integers(1, 8),
    fraction=st.floats(0.01, 1.2),
    seed=st.integers(0, 2**32 - 1),
)
def test_lasso_satisfies_the_subgradient_condition(n, d, fraction, seed):
    f = mlemap.derive("linear_regression", prior="laplace").estimator()
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(n, d)), rng.normal(size=n)
    lam = fraction * float(np.abs(X.T @ y).max()) + 1e-3
    result = f(X, y, lam=lam, tol=1e-13, max_iter=100_000)
    correlation = X.T @ (y - X @ result["w"])
    active = result["w"] != 0
    slack = 1e-5 * (1 + lam)
    np.testing.assert_allclose(
        correlation[active], lam * np.sign(result["w"][active]), atol=slack, rtol=0
    )
    assert np.all(np.abs(correlation[~active]) <= lam + slack)
    if fraction >= 1.0:  # λ ≥ ‖Xᵀy‖∞: every coefficient is 0
        assert not active.any()


def test_lasso_wide_designs_use_the_residual_and_check_x(lasso):
    # d > n: coordinate descent on the residual, never forming the d × d Gram matrix
    X, y = _data(n=20, d=60, seed=9)
    result = lasso(X, y, lam=3.0, tol=1e-14, max_iter=100_000)
    reference = sklearn.Lasso(alpha=3.0 / 20, fit_intercept=False, tol=1e-14, max_iter=100_000)
    np.testing.assert_allclose(result["w"], reference.fit(X, y).coef_, atol=1e-6, rtol=0)
    assert 0 <= result["gap"] <= 1e-14 * (y @ y)
    X[3, 7] = np.nan
    with pytest.raises(mlemap.DataError, match="X contains NaN"):
        lasso(X, y, lam=3.0)
    X, y = _data(n=20, d=40, seed=10)
    with pytest.warns(mlemap.ConvergenceWarning, match="max_iter = 1"):
        assert lasso(X, y, lam=0.01, tol=1e-16, max_iter=1)["iterations"] == 1


def _problem(rows: int = 40, cols: int = 5, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, cols))
    return X, X @ rng.normal(size=cols) + rng.normal(size=rows)


@pytest.mark.parametrize("scale", [1e-150, 1e150, 1e154, 1e-300])
def test_the_lasso_scales_with_y_instead_of_overflowing(scale):
    X, y = _problem()
    lasso = mlemap.derive("linear_regression", prior="laplace").estimator()
    with warnings.catch_warnings():
        warnings.simplefilter("error", mlemap.ConvergenceWarning)
        base = lasso(X, y, lam=2.0, tol=1e-10)
        scaled = lasso(X, y * scale, lam=2.0 * scale, tol=1e-10)
    assert np.isfinite(scaled["gap"]) and scaled["iterations"] > 0
    np.testing.assert_allclose(scaled["w"] / scale, base["w"], rtol=1e-8, atol=1e-12)


def test_ols_variance_is_finite_where_float64_holds_it():
    X, y = _problem()
    ols = mlemap.derive("linear_regression").estimator()
    base = ols(X, y)["sigma2"]
    big = ols(X, y * 1e154)["sigma2"]  # ‖r‖² overflows, ‖r‖²/n does not
    assert math.isfinite(big) and big == pytest.approx(base * 1e308, rel=1e-10)
    with pytest.raises(mlemap.DataError, match="overflows"):
        ols(X, y * 1e160)


def test_an_exact_fit_has_no_variance_estimate():
    X, y = _problem(rows=5, cols=5)
    with pytest.raises(mlemap.DataError, match=r"n = d = 5: the fit is exact"):
        mlemap.derive("linear_regression").estimator()(X, y)


@pytest.mark.parametrize("prior", [None, "normal", "laplace"])
def test_masked_arrays_are_refused_as_the_scalar_estimators_refuse_them(prior):
    X, y = _problem()
    f = mlemap.derive("linear_regression", prior=prior).estimator()
    known = {} if prior is None else {"lam": 1.0}
    masked = np.ma.masked_array(y, mask=np.arange(y.size) == 0)
    with pytest.raises(mlemap.DataError, match="y is a masked array; masked entries would be used"):
        f(X, masked, **known)
    with pytest.raises(mlemap.DataError, match="X is a masked array"):
        f(np.ma.masked_array(X), y, **known)
    with pytest.raises(mlemap.DataError, match="x is a masked array; masked entries would be used"):
        mlemap.derive("normal").estimator()(masked)
