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
from .verify import DEFINITION, TRIALS, Check, VerificationError, equivalent

__all__ = [
    "Bound",
    "boundary_derivation",
    "feasible_opening",
    "feasible_set",
    "feasible_set_step",
    "inside_feasible_set",
    "numeric_inside_step",
    "split_bounds",
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
    #: where the bound holds, for an end whose inverse lies in the domain only for some data
    #: (x₍₁₎ < 0 for −2/γ ≤ x₍₁₎); every value in the domain is feasible elsewhere
    where: sp.Basic | None = None

    @property
    def relation(self) -> sp.Basic:
        relation = sp.GreaterThan if self.side > 0 else sp.LessThan
        return relation(self.parameter, self.value, evaluate=False)

    @property
    def shown(self) -> sp.Basic:
        """The feasible set as the step writes it: x₍₁₎ < 0 ⇒ γ ≤ −2/x₍₁₎."""
        if self.where is None:
            return self.relation
        return sp.Implies(self.where, self.relation, evaluate=False)

    def feasible_end(self, domain: sp.Interval) -> sp.Expr:
        """The data-dependent end of the parameter's feasible interval (∞ where every value
        is feasible), for the numeric method."""
        far = domain.sup if self.side < 0 else domain.inf
        if self.where is None:
            return self.value
        return sp.Piecewise((self.value, self.where), (far, True))

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
    found = [_in_domain(b, problem, data) for b in found]  # after the checks above
    if found and problem.priors:
        raise _refuse(problem, "a prior is given: MAP estimation on a feasible set is not derived")
    return tuple(found)


def _in_domain(bound: Bound, problem: Problem, data: sp.Dummy) -> Bound:
    """``bound`` where its value lies in the parameter's domain for every data set; else,
    where the end's range over the domain stops at a number c on the side of the data
    (−2/γ < 0 for γ > 0), the bound for data beyond c only, every value feasible for the
    rest (x₍₁₎ ≥ 0 admits every γ)."""
    p = bound.parameter
    domain = problem.domain(p).interval
    # θ ≥ x₍ₙ₎ bounds θ > 0 even where x₍ₙ₎ may be 0: the domain's closure
    at = bound.value.xreplace({bound.statistic: data})
    if contains_proof(domain.closure, at, problem) is sp.true:
        return bound
    support = problem.model.support
    expr = support.lower if bound.end == "lower" else support.upper
    # lower(θ) ≤ x₍₁₎ binds only below the end's supremum, upper(θ) ≥ x₍ₙ₎ above its infimum
    approaches = [(domain.inf, "+"), (domain.sup, "-")]
    ends = [attempt(SOLVE_SECONDS, sp.limit, expr, p, e, d) for e, d in approaches]
    lower = bound.end == "lower"
    c = far = None
    if all(e is not None and e.is_number for e in ends):
        c, far = (max(ends), min(ends)) if lower else (min(ends), max(ends))
    if c is None or not c.is_finite or far is not (-sp.oo if lower else sp.oo):
        raise _refuse(
            problem,
            f"its {bound.end} end bounds {p} by {bound.value}, which is not proved to lie "
            f"in the domain of {p} for every data set (so the bound holds only for some)",
        )
    u = sp.Dummy("u", positive=True)
    beyond = c - u if lower else c + u
    at = bound.value.xreplace({bound.statistic: beyond})
    if contains_proof(domain.closure, at, problem) is not sp.true:
        raise _refuse(
            problem,
            f"its {bound.end} end bounds {p} by {bound.value} where {bound.statistic} is beyond "
            f"{c}, which is not proved to lie in the domain of {p}",
        )
    relation = sp.StrictLessThan if lower else sp.StrictGreaterThan
    return replace(bound, where=relation(bound.statistic, c))


# -- verification ------------------------------------------------------------------------
def _sample_holds(problem: Problem, values: dict, data: list) -> bool:
    """Every observation inside the support, its ends taken closed (see the step's words)."""
    support = problem.model.support
    lower = support.lower.xreplace(values)
    upper = support.upper.xreplace(values)
    return all(bool(lower <= v) and bool(v <= upper) for v in data)


def _feasible_at(bound: Bound, problem: Problem, point: object) -> bool:
    """Whether the parameter's value at ``point`` is feasible for its data: the condition
    first, since the bound's value need not be real where it does not hold."""
    if bound.where is not None and not bool(problem.evaluate(bound.where, point)):
        return True
    return bool(problem.evaluate(bound.relation, point))


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
            if b.where is not None and not bool(problem.evaluate(b.where, point)):
                continue  # every value is feasible: nothing to move across
            at = problem.evaluate(b.value, point)
            step = sp.Rational(int(rng.integers(1, 20)), 10) * rng.choice([-1, 1])
            moved = at + step
            if problem.domain(b.parameter).contains(float(moved)):
                values[b.parameter] = moved
        point.values.update(values)
        indicator = _sample_holds(problem, values, point.data)
        feasible = all(_feasible_at(b, problem, point) for b in bounds)
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
    for b in bounds:  # data where a conditional bound holds: x₍₁₎ = c − v, or x₍ₙ₎ = c + v
        if b.where is not None:
            v = sp.Dummy("v", positive=True)
            if b.end == "lower":
                ends[Smallest(problem.x, n)] = first = b.where.rhs - v
                ends[Largest(problem.x, n)] = first + spread
            else:
                ends[Largest(problem.x, n)] = b.where.rhs + v
                ends[Smallest(problem.x, n)] = b.where.rhs + v - spread
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
            ", is",
        ]
        if b.where is None:
            words += ["; so the feasible set is ", b.relation, "."]
            continue
        c = b.where.rhs
        words += [
            ". As ",
            b.parameter,
            " runs over ",
            problem.domain(b.parameter).interval,
            ", ",
            end,
            " takes every value ",
            "below " if b.end == "lower" else "above ",
            c,
            ": so where ",
            sp.Not(b.where),
            " every ",
            b.parameter,
            " in its domain is feasible, and where ",
            b.where,
            " the feasible set is ",
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
    lines = tuple(b.shown for b in bounds)
    return Step(
        "feasible-set", "Feasible set", lines, tuple(words), _check_feasible(problem, bounds, rng)
    )


def _direction(
    bound: Bound, bounds: tuple[Bound, ...], objective: sp.Expr, problem: Problem
) -> int | None:
    """The sign of the score on the feasible set, proved, times the side the set lies on:
    +1 where ℓ grows towards the set's end (θ ≥ x₍ₙ₎ with ℓ decreasing), −1 where it grows
    into the set, None where undecided."""
    proved = sign(_proof_form(problem, bounds, score(objective, bound.parameter, problem)))
    return None if proved is None else -proved * bound.side


def split_bounds(
    problem: Problem, bounds: tuple[Bound, ...], objective: sp.Expr
) -> tuple[tuple[Bound, ...], tuple[Bound, ...]]:
    """The bounds whose parameter is estimated at the end of its feasible set (ℓ proved to
    grow towards it), and those whose parameter the derivative test looks for inside it: an
    end that the data fix for some data sets only, with the score's sign undecided there."""
    ends, inside = [], []
    for b in bounds:
        direction = _direction(b, bounds, objective, problem)
        if direction == 1 and b.where is None:
            ends.append(b)
        elif direction is None and b.where is not None:
            inside.append(b)
        elif direction == 1:
            raise _refuse(
                problem,
                f"the score in {b.parameter} has one sign on {b.relation} (where {b.where}), "
                f"so the maximum is the end {b.value} there and none exists elsewhere: an "
                "estimate for some data sets only is not derived",
            )
        else:
            how = "is undecided" if direction is None else "says ℓ grows into the set"
            raise _refuse(
                problem,
                f"the sign of the score in {b.parameter} on {b.relation} {how}: an interior "
                "maximum on a feasible set is not derived",
            )
    if ends and inside:
        raise _refuse(
            problem,
            f"{inside[0].parameter} has its maximum inside a feasible set that the data fix "
            f"while {ends[0].parameter} has it at an end: the two together are not derived",
        )
    return tuple(ends), tuple(inside)


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
    wanted = -bound.side
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


def feasible_opening(
    problem: Problem, bounds: tuple[Bound, ...], opening: list[Step], rng: np.random.Generator
) -> list[Step]:
    """``opening`` (model to log-likelihood) with the feasible set before the log-likelihood,
    which is then said to hold on it."""
    steps = [
        replace(s, words=(_ON_THE_FEASIBLE_SET, *s.words)) if s.kind == "log-likelihood" else s
        for s in opening
    ]
    steps.insert(
        next(k for k, s in enumerate(steps) if s.kind == "log-likelihood"),
        feasible_set_step(problem, bounds, rng),
    )
    return steps


def inside_feasible_set(
    problem: Problem, bounds: tuple[Bound, ...], solution: Solution
) -> Solution:
    """The stationary-point solution of parameters whose maximum the derivative test finds
    inside a feasible set the data fix, with that set's ends for the numeric method."""
    if solution.closed_form:
        raise _refuse(
            problem,
            "the score has a root in closed form inside a feasible set that the data fix: "
            "where that root lies in the set is not derived",
        )
    if len(problem.parameters) > 1:
        # growth without bound towards the set's end can come with another parameter moving
        raise _refuse(
            problem,
            "the maximum lies inside a feasible set that the data fix for "
            f"{', '.join(str(b.parameter) for b in bounds)} beside other parameters: the "
            "numeric method rules out growth without bound towards its end in one parameter only",
        )
    feasible = {}
    for b in bounds:
        domain = problem.domain(b.parameter).interval
        end = b.feasible_end(domain)
        feasible[b.parameter] = (domain.inf, end) if b.side < 0 else (end, domain.sup)
    return replace(solution, feasible=feasible)


def numeric_inside_step(bounds: tuple[Bound, ...], solution: Solution) -> Step:
    """No closed form: the numeric method on the feasible set, and what it does at its end."""
    lines = tuple(sp.Eq(e.score, 0) for e in solution.equations)
    words: list[object] = [
        f"No closed form. {solution.note[:1].upper()}{solution.note[1:]}. The log-likelihood "
        "is smooth inside the feasible set, where its maximum satisfies these equations; the "
        "numeric estimator maximises it there with its score and Hessian, ",
    ]
    for k, b in enumerate(bounds):
        words += [" and " if k else "", b.parameter, " below " if b.side < 0 else " above "]
        words += [b.value]
        words += [" where ", b.where] if b.where is not None else []
    words += [
        ". Towards that end an observation meets the end of the support, where the density "
        "may vanish, stay finite or grow without bound: where the log-likelihood grows there "
        "without bound, or beyond every value inside, the estimator says so rather than "
        "return a number.",
    ]
    return Step("no-closed-form", "No closed form", lines, tuple(words), DEFINITION)


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
    steps = feasible_opening(problem, bounds, opening, rng)
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
