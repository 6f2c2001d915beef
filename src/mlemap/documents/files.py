"""Writing output files atomically: an interrupted run leaves the old file whole."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import MlemapError

__all__ = ["write_atomic"]


def write_atomic(path: str | Path, content: str | bytes) -> Path:
    """Write ``content`` to ``path`` through a temporary file in the same folder and a rename,
    so that readers see the old file or the new one, never a part."""
    path = Path(path)
    data = content.encode() if isinstance(content, str) else content
    for folder in (path.parent, *path.parent.parents):
        if folder.exists() and not folder.is_dir():
            raise MlemapError(
                f"cannot write {str(path)!r}: {str(folder)!r} is a file, not a folder; "
                "choose a folder (-o)"
            )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
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
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise MlemapError(f"cannot write {str(path)!r}: {error.strerror or error}") from None
        raise
    return path
