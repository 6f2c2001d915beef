"""A claim is "correct" only if SymPy proves it or it agrees at points that cover the domain:
terms that vanish at small n or small sums, and constants far below 10⁻¹², are caught."""

from __future__ import annotations

import functools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mlemap
from mlemap.checker.judge import check
from mlemap.cli.check import main_check


@functools.cache
def derivation(model: str) -> mlemap.Derivation:
    return mlemap.derive(model)


ESTIMATES = {"bernoulli": "theta = k/n", "poisson": "lam = xbar"}


@pytest.mark.parametrize(
    ("model", "claim"),
    [
        ("bernoulli", "theta = k/n + binomial(n, 7)"),
        ("bernoulli", "theta = k/n + (n-3)*(n-4)*(n-5)*(n-6)"),
        ("bernoulli", "theta = k/n + k*(k-1)*(k-2)*(k-3)"),
        ("bernoulli", "theta = k/n + 1e-13"),
        ("poisson", "lam = xbar + binomial(n, 9)"),
        ("bernoulli", "k! = k"),
        ("bernoulli", "k*(k-1)*(k-2) = 0"),
    ],
)
def test_the_reported_wrong_claims_exit_1(model, claim, capsys):
    assert main_check([model, claim]) == 1
    out = capsys.readouterr().out
    assert "WRONG" in out
    assert "holds identically" not in out


def test_an_identity_shown_only_by_numbers_is_not_called_proved():
    report = check(derivation("bernoulli"), "theta = k/n")
    assert report.verdict == "correct" and report.steps[0].method == "symbolic"
    # xᵢ² = xᵢ for 0/1 data: true at every data set, but SymPy cannot prove it
    step = check(derivation("bernoulli"), "sum(x_i^2) = k").steps[0]
    assert step.verdict == "correct" and step.method == "numeric"
    assert "identically" not in step.detail
    assert "holds for all data" in step.detail


def _vanishing_terms() -> st.SearchStrategy[str]:
    """Terms that are 0 at every small n or small data sum, or tiny constants."""
    n_roots = st.lists(st.integers(1, 7), min_size=1, max_size=7)
    k_roots = st.lists(st.integers(0, 6), min_size=1, max_size=7)
    return st.one_of(
        st.integers(3, 14).map(lambda m: f"binomial(n, {m})"),
        n_roots.map(lambda roots: "*".join(f"(n - {r})" for r in roots)),
        k_roots.map(lambda roots: "*".join(f"(k - {r})" for r in roots)),
        st.integers(1, 6).map(lambda d: "*".join(f"(k - {j})" for j in range(d))),
        st.integers(13, 16).map(lambda e: f"1e-{e}"),
        st.integers(13, 16).map(lambda e: f"k/n*1e-{e}"),
    )


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(ESTIMATES)),
    _vanishing_terms(),
    st.sampled_from(["", "3*", "-1*", "2/7*"]),
)
def test_no_wrong_claim_that_vanishes_at_small_n_or_k_is_accepted(model, term, factor):
    statistic = "sum(x_i)" if model == "poisson" else "k"
    claim = f"{ESTIMATES[model]} + {factor}({term.replace('k', statistic)})"
    report = check(derivation(model), claim)
    assert report.verdict == "wrong", f"{claim}: {report}"
