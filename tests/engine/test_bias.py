"""Exact finite-n bias against textbook formulas and 10⁵ simulated data sets."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from scipy import stats

import mlemap
from mlemap.catalog.symbols import n

SIZE = 5
REPLICATIONS = 100_000


def _bias(model: str, name: str):
    d = mlemap.derive(model)
    (p,) = [q for q in d.parameters if q.name == name]
    return d, p, d.biases[p]


# model, parameter, E[θ̂] (textbook), the constant correction, draws, the values
CASES = [
    ("bernoulli", "theta", lambda q: q, None, stats.bernoulli(0.3), {"theta": 0.3}),
    ("poisson", "lambda", lambda q: q, None, stats.poisson(2.0), {"lambda": 2.0}),
    (
        "exponential",
        "lambda",
        lambda q: n * q / (n - 1),
        (n - 1) / n,
        stats.expon(scale=1 / 1.5),
        {"lambda": 1.5},
    ),
    ("normal", "mu", lambda q: q, None, stats.norm(1.0, 2.0), {"mu": 1.0, "sigma2": 4.0}),
    (
        "normal",
        "sigma2",
        lambda q: (n - 1) * q / n,
        n / (n - 1),
        stats.norm(1.0, 2.0),
        {"mu": 1.0, "sigma2": 4.0},
    ),
]


@pytest.mark.parametrize("model,name,textbook,correction,distribution,values", CASES)
def test_bias_is_exact_and_matches_simulation(
    model, name, textbook, correction, distribution, values
):
    d, p, bias = _bias(model, name)
    assert bias is not None
    assert sp.simplify(bias.expectation - textbook(p)) == 0
    assert (bias.correction is None) == (correction is None)
    if correction is not None:
        assert sp.simplify(bias.correction - correction) == 0
    estimator = d.estimator()
    draws = distribution.rvs(size=(REPLICATIONS, SIZE), random_state=np.random.default_rng(3))
    estimates = _vectorised(d, p, draws)
    assert estimates.shape == (REPLICATIONS,)
    assert estimator(draws[0])[name] == pytest.approx(estimates[0])
    at = {q: values[q.name] for q in d.parameters}
    expected = float(bias.expectation.xreplace({**at, n: SIZE}))
    error = estimates.std() / np.sqrt(REPLICATIONS)
    assert abs(estimates.mean() - expected) <= 4 * error


def _vectorised(d, p, draws: np.ndarray) -> np.ndarray:
    """The estimate for each row: the textbook forms, one reduction per row."""
    mean = draws.mean(axis=1)
    return {
        "theta": mean,
        "mu": mean,
        "sigma2": ((draws - mean[:, None]) ** 2).mean(axis=1),
    }.get(p.name, 1 / mean if d.model.name == "exponential" else mean)


def test_the_unbiased_correction_is_a_step():
    d = mlemap.derive("normal")
    step = [s for s in d.steps if s.kind == "bias"][-1]
    assert "multiplying by" in step.explanation
    assert step.lines[-1].rhs == d.parameters[1]
    assert step.check.method == "numeric"


@pytest.mark.parametrize("model", ["geometric", "weibull"])
def test_out_of_reach_says_not_derived(model):
    d = mlemap.derive(model)
    assert all(b is None for b in d.biases.values())
    step = next(s for s in d.steps if s.kind == "bias")
    assert step.explanation.startswith("Bias not derived")
    assert step.lines == ()
