"""The record of a derivation: ordered, verified steps and the estimates they lead to."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sympy as sp

from ..catalog.model import Model
from ..catalog.symbols import hat
from . import hooks
from .bias import Bias
from .conjugacy import Posterior
from .curvature import Curvature
from .display import present, statistic_definitions
from .efficiency import Efficiency
from .information import Information
from .notation import to_text
from .outcome import Outcome
from .problem import BoundPrior, Problem
from .solve import Root, Solution
from .verify import Check

__all__ = ["Derivation", "Estimates", "Record", "Results", "Step"]


@dataclass(frozen=True)
class Step:
    """One step of a derivation: its lines (equations), why they hold, and how the engine
    checked them before recording the step.

    ``words`` is the explanation as segments: text, and SymPy objects (or a data support)
    that each output typesets in its own way.
    """

    kind: str
    title: str
    lines: tuple[sp.Basic, ...]
    words: tuple[object, ...]
    check: Check
    subject: sp.Basic | None = None  # what the step is about, typeset after the title
    # The problem whose names the step's symbols are typeset with (θ, σ²) in Jupyter.
    problem: Problem | None = field(default=None, compare=False, repr=False)

    def _repr_latex_(self) -> str:
        """The step's title and equations, aligned, for Jupyter."""
        return hooks.call("display", self)

    @property
    def heading(self) -> str:
        """The title as plain text, with its subject: "Stationarity in mu"."""
        return self.title if self.subject is None else f"{self.title} in {to_text(self.subject)}"

    @property
    def explanation(self) -> str:
        """The explanation as plain text."""
        return "".join(w if isinstance(w, str) else to_text(w) for w in self.words)

    def __repr__(self) -> str:
        return f"Step({self.kind!r}: {self.heading}; {self.check.method})"


class Record:
    """What every derivation record offers: Markdown, LaTeX, Jupyter display and an estimator,
    for scalar and matrix derivations alike. Each method delegates through :mod:`.hooks` to the
    stage that does the work (documents, estimators)."""

    def view(self) -> object:
        """The format-independent view that the derivation templates lay out."""
        return hooks.call("view", self)

    def render(self, fmt: str, templates: str | Path | None = None) -> str:
        """The derivation as a document: ``fmt`` is "md" or "tex"; ``templates`` names a folder
        whose templates override the shipped ones."""
        return hooks.call("render", self, fmt, templates)

    def to_markdown(self, templates: str | Path | None = None) -> str:
        """Markdown with $…$ maths, for GitHub, Jupyter and MathJax."""
        return self.render("md", templates)

    def to_latex(self, templates: str | Path | None = None) -> str:
        """A complete LaTeX document that compiles with pdflatex."""
        return self.render("tex", templates)

    def estimator(self) -> Any:
        """The estimates as a fast, validated NumPy function (see :mod:`mlemap.estimators`)."""
        return hooks.call("estimator", self)

    def fit(self, *data: object, **known: object) -> Any:
        """Estimates with standard errors, covariance and intervals: ``d.fit(x, **known)``,
        or ``d.fit(X, y, **known)`` for regression (see :mod:`mlemap.estimators.fit`)."""
        return hooks.call("fit", self, *data, **known)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_latex_(self) -> str:
        """The whole derivation, each step's equations aligned, for Jupyter."""
        return hooks.call("display", self)


class Results(tuple):
    """A record's results, θ̂ = k/n, …: a tuple of equations that Jupyter shows typeset."""

    record: Record

    def __new__(cls, equations: tuple[sp.Basic, ...], record: Record) -> Results:
        made = super().__new__(cls, equations)
        made.record = record
        return made

    def __getnewargs__(self) -> tuple[object, ...]:
        return (tuple(self), self.record)

    def _repr_latex_(self) -> str:
        return hooks.call("display", self)


class Estimates(dict):
    """A record's estimates, parameter → closed form: a dict that Jupyter shows typeset."""

    def __init__(self, found: dict[sp.Basic, sp.Basic], record: Record) -> None:
        super().__init__(found)
        self.record = record

    def __reduce__(self) -> tuple[object, ...]:
        return (Estimates, (dict(self), self.record))

    def _repr_latex_(self) -> str:
        return hooks.call("display", self)


@dataclass(frozen=True)
class Derivation(Record):
    """A complete MLE or MAP derivation for one problem."""

    problem: Problem
    objective: sp.Expr
    steps: tuple[Step, ...]
    solution: Solution
    curvature: Curvature | None = None
    posterior: Posterior | None = None
    mle: dict[sp.Symbol, sp.Expr] = field(default_factory=dict)
    assumptions: tuple[str, ...] = ()
    information: Information | None = None  # the MLE's Fisher information, where derived
    biases: dict[sp.Symbol, Bias | None] = field(default_factory=dict)  # None: not derived
    efficiencies: dict[sp.Symbol, Efficiency | None] = field(default_factory=dict)

    # -- what the problem was -------------------------------------------------------------
    @property
    def model(self) -> Model:
        return self.problem.model

    @property
    def method(self) -> str:
        return self.problem.method

    @property
    def priors(self) -> dict[str, BoundPrior]:
        return {str(p): b for p, b in self.problem.priors.items()}

    @property
    def parameters(self) -> tuple[sp.Symbol, ...]:
        return self.problem.parameters

    # -- what it found --------------------------------------------------------------------
    @property
    def estimates(self) -> Estimates:
        """Parameter → its estimate as a SymPy expression in the data sums (closed forms only)."""
        return Estimates(dict(self.solution.estimates), self)

    @property
    def closed_form(self) -> bool:
        return self.solution.closed_form

    @property
    def outcome(self) -> Outcome:
        """The results a claim is judged against, without the steps."""
        if self.problem.is_map:
            step = next(s for s in self.steps if s.kind == "log-likelihood")
            log_likelihood = step.lines[-1].rhs
        else:
            log_likelihood = self.objective
        return Outcome(
            self.problem,
            self.objective,
            log_likelihood,
            dict(self.solution.estimates) if self.closed_form else {},
            dict(self.mle),
            self.posterior,
            self.rejected,
        )

    @property
    def rejected(self) -> tuple[Root, ...]:
        return self.solution.rejected

    @property
    def results(self) -> Results:
        """θ̂ = … in handout form (k/n, x̄), one equation per estimated parameter."""
        return Results(
            tuple(
                sp.Eq(hat(p), present(self.display_estimates[p], self.model), evaluate=False)
                for p in self.solution.order
            ),
            self,
        )

    @property
    def display_estimates(self) -> dict[sp.Symbol, sp.Expr]:
        """Each estimate as its own equation gives it: later ones in terms of earlier
        estimates (σ̂² = (1/n) Σ (xᵢ − μ̂)²), the way a handout reads."""
        shown = {}
        by_parameter = {e.parameter: e for e in self.solution.equations}
        hats = {p: hat(p) for p in self.parameters}
        for p in self.solution.order:
            value = by_parameter[p].value
            if value is None or self.solution.method == "solving the equations jointly":
                value = self.solution.estimates[p]
            shown[p] = value.xreplace(hats)
        return shown

    @property
    def statistics(self) -> dict[sp.Symbol, sp.Expr]:
        """The named statistics the results use: k = Σ xᵢ, x̄ = Σ xᵢ / n."""
        return statistic_definitions(list(self.display_estimates.values()), self.model)

    def __repr__(self) -> str:
        prior = ""
        if self.problem.priors:
            prior = ", prior " + ", ".join(
                f"{', '.join(map(str, b.covers))}: {b.family_text()}"
                for b in self.problem.priors.values()
            )
        found = "; ".join(f"{r.lhs} = {r.rhs}" for r in self.results) or "no closed form"
        numeric = [str(p) for p in self.parameters if p not in self.solution.estimates]
        if self.results and numeric:  # a boundary estimate, then the numeric method
            found += f"; {', '.join(numeric)} numerically"
        return f"<Derivation {self.method} of {self.model.name}{prior}: {found}>"
