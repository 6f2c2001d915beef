"""Order statistics: the smallest and largest observation, x₍₁₎ and x₍ₙ₎, the median x̃,
and the counts #{i : xᵢ < v} and #{i : xᵢ ≤ v} that place a value among the observations.

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

__all__ = [
    "AtMost",
    "Below",
    "Count",
    "Largest",
    "MedianOf",
    "OrderStatistic",
    "SampleMedian",
    "Smallest",
]


class _OfSample(sp.Function):
    """A function of the data symbol and the sample size (and perhaps more), unevaluated."""

    @classmethod
    def eval(cls, *args: sp.Basic) -> None:
        return None

    @property
    def data(self) -> sp.IndexedBase:
        return self.args[0]

    @property
    def size(self) -> sp.Expr:
        return self.args[1]


class OrderStatistic(_OfSample):
    """An end of the sample: ``Smallest(x, n)`` is x₍₁₎, ``Largest(x, n)`` is x₍ₙ₎."""

    nargs = 2
    pick: type = sp.Min
    rank = "1"
    word = ""

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

    def _latex(self, printer: LatexPrinter, exp: str | None = None) -> str:
        rank = printer._print(self.size) if self.rank == "n" else "1"
        shown = rf"{printer._print(self.data.label)}_{{({rank})}}"
        # a power of a function is printed by the function: x₍₁₎ᵇ
        return shown if exp is None else rf"{shown}^{{{exp}}}"

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


class MedianOf(sp.Function):
    """The median of given numbers: the middle one, or the midpoint of the two middle ones
    (NumPy's convention); unevaluated until every argument is a real number."""

    @classmethod
    def eval(cls, *values: sp.Basic) -> sp.Expr | None:
        if not values or not all(v.is_number and v.is_extended_real for v in values):
            return None
        ordered = sorted(values, key=lambda v: sp.Float(v, 50))
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[middle]
        return (ordered[middle - 1] + ordered[middle]) / 2


class SampleMedian(OrderStatistic):
    """x̃, the sample median: x₍₍ₙ₊₁₎/₂₎ for odd n, (x₍ₙ/₂₎ + x₍ₙ/₂₊₁₎)/2 for even n."""

    pick = MedianOf
    rank = "median"
    word = "middle"

    def _eval_is_integer(self) -> bool | None:
        return None  # the midpoint of two integers need not be one

    def _latex(self, printer: LatexPrinter, exp: str | None = None) -> str:
        shown = rf"\tilde{{{printer._print(self.data.label)}}}"
        return shown if exp is None else rf"{shown}^{{{exp}}}"

    def _sympystr(self, printer: object) -> str:
        return f"median({self.data.label})"


class Count(_OfSample):
    """How many observations lie below a value: ``Below(x, n, v)`` is #{i : xᵢ < v},
    ``AtMost(x, n, v)`` is #{i : xᵢ ≤ v}; ``doit`` at a numeric n gives a sum of 0s and 1s."""

    nargs = 3
    relation: type = sp.StrictLessThan
    symbol = "<"
    latex_symbol = "<"

    @property
    def value(self) -> sp.Expr:
        return self.args[2]

    def _eval_is_integer(self) -> bool:
        return True

    def _eval_is_nonnegative(self) -> bool:
        return True

    def doit(self, **hints: object) -> sp.Expr:
        if not self.size.is_Integer:
            return self
        value = self.value.doit(**hints)
        return sp.Add(
            *(
                sp.Piecewise((1, self.relation(self.data[k], value)), (0, True))
                for k in range(1, int(self.size) + 1)
            )
        )

    def _latex(self, printer: LatexPrinter) -> str:
        data = printer._print(self.data.label)
        value = printer._print(self.value)
        return rf"\#\left\lbrace i : {data}_{{i}} {self.latex_symbol} {value}\right\rbrace"

    def _sympystr(self, printer: object) -> str:
        return f"#{{i : {self.data.label}_i {self.symbol} {printer._print(self.value)}}}"


class Below(Count):
    """#{i : xᵢ < v}."""


class AtMost(Count):
    """#{i : xᵢ ≤ v}."""

    relation = sp.LessThan
    symbol = "<="
    latex_symbol = r"\leq"
