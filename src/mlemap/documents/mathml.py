r"""LaTeX to MathML for the web page, with latex2mathml (pure Python: no Node at run time).

latex2mathml reads every formula our printer writes, but four things come out wrong, so
they are handled here: an ``aligned`` display keeps its ``&`` as a visible character and
loses its columns (we split it into rows and cells and set them in an HTML table, one
``<math>`` a cell: Chromium ignores both MathML's ``columnalign`` and CSS ``text-align`` in an
``mtable``); ``\mathop{…}_{θ}`` becomes an ``<mo>`` holding elements, which MathML does not
allow (it becomes an ``mrow``, with the subscript underneath in a display, as TeX sets it);
``\log p`` loses TeX's thin space after the operator name; and ``\sim`` is an identifier
~, not the operator ∼. tests/documents/test_mathml.py
compares every formula of the generated documents with KaTeX's MathML, token by token.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from latex2mathml.converter import convert

from ..errors import MlemapError

__all__ = ["display_html", "to_mathml"]

MATHML = "http://www.w3.org/1998/Math/MathML"
ET.register_namespace("", MATHML)

_ALIGNED = re.compile(r"^\s*\\begin\{aligned\}(?P<body>.*)\\end\{aligned\}\s*$", re.S)
_TOKEN = re.compile(r"\\begin\{[a-z*]+\}|\\end\{[a-z*]+\}|\\\\|\\.|[{}&]", re.S)


def _split(body: str) -> list[list[str]]:
    """An aligned body's rows and cells, split at ``\\`` and ``&`` outside braces and
    inner environments (a matrix keeps its own)."""
    rows: list[list[str]] = [[]]
    depth, start = 0, 0
    for match in _TOKEN.finditer(body):
        token = match.group()
        if token in ("{",) or token.startswith(r"\begin"):
            depth += 1
        elif token in ("}",) or token.startswith(r"\end"):
            depth -= 1
        elif depth == 0 and token in ("&", r"\\"):
            rows[-1].append(body[start : match.start()])
            start = match.end()
            if token == r"\\":
                rows.append([])
    rows[-1].append(body[start:])
    return [row for row in rows if any(cell.strip() for cell in row)]


def _element(tex: str, display: bool) -> ET.Element:
    try:
        markup = convert(tex, display="block" if display else "inline")
        root = ET.fromstring(markup)
    except Exception as error:  # latex2mathml raises bare exceptions of its own
        raise MlemapError(f"cannot write {tex!r} as MathML: {error}") from None
    _repair(root, display)
    return root


def _repair(root: ET.Element, display: bool) -> None:
    """An ``<mo>`` holding elements (``\\mathop``) becomes an ``<mrow>``, its subscript
    underneath in a display; an operator name (log, exp) followed by a letter or a number
    gets a thin space."""
    for parent in list(root.iter()):
        for child in parent:
            if child.tag == f"{{{MATHML}}}mi" and child.text == "~":
                child.tag, child.text = f"{{{MATHML}}}mo", "∼"  # \sim; \tilde's ~ is an <mo>
            if child.tag == f"{{{MATHML}}}mo" and len(child):
                child.tag = f"{{{MATHML}}}mrow"
                child.attrib.clear()
                if display and parent.tag == f"{{{MATHML}}}msub" and parent[0] is child:
                    parent.tag = f"{{{MATHML}}}munder"
        children = list(parent)
        for index in range(len(children) - 1, 0, -1):
            before, after = children[index - 1], children[index]
            if (_operator_name(before) and _atom(after) and not _opens_with_fence(after)) or (
                _operator_name(after) and _atom(before)
            ):
                parent.insert(index, ET.Element(f"{{{MATHML}}}mspace", width="0.1667em"))


_ATOMS = {f"{{{MATHML}}}{tag}" for tag in ("mi", "mn", "msub", "msup", "msubsup", "mrow")}


def _operator_name(element: ET.Element) -> bool:
    """log, exp, …: a multi-letter identifier, which TeX sets apart with thin spaces."""
    return element.tag == f"{{{MATHML}}}mi" and len(element.text or "") > 1


def _atom(element: ET.Element) -> bool:
    return element.tag in _ATOMS


def _opens_with_fence(element: ET.Element) -> bool:
    return (
        element.tag == f"{{{MATHML}}}mrow"
        and len(element) > 0
        and element[0].tag == f"{{{MATHML}}}mo"
    )


def to_mathml(tex: str, display: bool = False) -> str:
    """``tex`` as a ``<math>`` element (``display="block"`` for a display)."""
    root = _element(tex, display)
    root.set("alttext", tex.strip())
    return ET.tostring(root, encoding="unicode", short_empty_elements=True)


def _cell(tex: str, column: int) -> str:
    if not tex.strip():
        return "<td></td>"
    # The right-hand column opens with its relation (& = b): an empty atom before it gives
    # the relation its spacing, as in TeX.
    root = _element(("{}" + tex) if column % 2 else tex, display=True)
    root.set("display", "inline")
    root.set("displaystyle", "true")
    root.set("alttext", tex.strip())
    return f"<td>{ET.tostring(root, encoding='unicode', short_empty_elements=True)}</td>"


def display_html(tex: str) -> str:
    """A display formula as HTML: an ``aligned`` one as a table of right- then left-aligned
    cells (class ``aligned``), any other as a ``<math display="block">``."""
    aligned = _ALIGNED.match(tex)
    if aligned is None:
        return to_mathml(tex, display=True)
    rows = (
        "<tr>" + "".join(_cell(cell, column) for column, cell in enumerate(row)) + "</tr>"
        for row in _split(aligned["body"])
    )
    return '<table class="aligned">' + "".join(rows) + "</table>"
