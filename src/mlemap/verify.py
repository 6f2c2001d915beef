"""The engine's self-checks: every displayed step is shown to follow before it is recorded.

Equality is decided symbolically where SymPy can (the difference simplifies to zero) and
otherwise numerically, at random data sets and parameter values drawn from their domains,
with exact rational inputs and 30-digit evaluation. A failed check is a bug in the engine
and raises :class:`VerificationError` rather than printing a wrong step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from .errors import MlemapError
from .limits import attempt
from .problem import Problem

__all__ = ["Check", "VerificationError", "equivalent", "vanishes"]

TRIALS = 6
RELATIVE_TOLERANCE = 1e-12
SIMPLIFY_SECONDS = 3.0
SIMPLIFY_MAX_OPS = 400


class VerificationError(MlemapError, AssertionError):
    """The engine produced a step it could not verify: a bug in mlemap, never shown as a result."""


@dataclass(frozen=True)
class Check:
    """How a step was verified."""

    method: str  # "symbolic", "numeric" or "definition"
    detail: str

    def __str__(self) -> str:
        return self.detail


DEFINITION = Check("definition", "by definition")


def _zero_symbolically(difference: sp.Expr) -> str | None:
    # SymPy's own rules only: the Σ-rules are what is being checked, so they may not vouch
    # for themselves (SymPy cannot simplify most sums, and those steps go to numbers).
    if difference == 0:
        return "the two sides are identical"
    if sp.expand(difference) == 0:
        return "the difference expands to 0"
    if sp.count_ops(difference) > SIMPLIFY_MAX_OPS or difference.has(sp.Sum, sp.Product):
        # simplify rarely proves anything about sums over data and can take seconds to give
        # up; the numeric check at random data sets decides these.
        return None
    if attempt(SIMPLIFY_SECONDS, sp.simplify, difference) == 0:
        return "the difference simplifies to 0"
    return None


def _close(a: complex, b: complex) -> bool:
    if not (np.isfinite(a) and np.isfinite(b)):
        return False
    return abs(a - b) <= RELATIVE_TOLERANCE * max(1.0, abs(a), abs(b))


def equivalent(
    left: sp.Expr, right: sp.Expr, problem: Problem, rng: np.random.Generator, what: str
) -> Check:
    """Check ``left == right`` for all data and parameter values; ``what`` names the step."""
    reason = _zero_symbolically(sp.sympify(left) - sp.sympify(right))
    if reason:
        return Check("symbolic", reason)
    sizes = []
    for _ in range(TRIALS):
        point = problem.random_point(rng)
        a, b = problem.number(left, point), problem.number(right, point)
        if not _close(a, b):
            raise VerificationError(
                f"engine self-check failed for {what}: the two sides differ at n = {point.size}, "
                f"data {point.data}, values {point.values}: {a} versus {b}. "
                "This is a bug in mlemap; please report it."
            )
        sizes.append(point.size)
    return Check(
        "numeric",
        f"equal at {TRIALS} random data sets (n = {min(sizes)}…{max(sizes)}) and parameter "
        f"values, to 12 significant digits",
    )


def vanishes(expr: sp.Expr, problem: Problem, rng: np.random.Generator, what: str) -> Check:
    """Check that ``expr`` is identically zero (a score at its stationary point)."""
    return equivalent(expr, sp.Integer(0), problem, rng, what)
