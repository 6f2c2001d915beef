"""Figures as files: matplotlib (Agg) drawn with fixed fonts and no dates, saved as SVG (for
Markdown and HTML) and PDF (for LaTeX), the same bytes on every run.

matplotlib is optional (``pip install 'mlemap[plots]'``); without it a figure is a
:class:`Figure` with no files and a reason, and the documents say where it was left out.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["FIGURES_FOLDER", "Figure", "draw", "plots_available"]

#: The folder beside a handout that holds its figures.
FIGURES_FOLDER = "figures"

MISSING = "matplotlib is not installed (pip install 'mlemap[plots]')"

#: Settings that make a figure's bytes depend on its content only: one bundled font, text
#: as paths in SVG and as embedded TrueType in PDF (pdflatex accepts it; Type 3 is bitmap-like
#: in some viewers), a fixed salt for SVG's element ids.
_STYLE = {
    "backend": "Agg",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "svg.fonttype": "path",
    "svg.hashsalt": "mlemap",
    "pdf.fonttype": 42,
    "pdf.compression": 6,
    "path.simplify": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.figsize": (6.0, 3.4),
    "savefig.bbox": "tight",
}
_SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
_PDF_METADATA = {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}


@dataclass(frozen=True)
class Figure:
    """One figure: its file name (without extension), caption and alt text, and its SVG and
    PDF bytes; ``missing`` says why there are none."""

    name: str
    caption: str
    alt: str
    svg: bytes | None = None
    pdf: bytes | None = None
    missing: str = ""

    @property
    def svg_path(self) -> str:
        return f"{FIGURES_FOLDER}/{self.name}.svg"

    @property
    def pdf_path(self) -> str:
        return f"{FIGURES_FOLDER}/{self.name}.pdf"

    def files(self) -> dict[str, bytes]:
        """Relative path → bytes, for the files this figure writes beside a document."""
        if self.svg is None or self.pdf is None:
            return {}
        return {self.svg_path: self.svg, self.pdf_path: self.pdf}


def plots_available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def draw(name: str, caption: str, alt: str, plot: Callable[[Any], None]) -> Figure:
    """The figure that ``plot(figure)`` draws on a matplotlib figure, saved deterministically."""
    if not plots_available():
        return Figure(name, caption, alt, missing=MISSING)
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure as Canvas

    with matplotlib.rc_context({k: v for k, v in _STYLE.items() if k != "backend"}):
        canvas = Canvas()
        plot(canvas)
        saved = {}
        for fmt, metadata in (("svg", _SVG_METADATA), ("pdf", _PDF_METADATA)):
            buffer = io.BytesIO()
            canvas.savefig(buffer, format=fmt, metadata=metadata)
            saved[fmt] = buffer.getvalue()
    return Figure(name, caption, alt, saved["svg"], saved["pdf"])
