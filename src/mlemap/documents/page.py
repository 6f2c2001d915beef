"""The web page: a rendered Markdown document as one self-contained HTML file.

The Markdown is read by markdown-it-py (CommonMark, tables, ``$…$`` maths); each formula is
written as MathML (:mod:`.mathml`), each figure inlined as a ``data:`` URI, and the page gets
a contents list unless the document has its own. No script, no font or style from elsewhere:
the file reads offline, and on a phone (a viewport and a column at most 46em wide).
"""

from __future__ import annotations

import base64
import html
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin

from ..errors import MlemapError
from .mathml import display_html, to_mathml

__all__ = ["Heading", "Page", "page"]

_MEDIA = {".svg": "image/svg+xml", ".png": "image/png"}


@dataclass(frozen=True)
class Heading:
    """One entry of the contents list."""

    level: int
    anchor: str
    html: str


@dataclass(frozen=True)
class Page:
    """What the page template lays out: the title as text and as HTML, the contents, and the
    body (HTML) after the title."""

    title: str
    heading: str
    contents: tuple[Heading, ...]
    body: str


def _parser(images: Mapping[str, bytes]) -> MarkdownIt:
    parser = (
        MarkdownIt("commonmark", {"html": False})
        .enable("table")
        .use(dollarmath_plugin, double_inline=True)
        .use(anchors_plugin, min_level=1, max_level=4)
    )

    def math_inline(_: object, tokens: list[Any], index: int, *__: object) -> str:
        return to_mathml(tokens[index].content, display=False)

    def math_block(_: object, tokens: list[Any], index: int, *__: object) -> str:
        return f'<div class="display">{display_html(tokens[index].content)}</div>\n'

    def image(_: object, tokens: list[Any], index: int, options: Any, env: Any) -> str:
        token = tokens[index]
        source = str(token.attrs.get("src", ""))
        if source not in images:
            raise MlemapError(f"the page shows {source!r}, which was not given to embed")
        suffix = source[source.rfind(".") :].lower()
        if suffix not in _MEDIA:
            raise MlemapError(f"cannot embed {source!r}: images are {', '.join(_MEDIA)}")
        data = base64.b64encode(images[source]).decode("ascii")
        alt = html.escape(parser.renderer.renderInlineAsText(token.children or [], options, env))
        return f'<img src="data:{_MEDIA[suffix]};base64,{data}" alt="{alt}">'

    parser.add_render_rule("math_inline", math_inline)
    parser.add_render_rule("math_inline_double", math_block)
    parser.add_render_rule("math_block", math_block)
    parser.add_render_rule("image", image)
    return parser


def _plain(tokens: list[Any]) -> str:
    """A heading as plain text, for the window's title: its maths as the symbols shown."""
    parts = []
    for token in tokens:
        if token.type == "math_inline":
            parts.append("".join(ET.fromstring(to_mathml(token.content)).itertext()))
        elif token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.children:
            parts.append(_plain(token.children))
    return "".join(parts)


def page(markdown: str, images: Mapping[str, bytes] | None = None) -> Page:
    """The page of a Markdown document, its title the first level-1 heading."""
    parser = _parser(images or {})
    env: dict[str, Any] = {}
    tokens = parser.parse(markdown, env)
    title, heading, contents, own_contents = "", "", [], False
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        text = _plain(inline.children or [])
        shown = parser.renderer.renderInline(inline.children or [], parser.options, env)
        level = int(token.tag[1])
        if level == 1 and not heading:
            title, heading = text, shown
            del tokens[index : index + 3]  # the template sets the title above the contents
        elif level in (2, 3):
            own_contents = own_contents or text.strip().lower() == "contents"
            contents.append(Heading(level, str(token.attrs["id"]), shown))
    body = parser.renderer.render(tokens, parser.options, env)
    return Page(title, heading, () if own_contents else tuple(contents), body)
