"""A whole derivation as one LaTeX display, for Jupyter's ``_repr_latex_``.

Each step is a heading row and its equations, aligned at the relation (the result step
defines the statistics it uses). Everything shown comes from the view, so it has been
read back (:mod:`mlemap.documents.readback`) like every other document.
"""

from __future__ import annotations

from ..engine.derivation import Derivation
from ..regression.record import RegressionDerivation
from .record import view_of
from .view import EquationRow, Math

__all__ = ["display_latex"]


def _heading(words: tuple[object, ...]) -> str:
    text = "".join(f"${w.latex}$" if isinstance(w, Math) else str(w) for w in words)
    return rf"& \textbf{{{text}}}"


def _row(row: EquationRow) -> str:
    relation = f" {row.relation}" if row.relation else ""
    return f"{row.lhs} &{relation} {row.rhs}"


def display_latex(record: Derivation | RegressionDerivation) -> str:
    """The derivation's title and steps as one ``$$\\begin{aligned}…$$``."""
    shown = view_of(record)
    lines = [_heading(shown.title)]
    for number, step in enumerate(shown.steps, 1):
        title = step.title if isinstance(step.title, tuple) else (step.title,)
        lines.append(_heading((f"{number}. ", *title)))
        lines += [_row(r) for r in step.rows]
    return "$$\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}$$"
