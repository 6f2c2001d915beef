"""The engine's self-checks refuse a wrong step and say which method decided a right one."""

from __future__ import annotations

import re

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import mlemap
from mlemap import Support
from mlemap.catalog.symbols import i, n
from mlemap.engine.problem import Problem, sample_sizes
from mlemap.engine.verify import (
    VerificationError,
    compare,
    degree,
    equivalent,
    trials,
    vanishes,
    zero_symbolically,
)


@pytest.fixture
def bernoulli() -> Problem:
    return Problem(mlemap.models()["bernoulli"], {})


def test_a_wrong_step_raises(bernoulli):
    x, theta = bernoulli.x, bernoulli.parameters[0]
    right = sp.Sum(x[i], (i, 1, n)) * sp.log(theta)
    wrong = sp.Sum(x[i], (i, 1, n)) * sp.log(theta) + theta / 1000
    with pytest.raises(VerificationError, match="engine self-check failed for demo"):
        equivalent(right, wrong, bernoulli, np.random.default_rng(0), "demo")


def test_a_right_step_with_sums_is_checked_numerically(bernoulli):
    density = bernoulli.model.observation_density()
    check = equivalent(
        sp.log(sp.Product(density, (i, 1, n))),
        sp.Sum(sp.log(density), (i, 1, n)),
        bernoulli,
        np.random.default_rng(0),
        "demo",
    )
    assert check.method == "numeric"
    assert re.search(r"equal at \d+ random data sets of distinct sizes \(n = \d+…\d+\)", str(check))
    assert "to 20 significant digits" in str(check)


def test_a_plain_identity_is_checked_symbolically(bernoulli):
    theta = bernoulli.parameters[0]
    check = equivalent(
        sp.log(theta**2), 2 * sp.log(theta), bernoulli, np.random.default_rng(0), "demo"
    )
    assert check.method == "symbolic"


def test_vanishes_refuses_a_non_root(bernoulli):
    theta = bernoulli.parameters[0]
    with pytest.raises(VerificationError):
        vanishes(theta - sp.Rational(1, 2), bernoulli, np.random.default_rng(0), "demo")


def test_a_check_past_its_time_limit_is_an_unsupported_model(bernoulli, monkeypatch):
    from mlemap.engine import verify

    def forever(*args, **kwargs):
        while True:
            pass

    monkeypatch.setattr(verify, "CHECK_SECONDS", 0.2)
    monkeypatch.setattr(verify, "compare", forever)
    x = bernoulli.x
    with pytest.raises(mlemap.UnsupportedModelError, match=r"checking demo took over 0\.2 s"):
        equivalent(x[i], x[i], bernoulli, np.random.default_rng(0), "demo")


def _numeric_only(difference: sp.Expr) -> None:
    return None


def _k(problem: Problem) -> sp.Sum:
    return sp.Sum(problem.x[i], (i, 1, n))


@pytest.mark.parametrize(
    "extra",
    [
        sp.binomial(n, 7),
        sp.binomial(n, 12),
        (n - 3) * (n - 4) * (n - 5) * (n - 6),
        sp.ff(n - 3, 9),
        sp.Rational(1, 10**13),
    ],
    ids=["binomial(n,7)", "binomial(n,12)", "(n-3)…(n-6)", "ff(n-3,9)", "1e-13"],
)
def test_a_term_that_vanishes_at_small_n_or_is_tiny_is_caught(bernoulli, extra):
    estimate = _k(bernoulli) / n
    result = compare(estimate, estimate + extra, bernoulli, np.random.default_rng(0), _numeric_only)
    assert result.counterexample is not None
    point = result.counterexample.point
    assert bernoulli.number(extra, point) != 0


def test_a_falling_factorial_in_the_data_sum_is_caught(bernoulli):
    k = _k(bernoulli)
    for order in range(1, 9):
        extra = sp.Mul(*(k - j for j in range(order)))
        result = compare(
            k / n, k / n + extra, bernoulli, np.random.default_rng(order), _numeric_only
        )
        assert result.counterexample is not None, order


def test_the_number_of_points_exceeds_the_degree(bernoulli):
    k = _k(bernoulli)
    assert degree(sp.binomial(n, 9), (n,)) == 9
    assert degree((n - 3) * (n - 4) * k**2, (n,)) == 4
    assert degree(sp.log(k) + 1 / (n - 1), (n,)) >= 2
    assert trials(sp.binomial(n, 20)) == 22
    assert trials(k / n) == 6


@given(st.integers(1, 40), st.integers(0, 2**32 - 1))
@settings(max_examples=60, deadline=None)
def test_sample_sizes_are_distinct_increasing_and_spread(count, seed):
    sizes = sample_sizes(np.random.default_rng(seed), count)
    assert len(set(sizes)) == count and sizes == sorted(sizes)
    assert sizes[0] >= 3
    if count >= 6:
        assert sizes[0] <= 6 and sizes[-1] >= 100


def test_data_cover_the_support():
    """Counts far beyond 8 and every share of successes come up, so statistics do too."""
    rng = np.random.default_rng(0)
    poisson = Problem(mlemap.models()["poisson"], {})
    bern = Problem(mlemap.models()["bernoulli"], {})
    counts = [max(poisson.random_point(rng, 20).data) for _ in range(40)]
    shares = [sum(bern.random_point(rng, 50).data) / 50 for _ in range(40)]
    assert max(counts) > 50 and min(counts) < 8
    assert max(shares) > 0.8 and min(shares) < 0.2


def test_a_wrong_step_is_still_caught_by_the_compiled_evaluation(bernoulli):
    """The compiled check finds a wrong rewriting of a log-likelihood with sums (a sign)."""
    x, theta = bernoulli.x, bernoulli.parameters[0]
    k = _k(bernoulli)
    right = sp.Sum(sp.log(theta ** x[i] * (1 - theta) ** (1 - x[i])), (i, 1, n))
    wrong = k * sp.log(theta) + (n + k) * sp.log(1 - theta)
    assert zero_symbolically(right - wrong) is None
    with pytest.raises(VerificationError, match="differ at n = "):
        equivalent(right, wrong, bernoulli, np.random.default_rng(0), "demo")
    good = k * sp.log(theta) + (n - k) * sp.log(1 - theta)
    assert equivalent(right, good, bernoulli, np.random.default_rng(0), "demo").method == "numeric"


@pytest.fixture(scope="module")
def far_tail() -> Problem:
    """A skew-normal shape with data in [20, 40]: for a < 0, 1 + erf(a x/√2) is below
    10⁻⁸⁰, so that its sum cancels to 0 at 40 digits."""

    def density(x: sp.Expr, a: sp.Expr) -> sp.Expr:
        return sp.exp(-(x**2) / 2) / sp.sqrt(2 * sp.pi) * (1 + sp.erf(a * x / sp.sqrt(2)))

    a = mlemap.Parameter("a", mlemap.REAL)
    model = mlemap.Model("far_tail", (a,), Support(20, 40), density)
    return Problem(model, {})


def _log_likelihood(problem: Problem) -> sp.Sum:
    return sp.Sum(problem.log_density, (i, 1, n))


def test_a_log_likelihood_in_a_far_tail_is_scipys(far_tail):
    """Σ log f with 1 + erf(a xᵢ/√2) ≈ 10⁻⁵⁰⁰ is scipy's value (log_ndtr), log Π f too,
    and a log-likelihood step between them is verified."""
    a = far_tail.parameters[0]
    product = sp.log(sp.Product(far_tail.model.observation_density(), (i, 1, n)))
    point = far_tail.random_point(np.random.default_rng(4), 25)
    point.values[a] = sp.Rational(-7, 4)
    data = np.array([float(v) for v in point.data])
    expected = stats.skewnorm.logpdf(data, -1.75).sum()
    assert np.isfinite(expected) and expected < -1000
    for expr in (_log_likelihood(far_tail), product):
        assert abs(float(far_tail.value(expr, point).real) - expected) <= 1e-12 * abs(expected)
    result = compare(
        product, _log_likelihood(far_tail), far_tail, np.random.default_rng(0), _numeric_only
    )
    assert result.equal, result.counterexample


@pytest.mark.parametrize(
    "extra",
    [sp.Rational(1, 10**13), sp.Symbol("a", real=True) ** 2 / 10**9],
    ids=["1e-13", "a²·1e-9"],
)
def test_a_wrong_step_is_caught_in_a_far_tail(far_tail, extra):
    right = _log_likelihood(far_tail)
    result = compare(right, right + extra, far_tail, np.random.default_rng(0), _numeric_only)
    assert result.counterexample is not None


def test_a_wrong_erf_sign_is_caught(far_tail):
    """1 − erf in place of 1 + erf."""
    x, a = far_tail.x, far_tail.parameters[0]
    normal = -(x[i] ** 2) / 2 - sp.log(2 * sp.pi) / 2
    wrong = sp.Sum(normal + sp.log(1 - sp.erf(a * x[i] / sp.sqrt(2))), (i, 1, n))
    with pytest.raises(VerificationError, match="differ at n = "):
        equivalent(_log_likelihood(far_tail), wrong, far_tail, np.random.default_rng(0), "demo")


def _tanh_sides(problem: Problem) -> tuple[sp.Sum, sp.Sum]:
    """Σ log(1 + tanh(a xᵢ)) and the same without the cancelling sum: equal, and for
    a xᵢ < −46 the first is −∞ at 40 digits."""
    x, a = problem.x, problem.parameters[0]
    u = a * x[i]
    cancelling = sp.Sum(sp.log(1 + sp.tanh(u)), (i, 1, n))
    return cancelling, sp.Sum(sp.log(2) + 2 * u - sp.log(1 + sp.exp(2 * u)), (i, 1, n))


def test_a_sum_that_cancels_at_forty_digits_is_evaluated_with_more(far_tail):
    a = far_tail.parameters[0]
    cancelling, stable = _tanh_sides(far_tail)
    point = far_tail.random_point(np.random.default_rng(3), 30)
    point.values[a] = sp.Rational(-3, 2)
    assert far_tail.value(cancelling, point) == -mpmath.inf
    reference = far_tail.value(stable, point)
    assert abs(far_tail.value(cancelling, point, digits=160) - reference) < 1e-25 * abs(reference)
    result = compare(cancelling, stable, far_tail, np.random.default_rng(0), _numeric_only)
    assert result.equal, result.counterexample


def test_a_wrong_step_is_caught_where_the_sum_cancels(far_tail):
    cancelling, stable = _tanh_sides(far_tail)
    result = compare(
        cancelling,
        stable + 1 / sp.Integer(10**13),
        far_tail,
        np.random.default_rng(0),
        _numeric_only,
    )
    assert result.counterexample is not None
