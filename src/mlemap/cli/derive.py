"""``mlemap derive MODEL``: one derivation, as Markdown, LaTeX or plain text."""

from __future__ import annotations

import argparse
import sys

from ..documents.files import write_atomic
from ..documents.render import FORMATS
from ..engine.derive import derive
from .options import estimate_option, prior_option
from .output import OUTPUT_HELP, derivation_stem, target

__all__ = ["WRITES", "configure", "run"]

#: The formats derive writes, the default first.
WRITES = (*FORMATS, "text")


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
        help="md (Markdown with $…$ maths), tex (a LaTeX document) or text (plain text); "
        "default: from -o's extension, else md",
    )
    one.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help=f"{OUTPUT_HELP} (default: the folder output, file MODEL-[PRIOR-]mle|map.FORMAT)",
    )
    one.add_argument(
        "--templates",
        metavar="DIR",
        help="folder of templates that override the shipped ones (default: none)",
    )


def _text(d) -> str:
    lines = [repr(d), ""]
    for number, step in enumerate(d.steps, 1):
        lines.append(f"{number}. {step.heading}: {step.explanation}")
        lines += [f"     {line}" for line in map(str, step.lines)]
        lines.append(f"     [checked: {step.check}]")
    return "\n".join(lines) + "\n"


def run(arguments: argparse.Namespace) -> int:
    """Derive, render and write (or print) one derivation; the exit status."""
    estimate = estimate_option(arguments.estimate)
    prior = prior_option(arguments.prior)
    stem = derivation_stem(arguments.model, prior, estimate)
    where = target(arguments.output, stem, arguments.format, WRITES)
    d = derive(arguments.model, prior=prior, estimate=estimate)
    fmt = where.format
    content = _text(d) if fmt == "text" else d.render(fmt, arguments.templates)
    if where.path is None:
        sys.stdout.write(content)
        return 0
    write_atomic(where.path, content)
    print(where.path)
    return 0
