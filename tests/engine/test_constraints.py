"""Random check points meet every constraint a model declares."""

from __future__ import annotations

import numpy as np
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

import mlemap
from mlemap.engine.constraints import holds, place
from mlemap.engine.problem import Problem

a, b, c = sp.symbols("a b c", positive=True)


@given(
    values=st.lists(
        st.fractions(min_value="1/100", max_value="99/100", max_denominator=1000),
        min_size=3,
        max_size=3,
    )
)
def test_a_simplex_is_met_exactly_by_scaling(values):
    start = dict(zip((a, b, c), map(sp.Rational, values), strict=True))
    placed = place(start, (sp.Eq(a + b + c, 1),))
    assert placed[a] + placed[b] + placed[c] == 1  # exact rationals, exactly on it
    assert all(0 < v < 1 for v in placed.values())
    assert placed[a] / placed[b] == start[a] / start[b]  # the proportions are kept


def test_another_equality_is_solved_for_its_last_symbol():
    placed = place({a: sp.Rational(1, 2), b: sp.Rational(3, 4)}, (sp.Eq(a - b, 1),))
    assert placed == {a: sp.Rational(1, 2), b: sp.Rational(-1, 2)}
    inside = lambda s, v: v > 0  # noqa: E731
    assert not holds(placed, (sp.Eq(a - b, 1),), inside)  # b left its domain: drawn again


def test_inequalities_are_checked_not_placed():
    relations = (a + b < 1,)
    assert holds({a: sp.Rational(1, 4), b: sp.Rational(1, 2)}, relations, lambda s, v: True)
    assert not holds({a: sp.Rational(3, 4), b: sp.Rational(1, 2)}, relations, lambda s, v: True)


def _written_out() -> mlemap.Model:
    """The issue's case: θ₃ = 1 − θ₁ − θ₂ written into the density, with θ₁ + θ₂ < 1."""
    thetas = tuple(mlemap.Parameter(f"theta{j}", mlemap.UNIT_INTERVAL) for j in (1, 2))
    return mlemap.Model(
        "written_out",
        thetas,
        mlemap.Support(1, 3, integer=True),
        lambda x, t1, t2: (
            t1 ** sp.KroneckerDelta(x, 1)
            * t2 ** sp.KroneckerDelta(x, 2)
            * (1 - t1 - t2) ** sp.KroneckerDelta(x, 3)
        ),
        constraints=(lambda t1, t2: t1 + t2 < 1,),
        description="θ₃ = 1 − θ₁ − θ₂ written out",
    )


def test_every_random_point_of_a_problem_meets_its_constraints():
    rng = np.random.default_rng(5)
    simplex = Problem(mlemap.MODELS.get("categorical"), {})
    written = Problem(_written_out(), {})
    t1, t2, t3 = simplex.parameters
    for _ in range(200):
        values = simplex.random_point(rng, 3).values
        assert values[t1] + values[t2] + values[t3] == 1
        assert all(0 < v < 1 for v in values.values())
        values = written.random_point(rng, 3).values
        assert sum(values.values()) < 1


def test_a_model_with_no_constraints_draws_as_before():
    problem = Problem(mlemap.MODELS.get("normal"), {})
    assert problem.constraints == ()
    first = problem.random_point(np.random.default_rng(9), 5)
    again = problem.random_point(np.random.default_rng(9), 5)
    assert first.values == again.values and first.data == again.data


def test_the_issues_written_out_categorical_derives():
    """θ₃ = 1 − θ₁ − θ₂ in the density: its checks used to draw θ₁ + θ₂ > 1 and fail."""
    d = mlemap.derive(_written_out())
    assert d.closed_form
    rng = np.random.default_rng(2)
    x = 1 + rng.choice(3, 50, p=[0.2, 0.3, 0.5])
    found = d.estimator()(x)
    assert found == {"theta1": np.mean(x == 1), "theta2": np.mean(x == 2)}
