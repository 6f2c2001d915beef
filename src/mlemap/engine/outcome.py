"""What a claim is judged against: a derivation's results, without its steps."""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from .conjugacy import Posterior
from .problem import Problem
from .solve import Root

__all__ = ["Outcome"]


@dataclass(frozen=True)
class Outcome:
    """The problem, its log-likelihood and objective, and the estimates a derivation found.

    ``estimates`` holds closed forms only (empty where the derivation is numeric); ``mle``
    is a MAP derivation's MLE, ``rejected`` the roots of the score outside the domain."""

    problem: Problem
    objective: sp.Expr  # the log-likelihood, or a MAP derivation's log-posterior
    log_likelihood: sp.Expr
    estimates: dict[sp.Symbol, sp.Expr] = field(default_factory=dict)
    mle: dict[sp.Symbol, sp.Expr] = field(default_factory=dict)
    posterior: Posterior | None = None
    rejected: tuple[Root, ...] = ()
