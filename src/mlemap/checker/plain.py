"""Engine forms in the plain syntax a claim is written in, so a printed form can be pasted back."""

from __future__ import annotations

import sympy as sp
from sympy.printing.str import StrPrinter

from ..catalog.model import Model
from ..catalog.symbols import i, n
from ..engine.display import present

__all__ = ["plain", "to_claim"]


class _Claim(StrPrinter):
    """SymPy's str form, with sums over the data as ``sum(…)`` and ``x[i]`` as ``x_i``: the
    syntax a claim is written in, so a printed form can be pasted back."""

    printmethod = "_mlemap_plain"  # Indexed prints itself via _sympystr, which would win

    def _print_Sum(self, expr: sp.Sum) -> str:
        if expr.limits == ((i, 1, n),):
            return f"sum({self._print(expr.function)})"
        return super()._print_Sum(expr)

    def _print_Product(self, expr: sp.Product) -> str:
        if expr.limits == ((i, 1, n),):
            return f"prod({self._print(expr.function)})"
        return super()._print_Product(expr)

    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        # Data first, as in the LaTeX: x_i - xbar, not -xbar + x_i.
        terms = sorted(
            self._as_ordered_terms(expr, order=order),
            key=lambda t: (t.could_extract_minus_sign(), not t.has(sp.Indexed, sp.Sum)),
        )
        return super()._print_Add(sp.Add(*terms, evaluate=False), order="none")

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        return f"{expr.base.label}_{self._print(expr.indices[0])}"


def to_claim(expr: sp.Basic) -> str:
    """``expr`` in the plain syntax a claim is written in (``sum(x_i)``), to paste back."""
    return _Claim().doprint(expr)


def plain(expr: sp.Basic, model: Model) -> str:
    """``expr`` in the plain syntax of a claim, with the model's named statistics and x̄."""
    return to_claim(present(expr, model))
