"""A kink at every observation: Σ|xᵢ − μ| is minimised by the subgradient condition.

A density such as the Laplace's, e^{−|x−μ|/b}/(2b), gives a log-likelihood that holds μ only
in c·Σ|μ − xᵢ| with c < 0. Each term has a kink at μ = xᵢ, so the score is not defined at
the data and the derivative test does not apply. The sum is convex, and it is smallest where
0 lies between its slopes from the left and from the right: #{xᵢ < μ} ≤ n/2 ≤ #{xᵢ ≤ μ},
which the sample median x̃ meets. The other parameters are then derived as if μ were known
and μ̂ = x̃ put in, as for a boundary maximum (:mod:`.boundary`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..catalog.symbols import hat, i, n
from ..errors import UnsupportedModelError
from .derivation import Derivation, Step
from .domain_checks import proof_substitution, sign
from .order import AtMost, Below, SampleMedian
from .problem import Point, Problem
from .profile import the_rest
from .solve import Solution, StationaryEquation, score
from .verify import TRIALS, Check, VerificationError

__all__ = ["Kink", "find_kink", "kink_parameter", "subgradient_derivation"]


@dataclass(frozen=True)
class Kink:
    """ℓ = rest + weight·Σ|μ − xᵢ|, with rest and weight free of μ and weight < 0."""

    parameter: sp.Symbol
    term: sp.Sum
    weight: sp.Expr
    rest: sp.Expr

    @property
    def median(self) -> SampleMedian:
        summand = self.term.function.args[0]
        data = next(iter(summand.atoms(sp.Indexed))).base
        return SampleMedian(data, n)


def kink_parameter(
    found: sp.Abs, x: sp.IndexedBase, parameters: tuple[sp.Symbol, ...]
) -> sp.Symbol | None:
    """The parameter μ where ``found`` is |xᵢ − μ| (either way round), else None."""
    argument = found.args[0]
    for p in parameters:
        if any(sp.expand(s * argument - (x[i] - p)) == 0 for s in (1, -1)):
            return p
    return None


def _refuse(problem: Problem, why: str) -> UnsupportedModelError:
    return UnsupportedModelError(
        f"the log-likelihood of model {problem.model.name!r} has a kink, and {why}; mlemap "
        "derives a kink only where the log-likelihood holds one parameter μ in c·Σ|xᵢ − μ| "
        "alone, with c < 0 (a Laplace location), by the subgradient condition"
    )


def find_kink(problem: Problem, log_likelihood: sp.Expr) -> Kink | None:
    """The log-likelihood's Σ|μ − xᵢ| term, or None where no |·| holds a parameter."""
    parameters = problem.parameters
    found = [a for a in log_likelihood.atoms(sp.Abs) if a.has(*parameters)]
    if not found:
        return None
    held = {kink_parameter(a, problem.x, parameters) for a in found}
    if len(held) != 1 or None in held:
        raise _refuse(problem, "its absolute values are not all |xᵢ − μ| for one parameter μ")
    (p,) = held
    if problem.priors:
        raise _refuse(
            problem, "a prior is given: a MAP estimate at a kink of the data is not derived"
        )
    sums = [s for s in log_likelihood.atoms(sp.Sum) if s.has(p)]
    if len(sums) != 1 or not isinstance(sums[0].function, sp.Abs):
        raise _refuse(problem, f"it holds {p} outside the sum of absolute deviations")
    (term,) = sums
    expanded = sp.expand(log_likelihood)
    weight = expanded.coeff(term)
    rest = sp.expand(expanded - weight * term)
    if weight.has(p) or rest.has(p):
        raise _refuse(problem, f"it holds {p} outside the sum of absolute deviations")
    if sign(weight.xreplace(proof_substitution(problem, weight.free_symbols))) != -1:
        raise _refuse(problem, f"the coefficient {weight} of Σ|xᵢ − {p}| is not negative")
    return Kink(p, term, weight, rest)


# -- verification ------------------------------------------------------------------------
def _tied_point(problem: Problem, rng: np.random.Generator, size: int) -> Point:
    """A random point whose data repeat some values: ties are where the counts differ."""
    point = problem.random_point(rng, size=size)
    data = list(point.data)
    for _ in range(int(rng.integers(0, max(2, size // 2)))):
        data[int(rng.integers(0, size))] = data[int(rng.integers(0, size))]
    return Point(point.size, dict(point.values), data)


def _in(expr: sp.Basic, p: sp.Symbol, problem: Problem, point: Point) -> Callable:
    """``expr`` at ``point``'s data and values, as a function of ``p`` (expanded once)."""
    at = problem.evaluate(expr, point, keep=(p,))
    return lambda value: at.xreplace({p: value})


def _gap(data: list[sp.Expr], value: sp.Expr) -> sp.Expr:
    """Half the smallest distance from ``value`` to an observation other than itself: S is
    linear on either side of ``value`` within it."""
    distances = [abs(v - value) for v in data if v != value]
    return min(distances, default=sp.Integer(1)) / 2


def _check_slopes(kink: Kink, problem: Problem, rng: np.random.Generator) -> Check:
    """S's slopes from the right and the left, as exact difference quotients within the gap
    to the next observation, equal 2#{xᵢ ≤ μ} − n and 2#{xᵢ < μ} − n."""
    p, checked = kink.parameter, 0
    for _ in range(TRIALS + 2):
        point = _tied_point(problem, rng, int(rng.integers(3, 12)))
        ordered = sorted(point.data)
        deviations = _in(kink.term, p, problem, point)
        from_right = _in(2 * AtMost(problem.x, n, p) - n, p, problem, point)
        from_left = _in(2 * Below(problem.x, n, p) - n, p, problem, point)
        for value in (
            point.data[int(rng.integers(0, point.size))],
            (ordered[0] + ordered[-1]) / 2,
            ordered[0] - 1,
        ):
            h = _gap(point.data, value)
            centre = deviations(value)
            right = (deviations(value + h) - centre) / h
            left = (centre - deviations(value - h)) / h
            expected_right, expected_left = from_right(value), from_left(value)
            if right != expected_right or left != expected_left:
                raise VerificationError(
                    f"the slopes of {kink.term} at {p} = {value} for data {point.data} are "
                    f"{left} and {right}, not {expected_left} and {expected_right}. This is a "
                    "bug in mlemap; please report it."
                )
            checked += 1
    return Check(
        "numeric",
        f"exact at {checked} values (at, between and below the observations) of random "
        "data sets with ties: the slopes of S from the left and the right, as difference "
        "quotients within the gap to the next observation, equal twice the number of "
        "observations below the value (from the left) or at most the value (from the "
        "right), less n",
    )


def condition(kink: Kink, problem: Problem) -> tuple[sp.Basic, sp.Basic]:
    """#{xᵢ < μ} ≤ n/2 and n/2 ≤ #{xᵢ ≤ μ}."""
    p = kink.parameter
    return (
        sp.LessThan(Below(problem.x, n, p), n / 2, evaluate=False),
        sp.LessThan(n / 2, AtMost(problem.x, n, p), evaluate=False),
    )


def _check_median(kink: Kink, problem: Problem, rng: np.random.Generator) -> Check:
    """x̃ meets the condition and S is smallest there; for even n every point between the
    middle observations meets it with the same S, and points beyond them do not."""
    p, median = kink.parameter, kink.median
    relations = condition(kink, problem)
    sizes = 0
    for trial in range(TRIALS + 2):
        point = _tied_point(problem, rng, int(rng.integers(3, 12)) + trial % 2)
        ordered = sorted(point.data)
        deviations = _in(kink.term, p, problem, point)
        tests = [_in(r, p, problem, point) for r in relations]

        def holds(value: sp.Expr, tests: list[Callable] = tests) -> bool:
            return all(bool(t(value)) for t in tests)

        value = problem.evaluate(median, point)
        least = deviations(value)
        if not holds(value):
            raise VerificationError(f"the median {value} of {point.data} fails {relations}")
        for other in (ordered[0] - 1, ordered[-1] + 1, *point.data):
            if deviations(other) < least:
                raise VerificationError(f"S is smaller at {other} than at the median {value}")
        if point.size % 2 == 0:
            low, high = ordered[point.size // 2 - 1], ordered[point.size // 2]
            share = sp.Rational(int(rng.integers(1, 10)), 10)
            for inside in (low, high, low + (high - low) * share):
                if not holds(inside) or deviations(inside) != least:
                    raise VerificationError(f"{inside} in [{low}, {high}] is not a minimiser")
            for outside in (low - _gap(point.data, low), high + _gap(point.data, high)):
                if holds(outside):
                    raise VerificationError(f"{outside} outside [{low}, {high}] meets {relations}")
        sizes += 1
    return Check(
        "numeric",
        f"exact at {sizes} random data sets with ties, of odd and even size: the median meets "
        "the condition and S is no smaller at any observation or beyond the range; for even n "
        "every point between the middle observations meets it with the same S, and points "
        "beyond them do not",
    )


# -- steps -----------------------------------------------------------------------------------
def kink_step(kink: Kink, problem: Problem) -> Step:
    p = kink.parameter
    term = kink.term.function
    derivative = sp.diff(term, p)
    if derivative != sp.sign(term.args[0]):
        raise VerificationError(f"SymPy's derivative of {term} is {derivative}, not a sign")
    others = [q for q in problem.parameters if q != p]
    words: list[object] = [
        "The log-likelihood holds ",
        p,
        " only in the term ",
        kink.weight * kink.term,
        ", whose coefficient is negative; so",
        " for every value of the other parameters" if others else "",
        " it is largest in ",
        p,
        " where S(",
        p,
        ") = ",
        kink.term,
        " is smallest. Each term has a kink at its observation: its derivative, above, is ±1 "
        "on either side and does not exist at ",
        sp.Eq(p, problem.x[i]),
        " itself. So the score is not defined at the data, and the derivative test does not "
        "apply: the minimum of S can sit exactly at an observation. Convexity decides instead: "
        "S is a sum of convex functions, smallest where 0 lies between its slopes from the "
        "left and from the right (0 is in its subdifferential).",
    ]
    line = sp.Eq(sp.Derivative(term, p), derivative, evaluate=False)
    check = Check(
        "symbolic",
        "SymPy differentiates the absolute value for a real parameter and real data (valid "
        "where they differ); the log-likelihood less the term is free of the parameter, and "
        "the term's coefficient is negative by SymPy's sign rules",
    )
    return Step("kink", "Where the derivative test fails", (line,), tuple(words), check, subject=p)


def subgradient_step(kink: Kink, problem: Problem, rng: np.random.Generator) -> Step:
    p, x = kink.parameter, problem.x
    words: list[object] = [
        "Each observation below ",
        p,
        " adds 1 to the slope of S and each above it subtracts 1; one equal to ",
        p,
        " adds 1 to the slope from the right and subtracts 1 from the slope from the left. "
        "So the slope of S from the right is ",
        2 * AtMost(x, n, p) - n,
        " and from the left ",
        2 * Below(x, n, p) - n,
        ". The slope from the left is at most 0 and the slope from the right at least 0 "
        "exactly when:",
    ]
    return Step(
        "subgradient",
        "Subgradient condition",
        condition(kink, problem),
        tuple(words),
        _check_slopes(kink, problem, rng),
        subject=p,
    )


def median_step(kink: Kink, problem: Problem, rng: np.random.Generator) -> Step:
    p, median = kink.parameter, kink.median
    words: list[object] = [
        "At most half the observations lie below ",
        p,
        " and at most half above it: ",
        p,
        " is a sample median. For odd n that is only the middle observation, so the MLE is "
        "unique. For even n it is every point between the two middle observations, where S "
        "is flat, and every such point is an MLE; the estimator returns their midpoint, the "
        "median ",
        median,
        " as NumPy computes it (the convention of textbooks and of scipy's Laplace fit), the "
        "one choice that treats the two middle observations alike, so that reflecting the "
        "data reflects the estimate.",
    ]
    return Step(
        "median",
        "The median",
        (sp.Eq(hat(p), median),),
        tuple(words),
        _check_median(kink, problem, rng),
        subject=p,
    )


def subgradient_derivation(
    problem: Problem,
    kink: Kink,
    opening: list[Step],
    objective: sp.Expr,
    inner: Derivation | None,
    assumptions: tuple[str, ...],
    rng: np.random.Generator,
) -> Derivation:
    """``opening`` (model to log-likelihood), the kink, the subgradient condition and the
    median, then ``inner`` (the rest, derived with μ known) and the result."""
    p, median = kink.parameter, kink.median
    steps = [*opening, kink_step(kink, problem), subgradient_step(kink, problem, rng)]
    steps.append(median_step(kink, problem, rng))
    equations = [StationaryEquation(p, score(objective, p, problem), value=median)]
    estimates: dict[sp.Symbol, sp.Expr] = {p: median}
    order: tuple[sp.Symbol, ...] = (p,)
    check = steps[-1].check
    if inner is not None:
        if not inner.closed_form:
            raise _refuse(problem, "the other parameters have no closed form")
        rest = the_rest(problem, objective, inner, {p: median}, rng)
        steps += rest.steps
        equations += rest.equations
        estimates.update(rest.estimates)
        order += rest.order
        check = rest.check
    solution = Solution(tuple(equations), estimates, order, "by the subgradient condition")
    derivation = Derivation(problem, objective, tuple(steps), solution, assumptions=assumptions)
    words = (
        "The MLE: ",
        hat(p),
        " the sample median, where S is smallest",
        "; the others at the stationary point there." if inner is not None else ".",
        " The log-likelihood has no second derivative in ",
        p,
        " at the data, so the Fisher information and the bias are not derived here.",
    )
    result = Step("result", "Result", derivation.results, words, check)
    return Derivation(problem, objective, (*steps, result), solution, assumptions=assumptions)
