"""Generated documents checked with real tools: every .tex compiles with latexmk without
errors or overfull lines, every maths block of every .md renders in MathJax 3 and KaTeX, its
MathML has KaTeX's tokens, and the HTML page renders every formula in headless Chromium.

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

from outputs import sample_documents, seed_documents, seed_figures, seed_worksheet_documents

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
    if name.startswith("handout"):  # its figures, beside it as mlemap handout writes them
        for relative, data in seed_figures().items():
            (tmp_path / relative).parent.mkdir(exist_ok=True)
            (tmp_path / relative).write_bytes(data)
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


def _node(script: str, maths: list[dict]) -> list:
    """What the Node script ``tests/js/SCRIPT`` writes for ``maths`` ({tex, display})."""
    run = subprocess.run(
        ["node", str(JS / script)],
        input=json.dumps(maths),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(run.stdout)


def maths_failures(maths: list[dict]) -> list[dict]:
    """The expressions of ``maths`` ({tex, display}) that MathJax 3 or KaTeX refuse."""
    return _node("check_math.mjs", maths)


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


# -- HTML: our MathML against KaTeX's, and the page in Chromium ------------------------------
_SAME_GLYPH = str.maketrans(
    {"ˉ": "¯", "‖": "∥", "|": "∣", "\u2061": None, "\u2062": None, " ": None, "\u2009": None}
)
_MATHML = "{http://www.w3.org/1998/Math/MathML}"


def _tokens(markup: str) -> str:
    """The characters of every token (mi, mn, mo, mtext) of every <math> in ``markup``, in
    order, with KaTeX's mathvariant letters written as the Unicode ones we write."""
    import unicodedata
    import xml.etree.ElementTree as ET

    found = []
    for math in re.findall(r"<math.*?</math>", markup, flags=re.S):
        math = re.sub(r"<annotation.*?</annotation>", "", math, flags=re.S)
        for element in ET.fromstring(math).iter():
            if element.tag.removeprefix(_MATHML) in ("mi", "mn", "mo", "mtext") and element.text:
                text = element.text
                variant = {"script": "SCRIPT", "double-struck": "DOUBLE-STRUCK"}.get(
                    element.get("mathvariant", "")
                )
                if variant:
                    text = "".join(unicodedata.lookup(f"{variant} CAPITAL {c}") for c in text)
                found.append(text.translate(_SAME_GLYPH))
    return "".join(found)


@pytest.mark.parametrize("name", sorted(_documents("md")))
def test_every_formula_as_mathml_has_katexs_tokens(name):
    """latex2mathml (our run-time choice: pure Python) against KaTeX's MathML: the same
    symbols in the same order, for every formula of every generated document."""
    from mlemap.documents.mathml import display_html, to_mathml

    _need(
        shutil.which("node") is not None and (JS / "node_modules").is_dir(),
        "node with tests/js/node_modules (npm ci in tests/js)",
    )
    maths = _math(_documents("md")[name])
    differ = [
        (m["tex"][:120], ours, theirs)
        for m, katex in zip(maths, _node("katex_mathml.mjs", maths), strict=True)
        if (ours := _tokens(display_html(m["tex"]) if m["display"] else to_mathml(m["tex"])))
        != (theirs := _tokens(katex))
    ]
    assert not differ, differ[:3]


def _chromium():
    """A headless Chromium driven by Selenium through the Debian chromedriver."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    _need(chromium is not None and driver is not None, "chromium and chromium-driver")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(driver), options=options)


#: Every <math> and <img> with its rendered size, and the text a reader sees.
_MEASURE = """
const size = (e) => { const r = e.getBoundingClientRect(); return [r.width, r.height]; };
return {
  maths: Array.from(document.querySelectorAll("math")).map(
    (m) => [m.getAttribute("alttext"), ...size(m)]),
  images: Array.from(document.querySelectorAll("img")).map(
    (i) => [i.alt, i.naturalWidth, ...size(i)]),
  text: document.body.innerText,
  width: document.documentElement.scrollWidth,
};
"""


@pytest.mark.parametrize("name", ["handout", "collection"])
def test_the_page_renders_every_formula_in_chromium(name, tmp_path):
    html = seed_documents()["html"] if name == "handout" else sample_documents()["collection.html"]
    (tmp_path / "page.html").write_text(html)
    browser = _chromium()
    try:
        for width in (1000, 400):  # a desktop, then a phone
            browser.set_window_size(width, 1200)
            browser.get((tmp_path / "page.html").as_uri())
            found = browser.execute_script(_MEASURE)
            browser.save_screenshot(str(tmp_path / f"page-{width}.png"))
            assert len(found["maths"]) >= html.count("<math ") > 20
            flat = [(tex, w, h) for tex, w, h in found["maths"] if not (w > 0 and h > 0)]
            assert not flat, flat[:5]
            assert all(n > 0 and w > 0 and h > 0 for _, n, w, h in found["images"])
            if name == "handout":
                assert len(found["images"]) == 3
                assert all(w <= width for _, _, w, _ in found["images"])
            text = found["text"]
            assert "$" not in text and not re.search(r"\\[a-zA-Z]+|\\\\", text), re.findall(
                r".{20}\\.{20}", text
            )[:3]
            assert "θ" in text or "Rates" in text
    finally:
        browser.quit()
