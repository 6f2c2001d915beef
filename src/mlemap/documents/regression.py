"""The format-independent view of a linear-regression derivation, for the same templates
as every other derivation (see :mod:`mlemap.documents.view`)."""

from __future__ import annotations

import sympy as sp

from ..engine.derivation import Step
from ..regression.linear import NAMES
from ..regression.record import RegressionDerivation
from .printing import to_latex
from .view import DerivationView, EquationRow, Math, StepView

__all__ = ["view"]

_TITLES = {
    None: "MLE for linear regression: ordinary least squares",
    "normal": "MAP for linear regression with a Gaussian prior: ridge",
    "laplace": "MAP for linear regression with a Laplace prior: the lasso",
}


def _latex(obj: object) -> str:
    return to_latex(obj, NAMES)


def _rows(lines: tuple[sp.Basic, ...]) -> tuple[EquationRow, ...]:
    rows = []
    for line in lines:
        if isinstance(line, sp.Equality):
            rows.append(EquationRow(_latex(line.lhs), "=", _latex(line.rhs)))
        else:
            rows.append(EquationRow("", "", _latex(line)))
    return tuple(rows)


def _step(step: Step) -> StepView:
    words = tuple(w if isinstance(w, str) else Math(_latex(w)) for w in step.words)
    return StepView(
        step.kind, step.title, _rows(step.lines), words, str(step.check), step.check.method
    )


def view(d: RegressionDerivation) -> DerivationView:
    return DerivationView(
        (_TITLES[d.prior],),
        d.method,
        d.name,
        tuple(_step(s) for s in d.steps),
        _rows(d.results),
        d.assumptions,
        d.closed_form,
    )
