"""Fisher information against an independently written textbook table, scipy's moments,
and simulation (the variance of the score and the mean of minus its derivative)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.special import polygamma

import mlemap
from mlemap import POSITIVE, POSITIVE_INTEGER, Model, Parameter, Support
from mlemap.catalog import MODELS
from mlemap.catalog.symbols import hat, n
from mlemap.engine.information import (
    as_powers,
    fisher_information,
    moments,
    numeric_expectation,
    observation_symbol,
)
from mlemap.engine.problem import Problem

#: I(θ) per observation, from Casella & Berger and Johnson, Kotz & Balakrishnan.
TEXTBOOK = {
    "bernoulli": lambda v: 1 / (v["theta"] * (1 - v["theta"])),
    "binomial": lambda v: v["m"] / (v["theta"] * (1 - v["theta"])),
    "geometric": lambda v: 1 / (v["p"] ** 2 * (1 - v["p"])),
    "poisson": lambda v: 1 / v["lambda"],
    "exponential": lambda v: 1 / v["lambda"] ** 2,
    "normal": lambda v: np.diag([1 / v["sigma2"], 1 / (2 * v["sigma2"] ** 2)]),
    "lognormal": lambda v: np.diag([1 / v["sigma2"], 1 / (2 * v["sigma2"] ** 2)]),
    "gamma": lambda v: v["alpha"] / v["beta"] ** 2,
    "rayleigh": lambda v: 1 / v["sigma2"] ** 2,
    "pareto": lambda v: 1 / v["alpha"] ** 2,
    "weibull": lambda v: v["k"] ** 2 / v["lambda"] ** 2,
    "logistic": lambda v: 1 / 3,
    "half_normal": lambda v: 1 / (2 * v["sigma2"] ** 2),
    "negative_binomial": lambda v: v["r"] / (v["theta"] ** 2 * (1 - v["theta"])),
    "inverse_gaussian": lambda v: np.diag([v["lambda"] / v["mu"] ** 3, 1 / (2 * v["lambda"] ** 2)]),
    "beta": lambda v: _beta_information(v["alpha"], v["beta"]),
    "gamma2": lambda v: np.array(
        [[trigamma(v["alpha"]), -1 / v["beta"]], [-1 / v["beta"], v["alpha"] / v["beta"] ** 2]]
    ),
}


def trigamma(a: float) -> float:
    return float(polygamma(1, a))


def _beta_information(a: float, b: float) -> np.ndarray:
    both = trigamma(a + b)
    return np.array([[trigamma(a) - both, -both], [-both, trigamma(b) - both]])


def _information(name: str) -> sp.Matrix:
    found = fisher_information(Problem(MODELS.get(name), {}), np.random.default_rng(0))
    assert found is not None
    return found.per_observation


#: Models whose information SymPy does not reach in time: I(μ) = 1/2 for the Cauchy location.
OUT_OF_REACH = {"cauchy", "uniform", "laplace", "weibull2"}  # uniform: a support that moves
# with θ; laplace: a kink, whose second derivative is a Dirac delta


def test_the_table_covers_the_catalog():
    # a constrained MLE (the categorical) has its covariance from the constrained fit
    # (tests/estimators/test_fit.py), no Fisher information step
    constrained = {m.name for m in MODELS if m.constraints}
    assert set(TEXTBOOK) | OUT_OF_REACH | constrained == set(MODELS.names())


@pytest.mark.parametrize("name", sorted(OUT_OF_REACH))
def test_information_out_of_reach_is_said_not_guessed(name):
    found = fisher_information(Problem(MODELS.get(name), {}), np.random.default_rng(0))
    if name == "cauchy" and found is not None:
        # SymPy reaches the Cauchy's moments on a fast enough machine: then it is right
        assert found.per_observation == sp.Matrix([[sp.Rational(1, 2)]])
    else:
        assert found is None


@pytest.mark.parametrize("name", sorted(TEXTBOOK))
@settings(max_examples=8, deadline=None)
@given(u=st.floats(0.05, 0.95), w=st.floats(0.2, 5.0), count=st.integers(1, 20))
def test_information_is_the_textbook_value(name, u, w, count):
    model = MODELS.get(name)
    values = {}
    for q in (*model.parameters, *model.constants):
        values[q.name] = {"theta": u, "p": u, "m": count, "r": count}.get(q.name, w)
    symbols = {q.symbol: values[q.name] for q in (*model.parameters, *model.constants)}
    engine = np.array(_information(name).xreplace(symbols).evalf(), dtype=float)
    assert np.allclose(engine, np.atleast_2d(TEXTBOOK[name](values)), rtol=1e-10)


# name → (scipy distribution at the values, the values)
SIMULATED = {
    "bernoulli": (stats.bernoulli(0.3), {"theta": 0.3}),
    "poisson": (stats.poisson(2.5), {"lambda": 2.5}),
    "exponential": (stats.expon(scale=1 / 1.7), {"lambda": 1.7}),
    "geometric": (stats.geom(0.4), {"p": 0.4}),
    "normal": (stats.norm(1.0, np.sqrt(2.0)), {"mu": 1.0, "sigma2": 2.0}),
    "gamma": (stats.gamma(3.0, scale=1 / 2.0), {"beta": 2.0, "alpha": 3.0}),
    "binomial": (stats.binom(5, 0.3), {"theta": 0.3, "m": 5}),
    "lognormal": (stats.lognorm(np.sqrt(0.4), scale=np.exp(0.2)), {"mu": 0.2, "sigma2": 0.4}),
    "rayleigh": (stats.rayleigh(scale=np.sqrt(0.7)), {"sigma2": 0.7}),
    "pareto": (stats.pareto(2.5, scale=1.5), {"alpha": 2.5, "x_m": 1.5}),
    "weibull": (stats.weibull_min(1.7, scale=2.0), {"lambda": 2.0, "k": 1.7}),
    "logistic": (stats.logistic(0.3), {"mu": 0.3}),
    "half_normal": (stats.halfnorm(scale=np.sqrt(1.2)), {"sigma2": 1.2}),
    "negative_binomial": (stats.nbinom(3, 0.6), {"theta": 0.6, "r": 3}),
    "inverse_gaussian": (stats.invgauss(1.5 / 2.0, scale=2.0), {"mu": 1.5, "lambda": 2.0}),
    "beta": (stats.beta(2.0, 3.0), {"alpha": 2.0, "beta": 3.0}),
    "gamma2": (stats.gamma(2.5, scale=1 / 1.5), {"alpha": 2.5, "beta": 1.5}),
}


def test_every_model_with_information_is_simulated():
    assert set(SIMULATED) == set(TEXTBOOK)


@pytest.mark.parametrize("name", sorted(SIMULATED))
def test_information_matches_simulation(name):
    """Var(score) and E[−ℓ''] over 10⁵ draws agree with I(θ) within 4 standard errors."""
    distribution, values = SIMULATED[name]
    model = MODELS.get(name)
    x = observation_symbol(model)
    arguments = [q.symbol for q in (*model.parameters, *model.constants)]
    log_density = sp.log(model.density(x, *arguments))
    at = {q.symbol: values[q.name] for q in (*model.parameters, *model.constants)}
    draws = distribution.rvs(size=100_000, random_state=np.random.default_rng(5))
    information = np.atleast_2d(np.array(_information(name).xreplace(at), dtype=float))
    estimated = [q.symbol for q in model.estimated]
    scores = [sp.lambdify(x, sp.diff(log_density, q).xreplace(at))(draws) for q in estimated]
    for a, qa in enumerate(estimated):
        for b, qb in enumerate(estimated):
            product = np.broadcast_to(scores[a] * scores[b], draws.shape)
            second = sp.lambdify(x, -sp.diff(log_density, qa, qb).xreplace(at))(draws)
            second = np.broadcast_to(second, draws.shape)
            for sample in (product, second):
                error = sample.std() / np.sqrt(sample.size)
                assert abs(sample.mean() - information[a, b]) <= 4 * error + 1e-12


@pytest.mark.parametrize(
    "name,distribution,values",
    [
        ("poisson", stats.poisson(3.2), {"lambda": 3.2}),
        ("normal", stats.norm(-0.5, np.sqrt(1.3)), {"mu": -0.5, "sigma2": 1.3}),
        ("rayleigh", stats.rayleigh(scale=np.sqrt(0.7)), {"sigma2": 0.7}),
        ("lognormal", stats.lognorm(np.sqrt(0.4), scale=np.exp(0.2)), {"mu": 0.2, "sigma2": 0.4}),
    ],
)
def test_moments_match_scipy(name, distribution, values):
    model = MODELS.get(name)
    found = fisher_information(Problem(model, {}), np.random.default_rng(1))
    at = {q.symbol: values[q.name] for q in model.parameters}
    x = observation_symbol(model)
    reference = {
        x: distribution.mean,
        x**2: lambda: distribution.moment(2),
        sp.log(x): lambda: distribution.expect(np.log),
        sp.log(x) ** 2: lambda: distribution.expect(lambda v: np.log(v) ** 2),
    }
    assert found.moments
    for g, value in found.moments.items():
        assert float(value.xreplace(at)) == pytest.approx(reference[g](), rel=1e-7)


def test_the_derivation_shows_information_and_standard_errors():
    d = mlemap.derive("bernoulli")
    step = next(s for s in d.steps if s.kind == "information")
    (t,) = d.parameters
    estimate = hat(t)
    assert sp.simplify(step.lines[-1].rhs ** 2 - estimate * (1 - estimate) / n) == 0
    assert step.check.method == "numeric"
    assert "observed information" in step.explanation and "equals" in step.explanation
    normal = next(s for s in mlemap.derive("normal").steps if s.kind == "information")
    mu_se = normal.lines[-2]
    sigma2_hat = hat(sp.Symbol("sigma2", positive=True))
    assert sp.simplify(mu_se.rhs**2 - sigma2_hat / n) == 0


def test_map_derivations_have_no_information_step():
    assert all(s.kind != "information" for s in mlemap.derive("bernoulli", prior="beta").steps)


@pytest.mark.parametrize(
    "name,distribution,values",
    [
        ("poisson", stats.poisson(3.2), {"lambda": 3.2}),
        ("binomial", stats.binom(7, 0.35), {"theta": 0.35, "m": 7}),
        ("geometric", stats.geom(0.4), {"p": 0.4}),
        ("negative_binomial", stats.nbinom(3, 0.6), {"theta": 0.6, "r": 3}),
        ("gamma", stats.gamma(2.5, scale=1 / 1.5), {"beta": 1.5, "alpha": 2.5}),
        ("normal", stats.norm(-0.5, np.sqrt(1.3)), {"mu": -0.5, "sigma2": 1.3}),
    ],
)
def test_higher_moments_by_differentiating_in_the_parameter_match_scipy(name, distribution, values):
    """E[x²], E[x³], E[x⁴] where the score is linear in x (SymPy cannot sum x⁴λˣ/x!)."""
    model = MODELS.get(name)
    x = observation_symbol(model)
    wanted = {x**2, x**3, x**4}
    found, _ = moments(model, wanted)
    at = {q.symbol: values[q.name] for q in (*model.parameters, *model.constants)}
    for k in (2, 3, 4):
        assert float(found[x**k].xreplace(at)) == pytest.approx(distribution.moment(k), rel=1e-10)


@given(
    st.floats(0.1, 5),
    st.floats(0.1, 5),
    st.floats(0.1, 5),
    st.floats(1.05, 20),
)
@settings(max_examples=25, deadline=None)
def test_exp_of_logs_as_powers_is_the_same_function(a, b, c, x):
    u, v, w = sp.symbols("u v w", positive=True)
    y = sp.Symbol("y", positive=True)
    expr = u * sp.exp(-w * (sp.log(y) - sp.log(v)) - u * sp.log(y) + y / v) / y
    powers = as_powers(expr)
    assert not any(e.args[0].has(sp.log) for e in powers.atoms(sp.exp))
    point = {u: a, v: b, w: c, y: x}
    assert float(powers.subs(point)) == pytest.approx(float(expr.subs(point)), rel=1e-12)


def test_the_pareto_laplace_transform_is_integrated():
    """E[(x/m)^(−t)] = α/(α + t): an exp of logs SymPy ran out of time on, before it was
    written as powers (the Pareto's efficiency then came and went with the machine's load)."""
    model = MODELS.get("pareto")
    x = observation_symbol(model)
    alpha, m = (s.symbol for s in (*model.parameters, *model.constants))
    t = sp.Symbol("t", positive=True)
    g = sp.exp(-t * (sp.log(x) - sp.log(m)))
    found, _ = moments(model, {g})
    assert sp.simplify(found[g] - alpha / (alpha + t)) == 0


def _erlang_known_shape() -> Model:
    k, lam = Parameter("k", POSITIVE_INTEGER), Parameter("lam", POSITIVE)
    return Model(
        "erlang_known_shape",
        (lam,),
        Support(0, sp.oo, lower_open=True),
        lambda x, lam, k: lam**k * x ** (k - 1) * sp.exp(-lam * x) / sp.factorial(k - 1),
        constants=(k,),
    )


@pytest.mark.parametrize("shape", [1, 7, 30])
def test_a_numeric_expectation_at_a_large_power_is_scipys(shape):
    """E[x] and E[x²] under an Erlang(k, λ), computed apart from SymPy, are scipy's."""
    model = _erlang_known_shape()
    x = sp.Symbol("x", positive=True)
    values = {sp.Symbol("k", integer=True, positive=True): shape, model.parameters[0].symbol: 0.5}
    reference = stats.gamma(shape, scale=2)
    for power in (1, 2):
        found = numeric_expectation(x**power, model, x, values)
        assert found == pytest.approx(reference.moment(power), rel=1e-8)


def test_an_erlang_rate_with_known_shape_has_its_information():
    """The quadrature check of k/λ² reaches x where x**(k − 1) is past a float: inf, not an
    OverflowError out of the derivation."""
    d = mlemap.derive(_erlang_known_shape())
    k, lam = sp.Symbol("k", integer=True, positive=True), d.parameters[0]
    assert sp.simplify(d.information.per_observation[0, 0] - k / lam**2) == 0
    assert next(s for s in d.steps if s.kind == "information").check.method == "numeric"
