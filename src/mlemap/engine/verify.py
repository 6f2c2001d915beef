"""The engine's self-checks: every displayed step is shown to follow before it is recorded.

Equality is decided symbolically where SymPy can (the difference simplifies to zero) and
otherwise numerically, at random data sets and parameter values drawn from their domains,
with exact rational inputs and 30-digit evaluation. A failed check is a bug in the engine
and raises :class:`VerificationError` rather than printing a wrong step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..errors import MlemapError, UnsupportedModelError
from .limits import TimeLimitExceeded, attempt, time_limit
from .problem import Point, Problem

__all__ = [
    "Check",
    "Comparison",
    "Counterexample",
    "VerificationError",
    "compare",
    "equivalent",
    "floating",
    "vanishes",
    "zero_symbolically",
]

TRIALS = 6
RELATIVE_TOLERANCE = 1e-12
SIMPLIFY_SECONDS = 3.0
SIMPLIFY_MAX_OPS = 400
DIGITS = 30
#: A step whose check takes longer is out of the engine's reach, not shown unverified.
CHECK_SECONDS = 20.0


class VerificationError(MlemapError, AssertionError):
    """The engine produced a step it could not verify: a bug in mlemap, never shown as a result."""


@dataclass(frozen=True)
class Check:
    """How a step was verified."""

    method: str  # "symbolic", "numeric", "definition", or "undecided" (a comparison only)
    detail: str

    def __str__(self) -> str:
        return self.detail


DEFINITION = Check("definition", "by definition")


def zero_symbolically(difference: sp.Expr) -> str | None:
    """Why ``difference`` is 0 by SymPy's own rules, or None where they do not show it."""
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
    """Equal to 12 significant digits, and both finite."""
    if not (np.isfinite(a) and np.isfinite(b)):
        return False
    return abs(a - b) <= RELATIVE_TOLERANCE * max(1.0, abs(a), abs(b))


@dataclass(frozen=True)
class Counterexample:
    """A data set and parameter values at which two expressions differ, with both values."""

    point: Point
    left: complex
    right: complex


@dataclass(frozen=True)
class Comparison:
    """The outcome of comparing two expressions: how it was decided, and where they differ."""

    check: Check  # method "symbolic", "numeric" or "undecided"
    counterexample: Counterexample | None = None

    @property
    def equal(self) -> bool:
        return self.check.method != "undecided" and self.counterexample is None


def floating(point: Point) -> Point:
    """``point`` in 30-digit floats: an expression from outside can raise data to powers
    whose exact value would take Python minutes to compute, in one uninterruptible call."""
    values = {s: sp.Float(v, DIGITS) for s, v in point.values.items()}
    return Point(point.size, values, [sp.Float(v, DIGITS) for v in point.data])


def _values(
    left: sp.Expr, right: sp.Expr, problem: Problem, point: Point, exact: bool
) -> tuple[complex, complex]:
    at = point if exact else floating(point)
    return problem.number(left, at), problem.number(right, at)


def compare(
    left: sp.Expr,
    right: sp.Expr,
    problem: Problem,
    rng: np.random.Generator,
    symbolic: Callable[[sp.Expr], str | None] = zero_symbolically,
    seconds: float | None = None,
    exact: bool = True,
) -> Comparison:
    """Decide ``left == right`` for all data and parameter values: ``symbolic`` on the
    difference first, then numbers at random points, exact rationals or (``exact=False``)
    30-digit floats; ``seconds`` bounds each evaluation."""
    reason = symbolic(sp.sympify(left, strict=True) - sp.sympify(right, strict=True))
    if reason:
        return Comparison(Check("symbolic", reason))
    sizes = []
    for _ in range(TRIALS):
        point = problem.random_point(rng)
        if seconds is None:
            values = _values(left, right, problem, point, exact)
        else:
            values = attempt(seconds, _values, left, right, problem, point, exact)
        if values is None:
            detail = f"evaluating at a random data set failed or took over {seconds:g} s"
            return Comparison(Check("undecided", detail))
        a, b = values
        if not _close(a, b):
            detail = f"the two sides differ at a random data set (n = {point.size})"
            return Comparison(Check("numeric", detail), Counterexample(point, a, b))
        sizes.append(point.size)
    return Comparison(
        Check(
            "numeric",
            f"equal at {TRIALS} random data sets (n = {min(sizes)}…{max(sizes)}) and parameter "
            f"values, to 12 significant digits",
        )
    )


def equivalent(
    left: sp.Expr, right: sp.Expr, problem: Problem, rng: np.random.Generator, what: str
) -> Check:
    """Check ``left == right`` for all data and parameter values; ``what`` names the step."""
    try:
        with time_limit(CHECK_SECONDS):
            result = compare(left, right, problem, rng)
    except TimeLimitExceeded:
        raise UnsupportedModelError(
            f"checking {what} took over {CHECK_SECONDS:g} s, and mlemap shows no step it has "
            f"not verified; model {problem.model.name!r} is out of reach of its exact checks"
        ) from None
    if result.counterexample is not None:
        found = result.counterexample
        point = found.point
        raise VerificationError(
            f"engine self-check failed for {what}: the two sides differ at n = {point.size}, "
            f"data {point.data}, values {point.values}: {found.left} versus {found.right}. "
            "This is a bug in mlemap; please report it."
        )
    return result.check


def vanishes(expr: sp.Expr, problem: Problem, rng: np.random.Generator, what: str) -> Check:
    """Check that ``expr`` is identically zero (a score at its stationary point)."""
    return equivalent(expr, sp.Integer(0), problem, rng, what)
