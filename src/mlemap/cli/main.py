"""The command line: ``mlemap handout``, ``mlemap derive``, ``mlemap models``, ``mlemap check``.
Thin over the library; every error a user can cause is one line on stderr and exit status 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import metadata

from ..errors import MlemapError
from . import check, derive, handout, models

__all__ = ["main"]

#: Each subcommand's module: ``configure(commands)`` adds it, ``run(arguments)`` runs it.
COMMANDS = {"handout": handout, "derive": derive, "models": models}


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
    for command in COMMANDS.values():
        command.configure(commands)
    mounted = commands.add_parser(
        "check", help="check a hand derivation (see 'mlemap check -h')", add_help=False
    )
    mounted.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["check"]:
        return check.main_check(argv[1:])
    arguments = _parser().parse_args(argv)
    try:
        return COMMANDS[arguments.command].run(arguments)
    except MlemapError as error:
        print(f"mlemap: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("mlemap: interrupted; files already written are complete", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
