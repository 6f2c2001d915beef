"""``mlemap models``: the catalog, with domains and the priors that fit each parameter."""

from __future__ import annotations

import argparse

from ..catalog import MODELS, PRIORS

__all__ = ["configure", "run"]


def configure(commands: argparse._SubParsersAction) -> None:
    """Add the ``models`` subcommand to ``commands``."""
    commands.add_parser("models", help="list the catalog: models, parameters, domains, priors")


def run(arguments: argparse.Namespace) -> int:
    """Print the catalog; the exit status."""
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
