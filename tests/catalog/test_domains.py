"""Domains and supports: one declaration gives assumptions, text, checks and samples."""

from __future__ import annotations

import numpy as np
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from mlemap import (
    NONNEGATIVE_INTEGER,
    POSITIVE,
    POSITIVE_INTEGER,
    REAL,
    UNIT_INTERVAL,
    Counts,
    Support,
)
from mlemap.catalog.domains import Domain


def test_describe_and_contains():
    assert UNIT_INTERVAL.describe() == "(0, 1)" and POSITIVE.describe() == "(0, ∞)"
    assert POSITIVE_INTEGER.describe() == "positive integers"
    assert NONNEGATIVE_INTEGER.describe() == "non-negative integers"
    assert UNIT_INTERVAL.contains(0.5) and not UNIT_INTERVAL.contains(1.0)
    assert not POSITIVE.contains(float("nan")) and not POSITIVE_INTEGER.contains(2.5)
    assert REAL.contains(-3.0)


def test_samples_lie_in_the_domain_and_proof_forms_imply_it():
    rng = np.random.default_rng(0)
    for domain in (REAL, POSITIVE, UNIT_INTERVAL, POSITIVE_INTEGER):
        assert all(domain.contains(float(domain.sample(rng))) for _ in range(50))
        form, _ = domain.proof_form(sp.Symbol("t"))
        assert domain.interval.contains(form) is sp.true


def test_support_membership_sampling_and_assumptions():
    m = sp.Symbol("m", integer=True, positive=True)
    binomial = Support(0, m, integer=True)
    assert binomial.describe() == "{0, 1, …, m}"
    assert list(binomial.contains(np.array([0, 3, 4, 2.5, -1]), {m: 3})) == [
        True,
        True,
        False,
        False,
        False,
    ]
    assert binomial.assumptions() == {"integer": True, "nonnegative": True}
    positive = Support(0, sp.oo, lower_open=True)
    assert positive.assumptions() == {"real": True, "positive": True}
    assert positive.describe() == "(0, ∞)"
    assert not positive.contains(np.array([0.0]), {}).any()
    rng = np.random.default_rng(1)
    draws = binomial.sample(rng, 6, {m: 3.0})
    assert all(0 <= v <= 3 for v in draws) and len(set(draws)) > 1


def test_vectors_of_counts_adding_up_to_the_trials():
    m = sp.Symbol("m", integer=True, positive=True)
    counts = Counts(0, m, integer=True, components=3, total=m)
    assert counts.describe() == "vectors of 3 counts in {0, 1, …, m} adding up to m"
    rows = np.array([[1, 2, 0], [3, 0, 0], [1, 1, 0], [2, 2, -1], [1.5, 1.5, 0], [np.nan, 2, 1]])
    assert list(counts.contains(rows, {m: 3})) == [True, True, False, False, False, False]
    assert counts.assumptions() == {"integer": True, "nonnegative": True}
    rng = np.random.default_rng(1)
    for size, trials in ((3, 1), (50, 7), (4, 200)):
        sample = counts.sample(rng, size, {m: trials})
        table = np.array(sample, dtype=float)
        assert table.shape == (size, 3) and counts.contains(table, {m: trials}).all()
        assert (table.sum(axis=0) > 0).all()  # every category seen: interior estimates


@given(
    st.one_of(
        st.floats(-5, 5),
        st.sampled_from([0.0, 1.0, -1.0, 2.0, float("inf"), -float("inf"), float("nan")]),
    )
)
def test_contains_compares_as_floats_as_sympy_does(value):
    closed = Domain("closed", sp.Interval(-1, 2), {"real": True}, (0.0, 1.0))
    half = Domain("half", sp.Interval.Lopen(-1, 2), {"real": True}, (0.0, 1.0))
    for domain in (REAL, POSITIVE, UNIT_INTERVAL, POSITIVE_INTEGER, NONNEGATIVE_INTEGER):
        expected = bool(np.isfinite(value)) and bool(domain.interval.contains(sp.Float(value)))
        if domain.integer:
            expected = expected and value == round(value)
        assert domain.contains(value) == expected
    for domain in (closed, half):
        expected = bool(np.isfinite(value)) and bool(domain.interval.contains(sp.Float(value)))
        assert domain.contains(value) == expected
