"""Engine forms in claim syntax: what ``mlemap derive --format text`` shows reads back as the
same object, and is written as a handout writes it."""

from __future__ import annotations

import functools

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mlemap
from mlemap.checker.matrices import read_matrix
from mlemap.checker.parse import Vocabulary, parse_expression
from mlemap.checker.plain import plain, to_claim
from mlemap.regression.matrix import evaluate, random_point


@functools.cache
def _normal() -> mlemap.Derivation:
    return mlemap.derive("normal")


#: Where the shown and the read forms are compared.
POINT = {"mu": sp.Rational(7, 10), "sigma2": sp.Rational(13, 10)}


def _symbols() -> dict[str, sp.Symbol]:
    vocabulary = Vocabulary.of(_normal().problem)
    return {name: parse_expression(name, vocabulary, latex=False) for name in POINT}


def _leaves() -> st.SearchStrategy[sp.Expr]:
    names = _symbols()
    numbers = st.sampled_from([sp.Integer(2), sp.Integer(-1), sp.Integer(3), sp.Rational(1, 2)])
    return st.one_of(st.sampled_from([*names.values(), sp.pi]), numbers)


def _unevaluated(children: st.SearchStrategy[sp.Expr]) -> st.SearchStrategy[sp.Expr]:
    """Products, reciprocals and powers as a declared density keeps them: unevaluated."""
    product = st.lists(children, min_size=2, max_size=3).map(lambda a: sp.Mul(*a, evaluate=False))
    exponents = st.sampled_from([sp.Integer(-1), sp.Integer(2), sp.Rational(1, 2)])
    power = st.tuples(children, exponents).map(lambda p: sp.Pow(*p, evaluate=False))
    # exp of a number alone can be a number too large for the claim reader (e^(e^π)).
    exponential = children.filter(lambda e: bool(e.free_symbols)).map(sp.exp)
    return st.one_of(product, power, exponential)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(_leaves(), _unevaluated, max_leaves=7))
def test_a_product_printed_side_by_side_reads_back_as_the_same_value(expr):
    shown = to_claim(expr)
    read = parse_expression(shown, Vocabulary.of(_normal().problem), latex=False)
    point = {symbol: POINT[name] for name, symbol in _symbols().items()}
    value, back = (sp.N(e.subs(point), 30) for e in (expr, read))
    assert sp.Abs(value - back) <= sp.Float("1e-20", 30) * sp.Max(1, sp.Abs(value)), (shown, read)


def test_the_declared_normal_density_reads_as_a_handout_writes_it():
    density = _normal().steps[0].lines[0].rhs
    assert plain(density, _normal().model) == "exp(-(x_i - mu)**2/(2*sigma2))/sqrt(2*pi*sigma2)"
    lognormal = mlemap.derive("lognormal").steps[0].lines[0].rhs
    assert to_claim(lognormal) == ("exp(-(log(x_i) - mu)**2/(2*sigma2))/(sqrt(2*pi*sigma2)*x_i)")


def test_a_domain_in_the_words_is_an_interval_not_sympys_constructor():
    assert to_claim(sp.Interval.open(0, 1)) == "(0, 1)"
    assert to_claim(sp.Interval(0, sp.oo, left_open=True)) == "(0, ∞)"
    assert to_claim(sp.S.Reals) == "(−∞, ∞)"


def test_an_indicator_reads_as_an_iverson_bracket():
    density = mlemap.derive("categorical").steps[0].lines[0].rhs
    assert to_claim(density).startswith("theta1**[x_i = 1]*theta2**[x_i = 2]")


def _matrices() -> tuple[dict[str, sp.Basic], sp.Basic, sp.Basic, sp.Basic]:
    n, d, lam, s2 = sp.symbols("n d lambda sigma2", positive=True)
    X, y, w = sp.MatrixSymbol("X", n, d), sp.MatrixSymbol("y", n, 1), sp.MatrixSymbol("w", d, 1)
    names = {"X": X, "y": y, "w": w, "I": sp.Identity(d), "lambda": lam, "sigma2": s2}
    return {**names, "n": n, "d": d}, X, y, w


def _matrix_cases() -> list[tuple[sp.Basic, str]]:
    names, X, y, w = _matrices()
    lam, s2, identity = names["lambda"], names["sigma2"], names["I"]
    ridge = sp.Inverse(X.T * X + lam * identity) * X.T * y
    nested = sp.MatMul(X.T, sp.MatMul(X, ridge, evaluate=False), evaluate=False)
    return [
        (ridge, "(XᵀX + lambda*I)⁻¹Xᵀy"),
        (X.T * (-X * w + y) / s2, "Xᵀ(y - Xw)/sigma2"),
        (-X.T * X / s2 - identity / lam, "-XᵀX/sigma2 - I/lambda"),
        (nested, "XᵀX(XᵀX + lambda*I)⁻¹Xᵀy"),
        (sp.MatMul(-2, X.T, y - X * w), "-2*Xᵀ(y - Xw)"),
    ]


@pytest.mark.parametrize(("expr", "shown"), _matrix_cases())
def test_a_matrix_form_is_written_as_regression_claims_are_and_reads_back(expr, shown):
    names, X, y, w = _matrices()
    assert to_claim(expr) == shown
    read = read_matrix(shown, names)
    rng = np.random.default_rng(3)
    positive = [names["lambda"], names["sigma2"]]
    for _ in range(3):
        point = random_point([X, y, w], (names["n"], names["d"]), positive, rng)
        assert evaluate(read, point) == evaluate(expr, point)
