"""Registries from a name to a model or a prior; adding an entry touches nothing else."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Generic, Protocol, TypeVar

from ..errors import MlemapError, ModelDefinitionError, UnknownNameError
from .model import Model, Prior

__all__ = ["MODELS", "PRIORS", "Catalog", "Registry", "register_model", "register_prior"]


class _Named(Protocol):
    name: str


Entry = TypeVar("Entry", bound=_Named)


class Catalog(Mapping[str, Entry]):
    """A read-only view of a registry, by name, that Jupyter shows as a table."""

    def __init__(self, entries: Mapping[str, Entry]) -> None:
        self._entries = MappingProxyType(entries)

    def __getitem__(self, name: str) -> Entry:
        return self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Catalog({', '.join(self._entries)})"

    def _repr_markdown_(self) -> str:
        rows = ["| name | parameters | description |", "|---|---|---|"]
        for name, entry in self._entries.items():
            declared = getattr(entry, "parameters", None) or getattr(entry, "hyperparameters", ())
            latex = ", ".join(f"${p.latex}$" for p in declared) or "none"
            description = getattr(entry, "description", "").replace("|", "\\|")
            rows.append(f"| `{name}` | {latex} | {description} |")
        return "\n".join(rows)


class Registry(Generic[Entry]):
    """An ordered, name-keyed collection of catalog entries of one kind."""

    def __init__(self, kind: str, entry_type: type) -> None:
        self.kind = kind
        self.entry_type = entry_type
        self._entries: dict[str, Entry] = {}

    def register(self, entry: Entry) -> Entry:
        if entry.name in self._entries:
            raise ModelDefinitionError(f"a {self.kind} named {entry.name!r} is already registered")
        self._entries[entry.name] = entry
        return entry

    def get(self, name: str) -> Entry:
        if not isinstance(name, str) or name not in self._entries:
            raise UnknownNameError(self.kind, name, self._entries)
        return self._entries[name]

    def resolve(self, spec: object) -> Entry:
        """An entry given by name, or one built by the user and passed as it is."""
        if isinstance(spec, self.entry_type):
            return spec  # type: ignore[return-value]
        if isinstance(spec, str):
            return self.get(spec)
        raise MlemapError(
            f"a {self.kind} must be a catalog name ({', '.join(self._entries)}) or an "
            f"mlemap.{self.entry_type.__name__}, not {type(spec).__name__}"
        )

    def names(self) -> list[str]:
        return list(self._entries)

    def view(self) -> Catalog[Entry]:
        return Catalog(self._entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries.values())

    def __contains__(self, name: object) -> bool:
        return name in self._entries


MODELS: Registry[Model] = Registry("model", Model)
PRIORS: Registry[Prior] = Registry("prior", Prior)


def register_model(model: Model) -> Model:
    """Add a model to the catalog so that ``derive(model.name)`` finds it."""
    return MODELS.register(model)


def register_prior(prior: Prior) -> Prior:
    """Add a prior to the catalog so that ``derive(..., prior=prior.name)`` finds it."""
    return PRIORS.register(prior)
