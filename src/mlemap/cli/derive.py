"""``mlemap derive MODEL``: one derivation, as Markdown, LaTeX or plain text."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..documents.files import write_atomic
from ..documents.render import FORMATS
from ..engine.derive import derive
from .options import estimate_option, prior_option

__all__ = ["configure", "run"]


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
        "(repeatable); omit for the MLE",
    )
    one.add_argument(
        "--estimate",
        action="append",
        metavar="PARAM[,PARAM]",
        help="parameters to estimate, repeated or comma-separated; the others are known",
    )
    one.add_argument("--format", choices=(*FORMATS, "text"), default="md")
    one.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="file to write, or - for standard output (default: output/MODEL.FORMAT)",
    )
    one.add_argument(
        "--templates", metavar="DIR", help="folder of templates that override the shipped ones"
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
    d = derive(arguments.model, prior=prior_option(arguments.prior), estimate=estimate)
    fmt = arguments.format
    content = _text(d) if fmt == "text" else d.render(fmt, arguments.templates)
    if arguments.output == "-":
        sys.stdout.write(content)
        return 0
    suffix = "txt" if fmt == "text" else fmt
    target = Path(arguments.output or f"output/{arguments.model}.{suffix}")
    write_atomic(target, content)
    print(target)
    return 0
