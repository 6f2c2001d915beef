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


PARTS = [
    ("d.results", "text/latex"),
    ("d.estimates", "text/latex"),
    ("d.steps[3]", "text/latex"),
    ("mlemap.check('normal', 'mu = xbar + 1')", "text/markdown"),
    ("mlemap.models()", "text/markdown"),
    ("import sympy; sympy.init_printing(); d.results[1]", "text/latex"),
]


@pytest.fixture(scope="module")
def parts():
    cells = [nbformat.v4.new_code_cell("import mlemap\nd = mlemap.derive('normal')")]
    cells += [nbformat.v4.new_code_cell(code) for code, _ in PARTS]
    notebook = nbformat.v4.new_notebook(cells=cells)
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3").execute()
    return {
        code: next(o for o in cell.outputs if o.output_type == "execute_result").data
        for (code, _), cell in zip(PARTS, notebook.cells[1:], strict=True)
    }


def test_the_parts_of_a_derivation_display_rendered(parts):
    d = derived("normal")
    for code, kind in PARTS:
        assert kind in parts[code], code
    assert parts["d.results"]["text/latex"] == d.results._repr_latex_()
    assert (
        r"\hat{\sigma}^{2} & = \frac{\sum_{i=1}^{n} \left(x_{i} - \hat{\mu}\right)^{2}}{n}"
        in (parts["d.results"]["text/latex"])
    )
    assert r"\bar{x} & = \frac{\sum_{i=1}^{n} x_{i}}{n}" in parts["d.results"]["text/latex"]
    assert r"\hat{\mu} & = \bar{x}" in parts["d.estimates"]["text/latex"]
    assert r"\textbf{Score}" in parts["d.steps[3]"]["text/latex"]
    report = parts["mlemap.check('normal', 'mu = xbar + 1')"]["text/markdown"]
    assert "| 1 | `mu = xbar + 1` | **wrong** |" in report and "**Verdict: wrong.**" in report
    table = parts["mlemap.models()"]["text/markdown"]
    assert "| `normal` | $\\mu$, $\\sigma^{2}$ |" in table


def test_an_estimate_prints_with_its_hat_after_init_printing(parts):
    latex = parts["import sympy; sympy.init_printing(); d.results[1]"]["text/latex"]
    assert latex.startswith(r"$\displaystyle \hat{\sigma}^{2} = ")
    assert "hat" not in parts["import sympy; sympy.init_printing(); d.results[1]"]["text/plain"]


def test_the_parts_maths_renders_in_mathjax_and_katex(parts):
    if shutil.which("node") is None or not (JS / "node_modules").is_dir():
        pytest.skip("needs node with tests/js/node_modules")
    maths = [
        {
            "tex": parts[code]["text/latex"].strip("$").removeprefix(r"\displaystyle "),
            "display": True,
        }
        for code, kind in PARTS
        if kind == "text/latex"
    ]
    assert maths_failures(maths) == []
