"""The one exception family of mlemap: every message says what was wrong and what is allowed."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "ConvergenceError",
    "ConvergenceWarning",
    "DataError",
    "DomainError",
    "MlemapError",
    "ModelDefinitionError",
    "MultipleMaximaWarning",
    "ParseError",
    "UnknownNameError",
    "UnsupportedModelError",
]


class MlemapError(Exception):
    """Base class of every error mlemap raises on purpose."""


class UnknownNameError(MlemapError, KeyError):
    """A name (model, prior, parameter, hyperparameter) that the catalog or model does not know."""

    def __init__(self, kind: str, name: object, known: Iterable[str], where: str = "") -> None:
        known = sorted(known)
        self.kind, self.name, self.known = kind, name, known
        place = f" {where}" if where else ""
        message = f"unknown {kind} {name!r}{place}; known {kind}s: {', '.join(known) or '(none)'}"
        lowered = {k.lower(): k for k in known}
        close = [lowered[c] for c in difflib.get_close_matches(str(name).lower(), lowered, n=1)]
        if close:
            message += f" (did you mean {close[0]!r}?)"
        super().__init__(message)

    def __str__(self) -> str:  # KeyError would otherwise quote the whole message
        return str(self.args[0])


class DomainError(MlemapError, ValueError):
    """A value or a prior that does not fit the domain it is meant for."""


class ModelDefinitionError(MlemapError, ValueError):
    """A model or prior declaration that is inconsistent."""


class ParseError(MlemapError, ValueError):
    """Text (a claim, a step, a file of steps) that could not be read as mathematics."""


class UnsupportedModelError(MlemapError, NotImplementedError):
    """A well-posed model with a feature the engine cannot derive; the message names it."""


class DataError(MlemapError, ValueError):
    """Data an estimator cannot use: empty, not finite, outside the model's support, of the
    wrong shape or type, or data for which the estimate does not exist."""


class ConvergenceError(DataError):
    """The numeric method found no point it could verify as a maximum (score zero relative
    to the parameter's scale, Hessian negative definite) for these data."""


class ConvergenceWarning(UserWarning):
    """A numeric method stopped at its iteration cap before reaching its tolerance."""


class MultipleMaximaWarning(UserWarning):
    """The numeric method found more than one local maximum; it returned the highest."""
