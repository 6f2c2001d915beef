"""``mlemap check MODEL [--prior P] CLAIM_OR_FILE``: check hand algebra from the command line.

The report goes to stdout; an input that cannot be read gives one line on stderr. Exit
codes: 0 every step is correct, 1 a step is wrong (or could not be decided), 2 the input
could not be read. :func:`configure` and :func:`run` let the ``mlemap`` command mount this
as its ``check`` subcommand; :func:`main_check` runs it on its own
(``python -m mlemap.cli.check bernoulli "theta = k/n"``).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from ..checker.judge import CheckReport, check
from ..checker.worksheet import WorksheetReport, check_worksheet, is_worksheet
from ..errors import MlemapError, ParseError
from .options import estimate_option, prior_option

__all__ = ["configure", "main_check", "run"]

EXAMPLES = """examples:
  mlemap check bernoulli --prior beta "theta = (k + alpha - 1)/(n + alpha + beta - 2)"
  mlemap check normal "sigma2 = sum((x_i - xbar)^2)/(n - 1)"
  mlemap check poisson steps.md      (one step a line, or Markdown/LaTeX math)
  mlemap check worksheet.md          (a filled-in worksheet: its answers name their models)

exit codes: 0 all correct, 1 a step is wrong or undecided, 2 the input could not be read

environment: a catalog model's derivation is kept for the next check in $MLEMAP_CACHE_DIR
(default ~/.cache/mlemap); MLEMAP_NO_CACHE=1 derives it each time"""
#: An argument without "=" that looks like a file name is read as a file, and must exist.
FILE_NAME = re.compile(r"[\w./~\\-]+\.\w+")


def configure(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the ``check`` arguments to ``parser`` (a subparser of ``mlemap``, or a new one)."""
    parser.description = "Check a hand-derived result, or a file of steps, against the engine."
    parser.epilog = EXAMPLES
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "model",
        help="a catalog model, e.g. bernoulli, normal, poisson; or alone, a filled-in worksheet",
    )
    parser.add_argument(
        "claim",
        metavar="CLAIM_OR_FILE",
        nargs="?",
        help='a claim such as "theta = k/n", a file of steps, or - for standard input '
        "(default: none; the first argument is then a worksheet)",
    )
    parser.add_argument(
        "--prior",
        action="append",
        metavar="[PARAMETER=]PRIOR",
        help="a prior for a MAP check: beta, or mu=normal (repeat for several parameters)",
    )
    parser.add_argument(
        "--estimate",
        action="append",
        metavar="PARAMETER",
        help="parameters to estimate, repeated or comma-separated; the others are known",
    )
    return parser


def _claim(argument: str) -> str:
    if argument == "-":
        return sys.stdin.read()
    path = Path(argument)
    if "=" not in argument and "\n" not in argument and FILE_NAME.fullmatch(argument):
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ParseError(f"cannot read the file {argument!r}: {error}") from None
    return argument


def _check(args: argparse.Namespace) -> CheckReport | WorksheetReport:
    if args.claim is None:  # mlemap check worksheet.md
        if args.prior or args.estimate:
            raise MlemapError("a worksheet names each answer's prior and parameters itself")
        text = _claim(args.model)
        if not is_worksheet(text):
            raise ParseError(
                f"{args.model!r} is not a worksheet (mlemap handout --exercises writes them); "
                "to check claims, give a model first: mlemap check MODEL CLAIM_OR_FILE"
            )
        return check_worksheet(text)
    text = _claim(args.claim)
    if is_worksheet(text):
        raise MlemapError(
            f"{args.claim} is a worksheet, whose answers name their own models; "
            f"check it alone: mlemap check {args.claim}"
        )
    return check(args.model, text, prior_option(args.prior), estimate_option(args.estimate))


def run(args: argparse.Namespace) -> int:
    """Check ``args.claim`` for ``args.model`` (or the worksheet ``args.model``) and print the
    report; the exit code."""
    try:
        report = _check(args)
    except MlemapError as error:
        message = " ".join(str(error).split())
        print(f"mlemap check: error: {message}", file=sys.stderr)
        return 2
    print(report)
    return report.exit_code


def main_check(argv: list[str]) -> int:
    """Run ``mlemap check`` with ``argv`` (the arguments after ``check``); the exit code."""
    parser = configure(argparse.ArgumentParser(prog="mlemap check"))
    try:
        args = parser.parse_intermixed_args(argv)
    except SystemExit as stop:  # --help (0) or a usage error (2): return it, do not exit
        return stop.code if isinstance(stop.code, int) else 2
    return run(args)


if __name__ == "__main__":
    sys.exit(main_check(sys.argv[1:]))
