"""The Σ-algebra on sums the engine never writes itself but a hand-written claim can."""

from __future__ import annotations

import sympy as sp

from mlemap.sums import normalize
from mlemap.symbols import i, n

x = sp.IndexedBase("x", real=True)


def test_a_sum_of_a_sum_over_the_same_index_is_n_times_it():
    # SymPy flattens Σᵢ(Σᵢ xᵢ) into one Sum with two limits; normalize used to recurse forever.
    nested = sp.Sum(sp.Sum(x[i], (i, 1, n)), (i, 1, n))
    assert len(nested.limits) == 2
    assert normalize(nested) == n * sp.Sum(x[i], (i, 1, n))
    inner = sp.Sum(x[i] * nested, (i, 1, n))
    assert normalize(inner) == n * sp.Sum(x[i], (i, 1, n)) ** 2


def test_several_limits_are_summed_innermost_first():
    summed = sp.Sum(x[i] ** 2 + 3, (i, 1, n), (i, 1, 4))
    assert normalize(summed) == 4 * sp.Sum(x[i] ** 2, (i, 1, n)) + 12 * n
