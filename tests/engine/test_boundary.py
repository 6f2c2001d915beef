"""Supports that depend on a parameter: feasible sets, boundary maxima, order statistics.

Each model is declared with the public constructors as a user would write it, derived,
rendered, estimated, and compared with scipy: ``scipy.stats.X.fit`` and an independent
``scipy.optimize`` maximisation of scipy's log-density, under hypothesis.
"""

from __future__ import annotations

import functools
import time

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

import mlemap
from mlemap import POSITIVE, REAL, Model, Parameter, Support
from mlemap.catalog.symbols import hat, i, n
from mlemap.engine.order import Largest, Smallest

THETA = Parameter("theta", POSITIVE, r"\theta")
SHIFT = Parameter("theta", REAL, r"\theta")
RATE = Parameter("lambda", POSITIVE, r"\lambda")
SCALE = Parameter("x_m", POSITIVE, "x_{m}")
SHAPE = Parameter("alpha", POSITIVE, r"\alpha")
A, B = Parameter("a", REAL), Parameter("b", REAL)

SHIFTED = Model(
    "shifted_exponential",
    (SHIFT, RATE),
    Support(SHIFT.symbol, sp.oo),
    lambda x, t, lam: lam * sp.exp(-lam * (x - t)),
    description="exponential waiting time after a threshold θ",
)
SHIFTED_KNOWN_RATE = SHIFTED.with_known(["lambda"])
PARETO = Model(
    "pareto_both",
    (SCALE, SHAPE),
    Support(SCALE.symbol, sp.oo),
    lambda x, m, a: a * m**a / x ** (a + 1),
    description="Pareto with its minimum and shape unknown",
)
UNIFORM_AB = Model(
    "uniform_ab",
    (A, B),
    Support(A.symbol, B.symbol),
    lambda x, a, b: 1 / (b - a),
    description="uniform on [a, b]",
)


@functools.cache
def _estimator(name):
    return mlemap.derive(MODELS[name]).estimator()


def _derive(model):
    started = time.perf_counter()
    d = mlemap.derive(model)
    return d, time.perf_counter() - started


MODELS = {
    "uniform": "uniform",
    "shifted": SHIFTED,
    "shifted_known_rate": SHIFTED_KNOWN_RATE,
    "pareto": PARETO,
    "uniform_ab": UNIFORM_AB,
}


@pytest.fixture(scope="module")
def derived():
    return {k: _derive(m) for k, m in MODELS.items()}


def test_the_estimates_are_the_order_statistics(derived):
    for model, expected in [
        ("uniform", {"theta": lambda x: Largest(x, n)}),
        ("shifted_known_rate", {"theta": lambda x: Smallest(x, n)}),
        (
            "shifted",
            {
                "theta": lambda x: Smallest(x, n),
                "lambda": lambda x: n / (sp.Sum(x[i], (i, 1, n)) - n * Smallest(x, n)),
            },
        ),
        (
            "pareto",
            {
                "x_m": lambda x: Smallest(x, n),
                "alpha": lambda x: (
                    n / (sp.Sum(sp.log(x[i]), (i, 1, n)) - n * sp.log(Smallest(x, n)))
                ),
            },
        ),
        ("uniform_ab", {"a": lambda x: Smallest(x, n), "b": lambda x: Largest(x, n)}),
    ]:
        d, seconds = derived[model]
        x = d.model.x
        assert {str(p): e for p, e in d.estimates.items()}.keys() == expected.keys()
        for p, e in d.estimates.items():
            assert sp.simplify(e - expected[str(p)](x)) == 0, (model, p, e)
        assert seconds < 10, (model, seconds)


def test_the_derivation_says_why_the_derivative_test_does_not_apply(derived):
    d, _ = derived["uniform"]
    kinds = [s.kind for s in d.steps]
    assert kinds == ["model", "likelihood", "feasible-set", "log-likelihood", "boundary", "result"]
    feasible = d.steps[2]
    assert feasible.lines == (sp.GreaterThan(d.parameters[0], Largest(d.model.x, n)),)
    assert "order statistics" in feasible.explanation
    assert feasible.check.method == "numeric" and "both sides" in feasible.check.detail
    boundary = d.steps[4]
    assert "derivative test does not apply" in boundary.explanation
    assert "negative" in boundary.explanation and "decreases" in boundary.explanation
    assert boundary.check.method == "symbolic"
    assert boundary.lines[0].rhs == -n / d.parameters[0]
    assert d.information is None and not d.biases
    assert "(1/n)" not in d.to_markdown()
    assert str(d.results[0]) == "Eq(theta_hat, x_(n))"


def test_the_other_parameters_follow_as_if_the_boundary_one_were_known(derived):
    d, _ = derived["pareto"]
    kinds = [s.kind for s in d.steps]
    assert kinds[:6] == [
        "model",
        "likelihood",
        "feasible-set",
        "log-likelihood",
        "boundary",
        "profile",
    ]
    assert "score" in kinds and "second-order" in kinds
    assert d.steps[4].explanation.count("positive") == 1
    # α̂ is shown in terms of x̂_m, the way a handout writes it.
    shown = d.display_estimates[d.parameters[1]]
    assert hat(sp.Symbol("x_m", positive=True)) in shown.free_symbols


@pytest.mark.parametrize("model", ["uniform", "shifted", "pareto", "uniform_ab"])
def test_every_boundary_derivation_renders_and_reads_back(derived, model):
    d, _ = derived[model]
    markdown, latex = d.to_markdown(), d.to_latex()
    assert "x_{(1)}" in markdown + latex or "x_{(n)}" in markdown + latex
    assert "Feasible set" in markdown and "derivative test does not apply" in latex


def _maximise(log_likelihood, first, log_second):
    """scipy.optimize on scipy's log-likelihood, nested: the first parameter over the
    interval ``first``, and for each value the second (positive, searched as its log over
    ``log_second``) by its own bounded search. Outside the support scipy gives -inf."""

    def best_second(t):
        found = optimize.minimize_scalar(
            lambda u: _minus(log_likelihood(t, np.exp(u))),
            bounds=log_second,
            method="bounded",
            options={"xatol": 1e-12},
        )
        return found.x, found.fun

    # The likelihood is 0 on one side of the boundary: a grid finds the right cell first.
    grid = np.linspace(*first, 401)
    k = int(np.argmin([best_second(t)[1] for t in grid]))
    cell = (grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)])
    found = optimize.minimize_scalar(
        lambda t: best_second(t)[1], bounds=cell, method="bounded", options={"xatol": 1e-13}
    )
    return found.x, np.exp(best_second(found.x)[0])


def _is_the_maximum(log_likelihood, ours, first):
    """``ours`` (boundary parameter, positive one) against the nested scipy search."""
    theirs = _maximise(log_likelihood, first, (-8, 8))
    assert ours[0] == pytest.approx(theirs[0], rel=1e-6, abs=1e-6)
    # Near a boundary maximum the optimiser's second parameter moves with its first one:
    # compare the maxima as well.
    assert ours[1] == pytest.approx(theirs[1], rel=1e-3)
    best = log_likelihood(*ours)
    assert best >= log_likelihood(*theirs) - 1e-9 * abs(best)


def _minus(value):
    return -value if np.isfinite(value) else 1e300


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(2, 60), scale=st.floats(0.1, 50.0))
def test_uniform_matches_scipy(seed, size, scale):
    x = stats.uniform.rvs(0, scale, size=size, random_state=np.random.default_rng(seed))
    got = _estimator("uniform")(x)["theta"]
    assert got == pytest.approx(stats.uniform.fit(x, floc=0)[1], rel=1e-12)
    found = optimize.minimize_scalar(
        lambda t: -stats.uniform.logpdf(x, 0, t).sum() if t >= x.max() else 1e300,
        bounds=(x.max() / 2, 3 * x.max()),
        method="bounded",
        options={"xatol": 1e-12 * x.max()},
    )
    assert got == pytest.approx(found.x, rel=1e-6)


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(3, 60), shift=st.floats(-20, 20))
def test_shifted_exponential_matches_scipy(seed, size, shift):
    x = stats.expon.rvs(shift, 2.0, size=size, random_state=np.random.default_rng(seed))
    got = _estimator("shifted")(x)
    loc, scale = stats.expon.fit(x)
    assert got["theta"] == pytest.approx(loc, rel=1e-9, abs=1e-12)
    assert got["lambda"] == pytest.approx(1 / scale, rel=1e-9)
    _is_the_maximum(
        lambda t, lam: stats.expon.logpdf(x, t, 1 / lam).sum(),
        (got["theta"], got["lambda"]),
        (x.min() - 5, x.min() + 5),
    )


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(3, 60), shape=st.floats(0.5, 6.0))
def test_pareto_with_both_unknown_matches_scipy(seed, size, shape):
    x = stats.pareto.rvs(shape, scale=3.0, size=size, random_state=np.random.default_rng(seed))
    got = _estimator("pareto")(x)
    assert got["x_m"] == x.min()
    assert got["alpha"] == pytest.approx(size / np.log(x / x.min()).sum(), rel=1e-12)
    _is_the_maximum(
        lambda m, a: stats.pareto.logpdf(x, a, scale=m).sum(),
        (got["x_m"], got["alpha"]),
        (x.min() / 2, 2 * x.min()),
    )


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(2, 60), low=st.floats(-50, 50))
def test_uniform_on_a_b_matches_scipy(seed, size, low):
    x = stats.uniform.rvs(low, 3.0, size=size, random_state=np.random.default_rng(seed))
    got = _estimator("uniform_ab")(x)
    loc, scale = stats.uniform.fit(x)
    assert (got["a"], got["b"]) == (x.min(), x.max())
    assert got["a"] == pytest.approx(loc, rel=1e-12, abs=1e-12)
    assert got["b"] == pytest.approx(loc + scale, rel=1e-12)


def test_the_estimator_reduces_with_one_min_or_max_each():
    source = mlemap.derive(UNIFORM_AB).estimator().source
    assert source.count("numpy.min(x)") == 1 and source.count("numpy.max(x)") == 1
    assert "for " not in source


def test_the_estimator_checks_only_the_fixed_end_of_the_support():
    f = mlemap.derive("uniform").estimator()
    assert f([0.5, 2.0, 7.25]) == {"theta": 7.25}
    with pytest.raises(mlemap.DataError, match="support"):
        f([-1.0, 2.0])
    assert mlemap.derive(SHIFTED).estimator()([-5.0, -3.0, 1.0])["theta"] == -5.0


def test_a_prior_on_a_boundary_model_is_refused_by_name():
    with pytest.raises(mlemap.UnsupportedModelError, match="a prior is given"):
        mlemap.derive("uniform", prior="gamma")


LOG_UNIFORM = Model(
    "log_uniform",
    (Parameter("a", POSITIVE), Parameter("b", POSITIVE)),
    Support(Parameter("a", POSITIVE).symbol, Parameter("b", POSITIVE).symbol),
    lambda x, a, b: 1 / (x * (sp.log(b) - sp.log(a))),
    description="log-uniform (reciprocal) on [a, b]",
)


def test_a_score_with_a_difference_of_logs_has_its_sign_proved():
    from mlemap.engine.domain_checks import sign

    x, u, v = (sp.Dummy(s, positive=True) for s in "xuv")
    w = sp.Dummy("w", nonnegative=True)
    assert sign(n / (x / (1 + u) * (sp.log(x + w + v) - sp.log(x / (1 + u))))) == 1
    assert sign(sp.log(x / (x + v))) == -1
    assert sign(sp.log(x - v)) is None  # x − v may be negative, so no sign is claimed
    d = mlemap.derive(LOG_UNIFORM)
    assert d.closed_form and {str(p): e for p, e in d.estimates.items()} == {
        "a": Smallest(d.model.x, n),
        "b": Largest(d.model.x, n),
    }
    assert "boundary" in [s.kind for s in d.steps]
    d.to_markdown(), d.to_latex()  # every displayed equation read back


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(2, 60), low=st.floats(0.01, 50))
def test_log_uniform_matches_scipy(seed, size, low):
    x = stats.loguniform.rvs(low, 7 * low, size=size, random_state=np.random.default_rng(seed))
    got = mlemap.derive(LOG_UNIFORM).estimator()(x)
    a, b, _, _ = stats.loguniform.fit(x, floc=0, fscale=1)
    assert (got["a"], got["b"]) == (x.min(), x.max())
    assert got["a"] == pytest.approx(a, rel=1e-6) and got["b"] == pytest.approx(b, rel=1e-6)


TRUNCATED_PARETO = Model(
    "truncated_pareto",
    (SCALE, Parameter("u", POSITIVE)),
    Support(SCALE.symbol, Parameter("u", POSITIVE).symbol),
    lambda x, m, u, b: b * m**b * x ** (-b - 1) / (1 - (m / u) ** b),
    constants=(Parameter("b", POSITIVE),),
    description="Pareto of shape b truncated at u",
)


def test_a_score_with_powers_of_one_exponent_has_its_sign_proved():
    """1 − (m/u)^b > 0 for 0 < m < u and b > 0: the assumptions alone do not see it; placing
    (m/u)^b below 1 does, and u^b − m^b is first written as u^b (1 − (m/u)^b)."""
    from mlemap.engine.domain_checks import sign

    x, a, c, b = (sp.Dummy(s, positive=True) for s in "xacb")
    w = sp.Dummy("w", nonnegative=True)
    m, u = x / (1 + a), x + w + c  # m ≤ x₍₁₎ ≤ x₍ₙ₎ ≤ u
    assert sign(1 - (m / u) ** b) == 1
    assert sign(u**b - m**b) == 1 and sign(m**b - u**b) == -1
    assert sign(1 - (m / u) ** (-b)) == -1  # a negative exponent turns the order round
    assert sign(n * b / (m * (1 - (m / u) ** b))) == 1
    assert sign(1 - (x / c) ** b) is None  # x and c unordered: no sign is claimed


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(2, 60), shape=st.floats(0.2, 5))
def test_a_truncated_pareto_has_both_ends_at_the_order_statistics(seed, size, shape):
    d = _truncated()
    assert {str(p): e for p, e in d.estimates.items()} == {
        "x_m": Smallest(d.model.x, n),
        "u": Largest(d.model.x, n),
    }
    x = stats.truncpareto.rvs(shape, 4, scale=1.5, size=size, random_state=seed)
    got = d.estimator()(x, b=shape)
    assert (got["x_m"], got["u"]) == (x.min(), x.max())

    def negative(t):  # scipy's log-density, the ends moved inside the data
        m, u = t
        if m > x.min() or u < x.max() or m <= 0:
            return np.inf
        return -stats.truncpareto.logpdf(x, shape, u / m, scale=m).sum()

    best = optimize.minimize(negative, [x.min() * 0.9, x.max() * 1.1], method="Nelder-Mead")
    assert negative([got["x_m"], got["u"]]) <= best.fun + 1e-9


@functools.cache
def _truncated():
    d = mlemap.derive(TRUNCATED_PARETO)
    d.to_markdown(), d.to_latex()  # every displayed equation read back
    return d


SKEW = Parameter("gamma", POSITIVE, r"\gamma")
#: Pearson type III of skew γ > 0 (scipy's pearson3 at loc 0, scale 1), on (−2/γ, ∞):
#: −2/γ ≤ x₍₁₎ bounds γ by −2/x₍₁₎ only where x₍₁₎ < 0, and ℓ is not monotone in γ.
PEARSON3 = Model(
    "pearson3",
    (SKEW,),
    Support(-2 / SKEW.symbol, sp.oo),
    lambda x, g: (
        (2 / g)
        / sp.gamma(4 / g**2)
        * ((2 / g) * (x + 2 / g)) ** (4 / g**2 - 1)
        * sp.exp(-(2 / g) * (x + 2 / g))
    ),
)


@functools.cache
def _pearson3():
    d = mlemap.derive(PEARSON3)
    d.to_markdown(), d.to_latex()  # every displayed equation read back
    return d


def test_a_bound_that_holds_for_some_data_only_is_stated_with_its_condition():
    """−2/γ takes every value below 0 as γ runs over (0, ∞): where x₍₁₎ ≥ 0 every γ is
    feasible, where x₍₁₎ < 0 the feasible set is γ ≤ −2/x₍₁₎; the maximum is inside."""
    d = _pearson3()
    g, first = SKEW.symbol, Smallest(d.model.x, n)
    feasible = next(s for s in d.steps if s.kind == "feasible-set")
    assert feasible.lines == (sp.Implies(first < 0, sp.Le(g, -2 / first), evaluate=False),)
    assert feasible.check.method == "numeric" and "on both sides" in feasible.check.detail
    assert "boundary" not in [s.kind for s in d.steps] and not d.closed_form
    assert d.solution.feasible == {g: (0, sp.Piecewise((-2 / first, first < 0), (sp.oo, True)))}
    text = d.to_markdown()
    assert r"x_{(1)} < 0 \Rightarrow \gamma \leq - \frac{2}{x_{(1)}}" in text
    assert r"where $x_{(1)} \geq 0$ every $\gamma$ in its domain is feasible" in text
    assert "the estimator says so rather than return a number" in text


def _pearson3_maximum(x):
    """An independent bounded maximisation of scipy's log-density over the feasible set."""
    top = -2 / x.min() if x.min() < 0 else 50.0
    negative = lambda g: -stats.pearson3.logpdf(x, g).sum()  # noqa: E731
    grid = np.linspace(top * 1e-3, top * (1 - 1e-9), 400)
    start = grid[np.argmin([negative(g) for g in grid])]
    step = top / 400
    low, high = max(start - step, top * 1e-6), min(start + step, top * (1 - 1e-12))
    return optimize.minimize_scalar(
        negative, bounds=(low, high), method="bounded", options={"xatol": 1e-12}
    )


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(60, 400), skew=st.floats(0.3, 1.8))
def test_pearson3_matches_a_bounded_maximisation_of_scipys_density(seed, size, skew):
    """Skews below 2 with the smallest observation below −1 (the usual case at these sizes):
    the maximum is inside the feasible set, and mlemap's is at least as high as scipy's."""
    x = stats.pearson3.rvs(skew, size=size, random_state=np.random.default_rng(seed))
    assume(x.min() < -1)  # else the likelihood is unbounded at the end (the test below)
    got = _pearson3().estimator()(x)["gamma"]
    assert 0 < got < -2 / x.min()
    best = _pearson3_maximum(x)
    assert got == pytest.approx(best.x, rel=1e-5)
    assert -stats.pearson3.logpdf(x, got).sum() <= best.fun + 1e-9
    fitted = stats.pearson3.fit(x, floc=0, fscale=1)[0]
    assert stats.pearson3.logpdf(x, got).sum() >= stats.pearson3.logpdf(x, fitted).sum() - 1e-9


def test_pearson3_is_unbounded_where_the_end_of_its_feasible_set_passes_two():
    """For −1 < x₍₁₎ < 0 the end −2/x₍₁₎ exceeds 2, where the exponent 4/γ² − 1 of the density
    at its lower end is negative: the likelihood grows without bound there, and no maximum
    exists. scipy's fit returns a number; mlemap says why it has none."""
    x = np.array([-0.6, -0.2, 0.1, 0.5, 0.9, 1.4, 2.2, 3.5])
    with pytest.raises(mlemap.DataError, match=r"grows without bound as gamma approaches 3\.33333"):
        _pearson3().estimator()(x)
    near = -2 / x.min() * (1 - 1e-12)
    assert stats.pearson3.logpdf(x, near).sum() > stats.pearson3.logpdf(x, 1.0).sum() + 10


def test_pearson3_with_no_negative_observation_has_no_bound_on_its_skew():
    """x₍₁₎ ≥ 0 leaves every γ > 0 feasible: the estimator maximises over (0, ∞)."""
    x = stats.pearson3.rvs(1.2, size=300, random_state=np.random.default_rng(3))
    x = x - x.min() + 0.05
    got = _pearson3().estimator()(x)["gamma"]
    negative = lambda g: -stats.pearson3.logpdf(x, g).sum()  # noqa: E731
    best = optimize.minimize_scalar(
        negative, bounds=(1e-3, 20), method="bounded", options={"xatol": 1e-12}
    )
    assert got == pytest.approx(best.x, rel=1e-5)


def test_pearson3_refuses_a_run_to_the_end_that_rounding_makes_look_like_a_maximum():
    """x₍₁₎ = −0.353: the end is 5.662 > 2, so ℓ is unbounded there; the optimiser stops 1e-9
    from the end, where rounding makes the Hessian look negative definite."""
    x = np.array([-0.35324384, 2.70069943, -0.33350843, 0.2175888])
    with pytest.raises(mlemap.DataError, match=r"grows without bound as gamma approaches 5\.66181"):
        _pearson3().estimator()(x)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(4, 12))
def test_pearson3_never_answers_where_its_likelihood_is_unbounded(seed, size):
    x = stats.pearson3.rvs(1.5, size=size, random_state=np.random.default_rng(seed))
    assume(-1 < x.min() < 0)
    with pytest.raises(mlemap.DataError, match="grows without bound"):
        _pearson3().estimator()(x)


MIRRORED = Model(  # Pearson III of skew −γ: X ↦ −X, on (−∞, 2/γ]; bounded where x₍ₙ₎ > 0
    "pearson3_mirrored",
    (SKEW,),
    Support(-sp.oo, 2 / SKEW.symbol),
    lambda x, g: PEARSON3.density(-x, g),
)


def test_an_upper_end_that_bounds_a_parameter_for_some_data_only_mirrors_the_lower():
    d = mlemap.derive(MIRRORED)
    d.to_markdown()
    g, last = SKEW.symbol, Largest(d.model.x, n)
    feasible = next(s for s in d.steps if s.kind == "feasible-set")
    assert feasible.lines == (sp.Implies(last > 0, sp.Le(g, 2 / last), evaluate=False),)
    for seed in range(3):
        x = -stats.pearson3.rvs(1.2, size=300, random_state=np.random.default_rng(seed))
        assert d.estimator()(x)["gamma"] == pytest.approx(_pearson3_maximum(-x).x, rel=1e-5)


def test_a_real_parameter_cut_from_below_by_the_data_is_estimated_inside():
    """A gamma(2) located at −e^θ: −e^θ ≤ x₍₁₎ gives θ ≥ log(−x₍₁₎) where x₍₁₎ < 0."""
    theta = Parameter("theta", REAL)
    t = theta.symbol
    located = Model(
        "located_gamma",
        (theta,),
        Support(-sp.exp(t), sp.oo),
        lambda x, t: (x + sp.exp(t)) * sp.exp(-(x + sp.exp(t))),
    )
    d = mlemap.derive(located)
    first = Smallest(d.model.x, n)
    assert d.solution.feasible == {
        t: (sp.Piecewise((sp.log(-first), first < 0), (-sp.oo, True)), sp.oo)
    }
    assert r"\log{\left(- x_{(1)} \right)}" in d.to_markdown()
    x = np.array([-0.5, 0.3, 1.2, 2.0])
    negative = lambda u: -stats.gamma.logpdf(x, 2, loc=-np.exp(u)).sum()  # noqa: E731
    best = optimize.minimize_scalar(
        negative, bounds=(np.log(0.5) + 1e-12, 5), method="bounded", options={"xatol": 1e-12}
    )
    assert d.estimator()(x)["theta"] == pytest.approx(best.x, rel=1e-6)


@pytest.mark.parametrize(
    ("support", "density", "domain", "why"),
    [
        # ℓ = −n/θ − Σxᵢ: increasing, so θ̂ = −1/x₍₁₎ where x₍₁₎ < 0 and none elsewhere
        (
            lambda t: Support(-1 / t, sp.oo),
            lambda x, t: sp.exp(-(x + 1 / t)),
            POSITIVE,
            r"has one sign on theta <= -1/x_\(1\) \(where x_\(1\) < 0\)",
        ),
        # unnormalised: ℓ = −Σxᵢ − na grows away from a ≤ x₍₁₎
        (
            lambda a: Support(a, sp.oo),
            lambda x, a: sp.exp(-x - a),
            REAL,
            r"says ℓ grows into the set",
        ),
    ],
)
def test_a_score_of_one_sign_that_gives_no_estimate_for_all_data_is_refused(
    support, density, domain, why
):
    theta = Parameter("theta", domain)
    model = Model("one_sign", (theta,), support(theta.symbol), density)
    with pytest.raises(mlemap.UnsupportedModelError, match=why):
        mlemap.derive(model)


def test_a_feasible_set_for_some_data_beside_another_parameter_is_refused():
    """Growth without bound towards the end can come with the other parameter moving (a
    shifted gamma of free shape k < 1), which probing along γ alone would miss."""
    k = Parameter("k", POSITIVE)
    shifted = Model(
        "shifted_gamma",
        (SKEW, k),
        Support(-2 / SKEW.symbol, sp.oo),
        lambda x, g, k: (
            (2 / g) ** k / sp.gamma(k) * (x + 2 / g) ** (k - 1) * sp.exp(-(2 / g) * (x + 2 / g))
        ),
    )
    with pytest.raises(mlemap.UnsupportedModelError, match="beside other parameters"):
        mlemap.derive(shifted)


def test_pearson3_on_left_skewed_data_finds_no_maximum_and_blames_no_equal_data():
    """All below 0 and skewed left: ℓ is largest as γ → 0 (the normal limit), outside (0, ∞)."""
    x = -np.abs(stats.pearson3.rvs(1.5, size=30, random_state=np.random.default_rng(5))) - 0.1
    with pytest.raises(mlemap.ConvergenceError) as error:
        _pearson3().estimator()(x)
    assert "found no maximum inside the domain" in str(error.value)
    assert "equal" not in str(error.value)
