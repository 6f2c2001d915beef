"""What a rendered derivation shows, computed in Python: LaTeX for every equation, text and
maths segments for every explanation. Templates only lay this out."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sympy as sp

from ..catalog.model import Model
from ..catalog.symbols import hat, n
from ..engine.derivation import Derivation, Step
from ..engine.display import common_factors, present
from ..engine.problem import Problem
from .printing import latex_names, to_latex
from .prose import maths_runs
from .readback import Shown, read_back

__all__ = [
    "DerivationView",
    "EquationRow",
    "StepView",
    "equation_rows",
    "problem_typesetter",
    "view",
]

#: Display equations wider than this many shown characters (roughly) are broken before a
#: + or − so that they fit a page and a notebook cell.
LINE_CHARACTERS = 58


@dataclass(frozen=True)
class EquationRow:
    """One row of an aligned display: ``lhs`` (empty on a continuation row), relation, rhs."""

    lhs: str
    relation: str
    rhs: str


@dataclass(frozen=True)
class StepView:
    kind: str
    title: tuple[object, ...]  # text, or LaTeX wrapped in Math
    rows: tuple[EquationRow, ...]
    words: tuple[object, ...]  # text, or LaTeX wrapped in Math
    check: str
    method: str
    exercise: object = None  # a worksheet's Exercise in place of this step (worksheet.py)


@dataclass(frozen=True)
class Math:
    """Inline maths inside an explanation, already in LaTeX."""

    latex: str


@dataclass(frozen=True)
class DerivationView:
    title: tuple[object, ...]
    method: str
    model: str
    steps: tuple[StepView, ...]
    results: tuple[EquationRow, ...]
    assumptions: tuple[str, ...]
    closed_form: bool


Typeset = Callable[[object], str]

#: The relations a row is aligned at, and how each is typeset.
RELATIONS = {
    sp.Equality: "=",
    sp.GreaterThan: r"\geq",
    sp.LessThan: r"\leq",
    sp.StrictGreaterThan: ">",
    sp.StrictLessThan: "<",
}


def typesetter(d: Derivation, extra: dict[sp.Symbol, str] | None = None) -> Typeset:
    """LaTeX for the objects of one derivation, with its symbols' names (and ``extra``)."""
    return problem_typesetter(d.problem, extra)


def problem_typesetter(problem: Problem, extra: dict[sp.Symbol, str] | None = None) -> Typeset:
    """LaTeX for the objects of one problem, with its symbols' names (and ``extra``)."""
    names = {**latex_names(problem.declarations.values()), **(extra or {})}
    names[sp.Symbol("xbar", real=True)] = r"\bar{x}"
    last = {*problem.parameters, *(hat(p) for p in problem.parameters)}
    return lambda obj: to_latex(obj, names, last)


def _shown(expr: sp.Basic, model: Model) -> sp.Basic:
    """The handout form: named statistics (k, x̄) in place of data sums, and common factors
    taken out of products (n(x̄ − μ)/σ²); what is shown is read back against the object."""
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(lambda e: common_factors(present(e, model)))
    return common_factors(present(expr, model))


def _terms(expr: sp.Basic) -> list[sp.Basic] | None:
    return list(sp.Add.make_args(expr)) if isinstance(expr, sp.Add) else None


def equation_rows(
    lines: tuple[sp.Basic, ...], problem: Problem, where: str, definitions: Iterable = ()
) -> tuple[EquationRow, ...]:
    """The aligned rows of ``lines`` of one problem, each side read back before it is given;
    ``definitions`` are the statistics whose definitions (k = Σ xᵢ) show the sum."""
    shown: list[Shown] = []
    model = problem.model
    rows = _rows(lines, model, set(definitions), problem_typesetter(problem), where, shown)
    read_back(shown, problem)
    return rows


def _rows(
    lines: tuple[sp.Basic, ...],
    model: Model,
    definitions: set,
    names: Typeset,
    where: str,
    shown: list[Shown],
) -> tuple[EquationRow, ...]:
    """The aligned rows of ``lines``; each side's object and printed LaTeX go into ``shown``."""
    rows: list[EquationRow] = []
    previous = None
    for line in lines:
        if type(line) in RELATIONS:
            lhs, relation, rhs = line.lhs, RELATIONS[type(line)], line.rhs
        else:
            lhs, relation, rhs = None, "", line
        lhs_latex = names(_shown(lhs, model)) if lhs is not None else ""
        shown_lhs = "" if lhs_latex == previous else lhs_latex
        previous = lhs_latex
        # A statistic's definition (k = Σ xᵢ) shows the sum it names.
        shown_rhs = rhs if lhs in definitions else _shown(rhs, model)
        broken = _broken(shown_lhs, relation, shown_rhs, names)
        if lhs is not None:
            shown.append(Shown(where, _shown(lhs, model), lhs_latex))
        # What the rows show, read as one: continuation rows start with \quad.
        text = " ".join(r.rhs.removeprefix(r"\quad ") for r in broken)
        shown.append(Shown(where, shown_rhs, text))
        rows += broken
    return tuple(rows)


def _broken(lhs: str, relation: str, rhs: sp.Basic, names: Typeset) -> list[EquationRow]:
    """Break a long sum after a + or − into continuation rows."""
    whole = names(rhs)
    terms = _terms(rhs)
    room = LINE_CHARACTERS - _width(lhs)
    if _width(whole) <= room or not terms or len(terms) < 2:
        return [EquationRow(lhs, relation, whole)]
    pieces = _split_top_level(whole)
    rows, current = [], ""
    for piece in pieces:
        if current and _width(current) + _width(piece) > room:
            rows.append(current)
            current = piece
        else:
            current += piece
    rows.append(current)
    first, *rest = rows
    return [EquationRow(lhs, relation, first)] + [
        EquationRow("", "", r"\quad " + r.strip()) for r in rest
    ]


def _width(latex: str) -> int:
    """A rough count of the characters ``latex`` shows: a Greek letter counts one, a named
    function its name, sizing and grouping nothing, a fraction its wider part, and a
    binary operator three (with its spacing)."""
    text = re.sub(r"\\(left|right|quad|operatorname|mathrm|text)\b", "", latex)
    fraction = r"\\frac\{((?:[^{}]|\{[^{}]*\})*)\}\{((?:[^{}]|\{[^{}]*\})*)\}"
    text = re.sub(fraction, lambda m: max(m.group(1), m.group(2), key=len), text)
    text = re.sub(r"\\(log|exp|sum|prod)\b", r"\1", text)
    text = re.sub(r"\\[a-zA-Z]+", "x", text)
    text = re.sub(r"[{}^_ ]", "", text)
    return len(text) + 2 * sum(text.count(c) for c in "+-=")


def _split_top_level(latex: str) -> list[str]:
    """Cut a printed sum before each top-level + or − (outside braces and \\left…\\right)."""
    pieces, depth, start = [], 0, 0
    index = 0
    while index < len(latex):
        if latex.startswith(r"\left", index):
            depth += 1
            index += 5
            continue
        if latex.startswith(r"\right", index):
            depth -= 1
            index += 6
            continue
        char = latex[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char in "+-" and depth == 0 and index > 0 and latex[index - 1] == " ":
            pieces.append(latex[start:index])
            start = index
        index += 1
    pieces.append(latex[start:])
    return [p for p in pieces if p.strip()]


def _math(obj: object, names: Typeset, where: str, shown: list[Shown]) -> Math:
    """Inline maths for ``obj``; an expression or equation goes into ``shown`` to be read back
    (sets and supports are printed from the declarations' intervals, not read)."""
    latex = names(obj)
    if isinstance(obj, (sp.Expr, sp.Equality)):
        shown.append(Shown(where, obj, latex))
    return Math(latex)


def prose_symbols(problem: Problem) -> dict[str, sp.Basic]:
    """The one-letter names a problem's prose may use as variables: n, x, k, m, p, …"""
    model = problem.model
    found: dict[str, sp.Basic] = {"n": n, str(model.x.label): model.x.label}
    found.update({str(s): s for s in model.statistic_sums()})
    found.update({str(s): s for s in problem.declarations})
    return {name: s for name, s in found.items() if len(name) == 1}


def _words(
    step: Step, d: Derivation, names: Typeset, where: str, shown: list[Shown]
) -> tuple[object, ...]:
    symbols = prose_symbols(d.problem)
    out: list[object] = []
    for w in step.words:
        if isinstance(w, str):
            out += [
                p if isinstance(p, str) else _math(p, names, where, shown)
                for p in maths_runs(w, symbols)
            ]
        else:
            shown_w = _shown(w, d.model) if isinstance(w, sp.Basic) else w
            out.append(_math(shown_w, names, where, shown))
    return tuple(out)


def _title(d: Derivation, names: Typeset, shown: list[Shown]) -> tuple[object, ...]:
    words: list[object] = [f"{d.method} for the {d.model.label} model"]
    for number, (p, b) in enumerate(d.problem.priors.items()):
        family = f"{b.prior.family} prior" if b.hyperparameters else "flat prior"
        words += [
            " with a " if number == 0 else " and a ",
            f"{family} on ",
            _math(p, names, "the title", shown),
        ]
    return tuple(words)


def view(d: Derivation) -> DerivationView:
    """The format-independent view of a derivation."""
    names = typesetter(d)
    shown: list[Shown] = []
    steps = []
    for number, s in enumerate(d.steps, 1):
        where = f"step {number} ({s.title})"
        title = (
            (s.title,)
            if s.subject is None
            else (s.title, " in ", _math(s.subject, names, where, shown))
        )
        rows = _rows(s.lines, d.model, set(d.statistics), names, where, shown)
        steps.append(
            StepView(
                s.kind, title, rows, _words(s, d, names, where, shown), str(s.check), s.check.method
            )
        )
    results = _rows(tuple(d.results), d.model, set(d.statistics), names, "the results", shown)
    title = _title(d, names, shown)
    read_back(shown, d.problem)
    return DerivationView(
        title, d.method, d.model.name, tuple(steps), results, d.assumptions, d.closed_form
    )
