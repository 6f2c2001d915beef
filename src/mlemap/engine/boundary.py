"""Supports that depend on a parameter: the maximum sits on the boundary of a feasible set.

For uniform(0, θ) the likelihood is θ⁻ⁿ where every xᵢ ≤ θ and 0 elsewhere: it carries the
indicator of its support. The data fix a feasible set for each such parameter (θ ≥ x₍ₙ₎;
for a lower end θ ≤ x₍₁₎), found by solving the support's end for it, and the log-likelihood
is smooth inside that set. There the sign of the score, proved by SymPy for every value of
the other parameters, shows ℓ monotone, so its maximum is the set's end: an order
statistic, not a root of the score (which never vanishes). The remaining parameters are
then derived as if these were known, and the boundary estimates put in; where they have no
closed form, from the profile log-likelihood by the numeric method (:mod:`.profile`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import sympy as sp

from ..catalog.symbols import hat, n
from ..errors import UnsupportedModelError
from .derivation import Derivation, Step
from .domain_checks import contains_proof, proof_substitution, sign
from .limits import attempt
from .notation import LogLikelihood
from .order import Largest, OrderStatistic, Smallest
from .problem import Problem
from .profile import the_rest
from .solve import Solution, StationaryEquation, score
from .sums import freeze
from .verify import TRIALS, Check, VerificationError, equivalent

__all__ = [
    "Bound",
    "boundary_derivation",
    "feasible_set",
    "feasible_set_step",
]

SOLVE_SECONDS = 5.0
_ON_THE_FEASIBLE_SET = "On the feasible set the indicator is 1 and the density smooth. "


@dataclass(frozen=True)
class Bound:
    """The feasible set of one parameter held by an end of the support: θ ≥ value (side +1)
    or θ ≤ value (side −1), value written with an order statistic."""

    parameter: sp.Symbol
    end: str  # "lower" or "upper": which end of the support holds the parameter
    statistic: OrderStatistic
    value: sp.Expr
    side: int

    @property
    def relation(self) -> sp.Basic:
        relation = sp.GreaterThan if self.side > 0 else sp.LessThan
        return relation(self.parameter, self.value, evaluate=False)

    @property
    def outside(self) -> sp.Basic:
        relation = sp.StrictLessThan if self.side > 0 else sp.StrictGreaterThan
        return relation(self.parameter, self.value, evaluate=False)


def _refuse(problem: Problem, why: str) -> UnsupportedModelError:
    support = problem.model.support.describe()
    return UnsupportedModelError(
        f"the support of model {problem.model.name!r}, {support}, depends on an estimated "
        f"parameter, and {why}; mlemap derives a boundary maximum where each end of the "
        "support holds one parameter, monotone in it, and the score has one sign on the "
        "feasible set"
    )


def feasible_set(problem: Problem) -> tuple[Bound, ...]:
    """The feasible set of each parameter that an end of the support holds (none for a
    support free of the estimated parameters)."""
    support = problem.model.support
    found: list[Bound] = []
    data = sp.Dummy(problem.model.data, **support.assumptions())  # any observation
    for end, expr in (("lower", support.lower), ("upper", support.upper)):
        held = [p for p in problem.parameters if expr.has(p)]
        if not held:
            continue
        if len(held) > 1:
            raise _refuse(problem, f"its {end} end {expr} holds {held[0]} and {held[1]} at once")
        p = held[0]
        if any(b.parameter == p for b in found):
            raise _refuse(problem, f"both of its ends hold {p}")
        if support.integer:
            raise _refuse(problem, f"its data are integers (a discrete support held by {p})")
        statistic = (Smallest if end == "lower" else Largest)(problem.x, n)
        slope = sp.diff(expr, p)
        slope_sign = sign(slope.xreplace(proof_substitution(problem, slope.free_symbols)))
        plain = sp.Dummy(p.name)
        roots = attempt(SOLVE_SECONDS, sp.solve, sp.Eq(expr.xreplace({p: plain}), statistic), plain)
        if slope_sign is None or not roots or len(roots) != 1:
            raise _refuse(problem, f"its {end} end {expr} is not monotone in {p} with one inverse")
        # Every observation lies in the support: lower(θ) ≤ x₍₁₎ and upper(θ) ≥ x₍ₙ₎.
        side = slope_sign * (-1 if end == "lower" else 1)
        found.append(Bound(p, end, statistic, roots[0], side))
    for b in found:  # after the checks above, whose reasons come first
        # θ ≥ x₍ₙ₎ bounds θ > 0 even where x₍ₙ₎ may be 0: the domain's closure
        closure = problem.domain(b.parameter).interval.closure
        at = b.value.xreplace({b.statistic: data})
        if contains_proof(closure, at, problem) is not sp.true:
            raise _refuse(
                problem,
                f"its {b.end} end bounds {b.parameter} by {b.value}, which is not proved to lie "
                f"in the domain of {b.parameter} for every data set (so the bound holds only "
                "for some)",
            )
    if found and problem.priors:
        raise _refuse(problem, "a prior is given: MAP estimation on a feasible set is not derived")
    return tuple(found)


# -- verification ------------------------------------------------------------------------
def _sample_holds(problem: Problem, values: dict, data: list) -> bool:
    """Every observation inside the support, its ends taken closed (see the step's words)."""
    support = problem.model.support
    lower = support.lower.xreplace(values)
    upper = support.upper.xreplace(values)
    return all(bool(lower <= v) and bool(v <= upper) for v in data)


def _check_feasible(problem: Problem, bounds: tuple[Bound, ...], rng: np.random.Generator) -> Check:
    """The product of the indicators equals the indicator of the feasible set, at random data
    sets and parameter values drawn on both sides of each boundary."""
    seen = set()
    for _ in range(2 * TRIALS):
        # small samples: the indicators are checked observation by observation, and an
        # order statistic of a few hundred exact values is slow to build symbolically
        point = problem.random_point(rng, size=int(rng.integers(3, 9)))
        values = dict(point.values)
        for b in bounds:
            at = problem.evaluate(b.value, point)
            step = sp.Rational(int(rng.integers(1, 20)), 10) * rng.choice([-1, 1])
            moved = at + step
            if problem.domain(b.parameter).contains(float(moved)):
                values[b.parameter] = moved
        point.values.update(values)
        indicator = _sample_holds(problem, values, point.data)
        feasible = all(bool(problem.evaluate(b.relation, point)) for b in bounds)
        if indicator != feasible:
            raise VerificationError(
                f"engine self-check failed for the feasible set of model "
                f"{problem.model.name!r} at data {point.data}, values {values}. This is a bug "
                "in mlemap; please report it."
            )
        seen.add(feasible)
    both = " on both sides of the boundary" if len(seen) == 2 else ""
    return Check(
        "numeric",
        f"the indicators' product equals the feasible set's at {2 * TRIALS} random data sets "
        f"and parameter values{both}",
    )


def _proof_form(problem: Problem, bounds: tuple[Bound, ...], expr: sp.Expr) -> sp.Expr:
    """``expr`` on the feasible set, written so that SymPy's assumptions alone say where it
    is: x₍ₙ₎ = x₍₁₎ + w (w ≥ 0), θ = x₍ₙ₎ + u or θ = x₍₁₎/(1 + u) (u > 0), and so on."""
    support = problem.model.support
    first = sp.Dummy("x1", **support.assumptions())
    spread = sp.Dummy("w", nonnegative=True)
    ends = {Smallest(problem.x, n): first, Largest(problem.x, n): first + spread}
    values = {}
    for b in bounds:
        u = sp.Dummy(f"{b.parameter.name}_u", positive=True)
        value = b.value.xreplace(ends)
        positive = problem.domain(b.parameter).assumptions.get("positive")
        if b.side > 0:
            values[b.parameter] = value + u
        elif positive:
            values[b.parameter] = value / (1 + u)
        else:
            values[b.parameter] = value - u
    frozen, _ = freeze(expr)
    frozen = frozen.xreplace(ends).xreplace(values)
    rest = frozen.free_symbols - set(values)
    return frozen.xreplace(proof_substitution(problem, rest))


# -- steps -----------------------------------------------------------------------------------
def feasible_set_step(
    problem: Problem, bounds: tuple[Bound, ...], rng: np.random.Generator
) -> Step:
    model = problem.model
    support = model.support
    words: list[object] = [
        "The density is zero outside ",
        support,
        ", so the likelihood is zero unless every observation lies in it: the likelihood "
        "carries the indicator of its support.",
    ]
    for b in bounds:
        end = support.lower if b.end == "lower" else support.upper
        words += [
            " Every observation is at ",
            "least" if b.end == "lower" else "most",
            " ",
            end,
            " exactly when the ",
            b.statistic.word,
            " one, ",
            b.statistic,
            ", is; so the feasible set is ",
            b.relation,
            ".",
        ]
    words += [
        " Here ",
        Smallest(problem.x, n),
        " ≤ … ≤ ",
        Largest(problem.x, n),
        " are the observations in increasing order (the order statistics): the likelihood "
        "depends on the data through them, which makes them sufficient statistics alongside "
        "the sums.",
    ]
    held_ends = {b.end for b in bounds}
    if ("lower" in held_ends and support.lower_open) or (
        "upper" in held_ends and support.upper_open
    ):
        words += [
            " A density may be changed at a single point without changing its "
            "distribution, so the ends are taken as closed, which lets the maximum be attained."
        ]
    lines = tuple(b.relation for b in bounds)
    return Step(
        "feasible-set", "Feasible set", lines, tuple(words), _check_feasible(problem, bounds, rng)
    )


def monotone_step(
    bound: Bound,
    bounds: tuple[Bound, ...],
    objective: sp.Expr,
    problem: Problem,
    rng: np.random.Generator,
) -> Step:
    """The score's sign on the feasible set, proved, and the boundary estimate it gives."""
    p = bound.parameter
    found = score(objective, p, problem)
    check = equivalent(sp.diff(objective, p), found, problem, rng, f"the score in {p}")
    wanted = -bound.side  # θ ≥ x₍ₙ₎ needs ℓ decreasing, θ ≤ x₍₁₎ increasing
    proved = sign(_proof_form(problem, bounds, found))
    if proved != wanted:
        opposite = "the log-likelihood grows into the feasible set" if proved else "undecided"
        raise _refuse(
            problem,
            f"the sign of the score in {p} on {bound.relation} is {opposite}: an interior "
            "maximum on a feasible set is not derived",
        )
    # The sign goes in words: a relation such as λn > 0 evaluates to True when re-shown.
    function = LogLikelihood(*problem.parameters)
    lines = (
        sp.Eq(sp.Derivative(function, p), found, evaluate=False),
        sp.Eq(hat(p), bound.value),
    )
    others = [q for q in problem.parameters if q != p]
    words: list[object] = [
        "The derivative test does not apply: the likelihood is zero for ",
        bound.outside,
        " and jumps at ",
        sp.Eq(p, bound.value),
        ", where it has no derivative, and on the feasible set the score never vanishes. It is ",
        "negative" if wanted < 0 else "positive",
        " there for every value",
        " of the other parameters" if others else "",
        " (proved by SymPy's sign rules), so the log-likelihood ",
        "decreases" if wanted < 0 else "increases",
        " in ",
        p,
        " and is largest at the ",
        "smallest" if wanted < 0 else "largest",
        " feasible value.",
    ]
    proof = Check("symbolic", "the score's sign on the feasible set is proved by SymPy")
    return Step(
        "boundary",
        "Maximum on the boundary",
        lines,
        tuple(words),
        check if check.method == "numeric" else proof,
        subject=p,
    )


def boundary_derivation(
    problem: Problem,
    bounds: tuple[Bound, ...],
    opening: list[Step],
    objective: sp.Expr,
    inner: Derivation | None,
    assumptions: tuple[str, ...],
    rng: np.random.Generator,
) -> Derivation:
    """The whole derivation: ``opening`` (model to log-likelihood), the feasible set, each
    boundary estimate, then ``inner`` (the rest, derived with the boundary parameters known)."""
    steps = [
        replace(s, words=(_ON_THE_FEASIBLE_SET, *s.words)) if s.kind == "log-likelihood" else s
        for s in opening
    ]
    steps.insert(
        next(k for k, s in enumerate(steps) if s.kind == "log-likelihood"),
        feasible_set_step(problem, bounds, rng),
    )
    boundary = [monotone_step(b, bounds, objective, problem, rng) for b in bounds]
    steps += boundary
    at_boundary = {b.parameter: b.value for b in bounds}
    equations = [
        StationaryEquation(b.parameter, score(objective, b.parameter, problem), value=b.value)
        for b in bounds
    ]
    estimates = dict(at_boundary)
    order = tuple(at_boundary)
    checks = [next((s.check for s in boundary if s.check.method == "numeric"), boundary[0].check)]
    closed_form, note = True, ""
    if inner is not None:
        rest = the_rest(problem, objective, inner, at_boundary, rng)
        steps += rest.steps
        equations += rest.equations
        estimates.update(rest.estimates)
        order += rest.order
        checks.append(rest.check)
        closed_form, note = rest.closed_form, rest.note
    method = "on the boundary of the feasible set"
    solution = Solution(tuple(equations), estimates, order, method, closed_form, note)
    derivation = Derivation(problem, objective, tuple(steps), solution, assumptions=assumptions)
    if not closed_form:  # the rest's last step says how the numeric method goes on
        return derivation
    lines = derivation.results
    words = (
        "The MLE: each parameter the support holds at the end of its feasible set, where the "
        "log-likelihood is largest",
        "; the others at the stationary point there." if inner is not None else ".",
        " The regularity conditions of the Fisher information fail for a support that moves "
        "with a parameter, so no Cramér–Rao bound is derived.",
    )
    check = next((c for c in checks if c.method == "numeric"), checks[-1])
    result = Step("result", "Result", lines, words, check)
    return Derivation(problem, objective, (*steps, result), solution, assumptions=assumptions)
