"""Generated documents checked with real tools: every .tex compiles with latexmk without
errors or overfull lines, and every maths block of every .md renders in MathJax 3 and KaTeX.

The tools are installed by .ci/run; elsewhere the tests skip when a tool is missing, and
under CI a missing tool is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from outputs import sample_documents, seed_documents, seed_worksheet_documents

JS = Path(__file__).parent / "js"
UNDER_CI = bool(os.environ.get("CI"))


def _need(available: bool, what: str) -> None:
    if not available:
        if UNDER_CI:
            pytest.fail(f"{what} is missing; .ci/run must install it")
        pytest.skip(f"{what} is not installed")


def _documents(fmt: str) -> dict[str, str]:
    found = {f"handout.{fmt}": seed_documents()[fmt]}
    found.update({k: v for k, v in sample_documents().items() if k.endswith(f".{fmt}")})
    found.update({k: v for k, v in seed_worksheet_documents().items() if k.endswith(f".{fmt}")})
    return found


# -- LaTeX -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(_documents("tex")))
def test_latex_compiles_cleanly(name, tmp_path):
    _need(shutil.which("latexmk") is not None, "latexmk")
    source = tmp_path / "document.tex"
    source.write_text(_documents("tex")[name])
    run = subprocess.run(
        ["latexmk", "-pdf", "-halt-on-error", "-interaction=nonstopmode", source.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    log = (tmp_path / "document.log").read_text(errors="replace")
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert run.returncode == 0 and not errors, errors or run.stdout[-2000:]
    overfull = re.findall(r"Overfull \\hbox \((\d+\.\d+)pt too wide\)[^\n]*", log)
    assert not overfull, f"overfull lines in {name}: {overfull}"
    assert (tmp_path / "document.pdf").stat().st_size > 1000
    _need(shutil.which("pdffonts") is not None, "pdffonts (poppler-utils)")
    fonts = subprocess.run(
        ["pdffonts", "document.pdf"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    assert "Type 3" not in fonts, f"bitmap (Type 3) fonts in {name}:\n{fonts}"


# -- Markdown maths --------------------------------------------------------------------------
def _math(markdown: str) -> list[dict]:
    parser = MarkdownIt("commonmark").enable("table").use(dollarmath_plugin)
    found = []

    def walk(tokens):
        for token in tokens:
            if token.type in ("math_inline", "math_block"):
                found.append({"tex": token.content, "display": token.type == "math_block"})
            if token.children:
                walk(token.children)

    walk(parser.parse(markdown))
    return found


def test_markdown_maths_is_found_by_a_real_parser():
    maths = _math(seed_documents()["md"])
    assert len(maths) > 100
    assert {"tex": r"\hat{\theta} = \frac{7}{10}", "display": False} in maths
    assert all("$" not in m["tex"] for m in maths)


def maths_failures(maths: list[dict]) -> list[dict]:
    """The expressions of ``maths`` ({tex, display}) that MathJax 3 or KaTeX refuse."""
    run = subprocess.run(
        ["node", str(JS / "check_math.mjs")],
        input=json.dumps(maths),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(run.stdout)


@pytest.mark.parametrize("name", sorted(_documents("md")))
def test_markdown_maths_renders_in_mathjax_and_katex(name):
    _need(
        shutil.which("node") is not None and (JS / "node_modules").is_dir(),
        "node with tests/js/node_modules (npm ci in tests/js)",
    )
    maths = _math(_documents("md")[name])
    failures = maths_failures(maths)
    assert not failures, [
        (f["renderer"], f["message"], maths[f["index"]]["tex"][:200]) for f in failures[:5]
    ]


def test_the_checker_refuses_bad_maths():
    _need(shutil.which("node") is not None and (JS / "node_modules").is_dir(), "node modules")
    bad = [{"tex": r"\bogus{x}", "display": False}, {"tex": r"\frac{1}{", "display": True}]
    assert {(f["index"], f["renderer"]) for f in maths_failures(bad)} == {
        (0, "katex"),
        (0, "mathjax"),
        (1, "katex"),
        (1, "mathjax"),
    }


@pytest.mark.parametrize("name", sorted(_documents("tex")))
def test_latex_prose_has_no_bare_angle_brackets(name):
    """In OT1 text, < and > print as ¡ and ¿: prose must use \\textless and \\textgreater."""
    text = _documents("tex")[name]
    prose = re.sub(r"\\\(.*?\\\)|\\\[.*?\\\]", " ", text, flags=re.S)
    assert not re.search(r"[<>]", prose), re.findall(r".{30}[<>].{30}", prose)[:3]
