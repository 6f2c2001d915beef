"""Presentation: results in the form a handout uses (k/n, x̄, (1/n)Σ(xᵢ − μ̂)²)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import sympy as sp
from sympy.core.relational import Relational

from ..catalog.model import Model
from ..catalog.symbols import i, n

__all__ = ["MEAN", "common_factors", "present", "signs_outside", "statistic_definitions", "tidy"]

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


def common_factors(expr: sp.Basic) -> sp.Basic:
    """``expr`` as a handout writes its products: a common factor taken out of a sum that
    multiplies or is divided (−(2nμ − 2nx̄)/(2σ²) is n(x̄ − μ)/σ², (−β − n)λ is −(β + n)λ) and
    powers of one base combined (λλᵏ is λ^{k+1}). A sum of terms stays a sum of terms."""
    if isinstance(expr, Relational):
        return expr.func(*(common_factors(side) for side in expr.args), evaluate=False)
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(common_factors)
    if not isinstance(expr, sp.Expr) or not expr.args or expr.has(sp.MatrixSymbol):
        return expr
    if not expr.is_Mul:
        args = [common_factors(a) for a in expr.args]
        # Rebuilt only where a part changed: the engine writes some forms unevaluated.
        return expr if args == list(expr.args) else expr.func(*args)
    bases = [f.as_base_exp()[0] for f in expr.args if not f.is_number]
    if len(set(bases)) < len(bases):  # λλᵏ is λ^{k+1}; numbers keep their form (√2/2)
        combined = sp.powsimp(expr)
        if combined != expr:
            return common_factors(combined)
    factors = []
    for factor in expr.args:
        factored = sp.factor_terms(factor) if factor.is_Add else factor
        common = [f for f in sp.Mul.make_args(factored) if not f.is_Number and not f.is_Add]
        factors.append(factored if factor.is_Add and common else common_factors(factor))
    # Rebuilt only where a factor changed: SymPy spreads a ½ over a sum it multiplies again.
    return expr if factors == list(expr.args) else sp.Mul(*factors)


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


def signs_outside(expr: sp.Basic, proof: Mapping[sp.Symbol, sp.Expr]) -> sp.Basic:
    """``expr`` with each factor that is negative on the domain written the other way round
    and its sign taken outside: −1/(θ(θ − 1)) is 1/(θ(1 − θ)) for θ ∈ (0, 1), as a handout
    writes it. ``proof`` rewrites each parameter so that SymPy's assumptions imply its domain
    (:func:`mlemap.engine.domain_checks.proof_substitution`); undecided factors stay."""
    if isinstance(expr, Relational):
        lhs, rhs = (signs_outside(side, proof) for side in (expr.lhs, expr.rhs))
        return expr.func(lhs, rhs, evaluate=False)
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(lambda e: signs_outside(e, proof))
    if not isinstance(expr, sp.Expr) or not (expr.is_Add or expr.is_Mul or expr.is_Pow):
        return expr
    if expr.is_Add:
        return sp.Add(*(signs_outside(a, proof) for a in expr.args))
    sign, factors = 1, []
    for factor in sp.Mul.make_args(expr):
        base, exponent = factor.as_base_exp()
        base = signs_outside(base, proof) if base.is_Add or base.is_Mul else base
        if exponent.is_integer and base.is_Add and _negative(base, proof):
            base, sign = -base, sign * (-1) ** exponent
        factors.append(sp.Pow(base, exponent))
    return sign * sp.Mul(*factors)


def _negative(base: sp.Expr, proof: Mapping[sp.Symbol, sp.Expr]) -> bool:
    if not base.free_symbols & set(proof):
        return False
    return _negative_under(base.xreplace(proof))


@lru_cache(maxsize=4096)
def _negative_under(rewritten: sp.Expr) -> bool:
    """Whether SymPy's assumptions make ``rewritten`` negative once factored: each step of a
    derivation shows the same factors again, and factoring them is the cost."""
    return bool(sp.factor(rewritten).is_negative)
