"""Proofs of signs and memberships: each bounded in time, undecided rather than endless."""

from __future__ import annotations

import time

import numpy as np
import sympy as sp

import mlemap
from mlemap.catalog.symbols import n
from mlemap.engine import domain_checks
from mlemap.engine.problem import Problem


def _forever(*args, **kwargs):
    while True:
        pass


def test_a_sign_proof_that_does_not_end_is_undecided(monkeypatch):
    monkeypatch.setattr(domain_checks, "PROOF_SECONDS", 0.2)
    monkeypatch.setattr(domain_checks, "_sign_of", _forever)
    started = time.monotonic()
    assert domain_checks.sign(sp.log(sp.Symbol("t", positive=True) + 2)) is None
    assert time.monotonic() - started < 5


def test_a_membership_proof_that_does_not_end_goes_to_numbers(monkeypatch):
    monkeypatch.setattr(domain_checks, "PROOF_SECONDS", 0.2)
    contains = sp.Interval.contains

    def endless_for_symbols(self, other):
        return contains(self, other) if other.is_Number else _forever()

    monkeypatch.setattr(sp.Interval, "contains", endless_for_symbols)
    problem = Problem(mlemap.models()["poisson"], {})
    k = sp.Symbol("k", positive=True)
    decided = domain_checks.membership(
        k,
        sp.Sum(problem.x[1], (sp.Symbol("j"), 1, 1)),
        problem.domain(problem.parameters[0]),
        problem,
        np.random.default_rng(0),
    )
    assert decided.inside and "random data sets" in decided.reason


def test_an_exponential_is_placed_against_one_by_the_sign_of_its_exponent():
    """1 − e^(−λθ) > 0 for λ, θ > 0: the assumptions alone do not see it (the truncated
    exponential's score in θ, −nλ/(e^(λθ) − 1), is negative on its feasible set)."""
    lam, theta, t = (sp.Symbol(s, positive=True) for s in ("lambda", "theta", "t"))
    assert (1 - sp.exp(-lam * theta)).is_positive is None
    assert domain_checks.sign(1 - sp.exp(-lam * theta)) == 1
    assert domain_checks.sign(-n * lam / (sp.exp(lam * theta) - 1)) == -1
    assert domain_checks.sign(sp.exp(lam) - 1) == 1
    # an exponent of unknown sign decides nothing
    assert domain_checks.sign(1 - sp.exp(sp.Symbol("mu", real=True) * t)) is None
