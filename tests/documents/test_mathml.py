"""LaTeX to MathML: the constructs latex2mathml gets wrong are repaired (the comparison of
every generated formula with KaTeX's MathML is in tests/test_tools.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from mlemap.documents.mathml import MATHML, display_html, to_mathml
from mlemap.errors import MlemapError

M = f"{{{MATHML}}}"


def _tags(markup: str) -> list[str]:
    return [e.tag.removeprefix(M) for e in ET.fromstring(markup).iter()]


def test_an_aligned_display_is_a_table_of_cells_without_visible_ampersands():
    matrix = r"\left[\begin{matrix}1 & 2\\3 & 4\end{matrix}\right]"
    tex = "\\begin{aligned}\na & = b \\\\\n & = " + matrix + "\n\\end{aligned}"
    page = display_html(tex)
    assert page.startswith('<table class="aligned"><tr>') and page.count("<tr>") == 2
    assert "&" not in "".join(ET.fromstring(page).itertext())  # only in the alternative text
    cells = page.split("<td")[1:]
    assert len(cells) == 4 and cells[2] == "></td>"  # the continuation row's empty left side
    # The matrix keeps its own rows and columns, inside one cell.
    assert _tags(cells[3][1:].removesuffix("</td></tr></table>")).count("mtd") == 4


def test_a_mathop_is_set_with_its_subscript_underneath_in_a_display():
    tex = r"\mathop{\mathrm{arg\,max}}_{\theta} f"
    assert "munder" in _tags(to_mathml(tex, display=True))
    inline = _tags(to_mathml(tex))
    assert "msub" in inline and "munder" not in inline
    # never an <mo> holding elements, which browsers draw empty
    for root in (ET.fromstring(to_mathml(tex)), ET.fromstring(to_mathml(tex, display=True))):
        assert all(len(e) == 0 for e in root.iter(f"{M}mo"))


def test_an_operator_name_gets_thin_spaces_as_in_tex():
    root = ET.fromstring(to_mathml(r"k \log p + \log\left(1 - \theta\right)"))
    row = [e.tag.removeprefix(M) + (e.text or "") for e in root[0]]
    assert row[:5] == ["mik", "mspace", "milog", "mspace", "mip"]
    assert row[6:8] == ["milog", "mrow"]  # log( … ): no space before the bracket


def test_the_tex_is_kept_as_alternative_text_only():
    markup = to_mathml(r"\hat{\theta} = \frac{k}{n}")
    root = ET.fromstring(markup)
    assert root.get("alttext") == r"\hat{\theta} = \frac{k}{n}"
    assert "\\" not in "".join(root.itertext())


def test_tex_it_cannot_read_is_an_mlemap_error():
    with pytest.raises(MlemapError, match="cannot write"):
        to_mathml(r"\frac{1}{")
