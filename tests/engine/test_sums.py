"""The Σ-algebra: every rewrite keeps the value, at random data (hypothesis)."""

from __future__ import annotations

import numpy as np
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from mlemap.catalog.symbols import i, n
from mlemap.engine.sums import collect_parameters, freeze, normalize, statistics, thaw

x = sp.IndexedBase("x", positive=True)
theta = sp.Symbol("theta", positive=True)
mu = sp.Symbol("mu", real=True)
c = sp.Symbol("c", positive=True)
PIECES = [
    x[i],
    x[i] ** 2,
    sp.log(x[i]),
    sp.Integer(1),
    (x[i] - mu) ** 2,
    x[i] * sp.log(theta),
    sp.log(theta ** x[i] * (1 - theta) ** (1 - x[i])),
    sp.exp(-theta * x[i]) * theta,
    (x[i] / theta) ** c,
]
COEFFICIENTS = [sp.Integer(3), theta, sp.log(theta), mu / theta, 1 / (2 * theta), c]


def _numeric(expr: sp.Expr, data: list[float], values: dict) -> float:
    expr = expr.xreplace({n: len(data)}).doit()
    expr = expr.xreplace({x[j + 1]: sp.Float(v, 30) for j, v in enumerate(data)})
    return float(expr.xreplace(values).evalf(30))


summands = st.lists(
    st.tuples(st.sampled_from(COEFFICIENTS), st.sampled_from(PIECES)), min_size=1, max_size=4
)


@given(terms=summands, seed=st.integers(0, 2**31))
def test_normalize_keeps_the_value(terms, seed):
    rng = np.random.default_rng(seed)
    summand = sp.Add(*(a * b for a, b in terms))
    original = sp.Sum(summand, (i, 1, n))
    rewritten = normalize(original)
    data = list(rng.uniform(0.1, 3.0, size=int(rng.integers(1, 6))))
    values = {
        theta: sp.Float(rng.uniform(0.1, 0.9)),
        mu: sp.Float(rng.normal()),
        c: sp.Float(rng.uniform(0.5, 2)),
    }
    expected = _numeric(original, data, values)
    assert np.isclose(_numeric(rewritten, data, values), expected, rtol=1e-10)
    assert np.isclose(
        _numeric(normalize(original, expand=(mu, theta)), data, values), expected, rtol=1e-10
    )
    assert np.isclose(
        _numeric(collect_parameters(rewritten, (theta, mu)), data, values), expected, rtol=1e-10
    )


def test_constants_come_out_and_a_sum_of_a_constant_is_n_times_it():
    s = normalize(sp.Sum(3 * theta * x[i] + sp.log(theta), (i, 1, n)))
    assert s == 3 * theta * sp.Sum(x[i], (i, 1, n)) + n * sp.log(theta)


def test_squares_stay_whole_unless_asked_and_face_the_data_first():
    whole = normalize(sp.Sum((mu - x[i]) ** 2 / (2 * theta), (i, 1, n)))
    assert whole == sp.Sum((x[i] - mu) ** 2, (i, 1, n)) / (2 * theta)
    expanded = normalize(sp.Sum((x[i] - mu) ** 2, (i, 1, n)), expand=(mu,))
    assert (
        sp.expand(
            expanded - (sp.Sum(x[i] ** 2, (i, 1, n)) - 2 * mu * sp.Sum(x[i], (i, 1, n)) + n * mu**2)
        )
        == 0
    )


def test_a_centred_sum_vanishes():
    mean = sp.Sum(x[i], (i, 1, n)) / n
    assert normalize(sp.Sum(x[i] - mean, (i, 1, n))) == 0


def test_logs_of_products_split_into_sufficient_statistics():
    s = collect_parameters(
        normalize(sp.Sum(sp.log(theta ** x[i] * (1 - theta) ** (1 - x[i])), (i, 1, n))), (theta,)
    )
    k = sp.Sum(x[i], (i, 1, n))
    assert sp.expand(s - (k * sp.log(theta) + (n - k) * sp.log(1 - theta))) == 0
    assert statistics(s, (theta,)) == [k]


def test_freeze_and_thaw_round_trip_with_signs():
    expr = normalize(sp.Sum(x[i] + sp.log(x[i]) + (x[i] - mu) ** 2, (i, 1, n)))
    frozen, table = freeze(expr)
    assert not frozen.has(sp.Sum)
    assert thaw(frozen, table) == expr
    signs = {str(s): (symbol.is_positive, symbol.is_nonnegative) for symbol, s in table.items()}
    assert signs["Sum(x[i], (i, 1, n))"] == (True, True)
    assert signs["Sum(log(x[i]), (i, 1, n))"] == (None, None)
    assert signs["Sum((-mu + x[i])**2, (i, 1, n))"] == (None, True)
    kept, table = freeze(expr, keep=(mu,))
    assert any(isinstance(a, sp.Sum) for a in kept.atoms(sp.Sum))


#: Real data, as in a hand-written claim: sums the engine never writes itself.
xr = sp.IndexedBase("x", real=True)


def test_a_sum_of_a_sum_over_the_same_index_is_n_times_it():
    # SymPy flattens Σᵢ(Σᵢ xᵢ) into one Sum with two limits; normalize used to recurse forever.
    nested = sp.Sum(sp.Sum(xr[i], (i, 1, n)), (i, 1, n))
    assert len(nested.limits) == 2
    assert normalize(nested) == n * sp.Sum(xr[i], (i, 1, n))
    inner = sp.Sum(xr[i] * nested, (i, 1, n))
    assert normalize(inner) == n * sp.Sum(xr[i], (i, 1, n)) ** 2


def test_several_limits_are_summed_innermost_first():
    summed = sp.Sum(xr[i] ** 2 + 3, (i, 1, n), (i, 1, 4))
    assert normalize(summed) == 4 * sp.Sum(xr[i] ** 2, (i, 1, n)) + 12 * n


def test_terms_that_share_a_sum_holding_the_parameter_are_taken_together():

    g = sp.Symbol("gamma", positive=True)
    x = sp.IndexedBase("x")
    total = sp.Sum(1 / (x[i] * g**2 + 2 * g), (i, 1, n))
    found = collect_parameters(2 * total - 8 * total / g**2 + n / g, (g,))
    assert found == sp.factor_terms(2 - 8 / g**2) * total + n / g
    assert sp.simplify(found - (2 * total - 8 * total / g**2 + n / g)) == 0
    alone = collect_parameters(2 * total + n / g, (g,))  # one term: as it was
    assert alone == 2 * total + n / g
