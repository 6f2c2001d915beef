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
    parameters: tuple[sp.Symbol, ...] = ()  # all it is a density of (a joint posterior)

    @property
    def family(self) -> str:
        return self.prior.family

    def __str__(self) -> str:
        return f"{self.family}({', '.join(map(str, self.hyperparameters))})"


def _match(
    objective: sp.Expr, parameters: tuple[sp.Symbol, ...], prior: Prior
) -> tuple[sp.Expr, ...] | None:
    unknowns = [sp.Dummy(h.name) for h in prior.hyperparameters]
    kernel = sp.expand_log(sp.log(prior.density(*parameters, *unknowns)), force=True)
    plain = {p: sp.Dummy(p.name) for p in parameters}
    equations, derivatives, tables = [], [], {}
    for parameter in parameters:
        derivative = normalize(sp.diff(objective - kernel, parameter))
        frozen, table = freeze(derivative)
        tables.update(table)
        numerator = sp.numer(sp.together(frozen.xreplace(plain)))
        polynomial = attempt(SECONDS, sp.Poly, sp.expand(numerator), *plain.values())
        if polynomial is None:
            return None
        equations += polynomial.coeffs()
        derivatives.append(frozen)
    solutions = attempt(SECONDS, sp.solve, equations, unknowns, dict=True)
    if not solutions or len(solutions) != 1 or set(solutions[0]) != set(unknowns):
        return None
    if any(attempt(SECONDS, sp.simplify, d.xreplace(solutions[0])) != 0 for d in derivatives):
        return None
    return tuple(normalize(thaw(sp.factor(solutions[0][u]), tables)) for u in unknowns)


def recognise(objective: sp.Expr, problem: Problem, families: Iterable[Prior]) -> Posterior | None:
    """The first of ``families`` whose kernel matches the log-posterior ``objective``."""
    # A joint posterior of independent priors is not of one prior family; one of a joint
    # prior over every parameter (Dirichlet) may be.
    parameters = problem.parameters
    declarations = [problem.declarations[p] for p in parameters]
    for prior in families:
        if prior.over != len(parameters) or prior.domain is None or not prior.hyperparameters:
            continue
        if prior.kinked:
            continue  # a kernel with a kink (Laplace) is no smooth posterior's
        fits = (
            prior.fits_all(tuple(declarations)) if prior.over > 1 else prior.fits(declarations[0])
        )
        if not fits:
            continue
        values = _match(objective, parameters, prior)
        if values is not None:
            check = Check(
                "symbolic",
                f"the derivative of log posterior − log {prior.family} density in the "
                "parameter simplifies to 0",
            )
            return Posterior(parameters[0], prior, values, check, parameters)
    return None
