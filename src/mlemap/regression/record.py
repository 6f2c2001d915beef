"""The record of a linear-regression derivation: the same reading interface as
:class:`mlemap.Derivation` (steps, estimates, results, rendering, ``estimator()``) for an
unknown that is a vector rather than a set of scalar parameters."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..engine.derivation import Estimates, Record, Results, Step
from ..engine.notation import Constant, to_text

__all__ = ["RegressionDerivation"]


@dataclass(frozen=True)
class RegressionDerivation(Record):
    """OLS (``prior`` None), ridge (``"normal"``) or lasso (``"laplace"``), step by step.

    ``estimates`` maps w (and σ² for OLS) to its closed form, empty for the lasso (no closed
    form); ``definitions`` names derived quantities (λ = σ²/τ²)."""

    name: str
    prior: str | None
    steps: tuple[Step, ...]
    estimates: dict[sp.Basic, sp.Basic]
    results: tuple[sp.Eq, ...]
    closed_form: bool
    assumptions: tuple[str, ...]
    definitions: dict[sp.Symbol, sp.Expr]

    def __post_init__(self) -> None:
        # Shown typeset in Jupyter, as a scalar derivation's are.
        object.__setattr__(self, "results", Results(tuple(self.results), self))
        object.__setattr__(self, "estimates", Estimates(dict(self.estimates), self))

    @property
    def method(self) -> str:
        return "MAP" if self.prior else "MLE"

    @property
    def log_likelihood(self) -> sp.Expr:
        """ℓ(w, σ²), as the log-likelihood step shows it."""
        return self._shown("log-likelihood").lines[-1].rhs

    @property
    def log_posterior(self) -> sp.Expr | None:
        """log p(w | y) without its additive constant; None without a prior."""
        if self.prior is None:
            return None
        return self._shown("log-posterior").lines[-1].rhs.replace(Constant, lambda: 0)

    def _shown(self, kind: str) -> Step:
        return next(s for s in self.steps if s.kind == kind)

    @property
    def estimator_kind(self) -> str:
        return {None: "ols", "normal": "ridge", "laplace": "lasso"}[self.prior]

    def __repr__(self) -> str:
        what = {None: "OLS", "normal": "ridge", "laplace": "lasso"}[self.prior]
        found = "; ".join(f"{to_text(r.lhs)} = {to_text(r.rhs)}" for r in self.results)
        return f"<Derivation {self.method} of {self.name} ({what}): {found or 'no closed form'}>"
