"""Arrays of other libraries: Dask (lazy, checked in the graph), JAX (CPU) and CuPy (where a
GPU is present) give estimates of their own kind, equal to NumPy's, and the same refusals."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlemap import DataError, UnsupportedModelError
from mlemap.estimators.arrays import namespace_of, rebind

from conftest import derived

da = pytest.importorskip("dask.array")
jnp = pytest.importorskip("jax.numpy")

PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def estimator(model: str, prior: str | None = None):
    return derived(model, prior).estimator()


def refusal(call) -> str | None:
    try:
        call()
    except DataError as error:
        return str(error)
    return None


def computed(result: dict) -> dict[str, float]:
    return {k: float(v) for k, v in zip(result, da.compute(*result.values()), strict=True)}


# -- Dask: the checks are part of the graph ------------------------------------------------------
def test_the_issues_counts_on_dask_are_refused_when_computed():
    counts = da.from_array(np.array([1, 2, -3, 4]), chunks=2)
    result = estimator("poisson")(counts)  # lazy: nothing computed, nothing refused yet
    assert isinstance(result["lambda"], da.Array)
    with pytest.raises(DataError, match=r"x\[2\] = -3 is outside the support"):
        result["lambda"].compute()


@PROPERTY
@given(
    model=st.sampled_from(["poisson", "bernoulli", "exponential", "normal", "pareto"]),
    size=st.integers(2, 60),
    chunks=st.integers(1, 25),
    where=st.integers(0, 10**6),
    bad=st.sampled_from([np.nan, np.inf, -np.inf, -1.0, 0.5, 7.0]),
)
def test_property_dask_refuses_what_numpy_refuses_with_the_same_message(
    model, size, chunks, where, bad
):
    known = {"x_m": 1.0} if model == "pareto" else {}
    rng = np.random.default_rng(size)
    x = rng.integers(1, 2, size).astype(float) if model == "bernoulli" else rng.poisson(3, size)
    x = x.astype(float) + (1.0 if model == "pareto" else 0.0)
    x[where % size] = bad
    f = estimator(model)
    want = refusal(lambda: f(x, **known))
    got = refusal(lambda: computed(f(da.from_array(x, chunks=chunks), **known)))
    assert got == want


@pytest.mark.parametrize("model", ["poisson", "normal", "lognormal", "rayleigh", "weibull"])
def test_dask_estimates_equal_numpy_ones(model):
    known = {"k": 1.5} if model == "weibull" else {}
    x = np.random.default_rng(3).gamma(3.0, 2.0, 10_001).round()
    x[x == 0] = 1.0
    lazy = estimator(model)(da.from_array(x, chunks=1000), **known)
    assert all(isinstance(v, da.Array) for v in lazy.values())
    assert computed(lazy) == pytest.approx(estimator(model)(x, **known), rel=1e-12)


def test_dask_refuses_degenerate_data_and_failed_conditions_when_computed():
    equal = estimator("normal")(da.full(10, 2.5, chunks=3))
    with pytest.raises(DataError, match="all 10 observations are equal"):
        computed(equal)
    f = estimator("bernoulli", "beta")
    with pytest.raises(DataError, match=r"not a maximum .* alpha \+ beta \+ n - 2 > 0"):
        computed(f(da.from_array(np.array([0.0]), chunks=1), alpha=0.3, beta=0.3))
    with pytest.raises(DataError, match=r"MAP estimate of theta is 1\.4.* outside \(0, 1\)"):
        computed(f(da.ones(3, chunks=2), alpha=0.3, beta=0.3))


def test_dask_unchecked_skips_only_the_observation_checks():
    f = estimator("bernoulli")
    assert computed(f.unchecked(da.from_array(np.array([0, 2]), chunks=1))) == {"theta": 1.0}
    with pytest.raises(DataError, match="inf"):
        computed(estimator("exponential").unchecked(da.zeros(3, chunks=2)))


# -- JAX (CPU): eager, on its own arrays -------------------------------------------------------
@pytest.mark.parametrize("model", ["poisson", "bernoulli", "normal", "lognormal", "gamma"])
def test_jax_estimates_are_jax_arrays_equal_to_numpy_ones(model):
    known = {"alpha": 2.0} if model == "gamma" else {}
    rng = np.random.default_rng(8)
    x = (rng.random(5000) < 0.4) if model == "bernoulli" else rng.poisson(4.0, 5000) + 1
    x = np.asarray(x, dtype=np.float32)
    got = estimator(model)(jnp.asarray(x), **known)
    assert all(type(v).__module__.startswith("jax") and v.shape == () for v in got.values())
    want = estimator(model)(x.astype(np.float64), **known)
    assert {k: float(v) for k, v in got.items()} == pytest.approx(want, rel=2e-5)


@pytest.mark.parametrize(
    ("model", "x", "message"),
    [
        ("poisson", [0, 1, 2.5], r"x\[2\] = 2.5 is not an integer"),
        ("poisson", [1, 2, -3, 4], r"x\[2\] = -3 is outside the support"),
        ("exponential", [1.0, np.inf], r"x\[1\] = inf is infinite"),
        ("normal", [1.0, np.nan, 2.0], r"x\[1\] = nan is NaN"),
        ("bernoulli", [0, 1, 2], r"x\[2\] = 2 is outside the support"),
        ("normal", [2.0, 2.0, 2.0], r"all 3 observations are equal"),
        ("normal", [[1.0, 2.0]], r"one-dimensional"),
    ],
)
def test_jax_refuses_what_numpy_refuses(model, x, message):
    with pytest.raises(DataError, match=message):
        estimator(model)(jnp.asarray(x))
    with pytest.raises(DataError, match=message):
        estimator(model)(np.asarray(x))


def test_the_numeric_method_computes_other_arrays_to_numpy():
    x = np.random.default_rng(2).standard_cauchy(400)
    f = estimator("cauchy")
    assert f(jnp.asarray(x.astype(np.float32))) == pytest.approx(f(x.astype(np.float32)))
    assert f(da.from_array(x, chunks=100)) == f(x)


def test_a_closed_form_needing_scipy_is_refused_for_other_arrays():
    source = "def _lambdifygenerated(x, n):\n    return [scipy.special.gammaln(x)]\n"
    with pytest.raises(UnsupportedModelError, match=r"scipy\.special.*numpy\.asarray\(x\)"):
        rebind(source, namespace_of(jnp.ones(2)), "a test function")


def test_numpy_arrays_and_lists_have_no_foreign_namespace():
    assert namespace_of(np.ones(3)) is None
    assert namespace_of([1.0, 2.0]) is None
    assert namespace_of(np.float64(1.0)) is None


# -- CuPy: only where a GPU is present ----------------------------------------------------------
def test_cupy_estimates_are_cupy_arrays():
    cp = pytest.importorskip("cupy")
    try:
        x = cp.asarray(np.arange(1.0, 101.0))
    except Exception as error:  # no device
        pytest.skip(f"no GPU: {error}")
    got = estimator("poisson")(x)
    assert isinstance(got["lambda"], cp.ndarray)
    assert float(got["lambda"]) == 50.5
    with pytest.raises(DataError, match=r"x\[1\] = 0.5 is not an integer"):
        estimator("poisson")(cp.asarray([1.0, 0.5]))
