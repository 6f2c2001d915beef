"""Writing output files atomically: an interrupted run leaves the old files whole.

Every temporary name carries the writing process's id (``.handout.md.<pid>.XXXX``,
``.mlemap-latex.<pid>.XXXX``), so a later run in the same folder removes what a killed one
left behind, and never what a live one is still writing.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from ..errors import MlemapError

__all__ = ["remove_leftovers", "scratch_folder", "write_atomic", "write_together"]

#: The prefix of a scratch folder for LaTeX inside an output folder.
SCRATCH = ".mlemap-latex."


def _refuse_file_as_folder(path: Path) -> None:
    for folder in (path.parent, *path.parent.parents):
        if folder.exists() and not folder.is_dir():
            raise MlemapError(
                f"cannot write {str(path)!r}: {str(folder)!r} is a file, not a folder; "
                "choose a folder (-o)"
            )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


#: A temporary name of ours: the prefix, the writer's process id, mkstemp's 8 characters.
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]{8}$")


def remove_leftovers(folder: Path, names: Iterable[str] = ()) -> None:
    """Remove what a killed run of ours left in ``folder``: its LaTeX scratch folders, and its
    temporary files for the files ``names``. What a live process is writing stays."""
    if not folder.is_dir():
        return
    names = set(names)
    for entry in folder.iterdir():
        match = _TEMPORARY.match(entry.name)
        if not match or int(match["pid"]) == os.getpid() or _alive(int(match["pid"])):
            continue
        if entry.is_dir() and entry.name.startswith(SCRATCH):
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.is_file() and match["name"] in names:
            entry.unlink(missing_ok=True)


def _temporary(path: Path, data: bytes) -> Path:
    """``data`` in a new temporary file beside ``path``, synced to disk."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", dir=path.parent)
    except OSError as error:
        raise MlemapError(
            f"cannot write {str(path)!r}: {error.strerror or error}; choose a folder you can "
            "write to (-o)"
        ) from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise MlemapError(f"cannot write {str(path)!r}: {error.strerror or error}") from None
        raise
    return Path(temporary)


def write_together(files: Mapping[Path, str | bytes]) -> list[Path]:
    """Write every file to a temporary one first, then rename them all: an interruption
    before the renames leaves the old set whole, and the renames take microseconds."""
    targets = [Path(p) for p in files]
    for path in targets:
        _refuse_file_as_folder(path)
    for folder in {p.parent for p in targets}:
        remove_leftovers(folder, [p.name for p in targets if p.parent == folder])
    temporaries: list[Path] = []
    current = targets[0] if targets else None
    try:
        for current, content in zip(targets, files.values(), strict=True):
            data = content.encode() if isinstance(content, str) else content
            temporaries.append(_temporary(current, data))
        for temporary, current in zip(temporaries, targets, strict=True):
            os.replace(temporary, current)
    except BaseException as error:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise MlemapError(f"cannot write {str(current)!r}: {error.strerror or error}") from None
        raise
    return targets


def write_atomic(path: str | Path, content: str | bytes) -> Path:
    """Write ``content`` to ``path`` through a temporary file in the same folder and a rename,
    so that readers see the old file or the new one, never a part."""
    return write_together({Path(path): content})[0]


@contextmanager
def scratch_folder(beside: Path) -> Iterator[Path]:
    """A scratch folder inside ``beside``'s folder, removed on exit (and, if this process is
    killed, by the next run that writes there)."""
    folder = beside.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        remove_leftovers(folder)
        scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH}{os.getpid()}.", dir=folder))
    except OSError as error:
        raise MlemapError(f"cannot write in {str(folder)!r}: {error.strerror or error}") from None
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
