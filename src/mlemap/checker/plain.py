"""Engine forms in the plain syntax a claim is written in, so a printed form can be pasted back."""

from __future__ import annotations

import sympy as sp
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

from ..catalog.model import Model
from ..catalog.symbols import i, n
from ..engine.display import present
from ..engine.notation import Tends, gradient_variable, to_text
from ..engine.order import OrderStatistic

__all__ = ["plain", "to_claim"]

#: How a claim writes the derivatives of the log-likelihood (dl/dθ) and log-posterior (dlogp/dθ).
_SCORED = {"LogLikelihood": "l", "LogPosterior": "logp"}


class _Claim(StrPrinter):
    """SymPy's str form, with sums over the data as ``sum(…)`` and ``x[i]`` as ``x_i``: the
    syntax a claim is written in, so a printed form can be pasted back."""

    printmethod = "_mlemap_plain"  # Indexed prints itself via _sympystr, which would win

    def _print_Sum(self, expr: sp.Sum) -> str:
        if expr.limits == ((i, 1, n),):
            return f"sum({self._print(expr.function)})"
        if len(expr.limits) == 1:  # over the categories: Σ_{j=1}^{K} x[i, j]
            index, low, high = (self._print(e) for e in expr.limits[0])
            return f"sum_{{{index}={low}}}^{{{high}}}({self._print(expr.function)})"
        return super()._print_Sum(expr)

    def _print_Mul(self, expr: sp.Mul) -> str:
        # A declared density keeps its products nested and unevaluated, (2π)σ² and 1/(2σ²),
        # and SymPy's printer brackets each inner product: exp((-(x - μ)²)/((2σ²))). The same
        # product with its factors side by side prints as a handout writes it.
        flat = _side_by_side(expr)
        return super()._print_Mul(flat) if isinstance(flat, sp.Mul) else self._print(flat)

    def _print_Set(self, expr: sp.Set) -> str:
        """(0, 1) and (−∞, ∞), as a step's words state a domain."""
        return to_text(expr)

    # SymPy dispatches on the class's own name first, and prints these as Interval.open(0, 1).
    _print_Interval = _print_Reals = _print_Set

    def _print_Contains(self, expr: sp.Basic) -> str:
        """θ ∈ (0, 1), as a step's words state a domain."""
        return f"{self._print(expr.args[0])} ∈ {to_text(expr.args[1])}"

    def _print_KroneckerDelta(self, expr: sp.Expr) -> str:
        """[x_i = 1], the indicator as a handout writes it (no claim holds one)."""
        a, b = (self._print(e) for e in expr.args)
        return f"[{a} = {b}]"

    def _print_Largest(self, expr: OrderStatistic) -> str:
        """x₍₁₎ and x₍ₙ₎ as min(x_i) and max(x_i)."""
        return f"{expr.pick.__name__.lower()}({expr.data.label}_i)"

    # SymPy dispatches a Function subclass on its own name only, not its bases'.
    _print_Smallest = _print_Largest

    def _print_beta(self, expr: sp.Expr) -> str:
        """The Beta function as B(a, b): "beta" is often a parameter's name."""
        return f"B({', '.join(self._print(a) for a in expr.args)})"

    def _print_SoftThreshold(self, expr: sp.Expr) -> str:
        """Soft-thresholding as S(z, λ), the name the claim parser reads."""
        return f"S({', '.join(self._print(a) for a in expr.args)})"

    def _print_SampleMedian(self, expr: OrderStatistic) -> str:
        return f"median({expr.data.label}_i)"

    def _print_Product(self, expr: sp.Product) -> str:
        if expr.limits == ((i, 1, n),):
            return f"prod({self._print(expr.function)})"
        limits = ", ".join(f"({', '.join(map(self._print, limit))})" for limit in expr.limits)
        return f"Product({self._print(expr.function)}, {limits})"

    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        # Data first, as in the LaTeX: x_i - xbar, not -xbar + x_i.
        terms = sorted(
            self._as_ordered_terms(expr, order=order),
            key=lambda t: (t.could_extract_minus_sign(), not t.has(sp.Indexed, sp.Sum)),
        )
        return super()._print_Add(sp.Add(*terms, evaluate=False), order="none")

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        if len(expr.indices) > 1:  # count j of a vector observation: x[i, j], unambiguous
            return f"{expr.base.label}[{', '.join(self._print(k) for k in expr.indices)}]"
        return f"{expr.base.label}_{self._print(expr.indices[0])}"

    # -- the notation of a derivation's left-hand sides, as a claim writes them ------------
    def _print_Equality(self, expr: sp.Eq) -> str:
        return f"{self._print(expr.lhs)} = {self._print(expr.rhs)}"

    def _arguments(self, expr: sp.Basic) -> str:
        return ", ".join(self._print(a) for a in expr.args)

    def _print_Likelihood(self, expr: sp.Basic) -> str:
        return f"L({self._arguments(expr)})"

    def _print_LogLikelihood(self, expr: sp.Basic) -> str:
        return f"l({self._arguments(expr)})"

    def _print_LogPosterior(self, expr: sp.Basic) -> str:
        return f"logp({self._arguments(expr)})"

    def _print_Density(self, expr: sp.Basic) -> str:
        first, *rest = (self._print(a) for a in expr.args)
        return f"p({first} | {', '.join(rest)})"

    def _print_PriorDensity(self, expr: sp.Basic) -> str:
        return f"p({self._arguments(expr)})"

    def _print_PosteriorDensity(self, expr: sp.Basic) -> str:
        return f"p({self._arguments(expr)} | x)"

    def _print_Family(self, expr: sp.Basic) -> str:
        name, *args = expr.args
        return f"{name}({', '.join(self._print(a) for a in args)})"

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        """dl/dtheta and d2l/dtheta2 for the log-likelihood, as a claim writes a score."""
        ((variable, order),) = (
            expr.variable_count if len(expr.variable_count) == 1 else ((None, 0),)
        )
        if isinstance(expr.expr, sp.Function) and type(expr.expr).__name__ in _SCORED and variable:
            name = _SCORED[type(expr.expr).__name__]
            power = "" if order == 1 else str(order)
            return f"d{power}{name}/d{self._print(variable)}{power}"
        return super()._print_Derivative(expr)

    def _print_MatrixBase(self, expr: sp.MatrixBase) -> str:
        rows = ", ".join(
            "[" + ", ".join(self._print(e) for e in expr.row(r)) + "]" for r in range(expr.rows)
        )
        return f"[{rows}]"

    _print_ImmutableDenseMatrix = _print_MutableDenseMatrix = _print_MatrixBase

    # -- matrices, as the regression claims write them: (XᵀX + λI)⁻¹Xᵀy, Xᵀ(y - Xw)/sigma2 --
    def _factor(self, expr: sp.Basic) -> str:
        """A matrix factor of a product, transpose or inverse: a name, else bracketed."""
        shown = self._print(expr)
        if isinstance(expr, sp.MatrixSymbol | sp.Identity | sp.Transpose | sp.Inverse):
            return shown
        return f"({shown})"

    def _print_Function(self, expr: sp.Function) -> str:
        if (over := gradient_variable(expr)) is not None:  # ∇_w f, as a regression claim
            return f"∇_{over}({', '.join(self._print(a) for a in expr.args)})"
        if "_sympystr" in vars(type(expr)):  # mlemap's notation: ‖v‖², w ∼ N(0, τ²I), τ² → ∞
            return expr._sympystr(self)
        return super()._print_Function(expr)

    def _print_Unequality(self, expr: sp.Ne) -> str:
        return f"{self._print(expr.lhs)} ≠ {self._print(expr.rhs)}"

    def _print_Transpose(self, expr: sp.Transpose) -> str:
        return f"{self._factor(expr.arg)}ᵀ"

    def _print_Inverse(self, expr: sp.Inverse) -> str:
        return f"{self._factor(expr.arg)}⁻¹"

    def _print_Identity(self, expr: sp.Identity) -> str:
        return "I"

    def _print_MatMul(self, expr: sp.MatMul) -> str:
        """Matrices side by side, a scalar factor before them and its denominator after."""
        coefficient, matrices = _matrix_factors(expr)
        top, bottom = sp.fraction(sp.sympify(coefficient))
        sign = "-" if top.could_extract_minus_sign() else ""
        top = -top if sign else top
        body = "".join(self._factor(m) for m in matrices)
        before = "" if top == 1 else f"{self.parenthesize(top, PRECEDENCE['Mul'])}*"
        after = "" if bottom == 1 else f"/{self.parenthesize(bottom, PRECEDENCE['Mul'])}"
        return f"{sign}{before}{body}{after}"

    def _print_MatAdd(self, expr: sp.MatAdd) -> str:
        """The terms in the data first and positive ones first: y - Xw, XᵀX + λI."""

        def order(t: sp.Basic) -> tuple[bool, bool, bool]:
            return _negative(t), not _has_data(t), not isinstance(t, sp.MatrixSymbol)

        terms = sorted(expr.args, key=order)
        shown = ""
        for number, term in enumerate(terms):
            minus = _negative(term)
            text = self._print(-term if minus else term)
            shown += (
                ("-" if minus else "") + text
                if number == 0
                else (f" - {text}" if minus else f" + {text}")
            )
        return shown

    def _print_ArgMin(self, expr: sp.Expr) -> str:
        target, over = expr.args
        return f"argmin_{self._print(over)}({self._print(target)})"

    def _print_Limit(self, expr: sp.Limit) -> str:
        inside, variable, point = expr.args[:3]
        return f"lim({self._print(inside)}, {self._print(Tends(variable, point))})"

    def _print_Subs(self, expr: sp.Subs) -> str:
        at = ", ".join(
            f"{self._print(v)} = {self._print(p)}"
            for v, p in zip(expr.variables, expr.point, strict=True)
        )
        return f"{self._print(expr.expr)} at {at}"


def _matrix_factors(expr: sp.MatMul) -> tuple[sp.Expr, list[sp.MatrixExpr]]:
    """A matrix product's scalar factor and its matrices, inner products opened:
    A(BC) is ABC, as (XᵀX + λI)⁻¹Xᵀy put in for w in XᵀXw leaves them nested."""
    coefficient, matrices = expr.as_coeff_matrices()
    flat: list[sp.MatrixExpr] = []
    for matrix in matrices:
        if isinstance(matrix, sp.MatMul):
            inner, factors = _matrix_factors(matrix)
            coefficient, flat = coefficient * inner, [*flat, *factors]
        else:
            flat.append(matrix)
    return coefficient, flat


def _negative(term: sp.Basic) -> bool:
    """Whether a term of a matrix sum prints with a minus sign: -w/tau2, -Xw."""
    if isinstance(term, sp.MatMul):
        coefficient, _ = _matrix_factors(term)
        return sp.fraction(sp.sympify(coefficient))[0].could_extract_minus_sign()
    return term.could_extract_minus_sign()


def _has_data(term: sp.Basic) -> bool:
    """Whether a regression term holds the data, X or y."""
    return any(m.name in ("X", "y") for m in term.atoms(sp.MatrixSymbol))


def _factors(expr: sp.Basic) -> list[sp.Basic]:
    """The factors of a product, with its inner products and their reciprocals opened:
    a·(b·c) is a·b·c and 1/(b·c) is (1/b)·(1/c); (b^e)^−1 is b^−e."""
    if isinstance(expr, sp.Mul):
        return [f for a in expr.args for f in _factors(a)]
    if isinstance(expr, sp.Pow) and expr.exp == -1:
        base = expr.base
        if isinstance(base, sp.Mul):
            return [g for f in _factors(base) for g in _factors(sp.Pow(f, -1, evaluate=False))]
        if isinstance(base, sp.Pow):
            return [sp.Pow(base.base, -base.exp, evaluate=False)]
        if isinstance(base, sp.Rational):
            return [1 / base]
    return [expr]


def _side_by_side(expr: sp.Mul) -> sp.Expr:
    """The same product, flat, with its numbers gathered into one leading coefficient."""
    if not expr.is_commutative:
        return expr
    factors = _factors(expr)
    numbers = [f for f in factors if f.is_Number]
    rest = [f for f in factors if not f.is_Number]
    coefficient = sp.Mul(*numbers)
    if not rest:
        return coefficient
    if coefficient != 1:
        rest.insert(0, coefficient)
    return rest[0] if len(rest) == 1 else sp.Mul(*rest, evaluate=False)


def to_claim(expr: sp.Basic) -> str:
    """``expr`` in the plain syntax a claim is written in (``sum(x_i)``), to paste back."""
    return _Claim().doprint(expr)


def plain(expr: sp.Basic, model: Model) -> str:
    """``expr`` in the plain syntax of a claim, with the model's named statistics and x̄."""
    return to_claim(present(expr, model))
