"""Worksheets: a derivation with chosen steps left blank for a student, and its solutions.

A blanked step shows a prompt and an answer block: the left sides the step derives (the
score dℓ/dθ, the root θ, the estimate θ̂), each followed by ``=`` and a blank to fill in;
the solutions version fills them in with the engine's right sides and shows the step
whole. The block sits between two HTML comments that Markdown hides and ``mlemap check``
reads::

    <!-- mlemap answer: bernoulli; prior theta=beta; estimate theta; step 6, score -->
    $$ … $$
    <!-- mlemap end -->

The first comment names the derivation (model, priors, estimated parameters), so a filled-in
worksheet is checked as it is, each answer against the engine's derivation of its model.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import sympy as sp

from ..engine.derivation import Derivation, Step
from ..engine.display import present
from ..errors import MlemapError
from ..regression.record import RegressionDerivation
from .view import DerivationView, Math, Typeset, typesetter

__all__ = [
    "EXERCISE_STEPS",
    "WORKSHEET_VERSIONS",
    "Answer",
    "Exercise",
    "exercise_steps",
    "worksheet",
    "worksheet_of",
]

#: The steps a worksheet leaves blank by default, and those it can.
EXERCISE_STEPS = ("score", "stationarity", "result")
#: The two versions written, each a suffix of the file name (handout-worksheet.md).
WORKSHEET_VERSIONS = ("worksheet", "solutions")


@dataclass(frozen=True)
class Answer:
    """One line to fill in: its left side in LaTeX, and the answer (empty on a worksheet)."""

    lhs: str
    rhs: str


@dataclass(frozen=True)
class Exercise:
    prompt: tuple[object, ...]  # text, or LaTeX wrapped in Math
    marker: str  # the comment before the answer block: which derivation and step
    answers: tuple[Answer, ...]
    solved: bool


def exercise_steps(text: str | None) -> tuple[str, ...]:
    """``--exercises score,result`` → ("score", "result"); None gives the default steps."""
    if text is None:
        return EXERCISE_STEPS
    kinds = tuple(dict.fromkeys(k.strip() for k in text.split(",") if k.strip()))
    unknown = [k for k in kinds if k not in EXERCISE_STEPS]
    if unknown or not kinds:
        raise MlemapError(
            f"cannot leave {', '.join(unknown) or 'no step'} blank; a worksheet's exercises "
            f"are steps among {', '.join(EXERCISE_STEPS)} (comma-separated)"
        )
    return kinds


def _marker(d: Derivation, number: int, step: Step) -> str:
    fields = [d.model.name]
    if d.problem.priors:
        priors = ",".join(f"{p}={b.prior.name}" for p, b in d.problem.priors.items())
        fields.append(f"prior {priors}")
    fields.append(f"estimate {','.join(str(p) for p in d.parameters)}")
    subject = f" in {step.subject}" if step.subject is not None else ""
    fields.append(f"step {number}, {step.kind}{subject}")
    return "mlemap answer: " + "; ".join(fields)


def _answered(step: Step, d: Derivation) -> list[sp.Equality]:
    """The lines of ``step`` a student writes: every score; the root; the estimates."""
    equations = [line for line in step.lines if isinstance(line, sp.Equality)]
    if step.kind == "score":
        return equations
    if step.kind == "stationarity":  # the root, where there is one in closed form
        last = equations[-1:] if equations else []
        return [e for e in last if e.lhs == step.subject]
    return [e for e in equations if e.lhs not in d.statistics]  # not k = Σ xᵢ


def _prompt(step: Step, d: Derivation, latex: Typeset) -> tuple[object, ...]:
    parameters = [Math(latex(p)) for p in d.parameters]
    listed: list[object] = []
    for number, p in enumerate(parameters):
        listed += [" and " if number == len(parameters) - 1 and number else ", " * bool(number), p]
    if step.kind == "score":
        objective = "log-posterior" if d.problem.is_map else "log-likelihood"
        plural = "s" if len(parameters) > 1 else ""
        return (f"Differentiate the {objective} in ", *listed, f": write the score{plural}.")
    if step.kind == "stationarity":
        p = Math(latex(step.subject))
        return ("Set the score in ", p, " to zero and solve for ", p, ".")
    plural = "s" if len(parameters) > 1 else ""
    return (f"Write the estimate{plural} of ", *listed, " in terms of the data's statistics.")


def worksheet(
    d: Derivation, shown: DerivationView, kinds: Iterable[str], solved: bool
) -> DerivationView:
    """``shown`` (the view of ``d``) with the steps of ``kinds`` as exercises: blank, or with
    ``solved`` filled in with the engine's answers."""
    kinds = set(kinds)
    latex = typesetter(d)
    steps = []
    for number, (step, view) in enumerate(zip(d.steps, shown.steps, strict=True), 1):
        lines = _answered(step, d) if step.kind in kinds else []
        if not lines:
            steps.append(view)
            continue
        answers = tuple(
            Answer(
                latex(present(e.lhs, d.model)),
                latex(present(e.rhs, d.model)) if solved else "",
            )
            for e in lines
        )
        exercise = Exercise(_prompt(step, d, latex), _marker(d, number, step), answers, solved)
        steps.append(replace(view, exercise=exercise))
    return replace(shown, steps=tuple(steps))


def worksheet_of(
    record: Derivation | RegressionDerivation,
    shown: DerivationView,
    kinds: Iterable[str],
    solved: bool,
) -> DerivationView:
    """:func:`worksheet` for a Σ-derivation; a matrix derivation stays whole, as the checker
    does not read its gradients yet."""
    if isinstance(record, RegressionDerivation):
        return shown
    return worksheet(record, shown, kinds, solved)
