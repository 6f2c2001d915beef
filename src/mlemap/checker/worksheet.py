"""A filled-in worksheet, checked as it is: each answer block against its own derivation.

A worksheet (``mlemap handout --exercises``) holds answer blocks between two HTML comments::

    <!-- mlemap answer: normal; estimate mu,sigma2; step 4, score -->
    $$ \\begin{aligned} \\frac{\\partial}{\\partial \\mu} \\ell &= … \\end{aligned} $$
    <!-- mlemap end -->

The first names the derivation: the model, ``prior PARAM=PRIOR[,…]``, ``estimate P[,…]`` and
the step. Each block is read by the checker's own reader with the worksheet's line numbers
kept, and a line left blank (nothing after its last ``=``) is not an answer yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..engine.derivation import Record
from ..engine.outcome import Outcome
from ..engine.store import outcome_of
from ..errors import ParseError
from .judge import check
from .report import CheckReport

__all__ = ["AnswerReport", "WorksheetReport", "check_worksheet", "is_worksheet"]

BLOCK = re.compile(
    r"<!--\s*mlemap answer:(?P<spec>[^>]*?)-->(?P<body>.*?)<!--\s*mlemap end\s*-->", re.S
)
FIELD = re.compile(r"^(?P<key>prior|estimate|step)\s+(?P<value>.+)$")
#: What a blank right side may hold: nothing, or a placeholder.
BLANK = re.compile(r"(?:\\(?:begin|end)\{\w+\*?\}|\\ldots|\\dots|…|\?|_{2,}|[&\s$])*")


def is_worksheet(text: str) -> bool:
    """Whether ``text`` holds worksheet answer blocks."""
    return BLOCK.search(text) is not None


@dataclass(frozen=True)
class AnswerReport:
    """One answer block: where it is, what it answers, and its check (None: left blank)."""

    line: int
    model: str
    step: str
    report: CheckReport | None


@dataclass(frozen=True)
class WorksheetReport:
    """The checks of every answer block of a worksheet."""

    answers: tuple[AnswerReport, ...]

    @property
    def filled(self) -> tuple[AnswerReport, ...]:
        return tuple(a for a in self.answers if a.report is not None)

    @property
    def verdict(self) -> str:
        """'correct' when every filled-in answer is, 'wrong' when one is, else 'undecided'."""
        verdicts = {a.report.verdict for a in self.filled}
        if "wrong" in verdicts:
            return "wrong"
        return "undecided" if "undecided" in verdicts else "correct"

    @property
    def first_wrong(self) -> AnswerReport | None:
        return next((a for a in self.filled if a.report.verdict == "wrong"), None)

    @property
    def exit_code(self) -> int:
        return 0 if self.verdict == "correct" else 1

    def __str__(self) -> str:
        out = []
        for answer in self.answers:
            out.append(f"Answer at line {answer.line} ({answer.model}, step {answer.step}):")
            if answer.report is None:
                out += ["  not filled in yet", ""]
                continue
            for step in answer.report.steps:
                out += ["  " + line for line in step.report()]
            out.append("")
        blank = len(self.answers) - len(self.filled)
        left = f"; {blank} left blank" if blank else ""
        wrong = self.first_wrong
        if wrong is not None:
            line = wrong.report.first_wrong.line
            out.append(f"Verdict: wrong; the first wrong step is line {line}{left}.")
        elif self.verdict == "undecided":
            out.append(f"Verdict: undecided{left}.")
        else:
            out.append(f"Verdict: all {len(self.filled)} answers correct{left}.")
        return "\n".join(out)


def _specification(text: str, line: int) -> tuple[str, dict[str, str], list[str], str]:
    """``normal; prior mu=normal; estimate mu; step 5, stationarity`` → its parts."""
    model, *fields = [f.strip() for f in text.split(";")]
    prior: dict[str, str] = {}
    estimate: list[str] = []
    step = ""
    for field in fields:
        match = FIELD.match(field)
        if match is None or not re.fullmatch(r"\w+", model):
            raise ParseError(
                f"line {line}: cannot read the answer block's header {text.strip()!r}; a "
                "worksheet writes 'mlemap answer: MODEL; prior P=PRIOR; estimate P; step N'"
            )
        key, value = match["key"], match["value"]
        if key == "prior":
            pairs = [p.split("=") for p in value.split(",")]
            if any(len(p) != 2 for p in pairs):
                raise ParseError(f"line {line}: cannot read the priors {value!r}; write P=PRIOR")
            prior = {name.strip(): kind.strip() for name, kind in pairs}
        elif key == "estimate":
            estimate = [p.strip() for p in value.split(",")]
        else:
            step = value
    return model, prior, estimate, step


def _filled(body: str) -> str | None:
    """``body`` with each row left blank (nothing after its last ``=``) blanked out, every
    character but the newlines, so that the rest keeps its line numbers; None if every row
    is blank."""
    separator = r"\\\\" if "$" in body or "\\begin" in body else r"\n"
    kept, filled = [], False
    for piece in re.split(separator, body):
        last = piece.rsplit("=", 1)
        blank = len(last) == 2 and BLANK.fullmatch(last[1]) is not None
        filled = filled or not (blank or BLANK.fullmatch(piece))
        kept.append(re.sub(r"[^\n$]", " ", piece) if blank else piece)
    return ("\\\\" if separator != r"\n" else "\n").join(kept) if filled else None


def check_worksheet(text: str) -> WorksheetReport:
    """Check every filled-in answer of a worksheet against the engine's derivation of the
    model its block names; at least one answer must be filled in."""
    blocks = list(BLOCK.finditer(text))
    if not blocks:
        raise ParseError("no answer blocks: this is not a worksheet written by mlemap")
    derived: dict[tuple[object, ...], Outcome | Record] = {}
    answers = []
    for block in blocks:
        line = text.count("\n", 0, block.start()) + 1
        model, prior, estimate, step = _specification(block["spec"], line)
        key = (model, tuple(sorted(prior.items())), tuple(estimate))
        if key not in derived:
            derived[key] = outcome_of(model, prior or None, estimate or None)
        body = _filled(block["body"])
        report = None
        if body is not None:
            # the block alone, at its own lines: reports name the worksheet's lines
            report = check(derived[key], "\n" * text.count("\n", 0, block.start("body")) + body)
        answers.append(AnswerReport(line, model, step, report))
    found = WorksheetReport(tuple(answers))
    if not found.filled:
        raise ParseError(f"no answer is filled in yet: all {len(blocks)} answer blocks are blank")
    return found
