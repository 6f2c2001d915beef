"""The result of checking hand algebra: a verdict per step, and on the whole."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..catalog.symbols import n
from ..engine.display import MEAN, present
from ..engine.limits import attempt
from ..engine.problem import Problem
from ..engine.sums import statistics
from ..engine.verify import Counterexample, floating
from .plain import plain

__all__ = ["CheckReport", "StepResult", "describe_counterexample", "number_text"]

SECONDS = 5.0  # bound on evaluating one statistic a counterexample shows


@dataclass(frozen=True)
class StepResult:
    """The verdict on one step: what it claims, how that was decided, and where it fails."""

    line: int
    text: str
    what: str  # "estimate of theta", "log-likelihood", "equation", …
    verdict: str  # "correct", "wrong" or "undecided"
    method: str  # "symbolic", "numeric" or "undecided"
    detail: str
    claimed: str = ""  # the claim as read, in plain syntax
    expected: sp.Expr | None = None  # the engine's form of the same quantity
    engine: str = ""  # the engine's form in plain syntax
    counterexample: Counterexample | None = None
    where: str = ""  # the counterexample in words: data, statistics, values, both sides
    diagnosis: str = ""
    notes: tuple[str, ...] = ()

    def report(self) -> list[str]:
        verdict = "WRONG" if self.verdict == "wrong" else self.verdict
        out = [f"line {self.line}: {self.text}"]
        out.append(f"  {self.what}: {verdict} ({self.method}: {self.detail})")
        out += [f"  note: {note}" for note in self.notes]
        if self.verdict != "correct":
            out += [f"  yours:  {self.claimed}"] * bool(self.claimed)
            out += [f"  engine: {self.engine}"] * bool(self.engine)
            out += [f"  counterexample: {self.where}"] * bool(self.where)
            out += [f"  diagnosis: {self.diagnosis}"] * bool(self.diagnosis)
        return out


@dataclass(frozen=True)
class CheckReport:
    """The outcome of :func:`check`: a result per step, and the verdict on them all."""

    problem: str  # "MAP derivation for bernoulli, prior theta ~ Beta(alpha, beta)"
    steps: tuple[StepResult, ...]

    @property
    def verdict(self) -> str:
        """'correct' when every step is, 'wrong' when one is, otherwise 'undecided'."""
        verdicts = {s.verdict for s in self.steps}
        if "wrong" in verdicts:
            return "wrong"
        return "undecided" if "undecided" in verdicts else "correct"

    @property
    def first_wrong(self) -> StepResult | None:
        return next((s for s in self.steps if s.verdict == "wrong"), None)

    @property
    def deciding(self) -> StepResult:
        """The step the verdict rests on: the first wrong, else the first undecided, else
        the last."""
        undecided = next((s for s in self.steps if s.verdict == "undecided"), None)
        return self.first_wrong or undecided or self.steps[-1]

    @property
    def method(self) -> str:
        return self.deciding.method

    @property
    def expected(self) -> sp.Expr | None:
        """The engine's expression for the deciding step."""
        return self.deciding.expected

    @property
    def counterexample(self) -> Counterexample | None:
        return self.deciding.counterexample

    @property
    def diagnosis(self) -> str:
        return self.deciding.diagnosis

    @property
    def exit_code(self) -> int:
        """0 when every step is correct; 1 when one is wrong or could not be decided."""
        return 0 if self.verdict == "correct" else 1

    def _repr_markdown_(self) -> str:
        """The report for Jupyter: a verdict per line of the claim, and what was wrong."""
        out = [f"**Checking against the {_markdown(self.problem)}.**", ""]
        out += ["| line | claim | verdict | how |", "|---:|---|---|---|"]
        for step in self.steps:
            verdict = "**wrong**" if step.verdict == "wrong" else step.verdict
            how = f"{step.method}: {step.detail}"
            cells = (str(step.line), f"`{step.text}`", verdict, _markdown(how))
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        for step in self.steps:
            if step.verdict == "correct":
                continue
            lines = step.report()[2:]
            if lines:
                out += ["", f"Line {step.line}:", ""]
                out += [f"- {_markdown(x.strip())}" for x in lines]
        out += ["", f"**Verdict: {self.verdict}.**"]
        return "\n".join(out)

    def __str__(self) -> str:
        out = [f"Checking against the {self.problem}.", ""]
        for step in self.steps:
            out += [*step.report(), ""]
        if self.first_wrong is not None:
            out.append(f"Verdict: wrong; the first wrong step is line {self.first_wrong.line}.")
        elif self.verdict == "undecided":
            out.append(f"Verdict: undecided at line {self.deciding.line}.")
        else:
            out.append("Verdict: correct." if len(self.steps) == 1 else "Verdict: all correct.")
        return "\n".join(out)


_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>$#"})


def _markdown(text: str) -> str:
    return text.translate(_MARKDOWN_SPECIAL)


def number_text(value: complex | sp.Expr | None) -> str:
    """A value as a report shows it: six significant digits, or "undefined"."""
    if value is None:
        return "undefined"
    number = complex(value)
    if not np.isfinite(number):
        return "undefined"
    if abs(number.imag) > 1e-12 * max(1.0, abs(number.real)):
        return f"{number.real:.6g}{number.imag:+.6g}i"
    return f"{number.real:.6g}"


def _observation_text(value: object) -> str:
    """One observation: a number, or a row of counts (3, 0, 2) for the multinomial."""
    if isinstance(value, tuple | list):
        return f"({', '.join(number_text(v) for v in value)})"
    return number_text(value)


def describe_counterexample(
    found: Counterexample, exprs: list[sp.Expr], problem: Problem, sides: tuple[str, str]
) -> str:
    """A counterexample in words: the data, the statistics and parameter values the two
    expressions use there, and both values."""
    model, point = problem.model, found.point
    parts = [
        f"n = {point.size}",
        f"{model.data} = ({', '.join(_observation_text(v) for v in point.data)})",
    ]
    for total in dict.fromkeys(s for e in exprs for s in statistics(e, problem.parameters)):
        value = attempt(SECONDS, problem.number, total, floating(point))
        shown = present(total, model)
        if shown == n * MEAN:
            parts.append(f"xbar = {number_text(None if value is None else value / point.size)}")
        else:
            parts.append(f"{plain(total, model)} = {number_text(value)}")
    used = set().union(*(e.free_symbols for e in exprs))
    for symbol, value in point.values.items():
        if symbol in used:
            parts.append(f"{symbol} = {number_text(value)}")
    values = f"{sides[0]} = {number_text(found.left)}, {sides[1]} = {number_text(found.right)}"
    return f"{'; '.join(parts)}: {values}"
