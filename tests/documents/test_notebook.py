"""Jupyter: a notebook that derives five models runs, and each output is the whole derivation,
rendered (LaTeX that MathJax and KaTeX accept, and Markdown)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from test_tools import maths_failures

from conftest import derived

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

MODELS = ("bernoulli", "poisson", "exponential", "normal", "pareto")
JS = Path(__file__).resolve().parents[1] / "js"


def test_the_latex_display_is_the_whole_derivation():
    d = derived("bernoulli")
    shown = d._repr_latex_()
    assert shown.startswith("$$\\begin{aligned}") and shown.endswith("\\end{aligned}$$")
    for step in d.view().steps:
        for row in step.rows:
            assert row.rhs in shown
    assert r"\textbf{5. Stationarity in $\theta$}" in shown
    assert r"k & = \sum_{i=1}^{n} x_{i}" in shown  # the statistic the result uses, defined


@pytest.fixture(scope="module")
def executed():
    cells = [nbformat.v4.new_code_cell("import mlemap")]
    cells += [nbformat.v4.new_code_cell(f"mlemap.derive({m!r})") for m in MODELS]
    notebook = nbformat.v4.new_notebook(cells=cells)
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3").execute()
    return notebook


def test_a_notebook_of_five_derivations_shows_each_one_whole(executed):
    for name, cell in zip(MODELS, executed.cells[1:], strict=True):
        (output,) = [o for o in cell.outputs if o.output_type == "execute_result"]
        latex, markdown = output.data["text/latex"], output.data["text/markdown"]
        assert latex == derived(name)._repr_latex_()
        assert markdown == derived(name).to_markdown()
        assert latex.count(r"\textbf{") == len(derived(name).steps) + 1


def test_the_notebook_maths_renders_in_mathjax_and_katex(executed):
    if shutil.which("node") is None or not (JS / "node_modules").is_dir():
        pytest.skip("needs node with tests/js/node_modules")
    maths = [
        {"tex": o.data["text/latex"].strip("$"), "display": True}
        for cell in executed.cells[1:]
        for o in cell.outputs
        if o.output_type == "execute_result"
    ]
    assert maths_failures(maths) == []
