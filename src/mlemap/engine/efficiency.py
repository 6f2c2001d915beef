"""Efficiency: the exact variance of the (bias-corrected) estimator against the Cramér–Rao
bound [I(θ)⁻¹]ⱼⱼ/n, as a verified step for each estimated parameter.

The corrected estimator c θ̂ is unbiased, so its variance is c² E[θ̂²] − θ², with E[θ̂²]
from :func:`.expectation.expectation`. It attains the bound where the two are identical;
otherwise the ratio Var/bound is proved above 1 for every n where the variance is finite
(and its limit as n → ∞ is stated). Where any piece is out of reach, it says why
(and the step, :func:`.inference.efficiency_steps`, says "efficiency not derived").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..catalog.symbols import hat, n
from .bias import Bias
from .expectation import expectation
from .information import Information, random_values
from .problem import Problem
from .verify import Check, VerificationError

__all__ = ["Efficiency", "efficiency"]

#: The sample sizes 1…40 at which the bound is checked numerically (where finite).
CHECKED_SIZES = 40


@dataclass(frozen=True)
class Efficiency:
    """The corrected estimator's exact variance, the Cramér–Rao bound, and their ratio."""

    parameter: sp.Symbol
    estimator: sp.Expr  # c·θ̂ as shown (θ̂ where unbiased)
    variance: sp.Expr
    bound: sp.Expr
    ratio: sp.Expr  # Var / bound: 1 where the bound is attained
    exceeds: bool  # ratio > 1 proved for every n where the variance is finite
    from_size: sp.Expr  # the condition on n under which the variance is finite
    limit: sp.Expr  # the ratio as n → ∞
    checks: tuple[Check, ...]  # the moments, and the bound at numbers

    @property
    def attains(self) -> bool:
        return self.ratio == 1


def efficiency(
    problem: Problem,
    index: int,
    estimate: sp.Expr | None,
    bias: Bias | None,
    information: Information | None,
    rng: np.random.Generator,
) -> tuple[Efficiency | None, str | None]:
    """The efficiency of parameter ``index``'s corrected estimator, or why it is not
    derived."""
    p = problem.parameters[index]
    if information is None:
        return None, "the Fisher information, and so the Cramér–Rao bound, is not derived"
    if estimate is None or bias is None:
        return None, "the bias is not derived, so no unbiased multiple of the estimate is known"
    if not bias.unbiased and bias.correction is None:
        return None, (
            "the bias is not a constant factor, so no unbiased multiple of the estimate is "
            "known to compare with the bound"
        )
    c = sp.Integer(1) if bias.unbiased else bias.correction
    second = expectation(problem, estimate**2, rng)
    if second is None:
        return None, "the expectation of the squared estimate is out of reach"
    variance = sp.factor(sp.simplify(c**2 * second.value - p**2))
    bound = sp.factor(information.inverse[index, index] / n)
    ratio = sp.factor(sp.simplify(variance / bound))
    if second.route == "gamma sum":
        a, _ = second.family
        condition = sp.StrictGreaterThan(n * a, second.power)
        v = sp.Symbol("v", positive=True)
        at_edge = {n: (second.power + v) / a}
    else:
        first = _first_finite_size(variance)
        condition = sp.GreaterThan(n, first)
        m = sp.Symbol("m", integer=True, nonnegative=True)
        at_edge = {n: first + m}
    if sp.simplify(ratio - 1) == 0:
        ratio, exceeds = sp.Integer(1), False
    else:
        exceeds = bool(sp.simplify((ratio - 1).xreplace(at_edge)).is_positive)
    limit = sp.limit(ratio, n, sp.oo)
    checks = [_check_bound(problem, variance, bound, condition, rng), second.check]
    shown = hat(p) if c == 1 else sp.Mul(c, hat(p), evaluate=False)
    result = Efficiency(p, shown, variance, bound, ratio, exceeds, condition, limit, tuple(checks))
    return result, None


def _first_finite_size(variance: sp.Expr) -> int:
    """The smallest n ≥ 1 past every pole in n of the variance (n/(n − 1) has one at 1)."""
    _, denominator = sp.fraction(sp.together(variance))
    first = 1
    if denominator.has(n) and denominator.is_polynomial(n):
        for root in sp.Poly(denominator, n).real_roots():
            if root.is_number:
                first = max(first, int(sp.floor(root)) + 1)
    return first


def _check_bound(problem, variance, bound, condition, rng) -> Check:
    """The Cramér–Rao inequality itself, Var ≥ bound, at random parameter values and every
    sample size up to 40 where the variance is finite: a variance below it is a bug."""
    for _ in range(3):
        values = random_values(problem, rng)
        for size in range(1, CHECKED_SIZES + 1):
            point = {**values, n: size}
            if condition.xreplace(point) is not sp.true:
                continue
            var, low = (float(e.xreplace(point)) for e in (variance, bound))
            if not (np.isfinite(var) and var > 0 and var >= low * (1 - 1e-12)):
                raise VerificationError(
                    f"engine self-check failed for the efficiency in {problem.model.name}: the "
                    f"variance {var} is below the Cramér–Rao bound {low} at {point}. This is a "
                    "bug in mlemap; please report it."
                )
    return Check(
        "numeric",
        "the moments equal numeric quadrature at random parameter values, and the variance "
        f"is at least the bound there at every n up to {CHECKED_SIZES}",
    )
