"""How much a claim may hold: checked before anything scans the text or SymPy evaluates it.

A document is bounded in characters, lines, line length and steps before any regular
expression reads it; an expression, once built, in nesting depth (SymPy recurses on it) and
in the size of the exact numbers it makes. The data and parameter values of a check are
30-digit floats, whose powers cost nothing, but ``n`` and the numbers written are exact
integers: ``n^n^n`` at n = 6 is a number of 10³⁶⁰⁰⁰ digits, computed by one C call no time
limit can interrupt. So every part made of numbers and ``n`` alone is bounded, at the
largest ``n`` a check may use, before any evaluation.
"""

from __future__ import annotations

import math

import sympy as sp

from ..catalog.symbols import n
from ..errors import ParseError

__all__ = ["MAX_DIGITS", "bound_document", "bound_expression", "bound_steps"]

MAX_DOCUMENT = 200_000  # characters
MAX_LINES = 2_000
MAX_LINE = 4_000  # characters
MAX_STEPS = 200
MAX_NESTING = 40  # depth of the expression built (k!!!…! nests a factorial each '!')
#: Digits of a number written out (what can be printed: Python refuses 4,300) and of an
#: exact number made of numbers and n, at the largest n a check may draw.
MAX_DIGITS = 4_000
MAX_DIGITS_IN_N = 100_000
LARGEST_N = 1_000

_LOG2 = math.log10(2)


def bound_document(text: str) -> None:
    """Refuse a document too large to read, before any scan of it."""
    if len(text) > MAX_DOCUMENT:
        raise ParseError(
            f"the input has {len(text):,} characters; at most {MAX_DOCUMENT:,} are read"
        )
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        raise ParseError(f"the input has {lines:,} lines; at most {MAX_LINES:,} are read")
    start = 0
    for number in range(1, lines + 1):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if end - start > MAX_LINE:
            raise ParseError(
                f"line {number} has {end - start:,} characters; a line may have at most "
                f"{MAX_LINE:,}"
            )
        start = end + 1


def bound_steps(count: int) -> None:
    if count > MAX_STEPS:
        raise ParseError(f"the input has {count:,} steps; at most {MAX_STEPS} are checked")


def bound_expression(expr: sp.Basic, text: str) -> None:
    """Refuse an expression nested too deeply, or one whose exact numbers are too large."""
    stack = [(expr, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            raise ParseError(f"{_shown(text)} is nested more than {MAX_NESTING} deep")
        stack += [(a, depth + 1) for a in node.args]
    _bound_numbers(expr, text)


def _bound_numbers(expr: sp.Basic, text: str) -> None:
    if not expr.free_symbols <= {n}:
        for argument in expr.args:
            _bound_numbers(argument, text)
        return
    digits = _digits(expr)
    limit, where = (MAX_DIGITS, "") if not expr.free_symbols else (MAX_DIGITS_IN_N, " in n")
    if digits > limit:
        size = f"of {digits:,.0f} digits" if math.isfinite(digits) else "too large to write"
        at = f" at n = {LARGEST_N:,}" if expr.free_symbols else ""
        raise ParseError(
            f"{_shown(text)} makes a number {size}{at}; exact numbers{where} may have at "
            f"most {limit:,} digits"
        )


def _power_of_ten(digits: float) -> float:
    return 10.0**digits if digits < 300 else math.inf


def _digits(expr: sp.Basic) -> float:
    """An upper bound on the digits of ``expr`` (numerator or denominator) for n ≤ LARGEST_N."""
    if expr.is_Rational:
        return max(abs(expr.p).bit_length(), abs(expr.q).bit_length()) * _LOG2
    if expr == n:
        return math.log10(LARGEST_N)
    if expr.is_Number or expr.is_NumberSymbol or not expr.args:
        return 1.0
    parts = [_digits(a) for a in expr.args]
    if isinstance(expr, sp.Add):
        return max(parts) + math.log10(len(parts))
    if isinstance(expr, sp.Mul):
        return sum(parts)
    if isinstance(expr, sp.Pow):
        exponent = expr.exp
        size = abs(float(exponent)) if exponent.is_Number else _power_of_ten(parts[1])
        return size * max(parts[0], 1.0)
    if isinstance(expr, sp.factorial | sp.gamma):
        value = _power_of_ten(parts[0])
        return value * math.log10(value + 1)
    if isinstance(expr, sp.binomial):
        return _power_of_ten(parts[0]) * _LOG2 + 1
    if isinstance(expr, sp.exp):
        return _power_of_ten(parts[0]) * math.log10(math.e)
    if isinstance(expr, sp.Product):
        return LARGEST_N * parts[0]
    if isinstance(expr, sp.Sum):
        return parts[0] + math.log10(LARGEST_N)
    return max(parts)


def _shown(text: str) -> str:
    text = text.strip()
    return repr(text if len(text) <= 40 else text[:37] + "…")
