"""The Σ-algebra: sums over the data made into something SymPy can differentiate and solve.

SymPy leaves ``Sum(c*f(x[i]) + g(x[i]), (i, 1, n))`` as it is, and ``solve`` over raw sums
returns nothing or nonsense. Here sums are split over ``+``, factors free of the index are
pulled out (a sum of a constant becomes ``n`` times it), and what remains are sums of data
alone (sufficient statistics) or sums that still hold a parameter. Every other module calls
this one; nobody re-implements it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import sympy as sp

__all__ = [
    "collect_parameters",
    "freeze",
    "normalize",
    "statistics",
    "thaw",
]


def normalize(expr: sp.Expr, expand: Iterable[sp.Symbol] = ()) -> sp.Expr:
    """Split every sum over ``+`` and pull index-free factors out of it.

    A sum whose summand holds one of the ``expand`` symbols is multiplied out in full
    (Σ(xᵢ − μ)² → Σxᵢ² − 2μΣxᵢ + nμ²); other powers are kept whole, so that
    Σ(xᵢ − μ)² stays the handout's sum of squares.
    """
    expand = frozenset(expand)
    return sp.sympify(expr, strict=True).replace(
        lambda e: isinstance(e, sp.Sum), lambda s: _split_sum(s, expand)
    )


def _split_sum(s: sp.Sum, expand: frozenset[sp.Symbol]) -> sp.Expr:
    # SymPy flattens Σ(Σ f) into one Sum with several limits, innermost first; doit() makes
    # no progress on symbolic bounds, so take the limits one at a time instead.
    total = normalize(s.function, expand)
    for limit in s.limits:
        total = _sum_over(total, limit, expand)
    return total


def _sum_over(summand: sp.Expr, limit: sp.Tuple, expand: frozenset[sp.Symbol]) -> sp.Expr:
    index, lower, upper = limit
    full = bool(summand.free_symbols & expand)
    summand = sp.expand(
        sp.expand_log(summand, force=True),
        multinomial=full,
        mul=True,
        power_base=True,
        power_exp=True,
        log=True,
        force=True,
    )
    summand = summand.replace(
        lambda e: (
            e.is_Pow
            and e.exp.is_even
            and e.base.is_Add
            and e.base.as_independent(index, as_Add=True)[1].could_extract_minus_sign()
        ),
        lambda e: sp.Pow(-e.base, e.exp),
    )  # (μ − xᵢ)² and (xᵢ − μ)² must be one sum, and the handout's: data first
    total = sp.Integer(0)
    for term in sp.Add.make_args(summand):
        outside, inside = term.as_independent(index, as_Add=False)
        if inside == 1:
            total += outside * (upper - lower + 1)
        else:
            total += outside * sp.Sum(inside, (index, lower, upper))
    return total


def _sums(expr: sp.Expr) -> list[sp.Sum]:
    """The outermost sums in ``expr``, in a deterministic order."""
    found: set[sp.Sum] = set()

    def visit(e: sp.Basic) -> None:
        if isinstance(e, sp.Sum):
            found.add(e)
            return
        for arg in e.args:
            visit(arg)

    visit(sp.sympify(expr, strict=True))
    return sorted(found, key=sp.default_sort_key)


def statistics(expr: sp.Expr, parameters: Iterable[sp.Symbol]) -> list[sp.Sum]:
    """The sums of data alone in ``expr`` (free of ``parameters``): its sufficient statistics."""
    parameters = set(parameters)
    return [s for s in _sums(expr) if not s.free_symbols & parameters]


def freeze(
    expr: sp.Expr, keep: Iterable[sp.Symbol] = ()
) -> tuple[sp.Expr, dict[sp.Symbol, sp.Sum]]:
    """Replace each outermost sum that does not hold a ``keep`` symbol by a fresh symbol.

    Each symbol carries what SymPy can infer of its sum's sign (a sum of positive terms is
    positive), so that sign arguments and ``solve`` see through the replacement.
    """
    keep = set(keep)
    table: dict[sp.Symbol, sp.Sum] = {}
    replace: dict[sp.Sum, sp.Symbol] = {}
    for number, s in enumerate(_sums(expr)):
        if s.free_symbols & keep:
            continue
        assumptions = _sign(s.function)
        symbol = sp.Dummy(f"S{number}", real=True, **assumptions)
        table[symbol], replace[s] = s, symbol
    return sp.sympify(expr, strict=True).xreplace(replace), table


def thaw(expr: sp.Expr, table: Mapping[sp.Symbol, sp.Sum]) -> sp.Expr:
    """Undo :func:`freeze`."""
    return sp.sympify(expr, strict=True).xreplace(dict(table))


def _sign(summand: sp.Expr) -> dict[str, bool]:
    if summand.is_positive:
        return {"positive": True}
    if summand.is_nonnegative:
        return {"nonnegative": True}
    return {}


def collect_parameters(expr: sp.Expr, parameters: Iterable[sp.Symbol]) -> sp.Expr:
    """Group terms by the factor that holds the parameters: Σxᵢ log θ + n log(1−θ) − Σxᵢ
    log(1−θ) becomes Σxᵢ log θ + (n − Σxᵢ) log(1−θ), the way a handout writes it."""
    parameters = tuple(parameters)
    expanded = sp.expand(
        expr,
        deep=False,
        mul=True,
        multinomial=False,
        power_exp=False,
        power_base=False,
        log=False,
    )
    groups: dict[sp.Expr, sp.Expr] = defaultdict(lambda: sp.Integer(0))
    for term in sp.Add.make_args(expanded):
        outside, inside = term.as_independent(*parameters, as_Add=False)
        groups[inside] += outside
    if 1 in groups:
        groups[sp.Integer(1)] = _combine_logs(groups[sp.Integer(1)])
    terms = {inside: _signed(sp.factor_terms(c)) for inside, c in groups.items()}
    return sp.Add(*(c * inside for inside, c in _by_shared_sum(terms, parameters).items()))


def _by_shared_sum(
    terms: dict[sp.Expr, sp.Expr], parameters: tuple[sp.Symbol, ...]
) -> dict[sp.Expr, sp.Expr]:
    """Terms that share one sum holding the parameters, taken together: 2Σ1/(xᵢγ² + 2γ) −
    8Σ1/(xᵢγ² + 2γ)/γ² becomes (2 − 8/γ²)Σ1/(xᵢγ² + 2γ); other terms as they are."""
    by_sum: dict[sp.Expr, list[sp.Expr]] = defaultdict(list)
    for inside in terms:
        held = [f for f in sp.Mul.make_args(inside) if isinstance(f, sp.Sum) and f.has(*parameters)]
        if len(held) == 1:
            by_sum[held[0]].append(inside)
    found = dict(terms)
    for total, insides in by_sum.items():
        if len(insides) < 2:
            continue
        coefficient = sp.Add(*(found.pop(inside) * inside / total for inside in insides))
        found[total] = sp.factor_terms(coefficient)
    return found


def _combine_logs(constant: sp.Expr) -> sp.Expr:
    """−n log 2 / 2 − n log π / 2 → −n log(2π) / 2: logs of numbers with one coefficient
    become the log of their product (the Σ-rules split them apart)."""
    merged: dict[sp.Expr, list[sp.Expr]] = defaultdict(list)
    rest = sp.Integer(0)
    # Sums are frozen first: expanding Σ(xᵢ − μ)² (μ known) into Σxᵢ² − 2μΣxᵢ + nμ² would
    # lose every digit to cancellation when the data lie far from 0.
    frozen, table = freeze(constant)
    for term in sp.Add.make_args(thaw(sp.expand(frozen), table)):
        coefficient, factor = term.as_independent(sp.log, as_Add=False)
        if isinstance(factor, sp.log) and not factor.free_symbols:
            merged[coefficient].append(factor.args[0])
        else:
            rest += term
    for coefficient, arguments in merged.items():
        rest += coefficient * sp.log(sp.Mul(*arguments))
    return rest


def over_common_denominator(expr: sp.Expr, parameters: Iterable[sp.Symbol]) -> sp.Expr:
    """One fraction where every term is over powers of the same parameter expression:
    (Σxᵢ − nμ)/σ² rather than Σxᵢ/σ² − nμ/σ²; k/θ − (n − k)/(1 − θ) and −n + Σxᵢ/λ stay
    as they are."""
    parameters = tuple(parameters)
    terms = sp.Add.make_args(expr)
    if len(terms) < 2:
        return expr
    bases = []
    for term in terms:
        found = {
            factor.as_base_exp()[0]
            for factor in sp.Mul.make_args(sp.denom(term))
            if factor.has(*parameters)
        }
        if len(found) != 1:
            return expr
        bases.append(found.pop())
    if len(set(bases)) != 1:
        return expr
    numerator, denominator = sp.fraction(sp.together(expr))
    return collect_parameters(numerator, parameters) / denominator


def _signed(coefficient: sp.Expr) -> sp.Expr:
    """−(β + n − k − 1) rather than (k + 1 − β − n): a coefficient reads best with its
    constants and hyperparameters positive, the data sums taking whatever sign remains."""
    if not coefficient.is_Add:
        return coefficient

    def negatives(expr: sp.Expr) -> int:
        return sum(
            t.could_extract_minus_sign() for t in sp.Add.make_args(expr) if not t.has(sp.Sum)
        )

    if negatives(-coefficient) < negatives(coefficient):
        return sp.Mul(-1, -coefficient, evaluate=False)
    return coefficient
