"""Printing SymPy objects as LaTeX for documents (Markdown and LaTeX output).

One printer, configured from the declarations: θ̂ for ``theta_hat``, σ² for
``sigma2``, p(xᵢ ∣ θ) for a density, Σ with its limits, data terms first in a sum
(xᵢ − μ, Σxᵢ − nμ), so no SymPy naming artefacts such as ``\\sigma_{2}`` reach a handout.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE

from ..catalog.domains import Support
from ..catalog.model import Parameter
from ..catalog.symbols import hat, hat_latex
from ..engine.notation import Constant

__all__ = ["latex_names", "to_latex"]


def latex_names(declarations: Iterable[Parameter]) -> dict[sp.Symbol, str]:
    """LaTeX for every declared symbol and its estimate symbol."""
    found: dict[sp.Symbol, str] = {}
    for p in declarations:
        found[p.symbol] = p.latex
        found[hat(p.symbol)] = hat_latex(p.latex)
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
        # y − Xw, XᵀX + λI and Xw + ε, as a handout writes them: positive terms first, data
        # first, the noise last, and a negative term as "− A" rather than "+ −A".
        terms = sorted(
            expr.args,
            key=lambda t: (_is_negative(t), _is_noise(t), t.has(sp.Identity), not _has_data(t)),
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

    def _print_exp(self, expr: sp.Basic, exp: str | None = None) -> str:
        # A fraction in a superscript is set too small to read: exp(−(xᵢ − μ)²/(2σ²)).
        inner = self._print(expr.args[0])
        tex = rf"\exp\left({inner}\right)" if r"\frac" in inner else rf"e^{{{inner}}}"
        return self._do_exponent(tex, exp)

    def _print_matrix_contents(self, expr: sp.MatrixBase) -> str:
        # Cells in display style: a matrix's fractions full size, as in the lines around it.
        rows = [
            " & ".join(rf"{{\displaystyle {self._print(e)}}}" for e in expr[row, :])
            for row in range(expr.rows)
        ]
        return r"\begin{matrix}" + r"\\".join(rows) + r"\end{matrix}"

    def _print_Identity(self, expr: sp.Identity) -> str:
        return "I"

    def _print_beta(self, expr: sp.Basic, exp: str | None = None) -> str:
        # SymPy's own version formats its arguments with str(), losing symbol names.
        inside = ", ".join(self._print(a) for a in expr.args)
        power = f"^{{{exp}}}" if exp is not None else ""
        return rf"\operatorname{{B}}{power}{{\left({inside}\right)}}"

    def _print_log(self, expr: sp.Basic, exp: str | None = None) -> str:
        # \log\theta and \log p(θ), as a handout writes them; brackets only around sums.
        (argument,) = expr.args
        named = argument.is_Function and not isinstance(argument, _Negative)  # log(−x₍₁₎)
        if argument.is_Symbol or named or isinstance(argument, sp.Indexed):
            tex = rf"\log {self._print(argument)}"
            return rf"\log^{{{exp}}} {self._print(argument)}" if exp else tex
        return super()._print_log(expr, exp)

    def _print_polygamma(self, expr: sp.Basic, exp: str | None = None) -> str:
        # ψ(α) and ψ⁽¹⁾(α), as a handout writes them, not \operatorname{polygamma}(0, α).
        order, argument = expr.args
        mark = r"\psi" if order == 0 else rf"\psi^{{({self._print(order)})}}"
        tex = rf"{mark}{{\left({self._print(argument)}\right)}}"
        return rf"{tex}^{{{exp}}}" if exp is not None else tex

    def _print_gamma(self, expr: sp.Basic, exp: str | None = None) -> str:
        # Braced, so TeX sets Γ(α) with no gap before the bracket, as for every function.
        tex = rf"\Gamma{{\left({self._print(expr.args[0])}\right)}}"
        return rf"{tex}^{{{exp}}}" if exp is not None else tex

    def _print_loggamma(self, expr: sp.Basic, exp: str | None = None) -> str:
        tex = rf"\log \Gamma{{\left({self._print(expr.args[0])}\right)}}"
        return rf"\left({tex}\right)^{{{exp}}}" if exp is not None else tex

    def _print_KroneckerDelta(self, expr: sp.Basic, exp: str | None = None) -> str:
        # The Iverson bracket [xᵢ = j], the observation first, as a handout writes it.
        a, b = sorted(expr.args, key=lambda e: not e.has(sp.Indexed))
        tex = rf"\left[{self._print(a)} = {self._print(b)}\right]"
        return rf"{tex}^{{{exp}}}" if exp is not None else tex

    def _print_StrictGreaterThan(self, expr: sp.Basic) -> str:
        return f"{self._print(expr.lhs)} > {self._print(expr.rhs)}"


def _is_negative(term: sp.Basic) -> bool:
    if isinstance(term, sp.MatMul):
        scalars = [a for a in term.args if not isinstance(a, sp.MatrixExpr)]
        return bool(sp.Mul(*scalars).could_extract_minus_sign())
    return False


def _is_noise(term: sp.Basic) -> bool:
    return isinstance(term, sp.MatrixSymbol) and term.name == "epsilon"


def _has_data(term: sp.Basic) -> bool:
    """A term that is a data vector or matrix alone (y, Xᵀy) rather than a product with w."""
    return not any(getattr(s, "name", "") == "w" for s in term.atoms(sp.MatrixSymbol))


class _Negative(sp.Function):
    """−(…) of an unevaluated product, printed as a minus sign rather than (−1)·(…)."""

    # As a factor or a base it is bracketed like a sum: x (−λ), never "x − λ".
    precedence = PRECEDENCE["Add"]

    def _latex(self, printer: LatexPrinter, exp: str | None = None) -> str:
        tex = "- " + printer.parenthesize(self.args[0], PRECEDENCE["Add"] + 1)
        return rf"\left({tex}\right)^{{{exp}}}" if exp is not None else tex


def _arrange(expr: sp.Basic, last: frozenset[sp.Symbol], in_sum: bool = False) -> sp.Basic:
    """Rebuild ``expr`` unevaluated for printing: −(…) of a product as a minus sign, and in a
    product the parameters after counts and statistics (n μ, k θ), as handouts write them."""
    if isinstance(expr, sp.MatrixBase):
        return sp.ImmutableMatrix(expr.rows, expr.cols, [_arrange(e, last) for e in expr])
    if not expr.args or isinstance(expr, sp.MatrixExpr):
        return expr  # matrix expressions print through _print_MatAdd as they are
    if expr.is_Mul:
        return _arrange_product(expr, last, in_sum)
    args = [_arrange(a, last, expr.is_Add) for a in expr.args]
    if args == list(expr.args):
        return expr
    if expr.is_Add or expr.is_Pow or expr.is_Relational:  # a relation must not become False
        return expr.func(*args, evaluate=False)
    return expr.func(*args)


def _factors(expr: sp.Basic) -> list[sp.Basic]:
    """The factors of a product, nested unevaluated products flattened: (−λ)·xᵢ is −1, λ, xᵢ."""
    if not expr.is_Mul:
        return [expr]
    return [f for a in expr.args for f in _factors(a)]


def _arrange_product(expr: sp.Mul, last: frozenset[sp.Symbol], in_sum: bool) -> sp.Basic:
    """A product with its numbers gathered into one leading coefficient, so that its sign is
    the product's sign (shown as a leading minus, or by the sum around it)."""
    factors = _one_root(_factors(expr))
    coefficient = sp.Mul(*(f for f in factors if f.is_Number))
    rest = [_arrange(f, last) for f in factors if not f.is_Number]
    if last:
        rest.sort(key=lambda a: (bool(a.free_symbols & last), sp.default_sort_key(a)))
    if coefficient.is_negative and not in_sum:
        return _Negative(_product(-coefficient, rest))
    return _product(coefficient, rest)


def _one_root(factors: list[sp.Basic]) -> list[sp.Basic]:
    """Square roots gathered under one radical: √(θ(1 − θ)/n), not √θ √(1 − θ)/√n."""
    roots = [f for f in factors if f.is_Pow and f.exp in (sp.S.Half, -sp.S.Half)]
    if len(roots) < 2:
        return factors
    above = [f.base for f in roots if f.exp.is_positive]
    below = [f.base for f in roots if f.exp.is_negative]
    inside = [*above, sp.Pow(sp.Mul(*below), -1)] if below else above
    radical = sp.Pow(sp.Mul(*inside, evaluate=False), sp.S.Half, evaluate=False)
    return [f for f in factors if f not in roots] + [radical]


def _product(coefficient: sp.Basic, rest: list[sp.Basic]) -> sp.Basic:
    factors = rest if coefficient == 1 else [coefficient, *rest]
    if not factors:
        return coefficient
    return factors[0] if len(factors) == 1 else sp.Mul(*factors, evaluate=False)


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
