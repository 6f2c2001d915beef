"""Stationary points: solve score = 0, one parameter at a time where the equations allow it
(the way a handout does: μ̂ first, then σ̂² given μ̂), jointly otherwise.

Roots are classified against the parameter's domain; the rejected ones are kept and
reported. Where SymPy finds no closed form the solution says so, and the caller falls back
to a numeric method.
"""

from __future__ import annotations

import graphlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from .display import tidy
from .domain_checks import membership, proof_substitution, sign
from .limits import attempt
from .problem import Problem
from .sums import collect_parameters, freeze, normalize, over_common_denominator, thaw

__all__ = ["Root", "Solution", "StationaryEquation", "stationary_points"]

SOLVE_SECONDS = 20.0
#: A guard on a joint solve; whether its roots are worth solving for is decided before it
#: by algebra (:func:`_beyond_radicals`), not by the clock.
JOINT_SOLVE_SECONDS = 5.0


@dataclass(frozen=True)
class Root:
    """One candidate solution of a stationarity equation."""

    parameter: sp.Symbol
    value: sp.Expr
    accepted: bool
    reason: str


@dataclass(frozen=True)
class StationaryEquation:
    """score = 0 for one parameter, its manipulation, and its roots."""

    parameter: sp.Symbol
    score: sp.Expr
    cleared: tuple[sp.Expr, ...] = ()  # numerator forms, each = 0, after clearing denominators
    denominator: sp.Expr = sp.S.One
    roots: tuple[Root, ...] = ()
    value: sp.Expr | None = None  # the accepted root, in terms of the other parameters

    @property
    def depends_on(self) -> set[sp.Symbol]:
        return set() if self.value is None else self.value.free_symbols


@dataclass(frozen=True)
class Solution:
    """The stationary point of the objective, or the reason there is no closed form."""

    equations: tuple[StationaryEquation, ...]
    estimates: dict[sp.Symbol, sp.Expr] = field(default_factory=dict)
    order: tuple[sp.Symbol, ...] = ()
    method: str = ""
    closed_form: bool = True
    note: str = ""
    #: the ends of a feasible interval that the data fix, for the numeric method: for each
    #: parameter a support holds but not monotonically, (lower, upper) written with order
    #: statistics (0 and −2/x₍₁₎ where x₍₁₎ < 0, else ∞, for Pearson III's skew γ)
    feasible: Mapping[sp.Symbol, tuple[sp.Expr, sp.Expr]] = field(default_factory=dict)

    @property
    def rejected(self) -> tuple[Root, ...]:
        return tuple(r for e in self.equations for r in e.roots if not r.accepted)


def score(objective: sp.Expr, parameter: sp.Symbol, problem: Problem) -> sp.Expr:
    """∂ objective / ∂ parameter with the Σ-rules applied, grouped as a handout writes it."""
    collected = collect_parameters(normalize(sp.diff(objective, parameter)), problem.parameters)
    return over_common_denominator(collected, problem.parameters)


def _candidates(equation: sp.Expr, parameter: sp.Symbol) -> list[sp.Expr] | None:
    plain = sp.Dummy(parameter.name)  # no assumptions: solve returns every root
    roots = attempt(SOLVE_SECONDS, sp.solve, equation.xreplace({parameter: plain}), plain)
    if roots is None:
        return None
    if any(r.has(sp.RootOf, sp.CRootOf) or _nested_radical(r) for r in roots):
        return None
    return [r for r in roots if not r.has(plain)]


def _nested_radical(root: sp.Expr) -> bool:
    """A cube (or higher) root of an expression that holds a square root: Cardano's or
    Ferrari's formula for a cubic or quartic, which no handout uses and whose checks do not
    end in time; the estimate is found numerically instead. (Σxᵢ³/n)^(1/3) is a plain root."""
    for power in root.atoms(sp.Pow):
        exponent = power.exp
        if (
            exponent.is_Rational
            and exponent.q >= 3
            and any(
                inner.exp.is_Rational and inner.exp.q == 2 for inner in power.base.atoms(sp.Pow)
            )
        ):
            return True
    return False


def _solve_one(
    score_expr: sp.Expr, parameter: sp.Symbol, problem: Problem, rng: np.random.Generator
) -> StationaryEquation:
    expanded = normalize(score_expr, expand=(parameter,))
    # Only sums free of this parameter are constants of its equation; one that holds it
    # (Σ 2(xᵢ − μ)/(1 + (xᵢ − μ)²) for the Cauchy) leaves no closed-form root to find.
    frozen, table = freeze(expanded, keep=(parameter,))
    if frozen.has(sp.Sum):
        return StationaryEquation(parameter, score_expr)
    numerator, denominator = sp.fraction(sp.together(frozen))
    cleared = (sp.powsimp(numerator), sp.collect(sp.powsimp(sp.expand(numerator)), parameter))
    roots = _candidates(frozen, parameter)
    if roots is None:
        return StationaryEquation(
            parameter, score_expr, tuple(thaw(c, table) for c in cleared), thaw(denominator, table)
        )
    domain = problem.domain(parameter)
    classified = []
    for root in roots:
        root = tidy(root)
        decided = membership(root, thaw(root, table), domain, problem, rng)
        classified.append(Root(parameter, thaw(root, table), decided.inside, decided.reason))
    accepted = [r for r in classified if r.accepted]
    return StationaryEquation(
        parameter,
        score_expr,
        tuple(thaw(c, table) for c in cleared),
        thaw(denominator, table),
        tuple(classified),
        accepted[0].value if len(accepted) == 1 else None,
    )


def denominator_sign(equation: StationaryEquation, problem: Problem) -> int | None:
    """The sign of the denominator cleared from a score, on the parameters' domains."""
    frozen, _ = freeze(equation.denominator)
    return sign(frozen.xreplace(proof_substitution(problem, frozen.free_symbols)))


def stationary_points(objective: sp.Expr, problem: Problem, rng: np.random.Generator) -> Solution:
    """Solve the stationarity equations of ``objective`` over the estimated parameters."""
    parameters = problem.parameters
    equations = tuple(_solve_one(score(objective, p, problem), p, problem, rng) for p in parameters)
    if all(e.value is not None for e in equations):
        graph = {e.parameter: e.depends_on & set(parameters) for e in equations}
        try:
            order = tuple(graphlib.TopologicalSorter(graph).static_order())
        except graphlib.CycleError:
            order = ()
        if order:
            by_parameter = {e.parameter: e for e in equations}
            estimates: dict[sp.Symbol, sp.Expr] = {}
            for p in order:
                estimates[p] = normalize(by_parameter[p].value.xreplace(estimates))
            method = "one parameter at a time" if len(parameters) > 1 else "solving the equation"
            return Solution(equations, estimates, order, method)
    beyond = 0
    if len(parameters) > 1:
        joint = _solve_jointly(equations, problem, rng)
        if isinstance(joint, Solution):
            return joint
        beyond = joint or 0
    # The notes are prose of a document, which names no parameter in ASCII: the step they
    # explain shows the equations.
    unsolved = [e.parameter for e in equations if e.value is None]
    if not unsolved:  # each equation solved alone, but each root needs the others
        together = (
            "eliminating one unknown leaves a polynomial in the other whose factors, of "
            f"degree {beyond} and above, have for roots Cardano's or Ferrari's formula or "
            "none in radicals"
            if beyond
            else "SymPy finds no closed-form solution of them together"
        )
        return Solution(
            equations,
            closed_form=False,
            note=(
                f"Each equation gives one parameter in terms of the others, and {together}; "
                "the estimate is found numerically"
            ),
        )
    return Solution(
        equations,
        closed_form=False,
        note=(
            f"SymPy finds no closed-form solution of the stationary equation"
            f"{'s' if len(unsolved) > 1 else ''}; the estimate is found numerically"
        ),
    )


def _beyond_radicals(
    system: list[sp.Expr], unknowns: list[sp.Dummy], zero_outside: list[bool]
) -> int:
    """Whether two polynomial equations in two unknowns have no solution but roots of a
    cubic or worse: eliminating the first unknown (a resultant of the numerators) leaves a
    polynomial in the second whose every irreducible factor has degree ≥ 3 and more than
    two terms (so Cardano's or Ferrari's formula, or no formula), bar the factor u itself
    where 0 lies outside u's domain (a cleared denominator). SymPy's solve takes minutes
    to find such roots, and the engine would not show them; a resultant takes milliseconds.
    Returns the lowest degree of those factors, else 0; anything else (more unknowns, not
    polynomial) is left to solve."""
    if len(system) != 2 or len(unknowns) != 2:
        return 0
    try:
        first, second = (sp.Poly(sp.numer(sp.together(e)), *unknowns) for e in system)
        eliminated = sp.resultant(first, second, unknowns[0])
        if eliminated.is_zero:
            return 0
        _, factors = sp.factor_list(eliminated.as_expr(), unknowns[1])
    except (sp.PolynomialError, sp.GeneratorsNeeded, NotImplementedError):
        return 0
    u = unknowns[1]
    degrees = []
    for factor, _ in factors:
        if not factor.has(u) or (factor == u and zero_outside[1]):
            continue
        polynomial = sp.Poly(factor, u)
        if polynomial.degree() <= 2 or len(polynomial.terms()) <= 2:
            return 0
        degrees.append(polynomial.degree())
    return min(degrees, default=0)


def _solve_jointly(
    equations: tuple[StationaryEquation, ...], problem: Problem, rng: np.random.Generator
) -> Solution | int | None:
    """The one joint stationary point inside the domain; else the lowest degree of the
    polynomial that eliminating an unknown leaves, where that is 3 or more; else None."""
    parameters = problem.parameters
    system = sp.Tuple(*(normalize(e.score, expand=parameters) for e in equations))
    frozen, table = freeze(system, keep=parameters)
    if frozen.has(sp.Sum):
        return None
    plain = {p: sp.Dummy(p.name) for p in parameters}
    system = list(frozen.xreplace(plain))
    zero_outside = [problem.domain(p).interval.contains(0) is sp.false for p in parameters]
    beyond = _beyond_radicals(system, list(plain.values()), zero_outside)
    if beyond:
        return beyond
    solutions = attempt(
        JOINT_SOLVE_SECONDS,
        sp.solve,
        system,
        list(plain.values()),
        dict=True,
    )
    if solutions is None:
        return None
    inside = []
    for solution in solutions:
        values = {p: tidy(solution.get(d, p)) for p, d in plain.items()}
        if any(v.has(*plain.values()) for v in values.values()):
            continue
        if all(
            membership(v, thaw(v, table), problem.domain(p), problem, rng).inside
            for p, v in values.items()
        ):
            inside.append({p: normalize(thaw(v, table)) for p, v in values.items()})
    if len(inside) != 1:
        return None
    return Solution(equations, inside[0], parameters, "solving the equations jointly")
