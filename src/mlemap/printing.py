"""Printing SymPy objects for people: LaTeX (Markdown and LaTeX output) and plain text.

One printer for each, configured from the declarations: θ̂ for ``theta_hat``, σ² for
``sigma2``, p(xᵢ ∣ θ) for a density, Σ with its limits, data terms first in a sum
(xᵢ − μ, Σxᵢ − nμ), so no SymPy naming artefacts such as ``\\sigma_{2}`` reach a handout.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

from .domains import Support
from .model import Parameter
from .symbols import i, n

__all__ = [
    "Constant",
    "Density",
    "Family",
    "Likelihood",
    "LogLikelihood",
    "LogPosterior",
    "PosteriorDensity",
    "PriorDensity",
    "latex_names",
    "to_claim",
    "to_latex",
    "to_text",
]


# -- named functions that appear on the left of a derivation's equations ---------------------
class _Named(sp.Function):
    """An undefined function that prints as the handout writes it."""

    symbol = ""

    def _latex(self, printer: LatexPrinter) -> str:
        return rf"{self.symbol}\left({', '.join(printer._print(a) for a in self.args)}\right)"


class Likelihood(_Named):
    symbol = "L"


class LogLikelihood(_Named):
    symbol = r"\ell"


class LogPosterior(_Named):
    def _latex(self, printer: LatexPrinter) -> str:
        given = ", ".join(printer._print(a) for a in self.args)
        return rf"\log p\left({given} \mid x\right)"


class Density(_Named):
    """p(x | θ): the first argument is the observation, the rest the parameters."""

    def _latex(self, printer: LatexPrinter) -> str:
        first, *rest = (printer._print(a) for a in self.args)
        return rf"p\left({first} \mid {', '.join(rest)}\right)"


class PriorDensity(_Named):
    symbol = "p"


class PosteriorDensity(_Named):
    def _latex(self, printer: LatexPrinter) -> str:
        return rf"p\left({', '.join(printer._print(a) for a in self.args)} \mid x\right)"


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
        return rf"\operatorname{{{name}}}\left({inside}\right)"


# -- LaTeX -----------------------------------------------------------------------------------
def _hat(latex: str) -> str:
    r"""\sigma^{2} → \hat{\sigma}^{2}; x_{m} → \hat{x}_{m}."""
    cut = min((latex.find(c) for c in "^_" if c in latex), default=len(latex))
    return rf"\hat{{{latex[:cut]}}}{latex[cut:]}"


def latex_names(declarations: Iterable[Parameter]) -> dict[sp.Symbol, str]:
    """LaTeX for every declared symbol and its estimate symbol."""
    from .symbols import hat

    found: dict[sp.Symbol, str] = {}
    for p in declarations:
        found[p.symbol] = p.latex
        found[hat(p.symbol)] = _hat(p.latex)
    return found


class _Latex(LatexPrinter):
    def __init__(self, names: Mapping[sp.Symbol, str]) -> None:
        # Products keep the factor order _arrange gives them.
        super().__init__({"symbol_names": dict(names), "order": "none"})

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        indices = ",".join(self._print(i) for i in expr.indices)
        return f"{self._print(expr.base.label)}_{{{indices}}}"

    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        terms = list(self._as_ordered_terms(expr, order=order))
        # Lead with a positive term, data first: x_i − μ, Σxᵢ − nμ, not −μ + xᵢ.
        terms.sort(
            key=lambda t: (
                isinstance(t, Constant),
                t.could_extract_minus_sign(),
                not t.has(sp.Indexed, sp.Sum),
            )
        )
        return super()._print_Add(sp.Add(*terms, evaluate=False), order="none")

    def _print_MatAdd(self, expr: sp.MatAdd) -> str:
        # y − Xw and XᵀX + λI, as a handout writes them: positive terms first, data first,
        # and a negative term as "− A" rather than "+ −A".
        terms = sorted(
            expr.args,
            key=lambda t: (_is_negative(t), t.has(sp.Identity), not _has_data(t)),
        )
        out = ""
        for number, term in enumerate(terms):
            if _is_negative(term):
                body = self.parenthesize(-term, PRECEDENCE["Add"], strict=True)
                out += f" - {body}" if number else f"- {body}"
            else:
                body = self.parenthesize(term, PRECEDENCE["Add"], strict=False)
                out += f" + {body}" if number else body
        return out

    def _print_Identity(self, expr: sp.Identity) -> str:
        return "I"

    def _print_beta(self, expr: sp.Basic, exp: str | None = None) -> str:
        # SymPy's own version formats its arguments with str(), losing symbol names.
        inside = ", ".join(self._print(a) for a in expr.args)
        power = f"^{{{exp}}}" if exp is not None else ""
        return rf"\operatorname{{B}}{power}\left({inside}\right)"

    def _print_log(self, expr: sp.Basic, exp: str | None = None) -> str:
        # \log\theta and \log p(θ), as a handout writes them; brackets only around sums.
        (argument,) = expr.args
        if argument.is_Symbol or argument.is_Function or isinstance(argument, sp.Indexed):
            tex = rf"\log {self._print(argument)}"
            return rf"\log^{{{exp}}} {self._print(argument)}" if exp else tex
        return super()._print_log(expr, exp)

    def _print_StrictGreaterThan(self, expr: sp.Basic) -> str:
        return f"{self._print(expr.lhs)} > {self._print(expr.rhs)}"


def _is_negative(term: sp.Basic) -> bool:
    if isinstance(term, sp.MatMul):
        scalars = [a for a in term.args if not isinstance(a, sp.MatrixExpr)]
        return bool(sp.Mul(*scalars).could_extract_minus_sign())
    return False


def _has_data(term: sp.Basic) -> bool:
    """A term that is a data vector or matrix alone (y, Xᵀy) rather than a product with w."""
    return not any(getattr(s, "name", "") == "w" for s in term.atoms(sp.MatrixSymbol))


class _Negative(sp.Function):
    """−(…) of an unevaluated product, printed as a minus sign rather than (−1)·(…)."""

    def _latex(self, printer: LatexPrinter) -> str:
        return "- " + printer.parenthesize(self.args[0], PRECEDENCE["Add"] + 1)


def _arrange(expr: sp.Basic, last: frozenset[sp.Symbol], in_sum: bool = False) -> sp.Basic:
    """Rebuild ``expr`` unevaluated for printing: −(…) of a product as a minus sign, and in a
    product the parameters after counts and statistics (n μ, k θ), as handouts write them."""
    if isinstance(expr, sp.MatrixBase):
        return sp.ImmutableMatrix(expr.rows, expr.cols, [_arrange(e, last) for e in expr])
    if not expr.args or isinstance(expr, sp.MatrixExpr):
        return expr  # matrix expressions print through _print_MatAdd as they are
    args = [_arrange(a, last, expr.is_Add) for a in expr.args]
    if expr.is_Mul:
        if not in_sum and args[0] == -1 and len(args) > 1:
            return _Negative(_arrange(sp.Mul(*args[1:], evaluate=False), last))
        if last:
            args.sort(
                key=lambda a: (not a.is_Number, bool(a.free_symbols & last), sp.default_sort_key(a))
            )
            return sp.Mul(*args, evaluate=False)
    if args == list(expr.args):
        return expr
    if expr.is_Add or expr.is_Mul or expr.is_Pow:
        return expr.func(*args, evaluate=False)
    return expr.func(*args)


def to_latex(
    obj: object,
    names: Mapping[sp.Symbol, str] | None = None,
    last: Iterable[sp.Symbol] = (),
) -> str:
    """LaTeX for a SymPy object, a support, or a plain number; ``last`` names the symbols
    (parameters and their estimates) that a product shows after its other factors."""
    if isinstance(obj, Support):
        return _support_latex(obj, names or {})
    return _Latex(names or {}).doprint(_arrange(sp.sympify(obj, strict=True), frozenset(last)))


def _support_latex(support: Support, names: Mapping[sp.Symbol, str]) -> str:
    lower, upper = (to_latex(b, names) for b in (support.lower, support.upper))
    if support.integer:
        # \lbrace, not \{: GitHub's Markdown eats the backslash of \{ in inline maths.
        second = to_latex(support.lower + 1, names)
        if support.upper == support.lower + 1:
            return rf"\lbrace {lower}, {upper} \rbrace"
        if support.upper.is_finite:
            return rf"\lbrace {lower}, {second}, \ldots, {upper} \rbrace"
        return rf"\lbrace {lower}, {second}, \ldots \rbrace"
    return to_latex(support.set(), names)


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
        inf, sup = ({sp.oo: "∞", -sp.oo: "-∞"}.get(b, self._print(b)) for b in (expr.inf, expr.sup))
        return f"{left}{inf}, {sup}{right}"

    def _print_Family(self, expr: sp.Basic) -> str:
        name, *args = expr.args
        return f"{name}({', '.join(self._print(a) for a in args)})"


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


def to_text(obj: object) -> str:
    """Plain text for a SymPy object or a support."""
    if isinstance(obj, Support):
        return obj.describe()
    return _Text().doprint(sp.sympify(obj, strict=True))
