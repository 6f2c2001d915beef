"""A declared equality constraint: the maximum on the constraint set, by a Lagrange multiplier.

For a categorical observation the probabilities θ₁, …, θ_K lie on the simplex Σ θⱼ = 1,
so ℓ is maximised on that set, not freely. The Lagrangian ℒ = ℓ + λ(c − g(θ)) is
stationary in each θⱼ (θⱼ = nⱼ/λ), the constraint then fixes the multiplier (λ = n, as each
observation lies in exactly one category) and θ̂ⱼ = nⱼ/n. The maximum is justified by
concavity: a separable ℓ whose Hessian is diagonal with entries ≤ 0 is concave, the
constraint set is affine (convex), so the stationary point of ℒ on it is the maximum.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..catalog.domains import Counts
from ..catalog.symbols import i, n
from ..errors import UnsupportedModelError
from .derivation import Derivation, Step
from .display import present
from .domain_checks import proof_substitution
from .limits import attempt
from .notation import Lagrangian, LogLikelihood, LogPosterior, to_text
from .problem import Problem
from .solve import Solution, StationaryEquation
from .sums import normalize
from .verify import DEFINITION, Check, equivalent, vanishes, zero_symbolically

__all__ = ["CATEGORY", "equality_constraint", "lagrange_derivation", "multiplier", "on_the_support"]

SOLVE_SECONDS = 5.0
#: The index of a category in the words Σⱼ [xᵢ = j] = 1.
CATEGORY = sp.Symbol("j", integer=True)


def _refuse(problem: Problem, why: str) -> UnsupportedModelError:
    return UnsupportedModelError(
        f"model {problem.model.name!r} declares an equality constraint on its parameters, and "
        f"{why}; mlemap derives a constrained maximum where one linear equality holds every "
        "estimated parameter, each stationarity equation of the Lagrangian has one root, and "
        "the log-likelihood is separable in them"
    )


def equality_constraint(problem: Problem) -> sp.Equality | None:
    """The model's equality constraint on the estimated parameters (None where it has none)."""
    equalities = [r for r in problem.constraints if isinstance(r, sp.Equality)]
    if not equalities:
        return None
    if len(equalities) > 1:
        raise _refuse(problem, f"it declares {len(equalities)} of them")
    (constraint,) = equalities
    if any(constraint.has(p.symbol) for p in problem.model.fixed):
        raise _refuse(problem, "it ties an estimated parameter to known values")
    missing = [p for p in problem.parameters if not constraint.has(p)]
    if missing:
        raise _refuse(problem, f"it does not hold {missing[0]}")
    gap = sp.expand(constraint.lhs - constraint.rhs)
    if any(
        sp.diff(gap, p, 2) != 0 or sp.diff(gap, p).has(*problem.parameters)
        for p in problem.parameters
    ):
        raise _refuse(problem, f"{constraint} is not linear in the parameters")
    return constraint


def multiplier(problem: Problem) -> sp.Symbol:
    """The Lagrange multiplier's symbol: λ, or ν where λ is already a name of the problem."""
    taken = {str(s) for s in problem.declarations}
    return sp.Symbol("lambda" if "lambda" not in taken else "nu", real=True)


def on_the_support(expr: sp.Expr, problem: Problem) -> sp.Expr:
    """Sums over the data whose summands add up to one value c for every observation,
    written as c·n: Σᵢ [xᵢ = 1] + … + Σᵢ [xᵢ = K] = n on a finite integer support, and
    Σᵢ xᵢ₁ + … + Σᵢ xᵢ_K = n m for vectors of counts adding up to m."""
    if _per_observation(problem) is None:
        return expr
    expr = sp.expand(expr)
    terms = sp.Add.make_args(expr)
    sums = [t for t in terms if t.has(sp.Sum) and _data_sum(t, problem)]
    if len(sums) < 2:
        return expr
    summand = sp.Add(*(_summand(t) for t in sums))
    values = _values_on_support(summand, problem)
    if len(values) != 1:
        return expr
    (value,) = values
    if value.has(*problem.model.entries, *problem.parameters):
        return expr
    rest = sp.Add(*(t for t in terms if t not in sums))
    return rest + value * n


def _values_on_support(summand: sp.Expr, problem: Problem) -> set[sp.Expr]:
    """The values ``summand`` takes over one observation's support: at each point of a
    finite integer support, or with a vector's last count written as the total less the
    others."""
    support = problem.model.support
    entries = problem.model.entries
    if isinstance(support, Counts):
        *others, last = entries
        rest = {last: support.total - sp.Add(*others)}
        return {sp.simplify(summand.xreplace(rest))}
    points = range(int(support.lower), int(support.upper) + 1)
    return {sp.simplify(summand.xreplace({entries[0]: sp.Integer(v)})) for v in points}


def _data_sum(term: sp.Expr, problem: Problem) -> bool:
    coefficient, factor = term.as_independent(sp.Sum)
    return (
        isinstance(factor, sp.Sum)
        and factor.limits == ((i, 1, n),)
        and not coefficient.has(*problem.parameters, i)
        and coefficient.is_number
    )


def _summand(term: sp.Expr) -> sp.Expr:
    coefficient, factor = term.as_independent(sp.Sum)
    return coefficient * factor.function


def _solve(equation: sp.Expr, symbol: sp.Symbol) -> sp.Expr | None:
    plain = sp.Dummy(symbol.name)
    roots = attempt(SOLVE_SECONDS, sp.solve, equation.xreplace({symbol: plain}), plain)
    if not roots or len(roots) != 1:
        return None
    return roots[0]


def _check(
    left: sp.Expr,
    right: sp.Expr,
    at: dict[sp.Symbol, sp.Expr],
    problem: Problem,
    rng: np.random.Generator,
    what: str,
) -> Check:
    """``left == right`` symbolically, else at random points with the multiplier at its value
    ``at`` (the verifier draws no value for it)."""
    reason = zero_symbolically(sp.cancel(sp.together(left - right)))
    if reason:
        return Check("symbolic", reason)
    return equivalent(left.xreplace(at), right.xreplace(at), problem, rng, what)


def lagrange_derivation(
    problem: Problem,
    constraint: sp.Equality,
    opening: list[Step],
    objective: sp.Expr,
    assumptions: tuple[str, ...],
    rng: np.random.Generator,
) -> Derivation:
    """The whole derivation: ``opening`` (model to the objective), the Lagrangian, each
    stationarity equation, the multiplier from the constraint, concavity, the result."""
    parameters = problem.parameters
    lam = multiplier(problem)
    function = (LogPosterior if problem.is_map else LogLikelihood)(*parameters)
    name = "log-posterior" if problem.is_map else "log-likelihood"
    gap = constraint.rhs - constraint.lhs
    lagrangian = objective + lam * gap
    shown = Lagrangian(*parameters, lam)
    steps = list(opening)
    steps.append(
        Step(
            "lagrangian",
            "Lagrangian",
            (
                sp.Eq(shown, function + lam * gap, evaluate=False),
                sp.Eq(shown, sp.Add(objective, sp.Mul(lam, gap), evaluate=False), evaluate=False),
            ),
            (
                "The parameters must satisfy ",
                constraint,
                ", so the ",
                name,
                " is maximised on the set where that holds, not freely, and its derivatives "
                "need not vanish there. Lagrange's method: at a maximum on the constraint the "
                "gradient of the objective is a multiple ",
                lam,
                " of the gradient of the constraint, that is, the Lagrangian is stationary "
                "in every parameter and in ",
                lam,
                " (its derivative in ",
                lam,
                " is the constraint itself).",
            ),
            DEFINITION,
        )
    )
    # -- stationarity in each parameter ------------------------------------------------------
    lines, checks, equations, roots = [], [], [], {}
    for p in parameters:
        derivative = normalize(sp.diff(lagrangian, p))
        root = _solve(derivative, p)
        if root is None or root.has(*parameters):
            raise _refuse(problem, f"∂ℒ/∂{p} = 0 has no single root in {p} alone")
        roots[p] = root
        lines += [
            sp.Eq(sp.Derivative(shown, p), derivative, evaluate=False),
            sp.Eq(p, root, evaluate=False),
        ]
        checks.append(Check("symbolic", "SymPy differentiates the verified objective"))
        residual = derivative.xreplace({p: root})
        reason = zero_symbolically(sp.cancel(sp.together(residual)))
        if reason is None:
            raise _refuse(problem, f"the root of ∂ℒ/∂{p} = 0 cannot be checked symbolically")
        equations.append(StationaryEquation(p, normalize(sp.diff(objective, p)), value=None))
    steps.append(
        Step(
            "lagrange-stationarity",
            "Stationarity of the Lagrangian",
            tuple(lines),
            (
                "Setting the derivative of the Lagrangian in each parameter to zero and "
                "solving gives each parameter in terms of the multiplier ",
                lam,
                ". Each root puts its derivative back to zero (checked symbolically).",
            ),
            Check("symbolic", "each root makes its derivative vanish, symbolically"),
        )
    )
    # -- the multiplier from the constraint -----------------------------------------------
    placed = constraint.lhs.xreplace(roots) - constraint.rhs
    value = _solve(placed, lam)
    if value is None:
        raise _refuse(problem, f"the constraint gives no single value of {lam}")
    solved = normalize(value)
    collapsed = on_the_support(solved, problem)
    lam_lines = [
        sp.Eq(constraint.lhs.xreplace(roots), constraint.rhs, evaluate=False),
        sp.Eq(lam, solved, evaluate=False),
    ]
    lam_checks = [vanishes(placed.xreplace({lam: value}), problem, rng, f"the multiplier {lam}")]
    words: list[object] = [
        "Putting these into the constraint ",
        constraint,
        " and solving for ",
        lam,
        ".",
    ]
    if collapsed != sp.expand(solved):
        lam_lines.append(sp.Eq(lam, collapsed, evaluate=False))
        lam_checks.append(
            equivalent(solved, collapsed, problem, rng, f"the multiplier {lam} on the support")
        )
        words += _collapse_words(problem)
    lam_value = collapsed
    steps.append(
        Step(
            "multiplier",
            "The multiplier",
            tuple(lam_lines),
            tuple(words),
            next((c for c in lam_checks if c.method == "numeric"), lam_checks[-1]),
        )
    )
    # -- concavity ---------------------------------------------------------------------
    estimates = {
        p: sp.together(normalize(on_the_support(roots[p].xreplace({lam: lam_value}), problem)))
        for p in parameters
    }
    hessian = sp.Matrix(
        [[normalize(sp.diff(objective, p, q)) for q in parameters] for p in parameters]
    )
    if any(
        hessian[a, b] != 0 for a in range(len(parameters)) for b in range(len(parameters)) if a != b
    ):
        raise _refuse(problem, "its Hessian is not diagonal (the objective is not separable)")
    conditions = []
    for k in range(len(parameters)):
        entry = hessian[k, k]
        if not _nonpositive(entry, problem):
            conditions.append(_condition(entry, problem))
    steps.append(_concavity_step(problem, hessian, conditions, constraint, name))
    # -- result -------------------------------------------------------------------------
    at = {lam: lam_value}
    result_checks = [
        vanishes(
            constraint.lhs.xreplace(estimates) - constraint.rhs,
            problem,
            rng,
            "the estimates' constraint",
        )
    ]
    for p in parameters:
        gradient = normalize(sp.diff(lagrangian, p)).xreplace(estimates).xreplace(at)
        result_checks.append(
            _check(
                gradient,
                sp.Integer(0),
                {},
                problem,
                rng,
                f"the stationarity in {p} at the estimate",
            )
        )
    equations = [
        StationaryEquation(e.parameter, e.score, value=estimates[e.parameter]) for e in equations
    ]
    solution = Solution(tuple(equations), estimates, parameters, "a Lagrange multiplier")
    conditions_text = tuple(to_text(present(c, problem.model)) for c in conditions)
    derivation = Derivation(
        problem,
        objective,
        tuple(steps),
        solution,
        assumptions=(*assumptions, *conditions_text),
    )
    result = Step(
        "result",
        "Result",
        derivation.results,
        (
            "The ",
            "MAP estimate" if problem.is_map else "MLE",
            ": each parameter at the stationary point of the Lagrangian, with ",
            sp.Eq(lam, lam_value, evaluate=False),
            ". The estimates meet the constraint and make the Lagrangian stationary "
            "(checked). A count of zero puts its estimate on the boundary of the domain, "
            "where the maximum on the closed simplex lies.",
        ),
        next((c for c in result_checks if c.method == "numeric"), result_checks[-1]),
    )
    return Derivation(
        problem,
        objective,
        (*steps, result),
        solution,
        assumptions=(*assumptions, *conditions_text),
    )


def _per_observation(problem: Problem) -> tuple[sp.Expr, sp.Expr] | None:
    """What one observation adds up to over the categories, for the words: Σⱼ [xᵢ = j] = 1
    over a finite integer support, Σⱼ xᵢⱼ = m for vectors of counts (None elsewhere)."""
    support = problem.model.support
    j = CATEGORY
    if isinstance(support, Counts):
        return sp.Sum(problem.x[i, j], (j, 1, support.components)), support.total
    if not (support.integer and support.lower.is_Integer and support.upper.is_Integer):
        return None
    return sp.Sum(sp.KroneckerDelta(problem.x[i], j), (j, support.lower, support.upper)), 1


def _collapse_words(problem: Problem) -> list[object]:
    """Why the counts of all categories add up to c·n (:func:`on_the_support`)."""
    each, total = _per_observation(problem)  # type: ignore[misc]
    if isinstance(problem.model.support, Counts):
        return [
            " The counts of each observation add up to its number of trials, ",
            sp.Eq(each, total, evaluate=False),
            ", so the counts of all observations add up to ",
            total * n,
            ".",
        ]
    return [
        " Each observation lies in exactly one category, ",
        sp.Eq(each, total, evaluate=False),
        ", so the counts add up to the number of observations ",
        n,
        ".",
    ]


def _nonpositive(entry: sp.Expr, problem: Problem) -> bool:
    """Whether SymPy's assumptions prove ``entry`` ≤ 0: each sum of non-negative terms (a
    count) becomes a non-negative symbol, each parameter its proof form."""
    sums = {s: sp.Dummy("S", nonnegative=True) for s in entry.atoms(sp.Sum) if _counts(s)}
    frozen = entry.xreplace(sums)
    if frozen.has(sp.Sum):
        return False
    frozen = frozen.xreplace(proof_substitution(problem, frozen.free_symbols))
    return bool(frozen.is_nonpositive)


def _condition(entry: sp.Expr, problem: Problem) -> sp.Basic:
    """``entry`` ≤ 0 as a condition on its numerator where its denominator is positive:
    n₁ + α₁ − 1 ≥ 0 for −(n₁ + α₁ − 1)/θ₁²."""
    numerator, denominator = sp.fraction(sp.together(-entry))
    positive = denominator.xreplace(proof_substitution(problem, denominator.free_symbols))
    if positive.is_positive:
        return sp.GreaterThan(numerator, 0, evaluate=False)
    return sp.LessThan(entry, 0, evaluate=False)


def _counts(s: sp.Sum) -> bool:
    summand = s.function
    return isinstance(summand, sp.KroneckerDelta) or bool(summand.is_nonnegative)


def _concavity_step(
    problem: Problem,
    hessian: sp.Matrix,
    conditions: list[sp.Basic],
    constraint: sp.Equality,
    name: str,
) -> Step:
    parameters = problem.parameters
    lines = tuple(
        sp.Eq(
            sp.Derivative(
                LogLikelihood(*parameters) if not problem.is_map else LogPosterior(*parameters),
                (p, 2),
            ),
            hessian[k, k],
            evaluate=False,
        )
        for k, p in enumerate(parameters)
    )
    words: list[object] = [
        "The mixed second derivatives are zero, so the Hessian of the ",
        name,
        " is diagonal with the entries above",
    ]
    if conditions:
        words += [", which are at most 0 where "]
        for k, c in enumerate(conditions):
            words += [", " if k else "", c]
        words += [" (a condition on the data and hyperparameters, stated with the result)"]
    else:
        words += [", each at most 0 for every value of the parameters (a count is at least 0)"]
    words += [
        ": the ",
        name,
        " is concave. The set where ",
        constraint,
        " holds is convex (an affine set within the domains), so a stationary point of the "
        "Lagrangian on it is the maximum there, and no second-order test of the bordered "
        "Hessian is needed.",
    ]
    check = Check(
        "symbolic",
        "SymPy differentiates the verified objective twice and proves the signs of the entries",
    )
    return Step("concavity", "Concavity", lines, tuple(words), check)
