"""The documents the output tests check: the committed handout and a sample of derivations."""

from __future__ import annotations

from functools import cache

from mlemap.cli.options import parse_spec
from mlemap.documents.handout import (
    SeedHandout,
    custom_handout,
    seed_handout,
    seed_notebook,
    seed_worksheets,
)
from mlemap.documents.render import FORMATS, Renderer
from mlemap.documents.worksheet import EXERCISE_STEPS
from mlemap.engine.derive import derive

#: Derivations rendered alone in the output tests: every kind of step and of result.
SAMPLES = [
    "bernoulli",
    "normal",
    "bernoulli:beta",
    "normal[mu]:normal",
    "poisson:uniform",
    "exponential:inverse_gamma",
    "weibull:gamma",
    "lognormal",
    "binomial:beta",
    "pareto:gamma",
    "gamma",
    "geometric:beta",
]


@cache
def seed() -> SeedHandout:
    """The seed handout, freshly derived (once per test run)."""
    return seed_handout()


@cache
def seed_documents() -> dict[str, str]:
    """The seed handout, freshly rendered, by format."""
    handout = seed()
    renderer = Renderer()
    images = handout.files()
    documents = {fmt: renderer.render("handout", fmt, images=images, h=handout) for fmt in FORMATS}
    return {**documents, "ipynb": seed_notebook(documents["md"])}


@cache
def seed_figures() -> dict[str, bytes]:
    """The seed handout's figure files, by path relative to it (figures/NAME.svg, .pdf)."""
    return seed().files()


@cache
def seed_worksheet_documents() -> dict[str, str]:
    """The seed handout's worksheet and solutions, by file name (handout-worksheet.md)."""
    renderer = Renderer()
    images = seed().files()
    return {
        f"handout-{version}.{fmt}": renderer.render("handout", fmt, images=images, h=h)
        for version, h in seed_worksheets(EXERCISE_STEPS).items()
        for fmt in FORMATS
    }


@cache
def sample_documents() -> dict[str, str]:
    """Each sample derivation and a custom handout, by "name.format"."""
    documents = {}
    for spec in SAMPLES:
        model, prior, estimate = parse_spec(spec)
        d = derive(model, prior=prior, estimate=estimate)
        for fmt in FORMATS:
            documents[f"{spec}.{fmt}"] = d.render(fmt)
    views = custom_handout([parse_spec("poisson:gamma"), parse_spec("exponential")])
    for fmt in FORMATS:
        documents[f"collection.{fmt}"] = Renderer().render(
            "collection", fmt, title="Rates: Poisson & exponential", derivations=views
        )
    return documents
