"""``mlemap derive MODEL``: one derivation, as Markdown, LaTeX, HTML or plain text."""

from __future__ import annotations

import argparse
import sys

import sympy as sp

from ..catalog.likelihoods import categorical, multinomial
from ..catalog.priors import dirichlet
from ..checker.plain import plain, to_claim
from ..documents.files import write_atomic, write_together
from ..documents.ipynb import notebook
from ..documents.record import view_of
from ..documents.render import FORMATS, Renderer
from ..documents.worksheet import WORKSHEET_VERSIONS, exercise_steps, worksheet_of
from ..engine.derivation import Record
from ..engine.derive import derive
from ..engine.display import present
from ..engine.notation import to_text
from ..errors import MlemapError
from .options import add_exercises, estimate_option, prior_option
from .output import OUTPUT_HELP, Target, derivation_stem, target

__all__ = ["WRITES", "configure", "run"]

#: The formats derive writes, the default first.
WRITES = (*FORMATS, "text", "ipynb")
#: The models and priors whose size --K sets: the number of categories.
SIZED_MODELS = {"categorical": categorical, "multinomial": multinomial}
SIZED_PRIORS = {"dirichlet": dirichlet}


def configure(commands: argparse._SubParsersAction) -> None:
    """Add the ``derive`` subcommand to ``commands``."""
    one = commands.add_parser(
        "derive",
        help="derive one estimator",
        description="Derive one MLE or MAP estimator and render it.",
    )
    one.add_argument("model", help="a model from 'mlemap models'")
    one.add_argument(
        "--prior",
        action="append",
        metavar="PRIOR|PARAM=PRIOR",
        help="a prior for the single estimated parameter, or PARAM=PRIOR "
        "(repeatable) (default: none, the MLE)",
    )
    one.add_argument(
        "--estimate",
        action="append",
        metavar="PARAM[,PARAM]",
        help="parameters to estimate, repeated or comma-separated; the others are known "
        "(default: all)",
    )
    one.add_argument(
        "--format",
        choices=WRITES,
        help="md (Markdown with $…$ maths), tex (a LaTeX document), html (a self-contained web "
        "page, maths as MathML), text (plain text) or ipynb (a Jupyter notebook that also "
        "simulates, estimates and plots); "
        "default: from -o's extension, else md",
    )
    one.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help=f"{OUTPUT_HELP} (default: the folder output, file MODEL-[PRIOR-]mle|map.FORMAT)",
    )
    one.add_argument(
        "--K",
        type=int,
        metavar="K",
        help="the number of categories of a categorical or multinomial model and its Dirichlet "
        "prior (default: 3)",
    )
    add_exercises(one, "FILE-worksheet.md beside FILE-solutions.md; md or tex")
    one.add_argument(
        "--templates",
        metavar="DIR",
        help="folder of templates that override the shipped ones (default: none)",
    )


def _line(line: sp.Basic, d: Record) -> str:
    """One displayed line in the syntax ``mlemap check`` reads (k/n, sum(x_i), dl/dtheta)."""
    model = getattr(d, "model", None)
    if model is None:  # a matrix derivation: (XᵀX)⁻¹Xᵀy, as its claims write it
        return to_claim(line)
    if isinstance(line, sp.Eq):
        rhs = present(line.rhs, model)
        if rhs == line.lhs:  # a definition, xbar = sum(x_i)/n: keep its sum
            return f"{to_claim(line.lhs)} = {to_claim(line.rhs)}"
        return f"{plain(line.lhs, model)} = {to_claim(rhs)}"
    return plain(line, model)


def _words(obj: object, d: Record) -> str:
    """A SymPy object in a step's explanation, as the lines write it; a support as text."""
    if isinstance(obj, sp.Basic):
        return _line(obj, d)
    return to_text(obj)


def _text(d: Record) -> str:
    found = "; ".join(_line(r, d) for r in d.results) or "no closed form"
    problem = getattr(d, "problem", None)
    if problem is None:  # a matrix derivation
        what = f"{d.method} of {d.name}"
    else:
        priors = ", ".join(f"{p} ~ {b.family_text()}" for p, b in problem.priors.items())
        what = f"{d.method} of {problem.model.name}" + (f", prior {priors}" if priors else "")
    lines = [f"{what}: {found}", ""]
    for number, step in enumerate(d.steps, 1):
        words = "".join(w if isinstance(w, str) else _words(w, d) for w in step.words)
        lines.append(f"{number}. {step.heading}: {words}")
        lines += [f"     {_line(line, d)}" for line in step.lines]
        lines.append(f"     [checked: {step.check}]")
    return "\n".join(lines) + "\n"


def run(arguments: argparse.Namespace) -> int:
    """Derive, render and write (or print) one derivation; the exit status."""
    estimate = estimate_option(arguments.estimate)
    prior = prior_option(arguments.prior)
    model, prior = _sized(arguments.model, prior, arguments.K, arguments.exercises)
    name = model if isinstance(model, str) else model.name
    stem = derivation_stem(
        name, prior if isinstance(prior, str | dict | None) else "dirichlet", estimate
    )
    where = target(arguments.output, stem, arguments.format, WRITES)
    d = derive(model, prior=prior, estimate=estimate)
    fmt = where.format
    if arguments.exercises is not None:
        return _worksheets(d, where, exercise_steps(arguments.exercises or None), arguments)
    if fmt == "text":
        content = _text(d)
    elif fmt == "ipynb":
        content = notebook([(d.render("md", arguments.templates), d)])
    else:
        content = d.render(fmt, arguments.templates)
    if where.path is None:
        sys.stdout.write(content)
        return 0
    write_atomic(where.path, content)
    print(where.path)
    return 0


def _sized(model: str, prior: object, size: int | None, exercises: object) -> tuple:
    """The model and prior with ``size`` categories where --K is given (3 is the catalog's)."""
    if size is None or size == 3:
        return model, prior
    if model not in SIZED_MODELS:
        raise MlemapError(
            f"--K sets the number of categories of {', '.join(SIZED_MODELS)}; model "
            f"{model!r} has none"
        )
    if exercises is not None:
        raise MlemapError("--exercises needs a catalog model, so --K must be 3 (the default)")
    names = [prior] if isinstance(prior, str) else list(prior.values()) if prior else []
    if len(names) == 1 and names[0] in SIZED_PRIORS:
        return SIZED_MODELS[model](size), SIZED_PRIORS[names[0]](size)
    return SIZED_MODELS[model](size), prior


def _worksheets(
    d: Record, where: Target, kinds: tuple[str, ...], arguments: argparse.Namespace
) -> int:
    """Write the worksheet and its solutions beside it."""
    if where.path is None or where.format == "text":
        raise MlemapError("--exercises writes two files, in md or tex: give -o a folder or a file")
    renderer, shown = Renderer(arguments.templates), view_of(d)
    files = {
        where.versioned(version).path: renderer.render(
            "derivation", where.format, d=worksheet_of(d, shown, kinds, version == "solutions")
        )
        for version in WORKSHEET_VERSIONS
    }
    for path in write_together(files):
        print(path)
    return 0
