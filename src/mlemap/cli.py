"""The command line: ``mlemap handout``, ``mlemap derive``, ``mlemap models``. Thin over the
library; every error a user can cause is one line on stderr and exit status 2."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from . import __name__ as package
from .catalog import MODELS, PRIORS
from .derive import derive
from .errors import MlemapError
from .files import write_atomic
from .handout import custom_handout, seed_handout
from .pdf import compile_pdf, latex_available
from .progress import Progress
from .render import FORMATS, Renderer

__all__ = ["estimate_option", "main", "parse_spec", "prior_option"]

SPEC = re.compile(
    r"^(?P<model>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?:\[(?P<estimate>[A-Za-z_][A-Za-z0-9_]*(?:,[A-Za-z_][A-Za-z0-9_]*)*)\])?"
    r"(?::(?P<prior>[A-Za-z_][A-Za-z0-9_=,]*))?$"
)
SPEC_HELP = (
    "MODEL, MODEL:PRIOR, MODEL:PARAM=PRIOR[,PARAM=PRIOR] or MODEL[PARAM,…]:… to estimate only "
    "those parameters (e.g. poisson:gamma, normal[mu]:normal)"
)


def parse_spec(text: str) -> tuple[str, object, list[str] | None]:
    """``normal[mu]:mu=normal`` → ("normal", {"mu": "normal"}, ["mu"])."""
    match = SPEC.match(text.replace(" ", ""))
    if not match:
        raise MlemapError(f"cannot read {text!r}; write {SPEC_HELP}")
    prior_text = match["prior"]
    prior: object = None
    if prior_text:
        if "=" in prior_text:
            pairs = [p.split("=") for p in prior_text.split(",")]
            if any(len(p) != 2 or not all(p) for p in pairs):
                raise MlemapError(f"cannot read the priors in {text!r}; write {SPEC_HELP}")
            prior = dict(pairs)
        else:
            prior = prior_text
    estimate = match["estimate"].split(",") if match["estimate"] else None
    return match["model"], prior, estimate


def _version() -> str:
    try:
        return metadata.version("mlemap")
    except metadata.PackageNotFoundError:  # running from a source tree without installing
        return "(not installed)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlemap",
        description="Derive MLE and MAP estimators step by step, and render them as handouts.",
    )
    parser.add_argument("--version", action="version", version=f"mlemap {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    handout = commands.add_parser(
        "handout",
        help="write a handout (Markdown, LaTeX, and PDF when LaTeX is installed)",
        description="Without arguments, the seed handout (MLE, MAP, their connection, a worked "
        "comparison). With derivations listed, a handout of those.",
    )
    handout.add_argument("derivations", nargs="*", metavar="SPEC", help=SPEC_HELP)
    handout.add_argument("--title", help="title of a handout of listed derivations")
    handout.add_argument(
        "-o",
        "--output",
        default="output",
        metavar="DIR",
        help="folder to write to (default: output)",
    )
    handout.add_argument(
        "--name",
        help="file name without extension (default: handout for the seed handout, "
        "custom-handout for listed derivations)",
    )
    handout.add_argument(
        "--templates", metavar="DIR", help="folder of templates that override the shipped ones"
    )
    handout.add_argument("--no-pdf", action="store_true", help="do not compile the PDF")

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

    commands.add_parser("models", help="list the catalog: models, parameters, domains, priors")

    check = commands.add_parser(
        "check", help="check a hand derivation (see 'mlemap check -h')", add_help=False
    )
    check.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def estimate_option(values: list[str] | None) -> list[str] | None:
    """The repeatable --estimate option, each value a parameter or a comma-separated list."""
    if values is None:
        return None
    names = [name.strip() for value in values for name in value.split(",")]
    if not all(names):
        raise MlemapError("--estimate needs parameter names, e.g. --estimate mu or mu,sigma2")
    return names


def prior_option(values: list[str] | None) -> str | dict[str, str] | None:
    """The repeatable --prior option: one PRIOR, or PARAM=PRIOR for each parameter."""
    if not values:
        return None
    if len(values) == 1 and "=" not in values[0]:
        return values[0]
    pairs = {}
    for value in values:
        name, _, prior = value.partition("=")
        if not name or not prior:
            raise MlemapError(f"cannot read --prior {value!r}; write PRIOR or PARAM=PRIOR")
        pairs[name] = prior
    return pairs


def _text(d) -> str:
    lines = [repr(d), ""]
    for number, step in enumerate(d.steps, 1):
        lines.append(f"{number}. {step.heading}: {step.explanation}")
        lines += [f"     {line}" for line in map(str, step.lines)]
        lines.append(f"     [checked: {step.check}]")
    return "\n".join(lines) + "\n"


def _derive_command(arguments: argparse.Namespace) -> int:
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


def _handout_command(arguments: argparse.Namespace) -> int:
    name = arguments.name or ("custom-handout" if arguments.derivations else "handout")
    if not name or Path(name).name != name or name in (".", ".."):
        raise MlemapError(f"--name {name!r} must be a plain file name, without folders")
    progress = Progress()
    renderer = Renderer(arguments.templates)
    folder = Path(arguments.output)
    try:
        if arguments.derivations:
            specs = [parse_spec(s) for s in arguments.derivations]
            views = custom_handout(specs, progress)
            title = arguments.title or "Derivations: " + ", ".join(arguments.derivations)
            documents = {
                fmt: renderer.render("collection", fmt, title=title, derivations=views)
                for fmt in FORMATS
            }
        else:
            if arguments.title:
                raise MlemapError("--title applies to a handout of listed derivations")
            handout = seed_handout(progress)
            documents = {fmt: renderer.render("handout", fmt, h=handout) for fmt in FORMATS}
        written = [write_atomic(folder / f"{name}.{fmt}", text) for fmt, text in documents.items()]
        if not arguments.no_pdf and latex_available():
            progress("compiling the PDF")
            tex = folder / f"{name}.tex"
            written.append(compile_pdf(tex, tex.with_suffix(".pdf")))
    finally:
        progress.done()
    for path in written:
        print(path)
    return 0


def _models_command() -> int:
    for model in MODELS:
        parameters = ", ".join(f"{p.name} in {p.domain.describe()}" for p in model.parameters)
        constants = ", ".join(p.name for p in model.constants)
        print(f"{model.name}: {model.description}")
        print(
            f"    data in {model.support.describe()}; parameters: {parameters}"
            + (f"; known: {constants}" if constants else "")
        )
        for p in model.parameters:
            fitting = ", ".join(prior.name for prior in PRIORS if prior.fits(p))
            print(f"    priors for {p.name}: {fitting}")
    print()
    print("priors:")
    for prior in PRIORS:
        hypers = ", ".join(f"{h.name} in {h.domain.describe()}" for h in prior.hyperparameters)
        print(f"  {prior.name}: {prior.description}" + (f" ({hypers})" if hypers else ""))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["check"]:
        from .check_cli import main_check

        return main_check(argv[1:])
    arguments = _parser().parse_args(argv)
    try:
        if arguments.command == "derive":
            return _derive_command(arguments)
        if arguments.command == "handout":
            return _handout_command(arguments)
        return _models_command()
    except MlemapError as error:
        print(f"{package}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{package}: interrupted; files already written are complete", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
