"""The second-order check: what it proves, what it states as conditions."""

from __future__ import annotations

import sympy as sp

from mlemap.catalog.symbols import hat, n

from conftest import derived


def test_bernoulli_second_derivative_in_terms_of_the_estimate():
    d = derived("bernoulli")
    t = hat(d.parameters[0])
    assert d.curvature.proved and d.curvature.conditions == ()
    assert sp.simplify(d.curvature.at_estimate[0, 0] + n / (t * (1 - t))) == 0


def test_normal_hessian_is_diagonal_and_negative_definite():
    d = derived("normal")
    s2 = hat(d.parameters[1])
    assert d.curvature.proved
    assert d.curvature.at_estimate == sp.Matrix([[-n / s2, 0], [0, -n / (2 * s2**2)]])


def test_beta_map_states_the_condition_it_needs():
    d = derived("bernoulli", "beta")
    alpha, beta = sp.symbols("alpha beta", positive=True)
    assert d.curvature.proved
    (condition,) = d.curvature.conditions
    assert sp.simplify(condition.lhs - (alpha + beta + n - 2)) == 0 and condition.rhs == 0
    assert str(condition) in d.assumptions
    step = next(s for s in d.steps if s.kind == "second-order")
    assert "provided alpha + beta + n - 2 > 0" in step.explanation
