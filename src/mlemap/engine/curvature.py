"""The second-order check: is the stationary point a maximum?

The Hessian of the objective is taken with the Σ-rules, evaluated at the solution, and
rewritten in terms of the estimates themselves (θ̂) by solving the estimate equations for
the data sums. Under the assumption that θ̂ lies in the interior of its domain, SymPy then
tries to prove each leading principal minor has the sign of a negative definite matrix.
Factors whose sign SymPy cannot decide become stated conditions; where SymPy cannot write
the Hessian in terms of θ̂ at all, the check says so and falls back to evaluation at random
data sets.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..catalog.symbols import hat
from .domain_checks import proof_substitution, sign
from .limits import attempt
from .problem import Problem
from .sums import collect_parameters, freeze, normalize, over_common_denominator
from .verify import Check, VerificationError

__all__ = ["Curvature", "hessian", "second_order"]

SAMPLES = 8
SECONDS = 10.0
#: Conditions longer than this are not worth stating; the check goes numeric instead.
MAX_CONDITION_OPS = 12
INVERSION_SECONDS = 3.0


@dataclass(frozen=True)
class Curvature:
    """The outcome of the second-order check."""

    hessian: sp.Matrix  # in the parameters, with sums
    at_estimate: sp.Matrix | None  # in terms of the hat symbols, where SymPy could write it so
    conditions: tuple[sp.Basic, ...]  # what must hold for the proof (beyond interior θ̂)
    proved: bool
    check: Check

    @property
    def is_maximum(self) -> bool:
        return self.proved or self.check.method == "numeric"


def hessian(
    objective: sp.Expr, problem: Problem, parameters: tuple[sp.Symbol, ...] | None = None
) -> sp.Matrix:
    """The matrix of second derivatives in ``parameters`` (every estimated one by default)."""
    parameters = problem.parameters if parameters is None else parameters
    return sp.Matrix(
        len(parameters),
        len(parameters),
        lambda r, c: over_common_denominator(
            collect_parameters(
                normalize(sp.diff(objective, parameters[r], parameters[c])), parameters
            ),
            parameters,
        ),
    )


def _eliminate(
    matrix: sp.Matrix, equations: list[sp.Expr], unknowns: list[sp.Symbol], seconds: float
) -> sp.Matrix | None:
    """Solve ``equations`` for ``unknowns`` (data sums) and substitute into ``matrix``."""
    present = [u for u in unknowns if matrix.has(u)]

    def rewrite() -> sp.Matrix | None:
        rewritten = matrix
        if present:
            solutions = sp.solve(equations, present, dict=True)
            if len(solutions) != 1:
                return None
            rewritten = matrix.xreplace(solutions[0])
        return rewritten.applyfunc(lambda e: sp.factor(sp.simplify(e)))

    rewritten = attempt(seconds, rewrite)
    if rewritten is None:
        return None
    return None if rewritten.has(*present) else rewritten


def _in_terms_of_estimates(
    matrix: sp.Matrix, scores: list[sp.Expr], estimates: dict[sp.Symbol, sp.Expr]
) -> Iterator[sp.Matrix]:
    """The Hessian at the solution with its data sums written through the estimates θ̂.

    Two ways, both exact at the solution: the stationarity equations score(θ̂) = 0 solved
    for the sums (usually linear in them), or the estimate formulas θ̂ = f(sums) inverted.
    """
    hats = {p: hat(p) for p in estimates}
    bundle = sp.Tuple(*scores, *matrix)
    frozen, table = freeze(bundle.xreplace(hats))
    frozen_matrix = sp.Matrix(*matrix.shape, frozen[len(scores) :])
    by_scores = _eliminate(frozen_matrix, list(frozen[: len(scores)]), list(table), SECONDS)
    if by_scores is not None:
        yield by_scores
    if any(_has_radical(e) for e in estimates.values()):
        # θ̂ = f(sums) with a square root inverts to sums whose substitution gives back
        # √(q(θ̂)²), which SymPy cannot reduce without q's sign: the route can only fail,
        # after seconds of simplify (or, on a fast machine, succeed with nothing proved)
        return
    at_solution = matrix.xreplace(estimates).applyfunc(normalize)
    frozen, table = freeze(sp.Tuple(*estimates.values(), *at_solution))
    equations = [e - hats[p] for p, e in zip(estimates, frozen[: len(estimates)], strict=True)]
    by_inversion = _eliminate(
        sp.Matrix(*matrix.shape, frozen[len(estimates) :]),
        equations,
        list(table),
        INVERSION_SECONDS,
    )
    if by_inversion is not None:
        yield by_inversion


def _has_radical(expr: sp.Expr) -> bool:
    return any(power.exp.is_Rational and not power.exp.is_Integer for power in expr.atoms(sp.Pow))


def _minor_conditions(
    minor: sp.Expr, wanted: int, problem: Problem, hats: dict[sp.Symbol, sp.Symbol]
) -> tuple[bool, list[sp.Basic]]:
    """Whether ``minor`` has sign ``wanted``: proved outright, or given stated conditions."""
    by_hat = {h: p for p, h in hats.items()}
    proof = proof_substitution(problem, set(by_hat.values()) | minor.free_symbols)
    proof = {**proof, **{h: proof[p] for h, p in by_hat.items() if p in proof}}
    factored = sp.factor(minor)
    if sign(factored.xreplace(proof)) == wanted:
        return True, []
    known, unknown = 1, []
    for factor in sp.Mul.make_args(factored):
        s = sign(factor.xreplace(proof))
        if s is None:
            unknown.append(factor)
        else:
            known *= s
    if not unknown:
        return False, []
    product = sp.Mul(*unknown)
    needed = wanted * known
    return True, [product > 0 if needed > 0 else product < 0]


def _numeric(at_solution: sp.Matrix, problem: Problem, rng: np.random.Generator) -> Check:
    for _ in range(SAMPLES):
        point = problem.random_point(rng)
        matrix = np.array(
            [[problem.number(e, point).real for e in row] for row in at_solution.tolist()]
        )
        eigenvalues = np.linalg.eigvalsh(matrix)
        if not np.all(np.isfinite(eigenvalues)) or eigenvalues.max() >= 0:
            raise VerificationError(
                "second-order check failed: the Hessian at the stationary point is not negative "
                f"definite at n = {point.size}, data {point.data}, values {point.values} "
                f"(eigenvalues {eigenvalues}); the stationary point is not a maximum there"
            )
    return Check(
        "numeric",
        f"SymPy could not prove the sign; the Hessian at the solution is negative definite at "
        f"{SAMPLES} random data sets",
    )


def _prove(
    rewritten: sp.Matrix, problem: Problem, hats: dict[sp.Symbol, sp.Symbol]
) -> tuple[bool, list[sp.Basic]]:
    conditions: list[sp.Basic] = []
    for size in range(1, rewritten.shape[0] + 1):
        minor = rewritten[:size, :size].det() if size > 1 else rewritten[0, 0]
        if size > 1:
            minor = attempt(SECONDS, lambda m=minor: sp.factor(sp.simplify(m))) or minor
        ok, extra = _minor_conditions(minor, (-1) ** size, problem, hats)
        if not ok:
            return False, []
        conditions += extra
    return True, conditions


def second_order(
    objective: sp.Expr,
    estimates: dict[sp.Symbol, sp.Expr],
    scores: list[sp.Expr],
    problem: Problem,
    rng: np.random.Generator,
) -> Curvature:
    """Check that ``estimates`` is a maximum of ``objective`` (``scores``: its gradient)."""
    matrix = hessian(objective, problem)
    hats = {p: hat(p) for p in estimates}
    best: tuple[sp.Matrix, list[sp.Basic]] | None = None
    shown = None
    for rewritten in _in_terms_of_estimates(matrix, scores, estimates):
        shown = shown or rewritten
        proved, conditions = _prove(rewritten, problem, hats)
        if proved and (best is None or _size(conditions) < _size(best[1])):
            best = (rewritten, conditions)
        if proved and not conditions:
            break
    if best is not None and _size(best[1]) <= MAX_CONDITION_OPS:
        rewritten, conditions = best
        kind = "second derivative" if rewritten.shape == (1, 1) else "Hessian"
        where = "for every estimate inside its domain" if not conditions else "under the conditions"
        detail = f"SymPy proves the {kind} negative {where}"
        if rewritten.shape != (1, 1):
            detail += " (leading principal minors)"
        return Curvature(matrix, rewritten, tuple(conditions), True, Check("symbolic", detail))
    at_solution = matrix.xreplace(estimates).applyfunc(normalize)
    return Curvature(matrix, shown, (), False, _numeric(at_solution, problem, rng))


def _size(conditions: list[sp.Basic]) -> int:
    return sum(sp.count_ops(c) for c in conditions)
