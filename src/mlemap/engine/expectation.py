"""The exact finite-n expectation of a function of the data sums: E[θ̂], E[θ̂²].

Two routes, both exact for every n:

* a polynomial (degree ≤ 4) in sums Σ g(xᵢ): linearity and independence. A product of k
  sums is a sum over the set partitions π of its k factors, each block B one observation:
  E[Π_j Σᵢ g_j(xᵢ)] = Σ_π n(n − 1)⋯(n − |π| + 1) Π_B E[Π_{j∈B} g_j] (for two sums,
  n E[gh] + n(n − 1) E[g] E[h]);
* c / (Σ g + b)ᵏ where each term has the Laplace transform E[e^(−t g(x))] = (β/(β + t))^a:
  the terms are Gamma(a, β), so Σ g ~ Gamma(n a, β) and
  E[(Σ g)^(−k)] = βᵏ / ((n a − 1)(n a − 2)⋯(n a − k)) for n a > k.

Anything else is None: the engine does not guess.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp
from sympy.utilities.iterables import multiset_partitions

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

__all__ = ["TRANSFORM", "Expected", "expectation"]

#: The variable of a Laplace transform E[e^(−t g(x))], shown in the bias step.
TRANSFORM = sp.Symbol("t", positive=True)

LAPLACE_SECONDS = 12.0
#: The highest degree in the data sums taken by linearity (E[σ̂⁴] needs 4).
MAX_DEGREE = 4


@dataclass(frozen=True)
class Expected:
    """E[expr], the route that found it, and the moments it rests on (checked)."""

    value: sp.Expr
    route: str  # "linearity" or "gamma sum"
    check: Check
    family: tuple[sp.Expr, sp.Expr] | None = None  # (shape per term a, rate β): Σ g ~ Gamma
    power: int = 1  # the power k of the reciprocal, on the gamma route


def statistics(expr: sp.Expr, x: sp.IndexedBase, one: sp.Symbol):
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


def _product_expectation(factors: list[sp.Expr], m: dict[sp.Expr, sp.Expr]) -> sp.Expr:
    """E[Π_j Σᵢ g_j(xᵢ)] over the set partitions of the factors (see the module)."""
    if not factors:
        return sp.Integer(1)
    total = sp.Integer(0)
    for partition in multiset_partitions(list(range(len(factors)))):
        term = sp.ff(n, len(partition))
        for block in partition:
            g = sp.Mul(*(factors[j] for j in block))
            term *= m.get(g, g)
        total += term
    return total


def _blocks(factors: list[sp.Expr]) -> set[sp.Expr]:
    """Every product of factors that a block of a set partition can hold."""
    return {
        sp.Mul(*(factors[j] for j in block))
        for partition in multiset_partitions(list(range(len(factors))))
        for block in partition
    }


def _by_linearity(expr, table, problem):
    symbols = list(table)
    if not symbols:
        return None
    try:
        poly = sp.Poly(sp.expand(expr), *symbols)
    except sp.PolynomialError:
        return None
    if poly.total_degree() > MAX_DEGREE or any(c.has(*symbols) for c in poly.coeffs()):
        return None

    def factors(powers) -> list[sp.Expr]:
        return [table[s] for s, k in zip(symbols, powers, strict=True) for _ in range(k)]

    wanted = set().union(*(_blocks(factors(p)) for p in poly.monoms()))
    got = moments(problem.model, wanted)
    if got is None:
        return None
    m = got[0]
    total = sp.Add(*(c * _product_expectation(factors(p), m) for p, c in poly.terms()))
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
    """c / (a S + b)ᵏ with S a sum of Gamma terms."""
    symbols = list(table)
    if len(symbols) != 1:
        return None
    (s,) = symbols
    numerator, denominator = sp.fraction(sp.together(expr))
    if numerator.has(s) or not denominator.is_polynomial(s):
        return None
    poly = sp.Poly(denominator, s)
    power = poly.degree()
    if power < 1:
        return None
    lead = poly.LC()
    shift = poly.coeff_monomial(s ** (power - 1)) / (power * lead)
    if sp.expand(denominator - lead * (s + shift) ** power) != 0:
        return None
    g = table[s] + shift / n  # Σg + b = Σ(g + b/n)
    if g.has(n):
        return None
    terms = _gamma_terms(g, problem)
    if terms is None:
        return None
    a, beta = terms
    falling = sp.Mul(*(n * a - j for j in range(1, power + 1)))
    value = sp.factor(sp.simplify(numerator / lead * beta**power / falling))
    return value, (a, beta), g, power


def expectation(problem: Problem, expr: sp.Expr, rng: np.random.Generator) -> Expected | None:
    """E[``expr``] for a function of the data sums, its moments verified; None where it is
    out of reach."""
    model = problem.model
    one = sp.Symbol(model.data, **model.support.assumptions())
    found = statistics(expr, model.x, one)
    if found is None:
        return None
    reduced, table = found
    linear = _by_linearity(reduced, table, problem)
    if linear is not None:
        value, used = linear
        return Expected(value, "linearity", _check_moments(used, problem, one, rng))
    gamma = _by_gamma_sum(reduced, table, problem)
    if gamma is None:
        return None
    value, family, g, power = gamma
    a, beta = family
    used = {sp.exp(-TRANSFORM * g): (beta / (beta + TRANSFORM)) ** a}
    check = _check_moments(used, problem, one, rng)
    return Expected(value, "gamma sum", check, family, power)


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
