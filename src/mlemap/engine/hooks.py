"""What the stages above the engine lend to a derivation record's convenience methods.

A record is data: ``d.to_markdown()``, ``d.view()`` and ``d.estimator()`` delegate to
functions that the documents and estimators stages register here when they are imported
(the first call of a hook loads its stage by name), so the engine never imports a stage
above it, and a command loads only the stages it uses.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from ..errors import MlemapError

__all__ = ["HOOKS", "call", "provide"]

#: Each hook, and the stage that provides it.
HOOKS = {
    "view": "mlemap.documents",
    "render": "mlemap.documents",
    "display": "mlemap.documents",
    "estimator": "mlemap.estimators",
    "fit": "mlemap.estimators",
}

_provided: dict[str, Callable[..., Any]] = {}


def provide(name: str, function: Callable[..., Any]) -> None:
    """Register ``function`` as the hook ``name`` (one of :data:`HOOKS`)."""
    if name not in HOOKS:
        raise MlemapError(f"unknown hook {name!r}; the hooks are {', '.join(HOOKS)}")
    _provided[name] = function


def call(name: str, *args: Any, **kwargs: Any) -> Any:
    """Call the hook ``name``, loading the stage that provides it the first time; an error
    names the stage if it registers none."""
    if name not in _provided and name in HOOKS:
        importlib.import_module(HOOKS[name])
    try:
        function = _provided[name]
    except KeyError:
        raise MlemapError(
            f"{name} needs {HOOKS[name]}, which is not loaded; import mlemap first"
        ) from None
    return function(*args, **kwargs)
