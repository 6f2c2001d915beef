"""Compiled evaluation gives SymPy's own values, at the working precision."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

import mlemap
from mlemap.catalog.symbols import i, n
from mlemap.engine.compiled import DIGITS, compiled, hoisted_sums
from mlemap.engine.notation import Likelihood
from mlemap.engine.problem import Problem


@pytest.fixture(scope="module")
def beta_bernoulli() -> Problem:
    return mlemap.derive("bernoulli", prior="beta").problem


def _expressions(problem: Problem) -> list[sp.Expr]:
    x = problem.x
    theta, alpha, beta = problem.parameters[0], *problem.priors[problem.parameters[0]].symbols
    k = sp.Sum(x[i], (i, 1, n))
    density = theta ** x[i] * (1 - theta) ** (1 - x[i])
    return [
        k / n + sp.binomial(n, 7),  # 0 below n = 7, where a gamma ratio is undefined
        sp.log(sp.Product(density, (i, 1, n))) - sp.log(sp.beta(alpha, beta)),
        sp.Sum(sp.log(density), (i, 1, n)) * n / 3,  # n/3 stays exact
        sp.factorial(k) - sp.loggamma(n + alpha) + sp.polygamma(1, beta),
        sp.sqrt(theta - 2) + x[1] ** 2,  # complex, and one named observation
        (k + alpha - 1) / (n + alpha + beta - 2),
    ]


def _reference(problem: Problem, expr: sp.Expr, point) -> complex:
    return complex(problem.evaluate(expr, point).evalf(DIGITS))


def test_compiled_values_equal_sympy_substitution(beta_bernoulli):
    rng = np.random.default_rng(1)
    for size in (3, 5, 40):
        point = beta_bernoulli.random_point(rng, size)
        for expr in _expressions(beta_bernoulli):
            assert compiled(expr, n, beta_bernoulli.x, tuple(point.values)) is not None, expr
            value = beta_bernoulli.value(expr, point)
            reference = _reference(beta_bernoulli, expr, point)
            assert abs(complex(value) - reference) <= 1e-14 * max(1.0, abs(reference)), expr


@given(st.integers(3, 120), st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_compiled_values_keep_twenty_digits(size, seed):
    """Against SymPy's own evaluation at higher precision: 20 digits agree."""
    problem = mlemap.derive("normal").problem
    x, (mu, sigma2) = problem.x, problem.parameters
    point = problem.random_point(np.random.default_rng(seed), size)
    expr = sp.Sum((x[i] - mu) ** 2, (i, 1, n)) / (2 * sigma2) - n / 2 * sp.log(2 * sp.pi * sigma2)
    value = problem.value(expr, point)
    exact = problem.evaluate(expr, point).evalf(60)
    with mpmath.workdps(60):
        assert abs(value - mpmath.mpf(str(exact))) <= mpmath.mpf(10) ** -22 * max(1, abs(value))


def test_what_has_no_value_is_not_compiled(beta_bernoulli):
    theta = beta_bernoulli.parameters[0]
    symbols = tuple(beta_bernoulli.declarations)
    unknown = sp.Symbol("elsewhere")
    for expr in (
        Likelihood(theta),
        sp.Matrix([[theta]]),
        theta + unknown,
        sp.Integral(theta, theta),
    ):
        assert compiled(expr, n, beta_bernoulli.x, symbols) is None
    point = beta_bernoulli.random_point(np.random.default_rng(0), 4)
    assert not mpmath.isfinite(beta_bernoulli.value(theta + unknown, point))


def test_undefined_values_are_nan(beta_bernoulli):
    theta = beta_bernoulli.parameters[0]
    point = beta_bernoulli.random_point(np.random.default_rng(0), 4)
    assert not mpmath.isfinite(beta_bernoulli.value(1 / (theta - theta.subs(point.values)), point))


@given(
    st.lists(st.floats(0.5, 20), min_size=3, max_size=12),
    st.floats(-3, 3),
)
@settings(max_examples=30, deadline=None)
def test_hoisted_sums_are_computed_once_and_give_the_same_value(data, mu):
    x = sp.IndexedBase("x")
    m = sp.Symbol("mu")
    logs = sp.Sum(sp.log(x[i]), (i, 1, n))
    mean = sp.Sum(x[i], (i, 1, n)) / n
    expr = logs**2 / n + m * logs + sp.Sum((x[i] - mean) ** 2 * sp.exp(m), (i, 1, n))
    assignments, body = hoisted_sums(expr)
    assert [a for _, a in assignments].count(sp.Sum(sp.log(x[i]), (i, 1, n))) == 1
    assert not body.has(sp.Sum)
    function = compiled(expr, n, x, (m,))
    at = {n: len(data), m: mu}
    exact = expr.xreplace(at).doit().xreplace({x[j + 1]: v for j, v in enumerate(data)})
    with mpmath.workdps(DIGITS):
        value = function(mpmath.mpf(len(data)), [0, *map(mpmath.mpf, data)], mpmath.mpf(mu))
    assert float(value) == pytest.approx(float(exact.evalf(30)), rel=1e-12)


def test_a_sum_over_an_enclosing_index_is_not_hoisted():
    x = sp.IndexedBase("x")
    j = sp.Symbol("j", integer=True)
    inner = sp.Sum(x[i] * x[j], (j, 1, n))  # holds the outer index i
    assignments, _ = hoisted_sums(sp.Sum(inner, (i, 1, n)))
    assert [a for _, a in assignments] == [sp.Sum(inner, (i, 1, n))]
    function = compiled(sp.Sum(inner, (i, 1, n)), n, x, ())
    assert float(function(mpmath.mpf(3), [0, 1, 2, 3])) == 36.0


@given(st.floats(-60, 60), st.sampled_from([1, -1]), st.sampled_from([1, 2, sp.Rational(1, 3)]))
@settings(max_examples=60, deadline=None)
def test_a_sum_with_erf_keeps_its_digits_in_the_tail(u, sign, c):
    """log(c + s·c·erf(u)) at 40 digits is scipy's log(2c) + log_ndtr(s·u·√2), also where
    the sum is 10⁻¹⁵⁰⁰ of c and cancels to 0 as written."""
    v = sp.Symbol("v", real=True)
    function = compiled(sp.log(c + sign * c * sp.erf(v)), n, sp.IndexedBase("x"), (v,))
    assert function is not None
    with mpmath.workdps(DIGITS):
        value = float(function(mpmath.mpf(1), [], mpmath.mpf(u)).real)
    expected = np.log(2 * float(c)) + special.log_ndtr(sign * u * np.sqrt(2))
    assert abs(value - expected) <= 1e-12 * max(1.0, abs(expected))


def test_the_other_terms_of_a_sum_with_erf_stay():
    a = sp.Symbol("a", real=True)
    expr = 2 + a**2 - 2 * sp.erf(a)
    function = compiled(expr, n, sp.IndexedBase("x"), (a,))
    with mpmath.workdps(DIGITS):
        for value in (-3, 0.5, 7):
            exact = 2 + mpmath.mpf(value) ** 2 - 2 * mpmath.erf(value)
            assert abs(function(mpmath.mpf(1), [], mpmath.mpf(value)) - exact) < 1e-30
