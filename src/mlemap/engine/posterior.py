"""A recognised posterior's mean, mode and variance, from its family's textbook formulas,
checked against the MAP estimate (the mode) and against scipy.stats (mean, variance)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..catalog.symbols import hat
from .conjugacy import Posterior
from .derivation import Step
from .inference import weakest
from .notation import PosteriorMean, PosteriorVariance
from .problem import Problem
from .sums import normalize
from .verify import Check, VerificationError, equivalent

__all__ = ["SUMMARIES", "Summary", "posterior_summary_step"]

SCIPY_TOLERANCE = 1e-9


def _stats() -> object:
    """scipy.stats, loaded when a posterior is checked (it takes longer than SymPy)."""
    from scipy import stats

    return stats


@dataclass(frozen=True)
class Summary:
    """A family's mean, mode and variance in its hyperparameters, where each exists, and
    the scipy distribution at numbers."""

    mean: Callable[..., sp.Expr]
    mode: Callable[..., sp.Expr]
    variance: Callable[..., sp.Expr]
    scipy: Callable[..., object]
    conditions: str  # where the mode is interior and the variance finite


#: Casella & Berger, Table of Common Distributions; InverseGamma with scale β.
SUMMARIES = {
    "Beta": Summary(
        lambda a, b: a / (a + b),
        lambda a, b: (a - 1) / (a + b - 2),
        lambda a, b: a * b / ((a + b) ** 2 * (a + b + 1)),
        lambda a, b: _stats().beta(a, b),
        "the mode needs both arguments above 1",
    ),
    "Gamma": Summary(
        lambda a, b: a / b,
        lambda a, b: (a - 1) / b,
        lambda a, b: a / b**2,
        lambda a, b: _stats().gamma(a, scale=1 / b),
        "the mode needs a shape above 1",
    ),
    "Normal": Summary(
        lambda m, v: m,
        lambda m, v: m,
        lambda m, v: v,
        lambda m, v: _stats().norm(m, np.sqrt(v)),
        "each holds for all arguments",
    ),
    "InverseGamma": Summary(
        lambda a, b: b / (a - 1),
        lambda a, b: b / (a + 1),
        lambda a, b: b**2 / ((a - 1) ** 2 * (a - 2)),
        lambda a, b: _stats().invgamma(a, scale=b),
        "the mean needs a shape above 1, the variance above 2",
    ),
}


def posterior_summary_step(
    posterior: Posterior, estimate: sp.Expr, problem: Problem, rng: np.random.Generator
) -> Step | None:
    """The posterior's mean, its mode (which must be the MAP estimate) and its variance."""
    summary = SUMMARIES.get(posterior.family)
    if summary is None:
        return None
    p, args = posterior.parameter, posterior.hyperparameters
    mean, mode, variance = (
        normalize(sp.factor(f(*args))) for f in (summary.mean, summary.mode, summary.variance)
    )
    checks = [equivalent(mode, estimate, problem, rng, "the posterior mode as the MAP estimate")]
    checks.append(_against_scipy(summary, args, (mean, variance), problem, rng))
    gap = normalize(sp.factor(sp.simplify(mean - mode)))
    lines = (
        sp.Eq(PosteriorMean(p), mean, evaluate=False),
        sp.Eq(hat(p), mode, evaluate=False),
        sp.Eq(PosteriorVariance(p), variance, evaluate=False),
        sp.Eq(PosteriorMean(p) - hat(p), gap, evaluate=False),
    )
    words = (
        f"The {posterior.family} posterior's mean, its mode (the MAP estimate) and its "
        f"variance, from the family's formulas ({summary.conditions}). The mean averages "
        "over the posterior while the mode is its peak, so they differ by the last line; "
        "the gap shrinks as the data grow. An equal-tailed 95% credible interval runs from "
        "the posterior's 2.5% quantile to its 97.5% quantile; fit() computes them, and the "
        "summaries at the data, with scipy.stats at the posterior's numbers.",
    )
    return Step("posterior-summary", "Posterior summary", lines, words, weakest(checks))


def _against_scipy(summary, args, formulas, problem: Problem, rng: np.random.Generator) -> Check:
    """Mean and variance at random data sets against scipy's, where both are finite."""
    compared = 0
    for _ in range(6):
        point = problem.random_point(rng)
        numbers = [problem.number(a, point).real for a in args]
        if not all(np.isfinite(numbers)) or (numbers and min(numbers[-1:]) <= 0):
            continue
        distribution = summary.scipy(*numbers)
        for formula, reference in zip(formulas, distribution.stats("mv"), strict=True):
            reference = float(reference)
            if not np.isfinite(reference):
                continue
            value = problem.number(formula, point).real
            if abs(value - reference) > SCIPY_TOLERANCE * max(1.0, abs(reference)):
                raise VerificationError(
                    f"engine self-check failed for the posterior summary: {value} versus "
                    f"scipy's {reference}. This is a bug in mlemap; please report it."
                )
            compared += 1
    return Check(
        "numeric",
        f"the mode is the MAP estimate; mean and variance equal scipy.stats' at {compared} "
        f"random data sets, to a relative {SCIPY_TOLERANCE:g}",
    )
