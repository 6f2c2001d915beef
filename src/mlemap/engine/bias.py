"""The exact finite-n expectation of an estimate, its bias, and the unbiased correction.

Two routes, both exact for every n:

* an estimate polynomial (degree ≤ 2) in sums Σ g(xᵢ): linearity and independence,
  E[Σ g] = n E[g], E[Σ g · Σ h] = n E[g h] + n(n − 1) E[g] E[h];
* the reciprocal of one such sum whose terms have the Laplace transform
  E[e^(−t g)] = (β/(β + t))^a: each term is Gamma(a, β), so Σ g ~ Gamma(n a, β) and
  E[1/Σ g] = β/(n a − 1) for n a > 1.

Anything else is "not derived": the engine does not guess.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..catalog.symbols import i, n
from .information import (
    QUADRATURE_TOLERANCE,
    QUADRATURE_TRIALS,
    moments,
    numeric_expectation,
    observation_symbol,
    quadrature_check,
    random_values,
)
from .limits import attempt
from .problem import Problem
from .sums import normalize
from .verify import Check, VerificationError

__all__ = ["Bias", "exact_bias"]

#: The variable of a Laplace transform E[e^(−t g(x))], shown in the bias step.
TRANSFORM = sp.Symbol("t", positive=True)

LAPLACE_SECONDS = 4.0


@dataclass(frozen=True)
class Bias:
    """E[θ̂] for one parameter, how it was found, and the constant correction if any."""

    parameter: sp.Symbol
    expectation: sp.Expr
    route: str  # "linearity" or "gamma sum"
    correction: sp.Expr | None  # c with E[c θ̂] = θ, free of the parameters
    check: Check
    family: tuple[sp.Expr, sp.Expr] | None = None  # (shape per term a, rate β): Σ g ~ Gamma

    @property
    def bias(self) -> sp.Expr:
        return sp.factor(sp.simplify(self.expectation - self.parameter))

    @property
    def unbiased(self) -> bool:
        return self.bias == 0


def _statistics(expr: sp.Expr, x: sp.IndexedBase, one: sp.Symbol):
    """``expr`` as a function of fresh symbols, one per sum Σ g(xᵢ), and each g(x)."""
    table: dict[sp.Symbol, sp.Expr] = {}
    by_g: dict[sp.Expr, sp.Symbol] = {}
    expr = normalize(expr)
    while expr.has(sp.Sum):
        inner = sorted(
            (s for s in expr.atoms(sp.Sum) if not s.function.has(sp.Sum)), key=sp.default_sort_key
        )
        for s in inner:
            g = s.function.xreplace({x[i]: one})
            if g.has(i) or s.limits != ((i, 1, n),):
                return None
            if g not in by_g:
                by_g[g] = sp.Dummy(f"S{len(by_g)}", real=True)
                table[by_g[g]] = g
            expr = expr.xreplace({s: by_g[g]})
        expr = normalize(expr, expand=set(table))
    return expr, table


def _by_linearity(expr, table, parameters, problem):
    symbols = list(table)
    if not symbols:
        return None
    try:
        poly = sp.Poly(sp.expand(expr), *symbols)
    except sp.PolynomialError:
        return None
    if poly.total_degree() > 2 or any(c.has(*symbols) for c in poly.coeffs()):
        return None
    wanted: set[sp.Expr] = set()
    for powers in poly.monoms():
        used = [table[s] for s, k in zip(symbols, powers, strict=True) for _ in range(k)]
        wanted |= set(used)
        if len(used) == 2:
            wanted.add(used[0] * used[1])
    got = moments(problem.model, wanted)
    if got is None:
        return None
    m = got[0]
    total = sp.Integer(0)
    for powers, coefficient in poly.terms():
        used = [table[s] for s, k in zip(symbols, powers, strict=True) for _ in range(k)]
        if not used:
            term = 1
        elif len(used) == 1:
            term = n * m.get(used[0], used[0])
        else:
            g, h = used
            term = n * m.get(g * h, g * h) + n * (n - 1) * m.get(g, g) * m.get(h, h)
        total += coefficient * term
    return sp.factor(sp.simplify(total)), {g: m[g] for g in wanted if g in m}


def _gamma_terms(g: sp.Expr, problem: Problem) -> tuple[sp.Expr, sp.Expr] | None:
    """(a, β) where E[e^(−t g(x))] = (β/(β + t))^a, else None."""
    model = problem.model
    x = observation_symbol(model)
    t = TRANSFORM
    transform = sp.exp(-t * g)
    got = moments(model, {transform})
    if got is None or g.free_symbols - {x} - set(problem.declarations):
        return None
    laplace = got[0][transform]
    log_l = sp.expand_log(sp.log(laplace), force=True)
    q = attempt(LAPLACE_SECONDS, sp.simplify, -1 / sp.diff(log_l, t))
    if q is None or not q.is_polynomial(t) or sp.degree(q, t) != 1:
        return None
    a = sp.simplify(1 / sp.diff(q, t))
    beta = sp.simplify(q.subs(t, 0) * a)
    if a.has(t) or beta.has(t) or sp.simplify(laplace - (beta / (beta + t)) ** a) != 0:
        return None
    return a, beta


def _by_gamma_sum(expr, table, problem):
    """c / (a S + b) with S a sum of Gamma terms."""
    symbols = list(table)
    if len(symbols) != 1:
        return None
    (s,) = symbols
    numerator, denominator = sp.fraction(sp.together(expr))
    if numerator.has(s) or not denominator.is_polynomial(s):
        return None
    poly = sp.Poly(denominator, s)
    if poly.degree() != 1:
        return None
    slope, intercept = poly.all_coeffs()
    g = table[s] + intercept / (slope * n)  # a·Σg + b = a·Σ(g + b/(a n))
    if g.has(n):
        return None
    terms = _gamma_terms(g, problem)
    if terms is None:
        return None
    a, beta = terms
    return sp.factor(sp.simplify(numerator / slope * beta / (n * a - 1))), (a, beta), g


def exact_bias(
    problem: Problem, estimate: sp.Expr, parameter: sp.Symbol, rng: np.random.Generator
) -> Bias | None:
    """E[θ̂] for ``estimate`` of ``parameter``, verified; None where it is not derived."""
    model = problem.model
    one = sp.Symbol(model.data, **model.support.assumptions())
    found = _statistics(estimate, model.x, one)
    if found is None:
        return None
    expr, table = found
    linear = _by_linearity(expr, table, problem.parameters, problem)
    family = None
    if linear is not None:
        expectation, used = linear
        route = "linearity"
        checked = dict(used)
    else:
        gamma = _by_gamma_sum(expr, table, problem)
        if gamma is None:
            return None
        expectation, family, g = gamma
        route = "gamma sum"
        t = TRANSFORM
        a, beta = family
        checked = {sp.exp(-t * g): (beta / (beta + t)) ** a}
    check = _check_moments(checked, problem, one, rng)
    ratio = sp.simplify(expectation / parameter)
    correction = None
    if not ratio.has(*problem.parameters) and ratio != 1:
        correction = sp.factor(1 / ratio)
    return Bias(parameter, expectation, route, correction, check, family)


def _check_moments(used: dict, problem: Problem, x: sp.Symbol, rng: np.random.Generator) -> Check:
    """Each moment the expectation rests on, against numeric quadrature at random values
    (a Laplace transform at t = 1/2, 1 and 2)."""
    t = TRANSFORM
    for _ in range(QUADRATURE_TRIALS):
        values = random_values(problem, rng)
        for g, value in used.items():
            for at in (sp.Rational(1, 2), 1, 2) if g.has(t) else (None,):
                point = {**values, t: at} if at is not None else values
                exact = float(value.xreplace(point))
                numeric = numeric_expectation(
                    g.xreplace({t: at} if at else {}), problem.model, x, values
                )
                if abs(exact - numeric) > QUADRATURE_TOLERANCE * max(1.0, abs(exact)):
                    raise VerificationError(
                        f"engine self-check failed for the moment E[{g}] of "
                        f"{problem.model.name}: {exact} at {values} but numeric quadrature "
                        f"gives {numeric}. This is a bug in mlemap; please report it."
                    )
    return quadrature_check(problem.model) if used else Check("symbolic", "by linearity")
