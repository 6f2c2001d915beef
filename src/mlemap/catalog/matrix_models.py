"""Models whose unknown is a vector, derived by matrix calculus rather than the Σ-pipeline.

Each entry names the priors it takes and the function that derives it; ``derive(name,
prior=...)`` looks here before the scalar catalog, so adding an entry touches nothing else.
The entries are registered by the stage that derives them (``mlemap.regression.entry``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .registry import Registry

__all__ = ["MATRIX_MODELS", "MatrixModel"]


@dataclass(frozen=True)
class MatrixModel:
    name: str
    description: str
    priors: Mapping[str, str]  # prior name → what it gives
    derive: Callable[[Any, Any], Any]  # (prior, estimate) → a derivation


MATRIX_MODELS: Registry[MatrixModel] = Registry("matrix model", MatrixModel)
