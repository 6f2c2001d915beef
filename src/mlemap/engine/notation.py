"""The notation a derivation's equations are written in, and its plain-text form.

Named functions print as a handout writes them (L(θ), ℓ(θ), p(xᵢ ∣ θ), Beta(k + α, n − k + β),
const); each carries its own ``_latex`` so that any LaTeX printer shows it the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy as sp
from sympy.printing.str import StrPrinter

from ..catalog.domains import Support

if TYPE_CHECKING:
    from sympy.printing.latex import LatexPrinter

__all__ = [
    "Bias",
    "Constant",
    "Density",
    "Distributed",
    "Expectation",
    "Family",
    "Gradient",
    "Information",
    "Lagrangian",
    "Likelihood",
    "LogLikelihood",
    "LogPosterior",
    "PosteriorDensity",
    "PosteriorMean",
    "PosteriorVariance",
    "PriorDensity",
    "SampleInformation",
    "StandardError",
    "Tends",
    "Variance",
    "gradient_variable",
    "to_text",
]


# -- named functions that appear on the left of a derivation's equations ---------------------
class _Named(sp.Function):
    """An undefined function that prints as the handout writes it."""

    symbol = ""

    def _latex(self, printer: LatexPrinter) -> str:
        return rf"{self.symbol}{{\left({', '.join(printer._print(a) for a in self.args)}\right)}}"


class Likelihood(_Named):
    symbol = "L"


class LogLikelihood(_Named):
    symbol = r"\ell"


class Lagrangian(_Named):
    """ℒ(θ, λ): the objective plus a multiplier times each declared constraint."""

    symbol = r"\mathcal{L}"


class LogPosterior(_Named):
    def _latex(self, printer: LatexPrinter) -> str:
        given = ", ".join(printer._print(a) for a in self.args)
        return rf"\log p{{\left({given} \mid x\right)}}"


class Density(_Named):
    """p(x | θ): the first argument is the observation, the rest the parameters."""

    def _latex(self, printer: LatexPrinter) -> str:
        first, *rest = (printer._print(a) for a in self.args)
        return rf"p{{\left({first} \mid {', '.join(rest)}\right)}}"


class PriorDensity(_Named):
    symbol = "p"


class PosteriorDensity(_Named):
    def _latex(self, printer: LatexPrinter) -> str:
        return rf"p{{\left({', '.join(printer._print(a) for a in self.args)} \mid x\right)}}"


class _Operator(_Named):
    """An operator on one argument, E[θ̂] or Var(θ̂ ∣ x): its name, brackets, and whether
    it is conditional on the data."""

    operator = ""
    square = False
    given = False

    def _latex(self, printer: LatexPrinter) -> str:
        inside = printer._print(self.args[0]) + (r" \mid x" if self.given else "")
        left, right = ("[", "]") if self.square else ("(", ")")
        return rf"\operatorname{{{self.operator}}}{{\left{left}{inside}\right{right}}}"


class Expectation(_Operator):
    """E[X]: the expectation under the model, at the true parameter values."""

    operator, square = "E", True


class PosteriorMean(_Operator):
    operator, square, given = "E", True, True


class PosteriorVariance(_Operator):
    operator, given = "Var", True


class Variance(_Operator):
    operator = "Var"


class Bias(_Operator):
    operator = "bias"


class StandardError(_Operator):
    operator = "SE"


class Information(_Named):
    """I(θ), the Fisher information of one observation."""

    symbol = r"\mathcal{I}"


class SampleInformation(_Named):
    """I_n(θ), the Fisher information of n observations: the first argument is n."""

    def _latex(self, printer: LatexPrinter) -> str:
        size, *rest = (printer._print(a) for a in self.args)
        return rf"\mathcal{{I}}_{{{size}}}{{\left({', '.join(rest)}\right)}}"


class Constant(sp.Symbol):
    """The additive constant of a log-density that does not depend on the parameters."""

    def __new__(cls) -> Constant:
        return super().__new__(cls, "const")

    def _latex(self, printer: LatexPrinter) -> str:
        return r"\text{const}"


class Family(sp.Function):
    """A named distribution with its arguments, such as Beta(k + α, n − k + β)."""

    nargs = None

    @classmethod
    def eval(cls, *args: sp.Basic) -> None:
        return None

    def _latex(self, printer: LatexPrinter) -> str:
        name, *args = self.args
        inside = ", ".join(printer._print(a) for a in args)
        return rf"\operatorname{{{name}}}{{\left({inside}\right)}}"


class Distributed(sp.Function):
    """x ∼ F: a variable and its distribution, as the words of a step state it."""

    nargs = 2

    def _latex(self, printer: LatexPrinter) -> str:
        variable, family = (printer._print(a) for a in self.args)
        return rf"{variable} \sim {family}"

    def _sympystr(self, printer: object) -> str:
        variable, family = (printer._print(a) for a in self.args)  # type: ignore[attr-defined]
        return f"{variable} ∼ {family}"


class Tends(sp.Function):
    """symbol → value: a limit's variable and where it goes (τ² → ∞, β → 0)."""

    nargs = 2

    def _latex(self, printer: LatexPrinter) -> str:
        symbol, value = self.args
        return rf"{printer._print(symbol)} \to {printer._print(value)}"

    def _sympystr(self, printer: object) -> str:
        symbol, value = self.args
        shown = "∞" if value == sp.oo else printer._print(value)  # type: ignore[attr-defined]
        return f"{printer._print(symbol)} → {shown}"  # type: ignore[attr-defined]


GRADIENT = r"\nabla_{"


def Gradient(over: str) -> type[sp.Function]:
    """∇_w, the gradient in ``over`` of what it is applied to; named in LaTeX, as the LaTeX
    printer writes an undefined function's name as it is."""
    return sp.Function(rf"{GRADIENT}{over}}}")


def gradient_variable(expr: sp.Basic) -> str | None:
    """``w`` for ∇_w f, a :func:`Gradient` applied; else None."""
    name = type(expr).__name__
    if isinstance(expr, sp.Function) and name.startswith(GRADIENT) and name.endswith("}"):
        return name[len(GRADIENT) : -1]
    return None


# -- plain text ------------------------------------------------------------------------------
class _Text(StrPrinter):
    def _print_Symbol(self, expr: sp.Symbol) -> str:
        return expr.name

    def _print_Equality(self, expr: sp.Eq) -> str:
        return f"{self._print(expr.lhs)} = {self._print(expr.rhs)}"

    def _print_Contains(self, expr: sp.Basic) -> str:
        return f"{self._print(expr.args[0])} ∈ {self._print(expr.args[1])}"

    def _print_Interval(self, expr: sp.Interval) -> str:
        left = "(" if expr.left_open else "["
        right = ")" if expr.right_open else "]"
        inf, sup = ({sp.oo: "∞", -sp.oo: "−∞"}.get(b, self._print(b)) for b in (expr.inf, expr.sup))
        return f"{left}{inf}, {sup}{right}"

    _print_Reals = _print_Interval  # dispatched on its own class name

    def _print_Expectation(self, expr: sp.Basic) -> str:
        return f"E[{self._print(expr.args[0])}]"

    def _print_Information(self, expr: sp.Basic) -> str:
        return f"I({', '.join(self._print(a) for a in expr.args)})"

    def _print_SampleInformation(self, expr: sp.Basic) -> str:
        size, *rest = (self._print(a) for a in expr.args)
        return f"I_{size}({', '.join(rest)})"

    def _print_Lagrangian(self, expr: sp.Basic) -> str:
        return f"Lagrangian({', '.join(self._print(a) for a in expr.args)})"

    def _print_KroneckerDelta(self, expr: sp.Basic) -> str:
        a, b = (self._print(e) for e in expr.args)
        return f"[{a} = {b}]"

    def _print_Family(self, expr: sp.Basic) -> str:
        name, *args = expr.args
        return f"{name}({', '.join(self._print(a) for a in args)})"

    def _print_Function(self, expr: sp.Function) -> str:
        if (over := gradient_variable(expr)) is not None:
            return f"∇_{over}({', '.join(self._print(a) for a in expr.args)})"
        return super()._print_Function(expr)


def to_text(obj: object) -> str:
    """Plain text for a SymPy object or a support."""
    if isinstance(obj, Support):
        return obj.describe()
    return _Text().doprint(sp.sympify(obj, strict=True))
