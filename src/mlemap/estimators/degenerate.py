"""Data on which an estimate lies on its domain's boundary whatever their values: every
observation equal, for σ̂² = (1/n)Σ(xᵢ − x̄)² and its kin.

Decided exactly, not by a threshold: SymPy evaluates each estimate at data that all equal one
symbol c and proves it a boundary value for every c and n; the estimator then refuses such
data by testing the observations for equality (one pass), so rounding (σ̂² = 1.9e-34 from
[0.1, 0.1, 0.1]) cannot pass for an answer.
"""

from __future__ import annotations

import sympy as sp

from ..catalog.symbols import i, n
from ..engine.derivation import Derivation
from ..engine.limits import attempt

__all__ = ["degenerate_when_equal"]

#: SymPy's time for each proof; undecided means "not known to be degenerate".
SECONDS = 2.0


def _at_equal_data(expr: sp.Expr, derivation: Derivation, c: sp.Symbol) -> sp.Expr:
    x = derivation.model.x
    equal = expr.replace(
        lambda e: isinstance(e, sp.Sum) and e.limits == ((i, 1, n),),
        lambda e: n * e.function.xreplace({x[i]: c}),
    )
    return equal.xreplace({x[i]: c})


def degenerate_when_equal(derivation: Derivation) -> dict[str, sp.Expr]:
    """Each parameter whose estimate is a finite end of its domain whenever the data are all
    equal, with that end (proved by SymPy under a time limit; an undecided one is left out)."""
    problem = derivation.problem
    support = derivation.model.support
    c = sp.Symbol("c", real=True, positive=bool(support.lower.is_nonnegative) or None)
    found = {}
    for p in problem.parameters:
        interval = problem.domain(p).interval
        ends = [e for e in (interval.inf, interval.sup) if e.is_finite]
        if p not in derivation.estimates or not ends or problem.domain(p).integer:
            continue
        value = _at_equal_data(derivation.estimates[p], derivation, c)
        for end in ends:
            if attempt(SECONDS, lambda v=value, e=end: sp.simplify(v - e) == 0):
                found[str(p)] = end
    return found
