"""Figures are files with the same bytes on every run, and without matplotlib the documents
say where a plot was left out."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace

import pytest

from mlemap.documents import figures
from mlemap.documents.handout import SeedHandout
from mlemap.documents.render import Renderer

from outputs import seed


def _line(figure) -> None:
    axes = figure.subplots()
    axes.plot([0, 1, 2], [0, 1, 4], label="a line")
    axes.set_title("Title")


def test_a_figure_is_the_same_bytes_on_every_run_without_dates():
    first = figures.draw("line", "A line.", "A rising line.", _line)
    second = figures.draw("line", "A line.", "A rising line.", _line)
    assert first.svg == second.svg and first.pdf == second.pdf
    assert first.svg.startswith(b"<?xml") and first.pdf.startswith(b"%PDF")
    assert b"<dc:date>" not in first.svg and b"Matplotlib v" not in first.svg
    assert b"CreationDate" not in first.pdf and b"ModDate" not in first.pdf
    assert first.files() == {"figures/line.svg": first.svg, "figures/line.pdf": first.pdf}


def test_the_figures_pdf_embeds_outline_fonts(tmp_path):
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    (tmp_path / "f.pdf").write_bytes(figures.draw("line", "A line.", "A line.", _line).pdf)
    fonts = subprocess.run(
        ["pdffonts", "f.pdf"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    assert "TrueType" in fonts and "Type 3" not in fonts


def test_without_matplotlib_the_handout_says_where_each_plot_was_left_out(monkeypatch):
    handout: SeedHandout = seed()
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib raises ImportError
    assert not figures.plots_available()
    missing = figures.draw("line", "A line.", "A line.", _line)
    assert (missing.svg, missing.pdf, missing.files()) == (None, None, {})
    assert missing.missing == figures.MISSING
    # The handout's figures drawn as they would be without matplotlib: no files, a reason.
    bare = {
        key: replace(f, svg=None, pdf=None, missing=missing.missing)
        for key, f in handout.figures.items()
    }
    stripped = replace(handout, figures=bare)
    assert stripped.files() == {}
    renderer = Renderer()
    for fmt in ("md", "tex", "html"):
        text = renderer.render("handout", fmt, h=stripped)
        assert text.count("Plot left out") == 3, fmt
        assert text.count("pip install") == 3, fmt
    markdown = renderer.render("handout", "md", h=stripped)
    assert "![" not in markdown
    assert "includegraphics" not in renderer.render("handout", "tex", h=stripped)


def test_the_seed_handout_shows_its_three_plots_in_every_format():
    handout = seed()
    assert sorted(handout.files()) == sorted(
        f"figures/{name}.{suffix}"
        for name in ("coin-posterior", "log-likelihood", "regularisation-paths")
        for suffix in ("svg", "pdf")
    )
    renderer = Renderer()
    markdown = renderer.render("handout", "md", h=handout)
    latex = renderer.render("handout", "tex", h=handout)
    page = renderer.render("handout", "html", images=handout.files(), h=handout)
    for f in handout.figures.values():
        assert f"]({f.svg_path})" in markdown
        assert f"{{{f.pdf_path}}}" in latex
    assert page.count('<img src="data:image/svg+xml;base64,') == 3
