"""Compiling a LaTeX handout to PDF when a TeX installation is there."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import MlemapError
from .files import write_atomic

__all__ = ["compile_pdf", "latex_available"]


def latex_available() -> bool:
    return shutil.which("latexmk") is not None and shutil.which("pdflatex") is not None


def compile_pdf(tex: Path, pdf: Path) -> Path:
    """Compile ``tex`` with latexmk in a scratch folder and write ``pdf`` atomically."""
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / tex.name
        source.write_bytes(tex.read_bytes())
        command = ["latexmk", "-pdf", "-halt-on-error", "-interaction=nonstopmode", source.name]
        run = subprocess.run(
            command,
            cwd=scratch,
            capture_output=True,
            text=True,
            env=environment,
            check=False,
            timeout=300,
        )
        built = source.with_suffix(".pdf")
        if run.returncode != 0 or not built.exists():
            log = source.with_suffix(".log")
            errors = [
                line
                for line in (log.read_text(errors="replace").splitlines() if log.exists() else [])
                if line.startswith("!")
            ]
            raise MlemapError(
                f"pdflatex could not compile {tex}: {'; '.join(errors[:3]) or run.stdout[-500:]}"
            )
        return write_atomic(pdf, built.read_bytes())
