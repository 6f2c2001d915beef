"""The command line: ``mlemap handout``, ``mlemap derive``, ``mlemap models``, ``mlemap check``.
Thin over the library; every error a user can cause is one line on stderr and exit status 2."""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import threading
from collections.abc import Sequence
from importlib import metadata
from types import ModuleType

from ..errors import MlemapError

__all__ = ["main"]

#: Each subcommand's module: ``configure(commands)`` adds it, ``run(arguments)`` runs it.
#: A module is loaded only when its command runs (or for the overall help), so that
#: ``mlemap check`` does not load the documents stage, nor ``mlemap models`` the engine.
COMMANDS = ("handout", "derive", "models")


def _command(name: str) -> ModuleType:
    return importlib.import_module(f"{__package__}.{name}")


def _version() -> str:
    try:
        return metadata.version("mlemap")
    except metadata.PackageNotFoundError:  # running from a source tree without installing
        return "(not installed)"


def _parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlemap",
        description="Derive MLE and MAP estimators step by step, and render them as handouts.",
    )
    parser.add_argument("--version", action="version", version=f"mlemap {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    wanted = [argv[0]] if argv[:1] and argv[0] in COMMANDS else COMMANDS
    for name in wanted:
        _command(name).configure(commands)
    mounted = commands.add_parser(
        "check", help="check a hand derivation (see 'mlemap check -h')", add_help=False
    )
    mounted.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


#: Exit statuses besides 0, 1 (a wrong claim) and 2 (bad input).
INTERNAL_ERROR, BROKEN_PIPE, INTERRUPTED, TERMINATED = 70, 141, 130, 143


class Terminated(BaseException):
    """SIGTERM, raised where the program is so that temporary files are cleaned up."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def _tolerant_streams() -> None:
    """Write what a terminal's encoding cannot show as escapes, never a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _tolerant_streams()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)
    program = "mlemap"  # as argparse names it in a usage error: "mlemap derive: error: …"
    try:
        if argv[:1] == ["check"]:
            return _command("check").main_check(argv[1:])
        arguments = _parser(argv).parse_args(argv)
        program = f"mlemap {arguments.command}"
        return _command(arguments.command).run(arguments)
    except MlemapError as error:
        print(f"{program}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("mlemap: interrupted; files already written are complete", file=sys.stderr)
        return INTERRUPTED
    except Terminated:
        print("mlemap: terminated; files already written are complete", file=sys.stderr)
        return TERMINATED
    except BrokenPipeError:
        # The reader left (mlemap models | head): say nothing, and let Python's own flush at
        # exit find a closed stream rather than print a second traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE
    except Exception as error:  # a bug of ours: one line, never a traceback
        print(
            f"mlemap: internal error: {type(error).__name__}: {error}; please report it "
            f"with this command line and mlemap {_version()}",
            file=sys.stderr,
        )
        return INTERNAL_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
