"""Read-back: every equation a document shows is read from its LaTeX and compared with the
object it was printed from, before the document is written.

The reader (:mod:`mlemap.documents.reading`) shares no code with the printer; the comparison
is the engine's own (:func:`mlemap.engine.verify.compare`), at random data sets and
parameter values. A mismatch is a printer bug and raises :class:`VerificationError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..catalog.symbols import hat, i, n
from ..engine import notation
from ..engine.bias import TRANSFORM
from ..engine.display import MEAN, statistic_definitions
from ..engine.inference import TERMS
from ..engine.lagrange import CATEGORY, equality_constraint, multiplier
from ..engine.notation import LogPosterior
from ..engine.order import Largest, SampleMedian, Smallest
from ..engine.prior_kink import soft_threshold_symbols
from ..engine.problem import Problem
from ..engine.soft_threshold import SoftThreshold
from ..engine.verify import VerificationError, compare
from ..regression.linear import LogPosterior as MatrixLogPosterior
from ..regression.matrix import MatrixPoint, matrix_equivalent
from .reading import ReadError, read_latex

__all__ = ["Shown", "latex_name", "read_back", "read_back_matrices", "reading_names"]

SEED = 20240601
#: Names that stand for something the step defines elsewhere: fixed values on both sides.
HESSIAN = sp.Symbol("H")
_OPAQUE = {notation.Constant(): sp.Rational(5, 11), HESSIAN: sp.Rational(7, 13)}
_NAMED = tuple(
    getattr(notation, name)
    for name in notation.__all__
    if name not in ("Constant", "Distributed", "Tends", "to_text")
)


@dataclass(frozen=True)
class Shown:
    """One piece of maths a document shows: where, the object, and the LaTeX printed for it."""

    where: str
    source: sp.Basic
    latex: str


def latex_name(symbol: sp.Symbol) -> str:
    """A symbol's LaTeX by the handout's convention: a letter as itself, a Greek name as \\name."""
    letters, digits = re.fullmatch(r"(.*?)(\d*)", symbol.name).groups()
    if digits and letters:  # n1 as n_{1}, SymPy's convention for a trailing number
        return f"{latex_name(sp.Symbol(letters))}_{{{digits}}}"
    return symbol.name if len(symbol.name) == 1 else f"\\{symbol.name}"


def reading_names(problem: Problem) -> dict[str, sp.Basic]:
    """The LaTeX of every name a derivation's documents may use, from the declarations."""
    model = problem.model
    names: dict[str, sp.Basic] = {"n": n, "i": i, "x_{i}": model.x[i], r"\bar{x}": MEAN}
    names["H"] = HESSIAN
    names["x"] = model.x.label
    names["t"] = TRANSFORM  # the bias step's Laplace transform
    names.update({str(term): term for term in TERMS})  # the terms of sums, in its words
    names["x_{(1)}"] = Smallest(model.x, n)
    names["x_{(n)}"] = Largest(model.x, n)
    if equality_constraint(problem) is not None:
        names[latex_name(multiplier(problem))] = multiplier(problem)
        names["j"] = CATEGORY
    if model.components > 1:  # a vector observation's counts x_{i,1}, …, and x_{i,j}
        for j in (*range(1, model.components + 1), CATEGORY):
            names[f"x_{{i,{j}}}"] = model.x[i, j]
    names[rf"\tilde{{{model.x.label}}}"] = SampleMedian(model.x, n)
    if any(b.prior.kinked for b in problem.priors.values()):  # soft-thresholding
        names.update({latex_name(s): s for s in soft_threshold_symbols(problem)})
        names["S"] = SoftThreshold
    for symbol in model.statistic_sums():
        names[latex_name(symbol)] = symbol
    for symbol, declared in problem.declarations.items():
        names[declared.latex] = symbol
    return names


def _stand_ins(expr: sp.Basic, data: sp.Symbol) -> dict[sp.Basic, sp.Expr]:
    """Each named function (L(θ), p(xᵢ ∣ θ), Beta(…)) as a fixed linear function of its
    arguments, so that both sides can be evaluated and a wrong argument still shows."""
    found = {}
    applications = sorted(expr.atoms(*_NAMED), key=sp.default_sort_key)
    for number, application in enumerate(applications):
        # Not the family's name (Beta in Beta(…)) nor the data set x in p(x ∣ θ).
        arguments = [
            a
            for a in application.args[isinstance(application, notation.Family) :]
            if getattr(a, "name", None) != data.name
        ]
        offset = sp.Rational(number + 2, 3) + sp.Rational(len(type(application).__name__), 7)
        found[application] = offset + sum(
            sp.Rational(k + 2, k + 5) * a for k, a in enumerate(arguments)
        )
    return found


def _comparable(expr: sp.Basic, problem: Problem) -> sp.Expr:
    """``expr`` in terms the engine can evaluate: statistics as their sums, estimates as
    their parameters, the observation xᵢ as the first, named functions as stand-ins."""
    expr = sp.sympify(expr, strict=True)
    definitions = statistic_definitions([expr], problem.model)
    definitions.update({MEAN: sp.Sum(problem.model.x[i], (i, 1, n)) / n})
    expr = expr.xreplace(definitions)
    expr = expr.xreplace({hat(p): p for p in problem.declarations})
    expr = expr.xreplace(_OPAQUE)
    expr = expr.xreplace(_stand_ins(expr, problem.model.x.label))
    if i in expr.free_symbols:
        expr = expr.subs(i, 1)
    return expr


def _identical(difference: sp.Expr) -> str | None:
    return "the two sides are identical" if difference == 0 else None


def _differ(shown: Shown, read: sp.Basic, problem: Problem, rng: np.random.Generator) -> bool:
    sides = [(shown.source, read)]
    if isinstance(shown.source, sp.Implies) or isinstance(read, sp.Implies):
        if type(shown.source) is not type(read):
            return True
        pairs = zip(shown.source.args, read.args, strict=True)
        return any(_differ(Shown("", a, ""), b, problem, rng) for a, b in pairs)
    if isinstance(read, sp.Tuple) and len(shown.source.args) == len(read):
        sides = list(zip(shown.source.args, read, strict=True))
    elif isinstance(shown.source, sp.core.relational.Relational) or isinstance(
        read, sp.core.relational.Relational
    ):
        if type(shown.source) is not type(read):  # = for ≥, or a relation for a value
            return True
        sides = [(shown.source.lhs, read.lhs), (shown.source.rhs, read.rhs)]
    for source, back in sides:
        if isinstance(source, sp.MatrixBase) or isinstance(back, sp.MatrixBase):
            if getattr(source, "shape", None) != getattr(back, "shape", ()):
                return True
            if any(
                _differ(Shown("", a, ""), b, problem, rng)
                for a, b in zip(source, back, strict=True)
            ):
                return True
            continue
        if source == back:  # identical objects (∞ included, which numbers cannot compare)
            continue
        left, right = _comparable(source, problem), _comparable(back, problem)
        result = compare(left, right, problem, rng, symbolic=_identical, exact=False)
        if not result.equal:
            return True
    return False


def read_back(shown: list[Shown], problem: Problem) -> None:
    """Read every piece of ``shown`` back from its LaTeX; raise on the first that differs."""
    rng = np.random.default_rng(SEED)
    names = reading_names(problem)
    for piece in shown:
        try:
            read = read_latex(piece.latex, names)
        except ReadError as error:
            raise VerificationError(
                f"read-back of {piece.where}: the document shows {piece.latex!r}, which cannot "
                f"be read back ({error}); the object is {piece.source}. This is a bug in "
                "mlemap; please report it."
            ) from None
        if _differ(piece, read, problem, rng):
            raise VerificationError(
                f"read-back of {piece.where}: the document shows {piece.latex!r}, which reads "
                f"as {read}, but the object printed is {piece.source}. This is a bug in "
                "mlemap's printer; please report it."
            )


def _unsized(expr: sp.Basic) -> sp.Basic:
    """``expr`` with every identity matrix written I, as documents write it: its size is the
    one its place needs (σ²I is n × n in N(Xw, σ²I), λI is d × d in XᵀX + λI)."""
    size = sp.Symbol("m", integer=True, positive=True)
    expr = expr.replace(
        lambda e: isinstance(e, sp.Identity), lambda e: sp.MatrixSymbol("I", size, size)
    )
    return expr.replace(lambda e: isinstance(e, sp.ZeroMatrix), lambda e: sp.Integer(0))


def _matrix_differ(source: sp.Basic, read: sp.Basic, points: list[MatrixPoint]) -> bool:
    """Whether ``read`` differs from ``source`` at the concrete sizes and matrices ``points``,
    by the regression engine's own comparison (exact rationals, computed in full)."""
    read = read.replace(LogPosterior, MatrixLogPosterior)  # log p(w ∣ y) names the same thing
    if isinstance(read, sp.Tuple) and len(source.args) == len(read):  # τ² → ∞ reads as a pair
        return any(_matrix_differ(a, b, points) for a, b in zip(source.args, read, strict=True))
    if isinstance(source, sp.core.relational.Relational) or isinstance(
        read, sp.core.relational.Relational
    ):
        if type(source) is not type(read):
            return True
        return _matrix_differ(source.lhs, read.lhs, points) or _matrix_differ(
            source.rhs, read.rhs, points
        )
    if _unsized(source) == _unsized(read):
        return False
    try:
        matrix_equivalent(source, read, points, "the read-back")
    except (VerificationError, sp.ShapeError, TypeError, ValueError):
        return True
    return False


def read_back_matrices(
    shown: list[Shown], names: dict[str, sp.Basic], points: list[MatrixPoint]
) -> None:
    """Read every piece of a matrix derivation's ``shown`` back from its LaTeX, and compare it
    with its object at ``points``; raise on the first that differs."""
    for piece in shown:
        try:
            read = read_latex(piece.latex, names)
        except (ReadError, sp.ShapeError, TypeError) as error:
            raise VerificationError(
                f"read-back of {piece.where}: the document shows {piece.latex!r}, which cannot "
                f"be read back ({error}); the object is {piece.source}. This is a bug in "
                "mlemap; please report it."
            ) from None
        if _matrix_differ(piece.source, read, points):
            raise VerificationError(
                f"read-back of {piece.where}: the document shows {piece.latex!r}, which reads "
                f"as {read}, but the object printed is {piece.source}. This is a bug in "
                "mlemap's printer; please report it."
            )
