"""The format-independent view of a linear-regression derivation, for the same templates
as every other derivation (see :mod:`mlemap.documents.view`). Every equation it shows is
read back from its LaTeX and compared with its object at random sizes and matrices."""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..engine.derivation import Step
from ..engine.soft_threshold import SoftThreshold
from ..regression import lasso, linear
from ..regression.linear import NAMES
from ..regression.matrix import MatrixPoint, random_point
from ..regression.record import RegressionDerivation
from .printing import to_latex
from .prose import maths_runs
from .readback import Shown, latex_name, read_back_matrices
from .reading import DATA
from .view import DerivationView, EquationRow, Math, StepView

__all__ = ["view"]

_TITLES = {
    None: "MLE for linear regression: ordinary least squares",
    "normal": "MAP for linear regression with a Gaussian prior: ridge",
    "laplace": "MAP for linear regression with a Laplace prior: the lasso",
}
SEED = 20261201
POINTS = 4
#: The one-letter names that prose may use as variables: sizes, matrices, scalars.
_PROSE = (linear.n, linear.d, linear.X, linear.y, linear.w, linear.v, linear.b)
PROSE_SYMBOLS: dict[str, sp.Basic] = {str(s): s for s in (*_PROSE, lasso.c, lasso.z, lasso.t)}


def _latex(obj: object) -> str:
    return to_latex(obj, NAMES)


def _rows(lines: tuple[sp.Basic, ...], where: str, shown: list[Shown]) -> tuple[EquationRow, ...]:
    rows = []
    for line in lines:
        if isinstance(line, sp.Equality):
            lhs, rhs = _latex(line.lhs), _latex(line.rhs)
            shown += [Shown(where, line.lhs, lhs), Shown(where, line.rhs, rhs)]
            rows.append(EquationRow(lhs, "=", rhs))
        else:
            text = _latex(line)
            shown.append(Shown(where, line, text))
            rows.append(EquationRow("", "", text))
    return tuple(rows)


def _math(obj: sp.Basic, where: str, shown: list[Shown]) -> Math:
    text = _latex(obj)
    shown.append(Shown(where, obj, text))
    return Math(text)


def _words(step: Step, where: str, shown: list[Shown]) -> tuple[object, ...]:
    """The words of a step, its one-letter names (n, d, X) typeset as maths and read back."""
    out: list[object] = []
    for word in step.words:
        if isinstance(word, str):
            runs = maths_runs(word, PROSE_SYMBOLS)
            out += [r if isinstance(r, str) else _math(r, where, shown) for r in runs]
        else:
            out.append(_math(word, where, shown))
    return tuple(out)


def _step(step: Step, where: str, shown: list[Shown]) -> StepView:
    words = _words(step, where, shown)
    rows = _rows(step.lines, where, shown)
    return StepView(step.kind, step.title, rows, words, str(step.check), step.check.method)


def _reading_names(shown: list[Shown]) -> dict[str, sp.Basic]:
    """The LaTeX of every name the shown objects use: the derivation's own symbols, matrices
    and named functions, with the identity I and y as the data of p(w ∣ y)."""
    names: dict[str, sp.Basic] = {"I": sp.Identity(linear.d), DATA: linear.y}
    names["S"] = SoftThreshold
    for piece in shown:
        source = sp.sympify(piece.source, strict=True)
        for symbol in source.atoms(sp.Symbol, sp.MatrixSymbol):
            names[NAMES.get(symbol) or latex_name(symbol)] = symbol
        for applied in source.atoms(sp.core.function.AppliedUndef):
            if len(applied.func.__name__) == 1:
                names[applied.func.__name__] = applied.func
    return names


def _points() -> list[MatrixPoint]:
    rng = np.random.default_rng(SEED)
    matrices = [linear.X, linear.y, linear.w, linear.v, linear.epsilon, linear.w_hat]
    positive = [linear.sigma2, linear.tau2, linear.lam, linear.b, linear.sigma2_hat]
    matrices.append(lasso.x)
    positive.append(lasso.c)
    return [
        random_point(matrices, [linear.n, linear.d], positive, rng, real=[lasso.z, lasso.t])
        for _ in range(POINTS)
    ]


def view(d: RegressionDerivation) -> DerivationView:
    shown: list[Shown] = []
    steps = tuple(
        _step(s, f"step {number} ({s.title})", shown) for number, s in enumerate(d.steps, 1)
    )
    results = _rows(d.results, "the results", shown)
    read_back_matrices(shown, _reading_names(shown), _points())
    return DerivationView(
        (_TITLES[d.prior],), d.method, d.name, steps, results, d.assumptions, d.closed_form
    )
