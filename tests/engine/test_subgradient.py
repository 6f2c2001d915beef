"""A kink at every observation: the Laplace location by the subgradient condition.

The catalog's ``laplace`` and a user's model with the same kink are derived, rendered,
estimated, and compared with scipy: ``scipy.stats.laplace.fit`` and an independent
``scipy.optimize`` maximisation of scipy's log-density, under hypothesis.
"""

from __future__ import annotations

import functools
import time

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

import mlemap
from mlemap import REAL, Model, Parameter, Support
from mlemap.catalog.symbols import i, n
from mlemap.engine.order import AtMost, Below, MedianOf, SampleMedian

MU = Parameter("mu", REAL, r"\mu")
UNIT_LAPLACE = Model(
    "unit_laplace",
    (MU,),
    Support(-sp.oo, sp.oo, lower_open=True),
    lambda x, mu: sp.exp(-sp.Abs(x - mu)) / 2,
    description="Laplace location with unit scale, as a user writes it",
)
KINDS = ["model", "likelihood", "log-likelihood", "kink", "subgradient", "median"]


@functools.cache
def _derived(name):
    started = time.perf_counter()
    d = mlemap.derive(UNIT_LAPLACE if name == "user" else name)
    return d, time.perf_counter() - started


def test_the_laplace_estimates_are_the_median_and_the_mean_absolute_deviation():
    d, seconds = _derived("laplace")
    mu, b = d.parameters
    x = d.model.x
    median = SampleMedian(x, n)
    assert d.estimates[mu] == median
    assert sp.simplify(d.estimates[b] - sp.Sum(sp.Abs(x[i] - median), (i, 1, n)) / n) == 0
    assert seconds < 10
    kinds = [s.kind for s in d.steps]
    assert kinds[:6] == KINDS
    assert kinds[6:] == ["profile", "score", "stationarity", "second-order", "result"]
    assert d.information is None and not d.biases


def test_the_steps_state_the_subgradient_condition_and_how_each_is_checked():
    d, _ = _derived("laplace")
    mu = d.parameters[0]
    x = d.model.x
    kink, condition, median = d.steps[3:6]
    assert "derivative test does not apply" in kink.explanation
    assert kink.lines[0].rhs == sp.sign(mu - x[i]) and kink.check.method == "symbolic"
    assert condition.lines == (
        sp.LessThan(Below(x, n, mu), n / 2, evaluate=False),
        sp.LessThan(n / 2, AtMost(x, n, mu), evaluate=False),
    )
    assert condition.check.method == "numeric" and "ties" in condition.check.detail
    assert "midpoint" in median.explanation and "even n" in median.explanation
    assert median.check.method == "numeric" and "odd and even" in median.check.detail


def test_a_users_model_with_the_same_kink_gets_the_same_derivation():
    d, seconds = _derived("user")
    catalog = mlemap.derive("laplace", estimate="mu")
    assert [s.kind for s in d.steps] == [s.kind for s in catalog.steps] == [*KINDS, "result"]
    assert d.estimates[d.parameters[0]] == SampleMedian(d.model.x, n)
    assert [s.lines for s in d.steps[4:6]] == [s.lines for s in catalog.steps[4:6]]
    assert seconds < 10


@pytest.mark.parametrize("model", ["laplace", "user"])
def test_the_derivation_renders_and_reads_back(model):
    d, _ = _derived(model)
    markdown, latex = d.to_markdown(), d.to_latex()
    for text in (markdown, latex):
        assert r"\tilde{x}" in text
        assert r"\#\left\lbrace i : x_{i} \leq \mu\right\rbrace" in text
        assert "Where the derivative test fails" in text


@pytest.mark.parametrize(
    ("density", "message"),
    [
        (lambda x, mu: sp.exp(-sp.Abs(x - mu) - mu**2) / 2, r"holds mu outside the sum"),
        (lambda x, mu: sp.exp(sp.Abs(x - mu)) / 2, r"coefficient .* is not negative"),
    ],
    ids=["outside", "convex"],
)
def test_a_kink_out_of_reach_is_refused_by_name(density, message):
    model = Model("kinked", (MU,), Support(-sp.oo, sp.oo, lower_open=True), density)
    with pytest.raises(mlemap.UnsupportedModelError, match=message):
        mlemap.derive(model)


@settings(max_examples=40, deadline=None)
@given(data=st.lists(st.integers(-20, 20), min_size=1, max_size=15), value=st.integers(-21, 21))
def test_the_median_and_the_counts_evaluate_as_numpy_does(data, value):
    values = [sp.Rational(v, 2) for v in data]
    assert float(MedianOf(*values)) == np.median(np.array(data) / 2)
    x = sp.IndexedBase("x")
    at = {x[k + 1]: v for k, v in enumerate(values)}
    point = sp.Rational(value, 2)
    size = len(values)
    below = Below(x, n, point).xreplace({n: size}).doit().xreplace(at)
    at_most = AtMost(x, n, point).xreplace({n: size}).doit().xreplace(at)
    assert below == sum(bool(v < point) for v in values)
    assert at_most == sum(bool(v <= point) for v in values)
    assert SampleMedian(x, n).xreplace({n: size}).doit().xreplace(at) == MedianOf(*values)


def _scipy_maximum(x):
    """Nelder–Mead on scipy's Laplace log-likelihood over (μ, log b), from a rough start."""
    found = optimize.minimize(
        lambda v: -np.sum(stats.laplace.logpdf(x, v[0], np.exp(v[1]))),
        [np.mean(x), np.log(np.std(x) + 1e-3)],
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20_000, "maxfev": 40_000},
    )
    return found.x[0], np.exp(found.x[1])


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    size=st.integers(1, 80),
    location=st.floats(-1e3, 1e3),
    scale=st.floats(0.01, 100.0),
)
def test_laplace_matches_scipy(seed, size, location, scale):
    x = stats.laplace.rvs(location, scale, size=size, random_state=np.random.default_rng(seed))
    f = _derived("laplace")[0].estimator()
    if np.ptp(x) == 0:  # b̂ = 0, on the edge of its domain: the estimator says so
        with pytest.raises(mlemap.DataError, match="on the boundary"):
            f(x)
        return
    got = f(x)
    fitted = stats.laplace.fit(x)
    assert got["mu"] == pytest.approx(fitted[0], rel=1e-12, abs=1e-12)
    assert got["b"] == pytest.approx(fitted[1], rel=1e-10)
    # An independent search: its maximum is never higher than ours, and it lands on the
    # median's interval (for even n any point in it is an MLE).
    mu, b = _scipy_maximum(x)
    ours = np.sum(stats.laplace.logpdf(x, got["mu"], got["b"]))
    assert ours >= np.sum(stats.laplace.logpdf(x, mu, b)) - 1e-9 * abs(ours)
    ordered = np.sort(x)
    low, high = ordered[(size - 1) // 2], ordered[size // 2]
    spread = 1e-6 * (np.ptp(x) + 1)
    assert low - spread <= mu <= high + spread
    assert b == pytest.approx(got["b"], rel=1e-5)


def test_even_samples_return_the_midpoint_of_the_median_interval():
    f = _derived("laplace")[0].estimator()
    got = f([0.0, 1.0, 3.0, 10.0])
    assert got == {"mu": 2.0, "b": pytest.approx((2 + 1 + 1 + 8) / 4)}
    # every point of [1, 3] has the same likelihood at that b: the midpoint is a choice
    heights = [np.sum(stats.laplace.logpdf([0, 1, 3, 10], m, got["b"])) for m in (1, 2, 3)]
    assert heights == pytest.approx([heights[1]] * 3, rel=1e-14)


def test_fit_says_a_kink_has_no_standard_errors():
    d, _ = _derived("laplace")
    with pytest.raises(mlemap.MlemapError, match=r"kink in mu .* no standard errors"):
        d.fit(np.array([0.5, 1.0, 4.0]))
