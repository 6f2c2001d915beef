"""Models whose unknown is a vector, derived by matrix calculus rather than the Σ-pipeline.

Each entry names the priors it takes and the function that derives it; ``derive(name,
prior=...)`` looks here before the scalar catalog, so adding an entry touches nothing else.
The entries are registered by the stage that derives them (``mlemap.regression.entry``),
which the registry loads by name the first time it is asked, so that importing the catalog
does not load the stages above it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .registry import Registry

__all__ = ["MATRIX_MODELS", "MatrixModel"]


@dataclass(frozen=True)
class MatrixModel:
    name: str
    description: str
    priors: Mapping[str, str]  # prior name → what it gives
    derive: Callable[[Any, Any], Any]  # (prior, estimate) → a derivation


class _Provided(Registry[MatrixModel]):
    """A registry whose entries register themselves when their modules are loaded, which
    happens at its first lookup."""

    def __init__(self, kind: str, entry_type: type, providers: tuple[str, ...]) -> None:
        super().__init__(kind, entry_type)
        self._providers = providers
        self._loading = False

    def _load(self) -> None:
        if self._loading or not self._providers:
            return
        self._loading = True  # a provider's own lookups while it loads see what is there
        try:
            for module in self._providers:
                importlib.import_module(module)
            self._providers = ()
        finally:
            self._loading = False

    def get(self, name: str) -> MatrixModel:
        self._load()
        return super().get(name)

    def names(self) -> list[str]:
        self._load()
        return super().names()

    def view(self) -> MappingProxyType[str, MatrixModel]:
        self._load()
        return super().view()

    def __iter__(self) -> Iterator[MatrixModel]:
        self._load()
        return super().__iter__()

    def __contains__(self, name: object) -> bool:
        self._load()
        return super().__contains__(name)


MATRIX_MODELS: Registry[MatrixModel] = _Provided(
    "matrix model", MatrixModel, ("mlemap.regression.entry",)
)
