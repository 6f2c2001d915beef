"""Expressions compiled once into mpmath functions, for evaluation at many random points.

SymPy's ``subs``/``evalf`` rebuilds the expression tree at every point and expands every
sum term by term; a function printed once by SymPy's mpmath printer evaluates each sum as
one generator over the data at a fixed working precision; 1 ± erf(u) is computed as
erfc(∓u), which keeps the digits of a tail that the sum cancels. Where an expression holds
something the printer cannot write (or compiling fails), :func:`compiled` returns None and
the caller falls back to SymPy's own evaluation.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from functools import lru_cache

import mpmath
import sympy as sp
from sympy.printing.pycode import MpmathPrinter

__all__ = ["DIGITS", "Compiled", "compiled"]

#: Working precision: the verifier's tolerance is 10⁻²⁰, so 40 digits leave 20 for
#: cancellation between the terms of a sum over a few hundred observations.
DIGITS = 40

#: ``function(n, data, *values)`` with ``data[j]`` the j-th observation (``data[0]`` unused).
Compiled = Callable[..., mpmath.mpf | mpmath.mpc]


class _Erfc(sp.Function):
    """erfc(u), which SymPy would evaluate as 2 − erfc(−u) for u = −v: the cancellation
    this function is printed to avoid."""

    nargs = 1


def _complements(expr: sp.Basic) -> sp.Basic:
    """Each c ± c·erf(u) as c·erfc(∓u): equal, and for ±u ≪ 0 the sum is below 10⁻⁴⁰ of
    c and loses every digit at 40."""

    def complement(add: sp.Expr) -> sp.Expr | None:
        constant = add.as_coeff_Add()[0]
        if constant == 0:
            return None
        for term in add.args:
            ratio, factor = term.as_coeff_Mul()
            ratio = ratio / constant
            if isinstance(factor, sp.erf) and ratio in (1, -1):
                rest = add - constant - term
                return rest + constant * _Erfc(-ratio * factor.args[0])
        return None

    return expr.replace(lambda e: e.is_Add and complement(e) is not None, complement)


class _Printer(MpmathPrinter):
    """The mpmath printer, with sums and products over the data as Python generators whose
    bounds are integers (n is passed as an mpf, so that n/2 keeps its precision)."""

    def _limits(self, expr: sp.Expr) -> str:
        return " ".join(
            f"for {self._print(i)} in range(int({self._print(a)}), int({self._print(b)}) + 1)"
            for i, a, b in expr.limits[::-1]
        )

    def _print_Sum(self, expr: sp.Sum) -> str:
        return self._reduction("mpmath.fsum", expr)

    def _print_Product(self, expr: sp.Product) -> str:
        return self._reduction("mpmath.fprod", expr)

    def _reduction(self, function: str, expr: sp.Sum | sp.Product) -> str:
        terms = f"{self._print(expr.function)} {self._limits(expr)}"
        return f"({self._module_format(function)}({terms}))"

    def _print_binomial(self, expr: sp.binomial) -> str:
        # SymPy's printer writes a gamma ratio, undefined where binomial(4, 7) is 0
        return self._call("mpmath.binomial", expr)

    def _print_factorial(self, expr: sp.factorial) -> str:
        return self._call("mpmath.factorial", expr)

    def _print_FallingFactorial(self, expr: sp.FallingFactorial) -> str:
        return self._call("mpmath.ff", expr)

    def _print_RisingFactorial(self, expr: sp.RisingFactorial) -> str:
        return self._call("mpmath.rf", expr)

    def _print_KroneckerDelta(self, expr: sp.KroneckerDelta) -> str:
        # an indicator [a = b]: a category's count is a sum of them
        a, b = (self._print(e) for e in expr.args)
        return f"(1 if {a} == {b} else 0)"

    def _print__Erfc(self, expr: _Erfc) -> str:
        return self._call("mpmath.erfc", expr)

    def _call(self, function: str, expr: sp.Function) -> str:
        arguments = ", ".join(self._print(a) for a in expr.args)
        return f"{self._module_format(function)}({arguments})"

    def _print_Function(self, expr: sp.Function) -> str:
        # A named quantity (L(θ)) has no value, and a function mpmath does not have under
        # SymPy's name would be unknown at run time: refuse to compile either.
        name = type(expr).__name__
        if name not in self.known_functions and not hasattr(mpmath, name):
            raise TypeError(f"cannot compile {name}")
        return super()._print_Function(expr)


def _compilable(expr: sp.Basic, allowed: set[sp.Basic], x: sp.IndexedBase) -> bool:
    """A scalar whose every free symbol gets a value (observations x[j] included)."""
    if not isinstance(expr, sp.Expr) or expr.is_Matrix:
        return False
    if expr.has(sp.Integral, sp.Derivative, sp.Piecewise, sp.Subs):
        return False
    # SymPy counts x[i] inside a sum over i as free; a free index fails at run time
    return all(
        isinstance(free, sp.Indexed) and free.base == x for free in expr.free_symbols - allowed
    )


# Every function by its module's name (mpmath.beta): a parameter named beta would hide it.
_PRINTER = _Printer(
    {"fully_qualified_modules": True, "inline": True, "allow_unknown_functions": True}
)


def compiled(
    expr: sp.Basic, n: sp.Symbol, x: sp.IndexedBase, symbols: tuple[sp.Symbol, ...]
) -> Compiled | None:
    """``expr`` as a function of (n, data, *symbols), or None where it cannot be compiled;
    each expression is compiled once."""
    if isinstance(expr, sp.MatrixBase) or not isinstance(expr, sp.Basic):
        return None  # mutable matrices are not hashable
    return _compile(expr, n, x, symbols)


def hoisted_sums(expr: sp.Basic) -> tuple[list[tuple[sp.Symbol, sp.Basic]], sp.Basic]:
    """Each distinct sum or product that no enclosing sum's index enters, named once and
    computed before the rest (inner ones first): the common subexpressions worth sharing,
    since each is a pass over the data. lambdify's ``cse`` protocol: (assignments, body)."""
    table: dict[sp.Basic, sp.Symbol] = {}

    def lift(e: sp.Basic, bound: frozenset[sp.Symbol]) -> sp.Basic:
        if isinstance(e, sp.Sum | sp.Product):
            inner = bound | {limit[0] for limit in e.limits}
            reduction = type(e)(lift(e.function, inner), *e.limits)
            if reduction.free_symbols & bound:
                return reduction
            if reduction not in table:
                table[reduction] = sp.Dummy(f"s{len(table)}")
            return table[reduction]
        if not e.args or not e.has(sp.Sum, sp.Product):
            return e
        return e.func(*(lift(a, bound) for a in e.args))

    body = lift(expr, frozenset())
    return [(symbol, reduction) for reduction, symbol in table.items()], body


@lru_cache(maxsize=4096)
def _compile(
    expr: sp.Basic, n: sp.Symbol, x: sp.IndexedBase, symbols: tuple[sp.Symbol, ...]
) -> Compiled | None:
    if not _compilable(expr, {n, x, x.label, *symbols}, x):
        return None
    data = sp.Symbol("_data")
    body = _complements(expr.xreplace({x: sp.IndexedBase(data)}))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return sp.lambdify(
                (n, data, *symbols),
                body,
                modules=[{"mpmath": mpmath}, "mpmath"],
                printer=_PRINTER,
                dummify=True,
                docstring_limit=0,
                cse=hoisted_sums,
            )
    except Exception:  # anything the printer cannot write: SymPy evaluates it instead
        return None
