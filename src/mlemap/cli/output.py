"""Where a subcommand writes, one convention for all: ``-o`` is a file or a folder.

``-o`` names a file when it ends in a document extension (``.md``, ``.tex``, ``.html``, ``.txt``,
``.pdf``, ``.ipynb``) and is not an existing folder; anything else is a folder, where the
default file name is used; ``-`` is standard output. A file's extension gives the format,
and an explicit ``--format`` that disagrees is an error. ``--name`` is a file name without
its extension (one given is dropped when it is a document extension).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..errors import MlemapError

__all__ = ["EXTENSIONS", "OUTPUT_HELP", "Target", "derivation_stem", "plain_name", "target"]

#: A document extension → the format it holds.
EXTENSIONS = {
    ".md": "md",
    ".tex": "tex",
    ".html": "html",
    ".txt": "text",
    ".pdf": "pdf",
    ".ipynb": "ipynb",
}
SUFFIXES = {fmt: suffix[1:] for suffix, fmt in EXTENSIONS.items()}

OUTPUT_HELP = "a file (its extension gives the name and format), a folder, or - for standard output"


class Target:
    """A resolved ``-o``: ``folder``/``stem``.``suffix``, or standard output (``path`` None)."""

    def __init__(self, folder: Path | None, stem: str, fmt: str) -> None:
        self.folder, self.stem, self.format = folder, stem, fmt

    @property
    def path(self) -> Path | None:
        if self.folder is None:
            return None
        return self.folder / f"{self.stem}.{SUFFIXES[self.format]}"

    def versioned(self, version: str) -> Target:
        """The set of one version beside this one: handout-worksheet for "worksheet"."""
        return Target(self.folder, f"{self.stem}-{version}" if version else self.stem, self.format)

    def sibling(self, fmt: str) -> Path:
        """The file of format ``fmt`` beside this one (a handout's set)."""
        assert self.folder is not None
        return self.folder / f"{self.stem}.{SUFFIXES[fmt]}"


def plain_name(name: str) -> str:
    """``--name``: a plain file name, its document extension dropped (week1.md → week1)."""
    path = Path(name)
    if not name or path.name != name or name in (".", ".."):
        raise MlemapError(f"--name {name!r} must be a plain file name, without folders")
    return path.stem if path.suffix.lower() in EXTENSIONS else name


def target(
    output: str | None,
    stem: str,
    fmt: str | None,
    formats: tuple[str, ...],
    name: str | None = None,
    default_folder: str = "output",
) -> Target:
    """Resolve ``-o``/``--format``/``--name`` into where to write; ``formats`` are the ones
    this subcommand writes, ``stem`` the default file name."""
    if fmt is not None and fmt not in formats:
        raise MlemapError(f"unknown format {fmt!r}; formats: {', '.join(formats)}")
    stem = plain_name(name) if name is not None else stem
    if output == "-":
        return Target(None, stem, fmt or formats[0])
    path = Path(output or default_folder)
    implied = EXTENSIONS.get(path.suffix.lower())
    if implied is None or path.is_dir():
        return Target(path, stem, fmt or formats[0])
    if implied not in formats:
        raise MlemapError(
            f"-o {output}: this command writes {', '.join('.' + SUFFIXES[f] for f in formats)} "
            "files; give one of these, a folder, or -"
        )
    if fmt is not None and fmt != implied:
        raise MlemapError(
            f"--format {fmt} disagrees with -o {output} (a .{SUFFIXES[implied]} file); "
            "give only one of them"
        )
    if name is not None and plain_name(name) != path.stem:
        raise MlemapError(f"--name {name} disagrees with -o {output}; give only one of them")
    return Target(path.parent, path.stem, implied)


def derivation_stem(
    model: str, prior: str | Mapping[str, str] | None, estimate: list[str] | None
) -> str:
    """A default file name that says what was derived: bernoulli-mle, bernoulli-beta-map,
    normal-mu-mu_normal-map (μ estimated alone, with a normal prior on it)."""
    parts = [model, *(estimate or [])]
    if prior is None:
        return "-".join([*parts, "mle"])
    if isinstance(prior, str):
        return "-".join([*parts, prior, "map"])
    return "-".join([*parts, *(f"{p}_{name}" for p, name in sorted(prior.items())), "map"])
