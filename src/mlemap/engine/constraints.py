"""Constraints a model declares on its parameters, as random check points must meet them.

The verifier draws each parameter from its domain; a declared relation (Σ θⱼ = 1, or
θ₁ + θ₂ < 1 where θ₃ = 1 − θ₁ − θ₂ is written out) ties them together. An equality is met
by placing the values on it: a positively weighted sum equal to a positive constant (a
simplex) by scaling its terms, which keeps each inside (0, ∞); any other by solving it for
its last symbol (its first real root). Points that then leave a domain or break an
inequality are drawn again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import sympy as sp

__all__ = ["holds", "place"]


def place(
    values: Mapping[sp.Symbol, sp.Expr], relations: tuple[sp.Basic, ...]
) -> dict[sp.Symbol, sp.Expr]:
    """``values`` moved onto every declared equality (exact rationals stay exact)."""
    placed = dict(values)
    for relation in relations:
        if not isinstance(relation, sp.Equality):
            continue
        gap = relation.lhs - relation.rhs
        held = [s for s in placed if gap.has(s)]
        others = {s: v for s, v in placed.items() if s not in held}
        gap = sp.expand(gap.xreplace(others))
        total, constant = gap.as_independent(*held, as_Add=True)[::-1]
        weights = [total.coeff(s) for s in held]
        linear = sp.expand(total - sum(w * s for w, s in zip(weights, held, strict=True))) == 0
        if linear and all(w.is_number and w > 0 for w in weights) and (-constant).is_positive:
            current = total.xreplace(placed)
            if current.is_positive:
                scale = -constant / current
                placed.update({s: placed[s] * scale for s in held})
                continue
        last, plain = held[-1], sp.Dummy()  # no assumptions: a root outside is drawn again
        rest = gap.xreplace({s: placed[s] for s in held[:-1]})
        roots = [r for r in sp.solve(rest.xreplace({last: plain}), plain) if r.is_real]
        if roots:  # the first real root; another's point is drawn from other values
            placed[last] = roots[0]
    return placed


def holds(
    values: Mapping[sp.Symbol, sp.Expr],
    relations: tuple[sp.Basic, ...],
    inside: Callable[[sp.Symbol, sp.Expr], bool],
) -> bool:
    """Whether every value is inside its domain (``inside``) and every relation is met."""
    if not all(inside(s, v) for s, v in values.items()):
        return False
    return all(relation.xreplace(dict(values)) is sp.true for relation in relations)
