"""The constrained derivation: categorical and Dirichlet by a Lagrange multiplier, against
the textbook (Bishop, PRML §2.2) and against a constrained numeric maximisation of scipy's
multinomial and Dirichlet log-densities."""

from __future__ import annotations

import time
from functools import cache

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from scipy import optimize, stats

import mlemap
from mlemap.catalog.symbols import hat, i, n
from mlemap.engine.sums import normalize

from conftest import derived

KINDS = ["model", "likelihood", "log-likelihood", "lagrangian", "lagrange-stationarity"]
KINDS += ["multiplier", "concavity", "result"]


@cache
def _estimator(prior: str | None = None) -> mlemap.Estimator:
    """One compiled estimator per test session: building one takes seconds."""
    return derived("categorical", prior).estimator()


def _count(model: mlemap.Model, j: int) -> sp.Sum:
    return sp.Sum(sp.KroneckerDelta(model.x[i], j), (i, 1, n))


def _same(a: sp.Expr, b: sp.Expr) -> bool:
    return sp.simplify(normalize(sp.expand(a - b))) == 0


def test_categorical_mle_is_the_share_of_each_category():
    d = derived("categorical")
    assert [s.kind for s in d.steps] == KINDS
    assert all(s.check.method in ("definition", "symbolic", "numeric") for s in d.steps)
    for j, p in enumerate(d.parameters, 1):
        assert _same(d.estimates[p], _count(d.model, j) / n)
    assert [str(r) for r in d.results] == [f"Eq(theta{j}_hat, n{j}/n)" for j in (1, 2, 3)]


def test_the_steps_read_as_a_textbook_writes_them():
    d = derived("categorical")
    by_kind = {s.kind: s for s in d.steps}
    lam = sp.Symbol("lambda", real=True)
    # the stationarity equations give θⱼ = nⱼ/λ; the constraint gives λ = n
    roots = by_kind["lagrange-stationarity"].lines[1::2]
    assert [r.rhs for r in roots] == [_count(d.model, j) / lam for j in (1, 2, 3)]
    assert by_kind["multiplier"].lines[-1] == sp.Eq(lam, n)
    assert by_kind["multiplier"].check.method == "numeric"  # Σ nⱼ = n is checked on data
    assert "exactly one category" in by_kind["multiplier"].explanation
    assert "concave" in by_kind["concavity"].explanation
    hessian = [line.rhs for line in by_kind["concavity"].lines]
    assert hessian == [-_count(d.model, j) / p**2 for j, p in enumerate(d.parameters, 1)]
    assert not any("≥" in a or ">=" in a for a in d.assumptions)  # nothing left to assume


def test_the_dirichlet_map_and_posterior_match_the_textbook():
    d = derived("categorical", {"theta1": "dirichlet"})
    a = sp.symbols("alpha1:4", positive=True)
    total = sum(a)
    for j, p in enumerate(d.parameters, 1):
        expected = (_count(d.model, j) + a[j - 1] - 1) / (n + total - 3)
        assert _same(d.estimates[p], expected)
    assert d.posterior is not None and d.posterior.family == "Dirichlet"
    for j, found in enumerate(d.posterior.hyperparameters, 1):
        assert _same(found, _count(d.model, j) + a[j - 1])
    kinds = [s.kind for s in d.steps]
    assert kinds.index("concavity") < kinds.index("posterior") < kinds.index("flat-prior")
    flat = next(s for s in d.steps if s.kind == "flat-prior")
    assert [line.rhs for line in flat.lines] == [_count(d.model, j) / n for j in (1, 2, 3)]
    # the concavity of the log-posterior needs nⱼ + αⱼ − 1 ≥ 0: stated, not assumed away
    assert "alpha1 + n1 - 1 >= 0" in d.assumptions


def test_a_prior_name_given_alone_applies_the_dirichlet_to_all():
    assert (
        derived("categorical", "dirichlet").estimates
        == derived("categorical", {"theta1": "dirichlet"}).estimates
    )


def test_a_dirichlet_on_a_parameter_off_the_simplex_is_refused():
    with pytest.raises(mlemap.DomainError, match="simplex"):
        mlemap.derive("bernoulli", prior="dirichlet")
    with pytest.raises(mlemap.DomainError, match="simplex"):
        mlemap.derive("categorical", prior={"theta1": "dirichlet", "theta2": "beta"})


def _constrained_maximum(objective, k: int) -> np.ndarray:
    """Maximise over the open simplex through θ = softmax(z, 0): unconstrained, so BFGS
    applies, and every θ it tries is a probability vector."""

    def simplex(z: np.ndarray) -> np.ndarray:
        e = np.exp(np.append(z, 0.0) - max(0.0, np.max(z)))
        return e / e.sum()

    best = None
    for start in (np.zeros(k - 1), np.full(k - 1, 1.0), np.full(k - 1, -1.0)):
        found = optimize.minimize(
            lambda z: -objective(simplex(z)), start, method="BFGS", options={"gtol": 1e-10}
        )
        if best is None or found.fun < best.fun:
            best = found
    return simplex(best.x)


@given(seed=st.integers(0, 2**32 - 1), size=st.integers(5, 400))
def test_the_estimator_is_the_constrained_maximum_of_scipys_multinomial(seed, size):
    rng = np.random.default_rng(seed)
    theta = rng.dirichlet(np.ones(3) * 2)
    x = 1 + rng.choice(3, size, p=theta)
    counts = np.bincount(x, minlength=4)[1:]
    if counts.min() == 0:  # a count of 0: the maximum is on the boundary, checked below
        x = np.concatenate([x, [1, 2, 3]])
        counts = counts + 1
    ours = _estimator()(x)
    theirs = _constrained_maximum(lambda t: stats.multinomial.logpmf(counts, counts.sum(), t), 3)
    np.testing.assert_allclose([ours[f"theta{j}"] for j in (1, 2, 3)], theirs, atol=1e-6)


@given(
    seed=st.integers(0, 2**32 - 1),
    # above 1, so that the MAP is inside the simplex, where the optimiser can reach it
    alpha=st.lists(st.floats(1.05, 20.0), min_size=3, max_size=3),
)
def test_the_map_estimator_is_the_maximum_of_the_log_posterior(seed, alpha):
    rng = np.random.default_rng(seed)
    x = 1 + rng.choice(3, int(rng.integers(3, 200)), p=rng.dirichlet(np.ones(3)))
    counts = np.bincount(x, minlength=4)[1:]
    hyper = {f"alpha{j}": a for j, a in enumerate(alpha, 1)}
    ours = _estimator("dirichlet")(x, **hyper)

    def log_posterior(t):
        return stats.multinomial.logpmf(counts, counts.sum(), t) + stats.dirichlet.logpdf(t, alpha)

    theirs = _constrained_maximum(log_posterior, 3)
    np.testing.assert_allclose([ours[f"theta{j}"] for j in (1, 2, 3)], theirs, atol=1e-5)


def test_a_count_of_zero_puts_the_estimate_on_the_boundary():
    f = _estimator()
    assert f([1, 1, 2]) == pytest.approx({"theta1": 2 / 3, "theta2": 1 / 3, "theta3": 0.0})


def test_a_map_outside_the_simplex_is_refused_not_returned():
    f = _estimator("dirichlet")
    with pytest.raises(mlemap.DataError, match="theta3"):
        f([1, 1, 2], alpha1=2, alpha2=2, alpha3=0.5)  # n₃ + α₃ − 1 < 0


@pytest.mark.parametrize("k", [2, 5])
def test_any_number_of_categories(k):
    start = time.perf_counter()
    d = mlemap.derive(mlemap.categorical(k))
    assert time.perf_counter() - start < 10
    for j, p in enumerate(d.parameters, 1):
        assert _same(d.estimates[p], _count(d.model, j) / n)
    x = np.array([1, 2, 2, *range(1, k + 1)])
    found = d.estimator()(x)
    assert found == pytest.approx({f"theta{j}": np.mean(x == j) for j in range(1, k + 1)})


def test_a_user_model_declares_its_constraint_and_gets_the_same_derivation():
    thetas = tuple(mlemap.Parameter(f"p{j}", mlemap.UNIT_INTERVAL, f"p_{{{j}}}") for j in (1, 2, 3))
    model = mlemap.Model(
        "three_way",
        thetas,
        mlemap.Support(1, 3, integer=True),
        lambda x, a, b, c: (
            a ** sp.KroneckerDelta(x, 1)
            * b ** sp.KroneckerDelta(x, 2)
            * c ** sp.KroneckerDelta(x, 3)
        ),
        constraints=(lambda a, b, c: sp.Eq(a + b + c, 1),),
        description="one of three",
    )
    d = mlemap.derive(model)
    assert d.solution.method == "a Lagrange multiplier"
    for j, p in enumerate(d.parameters, 1):
        assert _same(d.estimates[p], _count(d.model, j) / n)
    assert d.results[0].lhs == hat(d.parameters[0])


def test_constraints_out_of_reach_are_refused_by_name():
    thetas = tuple(mlemap.Parameter(f"p{j}", mlemap.UNIT_INTERVAL) for j in (1, 2))
    density = lambda x, a, b: a ** sp.KroneckerDelta(x, 1) * b ** sp.KroneckerDelta(x, 2)  # noqa: E731
    curved = mlemap.Model(
        "curved",
        thetas,
        mlemap.Support(1, 2, integer=True),
        density,
        constraints=(lambda a, b: sp.Eq(a**2 + b**2, 1),),
        description="on a circle",
    )
    with pytest.raises(mlemap.UnsupportedModelError, match="not linear"):
        mlemap.derive(curved)
    with pytest.raises(mlemap.UnsupportedModelError, match="known"):
        mlemap.derive("categorical", estimate=["theta1", "theta2"])


def test_a_constraint_must_be_a_relation_in_the_parameters():
    thetas = (mlemap.Parameter("p", mlemap.UNIT_INTERVAL),)
    with pytest.raises(mlemap.ModelDefinitionError, match="constraint 1"):
        mlemap.Model(
            "bad",
            thetas,
            mlemap.Support(0, 1, integer=True),
            lambda x, p: p**x * (1 - p) ** (1 - x),
            constraints=(lambda p: p + 1,),
        )


def test_categorical_of_fewer_than_two_categories_is_refused():
    with pytest.raises(mlemap.ModelDefinitionError, match="K ≥ 2"):
        mlemap.categorical(1)


# -- the multinomial: n observations of K counts adding up to m trials -----------------------
@cache
def _multinomial(k: int, prior: str | None = None) -> mlemap.Derivation:
    if k == 3:
        return derived("multinomial", prior)
    return mlemap.derive(mlemap.multinomial(k), prior=mlemap.dirichlet(k) if prior else None)


@cache
def _multinomial_estimator(k: int, prior: str | None = None) -> mlemap.Estimator:
    return _multinomial(k, prior).estimator()


def _total(model: mlemap.Model, j: int) -> sp.Sum:
    return sp.Sum(model.x[i, j], (i, 1, n))


def test_multinomial_mle_is_each_categorys_share_of_all_trials():
    d = derived("multinomial")
    m = d.model.symbols["m"]
    assert [s.kind for s in d.steps] == KINDS
    assert all(s.check.method in ("definition", "symbolic", "numeric") for s in d.steps)
    for j, p in enumerate(d.parameters, 1):
        assert _same(d.estimates[p], _total(d.model, j) / (m * n))  # Bishop, eq. 2.33
    assert [str(r) for r in d.results] == [f"Eq(theta{j}_hat, n{j}/(m*n))" for j in (1, 2, 3)]


def test_the_multinomial_steps_are_the_categoricals_with_m_trials_an_observation():
    d = derived("multinomial")
    by_kind = {s.kind: s for s in d.steps}
    lam, m = sp.Symbol("lambda", real=True), d.model.symbols["m"]
    model_words = by_kind["model"].explanation
    assert "holds 3 counts" in model_words and "= m" in model_words
    roots = by_kind["lagrange-stationarity"].lines[1::2]
    assert [r.rhs for r in roots] == [_total(d.model, j) / lam for j in (1, 2, 3)]
    assert by_kind["multiplier"].lines[-1] == sp.Eq(lam, m * n)
    assert by_kind["multiplier"].check.method == "numeric"  # Σⱼ nⱼ = n m, on data
    assert "add up to its number of trials" in by_kind["multiplier"].explanation
    hessian = [line.rhs for line in by_kind["concavity"].lines]
    assert hessian == [-_total(d.model, j) / p**2 for j, p in enumerate(d.parameters, 1)]
    assert not any("≥" in a or ">=" in a for a in d.assumptions)


def test_the_multinomial_documents_show_the_counts_and_read_back():
    d = derived("multinomial")
    markdown, latex = d.to_markdown(), d.to_latex()  # each displayed equation read back
    for document in (markdown, latex):
        assert r"\frac{m! \theta_{1}^{x_{i,1}}" in document
        assert r"\lambda & = n_{1} + n_{2} + n_{3} \\" in document and r"& = m n" in document
        assert r"\hat{\theta}_{1} & = \frac{n_{1}}{m n}" in document


def test_the_multinomial_dirichlet_map_and_posterior_match_the_textbook():
    d = derived("multinomial", "dirichlet")
    a, m = sp.symbols("alpha1:4", positive=True), d.model.symbols["m"]
    for j, p in enumerate(d.parameters, 1):
        expected = (_total(d.model, j) + a[j - 1] - 1) / (n * m + sum(a) - 3)
        assert _same(d.estimates[p], expected)
    assert d.posterior is not None and d.posterior.family == "Dirichlet"
    for j, found in enumerate(d.posterior.hyperparameters, 1):
        assert _same(found, _total(d.model, j) + a[j - 1])
    flat = next(s for s in d.steps if s.kind == "flat-prior")
    assert [line.rhs for line in flat.lines] == [_total(d.model, j) / (m * n) for j in (1, 2, 3)]
    assert "alpha1 + n1 - 1 >= 0" in d.assumptions
    d.to_latex()


def _rows(rng: np.random.Generator, size: int, m: int, k: int) -> np.ndarray:
    """Counts that see every category (else the maximum is on the boundary, tested below)."""
    x = rng.multinomial(m, rng.dirichlet(np.ones(k) * 2), size=size)
    if x.sum(axis=0).min() == 0:
        x = np.vstack([x, m * np.eye(k, dtype=int)])  # one observation all in each category
    return x


def _log_likelihood(x: np.ndarray, m: int):
    return lambda t: float(np.sum(stats.multinomial.logpmf(x, m, t)))


@given(
    seed=st.integers(0, 2**32 - 1),
    k=st.integers(2, 5),
    m=st.integers(1, 30),
    size=st.integers(1, 200),
)
def test_the_multinomial_estimator_is_the_constrained_maximum_of_scipys(seed, k, m, size):
    rng = np.random.default_rng(seed)
    x = _rows(rng, size, m, k)
    ours = _multinomial_estimator(k)(x, m=m)
    theirs = _constrained_maximum(_log_likelihood(x, m), k)
    np.testing.assert_allclose([ours[f"theta{j}"] for j in range(1, k + 1)], theirs, atol=1e-6)


@given(
    seed=st.integers(0, 2**32 - 1),
    k=st.integers(2, 4),
    m=st.integers(1, 30),
    alpha=st.lists(st.floats(1.05, 20.0), min_size=4, max_size=4),
)
def test_the_multinomial_map_is_the_maximum_of_the_log_posterior(seed, k, m, alpha):
    rng = np.random.default_rng(seed)
    x = rng.multinomial(m, rng.dirichlet(np.ones(k)), size=int(rng.integers(1, 100)))
    alpha = alpha[:k]
    hyper = {f"alpha{j}": a for j, a in enumerate(alpha, 1)}
    ours = _multinomial_estimator(k, "dirichlet")(x, m=m, **hyper)

    def log_posterior(t):
        return _log_likelihood(x, m)(t) + stats.dirichlet.logpdf(t, alpha)

    theirs = _constrained_maximum(log_posterior, k)
    np.testing.assert_allclose([ours[f"theta{j}"] for j in range(1, k + 1)], theirs, atol=1e-5)


def test_the_multinomial_posterior_fit_is_the_dirichlet_of_the_totals():
    x = np.array([[1, 2, 0], [0, 1, 2]])
    r = derived("multinomial", "dirichlet").fit(x, m=3, alpha1=2, alpha2=2, alpha3=2)
    assert r.mean == pytest.approx({"theta1": 3 / 12, "theta2": 5 / 12, "theta3": 4 / 12})
    assert r.params == pytest.approx({"theta1": 2 / 9, "theta2": 4 / 9, "theta3": 3 / 9})


def test_a_multinomial_count_of_zero_puts_the_estimate_on_the_boundary():
    f = _multinomial_estimator(3)
    assert f([[2, 1, 0], [3, 0, 0]], m=3) == pytest.approx(
        {"theta1": 5 / 6, "theta2": 1 / 6, "theta3": 0.0}
    )


@pytest.mark.parametrize(
    ("x", "message"),
    [
        (
            [[1, 2, 0], [0, 1, 1]],
            r"the counts of x\[1\] add up to 2, not to the number of trials m = 3",
        ),
        ([[1, 2, 0], [0, -1, 4]], r"x\[1, 1\] = -1 is negative; each of the 3 counts"),
        ([[1.5, 1.5, 0]], r"x\[0, 0\] = 1.5 is not an integer"),
        ([[np.nan, 1, 2]], r"x\[0, 0\] = nan is NaN"),
        ([[np.inf, 1, 2]], r"x\[0, 0\] = inf is not finite"),
        ([1, 2, 0], r"an \(n, 3\) array, one row of 3 counts per observation .*\(3,\)"),
        ([[1, 2], [2, 1]], r"got shape \(2, 2\)"),
        (np.zeros((0, 3)), "empty"),
        ([["a", "b", "c"]], "real numbers"),
    ],
)
def test_the_multinomial_estimator_refuses_bad_counts_by_name(x, message):
    with pytest.raises(mlemap.DataError, match=message):
        _multinomial_estimator(3)(x, m=3)


def test_the_multinomial_estimator_needs_m_and_refuses_a_bad_one():
    f = _multinomial_estimator(3)
    with pytest.raises(mlemap.MlemapError, match=r"missing keyword argument .*: m"):
        f([[1, 2, 0]])
    with pytest.raises(mlemap.DomainError, match="m must be in positive integers"):
        f([[1, 2, 0]], m=2.5)


def test_the_multinomial_estimator_is_numpy_reductions():
    source = _multinomial_estimator(3).source
    assert "numpy.sum(x[:, 0], dtype=numpy.float64)" in source
    assert " for " not in source  # no Python loop over the data


@pytest.mark.parametrize("k", [2, 6])
def test_any_number_of_categories_of_a_multinomial(k):
    start = time.perf_counter()
    d = _multinomial(k)
    assert time.perf_counter() - start < 10
    x = np.random.default_rng(k).multinomial(4, np.ones(k) / k, size=9)
    found = d.estimator()(x, m=4)
    assert found == pytest.approx({f"theta{j}": x[:, j - 1].sum() / 36 for j in range(1, k + 1)})


def test_a_multinomial_of_fewer_than_two_categories_is_refused():
    for k in (1, "K", 2.0, True):
        with pytest.raises(
            mlemap.ModelDefinitionError, match="multinomial model needs an integer K ≥ 2"
        ):
            mlemap.multinomial(k)
