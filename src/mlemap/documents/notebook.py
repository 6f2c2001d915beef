"""Jupyter displays: a whole derivation as one LaTeX display (``_repr_latex_``), and the
parts a user looks at on their own (``d.results``, ``d.estimates``, a step).

Each step is a heading row and its equations, aligned at the relation (the result step
defines the statistics it uses). Everything shown comes from the view or is read back like
it (:mod:`mlemap.documents.readback`), as in every other document.
"""

from __future__ import annotations

import sympy as sp

from ..catalog.symbols import hat
from ..engine.derivation import Derivation, Estimates, Results, Step
from ..errors import MlemapError
from ..regression.record import RegressionDerivation
from .record import view_of
from .view import EquationRow, Math, equation_rows

__all__ = ["display_latex"]


def _heading(words: tuple[object, ...]) -> str:
    text = "".join(f"${w.latex}$" if isinstance(w, Math) else str(w) for w in words)
    return rf"& \textbf{{{text}}}"


def _row(row: EquationRow) -> str:
    relation = f" {row.relation}" if row.relation else ""
    return f"{row.lhs} &{relation} {row.rhs}"


def _aligned(lines: list[str]) -> str:
    return "$$\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}$$"


def _derivation(record: Derivation | RegressionDerivation) -> str:
    shown = view_of(record)
    lines = [_heading(shown.title)]
    for number, step in enumerate(shown.steps, 1):
        title = step.title if isinstance(step.title, tuple) else (step.title,)
        lines.append(_heading((f"{number}. ", *title)))
        lines += [_row(r) for r in step.rows]
    return _aligned(lines)


def _results(results: Results) -> str:
    record = results.record
    if isinstance(record, RegressionDerivation):
        return _aligned([_row(r) for r in view_of(record).results])
    definitions = [sp.Eq(s, v, evaluate=False) for s, v in record.statistics.items()]
    lines = (*results, *definitions)
    rows = equation_rows(lines, record.problem, "the results", record.statistics)
    return _aligned([_row(r) for r in rows])


def _estimates(estimates: Estimates) -> str:
    record = estimates.record
    if isinstance(record, RegressionDerivation):
        return _results(record.results)
    lines = tuple(sp.Eq(hat(p), value, evaluate=False) for p, value in estimates.items())
    rows = equation_rows(lines, record.problem, "the estimates")
    return _aligned([_row(r) for r in rows])


def _step(step: Step) -> str:
    if step.problem is None:
        raise MlemapError(f"step {step.title!r} belongs to no problem, so it has no display")
    rows = equation_rows(step.lines, step.problem, f"the step {step.title!r}")
    return _aligned([_heading((step.heading,)), *(_row(r) for r in rows)])


def display_latex(obj: object) -> str:
    """``obj`` (a derivation, its results, its estimates or one step) as one
    ``$$\\begin{aligned}…$$`` for Jupyter."""
    if isinstance(obj, Results):
        return _results(obj)
    if isinstance(obj, Estimates):
        return _estimates(obj)
    if isinstance(obj, Step):
        return _step(obj)
    return _derivation(obj)
