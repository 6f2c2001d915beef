"""The rest of the parameters after a boundary estimate, where they have no closed form: the
profile log-likelihood, its score equations, and the numeric method on them.

Two models, declared with the public constructors as a user would write them:

* the truncated Pareto on [x_m, u] with shape b (scipy's ``truncpareto`` with ``loc = 0``,
  scale x_m and c = u/x_m): x̂_m = x₍₁₎ and û = x₍ₙ₎ whatever b, and b̂ solves
  n/b + n r^b log r/(1 − r^b) − Σ log(xᵢ/x₍₁₎) = 0 with r = x₍₁₎/x₍ₙ₎ (Aban, Meerschaert &
  Panorska 2006, JASA 101, eq. 5), which has no closed form;
* the exponential of rate λ truncated at θ, density λe^(−λx)/(1 − e^(−λθ)) on [0, θ]
  (scipy's ``truncexpon`` with shape θλ and scale 1/λ). The boundary estimate θ̂ = x₍ₙ₎ is
  provably right: ∂ℓ/∂θ = −nλ/(e^(λθ) − 1) < 0 for every λ > 0, so ℓ decreases on the
  feasible set θ ≥ x₍ₙ₎ whatever λ, and the maximum over both is the maximum over λ of
  ℓ(λ, x₍ₙ₎). Its score n/λ − Σxᵢ − n x₍ₙ₎ e^(−λx₍ₙ₎)/(1 − e^(−λx₍ₙ₎)) = 0 (Deemer & Votaw
  1955, Ann. Math. Statist. 26) has no closed form; it has a root exactly when x̄ < x₍ₙ₎/2.

Each is compared with ``scipy.stats.X.fit`` where scipy fits it and with an independent
``scipy.optimize`` maximisation of scipy's log-density over every parameter, under
hypothesis.
"""

from __future__ import annotations

import functools
import time

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

import mlemap
from mlemap import POSITIVE, Model, Parameter, Support
from mlemap.catalog.symbols import i, n
from mlemap.engine.notation import LogLikelihood
from mlemap.engine.order import Largest, Smallest

SHAPE = Parameter("b", POSITIVE)
LOWER = Parameter("x_m", POSITIVE, "x_{m}")
UPPER = Parameter("u", POSITIVE)
TRUNCATED_PARETO = Model(
    "truncated_pareto",
    (SHAPE, LOWER, UPPER),
    Support(LOWER.symbol, UPPER.symbol),
    lambda x, b, m, u: b * m**b * x ** (-b - 1) / (1 - (m / u) ** b),
    description="Pareto of shape b on [x_m, u]",
)
RATE = Parameter("lambda", POSITIVE, r"\lambda")
END = Parameter("theta", POSITIVE, r"\theta")
TRUNCATED_EXPONENTIAL = Model(
    "truncated_exponential",
    (RATE, END),
    Support(0, END.symbol),
    lambda x, lam, t: lam * sp.exp(-lam * x) / (1 - sp.exp(-lam * t)),
    description="exponential of rate λ truncated at θ",
)


MODELS = {m.name: m for m in (TRUNCATED_PARETO, TRUNCATED_EXPONENTIAL)}


def _derived(model: Model):
    return _derived_by_name(model.name)


@functools.cache
def _derived_by_name(name: str):
    started = time.process_time()
    d = mlemap.derive(MODELS[name])
    return d, time.process_time() - started


def _estimator(model: Model):
    return _estimator_by_name(model.name)


@functools.cache
def _estimator_by_name(name: str):
    return _derived_by_name(name)[0].estimator()


@pytest.mark.parametrize(
    ("model", "at"),
    [
        (TRUNCATED_PARETO, {"x_m": Smallest, "u": Largest}),
        (TRUNCATED_EXPONENTIAL, {"theta": Largest}),
    ],
)
def test_the_boundary_step_then_the_profile_and_its_score_equations(model, at):
    d, seconds = _derived(model)
    x = d.model.x
    assert seconds < 10
    assert not d.closed_form
    assert {str(p): e for p, e in d.estimates.items()} == {k: f(x, n) for k, f in at.items()}
    kinds = [s.kind for s in d.steps]
    held = len(at)
    assert kinds == [
        "model",
        "likelihood",
        "feasible-set",
        "log-likelihood",
        *["boundary"] * held,
        "profile",
        "score",
        "no-closed-form",
    ]
    profile, score, unsolved = d.steps[-3:]
    put_in = {p: d.estimates[p] for p in d.estimates}
    (line,) = profile.lines
    # ℓ(b, x₍₁₎, x₍ₙ₎): the log-likelihood with the boundary estimates put in
    assert line.lhs == LogLikelihood(*d.parameters).xreplace(put_in)
    assert sp.simplify(line.rhs - d.objective.xreplace(put_in)) == 0
    assert not line.rhs.has(*put_in)
    rest = [p for p in d.parameters if p not in put_in]
    assert [e.lhs.variables for e in score.lines] == [(p,) for p in rest]
    for e, p in zip(score.lines, rest, strict=True):
        assert sp.simplify(e.rhs - sp.diff(line.rhs, p)) == 0
    assert unsolved.lines == tuple(sp.Eq(e.rhs, 0) for e in score.lines)
    assert "profile log-likelihood" in profile.explanation
    assert repr(d).endswith(f"; {', '.join(map(str, rest))} numerically>")
    assert "numeric estimator computes" in unsolved.explanation
    markdown, latex = d.to_markdown(), d.to_latex()  # every displayed equation read back
    assert "Profile log-likelihood" in markdown and "x_{(n)}" in latex


def _at_random_data(expr: sp.Expr, x: sp.IndexedBase, data: np.ndarray, values: dict) -> float:
    """``expr`` at the data (sums and order statistics evaluated) and parameter values."""
    size = len(data)
    concrete = expr.subs(n, size).doit().subs({x[k + 1]: v for k, v in enumerate(data)})
    return float(concrete.subs(values))


def test_the_profile_score_is_the_textbook_one():
    """Aban, Meerschaert & Panorska's equation for b̂, at random data and b."""
    d, _ = _derived(TRUNCATED_PARETO)
    (score,) = d.steps[-2].lines
    b = d.parameters[0]
    rng = np.random.default_rng(7)
    for _ in range(3):
        data = stats.truncpareto.rvs(2, 4, scale=1.5, size=6, random_state=rng)
        shape = float(rng.uniform(0.3, 4))
        r = data.min() / data.max()
        textbook = (
            6 / shape + 6 * r**shape * np.log(r) / (1 - r**shape) - np.log(data / data.min()).sum()
        )
        got = _at_random_data(score.rhs, d.model.x, data, {b: shape})
        assert got == pytest.approx(textbook, rel=1e-12)


def _profile_maximum(log_likelihood, low: float, high: float) -> float:
    """scipy's bounded search of the profile log-likelihood on a log scale, in the cell of
    a grid where the grid is highest (scipy's log-density loses digits far from it)."""
    grid = np.linspace(np.log(low), np.log(high), 401)
    k = int(np.argmax([log_likelihood(np.exp(v)) for v in grid]))
    found = optimize.minimize_scalar(
        lambda v: -log_likelihood(np.exp(v)),
        bounds=(grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]),
        method="bounded",
        options={"xatol": 1e-12},
    )
    return float(np.exp(found.x))


def _has_a_maximum(size: int, spread: float, total: float) -> bool:
    """Whether the profile log-likelihood has its maximum inside (0, ∞). For both models it
    is strictly concave there, its second derivative (n/θ²)((t/2)²/sinh²(t/2) − 1) < 0 with
    t = θ log(x₍ₙ₎/x₍₁₎) (Pareto, θ = b) or t = θ x₍ₙ₎ (exponential, θ = λ), and its score
    tends to n·spread/2 − total as θ → 0: a maximum inside exactly when that is positive."""
    return size * spread / 2 - total > 0


def _estimate(model: Model, x: np.ndarray, has_a_maximum: bool) -> dict | None:
    """The estimate, or, where the profile has no maximum inside the domain, None after
    checking that the estimator says so."""
    f = _estimator(model)
    if not has_a_maximum:
        with pytest.raises(mlemap.ConvergenceError, match="no maximum inside the domain"):
            f(x)
        return None
    return f(x)


def _direct_maximum(log_likelihood, start: list[float], positive: int) -> float:
    """The highest log-likelihood scipy's Nelder–Mead finds over every parameter, from
    inside the feasible set (scipy's log-density is -inf outside the support)."""

    def negative(t):
        value = log_likelihood(*t) if t[positive] > 0 else -np.inf
        return -value if np.isfinite(value) else 1e300

    options = {"xatol": 1e-12, "fatol": 1e-12}
    return -optimize.minimize(negative, start, method="Nelder-Mead", options=options).fun


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    size=st.integers(3, 300),
    shape=st.floats(0.3, 5.0),
    c=st.floats(1.5, 20.0),
)
def test_the_truncated_pareto_matches_scipy(seed, size, shape, c):
    x = stats.truncpareto.rvs(shape, c, scale=1.5, size=size, random_state=seed)
    spread, total = np.log(x.max() / x.min()), np.log(x / x.min()).sum()
    got = _estimate(TRUNCATED_PARETO, x, _has_a_maximum(size, spread, total))
    if got is None:
        return
    assert (got["x_m"], got["u"]) == (x.min(), x.max())

    def log_likelihood(b, m, u):
        return stats.truncpareto.logpdf(x, b, u / m, scale=m).sum()

    ours = log_likelihood(got["b"], got["x_m"], got["u"])
    # scipy's own fit, with the benchmark's fixed location
    b, cc, _, scale = stats.truncpareto.fit(x, floc=0)
    assert got["x_m"] == pytest.approx(scale, rel=1e-12)
    assert got["u"] == pytest.approx(scale * cc, rel=1e-12)
    theirs = log_likelihood(b, scale, scale * cc)
    assert got["b"] == pytest.approx(b, rel=1e-6) or ours >= theirs
    best = _direct_maximum(log_likelihood, [1.0, 0.9 * x.min(), 1.1 * x.max()], positive=1)
    assert ours >= best - 1e-9 * abs(ours)
    # and scipy's bounded search in b at the order statistics, to 1e-6
    profile = _profile_maximum(lambda v: log_likelihood(v, x.min(), x.max()), 1e-8, 1e4)
    higher = ours >= log_likelihood(profile, x.min(), x.max())
    assert got["b"] == pytest.approx(profile, rel=1e-6) or higher


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    size=st.integers(3, 300),
    rate=st.floats(0.2, 5.0),
    end=st.floats(0.5, 10.0),
)
def test_the_truncated_exponential_matches_scipy(seed, size, rate, end):
    """scipy's truncexpon in this model's parameters: shape θλ, scale 1/λ (its generic fit
    is not a maximum-likelihood reference near a moving end, so a direct search is)."""
    theta = end / rate
    x = stats.truncexpon.rvs(rate * theta, scale=1 / rate, size=size, random_state=seed)
    got = _estimate(TRUNCATED_EXPONENTIAL, x, _has_a_maximum(size, x.max(), x.sum()))
    if got is None:
        return
    assert got["theta"] == x.max()

    def log_likelihood(lam, t):
        # standardised as λx against λθ, so that x₍ₙ₎ = θ stays inside scipy's support
        # (x / (1/λ) may round above λθ)
        return stats.truncexpon.logpdf(lam * x, lam * t).sum() + len(x) * np.log(lam)

    ours = log_likelihood(got["lambda"], got["theta"])
    best = _direct_maximum(log_likelihood, [1 / x.mean(), 1.1 * x.max()], positive=0)
    assert ours >= best - 1e-9 * abs(ours)
    # a value search stops near √ε relative where the maximum is flat: there ours is higher
    profile = _profile_maximum(lambda v: log_likelihood(v, x.max()), 1e-8, 1e4)
    higher = ours >= log_likelihood(profile, x.max())
    assert got["lambda"] == pytest.approx(profile, rel=1e-6) or higher


def test_the_estimator_reduces_with_numpy_min_and_max_then_maximises_the_rest():
    f = _estimator(TRUNCATED_PARETO)
    assert f.method == "numeric"
    assert f.source.count("numpy.min(x)") == 1 and f.source.count("numpy.max(x)") == 1
    assert "for " not in f.source
    # the data may lie anywhere in (0, ∞): both ends are estimated, none is checked
    assert set(f([1.0, 2.0, 3.0, 10.0, 1.1, 1.2, 1.3])) == {"b", "x_m", "u"}
    # x₍₁₎ ≤ 0 gives an x̂_m outside its domain, refused before any maximisation
    with pytest.raises(mlemap.DataError, match=r"MLE of x_m is -1.0 .* outside \(0, ∞\)"):
        f([-1.0, 2.0, 3.0])


def test_data_with_no_maximum_inside_the_domain_are_refused_with_the_values_put_in():
    """x̄ ≥ x₍ₙ₎/2: the profile log-likelihood increases as λ → 0, the density would have to
    rise; all observations equal: x₍₁₎ = x₍ₙ₎ and the truncated Pareto has no density."""
    with pytest.raises(mlemap.ConvergenceError, match=r"profile log-likelihood over lambda"):
        _estimator(TRUNCATED_EXPONENTIAL)([1.0, 2.0, 3.0, 3.5, 3.9])
    with pytest.raises(mlemap.ConvergenceError, match=r"with x_m = 2, u = 2 put in"):
        _estimator(TRUNCATED_PARETO)([2.0, 2.0, 2.0])


def test_fit_says_that_a_boundary_estimate_has_no_standard_errors():
    d, _ = _derived(TRUNCATED_EXPONENTIAL)
    x = stats.truncexpon.rvs(3, size=50, random_state=1)
    with pytest.raises(mlemap.MlemapError, match=r"theta .* end of its feasible set"):
        d.fit(x)


def test_the_profile_is_the_log_likelihood_at_the_order_statistics():
    """At data, the profile log-likelihood is scipy's log-likelihood at (b, x₍₁₎, x₍ₙ₎)."""
    d, _ = _derived(TRUNCATED_PARETO)
    (line,) = d.steps[-3].lines
    data = stats.truncpareto.rvs(2, 4, scale=1.5, size=7, random_state=3)
    b = d.parameters[0]
    got = _at_random_data(line.rhs, d.model.x, data, {b: 1.7})
    expected = stats.truncpareto.logpdf(data, 1.7, data.max() / data.min(), scale=data.min())
    assert got == pytest.approx(expected.sum(), rel=1e-12)
    assert sp.Sum(sp.log(d.model.x[i]), (i, 1, n)) in line.rhs.atoms(sp.Sum)
