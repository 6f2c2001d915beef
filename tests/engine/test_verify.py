"""The engine's self-checks refuse a wrong step and say which method decided a right one."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import mlemap
from mlemap.catalog.symbols import i, n
from mlemap.engine.problem import Problem
from mlemap.engine.verify import VerificationError, equivalent, vanishes


@pytest.fixture
def bernoulli() -> Problem:
    return Problem(mlemap.models()["bernoulli"], {})


def test_a_wrong_step_raises(bernoulli):
    x, theta = bernoulli.x, bernoulli.parameters[0]
    right = sp.Sum(x[i], (i, 1, n)) * sp.log(theta)
    wrong = sp.Sum(x[i], (i, 1, n)) * sp.log(theta) + theta / 1000
    with pytest.raises(VerificationError, match="engine self-check failed for demo"):
        equivalent(right, wrong, bernoulli, np.random.default_rng(0), "demo")


def test_a_right_step_with_sums_is_checked_numerically(bernoulli):
    density = bernoulli.model.observation_density()
    check = equivalent(
        sp.log(sp.Product(density, (i, 1, n))),
        sp.Sum(sp.log(density), (i, 1, n)),
        bernoulli,
        np.random.default_rng(0),
        "demo",
    )
    assert check.method == "numeric"
    assert "equal at 6 random data sets" in str(check)


def test_a_plain_identity_is_checked_symbolically(bernoulli):
    theta = bernoulli.parameters[0]
    check = equivalent(
        sp.log(theta**2), 2 * sp.log(theta), bernoulli, np.random.default_rng(0), "demo"
    )
    assert check.method == "symbolic"


def test_vanishes_refuses_a_non_root(bernoulli):
    theta = bernoulli.parameters[0]
    with pytest.raises(VerificationError):
        vanishes(theta - sp.Rational(1, 2), bernoulli, np.random.default_rng(0), "demo")


def test_a_check_past_its_time_limit_is_an_unsupported_model(bernoulli, monkeypatch):
    from mlemap.engine import verify

    def forever(*args, **kwargs):
        while True:
            pass

    monkeypatch.setattr(verify, "CHECK_SECONDS", 0.2)
    monkeypatch.setattr(verify, "compare", forever)
    x = bernoulli.x
    with pytest.raises(mlemap.UnsupportedModelError, match=r"checking demo took over 0\.2 s"):
        equivalent(x[i], x[i], bernoulli, np.random.default_rng(0), "demo")
