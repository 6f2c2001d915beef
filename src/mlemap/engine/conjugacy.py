"""Recognising the posterior as a member of a prior family, by matching kernels.

Rather than a table of conjugate pairs typed in by hand, the engine asks, for each prior
family whose support is the parameter's domain: are there hyperparameters h′ for which
log-posterior − log-density(θ | h′) does not depend on θ? Its θ-derivative is a rational
function of θ; its numerator's coefficients give equations for h′, and the answer is
verified by showing the derivative vanishes identically. A match is the conjugate
posterior, with its updated hyperparameters derived, not looked up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sympy as sp

from ..catalog.model import Prior
from .limits import attempt
from .problem import Problem
from .sums import freeze, normalize, thaw
from .verify import Check

__all__ = ["Posterior", "recognise"]

SECONDS = 10.0


@dataclass(frozen=True)
class Posterior:
    """p(θ | data) as a named family with updated hyperparameters."""

    parameter: sp.Symbol
    prior: Prior
    hyperparameters: tuple[sp.Expr, ...]
    check: Check

    @property
    def family(self) -> str:
        return self.prior.family

    def __str__(self) -> str:
        return f"{self.family}({', '.join(map(str, self.hyperparameters))})"


def _match(objective: sp.Expr, parameter: sp.Symbol, prior: Prior) -> tuple[sp.Expr, ...] | None:
    unknowns = [sp.Dummy(h.name) for h in prior.hyperparameters]
    kernel = sp.expand_log(sp.log(prior.density(parameter, *unknowns)), force=True)
    derivative = normalize(sp.diff(objective - kernel, parameter))
    frozen, table = freeze(derivative)
    plain = sp.Dummy(parameter.name)
    numerator = sp.numer(sp.together(frozen.xreplace({parameter: plain})))
    polynomial = attempt(SECONDS, sp.Poly, sp.expand(numerator), plain)
    if polynomial is None:
        return None
    solutions = attempt(SECONDS, sp.solve, polynomial.coeffs(), unknowns, dict=True)
    if not solutions or len(solutions) != 1 or set(solutions[0]) != set(unknowns):
        return None
    if attempt(SECONDS, sp.simplify, frozen.xreplace(solutions[0])) != 0:
        return None
    return tuple(normalize(thaw(sp.factor(solutions[0][u]), table)) for u in unknowns)


def recognise(objective: sp.Expr, problem: Problem, families: Iterable[Prior]) -> Posterior | None:
    """The first of ``families`` whose kernel matches the log-posterior ``objective``."""
    if len(problem.parameters) != 1:
        return None  # a joint posterior of independent priors is not of one prior family
    parameter = problem.parameters[0]
    declaration = problem.declarations[parameter]
    for prior in families:
        if prior.domain is None or not prior.hyperparameters or not prior.fits(declaration):
            continue
        values = _match(objective, parameter, prior)
        if values is not None:
            check = Check(
                "symbolic",
                f"the derivative of log posterior − log {prior.family} density in the "
                "parameter simplifies to 0",
            )
            return Posterior(parameter, prior, values, check)
    return None
