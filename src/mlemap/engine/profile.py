"""The other parameters, once some are estimated for every value of them (on the boundary of
a feasible set, or at the median).

If θ̂₁ = x₍₁₎ maximises ℓ(θ₁, θ₂) whatever θ₂, the maximum over both is the maximum over θ₂
of the profile log-likelihood ℓ(x₍₁₎, θ₂). Where the rest has a closed form it is derived as
if θ₁ were known and θ̂₁ put in at the end (the Pareto's α̂ = n/Σ log(xᵢ/x̂_m)). Where it has
none (the truncated Pareto's shape b), the profile log-likelihood is shown with the order
statistics in it, then its score equations, which the numeric method solves after computing
the order statistics.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..catalog.symbols import hat
from .derivation import Derivation, Step
from .notation import LogLikelihood
from .problem import Problem
from .solve import StationaryEquation, score
from .sums import normalize
from .verify import DEFINITION, Check, equivalent, vanishes

__all__ = ["Rest", "profile_step", "the_rest"]


@dataclass(frozen=True)
class Rest:
    """The other parameters of a derivation whose first ones maximise ℓ for every value of
    the rest: their steps, equations and estimates (none where they have no closed form, and
    the numeric method finds them), and the check of their stationary point."""

    steps: tuple[Step, ...]
    equations: tuple[StationaryEquation, ...]
    estimates: dict[sp.Symbol, sp.Expr]
    order: tuple[sp.Symbol, ...]
    check: Check
    closed_form: bool = True
    note: str = ""


def _listed(symbols: object) -> list[object]:
    """``a, b, c`` as words."""
    return [x for number, s in enumerate(symbols) for x in ((", " if number else ""), s)]


def _largest_at(at: Mapping[sp.Symbol, sp.Expr], problem: Problem) -> list[object]:
    """ "For every value of b the log-likelihood is largest at x̂_m = x₍₁₎, û = x₍ₙ₎"."""
    others = [q for q in problem.parameters if q not in at]
    return [
        "For every value of ",
        *_listed(others),
        " the log-likelihood is largest at ",
        *_listed(sp.Eq(hat(p), value) for p, value in at.items()),
    ]


def profile_step(at: Mapping[sp.Symbol, sp.Expr], problem: Problem) -> Step:
    """Why the other parameters are derived as if those in ``at`` (each at its estimate,
    whatever the others' values) were known."""
    words = [
        *_largest_at(at, problem),
        ", so the maximum over all parameters is there together with the maximum of the "
        "rest: they are derived as if ",
        *_listed(at),
        " were known, and the estimate put in at the end.",
    ]
    return Step("profile", "The other parameters", (), tuple(words), DEFINITION)


def the_rest(
    problem: Problem,
    objective: sp.Expr,
    inner: Derivation,
    at: Mapping[sp.Symbol, sp.Expr],
    rng: np.random.Generator,
) -> Rest:
    """``inner`` (the rest, derived as if those in ``at`` were known) with ``at`` put in; where
    it has no closed form, the profile log-likelihood and its score equations instead."""
    if not inner.closed_form:
        return _numeric_rest(problem, objective, inner, at, rng)
    order = inner.solution.order
    estimates = {q: normalize(inner.solution.estimates[q].xreplace(at)) for q in order}
    every = {**at, **estimates}
    residual = sp.Add(
        *(sp.Abs(normalize(score(objective, q, problem).xreplace(every))) for q in order)
    )
    kept = ("score", "stationarity", "second-order")
    return Rest(
        (profile_step(at, problem), *(s for s in inner.steps if s.kind in kept)),
        inner.solution.equations,
        estimates,
        order,
        vanishes(residual, problem, rng, "the other parameters' stationary point"),
    )


def _numeric_rest(
    problem: Problem,
    objective: sp.Expr,
    inner: Derivation,
    at: Mapping[sp.Symbol, sp.Expr],
    rng: np.random.Generator,
) -> Rest:
    """The profile log-likelihood in the parameters ``inner`` leaves without a closed form,
    its score, and the equations the numeric method solves, each step verified."""
    rest = tuple(e.parameter for e in inner.solution.equations)
    profile = normalize(objective.xreplace(at))
    function = LogLikelihood(*problem.parameters).xreplace(at)  # ℓ(b, x₍₁₎, x₍ₙ₎)
    words = [
        *_largest_at(at, problem),
        ", so its maximum over all the parameters is the maximum over ",
        *_listed(rest),
        " of the profile log-likelihood: the log-likelihood with these put in, a function of ",
        *_listed(rest),
        " and the data alone.",
    ]
    # the log-likelihood step checked ℓ against the density; this one puts the values in
    check = equivalent(objective.xreplace(at), profile, problem, rng, "the profile log-likelihood")
    steps = [
        Step(
            "profile",
            "Profile log-likelihood",
            (sp.Eq(function, profile, evaluate=False),),
            tuple(words),
            check,
        )
    ]
    equations, lines, checks = [], [], []
    for q in rest:
        found = score(profile, q, problem)
        equations.append(StationaryEquation(q, found))
        lines.append(sp.Eq(sp.Derivative(function, q), found, evaluate=False))
        what = f"the profile score in {q}"
        checks.append(equivalent(sp.diff(profile, q), found, problem, rng, what))
    several = len(rest) > 1
    words = [
        "Differentiate the profile log-likelihood with respect to ",
        "each of " if several else "",
        *_listed(rest),
        "; ",
        *_listed(at.values()),
        " and the sums of the data are constants here.",
    ]
    score_check = next((c for c in checks if c.method == "numeric"), checks[-1])
    steps.append(Step("score", "Score", tuple(lines), tuple(words), score_check))
    note = inner.solution.note or "SymPy finds no closed-form solution"
    words = [
        f"No closed form. {note[:1].upper()}{note[1:]}: the numeric estimator computes ",
        *_listed(sp.Eq(hat(p), value) for p, value in at.items()),
        " first, then maximises the profile log-likelihood in ",
        *_listed(rest),
        " with its score and Hessian.",
    ]
    equalities = tuple(sp.Eq(e.score, 0) for e in equations)
    steps.append(Step("no-closed-form", "No closed form", equalities, tuple(words), DEFINITION))
    return Rest(tuple(steps), tuple(equations), {}, (), check, closed_form=False, note=note)
