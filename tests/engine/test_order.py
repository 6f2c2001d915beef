"""Order statistics: printed as x₍₁₎ and x₍ₙ₎, evaluated as Min and Max at a numeric n."""

from __future__ import annotations

import numpy as np
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from mlemap.catalog.symbols import data_symbol, n
from mlemap.engine.order import Largest, Smallest

X = data_symbol("x", {"real": True, "positive": True})


@given(st.lists(st.fractions(1, 10**6), min_size=1, max_size=12))
def test_at_a_numeric_n_they_are_the_smallest_and_largest_observation(values):
    data = {X[k + 1]: sp.Rational(v.numerator, v.denominator) for k, v in enumerate(values)}
    for statistic, expected in ((Smallest, min), (Largest, max)):
        found = statistic(X, n).xreplace({n: len(values)}).doit().xreplace(data)
        assert found == sp.Rational(expected(values).numerator, expected(values).denominator)


def test_they_print_as_a_handout_writes_them():
    assert sp.latex(Smallest(X, n)) == "x_{(1)}"
    assert sp.latex(Largest(X, n)) == "x_{(n)}"
    assert str(Largest(X, n)) == "x_(n)"
    # a power of a function goes through the function's printer (x₍₁₎ᵇ of a truncated Pareto)
    b = sp.Symbol("b", positive=True)
    assert sp.latex(Smallest(X, n) ** b) == "x_{(1)}^{b}"
    assert sp.latex(Largest(X, n) ** (-b)) == "x_{(n)}^{- b}"


def test_they_carry_the_data_assumptions():
    assert Largest(X, n).is_positive and Smallest(X, n).is_real
    anywhere = data_symbol("y", {"real": True})
    assert Smallest(anywhere, n).is_positive is None
    # Without a numeric n they stay what they are, for solve and the printer.
    assert Smallest(X, n).doit() == Smallest(X, n)
    assert np.isclose(
        float(sp.log(Largest(X, 3).doit()).xreplace({X[1]: 2, X[2]: 1, X[3]: 4})), np.log(4)
    )
