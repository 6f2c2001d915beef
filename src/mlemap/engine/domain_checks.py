"""Deciding whether a candidate value lies in a domain: by proof where SymPy can, else by
evaluation at random data sets; the decision records which method decided."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..catalog.domains import Domain
from .limits import attempt
from .problem import Problem

__all__ = ["Membership", "membership", "proof_substitution", "sign"]

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
    return found


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
    rewritten = value.xreplace(proof_substitution(problem, value.free_symbols))
    proved = attempt(PROOF_SECONDS, domain.interval.contains, rewritten)
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
