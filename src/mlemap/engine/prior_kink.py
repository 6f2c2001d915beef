"""A kink in the prior: a Laplace prior e^{−|θ − θ₀|/b}/(2b) on a parameter whose
log-likelihood is quadratic in it (a normal mean with the variance known).

The log-posterior is −(c/2)(θ − θ₀)² + z(θ − θ₀) − λ|θ − θ₀| + const, with c > 0 and
λ = 1/b > 0. The term |θ − θ₀| has no derivative at θ₀, so the derivative test does not
apply there; the log-posterior is concave and is largest where 0 is in its
superdifferential, which the one-variable soft-threshold derivation solves branch by branch
(:mod:`.soft_threshold`, shared with the lasso): θ̂ = θ₀ + S(z, λ)/c = θ₀ + S(z/c, λ/c).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import sympy as sp

from ..catalog.symbols import hat
from ..errors import UnsupportedModelError
from .derivation import Derivation, Step
from .domain_checks import proof_substitution, sign
from .notation import Constant, LogPosterior
from .problem import Problem
from .soft_threshold import SoftThreshold, check_soft_threshold, soft_threshold_branches
from .solve import Solution, StationaryEquation, score
from .sums import normalize
from .verify import Check, VerificationError, equivalent

__all__ = [
    "PriorKink",
    "find_prior_kink",
    "kink_location",
    "prior_kink_derivation",
    "soft_threshold_symbols",
]


@dataclass(frozen=True)
class PriorKink:
    """log-posterior = −(c/2)(θ − θ₀)² + z(θ − θ₀) − λ|θ − θ₀| + const, c > 0, λ > 0."""

    parameter: sp.Symbol
    location: sp.Expr
    term: sp.Abs
    curvature: sp.Expr
    slope: sp.Expr
    penalty: sp.Expr


def kink_location(found: sp.Abs, parameter: sp.Symbol) -> sp.Expr | None:
    """θ₀ where ``found`` is |θ − θ₀| (either way round) with θ₀ free of θ, else None."""
    argument = sp.expand(found.args[0])
    if argument.coeff(parameter) not in (1, -1):
        return None
    location = -argument.coeff(parameter) * (argument - argument.coeff(parameter) * parameter)
    return location if not location.has(parameter) else None


def soft_threshold_symbols(problem: Problem) -> tuple[sp.Symbol, sp.Symbol, sp.Symbol]:
    """The names c, z, λ the derivation writes, each distinct from the problem's own."""
    taken = {s.name for s in problem.declarations}

    def fresh(names: tuple[str, ...], **assumptions: bool) -> sp.Symbol:
        name = next(m for m in names if m not in taken)
        return sp.Symbol(name, **assumptions)

    return (
        fresh(("c", "a", "q"), positive=True),
        fresh(("z", "g", "u"), real=True),
        fresh(("lambda", "kappa", "rho"), positive=True),
    )


def _refuse(problem: Problem, why: str) -> UnsupportedModelError:
    return UnsupportedModelError(
        f"the prior of model {problem.model.name!r} has a kink |θ − θ₀| (a Laplace prior), "
        f"and {why}; mlemap derives such a MAP estimate only for one estimated parameter "
        "whose log-likelihood is quadratic in it with a negative leading coefficient (a "
        "normal mean with σ² known), by the subgradient condition: soft-thresholding"
    )


def find_prior_kink(
    problem: Problem, log_likelihood: sp.Expr, log_prior: sp.Expr
) -> PriorKink | None:
    """The log-posterior's |θ − θ₀| term and its quadratic rest, or None where no prior
    has a kink; an :class:`~mlemap.UnsupportedModelError` where one is out of reach."""
    found = [a for a in log_prior.atoms(sp.Abs) if a.has(*problem.parameters)]
    if not found:
        return None
    if len(problem.parameters) != 1:
        names = ", ".join(map(str, problem.parameters))
        raise _refuse(
            problem,
            f"it estimates {names} together; estimate only the parameter with the Laplace "
            "prior (the others known)",
        )
    (p,) = problem.parameters
    location = kink_location(found[0], p) if len(found) == 1 else None
    if location is None:
        raise _refuse(problem, f"its absolute values are not one |{p} − θ₀|")
    (term,) = found
    expanded_prior = sp.expand(log_prior)
    weight = expanded_prior.coeff(term)
    if weight.has(p) or sp.expand(expanded_prior - weight * term).has(p):
        raise _refuse(problem, f"its log-density holds {p} outside |{p} − θ₀|")
    if sign(weight.xreplace(proof_substitution(problem, weight.free_symbols))) != -1:
        raise _refuse(problem, f"the coefficient {weight} of {term} is not negative")
    expanded = sp.expand(normalize(log_likelihood, expand=(p,)))  # Σ(xᵢ − θ)² multiplied out
    square, linear = expanded.coeff(p, 2), expanded.coeff(p, 1)
    if (
        square.has(p)
        or linear.has(p)
        or sp.expand(expanded - square * p**2 - linear * p).has(p)
        or sign(square.xreplace(proof_substitution(problem, square.free_symbols))) != -1
    ):
        raise _refuse(
            problem,
            f"its log-likelihood is not quadratic in {p} with a negative leading coefficient",
        )
    curvature = sp.factor(-2 * square)
    slope = sp.together(sp.expand(2 * square * location + linear))  # ℓ′(θ₀)
    return PriorKink(p, location, term, curvature, slope, -weight)


# -- steps -----------------------------------------------------------------------------------
def _kink_step(kink: PriorKink) -> Step:
    p, location, term = kink.parameter, kink.location, kink.term
    derivative = sp.diff(term, p)
    line = sp.Eq(sp.Derivative(term, p), derivative, evaluate=False)
    words: tuple[object, ...] = (
        "The log-likelihood is smooth in ",
        p,
        ", but the log-prior holds it in ",
        -kink.penalty * term,
        ". The derivative of ",
        term,
        ", above, is +1 above ",
        location,
        " and −1 below it, and does not exist at ",
        sp.Eq(p, location, evaluate=False),
        ": the log-posterior has a kink there, the score is not defined, and the derivative "
        "test does not apply, since the maximum can sit exactly at the kink. Concavity "
        "decides instead: the log-likelihood is a concave quadratic in ",
        p,
        " (next step), subtracting a positive multiple of ",
        term,
        " keeps it concave, and a concave function is largest where 0 lies between its "
        "slopes from the left and from the right (0 is in its superdifferential).",
    )
    check = Check(
        "symbolic",
        "SymPy differentiates the absolute value for a real parameter (valid away from the "
        "kink); the log-prior less the term is free of the parameter, and the term's "
        "coefficient is negative by SymPy's sign rules",
    )
    return Step("kink", "Where the derivative test fails", (line,), words, check, subject=p)


def _objective_step(
    kink: PriorKink, objective: sp.Expr, symbols: tuple[sp.Symbol, ...], problem: Problem
) -> Step:
    p, location, term = kink.parameter, kink.location, kink.term
    c, z, lam = symbols
    offset = p - location
    written = -c / 2 * offset**2 + z * offset - lam * term
    at = {c: kink.curvature, z: kink.slope, lam: kink.penalty}
    left_over = sp.expand(normalize(objective - written.xreplace(at), expand=(p,)))
    if left_over.has(p):
        raise VerificationError(
            f"the log-posterior less {written} holds {p}: {left_over}. This is a bug in "
            "mlemap; please report it."
        )
    lines = (
        sp.Eq(LogPosterior(p), written + Constant(), evaluate=False),
        sp.Eq(c, kink.curvature, evaluate=False),
        sp.Eq(z, kink.slope, evaluate=False),
        sp.Eq(lam, kink.penalty, evaluate=False),
    )
    words = (
        "The log-likelihood is a quadratic in ",
        p,
        " with a negative leading coefficient; written about the kink ",
        location,
        ", with ",
        c,
        " twice minus that coefficient, ",
        z,
        " the slope of the log-likelihood at ",
        location,
        " and ",
        lam,
        " the weight of the kink, the log-posterior is, up to a constant free of ",
        p,
        ":",
    )
    check = Check(
        "symbolic",
        "the log-posterior less the displayed form, expanded by SymPy, is free of the "
        "parameter; c and λ are positive by SymPy's sign rules",
    )
    return Step("objective", "About the kink", lines, words, check, subject=p)


def _branches_step(
    kink: PriorKink, symbols: tuple[sp.Symbol, ...], rng: np.random.Generator
) -> Step:
    p, location = kink.parameter, kink.location
    c, z, lam = symbols
    t = sp.Dummy("t", real=True)  # θ − θ₀: the shared derivation's variable
    minimiser, branches = soft_threshold_branches(c, z, t, lam)
    (_, above, _), (_, below, _), _ = branches
    lines = (sp.Eq(hat(p), location + SoftThreshold(z, lam) / c, evaluate=False),)
    words = (
        "Maximising the log-posterior is minimising ",
        c / 2 * (p - location) ** 2 - z * (p - location) + lam * kink.term,
        ", one branch at a time. On ",
        sp.StrictGreaterThan(p, location, evaluate=False),
        " it is smooth, and its stationary point ",
        sp.Eq(p, location + above, evaluate=False),
        " lies in the branch when ",
        sp.StrictGreaterThan(z, lam, evaluate=False),
        "; on ",
        sp.StrictLessThan(p, location, evaluate=False),
        " the stationary point ",
        sp.Eq(p, location + below, evaluate=False),
        " lies in it when ",
        sp.StrictLessThan(z, -lam, evaluate=False),
        "; at ",
        sp.Eq(p, location, evaluate=False),
        " the slopes from the left and the right are ",
        -z - lam,
        " and ",
        -z + lam,
        ", so the kink is the minimum when ",
        sp.LessThan(sp.Abs(z), lam, evaluate=False),
        ". Together: the soft-thresholding function ",
        sp.Eq(SoftThreshold(z, lam), SoftThreshold.explicit(z, lam), evaluate=False),
        ", divided by ",
        c,
        ", added to ",
        location,
        ".",
    )
    check = check_soft_threshold(minimiser, c, z, lam, rng)
    return Step("stationarity", "Branch by branch: soft-thresholding", lines, words, check)


def _result_step(
    kink: PriorKink, estimate: sp.Expr, problem: Problem, rng: np.random.Generator
) -> Step:
    p, location = kink.parameter, kink.location
    direct = location + SoftThreshold(kink.slope, kink.penalty) / kink.curvature
    check = equivalent(direct, estimate, problem, rng, "the soft-thresholded estimate")
    words = (
        "The MAP estimate. Scaling both arguments of S by a positive number scales S by it, "
        "so dividing by the positive c goes inside it. The data move ",
        hat(p),
        " away from ",
        location,
        " only by what exceeds the threshold, and not at all when they lie within it of ",
        location,
        ": the prior's kink makes the estimate exactly ",
        location,
        " for a whole range of data. The log-posterior has no second derivative at the kink, "
        "so the curvature and the Fisher information are not derived here.",
    )
    return Step("result", "Result", (sp.Eq(hat(p), estimate, evaluate=False),), words, check)


def _anchored(problem: Problem, kink: PriorKink) -> Problem:
    """``problem`` whose random points put the prior's location θ₀, in two of three, where
    the data's pull z/c lies at 0, ±½ or ±2 thresholds λ/c: every branch is visited (θ₀
    drawn alone is seldom within the threshold of the data)."""
    location = kink.location
    if not isinstance(location, sp.Symbol) or location not in problem.declarations:
        return problem
    at_zero = sp.solve(sp.Eq(kink.slope, 0), location)
    if len(at_zero) != 1:
        return problem
    threshold = kink.penalty / kink.curvature
    shares = (0, sp.Rational(1, 2), -sp.Rational(1, 2), 2, -2)
    choices = tuple(at_zero[0] + share * threshold for share in shares)
    return replace(problem, anchors=((location, choices),))


def prior_kink_derivation(
    problem: Problem,
    kink: PriorKink,
    opening: list[Step],
    objective: sp.Expr,
    assumptions: tuple[str, ...],
    rng: np.random.Generator,
) -> Derivation:
    """``opening`` (model to log-posterior), the kink, the log-posterior about it, the
    branches, and θ̂ = θ₀ + S(z/c, λ/c)."""
    p = kink.parameter
    problem = _anchored(problem, kink)
    symbols = soft_threshold_symbols(problem)
    steps = [*opening, _kink_step(kink), _objective_step(kink, objective, symbols, problem)]
    steps.append(_branches_step(kink, symbols, rng))
    inside = sp.factor(sp.cancel(kink.slope / kink.curvature))
    threshold = sp.factor(sp.cancel(kink.penalty / kink.curvature))
    estimate = kink.location + SoftThreshold(sp.expand(inside), threshold)
    steps.append(_result_step(kink, estimate, problem, rng))
    equation = StationaryEquation(p, score(objective, p, problem), value=estimate)
    solution = Solution((equation,), {p: estimate}, (p,), "by the subgradient condition")
    return Derivation(problem, objective, tuple(steps), solution, assumptions=assumptions)
