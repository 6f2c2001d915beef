"""Presentation: results in the form a handout uses (k/n, x̄, (1/n)Σ(xᵢ − μ̂)²)."""

from __future__ import annotations

import sympy as sp

from ..catalog.model import Model
from ..catalog.symbols import i, n

__all__ = ["MEAN", "present", "statistic_definitions", "tidy"]

#: The sample mean x̄, shown in place of Σxᵢ / n.
MEAN = sp.Symbol("xbar", real=True)


def _replacements(model: Model) -> dict[sp.Expr, sp.Expr]:
    named = {s: symbol for symbol, s in model.statistic_sums().items()}
    total = sp.Sum(model.x[i], (i, 1, n))
    if total not in named:
        named[total] = n * MEAN
    return named


def present(expr: sp.Expr, model: Model) -> sp.Expr:
    """``expr`` with data sums replaced by the model's named statistics and x̄."""
    return sp.sympify(expr, strict=True).xreplace(_replacements(model))


def statistic_definitions(exprs: list[sp.Expr], model: Model) -> dict[sp.Symbol, sp.Expr]:
    """The named statistics that the presented forms of ``exprs`` use: symbol → its sum."""
    used = set().union(*(present(e, model).free_symbols for e in exprs)) if exprs else set()
    found = {}
    for s, replacement in _replacements(model).items():
        symbol = MEAN if replacement == n * MEAN else replacement
        if symbol in used:
            found[symbol] = s / n if symbol is MEAN else s
    return found


def tidy(value: sp.Expr) -> sp.Expr:
    """The shortest of a few equivalent forms of ``value`` (factor, cancel, together), with
    minus signs cleared from a fraction whose numerator and denominator both lead with one."""
    forms = [value, sp.factor(value), sp.cancel(value), sp.together(value)]
    best = min(forms, key=lambda f: (sp.count_ops(f), sp.default_sort_key(f)))
    numerator, denominator = sp.fraction(best)
    if numerator.could_extract_minus_sign() and denominator.could_extract_minus_sign():
        best = (-numerator) / (-denominator)
    return best
