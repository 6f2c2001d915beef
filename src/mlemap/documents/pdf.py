"""Compiling a LaTeX handout to PDF when a TeX installation is there.

pdflatex runs without shell escape and with TeX's paranoid file access (no reading or writing
outside the scratch folder, no dot files), in a scratch folder inside the output folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from ..errors import MlemapError
from .files import scratch_folder

__all__ = ["PDFLATEX", "compile_pdf", "latex_available"]

#: The pdflatex command latexmk runs: no \write18, stop at the first error.
PDFLATEX = "pdflatex -no-shell-escape -interaction=nonstopmode -halt-on-error %O %S"

#: kpathsea's settings: "p" (paranoid) refuses files outside the folder and dot files.
_PARANOID = {"openin_any": "p", "openout_any": "p", "shell_escape": "f"}


def latex_available() -> bool:
    return shutil.which("latexmk") is not None and shutil.which("pdflatex") is not None


def compile_pdf(tex: str, pdf: Path, files: Mapping[str, bytes] | None = None) -> bytes:
    """The PDF of the LaTeX source ``tex``, compiled with latexmk in a scratch folder beside
    ``pdf`` (which is not written: the caller writes it with its set); ``files`` (relative
    path → bytes, the figures) are put beside the source first."""
    environment = {
        **os.environ,
        **_PARANOID,
        "SOURCE_DATE_EPOCH": "0",
        "FORCE_SOURCE_DATE": "1",
    }
    with scratch_folder(pdf) as scratch:
        source = scratch / pdf.with_suffix(".tex").name
        source.write_text(tex, encoding="utf-8")
        for relative, data in (files or {}).items():
            (scratch / relative).parent.mkdir(parents=True, exist_ok=True)
            (scratch / relative).write_bytes(data)
        command = ["latexmk", "-pdf", f"-pdflatex={PDFLATEX}", source.name]
        try:
            run = subprocess.run(
                command,
                cwd=scratch,
                capture_output=True,
                text=True,
                errors="replace",
                env=environment,
                check=False,
                timeout=300,
            )
        except subprocess.TimeoutExpired:
            raise MlemapError(f"pdflatex took over 300 s on {pdf.name}; try --no-pdf") from None
        built = source.with_suffix(".pdf")
        if run.returncode != 0 or not built.exists():
            log = source.with_suffix(".log")
            errors = [
                line
                for line in (log.read_text(errors="replace").splitlines() if log.exists() else [])
                if line.startswith("!")
            ]
            raise MlemapError(
                f"pdflatex could not compile {pdf.with_suffix('.tex')}: "
                f"{'; '.join(errors[:3]) or run.stdout[-500:]}"
            )
        return built.read_bytes()
