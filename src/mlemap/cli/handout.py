"""``mlemap handout [SPEC …]``: the seed handout, or a handout of listed derivations."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from ..documents.figures import plots_available
from ..documents.files import write_together
from ..documents.handout import (
    custom_derivations,
    custom_worksheets,
    seed_handout,
    seed_notebook,
    seed_worksheets,
)
from ..documents.ipynb import notebook
from ..documents.pdf import compile_pdf, latex_available
from ..documents.record import view_of
from ..documents.render import FORMATS, Renderer, escape_markdown
from ..documents.worksheet import exercise_steps
from ..errors import MlemapError
from .options import SPEC_HELP, add_exercises, estimate_option, parse_spec, prior_option
from .output import target
from .progress import Progress

__all__ = ["configure", "run"]


def configure(commands: argparse._SubParsersAction) -> None:
    """Add the ``handout`` subcommand to ``commands``."""
    handout = commands.add_parser(
        "handout",
        help="write a handout (Markdown, LaTeX, HTML, and PDF when LaTeX is installed)",
        description="Without arguments, the seed handout (MLE, MAP, their connection, a worked "
        "comparison). With derivations listed, a handout of those.",
    )
    handout.add_argument("derivations", nargs="*", metavar="SPEC", help=SPEC_HELP)
    handout.add_argument(
        "--prior",
        action="append",
        metavar="PRIOR|PARAM=PRIOR",
        help="a prior for the one listed derivation, as for derive (default: none, the MLE)",
    )
    handout.add_argument(
        "--estimate",
        action="append",
        metavar="PARAM[,PARAM]",
        help="parameters to estimate in the one listed derivation (default: all)",
    )
    handout.add_argument(
        "--title",
        help="the handout's title (default: the seed handout's own, or 'Derivations: …')",
    )
    handout.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="a folder, or a file whose name the set takes (handout.md beside handout.tex "
        "and handout.pdf) (default: the folder output)",
    )
    handout.add_argument(
        "--name",
        help="file name, without extension (default: handout for the seed handout, "
        "custom-handout for listed derivations)",
    )
    handout.add_argument(
        "--templates",
        metavar="DIR",
        help="folder of templates that override the shipped ones (default: none)",
    )
    handout.add_argument(
        "--no-pdf", action="store_true", help="do not compile the PDF (default: compile it)"
    )
    add_exercises(handout, "NAME-worksheet.md, .tex beside NAME-solutions.md, .tex")


def _specs(arguments: argparse.Namespace) -> list[tuple[str, object, list[str] | None]]:
    """The listed derivations, with --prior/--estimate applied to the one listed."""
    specs = [parse_spec(s) for s in arguments.derivations]
    if arguments.prior is None and arguments.estimate is None:
        return specs
    if len(specs) != 1:
        raise MlemapError(
            "--prior and --estimate apply to one listed derivation; for several, write each "
            "as MODEL:PRIOR or MODEL[PARAM]:PRIOR"
        )
    ((model, prior, estimate),) = specs
    if (prior is not None and arguments.prior) or (estimate is not None and arguments.estimate):
        raise MlemapError(
            f"{arguments.derivations[0]} already names its prior or parameters; "
            "give them once, in the spec or as options"
        )
    return [
        (
            model,
            prior if prior is not None else prior_option(arguments.prior),
            estimate if estimate is not None else estimate_option(arguments.estimate),
        )
    ]


def _described(model: str, prior: object, estimate: list[str] | None) -> str:
    """One listed derivation in words: ``normal (mu), prior mu ~ normal``."""
    words = model + (f" ({', '.join(estimate)})" if estimate else "")
    if isinstance(prior, dict):
        return words + ", prior " + ", ".join(f"{p} ~ {q}" for p, q in prior.items())
    return words + (f", prior {prior}" if prior else "")


def _documents(
    arguments: argparse.Namespace, renderer: Renderer, progress: Progress
) -> tuple[dict[str, dict[str, str]], dict[str, bytes]]:
    """The documents to write by version ("" the handout; else worksheet and solutions),
    each by format, and the figures they show (file name → bytes)."""
    kinds = None if arguments.exercises is None else exercise_steps(arguments.exercises or None)
    if arguments.derivations:
        specs = _specs(arguments)
        title = arguments.title or "Derivations: " + "; ".join(_described(*s) for s in specs)
        if kinds is not None:
            versions = custom_worksheets(specs, kinds, progress)
            return {
                version: {
                    fmt: renderer.render("collection", fmt, title=title, derivations=views)
                    for fmt in FORMATS
                }
                for version, views in versions.items()
            }, {}
        records = custom_derivations(specs, progress)
        views = [view_of(d) for d in records]
        documents = {
            fmt: renderer.render("collection", fmt, title=title, derivations=views)
            for fmt in FORMATS
        }
        # the notebook: each derivation's own cells, then the code that runs it
        sections: list = [(f"# {escape_markdown(title)}", None)]
        sections += [
            (renderer.render("derivation", "md", d=v), d)
            for v, d in zip(views, records, strict=True)
        ]
        return {"": {**documents, "ipynb": notebook(sections)}}, {}
    handouts = {"": seed_handout(progress)} if kinds is None else seed_worksheets(kinds, progress)
    if arguments.title:
        handouts = {v: replace(h, title=arguments.title) for v, h in handouts.items()}
    # Every version shows the same figures, drawn once.
    figures = next(iter(handouts.values())).files()
    found = {
        version: {fmt: renderer.render("handout", fmt, images=figures, h=h) for fmt in FORMATS}
        for version, h in handouts.items()
    }
    if kinds is None:
        found[""]["ipynb"] = seed_notebook(found[""]["md"])
    return found, figures


def _note(progress: Progress, message: str) -> None:
    """One line on standard error, after the progress line is cleared."""
    progress.done()
    print(f"mlemap: {message}", file=sys.stderr)


def run(arguments: argparse.Namespace) -> int:
    """Derive, render and write a handout (and its PDF); the exit status."""
    if arguments.output == "-":
        raise MlemapError("a handout is a set of files; give -o a folder or a file name")
    if not arguments.derivations and (arguments.prior or arguments.estimate):
        raise MlemapError(
            "--prior and --estimate need a derivation listed, e.g. poisson --prior gamma"
        )
    stem = "custom-handout" if arguments.derivations else "handout"
    where = target(arguments.output, stem, None, (*FORMATS, "pdf", "ipynb"), arguments.name)
    progress = Progress()
    renderer = Renderer(arguments.templates)
    try:
        files: dict[Path, str | bytes] = {}
        versions, figures = _documents(arguments, renderer, progress)
        files.update({where.folder / relative: data for relative, data in figures.items()})
        for version, documents in versions.items():
            place = where.versioned(version)
            files.update({place.sibling(fmt): text for fmt, text in documents.items()})
            if not arguments.no_pdf and latex_available():
                progress("compiling the PDF")
                pdf = place.sibling("pdf")
                files[pdf] = compile_pdf(documents["tex"], pdf, figures)
        if not arguments.no_pdf and not latex_available():
            _note(
                progress,
                "PDF skipped: latexmk or pdflatex not found; install TeX Live "
                "(latexmk, texlive-latex-recommended) or use --no-pdf",
            )
        if not arguments.derivations and not plots_available():
            _note(
                progress,
                "plots left out (the handout says where): matplotlib is not installed; "
                "pip install 'mlemap[plots]'",
            )
        written = write_together(files)  # the set replaced together: never half new
    finally:
        progress.done()
    for path in written:
        print(path)
    return 0
