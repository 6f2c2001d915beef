"""The exact finite-n expectation of an estimate, its bias, and the unbiased correction
where it is a constant factor (the expectation's routes: :mod:`.expectation`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from .expectation import TRANSFORM, expectation
from .problem import Problem
from .verify import Check

__all__ = ["TRANSFORM", "Bias", "exact_bias"]


@dataclass(frozen=True)
class Bias:
    """E[θ̂] for one parameter, how it was found, and the constant correction if any."""

    parameter: sp.Symbol
    expectation: sp.Expr
    route: str  # "linearity" or "gamma sum"
    correction: sp.Expr | None  # c with E[c θ̂] = θ, free of the parameters
    check: Check
    family: tuple[sp.Expr, sp.Expr] | None = None  # (shape per term a, rate β): Σ g ~ Gamma

    @property
    def bias(self) -> sp.Expr:
        return sp.factor(sp.simplify(self.expectation - self.parameter))

    @property
    def unbiased(self) -> bool:
        return self.bias == 0


def exact_bias(
    problem: Problem, estimate: sp.Expr, parameter: sp.Symbol, rng: np.random.Generator
) -> Bias | None:
    """E[θ̂] for ``estimate`` of ``parameter``, verified; None where it is not derived."""
    found = expectation(problem, estimate, rng)
    if found is None:
        return None
    ratio = sp.simplify(found.value / parameter)
    correction = None
    if not ratio.has(*problem.parameters) and ratio != 1:
        correction = sp.factor(1 / ratio)
    return Bias(parameter, found.value, found.route, correction, found.check, found.family)
