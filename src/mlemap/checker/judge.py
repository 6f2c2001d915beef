"""Checking hand algebra against the engine: a result, a log-likelihood, a score, or a chain.

A step whose left side names a quantity (θ̂, l(θ), dl/dθ, d²l/dθ²) is compared with the
engine's: estimates and derivatives exactly; a log-likelihood or log-posterior up to an
additive constant free of the parameters (the two have equal derivatives in every
parameter, on domains that are intervals); a likelihood L up to a constant factor. A line
that continues with ``= …`` continues the same quantity, and ``= 0`` after a derivative sets
it to zero. An equation without such a label (k(1 − θ) = (n − k)θ) must follow from the
steps before it: it is correct if it holds identically or at the engine's estimate, the
root the steps lead to.

Equality is decided symbolically where SymPy can (after the Σ-rules) and otherwise at random
data sets and parameter values (:func:`mlemap.engine.verify.compare`); each result says which.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np
import sympy as sp

from ..catalog.model import Model
from ..catalog.symbols import n
from ..engine.curvature import hessian
from ..engine.derivation import Derivation
from ..engine.limits import TimeLimitExceeded, attempt, time_limit
from ..engine.outcome import Outcome
from ..engine.problem import Problem
from ..engine.request import PriorSpec
from ..engine.solve import score
from ..engine.store import outcome_of
from ..engine.sums import freeze, normalize, thaw
from ..engine.verify import (
    RELATIVE_TOLERANCE,
    SEED,
    Check,
    Comparison,
    compare,
    floating,
    zero_symbolically,
)
from ..errors import MlemapError, ParseError
from ..regression.record import RegressionDerivation
from .claims import Label, Line, parse_claims
from .diagnose import posterior_mean_matches, term_slips, transforms
from .parse import CONSTANT, Vocabulary
from .plain import plain
from .regression import check_regression
from .report import CheckReport, StepResult, describe_counterexample, number_text

__all__ = ["CheckReport", "StepResult", "check"]

#: Bounds on evaluating a claim at one random point, on deciding equality symbolically, on
#: each symbolic step of a diagnosis, and on a whole diagnosis.
EVALUATION_SECONDS = 5.0
SYMBOLIC_SECONDS = 5.0
DIAGNOSIS_SECONDS = 2.0
DIAGNOSIS_BUDGET = 5.0
#: Bound on reading and judging every step of one check, together, on any thread.
CHECK_SECONDS = 8.0


# -- what the engine says ----------------------------------------------------------------------
class _Engine:
    """The engine's form of every quantity a claim can name, for one derivation."""

    def __init__(self, outcome: Outcome, vocabulary: Vocabulary) -> None:
        self.outcome = outcome
        self.problem: Problem = outcome.problem
        self.estimates = outcome.estimates
        hats = vocabulary.hats
        self.hats = {h: self.estimates[p] for h, p in hats.items() if p in self.estimates}
        self.unsolved = tuple(h for h, p in hats.items() if p not in self.estimates)

    def function(self, of: str) -> sp.Expr:
        of = "log-posterior" if of == "posterior" else of
        if of == "log-posterior" and not self.problem.is_map:
            raise ParseError("a log-posterior needs a prior: pass prior=… (--prior in the CLI)")
        if of == "log-posterior" or not self.problem.is_map:
            return self.outcome.objective
        return self.outcome.log_likelihood

    def quantity(self, label: Label) -> sp.Expr | None:
        """The engine's value of what ``label`` names; None where it has no closed form."""
        if label.kind == "estimate":
            if not set(label.parameters) <= set(self.estimates):
                return None
            return normalize(label.form.xreplace(self.estimates))
        f = self.function(label.of or label.kind)
        value = f
        if label.kind == "score":
            p = label.parameters[0]
            value = score(f, p, self.problem)
            if label.by is not None:  # d/dσ = (d/dσ²) / (dσ/dσ²)
                value = normalize(value / sp.diff(label.by, p))
        elif label.kind == "second derivative":
            row, column = (self.problem.parameters.index(p) for p in label.parameters)
            value = hessian(f, self.problem)[row, column]
        if label.at_estimate:
            return normalize(value.xreplace(self.estimates)) if self.estimates else None
        return value

    def alternatives(self, label: Label) -> list[tuple[sp.Expr, str]]:
        """Right answers to a nearby question, for a diagnosis: the MLE where the MAP
        estimate was asked for, the log-likelihood's derivative for the log-posterior's."""
        if not self.problem.is_map:
            return []
        if label.kind == "estimate":
            mle = self.outcome.mle
            if set(label.parameters) <= set(mle):
                return [(label.form.xreplace(mle), "this is the MLE: it leaves out the prior")]
            return []
        if label.kind in ("score", "second derivative", "log-likelihood", "log-posterior"):
            likelihood = label.of == "log-likelihood" or label.kind == "log-likelihood"
            other = "log-posterior" if likelihood else "log-likelihood"
            kind = other if label.kind in ("log-likelihood", "log-posterior") else label.kind
            swapped = replace(label, kind=kind, of=other if label.of else "")
            text = f"this is the {label.describe().replace(label.of or label.kind, other)}"
            text += ": it includes the log-prior" if likelihood else ": the log-prior is missing"
            return [(self.quantity(swapped), text)]
        return []


# -- comparing ---------------------------------------------------------------------------------
def _symbolic(parameters: tuple[sp.Symbol, ...]) -> Callable[[sp.Expr], str | None]:
    def zero(difference: sp.Expr) -> str | None:
        # The Σ-rules are trusted here (they are not what is being checked): normalise, then
        # let SymPy decide with every sum frozen to a symbol; simplify on raw sums is slow.
        frozen, _ = freeze(normalize(difference, expand=parameters))
        return zero_symbolically(frozen)

    # a claim such as (x̄ + n)^300 makes expand run for minutes
    return lambda difference: attempt(SYMBOLIC_SECONDS, zero, difference)


def _compare(
    left: sp.Expr, right: sp.Expr, engine: _Engine, rng: np.random.Generator
) -> Comparison:
    symbolic = _symbolic(engine.problem.parameters)
    return compare(left, right, engine.problem, rng, symbolic, EVALUATION_SECONDS, exact=False)


def _verdict(comparison: Comparison) -> str:
    if comparison.equal:
        return "correct"
    return "undecided" if comparison.check.method == "undecided" else "wrong"


def _log(expr: sp.Expr) -> sp.Expr:
    """log of a likelihood, with log ∏ f(xᵢ) written Σ log f(xᵢ)."""
    return sp.expand_log(sp.log(expr), force=True).replace(
        lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sp.Product),
        lambda e: sp.Sum(sp.log(e.args[0].function), *e.args[0].limits),
    )


# -- the steps ---------------------------------------------------------------------------------
@dataclass
class _Step:
    """One claim: ``value`` is what ``label`` names, or, with no label, ``value = rhs``."""

    line: Line
    label: Label | None
    value: sp.Expr
    rhs: sp.Expr | None = None
    notes: tuple[str, ...] = ()

    @property
    def what(self) -> str:
        return self.label.describe() if self.label is not None else "equation"


def _constants(step: _Step) -> _Step:
    """``+ const`` dropped where the claim is compared up to an additive constant anyway."""
    step = replace(step, notes=(*step.line.notes, *step.notes))
    if step.line.proportional:
        step = replace(
            step, notes=(*step.notes, "∝: equal up to a positive factor free of the parameters")
        )
    if not step.value.has(CONSTANT) and not (step.rhs is not None and step.rhs.has(CONSTANT)):
        return step
    if step.label is None or step.label.kind not in ("log-likelihood", "log-posterior"):
        raise ParseError(
            f"line {step.line.number}: {step.line.text!r}: '+ const' stands for a constant free "
            "of the parameters, allowed in a log-likelihood or log-posterior only"
        )
    value = step.value.subs(CONSTANT, 0)
    if value.has(CONSTANT):
        raise ParseError(f"line {step.line.number}: write const as a term of its own: + const")
    note = "'+ const' read as a constant free of the parameters"
    return replace(step, value=value, notes=(*step.notes, note))


def _steps(lines: list[Line], parameters: tuple[sp.Symbol, ...], objective: str) -> list[_Step]:
    """The claims of each line, each continuation given the quantity it continues;
    ``objective`` names what a bare "score" differentiates."""
    steps: list[_Step] = []
    current: Label | None = None
    for line in lines:
        parts = list(line.parts)
        if line.proportional and not (
            (line.label or current) is not None
            and (line.label or current).kind in ("likelihood", "posterior")
        ):
            raise ParseError(
                f"line {line.number}: {line.text!r}: ∝ (equal up to a positive factor) relates "
                "densities only: a likelihood L(θ) or a posterior P(θ|D)"
            )
        if line.label is not None:
            current = line.label
            if current.of == "objective":
                current = replace(current, of=objective)
            steps.append(_Step(line, current, parts.pop(0)))
        elif not line.continues and len(parts) > 1:
            steps += [_Step(line, None, a, b) for a, b in pairwise(parts)]
            current = None
            continue
        for part in parts:
            previous = steps[-1] if steps else None
            if current is not None and part == 0 and current.kind in ("score", "second derivative"):
                if previous is not None and previous.label == current and previous.value != 0:
                    steps.append(_Step(line, None, previous.value, part, ("sets it to zero",)))
                else:  # dl/dθ = 0 on its own: the condition for a stationary point
                    steps.append(_Step(line, current, part))
                current = None
            elif current is not None:
                steps.append(_Step(line, current, part))
            elif previous is not None and line.continues:
                left = previous.rhs if previous.label is None else previous.value
                steps.append(_Step(line, None, left, part))
            elif previous is None and len(parameters) == 1 and not part.has(*parameters):
                current = Label("estimate", parameters, form=parameters[0])
                steps.append(_Step(line, current, part))
            else:
                p = parameters[0]
                raise ParseError(
                    f"line {line.number}: {line.text!r} does not say what it is: write "
                    f"{p}_hat = …, l({p}) = …, dl/d{p} = …, d2l/d{p}2 = … or an equation"
                )
    return [_constants(s) for s in steps]


def check(
    model: str | Model | Derivation | Outcome,
    claim: str,
    prior: PriorSpec = None,
    estimate: str | list[str] | None = None,
) -> CheckReport:
    """Check a hand-written result, or a chain of steps, against the engine's derivation.

    ``model`` is a catalog name, an :class:`mlemap.Model`, or a :class:`Derivation` already
    made, or its :class:`~mlemap.engine.outcome.Outcome` (each carries its own prior and
    estimated parameters); a catalog request's outcome is read from the engine's store
    (:mod:`mlemap.engine.store`) where this engine derived it before; ``claim`` is one claim
    (``"theta = k/n"``) or a document of steps, in plain syntax or LaTeX. Text that cannot
    be read raises :class:`ParseError` or :class:`UnknownNameError`.
    """
    if not isinstance(claim, str):
        raise ParseError(f"a claim must be text, not {type(claim).__name__}")
    if isinstance(model, Derivation | Outcome | RegressionDerivation):
        if prior is not None or estimate is not None:
            raise MlemapError("a Derivation carries its own prior and estimated parameters")
        outcome = model.outcome if isinstance(model, Derivation) else model
    else:
        outcome = outcome_of(model, prior, estimate)
    if isinstance(outcome, RegressionDerivation):
        return check_regression(outcome, claim)
    deadline = time.monotonic() + CHECK_SECONDS
    vocabulary = Vocabulary.of(outcome.problem)
    try:
        with time_limit(CHECK_SECONDS):
            lines = parse_claims(claim, vocabulary)
    except TimeLimitExceeded:
        raise ParseError(f"reading the steps took longer than {CHECK_SECONDS:g} s") from None
    objective = "log-posterior" if outcome.problem.is_map else "log-likelihood"
    steps = _steps(lines, outcome.problem.parameters, objective)
    engine = _Engine(outcome, vocabulary)
    rng = np.random.default_rng(SEED)
    return CheckReport(_title(outcome), tuple(_judged(steps, engine, rng, deadline)))


def _judged(
    steps: list[_Step], engine: _Engine, rng: np.random.Generator, deadline: float
) -> list[StepResult]:
    """Each step judged while the check's time lasts; the steps after it, undecided."""
    results = []
    for step in steps:
        left = deadline - time.monotonic()
        out_of_time = _undecided(step, f"the check ran out of its {CHECK_SECONDS:g} s")
        if left <= 0:
            results.append(out_of_time)
            continue
        try:
            with time_limit(left):
                results.append(_judge(step, engine, rng))
        except TimeLimitExceeded:
            results.append(out_of_time)
    return results


def _title(outcome: Outcome) -> str:
    text = f"{outcome.problem.method} derivation for {outcome.problem.model.name}"
    priors = [f"{p} ~ {b.family_text()}" for p, b in outcome.problem.priors.items()]
    return text + (f", prior {', '.join(priors)}" if priors else "")


def _undecided(step: _Step, detail: str) -> StepResult:
    return _report(step, "undecided", "undecided", detail)


def _judge(step: _Step, engine: _Engine, rng: np.random.Generator) -> StepResult:
    value = step.value.xreplace(engine.hats)
    rhs = None if step.rhs is None else step.rhs.xreplace(engine.hats)
    if value.has(*engine.unsolved) or (rhs is not None and rhs.has(*engine.unsolved)):
        return _undecided(step, "it uses an estimate the engine has no closed form for")
    label = step.label
    if label is None:
        return _judge_equation(step, value, rhs, engine, rng)
    if label.kind in ("score", "second derivative") and value == 0 and not label.at_estimate:
        detail = "setting the derivative to zero is the condition for a stationary point"
        return _report(step, "correct", "definition", detail)
    if label.kind == "estimate":
        if value.has(*label.parameters):  # θ = f(θ): an equation, not a closed form
            return _judge_equation(step, label.form, value, engine, rng)
        others = [p for p in engine.estimates if p not in label.parameters and value.has(p)]
        if others:
            value = value.xreplace({p: engine.estimates[p] for p in others})
            names = ", ".join(f"{p} as {p}_hat" for p in others)
            step = replace(step, notes=(*step.notes, f"reads {names}"))
    expected = engine.quantity(label)
    if expected is None:
        return _undecided(step, "the engine finds no closed form to compare with")
    if (
        label.kind in ("log-likelihood", "log-posterior", "likelihood", "posterior")
        and not label.at_estimate
    ):
        return _judge_function(step, value, expected, engine, rng)
    comparison = _compare(value, expected, engine, rng)
    return _result(step, comparison, value, expected, engine)


def _report(step: _Step, verdict: str, method: str, detail: str, **fields: object) -> StepResult:
    fields.setdefault("notes", step.notes)
    return StepResult(
        step.line.number, step.line.text, step.what, verdict, method, detail, **fields
    )


def _result(
    step: _Step, comparison: Comparison, value: sp.Expr, expected: sp.Expr, engine: _Engine
) -> StepResult:
    model = engine.problem.model
    verdict, found = _verdict(comparison), comparison.counterexample
    return _report(
        step,
        verdict,
        comparison.check.method,
        comparison.check.detail,
        claimed=plain(value, model),
        expected=expected,
        engine=plain(expected, model),
        counterexample=found,
        where=describe_counterexample(found, [value, expected], engine.problem, ("yours", "engine"))
        if found
        else "",
        diagnosis=_diagnose(step, value, expected, engine) if verdict == "wrong" else "",
    )


def _slopes(
    claimed: sp.Expr, expected: sp.Expr, engine: _Engine, rng: np.random.Generator
) -> tuple[list[Check], tuple[sp.Symbol, Comparison] | None]:
    """Compare the derivatives in each parameter (equal ones: the two differ by a constant);
    the checks that passed, and the first parameter whose derivatives differ."""
    checks = []
    for p in engine.problem.parameters:
        comparison = _compare(sp.diff(claimed, p), sp.diff(expected, p), engine, rng)
        if not comparison.equal:
            return checks, (p, comparison)
        checks.append(comparison.check)
    return checks, None


def _judge_function(
    step: _Step, value: sp.Expr, expected: sp.Expr, engine: _Engine, rng: np.random.Generator
) -> StepResult:
    """A (log-)likelihood: equal up to an additive constant (a constant factor for L)."""
    model = engine.problem.model
    likelihood = step.label.kind in ("likelihood", "posterior")
    claimed = _log(value) if likelihood else value
    checks, failed = _slopes(claimed, expected, engine, rng)
    shown = {"claimed": plain(value, model), "expected": expected, "engine": plain(expected, model)}
    if failed is not None:
        p, comparison = failed
        verdict, found = _verdict(comparison), comparison.counterexample
        slopes = [sp.diff(claimed, p), sp.diff(expected, p)]
        sides = (f"d/d{p} of yours", "of the engine's")
        return _report(
            step,
            verdict,
            comparison.check.method,
            f"its derivative in {p} differs from the engine's, so the two differ by more than "
            f"a constant; {comparison.check.detail}",
            **shown,
            counterexample=found,
            where=describe_counterexample(found, slopes, engine.problem, sides) if found else "",
            diagnosis=_diagnose(step, claimed, expected, engine)
            if verdict == "wrong" and not likelihood
            else "",
        )
    method = "numeric" if any(c.method == "numeric" for c in checks) else "symbolic"
    details = "; ".join(dict.fromkeys(c.detail for c in checks))
    detail = f"the derivative in each parameter equals the engine's: {details}"
    constant = _constant(claimed - expected, engine, rng)
    notes = step.notes if constant is None else (*step.notes, constant)
    if likelihood:
        objective = "log-posterior" if step.label.kind == "posterior" else "log-likelihood"
        notes = (*notes, f"compared as its log with the engine's {objective}")
    return _report(step, "correct", method, detail, **shown, notes=notes)


def _constant(difference: sp.Expr, engine: _Engine, rng: np.random.Generator) -> str | None:
    """What a correct (log-)likelihood differs from the engine's by; None if by nothing."""
    parameters, model = engine.problem.parameters, engine.problem.model

    def simplified() -> sp.Expr:
        frozen, table = freeze(normalize(difference, expand=parameters))
        return thaw(sp.simplify(frozen), table)

    simple = attempt(DIAGNOSIS_SECONDS, simplified)
    if simple == 0:
        return None
    what = "equal up to an additive constant that does not depend on the parameters"
    if simple is not None and not simple.has(*parameters):
        return f"{what}: yours - engine = {plain(simple, model)}"
    point = floating(engine.problem.random_point(rng))
    number = attempt(EVALUATION_SECONDS, engine.problem.value, difference, point)
    if number is not None and abs(number) <= RELATIVE_TOLERANCE:
        return None
    number = None if number is None else complex(number)
    return f"{what} (yours - engine = {number_text(number)} at one random data set)"


def _judge_equation(
    step: _Step, lhs: sp.Expr, rhs: sp.Expr, engine: _Engine, rng: np.random.Generator
) -> StepResult:
    """An equation: correct if it holds identically, or at the engine's estimate."""
    model = engine.problem.model
    claimed = f"{plain(lhs, model)} = {plain(rhs, model)}"
    identity = _compare(lhs, rhs, engine, rng)
    if identity.equal:
        # only a proof shows an identity; agreement at random points is evidence of one
        holds = "identically" if identity.check.method == "symbolic" else "for all data"
        detail = f"it holds {holds}; {identity.check.detail}"
        return _report(step, "correct", identity.check.method, detail, claimed=claimed)
    if not engine.estimates:
        return _undecided(step, "it is not an identity, and the engine has no closed form")
    at = engine.estimates
    sides = [lhs.xreplace(at), rhs.xreplace(at)]
    comparison = _compare(*sides, engine, rng)
    estimates = "; ".join(f"{p}_hat = {plain(v, model)}" for p, v in at.items())
    verdict, found = _verdict(comparison), comparison.counterexample
    holds = "does not hold" if verdict == "wrong" else "holds"
    return _report(
        step,
        verdict,
        comparison.check.method,
        f"it {holds} at the engine's estimate ({estimates}); {comparison.check.detail}",
        claimed=claimed,
        engine=estimates,
        counterexample=found,
        where=describe_counterexample(found, sides, engine.problem, ("left side", "right side"))
        if found
        else "",
        diagnosis="it does not follow from the steps before it: the engine's estimate, where "
        "they lead, does not satisfy it"
        if verdict == "wrong"
        else "",
    )


# -- explaining a difference ------------------------------------------------------------------
def _named_estimate_mistake(
    label: Label | None, value: sp.Expr, engine: _Engine, rng: np.random.Generator
) -> str:
    """The posterior mean for the mode, or a root the engine rejected for its domain."""
    if label is None or label.kind != "estimate" or len(label.parameters) != 1:
        return ""
    (p,) = label.parameters
    if label.form != p:
        return ""
    posterior = engine.outcome.posterior
    if posterior is not None and posterior.parameter == p:
        mean = attempt(
            DIAGNOSIS_SECONDS, posterior_mean_matches, value, posterior, engine.problem, rng
        )
        if mean:
            return f"this is the posterior mean of {p}; the MAP estimate is the posterior's mode"
    domain = engine.problem.domain(p).describe()
    for root in engine.outcome.rejected:
        if root.parameter == p and _compare(value, root.value, engine, rng).equal:
            return f"this root of the score lies outside the domain of {p}, {domain}: {root.reason}"
    return ""


def _diagnose(step: _Step, value: sp.Expr, expected: sp.Expr, engine: _Engine) -> str:
    """A short reason two expressions differ, where a cheap one is found; else ''."""
    return attempt(DIAGNOSIS_BUDGET, _diagnosis, step, value, expected, engine) or ""


def _diagnosis(step: _Step, value: sp.Expr, expected: sp.Expr, engine: _Engine) -> str:
    rng = np.random.default_rng(SEED)
    function = step.label is not None and step.label.kind in ("log-likelihood", "log-posterior")
    for alternative, text in engine.alternatives(step.label) if step.label else []:
        if alternative is None:
            continue
        if function and _slopes(value, alternative, engine, rng)[1] is None:
            return text
        if not function and _compare(value, alternative, engine, rng).equal:
            return text
    named = _named_estimate_mistake(step.label, value, engine, rng)
    if named:
        return named
    parameters = engine.problem.parameters
    (claimed, wanted), table = freeze(
        sp.Tuple(*(normalize(e, expand=parameters) for e in (value, expected)))
    )
    ratio = (
        attempt(DIAGNOSIS_SECONDS, lambda: sp.simplify(claimed / wanted)) if wanted != 0 else None
    )
    if ratio is not None and ratio.is_Number and ratio != 0:
        if ratio == -1:
            return "the sign is wrong: yours is minus the engine's"
        return f"off by a constant factor: yours is {ratio} times the engine's"
    # slips of the engine's own form, unexpanded: its terms are the ones a student writes
    estimate = step.label is not None and step.label.kind == "estimate"
    slips = [
        *(transforms(expected, step.label.form) if estimate else []),
        *term_slips(expected, engine.problem.model),
    ]
    for candidate, text in slips:
        if _compare(value, candidate, engine, rng).equal:
            return text
    for shift in (-1, 1, -2, 2):
        shifted = wanted.xreplace({n: n + shift})
        if attempt(DIAGNOSIS_SECONDS, lambda s=shifted: sp.simplify(claimed - s)) == 0:
            return f"n versus {n + shift}: yours is the engine's with n replaced by {n + shift}"
    if ratio is not None and ratio.free_symbols == {n}:
        return f"off by the factor {ratio}, which depends on n only"
    rest = attempt(DIAGNOSIS_SECONDS, lambda: sp.simplify(claimed - wanted))
    if rest is not None and rest.is_Number:
        return f"off by an additive constant: yours - engine = {rest}"
    if rest is not None and value.has(*parameters) and not rest.has(*parameters):
        term = plain(thaw(rest, table), engine.problem.model)
        return f"differs by a term free of the parameters: yours - engine = {term}"
    return ""
