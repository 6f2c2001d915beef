"""Deciding whether a candidate value lies in a domain: by proof where SymPy can, else by
evaluation at random data sets; the decision records which method decided."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..catalog.domains import Domain
from .limits import attempt
from .problem import Problem

__all__ = ["Membership", "contains_proof", "membership", "proof_substitution", "sign"]

SAMPLES = 12


@dataclass(frozen=True)
class Membership:
    inside: bool
    reason: str


def proof_substitution(problem: Problem, symbols: set[sp.Symbol]) -> dict[sp.Symbol, sp.Expr]:
    """Rewrite each named symbol so its assumptions alone imply its domain (θ = u/(1+u))."""
    found = {}
    for symbol in symbols:
        if symbol in problem.declarations:
            found[symbol], _ = problem.domain(symbol).proof_form(symbol)
    return found


#: Seconds for each proof by SymPy's assumptions (a sign, a membership), and again for
#: deciding the signs of logarithms where the assumptions alone do not; past it the
#: question is undecided and goes to numbers.
PROOF_SECONDS = 3.0


def sign(expr: sp.Expr) -> int | None:
    """+1 or -1 where SymPy's assumptions decide the sign of ``expr``, else None."""
    found = attempt(PROOF_SECONDS, _sign_of, expr)
    if found is None and expr.has(sp.log):
        signed = attempt(PROOF_SECONDS, _logs_signed, expr)
        found = None if signed is None else attempt(PROOF_SECONDS, _sign_of, signed)
    if found is None and any(not p.exp.is_number for p in expr.atoms(sp.Pow)):
        signed = attempt(PROOF_SECONDS, _powers_signed, expr)
        found = None if signed is None else attempt(PROOF_SECONDS, _sign_of, signed)
    if found is None and expr.has(sp.exp):
        signed = attempt(PROOF_SECONDS, _exponentials_signed, expr)
        found = None if signed is None else attempt(PROOF_SECONDS, _sign_of, signed)
    return found


def _exponentials_signed(expr: sp.Expr) -> sp.Expr:
    """``expr`` with each exp(e) placed against 1 where the sign of e is provable: 1 + d for
    e > 0, 1/(1 + d) for e < 0, with d > 0 (1 − e^(−λθ) > 0 for λ, θ > 0, which the
    assumptions alone do not see)."""
    placed = {}
    for power in expr.atoms(sp.exp):
        direction = _sign_of(power.exp)
        if direction is not None:
            d = sp.Dummy("d", positive=True)
            placed[power] = 1 + d if direction == 1 else 1 / (1 + d)
    return sp.factor(sp.cancel(expr.xreplace(placed)))


def _powers_signed(expr: sp.Expr) -> sp.Expr:
    """``expr`` with each power q^e of a symbolic exponent placed against 1 where that is
    provable: for q > 0 it is above 1 when q − 1 and e have one sign, below when they have
    opposite signs, and becomes 1 + d or 1/(1 + d) with d > 0. Powers of one exponent are
    first written through one of them, u^b − m^b = u^b (1 − (m/u)^b), so that their ratio
    is what is placed (1 − (m/u)^b > 0 for 0 < m < u, b > 0, which the assumptions alone
    do not see)."""
    combined = sp.powsimp(expr, combine="base", force=True, deep=True)
    by_exponent: dict[sp.Expr, list[sp.Pow]] = {}
    for power in sorted(combined.atoms(sp.Pow), key=sp.default_sort_key):
        if not power.exp.is_number and _fraction_signs(power.base) == {1}:
            by_exponent.setdefault(power.exp, []).append(power)
    through = {}
    for exponent, powers in by_exponent.items():
        reference = powers[0].base
        for power in powers[1:]:
            ratio = sp.cancel(power.base / reference)
            through[power] = reference**exponent * sp.Pow(ratio, exponent, evaluate=False)
    combined = combined.xreplace(through)
    placed = {}
    for power in combined.atoms(sp.Pow):
        base, exponent = power.as_base_exp()
        direction = None if exponent.is_number else _sign_of(exponent)
        if direction is None or _fraction_signs(base) != {1}:
            continue
        signs = _fraction_signs(base - 1)
        if None in signs:
            continue
        d = sp.Dummy("d", positive=True)
        above = (signs == {1}) == (direction == 1)
        placed[power] = 1 + d if above else 1 / (1 + d)
    return sp.factor(sp.cancel(combined.xreplace(placed)))


def _logs_signed(expr: sp.Expr) -> sp.Expr:
    """``expr`` with each logarithm whose sign is provable replaced by a symbol of that sign:
    log b − log a is combined into log(b/a), and log y has the sign of y − 1, which SymPy
    decides on its expanded numerator (log((x + w)(1 + u)/x) > 0 for x, u > 0, w ≥ 0)."""
    combined = sp.factor_terms(expr).replace(_log_difference, _combined)
    replaced = {}
    for log in combined.atoms(sp.log):
        if _fraction_signs(log.args[0]) != {1}:
            continue  # the argument must be proved positive, else the log is not real
        signs = _fraction_signs(log.args[0] - 1)
        if None not in signs:
            replaced[log] = sp.Dummy("log", positive=len(signs) == 1, negative=len(signs) == 2)
    return combined.xreplace(replaced)


def _fraction_signs(expr: sp.Expr) -> set[int | None]:
    """The signs of the expanded numerator and denominator of ``expr``: {1} where it is
    positive, {1, -1} where negative."""
    numerator, denominator = sp.fraction(sp.together(expr))
    signs = {_sign_of(sp.expand(numerator)), _sign_of(sp.expand(denominator))}
    return {1} if signs == {-1} else signs


def _sign_of(expr: sp.Expr) -> int | None:
    """+1 or -1 where SymPy's assumptions alone decide the sign of ``expr``, else None."""
    return 1 if expr.is_positive else -1 if expr.is_negative else None


def _log_difference(expr: sp.Basic) -> bool:
    return isinstance(expr, sp.Add) and all(
        isinstance(t, sp.log) or (-t).func is sp.log for t in expr.args
    )


def _combined(expr: sp.Add) -> sp.log:
    """log b − log a + … as one log(b/a …), the sign of which is the sign of b/a − 1."""
    argument = sp.Mul(
        *(t.args[0] if isinstance(t, sp.log) else 1 / (-t).args[0] for t in expr.args)
    )
    return sp.log(argument, evaluate=False)


def contains_proof(interval: sp.Set, value: sp.Expr, problem: Problem) -> sp.Basic | None:
    """Whether SymPy's assumptions put ``value`` in ``interval`` (true or false), its named
    symbols rewritten to imply their domains; None or a relation where undecided."""
    rewritten = value.xreplace(proof_substitution(problem, value.free_symbols))
    return attempt(PROOF_SECONDS, interval.contains, rewritten)


def membership(
    value: sp.Expr,
    thawed: sp.Expr,
    domain: Domain,
    problem: Problem,
    rng: np.random.Generator,
) -> Membership:
    """Is ``value`` (sums frozen to signed symbols) in ``domain``? ``thawed`` is the same
    value with its sums, for numeric evaluation."""
    if attempt(PROOF_SECONDS, lambda: value.is_real) is False:
        return Membership(False, "not real")
    proved = contains_proof(domain.interval, value, problem)
    if proved is sp.true:
        return Membership(True, f"in {domain.describe()} (proved by SymPy)")
    if proved is sp.false:
        return Membership(False, f"outside {domain.describe()} (proved by SymPy)")
    inside = 0
    for _ in range(SAMPLES):
        number = problem.number(thawed, problem.random_point(rng))
        real = abs(number.imag) <= 1e-12 * max(1.0, abs(number.real))
        inside += bool(real and domain.contains(number.real))
    if inside == SAMPLES:
        return Membership(True, f"in {domain.describe()} at all {SAMPLES} random data sets")
    if inside == 0:
        return Membership(False, f"outside {domain.describe()} at all {SAMPLES} random data sets")
    return Membership(
        True, f"in {domain.describe()} at {inside} of {SAMPLES} random data sets only"
    )
