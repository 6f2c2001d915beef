"""Code generation: every sum over the data is one float64 NumPy reduction, hoisted once."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from mlemap import MlemapError
from mlemap.catalog.symbols import i, n
from mlemap.engine.order import Largest, Smallest
from mlemap.estimators.lambdify import compile_function, hoist_sums, stable_logs, stable_roots

x = sp.IndexedBase("x", real=True)
j = sp.Symbol("j", integer=True, positive=True)
a = sp.Symbol("a", positive=True)
theta = sp.Symbol("theta", positive=True)


def total(summand: sp.Expr, index: sp.Symbol = i) -> sp.Sum:
    return sp.Sum(summand, (index, 1, n))


MEAN = total(x[i]) / n
VARIANCE = total((x[i] - MEAN) ** 2) / n


def compiled(exprs: list[sp.Expr], extra: tuple[sp.Symbol, ...] = ()):
    plan = hoist_sums(exprs, x, n)
    return plan, compile_function([plan.data, n, *extra], plan)


def exact(expr: sp.Expr, data: list[sp.Rational], values: dict | None = None) -> sp.Expr:
    """``expr`` evaluated exactly: the sums expanded over rational data."""
    expr = expr.xreplace({n: len(data)}).doit()
    expr = expr.xreplace({x[k + 1]: v for k, v in enumerate(data)})
    return sp.nsimplify(expr.xreplace(values or {}), rational=False)


def rational_data(rng: np.random.Generator, size: int) -> list[sp.Rational]:
    return [sp.Rational(int(v), 8) for v in rng.integers(1, 80, size=size)]


def test_nested_sum_becomes_a_two_pass_variance():
    plan, function = compiled([MEAN, VARIANCE])
    statistics = list(plan.statistics.items())
    assert len(statistics) == 2
    (inner, inner_summand), (_, outer_summand) = statistics
    assert inner_summand == plan.data
    assert outer_summand == (plan.data - inner / n) ** 2  # refers to the hoisted inner sum
    assert function.source.count("numpy.sum(") == 2
    for loop in ("for ", "range", "Sum", "[i]", "builtins.sum"):
        assert loop not in function.source


def test_equal_sums_are_computed_once_whatever_their_index():
    plan, function = compiled([total(x[i]) / n, total(x[j], j) ** 2, total(x[i]) + 1])
    assert len(plan.statistics) == 1
    assert function.source.count("numpy.sum(") == 1


def test_shared_elementwise_work_is_one_array_local():
    log_mean = total(sp.log(x[i])) / n
    _, function = compiled([log_mean, total((sp.log(x[i]) - log_mean) ** 2) / n])
    assert function.source.count("numpy.log(") == 1
    assert "del A0" in function.source
    data = np.array([0.5, 1.0, 2.0, 8.0])
    mean, variance = function(data, float(data.size))
    assert mean == pytest.approx(np.log(data).mean(), rel=1e-15)
    assert variance == pytest.approx(np.log(data).var(), rel=1e-14)


def test_values_equal_exact_evaluation_with_rationals():
    rng = np.random.default_rng(4)
    exprs = [
        MEAN,
        VARIANCE,
        (a + total(x[i] ** 2)) / (n + a),
        n / total(sp.log(1 + x[i])),
        sp.sqrt(total(x[i]) ** 2 + 4 * a * n) - total(x[i]),
    ]
    _, function = compiled(exprs, (a,))
    for size in (1, 2, 7, 30):
        data = rational_data(rng, size)
        got = function(np.array([float(v) for v in data]), float(size), 1.5)
        for expr, value in zip(exprs, got, strict=True):
            want = float(exact(expr, data, {a: sp.Rational(3, 2)}).evalf(30))
            assert value == pytest.approx(want, rel=1e-12, abs=1e-12)


def test_a_sum_of_a_constant_is_n_times_it_not_a_reduction():
    plan, function = compiled([total(a * 3) + total(x[i])], (a,))
    assert len(plan.statistics) == 1
    assert function(np.array([1.0, 2.0]), 2.0, 0.5)[0] == pytest.approx(3.0 + 3.0)


def test_the_accumulator_is_float64_whatever_the_dtype():
    plan, function = compiled([total(x[i])])
    assert not plan.elementwise  # Σ xᵢ reads the data as they are
    data = np.full(1000, 255, dtype=np.uint8)
    assert function(data, 1000.0)[0] == 255_000.0  # a uint8 accumulator would wrap around
    assert hoist_sums([total(x[i] ** 2)], x, n).elementwise  # xᵢ² needs float64 data


def test_unvectorisable_expressions_are_refused():
    with pytest.raises(MlemapError, match="outside a sum"):
        hoist_sums([x[i] + total(x[i])], x, n)
    with pytest.raises(MlemapError, match="all observations"):
        hoist_sums([sp.Sum(x[i], (i, 2, n))], x, n)
    with pytest.raises(MlemapError, match="several indices"):
        hoist_sums([sp.Sum(x[i] * x[j], (i, 1, n), (j, 1, n))], x, n)
    with pytest.raises(MlemapError, match="index"):
        hoist_sums([total(i * x[i])], x, n)


def test_log_special_functions_do_not_overflow():
    m, k, b = sp.symbols("m k b", positive=True)
    expr = sp.log(sp.gamma(a)) + sp.log(sp.factorial(k)) + sp.log(sp.binomial(m, k))
    expr += sp.log(sp.beta(a, b))
    rewritten = stable_logs(expr)
    assert not rewritten.has(sp.gamma, sp.factorial, sp.binomial, sp.beta)
    plan = hoist_sums([expr], x, n)
    function = compile_function([a, k, m, b], plan)
    values = {a: sp.Integer(400), k: sp.Integer(300), m: sp.Integer(500), b: sp.Rational(7, 2)}
    want = float(expr.xreplace(values).evalf(30))
    got = function(400.0, 300.0, 500.0, 3.5)[0]
    assert np.isfinite(got)  # Γ(400) alone overflows float64
    assert got == pytest.approx(want, rel=1e-12)


def test_split_computes_parameter_free_sums_once():
    objective = n * sp.log(theta) - theta * total(x[i] ** a) - total((x[i] - theta) ** 2)
    plan = hoist_sums([total(x[i]) / n, objective], x, n)
    first, second, passed = plan.split([theta], leading=1)
    first_sums = [e.args[0] for _, e in first.locals]
    second_sums = [e.args[0] for _, e in second.locals]
    assert all(not s.has(theta) for s in first_sums)
    assert second_sums == [(plan.data - theta) ** 2]
    assert len(passed) == 1  # Σ xᵢ^a reaches the second stage as an argument
    stage1 = compile_function([plan.data, n, a], first)
    stage2 = compile_function([plan.data, n, a, theta, *passed], second)
    data = np.array([0.5, 1.5, 3.0])
    start, *statistics = stage1(data, 3.0, 2.0)
    assert start == pytest.approx(data.mean())
    value = stage2(data, 3.0, 2.0, 0.7, *statistics)[0]
    want = 3 * np.log(0.7) - 0.7 * np.sum(data**2) - np.sum((data - 0.7) ** 2)
    assert value == pytest.approx(want, rel=1e-14)


def test_matrix_results_use_a_linear_solve_never_an_inverse():
    design = sp.MatrixSymbol("X", 6, 2)
    response = sp.MatrixSymbol("y", 6, 1)
    normal_equations = sp.Inverse(design.T * design) * design.T * response
    plan = hoist_sums([normal_equations, sp.Inverse(design.T * design)], x, n)
    function = compile_function([design, response], plan)
    assert "linalg.solve" in function.source
    assert "inv(" not in function.source
    rng = np.random.default_rng(0)
    matrix, target = rng.normal(size=(6, 2)), rng.normal(size=(6, 1))
    weights, covariance = function(matrix, target)
    np.testing.assert_allclose(weights, np.linalg.lstsq(matrix, target, rcond=None)[0])
    np.testing.assert_allclose(covariance @ (matrix.T @ matrix), np.eye(2), atol=1e-12)


def test_quadratic_roots_are_computed_without_cancellation():
    b, c = sp.Symbol("b", real=True), sp.Symbol("c", positive=True)
    root = (-b + sp.sqrt(b**2 + 4 * c)) / 2  # the positive root of t² + b t − c
    assert stable_roots(root).has(sp.Piecewise)
    plan = hoist_sums([root], x, n)
    function = compile_function([b, c], plan)
    assert "numpy.where(" in function.source
    for big, small in ((1e8, 1.0), (3.0, 2.0), (-1e8, 1.0)):
        want = float(root.xreplace({b: sp.Float(big, 50), c: sp.Float(small, 50)}).evalf(50))
        assert function(big, small)[0] == pytest.approx(want, rel=1e-15)
    naive = (-1e8 + np.sqrt(1e16 + 4.0)) / 2  # the formula as written
    assert abs(naive / 1e-8 - 1) > 0.2  # the root is 1e-8 (to 1e-16); 1 digit is left


def test_an_order_statistic_is_one_min_or_max_reduction():
    spread = Largest(x, n) - Smallest(x, n)
    plan = hoist_sums([spread, Largest(x, n) / total(x[i])], x, n)
    kinds = sorted(type(e).__name__ for _, e in plan.locals)
    assert kinds == ["Greatest", "Least", "Total"]  # x₍ₙ₎ reduced once for both outputs
    assert not plan.elementwise  # min, max and Σx need no float64 copy of the data
    data = np.array([3, -1, 7, 2], dtype=np.int16)
    function = compile_function([plan.data, n], plan)
    assert list(function(data, 4.0)) == [8, 7 / 11]
    with pytest.raises(MlemapError, match="not an order statistic of all observations"):
        hoist_sums([Largest(x, n - 1)], x, n)
