"""The one-pass kernel: the same estimates and the same refusals as the separate NumPy passes,
wherever in the array a bad value sits, and sums as accurate as NumPy's."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlemap import DataError
from mlemap.estimators import fused
from mlemap.estimators.estimator import Estimator
from mlemap.estimators.fused import BLOCK

from conftest import derived

pytest.importorskip("numba")

PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: (model, known constants, sampler) for every closed-form catalog estimator
CASES = {
    "bernoulli": ({}, lambda r, k: (r.random(k) < 0.3).astype(float)),
    "binomial": ({"m": 5}, lambda r, k: r.binomial(5, 0.4, k).astype(float)),
    "geometric": ({}, lambda r, k: r.geometric(0.3, k).astype(float)),
    "poisson": ({}, lambda r, k: r.poisson(3.0, k).astype(float)),
    "negative_binomial": ({"r": 3.0}, lambda r, k: r.negative_binomial(3, 0.4, k).astype(float)),
    "exponential": ({}, lambda r, k: r.exponential(2.0, k)),
    "gamma": ({"alpha": 2.0}, lambda r, k: r.gamma(2.0, 1.5, k)),
    "normal": ({}, lambda r, k: r.normal(1.0, 2.0, k)),
    "lognormal": ({}, lambda r, k: r.lognormal(0.5, 0.8, k)),
    "rayleigh": ({}, lambda r, k: r.rayleigh(1.5, k)),
    "half_normal": ({}, lambda r, k: np.abs(r.normal(0.0, 2.0, k))),
    "pareto": ({"x_m": 1.5}, lambda r, k: 1.5 * (1 + r.pareto(2.5, k))),
    "weibull": ({"k": 1.7}, lambda r, k: r.weibull(1.7, k) * 2.0),
}


@cache
def fast(model: str) -> Estimator:
    f = derived(model).estimator()
    assert f._plan.fused is not None, model
    return f


@cache
def separate(model: str) -> Estimator:
    """The same estimator without numba: the checks as separate NumPy passes."""
    available = fused.available
    fused.available = lambda: False
    try:
        f = Estimator(derived(model))
    finally:
        fused.available = available
    assert f._plan.fused is None
    return f


def refusal(f: Estimator, x: np.ndarray, known: dict) -> str | None:
    try:
        f(x, **known)
    except DataError as error:
        return str(error)
    return None


@pytest.mark.parametrize("model", sorted(CASES))
def test_same_estimates_as_the_separate_passes(model):
    known, sample = CASES[model]
    rng = np.random.default_rng(15)
    for size in (1, 2, 3, BLOCK - 1, BLOCK, BLOCK + 1, 5 * BLOCK + 7, 100_003):
        x = sample(rng, size)
        want, got = refusal(separate(model), x, known), refusal(fast(model), x, known)
        assert got == want
        if want is None:
            expected = separate(model)(x, **known)
            assert fast(model)(x, **known) == pytest.approx(expected, rel=1e-13, abs=1e-300)


@PROPERTY
@given(
    model=st.sampled_from(sorted(CASES)),
    size=st.sampled_from([1, 2, 5, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 5]),
    where=st.sampled_from(["first", "last", "block end", "block start", "middle"]),
    bad=st.sampled_from([np.nan, np.inf, -np.inf, -1.0, 0.5, 1e300, -0.0, 0.0]),
    dtype=st.sampled_from([np.float64, np.float32]),
)
def test_a_bad_value_anywhere_is_refused_with_the_same_message(model, size, where, bad, dtype):
    known, sample = CASES[model]
    x = sample(np.random.default_rng(size), size)
    position = {
        "first": 0,
        "last": size - 1,
        "block end": min(BLOCK - 1, size - 1),
        "block start": min(BLOCK, size - 1),
        "middle": size // 2,
    }[where]
    x[position] = bad
    with np.errstate(over="ignore"):  # 1e300 as float32 is inf: refused too
        x = x.astype(dtype)
    want = refusal(separate(model), x, known)
    assert refusal(fast(model), x, known) == want
    if want is not None and bad not in (-0.0, 0.0, 1e300):
        assert f"x[{position}]" in want or "equal" in want or "boundary" in want


def test_the_last_value_of_a_long_array_is_checked():
    x = np.ones(10_000_001)
    for bad, message in [
        (np.nan, r"x\[10000000\] = nan is NaN"),
        (2.0, r"x\[10000000\] = 2.0 is outside the support"),
        (0.5, r"x\[10000000\] = 0.5 is not an integer"),
    ]:
        x[-1] = bad
        with pytest.raises(DataError, match=message):
            fast("bernoulli")(x)
    x[-1] = 0.0
    assert fast("bernoulli")(x) == {"theta": 1 - 1 / x.size}


@pytest.mark.parametrize("dtype", [np.bool_, np.uint8, np.int16, np.int64, np.uint64, np.float16])
def test_every_dtype_reads_the_same(dtype):
    x = np.random.default_rng(4).integers(0, 2, 3 * BLOCK + 1).astype(dtype)
    assert fast("bernoulli")(x) == {"theta": float(np.mean(x, dtype=np.float64))}
    assert fast("poisson")(x) == separate("poisson")(x)


def test_all_equal_data_are_found_in_the_same_pass():
    for value in (0.1, 1e8 + 0.1, 2.0**-1074):
        x = np.full(2 * BLOCK + 3, value)
        with pytest.raises(DataError, match="observations are equal"):
            fast("normal")(x)
        x[-1] = value + 1.0
        assert fast("normal")(x)["sigma2"] > 0


@PROPERTY
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=3 * BLOCK),
    st.integers(0, 8),
)
def test_property_sums_are_as_accurate_as_numpy_pairwise(values, repeat):
    x = np.tile(np.array(values), repeat + 1)
    exact = math.fsum(x)
    (_, _, total) = fast("normal")._plan.fused(x, -np.inf, np.inf, ())
    scale = math.fsum(np.abs(x)) or 1.0
    assert abs(total - exact) <= 4 * np.finfo(float).eps * scale * math.log2(x.size + 1) + 1e-300
    assert abs(total - exact) <= max(abs(float(np.sum(x)) - exact) * 8, 64 * np.spacing(scale))


def test_the_kernel_source_is_kept_and_readable():
    source = fast("poisson")._plan.fused.source
    assert "def kernel(x, lower, upper)" in source
    assert "(v < lower)" in source and "(v != numpy.rint(v))" in source
    assert "(v > upper)" not in source  # an infinite upper bound costs no test
    # Σ log xᵢ is left to NumPy's vectorised log; the pass still makes every check
    lognormal = fast("lognormal")._plan.fused
    assert lognormal.statistics == () and "(v <= lower)" in lognormal.source
