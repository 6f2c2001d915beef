"""Stationary points: only sums of data alone are constants of a score equation."""

from __future__ import annotations

import numpy as np
import sympy as sp

from mlemap import POSITIVE, REAL, Model, Parameter, Support
from mlemap.catalog.symbols import i, n
from mlemap.engine.problem import Problem
from mlemap.engine.solve import score, stationary_points
from mlemap.engine.sums import normalize

CAUCHY = Model(
    "cauchy_location",
    (Parameter("mu", REAL),),
    Support(-sp.oo, sp.oo),
    lambda x, mu: 1 / (sp.pi * (1 + (x - mu) ** 2)),
)
WEIBULL = Model(
    "weibull_shape_scale",
    (Parameter("k", POSITIVE), Parameter("lam", POSITIVE)),
    Support(0, sp.oo, lower_open=True),
    lambda x, k, lam: k / lam * (x / lam) ** (k - 1) * sp.exp(-((x / lam) ** k)),
)


def _log_likelihood(problem: Problem) -> sp.Expr:
    return normalize(sp.Sum(sp.log(problem.model.observation_density()), (i, 1, n)))


def test_a_score_with_the_parameter_inside_a_sum_has_no_root():
    problem = Problem(CAUCHY, {})
    solution = stationary_points(_log_likelihood(problem), problem, np.random.default_rng(0))
    (equation,) = solution.equations
    assert not solution.closed_form and equation.roots == () and equation.value is None
    assert "no closed-form solution of the stationary equation" in solution.note


def test_a_root_is_never_a_sum_that_holds_a_parameter():
    problem = Problem(WEIBULL, {})
    objective = _log_likelihood(problem)
    solution = stationary_points(objective, problem, np.random.default_rng(0))
    assert not solution.closed_form
    k, lam = problem.parameters
    by_parameter = {e.parameter: e for e in solution.equations}
    # λ given k is (Σ xᵢᵏ / n)^(1/k): the sum holds k, a parameter of another equation
    assert by_parameter[lam].value is not None
    # k's score holds k inside Σ xᵢᵏ log xᵢ: no root is offered at all
    assert by_parameter[k].roots == () and by_parameter[k].value is None
    assert any(s.has(k) for s in score(objective, k, problem).atoms(sp.Sum))


def test_a_cubic_root_by_cardano_is_no_closed_form_but_a_plain_cube_root_is():
    from mlemap.engine.solve import _nested_radical

    a, b, c, d = sp.symbols("a b c d", positive=True)
    m = sp.Symbol("m")
    cardano = sp.solve(b * m**3 - (a - 1) * m**2 + c * m - d, m)
    assert cardano and all(_nested_radical(r) for r in cardano)
    assert not _nested_radical((a / b) ** sp.Rational(1, 3))  # Weibull with k = 3 known
    assert not _nested_radical((a + sp.sqrt(b)) / 2)  # a quadratic's root
    # the inverse Gaussian mean with a gamma prior: the score is a cubic in μ
    problem_model = Model(
        "inverse_gaussian_mean",
        (Parameter("mu", POSITIVE),),
        Support(0, sp.oo, lower_open=True),
        lambda x, mu: sp.exp(-((x - mu) ** 2) / (2 * mu**2 * x)) / sp.sqrt(2 * sp.pi * x**3),
    )
    problem = Problem(problem_model, {})
    objective = _log_likelihood(problem) + 2 * sp.log(problem.parameters[0]) - problem.parameters[0]
    solution = stationary_points(objective, problem, np.random.default_rng(0))
    (equation,) = solution.equations
    assert not solution.closed_form and equation.roots == ()


def test_a_joint_system_that_eliminates_to_a_cubic_is_beyond_radicals():
    """The normal mean and variance with a normal prior on the mean: eliminating μ leaves an
    irreducible cubic in σ², so no joint root the engine would show; a quadratic, a plain
    power and the root 0 of a cleared denominator outside the domain do not count."""
    from mlemap.engine.solve import _beyond_radicals

    mu, s2 = sp.Dummy("mu"), sp.Dummy("sigma2")
    s0, s1, mu0, tau2 = sp.symbols("S0 S1 mu0 tau2", positive=True)
    normal_normal = [
        -(mu - mu0) / tau2 + (s0 - n * mu) / s2,
        (s1 - 2 * s0 * mu + n * mu**2 - n * s2) / (2 * s2**2),
    ]
    assert _beyond_radicals(normal_normal, [mu, s2], [False, True]) == 3
    no_prior = [(s0 - n * mu) / s2, (s1 - 2 * s0 * mu + n * mu**2 - n * s2) / (2 * s2**2)]
    assert not _beyond_radicals(no_prior, [mu, s2], [False, True])
    assert not _beyond_radicals([mu - s0, s2**3 - s1], [mu, s2], [False, True])
    # the factor σ² of a cleared denominator counts as a root where 0 is in the domain
    cubic_and_zero = [mu - s0, s2 * (s2**3 + s2 + s1)]
    assert _beyond_radicals(cubic_and_zero, [mu, s2], [False, True]) == 3
    assert not _beyond_radicals(cubic_and_zero, [mu, s2], [False, False])
    assert not _beyond_radicals([sp.log(mu) - s0, s2 - s1], [mu, s2], [False, True])


def test_the_normal_with_a_normal_prior_on_its_mean_is_found_numerically():
    import mlemap

    derivation = mlemap.derive("normal", prior={"mu": "normal"}, inference=False)
    assert not derivation.closed_form
    assert (
        "eliminating one unknown leaves a polynomial in the other whose factors, of degree 3 "
        "and above, have for roots Cardano's or Ferrari's formula or none in radicals"
    ) in " ".join(derivation.to_markdown().split())
