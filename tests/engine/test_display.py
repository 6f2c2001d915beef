"""Presentation: factors written positive on the domain, with their signs outside."""

from __future__ import annotations

import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import mlemap
from mlemap.catalog.symbols import i, n
from mlemap.engine.display import MEAN, common_factors, present, signs_outside

THETA = sp.Symbol("theta", positive=True)
U = sp.Dummy("u", positive=True)
PROOF = {THETA: U / (1 + U)}  # θ ∈ (0, 1)


def test_negative_factors_are_turned_round():
    assert signs_outside(-1 / (THETA * (THETA - 1)), PROOF) == 1 / (THETA * (1 - THETA))
    assert signs_outside(sp.Integer(5) / (THETA * (THETA - 1)), PROOF) == (
        -5 / (THETA * (1 - THETA))
    )
    assert signs_outside((THETA - 1) ** 2, PROOF) == (1 - THETA) ** 2
    # Undecided signs stay as they are: θ − ½ can be either.
    assert signs_outside(1 / (THETA - sp.Rational(1, 2)), PROOF) == 1 / (THETA - sp.Rational(1, 2))


FACTORS = st.sampled_from(
    [THETA - 1, THETA - 2, 1 - THETA, THETA, THETA + 1, THETA - sp.Rational(1, 3), sp.Integer(3)]
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(FACTORS, st.integers(-3, 3)), min_size=1, max_size=4),
    st.integers(-5, 5).filter(bool),
    st.fractions(min_value=0.01, max_value=0.99),
)
def test_the_value_is_unchanged_and_no_negative_factor_is_left(factors, coefficient, at):
    expr = coefficient * sp.Mul(*(f**e for f, e in factors))
    shown = signs_outside(expr, PROOF)
    value = sp.Rational(at.numerator, at.denominator)
    assert shown.subs(THETA, value) == expr.subs(THETA, value)
    factors = sp.Mul.make_args(shown) if shown.is_Mul or shown.is_Pow else ()
    for factor in factors:  # a sum on its own (θ − 1, 3θ − 3) is left as it is
        base, _ = factor.as_base_exp()
        assert base not in (THETA - 1, THETA - 2)


def test_derivations_show_the_information_as_textbooks_do():
    information = {s.kind: s for s in mlemap.derive("bernoulli").steps}["information"]
    theta = mlemap.models()["bernoulli"].symbols["theta"]
    assert information.lines[0].rhs == 1 / (theta * (1 - theta))
    second = {s.kind: s for s in mlemap.derive("geometric").steps}["second-order"]
    p = mlemap.models()["geometric"].symbols["p"]
    assert second.lines[1].rhs == -n_over(p)


def n_over(p: sp.Symbol) -> sp.Expr:
    from mlemap.catalog.symbols import hat

    return n / (hat(p) ** 2 * (1 - hat(p)))


def test_the_statistics_are_named_in_place():
    normal = mlemap.models()["normal"]
    mu, sigma2 = normal.symbols["mu"], normal.symbols["sigma2"]
    total = sp.Sum(normal.x[i], (i, 1, n))
    assert present((total - n * mu) / sigma2, normal) == (n * MEAN - n * mu) / sigma2


MU, SIGMA2 = sp.Symbol("mu", real=True), sp.Symbol("sigma2", positive=True)
LAM, BETA, K = sp.symbols("lambda beta k", positive=True)


def test_common_factors_come_out_of_products_and_powers_combine():
    assert common_factors(-(2 * n * MU - 2 * n * MEAN) / (2 * SIGMA2)) == n * (MEAN - MU) / SIGMA2
    assert common_factors((n * MU - n * MEAN) / SIGMA2**2) == n * (MU - MEAN) / SIGMA2**2
    assert common_factors(LAM * LAM**K) == LAM ** (K + 1)


def test_sums_of_terms_and_numbers_keep_their_form():
    terms = n * MEAN / LAM - n  # a sum of terms stays one: no n(x̄/λ − 1)
    assert common_factors(terms) == terms
    spread = (sp.Sum((sp.Indexed("x", i) - MU) ** 2, (i, 1, n)) - n * SIGMA2) / (2 * SIGMA2**2)
    assert common_factors(spread) == spread  # the ½ is not spread over the numerator
    density = sp.Mul(sp.Pow(sp.sqrt(2 * sp.pi * SIGMA2), -1), sp.exp(-MU), evaluate=False)
    assert common_factors(density) is density  # unevaluated forms are kept as written


@settings(max_examples=60, deadline=None)
@given(st.integers(-5, 5), st.integers(1, 5), st.integers(-4, 4))
def test_common_factors_never_change_the_value(a, b, c):
    expr = (a * n * MU + b * n * MEAN + c * n) / (b * SIGMA2) * LAM * LAM ** (K + c)
    shown = common_factors(expr)
    point = {n: 7, MU: sp.Rational(-3, 4), MEAN: sp.Rational(5, 3), SIGMA2: 2, LAM: 3, K: 2}
    assert sp.simplify(shown.subs(point) - expr.subs(point)) == 0
