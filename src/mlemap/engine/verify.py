"""The engine's self-checks: every displayed step is shown to follow before it is recorded.

Equality is decided symbolically where SymPy can (the difference simplifies to zero) and
otherwise numerically, at random data sets and parameter values drawn from their domains,
with exact rational inputs and 30-digit evaluation. A failed check is a bug in the engine
and raises :class:`VerificationError` rather than printing a wrong step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from ..catalog.symbols import n
from ..errors import MlemapError, UnsupportedModelError
from .compiled import DIGITS
from .limits import TimeLimitExceeded, attempt, time_limit
from .problem import Point, Problem, sample_sizes

__all__ = [
    "SEED",
    "Check",
    "Comparison",
    "Counterexample",
    "VerificationError",
    "compare",
    "degree",
    "equivalent",
    "floating",
    "trials",
    "vanishes",
    "zero_symbolically",
]

#: Fixed seed: the engine's random checks, and so its output, are reproducible.
SEED = 20_261_125
#: Random points of a numeric comparison, at least; more where the two sides are
#: polynomials in n or the data of higher degree (:func:`trials`), at most MOST_TRIALS.
TRIALS = 6
MOST_TRIALS = 48
#: Far below the distance 10⁻¹³ of a wrong constant, far above rounding at DIGITS digits.
RELATIVE_TOLERANCE = 1e-20
SIMPLIFY_SECONDS = 3.0
SIMPLIFY_MAX_OPS = 400
#: Where the two sides differ at DIGITS digits, they are evaluated again with twice the
#: digits, up to this many: a sum that cancels (1 + erf(u) for u ≪ 0 is erfc(−u), 10⁻¹⁴⁰⁰
#: at u = −57) loses every digit it does not have, and a correct step must not be refused
#: for it; a wrong one differs the same way at two precisions and is caught at the second.
MOST_DIGITS = 2560
#: A step whose check takes longer is out of the engine's reach, not shown unverified. CPU
#: time of the checking thread, so that a loaded machine does not refuse a step it checks.
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


def _close(a: mpmath.mpc, b: mpmath.mpc) -> bool:
    """Equal to 20 significant digits, and both finite."""
    if not (mpmath.isfinite(a) and mpmath.isfinite(b)):
        return False
    return abs(a - b) <= RELATIVE_TOLERANCE * max(1, abs(a), abs(b))


def degree(expr: sp.Basic, discrete: tuple[sp.Basic, ...]) -> int:
    """A bound on the degree of ``expr`` as a polynomial in n and the sums over the data
    (``discrete``: the quantities that take integer values), after clearing denominators:
    a difference of that degree vanishes at no more points than its degree unless it is
    zero. A function of them (k!, binomial(n, 7)) counts as its degree in its argument
    times its integer order where it has one, plus one."""
    if expr in discrete or isinstance(expr, sp.Sum):
        return 1
    if not expr.args or not expr.has(*discrete, sp.Sum):
        return 0
    parts = [degree(a, discrete) for a in expr.args]
    if isinstance(expr, sp.Pow):
        base, exponent = parts[0], parts[1]
        power = expr.exp
        if exponent or not power.is_number:
            return base + exponent + 1
        return base * max(1, int(min(abs(power), 10**6)))
    if isinstance(expr, sp.Add | sp.Mul):
        return sum(parts)
    if isinstance(expr, sp.binomial | sp.FallingFactorial | sp.RisingFactorial):
        order = expr.args[1]
        if order.is_Integer and not parts[1]:
            return parts[0] * max(1, int(min(abs(order), 10**6)))
    return sum(parts) + 1


def trials(difference: sp.Expr) -> int:
    """How many random points decide ``difference == 0``: more than its degree in n and
    the data sums (:func:`degree`), and at least :data:`TRIALS`."""
    return min(MOST_TRIALS, max(TRIALS, degree(difference, (n,)) + 2))


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
    data = [
        tuple(sp.Float(c, DIGITS) for c in v) if isinstance(v, tuple) else sp.Float(v, DIGITS)
        for v in point.data
    ]
    return Point(point.size, values, data)


def _values(
    left: sp.Expr, right: sp.Expr, problem: Problem, point: Point, exact: bool
) -> tuple[mpmath.mpc, mpmath.mpc]:
    """Both sides at ``point``, to more digits where they differ until either they agree or
    each side keeps its value from one precision to twice it (:data:`MOST_DIGITS`)."""
    at = point if exact else floating(point)
    digits = DIGITS
    a, b = problem.value(left, at), problem.value(right, at)
    while not _close(a, b) and digits < MOST_DIGITS:
        digits *= 2
        more_a, more_b = problem.value(left, at, digits), problem.value(right, at, digits)
        settled = _close(a, more_a) and _close(b, more_b)
        a, b = more_a, more_b
        if settled:
            break
    return a, b


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
    left, right = sp.sympify(left, strict=True), sp.sympify(right, strict=True)
    reason = symbolic(left - right)
    if reason:
        return Comparison(Check("symbolic", reason))
    sizes = sample_sizes(rng, trials(left - right))
    for size in sizes:
        point = problem.random_point(rng, size)
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
            return Comparison(
                Check("numeric", detail), Counterexample(point, complex(a), complex(b))
            )
    return Comparison(
        Check(
            "numeric",
            f"equal at {len(sizes)} random data sets of distinct sizes (n = {sizes[0]}…"
            f"{sizes[-1]}) and parameter values, to 20 significant digits",
        )
    )


def equivalent(
    left: sp.Expr, right: sp.Expr, problem: Problem, rng: np.random.Generator, what: str
) -> Check:
    """Check ``left == right`` for all data and parameter values; ``what`` names the step."""
    try:
        with time_limit(CHECK_SECONDS, cpu=True):
            result = compare(left, right, problem, rng)
    except TimeLimitExceeded:
        raise UnsupportedModelError(
            f"checking {what} took over {CHECK_SECONDS:g} s of CPU time, and mlemap shows no "
            f"step it has not verified; model {problem.model.name!r} is out of reach of its "
            "exact checks"
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
