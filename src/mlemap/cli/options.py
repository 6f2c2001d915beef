"""Options shared by the subcommands: derivation specs, --prior and --estimate."""

from __future__ import annotations

import argparse
import re

from ..errors import MlemapError

__all__ = [
    "EXERCISES_HELP",
    "SPEC_HELP",
    "add_exercises",
    "estimate_option",
    "parse_spec",
    "prior_option",
]

SPEC = re.compile(
    r"^(?P<model>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?:\[(?P<estimate>[A-Za-z_][A-Za-z0-9_]*(?:,[A-Za-z_][A-Za-z0-9_]*)*)\])?"
    r"(?::(?P<prior>[A-Za-z_][A-Za-z0-9_=,]*))?$"
)
SPEC_HELP = (
    "MODEL, MODEL:PRIOR, MODEL:PARAM=PRIOR[,PARAM=PRIOR] or MODEL[PARAM,…]:… to estimate only "
    "those parameters (e.g. poisson:gamma, normal[mu]:normal)"
)

EXERCISES_HELP = (
    "write a worksheet with these steps blank (score, stationarity, result; default with the "
    "option: all three; default without it: no worksheet) and its solutions"
)


def add_exercises(parser: argparse.ArgumentParser, files: str) -> None:
    """The --exercises [STEP,…] option; ``files`` says what it writes."""
    parser.add_argument(
        "--exercises",
        nargs="?",
        const="",
        metavar="STEP[,STEP]",
        help=f"{EXERCISES_HELP} ({files})",
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
