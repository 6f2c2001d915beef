"""Matrix calculus for estimators whose unknown is a vector: norms, evaluation at concrete
matrices, and a solver for equations linear in the unknown.

SymPy differentiates expressions in ``MatrixSymbol``s (``sp.diff(expr, w)``) but its
``solve`` cannot solve the result for ``w``: it hangs or returns nothing. The gradients of
least-squares objectives are linear in ``w``, so :func:`collect_linear` writes a gradient
``g(w)`` as ``b − A w`` by reading off, term by term, the factors in front of ``w``;
``g = 0`` is then the linear system ``A w = b``.

Every rewriting is checked by :func:`matrix_equivalent`: symbolically where SymPy's
expansion of the difference gives zero, otherwise at random concrete sizes and matrices
of exact rationals, where both sides are computed in full.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp
from sympy.printing.latex import LatexPrinter

from ..engine.verify import Check, VerificationError
from ..errors import MlemapError

__all__ = [
    "L1Norm",
    "LinearSystem",
    "MatrixPoint",
    "SquaredNorm",
    "collect_linear",
    "entrywise_gradient",
    "evaluate",
    "matrix_equivalent",
    "random_point",
    "written_out",
]

TRIALS = 6


class SquaredNorm(sp.Function):
    """‖v‖² of a column vector: vᵀv as a scalar, so that it adds to scalar terms."""

    nargs = 1

    def _eval_is_commutative(self) -> bool:
        return True  # a number, though its argument is a matrix: it divides like one

    def _latex(self, printer: LatexPrinter, exp: str | None = None) -> str:
        norm = rf"\left\lVert {printer._print(self.args[0])} \right\rVert^{{2}}"
        return rf"\left({norm}\right)^{{{exp}}}" if exp else norm

    def _sympystr(self, printer: object) -> str:
        return f"‖{printer._print(self.args[0])}‖²"  # type: ignore[attr-defined]

    def doit(self, **hints: object) -> sp.Basic:
        v = self.args[0].doit(**hints)
        if isinstance(v, sp.MatrixBase):
            return sum((e**2 for e in v), sp.Integer(0))
        return self.func(v)


class L1Norm(sp.Function):
    """‖v‖₁ = Σ |vⱼ| of a column vector."""

    nargs = 1

    def _eval_is_commutative(self) -> bool:
        return True  # a number, though its argument is a matrix

    def _latex(self, printer: LatexPrinter, exp: str | None = None) -> str:
        norm = rf"\left\lVert {printer._print(self.args[0])} \right\rVert_{{1}}"
        return rf"{norm}^{{{exp}}}" if exp else norm

    def _sympystr(self, printer: object) -> str:
        return f"‖{printer._print(self.args[0])}‖₁"  # type: ignore[attr-defined]

    def doit(self, **hints: object) -> sp.Basic:
        v = self.args[0].doit(**hints)
        if isinstance(v, sp.MatrixBase):
            return sum((abs(e) for e in v), sp.Integer(0))
        return self.func(v)


@dataclass(frozen=True)
class LinearSystem:
    """``A w = b``: the stationarity equation ``g(w) = 0`` of a gradient ``g = b − A w``."""

    A: sp.MatrixExpr
    b: sp.MatrixExpr
    unknown: sp.MatrixSymbol

    @property
    def equation(self) -> sp.Eq:
        return sp.Eq(sp.MatMul(self.A, self.unknown), self.b, evaluate=False)

    @property
    def solution(self) -> sp.MatrixExpr:
        """A⁻¹ b, for display and checks; numeric code solves the system instead."""
        factors = self.b.args if isinstance(self.b, sp.MatMul) else (self.b,)
        return sp.MatMul(sp.Inverse(self.A), *factors)


def _matrix_terms(expr: sp.MatrixExpr) -> list[sp.MatrixExpr]:
    return list(sp.MatAdd.make_args(expr.doit().expand()))


def collect_linear(gradient: sp.MatrixExpr, unknown: sp.MatrixSymbol) -> LinearSystem:
    """Write ``gradient`` (a column vector linear in ``unknown``) as ``b − A·unknown``.

    Each term of the expanded gradient is a product; a term whose last factor is the unknown
    contributes its other factors to ``−A``, a term free of the unknown contributes to ``b``.
    Any other appearance of the unknown (``wᵀ…``, ``w`` inside a norm) is not linear in this
    sense and raises :class:`MlemapError`.
    """
    size = unknown.shape[0]
    a_terms: list[sp.MatrixExpr] = []
    b_terms: list[sp.MatrixExpr] = []
    for term in _matrix_terms(gradient):
        if not term.has(unknown):
            b_terms.append(term)
            continue
        scalar, factors = _split(term)
        if not factors or factors[-1] != unknown or any(f.has(unknown) for f in factors[:-1]):
            raise MlemapError(f"the term {term} of the gradient is not linear in {unknown}")
        if scalar.has(unknown):
            raise MlemapError(f"the term {term} of the gradient is not linear in {unknown}")
        front = factors[:-1]
        matrix = sp.MatMul(*front) if front else sp.Identity(size)
        a_terms.append(-scalar * matrix)
    if not a_terms:
        raise MlemapError(f"the gradient does not depend on {unknown}: nothing to solve for")
    A = sp.MatAdd(*a_terms).doit() if len(a_terms) > 1 else a_terms[0]
    b = sp.MatAdd(*b_terms).doit() if len(b_terms) > 1 else (b_terms[0] if b_terms else None)
    if b is None:
        b = sp.ZeroMatrix(size, 1)
    return LinearSystem(A, b, unknown)


def _split(term: sp.MatrixExpr) -> tuple[sp.Expr, list[sp.MatrixExpr]]:
    """A term as a scalar coefficient and its matrix factors, in order."""
    if isinstance(term, sp.MatMul):
        scalar, factors = term.as_coeff_matrices()
        return sp.sympify(scalar, strict=True), list(factors)
    return sp.Integer(1), [term]


# -- evaluation at concrete matrices ---------------------------------------------------------
@dataclass(frozen=True)
class MatrixPoint:
    """Concrete sizes, matrices and scalar values at which to evaluate matrix expressions."""

    sizes: dict[sp.Symbol, int]
    matrices: dict[str, sp.Matrix]  # by MatrixSymbol name
    scalars: dict[sp.Symbol, sp.Rational]


def _rational(rng: np.random.Generator, low: float, high: float) -> sp.Rational:
    return sp.Rational(int(rng.integers(low * 100, high * 100)), 100)


def random_point(
    matrices: Sequence[sp.MatrixSymbol],
    sizes: Sequence[sp.Symbol],
    positive: Sequence[sp.Symbol],
    rng: np.random.Generator,
    real: Sequence[sp.Symbol] = (),
    fixed: Mapping[str, sp.Matrix] | None = None,
    columns: int | None = None,
) -> MatrixPoint:
    """Random exact values: sizes with more rows than columns (n > d, so XᵀX can be
    invertible), rational matrix entries in [−3, 3], positive scalars in [0.1, 5]."""
    n_symbol, d_symbol = sizes
    d = columns if columns is not None else int(rng.integers(1, 4))
    size = {d_symbol: d, n_symbol: d + int(rng.integers(1, 4))}
    values: dict[str, sp.Matrix] = dict(fixed or {})
    for m in matrices:
        if m.name in values:
            continue
        rows, cols = (int(sp.sympify(s, strict=True).subs(size)) for s in m.shape)
        values[m.name] = sp.Matrix(rows, cols, lambda *_: _rational(rng, -3, 3))
    scalars = {s: _rational(rng, 0.1, 5) for s in positive}
    scalars.update({s: _rational(rng, -3, 3) for s in real})
    return MatrixPoint(size, values, scalars)


def evaluate(expr: sp.Basic, point: MatrixPoint) -> sp.Basic:
    """``expr`` at ``point``, computed in full: an explicit matrix, or a number."""
    sized = sp.sympify(expr, strict=True).subs(point.sizes)
    replacements = {
        m: point.matrices[m.name] for m in sized.atoms(sp.MatrixSymbol) if m.name in point.matrices
    }
    # Scalars first: an explicit matrix with symbols left in it would be inverted symbolically.
    value = sized.xreplace(point.scalars).xreplace(replacements)
    value = value.replace(
        lambda e: isinstance(e, sp.Identity | sp.ZeroMatrix), lambda e: sp.ImmutableMatrix(e)
    )
    value = value.doit()
    if isinstance(value, sp.MatrixExpr) and not isinstance(value, sp.MatrixBase):
        value = value.as_explicit()
    return value


def written_out(
    expr: sp.Basic, point: MatrixPoint, unknown: sp.MatrixSymbol
) -> tuple[sp.Basic, list[sp.Symbol]]:
    """``expr`` at ``point`` with ``unknown`` left free: each of its entries a real symbol.
    The value, and those symbols in order."""
    size = int(sp.sympify(unknown.shape[0], strict=True).subs(point.sizes))
    entries = list(sp.symbols(f"u0:{size}", real=True))
    free = MatrixPoint(
        point.sizes, {**point.matrices, unknown.name: sp.Matrix(entries)}, point.scalars
    )
    return evaluate(expr, free), entries


def entrywise_gradient(scalar: sp.Expr, point: MatrixPoint, unknown: sp.MatrixSymbol) -> sp.Matrix:
    """The gradient of ``scalar`` in ``unknown`` at ``point``, without SymPy's matrix calculus:
    the scalar written out entry by entry, differentiated entry by entry, and evaluated at
    the point's value of the unknown."""
    value, entries = written_out(scalar, point, unknown)
    value = sp.sympify(value, strict=True)
    if isinstance(value, sp.MatrixBase):
        if value.shape != (1, 1):
            raise MlemapError(f"the gradient of a {value.shape} matrix is not a vector")
        value = value[0, 0]
    at = dict(zip(entries, point.matrices[unknown.name], strict=True))
    return sp.Matrix([sp.diff(value, u) for u in entries]).xreplace(at)


def _as_matrix(value: sp.Basic) -> sp.Matrix:
    if isinstance(value, sp.MatrixBase):
        return sp.Matrix(value)
    return sp.Matrix([[value]])


def _differ(left: sp.Basic, right: sp.Basic) -> bool:
    a, b = _as_matrix(left), _as_matrix(right)
    if a.shape != b.shape:
        return True
    for x, y in zip(a, b, strict=True):
        difference = sp.expand(x - y)
        if difference != 0:
            value = complex(sp.N(difference, 30))
            if abs(value) > 1e-20 * max(1.0, abs(complex(sp.N(x, 30)))):
                return True
    return False


def matrix_equivalent(
    left: sp.Basic,
    right: sp.Basic,
    points: Sequence[MatrixPoint],
    what: str,
) -> Check:
    """Check ``left == right``: symbolically where the expanded difference is zero, else at
    each of ``points`` exactly. A difference raises :class:`VerificationError`."""
    if _symbolically_equal(left, right):
        return Check("symbolic", "the difference expands to 0")
    for point in points:
        a, b = evaluate(left, point), evaluate(right, point)
        if _differ(a, b):
            raise VerificationError(
                f"engine self-check failed for {what}: the two sides differ at sizes "
                f"{point.sizes}: {a} versus {b}. This is a bug in mlemap; please report it."
            )
    ranges = sorted(point.sizes.values())
    return Check(
        "numeric",
        f"equal at {len(points)} random sizes and matrices of exact rationals "
        f"(sizes {ranges[0]}…{ranges[-1]}), computed in full",
    )


def _symbolically_equal(left: sp.Basic, right: sp.Basic) -> bool:
    left, right = sp.sympify(left, strict=True), sp.sympify(right, strict=True)
    if left == right:
        return True
    try:
        if isinstance(left, sp.MatrixExpr) and isinstance(right, sp.MatrixExpr):
            difference = (left - right).doit().expand()
            return difference == sp.ZeroMatrix(*left.shape) or difference == 0
        if not left.has(sp.MatrixSymbol) and not right.has(sp.MatrixSymbol):
            return sp.expand(left - right) == 0
    except (TypeError, ValueError, sp.ShapeError):
        return False
    return False
