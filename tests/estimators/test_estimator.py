"""Numeric estimators: values against exact SymPy evaluation, scipy.optimize on scipy.stats
log-densities and scipy's closed-form fits; input checks; dtypes; Dask; the numeric method."""

from __future__ import annotations

import warnings
from fractions import Fraction
from functools import cache

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

import mlemap
from mlemap import (
    POSITIVE,
    REAL,
    DataError,
    DomainError,
    MlemapError,
    Model,
    Parameter,
    Support,
    UnknownNameError,
)
from mlemap.estimators.estimator import KEYWORD_SPELLINGS, keyword_spelling
from mlemap.estimators.numeric import Transform
from mlemap.estimators.validation import Interval

from conftest import derived

PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def derivation(model: str, prior: str | None = None, estimate: str | None = None):
    return derived(model, prior, estimate)  # cached, shared with the other test modules


@cache
def estimator(model: str, prior: str | None = None, estimate: str | None = None):
    return derivation(model, prior, estimate).estimator()


# -- the issue's examples ----------------------------------------------------------------------
def test_bernoulli_beta_example_from_the_issue():
    f = estimator("bernoulli", "beta")
    x = [1, 1, 1, 0, 1, 1, 1, 1]  # 7 heads in 8: (2 + 7 - 1) / (2 + 2 + 8 - 2)
    assert f(x, alpha=2, beta=2) == {"theta": pytest.approx(0.8, rel=1e-15)}
    assert f.method == "closed form"
    assert f.keywords == ("alpha", "beta")
    assert "def " in f.source and "numpy.sum(x, dtype=numpy.float64)" in f.source


def test_normal_returns_mu_and_sigma2_from_readable_source():
    g = estimator("normal")
    z = np.random.default_rng(1).normal(3.0, 2.0, size=500)
    result = g(z)
    assert list(result) == ["mu", "sigma2"]
    assert result["mu"] == pytest.approx(z.mean(), rel=1e-14)
    assert result["sigma2"] == pytest.approx(z.var(), rel=1e-13)
    assert g.source.count("numpy.sum(") == 2
    assert "for " not in g.source and "range" not in g.source


def test_lambda_is_spelled_lam_as_a_keyword_but_not_as_a_key():
    assert KEYWORD_SPELLINGS["lambda"] == "lam"
    assert keyword_spelling("lambda") == "lam"
    assert keyword_spelling("class") == "class_"
    assert keyword_spelling("alpha") == "alpha"
    assert estimator("poisson", "gamma")([1, 2, 3], alpha=2, beta=1) == {
        "lambda": pytest.approx((2 + 6 - 1) / (1 + 3))
    }
    precision = Model(
        "normal_precision",
        (Parameter("mu", REAL),),
        Support(-sp.oo, sp.oo, lower_open=True),
        lambda x, mu, lam: sp.sqrt(lam / (2 * sp.pi)) * sp.exp(-lam * (x - mu) ** 2 / 2),
        constants=(Parameter("lambda", POSITIVE, description="precision"),),
    )
    f = mlemap.derive(precision).estimator()
    assert f.keywords == ("lam",)
    assert f([1.0, 2.0, 6.0], lam=4.0) == {"mu": pytest.approx(3.0)}
    assert "lam" in f.source
    with pytest.raises(UnknownNameError, match=r"Python keyword; pass it as lam="):
        f([1.0, 2.0], **{"lambda": 4.0})


# -- exact values ------------------------------------------------------------------------------
CLOSED_FORMS = [
    ("bernoulli", None),
    ("binomial", None),
    ("geometric", None),
    ("poisson", None),
    ("exponential", None),
    ("normal", None),
    ("lognormal", None),
    ("gamma", None),
    ("rayleigh", None),
    ("pareto", None),
    ("weibull", None),
    ("bernoulli", "beta"),
    ("poisson", "gamma"),
    ("poisson", "inverse_gamma"),
    ("exponential", "gamma"),
    ("rayleigh", "gamma"),
]


def keywords(d, point) -> dict[str, float]:
    return {
        keyword_spelling(s.name): float(v)
        for s, v in point.values.items()
        if s not in d.problem.parameters
    }


@pytest.mark.parametrize(("model", "prior"), CLOSED_FORMS)
def test_values_equal_exact_sympy_evaluation(model, prior):
    d, f = derivation(model, prior), estimator(model, prior)
    rng = np.random.default_rng(7)
    for size in (2, 7):
        point = d.problem.random_point(rng, size)
        data = np.array([float(v) for v in point.data])
        try:
            got = f(data, **keywords(d, point))
        except DataError:  # e.g. a tiny sample whose estimate lies on the boundary
            continue
        for p in d.problem.parameters:
            want = complex(d.problem.evaluate(d.estimates[p], point).evalf(30))
            assert got[str(p)] == pytest.approx(want.real, rel=1e-11, abs=1e-12), (p, point)


def test_the_variance_has_no_catastrophic_cancellation():
    rng = np.random.default_rng(3)
    offsets = [Fraction(int(v), 1024) for v in rng.integers(-2048, 2048, size=2000)]
    data = [Fraction(10**6) + o for o in offsets]
    mean = sum(data) / len(data)
    exact = sum((v - mean) ** 2 for v in data) / len(data)  # about 1.3: unit-scale spread
    x = np.array([float(v) for v in data])
    got = estimator("normal")(x)["sigma2"]
    assert got == pytest.approx(float(exact), rel=1e-9)
    naive = np.sum(x**2) / x.size - (np.sum(x) / x.size) ** 2
    assert abs(naive - float(exact)) > 1e-6  # the textbook one-pass formula is visibly off


def test_quadratic_root_estimates_have_no_cancellation():
    d, f = derivation("rayleigh", "gamma"), estimator("rayleigh", "gamma")
    rng = np.random.default_rng(6)
    sixty_fourths = np.maximum(np.round(rng.rayleigh(1.0, 200_000) * 64), 1).astype(np.int64)
    x = sixty_fourths / 64  # exact binary fractions, so Σ x² is known exactly
    total = sp.Rational(int(np.sum(sixty_fourths**2)), 64**2)
    (sigma2,) = d.problem.parameters
    alpha, beta = list(d.problem.declarations)[1:]
    (statistic,) = d.estimates[sigma2].atoms(sp.Sum)
    formula = d.estimates[sigma2].xreplace({statistic: sp.Symbol("S")})
    formula = formula.xreplace({mlemap.catalog.symbols.n: x.size, alpha: 3, beta: 2})
    want = float(formula.xreplace({sp.Symbol("S"): total}).evalf(50))
    assert f(x, alpha=3, beta=2)["sigma2"] == pytest.approx(want, rel=1e-14)
    as_written = float(sp.lambdify(sp.Symbol("S"), formula, "math")(float(total)))
    assert abs(as_written / want - 1) > 1e-13  # cancellation costs the formula digits


# -- against scipy.optimize on scipy.stats log-densities ------------------------------------------
def _log_likelihoods():
    return {
        "bernoulli": (lambda x, t: stats.bernoulli.logpmf(x, t), {}),
        "binomial": (lambda x, t, m: stats.binom.logpmf(x, m, t), {"m": 5}),
        "geometric": (lambda x, p: stats.geom.logpmf(x, p), {}),
        "poisson": (lambda x, lam: stats.poisson.logpmf(x, lam), {}),
        "exponential": (lambda x, lam: stats.expon.logpdf(x, scale=1 / lam), {}),
        "normal": (lambda x, mu, s2: stats.norm.logpdf(x, mu, np.sqrt(s2)), {}),
        "lognormal": (
            lambda x, mu, s2: stats.lognorm.logpdf(x, np.sqrt(s2), scale=np.exp(mu)),
            {},
        ),
        "gamma": (lambda x, b, alpha: stats.gamma.logpdf(x, alpha, scale=1 / b), {"alpha": 2.5}),
        "rayleigh": (lambda x, s2: stats.rayleigh.logpdf(x, scale=np.sqrt(s2)), {}),
        "pareto": (lambda x, a, x_m: stats.pareto.logpdf(x, a, scale=x_m), {"x_m": 1.5}),
        "weibull": (lambda x, lam, k: stats.weibull_min.logpdf(x, k, scale=lam), {"k": 1.7}),
    }


def _sample(model: str, rng: np.random.Generator, size: int, known: dict) -> np.ndarray:
    return {
        "bernoulli": lambda: rng.binomial(1, 0.35, size),
        "binomial": lambda: rng.binomial(known.get("m", 5), 0.4, size),
        "geometric": lambda: rng.geometric(0.3, size),
        "poisson": lambda: rng.poisson(2.5, size),
        "exponential": lambda: rng.exponential(0.7, size),
        "normal": lambda: rng.normal(-1.0, 1.5, size),
        "lognormal": lambda: rng.lognormal(0.3, 0.8, size),
        "gamma": lambda: rng.gamma(known.get("alpha", 2.5), 1 / 1.3, size),
        "rayleigh": lambda: rng.rayleigh(1.2, size),
        "pareto": lambda: known.get("x_m", 1.5) * (1 + rng.pareto(2.2, size)),
        "weibull": lambda: 2.0 * rng.weibull(known.get("k", 1.7), size),
    }[model]()


LOG_PRIORS = {
    "beta": lambda t, alpha, beta: stats.beta.logpdf(t, alpha, beta),
    "gamma": lambda t, alpha, beta: stats.gamma.logpdf(t, alpha, scale=1 / beta),
    "inverse_gamma": lambda t, alpha, beta: stats.invgamma.logpdf(t, alpha, scale=beta),
}


def scipy_maximum(log_density, x, known, start, bounds, log_prior=None):
    """The maximiser of Σ log p(xᵢ | θ) (+ log prior) found by scipy.optimize alone."""

    def negative(theta):
        total = np.sum(log_density(x, *theta, *known.values()))
        if log_prior is not None:
            total += log_prior(*theta)
        return -total / x.size

    result = optimize.minimize(
        negative, start, bounds=bounds, method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-12}
    )
    polished = optimize.minimize(
        negative,
        result.x,
        method="Nelder-Mead",
        bounds=bounds,
        options={"xatol": 1e-10, "fatol": 1e-15, "maxiter": 4000},
    )
    return polished.x


def _near(value: float, domain: str) -> float:
    """A start for scipy away from our answer, inside the domain."""
    if domain == "unit interval":
        return min(value * 1.3, 0.9)
    return value * 1.3 + (0.1 if domain == "real" else 0.0)


BOUNDS = {"real": (None, None), "positive": (1e-9, None), "unit interval": (1e-9, 1 - 1e-9)}


@pytest.mark.parametrize("model", sorted(_log_likelihoods()))
def test_mle_is_the_maximum_scipy_optimize_finds(model):
    log_density, known = _log_likelihoods()[model]
    d, f = derivation(model), estimator(model)
    rng = np.random.default_rng(11)
    x = _sample(model, rng, 300, known)
    ours = f(x, **known)
    domains = [d.problem.domain(p) for p in d.problem.parameters]
    start = [_near(v, dom.name) for v, dom in zip(ours.values(), domains, strict=True)]
    reference = scipy_maximum(log_density, x, known, start, [BOUNDS[dom.name] for dom in domains])
    np.testing.assert_allclose(list(ours.values()), reference, rtol=2e-6)


@pytest.mark.parametrize(
    ("model", "prior", "hyper"),
    [
        ("bernoulli", "beta", {"alpha": 2.5, "beta": 1.5}),
        ("poisson", "gamma", {"alpha": 3.0, "beta": 0.5}),
        ("poisson", "inverse_gamma", {"alpha": 2.0, "beta": 3.0}),
        ("exponential", "gamma", {"alpha": 2.0, "beta": 1.5}),
        ("rayleigh", "gamma", {"alpha": 3.0, "beta": 2.0}),
    ],
)
def test_map_is_the_maximum_scipy_optimize_finds(model, prior, hyper):
    log_density, known = _log_likelihoods()[model]
    d, f = derivation(model, prior), estimator(model, prior)
    x = _sample(model, np.random.default_rng(5), 40, known)
    ours = f(x, **hyper, **known)
    (value,) = ours.values()
    domain = d.problem.domain(d.problem.parameters[0])
    reference = scipy_maximum(
        log_density,
        x,
        known,
        [_near(value, domain.name)],
        [BOUNDS[domain.name]],
        lambda t: LOG_PRIORS[prior](t, *hyper.values()),
    )
    assert value == pytest.approx(reference[0], rel=2e-6)


# -- against scipy's closed-form fits ----------------------------------------------------------
def test_same_numbers_as_scipy_closed_form_fits():
    rng = np.random.default_rng(2)
    z = rng.normal(4.0, 3.0, 1000)
    mu, sigma = stats.norm.fit(z)
    assert estimator("normal")(z) == {
        "mu": pytest.approx(mu, rel=1e-13),
        "sigma2": pytest.approx(sigma**2, rel=1e-12),
    }
    w = rng.exponential(2.0, 1000)
    _, scale = stats.expon.fit(w, floc=0)
    assert estimator("exponential")(w)["lambda"] == pytest.approx(1 / scale, rel=1e-13)
    y = rng.lognormal(0.5, 0.7, 1000)
    s, _, scale = stats.lognorm.fit(y, floc=0)
    assert estimator("lognormal")(y) == {
        "mu": pytest.approx(np.log(scale), rel=1e-12),
        "sigma2": pytest.approx(s**2, rel=1e-12),
    }
    r = rng.rayleigh(1.7, 1000)
    _, scale = stats.rayleigh.fit(r, floc=0)
    assert estimator("rayleigh")(r)["sigma2"] == pytest.approx(scale**2, rel=1e-12)
    p = 1.5 * (1 + rng.pareto(2.5, 1000))
    b, _, _ = stats.pareto.fit(p, floc=0, fscale=1.5)
    assert estimator("pareto")(p, x_m=1.5)["alpha"] == pytest.approx(b, rel=1e-12)


# -- properties over random data and hyperparameters ----------------------------------------------
@PROPERTY
@given(
    st.lists(st.integers(0, 1), min_size=1, max_size=40),
    st.fractions(Fraction(1, 2), 20, max_denominator=16),
    st.fractions(Fraction(1, 2), 20, max_denominator=16),
)
def test_property_bernoulli_beta_matches_exact_sympy(flips, alpha, beta):
    d = derivation("bernoulli", "beta")
    (theta,) = d.problem.parameters
    hyper = [s for s in d.problem.declarations if s.name in ("alpha", "beta")]
    values = dict(zip(hyper, (sp.Rational(alpha), sp.Rational(beta)), strict=True))
    expr = d.estimates[theta].xreplace({mlemap.catalog.symbols.n: len(flips)}).doit()
    want = expr.xreplace({d.model.x[k + 1]: v for k, v in enumerate(flips)}).xreplace(values)
    f = estimator("bernoulli", "beta")
    if not (want.is_finite and 0 <= want <= 1):  # no maximum inside (0, 1): refused
        with pytest.raises(DataError, match="theta"):
            f(flips, alpha=float(alpha), beta=float(beta))
        return
    assert f(flips, alpha=float(alpha), beta=float(beta)) == {
        "theta": pytest.approx(float(want), rel=1e-13)
    }


#: Values whose squares do not underflow: σ̂² of [0, 1e-261] is 0.0 in float64.
NOT_TINY = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False).filter(
    lambda v: v == 0 or abs(v) > 1e-100
)


@PROPERTY
@given(st.lists(NOT_TINY, min_size=1, max_size=50), st.floats(-1e6, 1e6))
def test_property_normal_is_exact_and_shift_equivariant(values, shift):
    if len(set(values)) < 2:  # all equal: σ̂² = 0, no maximum (refused, tested below)
        with pytest.raises(DataError, match="on the boundary"):
            estimator("normal")(np.array(values))
        return
    x = np.array(values)
    exact_data = [Fraction(v) for v in values]
    mean = sum(exact_data) / len(exact_data)
    variance = sum((v - mean) ** 2 for v in exact_data) / len(exact_data)
    got = estimator("normal")(x)
    assert got["mu"] == pytest.approx(float(mean), rel=1e-12, abs=1e-9)
    assert got["sigma2"] == pytest.approx(float(variance), rel=1e-9, abs=1e-9)
    if len(set((x + shift).tolist())) < 2:  # the shift rounded every value to one float
        return
    shifted = estimator("normal")(x + shift)
    assert shifted["sigma2"] == pytest.approx(got["sigma2"], rel=1e-6, abs=1e-6 * (1 + abs(shift)))


@PROPERTY
@given(
    st.lists(st.integers(1, 255), min_size=1, max_size=60),
    st.sampled_from([np.uint8, np.int16, np.int64, np.uint64, np.float32, np.float64]),
)
def test_property_every_real_dtype_gives_the_float64_answer(counts, dtype):
    x = np.array(counts, dtype=dtype)
    reference = np.array(counts, dtype=np.float64)
    models = ("poisson", "rayleigh", "normal") if len(set(counts)) > 1 else ("poisson", "rayleigh")
    for model in models:
        assert estimator(model)(x) == pytest.approx(estimator(model)(reference), rel=1e-13)


def test_uint8_data_do_not_wrap_around():
    x = np.full(1000, 200, dtype=np.uint8)
    x[::2] = 100
    assert estimator("poisson")(x) == {"lambda": 150.0}  # Σ = 150000, far beyond 255
    sigma2 = estimator("rayleigh")(x)["sigma2"]
    assert sigma2 == pytest.approx((100**2 + 200**2) / 4)  # x² of 200 wraps in uint8
    assert estimator("normal")(x) == {"mu": 150.0, "sigma2": 2500.0}
    assert estimator("bernoulli")(np.array([True, False, True, True])) == {"theta": 0.75}


# -- degenerate data -------------------------------------------------------------------------
def test_degenerate_data_with_a_finite_answer_are_answered():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning leaks out either
        assert estimator("bernoulli")([1, 1, 1]) == {"theta": 1.0}
        assert estimator("bernoulli", "beta")([1, 1, 1], alpha=1, beta=1) == {"theta": 1.0}
        assert estimator("poisson")([0, 0]) == {"lambda": 0.0}
        assert estimator("geometric")([1, 1]) == {"p": 1.0}
        with pytest.raises(DataError, match=r"MLE of lambda is inf .* no maximum"):
            estimator("exponential")([0.0, 0.0])


def test_estimates_outside_the_domain_are_refused():
    with pytest.raises(DataError, match=r"MAP estimate of theta is 1\.4.* outside \(0, 1\)"):
        estimator("bernoulli", "beta")([1, 1, 1], alpha=0.3, beta=0.3)
    with pytest.raises(DataError, match=r"not a maximum .* alpha \+ beta \+ n - 2 > 0"):
        estimator("bernoulli", "beta")([0], alpha=0.3, beta=0.3)


# -- input checks: every message ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("model", "x", "message"),
    [
        ("bernoulli", [], r"x is empty; an estimate needs at least one observation"),
        (
            "bernoulli",
            [0, 1, 2],
            r"x\[2\] = 2 is outside the support; .*'bernoulli' lie in \{0, 1\}",
        ),
        ("exponential", [0.5, -1.0], r"x\[1\] = -1.0 is outside the support; .* lie in \[0, ∞\)"),
        ("poisson", [0, 1, 2.5], r"x\[2\] = 2.5 is not an integer; .* lie in \{0, 1, …\}"),
        ("normal", [1.0, np.nan], r"x\[1\] = nan is NaN \(a missing value\?\)"),
        ("exponential", [1.0, np.inf], r"x\[1\] = inf is infinite"),
        ("normal", [1.0, -np.inf, 2.0], r"x\[1\] = -inf is infinite"),
        ("bernoulli", [0.0, np.nan], r"x\[1\] = nan is NaN"),
        ("normal", [[1.0, 2.0], [3.0, 4.0]], r"one-dimensional, .* got shape \(2, 2\)"),
        ("normal", [[1.0], [2.0]], r"got shape \(2, 1\); flatten it with x.ravel\(\)"),
        ("normal", 3.0, r"one-dimensional, .* got shape \(\)"),
        ("normal", [1.0, None], r"real numbers .* got dtype object \(does the list hold None"),
        ("normal", ["a", "b"], r"real numbers .* got dtype <U1"),
        ("normal", np.array([1 + 2j]), r"real numbers .* got dtype complex128"),
        ("normal", "1 2 3", r"sequence of real numbers, not a str"),
        ("normal", [[1.0], [2.0, 3.0]], r"NumPy can read as a one-dimensional array"),
        ("normal", np.ma.array([1.0, 2.0], mask=[0, 1]), r"masked array; .* x.compressed\(\)"),
    ],
)
def test_bad_data_are_refused_with_a_clear_message(model, x, message):
    with pytest.raises(DataError, match=message):
        estimator(model)(x)


def test_support_bounds_use_the_known_constants():
    with pytest.raises(DataError, match=r"x\[2\] = 5 .* lie in \{0, 1, …, m\} with m = 4"):
        estimator("binomial")([1, 2, 5], m=4)
    with pytest.raises(DataError, match=r"x\[0\] = 1.0 .* lie in \[x_m, ∞\) with x_m = 1.5"):
        estimator("pareto")([1.0, 2.0], x_m=1.5)
    assert estimator("binomial")([0, 4, 2], m=4) == {"theta": 0.5}


@pytest.mark.parametrize(
    ("values", "error", "message"),
    [
        (
            {"alpha": 0, "beta": 2},
            DomainError,
            r"alpha must be in \(0, ∞\) \(hyperparameter of the Beta prior on theta\); got 0",
        ),
        ({"alpha": -1.5, "beta": 2}, DomainError, r"alpha must be in \(0, ∞\)"),
        ({"alpha": np.inf, "beta": 2}, DomainError, r"alpha must be in \(0, ∞\) .* got inf"),
        (
            {"alpha": 2, "beta": "2"},
            DomainError,
            r"beta must be a real number .* got '2' of type str",
        ),
        ({"alpha": 2, "beta": True}, DomainError, r"beta must be a real number .* of type bool"),
        (
            {"alpha": 2},
            MlemapError,
            r"missing keyword argument for the MAP estimator of bernoulli: beta \(hyperparameter",
        ),
        ({}, MlemapError, r"missing keyword arguments .*: alpha .*; beta"),
        (
            {"alpha": 2, "beta": 2, "gamma": 1},
            UnknownNameError,
            r"unknown keyword 'gamma' .* known keywords: alpha, beta",
        ),
        ({"alpah": 2, "beta": 2}, UnknownNameError, r"did you mean 'alpha'\?"),
    ],
)
def test_bad_keywords_are_refused_with_a_clear_message(values, error, message):
    with pytest.raises(error, match=message):
        estimator("bernoulli", "beta")([0, 1], **values)


def test_known_constants_are_checked_against_their_domain():
    with pytest.raises(DomainError, match=r"m must be in positive integers .* got 4.5"):
        estimator("binomial")([1, 2], m=4.5)
    with pytest.raises(
        DomainError, match=r"k must be in \(0, ∞\) \(known constant of model 'weibull'"
    ):
        estimator("weibull")([1.0, 2.0], k=0)
    assert estimator("binomial")([1, 2], m=np.int64(4)) == {"theta": 0.375}
    assert estimator("binomial")([1, 2], m=np.array(4.0)) == {"theta": 0.375}


def test_unchecked_skips_only_the_per_observation_checks():
    f = estimator("bernoulli")
    assert f.unchecked(np.array([0.0, 1.0, 1.0, 1.0])) == f([0, 1, 1, 1])
    assert f.unchecked([0, 2]) == {"theta": 1.0}  # no support check: garbage in, garbage out
    with pytest.raises(DataError, match="empty"):
        f.unchecked([])
    with pytest.raises(DataError, match="inf"):
        estimator("exponential").unchecked([0.0])  # the estimate is still checked


def test_lists_tuples_and_arrays_agree():
    f = estimator("poisson")
    want = {"lambda": 2.0}
    assert f([1, 2, 3]) == f((1, 2, 3)) == f(np.array([1.0, 2.0, 3.0])) == want
    assert f(np.array([1, 2, 3], dtype=np.float16)) == want
    assert f(np.arange(1, 4)[::-1]) == want  # a strided view


# -- Dask and other NumPy-protocol arrays --------------------------------------------------------
def test_dask_arrays_give_a_lazy_result():
    da = pytest.importorskip("dask.array")
    z = np.random.default_rng(9).normal(5.0, 2.0, 10_000)
    lazy = da.from_array(z, chunks=1000)
    result = estimator("normal")(lazy)
    assert all(isinstance(v, da.Array) for v in result.values())  # nothing computed yet
    computed = {k: float(v.compute()) for k, v in result.items()}
    assert computed == pytest.approx(estimator("normal")(z), rel=1e-13)
    small = da.from_array(np.array([0, 1, 1, 1], dtype=np.uint8), chunks=2)
    assert float(estimator("bernoulli")(small)["theta"].compute()) == 0.75
    with pytest.raises(DataError, match="one-dimensional"):
        estimator("normal")(da.ones((3, 3), chunks=3))
    with pytest.raises(DataError, match="empty"):
        estimator("normal")(da.ones((0,), chunks=1))


# -- the numeric method --------------------------------------------------------------------------
def test_no_closed_form_is_maximised_numerically():
    f = estimator("weibull", "gamma")
    assert f.method == "numeric"
    assert "statistics, computed once" in f.source and "numpy.sum(x**k" in f.source
    x = 2.0 * np.random.default_rng(4).weibull(1.7, 60)
    hyper = {"alpha": 3.0, "beta": 0.5}
    ours = f(x, k=1.7, **hyper)["lambda"]
    reference = scipy_maximum(
        lambda data, lam, k: stats.weibull_min.logpdf(data, k, scale=lam),
        x,
        {"k": 1.7},
        [1.0],
        [(1e-6, None)],
        lambda lam: stats.gamma.logpdf(lam, 3.0, scale=1 / 0.5),
    )
    assert ours == pytest.approx(reference[0], rel=2e-6)
    d = derivation("weibull", "gamma")
    (score,) = [e.score for e in d.solution.equations]
    point = {
        s: sp.Float(v, 30)
        for s, v in zip(d.problem.declarations, (ours, 1.7, 3.0, 0.5), strict=True)
    }
    exact = score.xreplace({mlemap.catalog.symbols.n: x.size}).doit()
    exact = exact.xreplace({d.model.x[k + 1]: sp.Float(v, 30) for k, v in enumerate(x)})
    assert abs(float(exact.xreplace(point))) < 1e-6 * x.size  # the exact score vanishes there


def test_numeric_method_in_two_parameters_matches_scipy():
    gamma2 = Model(
        "gamma_shape_rate",
        (Parameter("a", POSITIVE), Parameter("b", POSITIVE)),
        Support(0, sp.oo, lower_open=True),
        lambda x, a, b: b**a * x ** (a - 1) * sp.exp(-b * x) / sp.gamma(a),
    )
    f = mlemap.derive(gamma2).estimator()
    assert f.method == "numeric"
    x = np.random.default_rng(8).gamma(2.5, 1 / 1.5, 2000)
    ours = f(x)
    a, _, scale = stats.gamma.fit(x, floc=0)
    assert ours == {"a": pytest.approx(a, rel=1e-6), "b": pytest.approx(1 / scale, rel=1e-6)}
    reference = scipy_maximum(
        lambda data, a, b: stats.gamma.logpdf(data, a, scale=1 / b),
        x,
        {},
        [1.0, 1.0],
        [(1e-6, None), (1e-6, None)],
    )
    np.testing.assert_allclose([ours["a"], ours["b"]], reference, rtol=2e-6)
    with pytest.raises(DataError, match="x is empty"):
        f([])
    da = pytest.importorskip("dask.array")
    assert f(da.from_array(x, chunks=500)) == ours  # the numeric method computes lazy input


@pytest.mark.parametrize(
    ("domain", "theta"),
    [
        (Interval(0.0, np.inf, True, True), 2.5),
        (Interval(0.0, 1.0, True, True), 0.3),
        (Interval(-np.inf, np.inf, True, True), -4.0),
        (Interval(-np.inf, 2.0, True, True), -1.0),
    ],
)
def test_transforms_round_trip_with_correct_derivatives(domain, theta):
    transform = Transform.of(domain)
    u = transform.inverse(theta)
    value, first, second = transform.forward(u)
    assert value == pytest.approx(theta, rel=1e-14)
    h = 1e-5
    assert first == pytest.approx(
        (transform.forward(u + h)[0] - transform.forward(u - h)[0]) / (2 * h), rel=1e-6
    )
    assert second == pytest.approx(
        (transform.forward(u + h)[1] - transform.forward(u - h)[1]) / (2 * h), rel=1e-6, abs=1e-9
    )


def test_a_continuous_model_refuses_a_boundary_estimate_a_discrete_one_keeps_it():
    normal = estimator("normal")
    for constant in ([1.0], [2.5, 2.5, 2.5]):
        with pytest.raises(DataError, match=r"on the boundary of \(0, ∞\).*no maximum"):
            normal(constant)
    assert estimator("poisson")([0, 0, 0]) == {"lambda": 0.0}
    assert estimator("bernoulli")([1, 1, 1]) == {"theta": 1.0}


@settings(max_examples=60, deadline=None)
@given(
    model=st.sampled_from(["normal", "lognormal"]),
    value=st.floats(1e-300, 1e300),
    size=st.integers(1, 50),
    sign=st.sampled_from([1.0, -1.0]),
)
def test_all_equal_observations_are_refused_exactly_not_by_a_threshold(model, value, size, sign):
    value = sign * value if model == "normal" else value
    with pytest.raises(DataError, match=r"all \d+ observations are equal.*of sigma2 is 0 exactly"):
        derived(model).estimator()([value] * size)


@pytest.mark.parametrize("data", [[0.1, 0.1, 0.1], [1e8 + 0.1] * 7, [2.0**-1074] * 2])
def test_rounding_cannot_pass_for_a_variance(data):
    with pytest.raises(DataError, match="observations are equal"):
        derived("normal").estimator()(data)


def test_nearly_equal_observations_still_estimate():
    x = np.array([0.1, 0.1, np.nextafter(0.1, 1)])
    assert derived("normal").estimator()(x)["sigma2"] == pytest.approx(np.var(x), rel=1e-6)
    assert derived("exponential").estimator()([0.5] * 4) == {"lambda": 2.0}
