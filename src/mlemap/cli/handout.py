"""``mlemap handout [SPEC …]``: the seed handout, or a handout of listed derivations."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..documents.files import write_together
from ..documents.handout import custom_handout, seed_handout
from ..documents.pdf import compile_pdf, latex_available
from ..documents.render import FORMATS, Renderer
from ..errors import MlemapError
from .options import SPEC_HELP, parse_spec
from .progress import Progress

__all__ = ["configure", "run"]


def configure(commands: argparse._SubParsersAction) -> None:
    """Add the ``handout`` subcommand to ``commands``."""
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


def run(arguments: argparse.Namespace) -> int:
    """Derive, render and write a handout (and its PDF); the exit status."""
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
        files: dict[Path, str | bytes] = {
            folder / f"{name}.{fmt}": text for fmt, text in documents.items()
        }
        if not arguments.no_pdf and latex_available():
            progress("compiling the PDF")
            pdf = folder / f"{name}.pdf"
            files[pdf] = compile_pdf(documents["tex"], pdf)
        elif not arguments.no_pdf:
            progress.done()
            print(
                "mlemap: note: latexmk and pdflatex are not installed, so no PDF was made; "
                "install TeX Live (latexmk, texlive-latex-recommended) or pass --no-pdf",
                file=sys.stderr,
            )
        written = write_together(files)  # the set replaced together: never half new
    finally:
        progress.done()
    for path in written:
        print(path)
    return 0
