"""Any derivation record as a document: what the engine's record methods delegate to."""

from __future__ import annotations

from pathlib import Path

from ..engine.derivation import Derivation
from ..regression.record import RegressionDerivation
from . import regression
from .render import Renderer
from .view import DerivationView, view

__all__ = ["render", "view_of"]


def view_of(record: Derivation | RegressionDerivation) -> DerivationView:
    """The view of a derivation of either engine: the Σ-pipeline or matrix calculus."""
    if isinstance(record, RegressionDerivation):
        return regression.view(record)
    return view(record)


def render(
    record: Derivation | RegressionDerivation, fmt: str, templates: str | Path | None = None
) -> str:
    """``record`` as a document in ``fmt`` ("md", "tex" or "html"), with ``templates`` first."""
    return Renderer(templates).render("derivation", fmt, d=view_of(record))
