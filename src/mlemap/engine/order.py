"""Order statistics: the smallest and largest observation, x₍₁₎ and x₍ₙ₎.

Where a support depends on a parameter (uniform(0, θ)) the likelihood depends on the data
through an end of the sample rather than a sum, and these are its sufficient statistics.
Each is a SymPy function of the data symbol and the sample size: it prints as x_{(1)} or
x_{(n)}, and ``doit`` makes it a ``Min`` or ``Max`` of x[1], …, x[n] once n is a number, so
the engine's checks at random data sets evaluate it like any sum.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy as sp

if TYPE_CHECKING:
    from sympy.printing.latex import LatexPrinter

__all__ = ["Largest", "OrderStatistic", "Smallest"]


class OrderStatistic(sp.Function):
    """An end of the sample: ``Smallest(x, n)`` is x₍₁₎, ``Largest(x, n)`` is x₍ₙ₎."""

    nargs = 2
    pick: type = sp.Min
    rank = "1"
    word = ""

    @classmethod
    def eval(cls, data: sp.Basic, size: sp.Basic) -> None:
        return None

    @property
    def data(self) -> sp.IndexedBase:
        return self.args[0]

    @property
    def size(self) -> sp.Expr:
        return self.args[1]

    def _observation(self) -> sp.Expr:
        return self.data[sp.Dummy("k", integer=True, positive=True)]

    def _eval_is_real(self) -> bool | None:
        return self._observation().is_real

    def _eval_is_positive(self) -> bool | None:
        return self._observation().is_positive

    def _eval_is_nonnegative(self) -> bool | None:
        return self._observation().is_nonnegative

    def _eval_is_integer(self) -> bool | None:
        return self._observation().is_integer

    def doit(self, **hints: object) -> sp.Expr:
        if self.size.is_Integer:
            return self.pick(*(self.data[k] for k in range(1, int(self.size) + 1)))
        return self

    def _latex(self, printer: LatexPrinter) -> str:
        rank = printer._print(self.size) if self.rank == "n" else "1"
        return rf"{printer._print(self.data.label)}_{{({rank})}}"

    def _sympystr(self, printer: object) -> str:
        rank = self.size if self.rank == "n" else 1
        return f"{self.data.label}_({rank})"


class Smallest(OrderStatistic):
    """x₍₁₎, the smallest observation."""

    pick = sp.Min
    rank = "1"
    word = "smallest"


class Largest(OrderStatistic):
    """x₍ₙ₎, the largest observation."""

    pick = sp.Max
    rank = "n"
    word = "largest"
