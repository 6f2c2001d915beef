"""Deciding whether a candidate value lies in a domain: by proof where SymPy can, else by
evaluation at random data sets; the decision records which method decided."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..catalog.domains import Domain
from .problem import Problem

__all__ = ["Membership", "membership", "proof_substitution", "sign"]

SAMPLES = 12


@dataclass(frozen=True)
class Membership:
    inside: bool
    reason: str


def proof_substitution(problem: Problem, symbols: set[sp.Symbol]) -> dict[sp.Symbol, sp.Expr]:
    """Rewrite each named symbol so its assumptions alone imply its domain (θ = u/(1+u))."""
    found = {}
    for symbol in symbols:
        if symbol in problem.declarations:
            found[symbol], _ = problem.domain(symbol).proof_form(symbol)
    return found


def sign(expr: sp.Expr) -> int | None:
    """+1 or -1 where SymPy's assumptions decide the sign of ``expr``, else None."""
    if expr.is_positive:
        return 1
    if expr.is_negative:
        return -1
    return None


def membership(
    value: sp.Expr,
    thawed: sp.Expr,
    domain: Domain,
    problem: Problem,
    rng: np.random.Generator,
) -> Membership:
    """Is ``value`` (sums frozen to signed symbols) in ``domain``? ``thawed`` is the same
    value with its sums, for numeric evaluation."""
    if value.is_real is False:
        return Membership(False, "not real")
    rewritten = value.xreplace(proof_substitution(problem, value.free_symbols))
    proved = domain.interval.contains(rewritten)
    if proved is sp.true:
        return Membership(True, f"in {domain.describe()} (proved by SymPy)")
    if proved is sp.false:
        return Membership(False, f"outside {domain.describe()} (proved by SymPy)")
    inside = 0
    for _ in range(SAMPLES):
        number = problem.number(thawed, problem.random_point(rng))
        real = abs(number.imag) <= 1e-12 * max(1.0, abs(number.real))
        inside += bool(real and domain.contains(number.real))
    if inside == SAMPLES:
        return Membership(True, f"in {domain.describe()} at all {SAMPLES} random data sets")
    if inside == 0:
        return Membership(False, f"outside {domain.describe()} at all {SAMPLES} random data sets")
    return Membership(
        True, f"in {domain.describe()} at {inside} of {SAMPLES} random data sets only"
    )
