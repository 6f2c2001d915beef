"""Catalog outcomes kept on disk, so that a fresh ``mlemap check`` need not derive again.

One file per catalog request holds its :class:`~mlemap.engine.outcome.Outcome`, pickled with
the catalog's models and priors by name. The folder is named for a fingerprint of mlemap's
own source and of the Python, SymPy, mpmath, NumPy and mlemap versions, so an engine that
changed in any way never reads an older engine's results. ``MLEMAP_CACHE_DIR`` chooses
where the folders go (default ``$XDG_CACHE_HOME/mlemap``, else ``~/.cache/mlemap``);
``MLEMAP_NO_CACHE=1`` turns the store off. Only what mlemap ships is stored (a model or
prior a user registers may be declared anew next time), and not a derivation in which a
time limit ran out. A file is written atomically; one that cannot be read is derived
again, and a folder that cannot be written is only not used.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import mpmath
import numpy as np
import sympy as sp

from ..catalog import MODELS, PRIORS, SHIPPED_MODELS, SHIPPED_PRIORS
from ..catalog.model import Model, Prior
from .derivation import Derivation, Record
from .limits import expirations
from .outcome import Outcome
from .request import PriorSpec, catalog_key

__all__ = ["folder", "outcome_of"]

#: Files of older engines (other fingerprints) left in the cache folder, at most.
KEPT_FINGERPRINTS = 3


class _Unstorable(Exception):
    """An object the store cannot write by name (a model or prior outside the catalog)."""


def outcome_of(
    model: str | Model, prior: PriorSpec = None, estimate: str | list[str] | None = None
) -> Outcome | Record:
    """``derive(model, prior, estimate, inference=False)``'s outcome, read from the store
    where this engine made it before; a linear-regression request gives its derivation."""
    from .derive import derive  # the whole pipeline is imported only when it has to run

    key = catalog_key(model, prior, estimate)
    # only what mlemap ships: a model a user registers may be declared anew next time
    shipped = key is not None and key[0] in SHIPPED_MODELS
    found = _load(key) if shipped else None
    if found is not None:
        return found
    expired = expirations()
    derived = derive(model, prior, estimate, inference=False)
    if not isinstance(derived, Derivation):  # linear regression
        return derived
    outcome = derived.outcome
    if shipped and expirations() == expired:  # not where a time limit ran out: a faster
        _save(key, outcome)  # run may differ
    return outcome


# -- where ------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A digest of mlemap's source files and of the versions its results depend on."""
    versions = [sys.version, sp.__version__, mpmath.__version__, np.__version__, _own_version()]
    digest = hashlib.sha256(" ".join(versions).encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def _own_version() -> str:
    try:
        return metadata.version("mlemap")
    except metadata.PackageNotFoundError:  # run from a source tree: the source says it all
        return ""


def folder() -> Path | None:
    """This engine's folder in the cache, or None where the store is turned off."""
    if os.environ.get("MLEMAP_NO_CACHE", "") not in ("", "0"):
        return None
    base = os.environ.get("MLEMAP_CACHE_DIR")
    if not base:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mlemap"
    return Path(base) / f"outcomes-{fingerprint()}"


def _path(key: tuple) -> Path | None:
    try:
        where = folder()
    except (OSError, RuntimeError):  # no home folder, an unreadable source file
        return None
    if where is None:
        return None
    return where / f"{hashlib.sha256(repr(key).encode()).hexdigest()[:32]}.pickle"


# -- reading and writing ----------------------------------------------------------------------
class _Pickler(pickle.Pickler):
    """Catalog models and priors by name: their densities are functions, which pickle
    cannot write, and the catalog gives the very same objects back."""

    def reducer_override(self, obj: object) -> object:
        # a sum, product or power is rebuilt from its arguments as they are, not evaluated
        # again: the engine holds some forms unevaluated, −(a + b) for a constant, and shows
        # them so
        if type(obj) in (sp.Add, sp.Mul):
            return _associative, (type(obj), obj.args)
        if type(obj) is sp.Pow:
            return _power, obj.args
        return NotImplemented

    def persistent_id(self, obj: object) -> tuple | None:
        if isinstance(obj, Model):
            reference = ("model", obj.name, tuple(sorted(obj.known)))
        elif isinstance(obj, Prior):
            reference = ("prior", obj.name)
        else:
            return None
        if obj.name not in (SHIPPED_MODELS if isinstance(obj, Model) else SHIPPED_PRIORS):
            raise _Unstorable(f"{reference[0]} {obj.name!r} is a user's, not mlemap's")
        if _entry(reference) != obj:
            raise _Unstorable(f"{reference[0]} {obj.name!r} is not the catalog's")
        return reference


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, reference: tuple) -> object:
        return _entry(reference)


def _associative(kind: type, args: tuple[sp.Basic, ...]) -> sp.Expr:
    return kind._from_args(args)


def _power(base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    return sp.Pow(base, exponent, evaluate=False)


def _entry(reference: tuple) -> object:
    kind, name, *known = reference
    if kind == "prior":
        return PRIORS.get(name) if name in PRIORS else None
    if name not in MODELS:
        return None
    model = MODELS.get(name)
    return model.with_known(set(known[0])) if known[0] else model


def _load(key: tuple) -> Outcome | None:
    path = _path(key)
    if path is None or not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            found = _Unpickler(handle).load()
    # a cache file written by a process that was killed, or edited by hand, fails in any of
    # pickle's ways; it is only derived again
    except Exception:
        return None
    return found if isinstance(found, Outcome) else None


def _save(key: tuple, outcome: Outcome) -> None:
    path = _path(key)
    if path is None:
        return
    try:
        data = _dumps(outcome)
    except (_Unstorable, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except OSError:
        return
    try:  # another process may be pruning, or own an old folder: pruning is best effort
        _prune(path.parent)
    except OSError:
        return


def _dumps(outcome: Outcome) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(outcome)
    return buffer.getvalue()


def _prune(current: Path) -> None:
    """Drop the folders of all but the newest few older engines."""
    older = sorted(
        (p for p in current.parent.glob("outcomes-*") if p != current and p.is_dir()),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for stale in older[KEPT_FINGERPRINTS:]:
        for file in stale.iterdir():
            file.unlink(missing_ok=True)
        stale.rmdir()
