"""``mlemap models [--json]``: every model and prior ``derive`` accepts, with domains and the
priors that fit each parameter."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..catalog import MATRIX_MODELS, MODELS, PRIORS
from ..catalog.model import Model, Parameter
from ..engine.reach import fitting_priors

__all__ = ["catalog", "configure", "run"]


def configure(commands: argparse._SubParsersAction) -> None:
    """Add the ``models`` subcommand to ``commands``."""
    models = commands.add_parser(
        "models", help="list the catalog: models, parameters, domains, priors"
    )
    models.add_argument(
        "--json", action="store_true", help="print it as JSON (default: readable text)"
    )


def catalog() -> dict[str, Any]:
    """The catalog as plain data: what ``derive`` and ``check`` accept."""
    models = [
        {
            "name": model.name,
            "description": model.description,
            "data": model.support.describe(),
            "parameters": [_parameter(model, p) for p in model.parameters],
            "joint_priors": [prior.name for prior in PRIORS if prior.fits_all(model.parameters)]
            if model.constraints
            else [],
            "known": [p.name for p in model.constants],
        }
        for model in MODELS
    ]
    matrix = [
        {"name": m.name, "description": m.description, "priors": dict(m.priors)}
        for m in MATRIX_MODELS
    ]
    priors = [
        {
            "name": prior.name,
            "description": prior.description,
            "hyperparameters": {h.name: h.domain.describe() for h in prior.hyperparameters},
        }
        for prior in PRIORS
    ]
    return {"models": models, "matrix_models": matrix, "priors": priors}


def _parameter(model: Model, parameter: Parameter) -> dict[str, Any]:
    """A parameter's domain and the priors derive takes on it: with every parameter
    estimated, and the further ones with the others known (a constrained parameter takes
    only a joint prior, listed with the model)."""
    together, alone = [], []
    if not model.constraints:
        together = [prior.name for prior in fitting_priors(model, parameter)]
        alone = [
            prior.name
            for prior in fitting_priors(model, parameter, alone=True)
            if prior.name not in together
        ]
    return {
        "name": parameter.name,
        "domain": parameter.domain.describe(),
        "priors": together,
        "priors_alone": alone,
    }


def run(arguments: argparse.Namespace) -> int:
    """Print the catalog; the exit status."""
    found = catalog()
    if arguments.json:
        print(json.dumps(found, indent=2, ensure_ascii=False))
        return 0
    for model in found["models"]:
        parameters = ", ".join(f"{p['name']} in {p['domain']}" for p in model["parameters"])
        known = ", ".join(model["known"])
        print(f"{model['name']}: {model['description']}")
        print(
            f"    data in {model['data']}; parameters: {parameters}"
            + (f"; known: {known}" if known else "")
        )
        for p in model["parameters"]:
            if p["priors"]:
                print(f"    priors for {p['name']}: {', '.join(p['priors'])}")
            if p["priors_alone"]:
                print(
                    f"    priors for {p['name']} with the others known: "
                    f"{', '.join(p['priors_alone'])}"
                )
        if model["joint_priors"]:
            names = ", ".join(p["name"] for p in model["parameters"])
            print(f"    priors for ({names}) jointly: {', '.join(model['joint_priors'])}")
    for model in found["matrix_models"]:
        print(f"{model['name']}: {model['description']}")
        print("    no prior: the MLE (OLS)")
        for name, what in model["priors"].items():
            print(f"    prior {name}: {what}")
    print()
    print("priors:")
    for prior in found["priors"]:
        hypers = ", ".join(f"{h} in {d}" for h, d in prior["hyperparameters"].items())
        print(f"  {prior['name']}: {prior['description']}" + (f" ({hypers})" if hypers else ""))
    return 0
