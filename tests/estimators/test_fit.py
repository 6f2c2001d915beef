"""d.fit(x): standard errors and intervals against statsmodels, profile intervals against
their definition, and the fit's statistics against scipy."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.base.model import GenericLikelihoodModel

import mlemap

RNG = np.random.default_rng(11)

# model, data, per-observation log-density for statsmodels (params in catalog order)
CASES = {
    "poisson": (RNG.poisson(2.7, 60), lambda p, x: stats.poisson.logpmf(x, p[0])),
    "exponential": (
        RNG.exponential(1 / 1.3, 45),
        lambda p, x: stats.expon.logpdf(x, scale=1 / p[0]),
    ),
    "bernoulli": (RNG.binomial(1, 0.35, 80), lambda p, x: stats.bernoulli.logpmf(x, p[0])),
    "normal": (
        RNG.normal(1.5, 2.0, 50),
        lambda p, x: stats.norm.logpdf(x, p[0], np.sqrt(p[1])),
    ),
    "binomial": (RNG.binomial(6, 0.4, 50), lambda p, x: stats.binom.logpmf(x, 6, p[0])),
    "geometric": (RNG.geometric(0.3, 60), lambda p, x: stats.geom.logpmf(x, p[0])),
    "lognormal": (
        RNG.lognormal(0.3, 0.8, 50),
        lambda p, x: stats.lognorm.logpdf(x, np.sqrt(p[1]), scale=np.exp(p[0])),
    ),
    "gamma": (RNG.gamma(2.5, 1 / 1.8, 40), lambda p, x: stats.gamma.logpdf(x, 2.5, scale=1 / p[0])),
    "rayleigh": (
        RNG.rayleigh(np.sqrt(0.7), 50),
        lambda p, x: stats.rayleigh.logpdf(x, scale=np.sqrt(p[0])),
    ),
    "pareto": (
        1.5 * (1 + RNG.pareto(2.5, 50)),
        lambda p, x: stats.pareto.logpdf(x, p[0], scale=1.5),
    ),
    "weibull": (
        2.0 * RNG.weibull(1.7, 50),
        lambda p, x: stats.weibull_min.logpdf(x, 1.7, scale=p[0]),
    ),
    "half_normal": (
        np.abs(RNG.normal(0, np.sqrt(1.2), 50)),
        lambda p, x: stats.halfnorm.logpdf(x, scale=np.sqrt(p[0])),
    ),
    "negative_binomial": (
        RNG.negative_binomial(3, 0.6, 50),
        lambda p, x: stats.nbinom.logpmf(x, 3, p[0]),
    ),
    "cauchy": (0.5 + RNG.standard_cauchy(60), lambda p, x: stats.cauchy.logpdf(x, p[0])),
    "logistic": (RNG.logistic(0.3, 1.0, 60), lambda p, x: stats.logistic.logpdf(x, p[0])),
    "inverse_gaussian": (
        RNG.wald(1.5, 2.0, 60),
        lambda p, x: stats.invgauss.logpdf(x, p[0] / p[1], scale=p[1]),
    ),
    "beta": (RNG.beta(2.0, 5.0, 60), lambda p, x: stats.beta.logpdf(x, p[0], p[1])),
    "gamma2": (
        RNG.gamma(2.5, 1 / 1.8, 60),
        lambda p, x: stats.gamma.logpdf(x, p[0], scale=1 / p[1]),
    ),
    "weibull2": (
        2.0 * RNG.weibull(1.7, 60),
        lambda p, x: stats.weibull_min.logpdf(x, p[0], scale=p[1]),
    ),
}
#: The known constants each case was drawn with.
KNOWN = {"binomial": {"m": 6}, "gamma": {"alpha": 2.5}, "pareto": {"x_m": 1.5}}
KNOWN |= {"weibull": {"k": 1.7}, "negative_binomial": {"r": 3}}


def test_every_catalog_model_is_compared_with_statsmodels():
    # the uniform's support moves with θ and the Laplace has a kink at every observation: no
    # Hessian at the estimate, so no standard errors to compare (fit() says so); the
    # categorical's and the multinomial's covariances are on their simplex, compared with
    # scipy's multinomial below
    simplex = {"categorical", "multinomial"}
    assert set(CASES) | {"uniform", "laplace", *simplex} == set(mlemap.models())


class _Model(GenericLikelihoodModel):
    def __init__(self, endog, density, **kwargs):
        self.density = density
        super().__init__(endog, np.ones((len(endog), 1)), **kwargs)

    def loglike(self, params):
        return float(np.sum(self.density(params, self.endog)))


@pytest.mark.parametrize("name", sorted(CASES))
def test_se_and_wald_intervals_equal_statsmodels(name):
    data, density = CASES[name]
    result = mlemap.derive(name).fit(data, **KNOWN.get(name, {}))
    start = np.array(list(result.params.values()))
    names = list(result.params)
    optimised = _Model(data, density).fit(
        start_params=start * 1.02, method="nm", maxiter=5000, xtol=1e-10, ftol=1e-13, disp=False
    )
    assert np.allclose(optimised.params, start, rtol=1e-5)  # the same maximum
    reference = _Model(data, density).fit(start_params=start, method="nm", maxiter=0, disp=False)
    assert np.allclose(list(result.se.values()), reference.bse, rtol=1e-6)
    assert result.loglik == pytest.approx(reference.llf, rel=1e-12)
    wald = result.conf_int(0.95)
    assert np.allclose([wald[k] for k in names], reference.conf_int(0.05), rtol=1e-6)
    assert result.nobs == len(data)
    k = len(names)
    assert result.aic == pytest.approx(2 * k - 2 * reference.llf)
    assert result.bic == pytest.approx(k * np.log(len(data)) - 2 * reference.llf)


def test_poisson_se_equals_glm():
    data = CASES["poisson"][0]
    glm = sm.GLM(data, np.ones(len(data)), family=sm.families.Poisson(sm.families.links.Identity()))
    reference = glm.fit()
    result = mlemap.derive("poisson").fit(data)
    assert result.params["lambda"] == pytest.approx(reference.params[0], rel=1e-9)
    assert result.se["lambda"] == pytest.approx(reference.bse[0], rel=1e-6)


def test_normal_mean_se_is_ols_with_the_n_minus_d_correction():
    """OLS on a constant divides the residual sum of squares by n − 1, the MLE by n."""
    data = CASES["normal"][0]
    reference = sm.OLS(data, np.ones(len(data))).fit()
    result = mlemap.derive("normal").fit(data)
    size = len(data)
    assert result.se["mu"] * np.sqrt(size / (size - 1)) == pytest.approx(reference.bse[0], rel=1e-9)


@pytest.mark.parametrize("name", ["poisson", "exponential", "normal"])
def test_profile_interval_ends_drop_the_profile_likelihood_by_the_chi2_quantile(name):
    data, _ = CASES[name]
    result = mlemap.derive(name).fit(data)
    critical = stats.chi2.ppf(0.9, 1)
    for j, (lower, upper) in enumerate(result.conf_int(0.9, method="profile").values()):
        estimate = result.theta[j]
        assert lower < estimate < upper
        for end in (lower, upper):
            drop = 2 * (result.loglik - result._profile(j, end))
            assert drop == pytest.approx(critical, rel=1e-6)


def test_exponential_profile_interval_against_a_grid():
    """One parameter: the profile is ℓ itself; check the ends on a fine grid."""
    data = CASES["exponential"][0]
    result = mlemap.derive("exponential").fit(data)
    lower, upper = result.conf_int(0.95, method="profile")["lambda"]
    grid = np.linspace(0.5, 3.0, 200_001)
    loglik = len(data) * np.log(grid) - grid * data.sum()
    inside = grid[2 * (loglik.max() - loglik) <= stats.chi2.ppf(0.95, 1)]
    assert lower == pytest.approx(inside[0], abs=2e-5)
    assert upper == pytest.approx(inside[-1], abs=2e-5)


@settings(max_examples=15, deadline=None)
@given(rate=st.floats(0.2, 20.0), size=st.integers(5, 200), seed=st.integers(0, 2**32 - 1))
def test_poisson_se_is_sqrt_lambda_over_n(rate, size, seed):
    data = np.random.default_rng(seed).poisson(rate, size)
    if data.sum() == 0:
        return
    result = mlemap.derive("poisson").fit(data)
    assert result.se["lambda"] == pytest.approx(np.sqrt(data.mean() / size), rel=1e-10)
    expected = mlemap.derive("poisson").fit(data, information="expected")
    assert expected.se["lambda"] == pytest.approx(result.se["lambda"], rel=1e-10)


def test_expected_information_at_the_mle():
    """Normal: at the MLE the observed information equals n I(θ̂), and SE(σ̂²) = √(2σ̂⁴/n)."""
    data = CASES["normal"][0]
    observed = mlemap.derive("normal").fit(data)
    expected = mlemap.derive("normal").fit(data, information="expected")
    assert np.allclose(observed.cov, expected.cov, rtol=1e-9)
    sigma2 = data.var()
    assert expected.se["sigma2"] == pytest.approx(np.sqrt(2 * sigma2**2 / len(data)))


def test_summary_in_every_format():
    result = mlemap.derive("normal").fit(CASES["normal"][0])
    text = result.summary()
    assert "sigma2" in text and f"{result.se['mu']:.6g}" in text
    assert result.summary("markdown").count("|") > 10
    assert r"\begin{tabular}" in result.summary("latex")
    assert result._repr_html_().startswith("<table>")
    with pytest.raises(mlemap.MlemapError, match="fmt must be"):
        result.summary("pdf")


def test_bad_input_is_an_mlemap_error():
    d = mlemap.derive("poisson")
    with pytest.raises(mlemap.DataError):
        d.fit([1.5, 2])
    with pytest.raises(mlemap.MlemapError, match="method must be"):
        d.fit([1, 2]).conf_int(method="bootstrap")
    with pytest.raises(mlemap.MlemapError, match="level must be"):
        d.fit([1, 2]).conf_int(1.5)
    with pytest.raises(mlemap.MlemapError, match="alpha"):  # a MAP fit needs the prior's
        mlemap.derive("poisson", prior="gamma").fit([1, 2])


def test_ols_se_and_intervals_equal_statsmodels():
    rng = np.random.default_rng(21)
    X = np.column_stack([np.ones(40), rng.normal(size=(40, 2))])
    y = X @ np.array([1.0, -2.0, 0.5]) + rng.normal(0, 1.5, 40)
    reference = sm.OLS(y, X).fit()
    result = mlemap.derive("linear_regression").fit(X, y)
    assert np.allclose(result.w, reference.params, rtol=1e-10)
    assert np.allclose(result.se, reference.bse, rtol=1e-9)
    assert np.allclose(result.conf_int(0.95), reference.conf_int(0.05), rtol=1e-9)
    assert result.df_resid == 37 and result.nobs == 40
    rss = float(reference.resid @ reference.resid)
    assert result.params["sigma2"] == pytest.approx(rss / 40)  # the MLE, divided by n


def _table_rows(text: str) -> dict[str, list[float]]:
    """The rows of a text summary, by their first cell."""
    rows = [line.split() for line in text.splitlines() if line.lstrip().startswith("w[")]
    return {cells[0]: [float(c) for c in cells[1:]] for cells in rows}


def test_the_ols_summary_shows_statsmodels_numbers_in_every_format():
    rng = np.random.default_rng(23)
    X = np.column_stack([np.ones(25), rng.normal(size=(25, 2))])
    y = X @ np.array([0.5, 1.0, -3.0]) + rng.normal(0, 2.0, 25)
    reference = sm.OLS(y, X).fit()
    result = mlemap.derive("linear_regression").fit(X, y)
    text = result.summary(level=0.9)
    assert "residual degrees of freedom: 22" in text and "90% lower" in text
    rows = _table_rows(text)
    assert list(rows) == ["w[0]", "w[1]", "w[2]"]
    expected = np.column_stack([reference.params, reference.bse, reference.conf_int(0.1)])
    assert np.allclose([rows[f"w[{j}]"] for j in range(3)], expected, rtol=1e-5)
    assert f"{reference.ssr / 25:.6g}" in text  # the MLE σ̂² = RSS/n
    assert result.summary("markdown").count("| w[") == 3
    assert "w[2] & " in result.summary("latex") and r"95\% upper" in result.summary("latex")
    assert result._repr_html_().startswith("<table><caption>OLS")
    assert repr(result).startswith(f"<RegressionFit OLS: w = [{reference.params[0]:.6g} (SE ")
    with pytest.raises(mlemap.MlemapError, match="level must be"):
        result.summary(level=95)
    with pytest.raises(mlemap.MlemapError, match="fmt must be"):
        result.summary("pdf")


def test_the_ridge_summary_shows_the_posterior_sd_and_lambda():
    rng = np.random.default_rng(24)
    X = rng.normal(size=(15, 2))
    y = X @ np.array([1.0, -1.0]) + rng.normal(0, 0.5, 15)
    sigma2, tau2 = 0.25, 0.5
    result = mlemap.derive("linear_regression", prior="normal").fit(X, y, sigma2=sigma2, tau2=tau2)
    text = result.summary()
    assert "λ = sigma2/tau2: 0.5" in text and "posterior sd" in text
    cov = np.linalg.inv(X.T @ X / sigma2 + np.eye(2) / tau2)
    rows = _table_rows(text)
    assert np.allclose([rows["w[0]"][1], rows["w[1]"][1]], np.sqrt(np.diag(cov)), rtol=1e-5)
    assert np.allclose(
        [rows["w[1]"][2], rows["w[1]"][3]],
        stats.norm(cov @ X.T @ y / sigma2, np.sqrt(np.diag(cov))).ppf([[0.025], [0.975]])[:, 1],
        rtol=1e-5,
    )
    assert repr(result).startswith("<RegressionFit ridge posterior: w = [") and "(sd " in repr(
        result
    )


def test_ridge_posterior_covariance_is_the_bayesian_precision_inverted():
    rng = np.random.default_rng(22)
    X = rng.normal(size=(30, 3))
    y = X @ np.array([0.5, 1.0, -1.0]) + rng.normal(0, 0.7, 30)
    sigma2, tau2 = 0.49, 2.0
    result = mlemap.derive("linear_regression", prior="normal").fit(X, y, sigma2=sigma2, tau2=tau2)
    precision = X.T @ X / sigma2 + np.eye(3) / tau2
    cov = np.linalg.inv(precision)
    assert np.allclose(result.cov, cov, rtol=1e-10)
    assert np.allclose(result.w, cov @ X.T @ y / sigma2, rtol=1e-10)
    interval = result.conf_int(0.9)
    assert np.allclose(interval[:, 1] - result.w, stats.norm.ppf(0.95) * np.sqrt(np.diag(cov)))
    with pytest.raises(mlemap.MlemapError, match="needs sigma2"):
        mlemap.derive("linear_regression", prior="normal").fit(X, y, lam=0.5)


def test_a_categorical_fit_has_the_multinomial_covariance_on_the_simplex():
    rng = np.random.default_rng(11)
    x = 1 + rng.choice(3, 80, p=[0.2, 0.3, 0.5])
    r = mlemap.derive("categorical").fit(x)
    theta = np.bincount(x, minlength=4)[1:] / x.size
    # the counts are multinomial: Cov(n̂ⱼ/n) = (diag θ − θθᵀ)/n, scipy's cov divided by n²
    expected = stats.multinomial(x.size, theta).cov() / x.size**2
    np.testing.assert_allclose(r.cov, expected, rtol=1e-10, atol=1e-15)
    assert r.se["theta1"] == pytest.approx(np.sqrt(theta[0] * (1 - theta[0]) / x.size))
    assert r.aic == pytest.approx(2 * 2 - 2 * r.loglik)  # two free parameters, not three
    with pytest.raises(mlemap.MlemapError, match="wald"):
        r.conf_int(method="profile")


def test_a_multinomial_fit_has_the_covariance_of_all_its_trials():
    rng = np.random.default_rng(12)
    m, x = 7, rng.multinomial(7, [0.2, 0.3, 0.5], size=40)
    r = mlemap.derive("multinomial").fit(x, m=m)
    trials = 40 * m
    theta = x.sum(axis=0) / trials
    assert list(r.params.values()) == pytest.approx(theta, rel=1e-12)
    # the totals are multinomial with n m trials: Cov(θ̂) = (diag θ − θθᵀ)/(n m)
    expected = stats.multinomial(trials, theta).cov() / trials**2
    np.testing.assert_allclose(r.cov, expected, rtol=1e-10, atol=1e-15)
    assert r.se["theta2"] == pytest.approx(np.sqrt(theta[1] * (1 - theta[1]) / trials))
    assert r.loglik == pytest.approx(np.sum(stats.multinomial.logpmf(x, m, theta)), rel=1e-12)
    assert r.nobs == 40 and r.dof == 2
    assert r.aic == pytest.approx(2 * 2 - 2 * r.loglik)
