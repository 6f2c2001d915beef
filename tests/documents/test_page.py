"""The web page is one self-contained file: no script, nothing fetched, figures inlined, a
contents list, and a layout for phones. (It is loaded in Chromium in tests/test_tools.py.)"""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import pytest

from mlemap.documents.page import page
from mlemap.documents.render import Renderer
from mlemap.errors import MlemapError

from outputs import sample_documents, seed, seed_documents


class _Reader(HTMLParser):
    """Tags, attributes and the text a reader sees (outside <math>, <style> and <title>)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._hidden += tag in ("math", "style", "title")

    def handle_endtag(self, tag):
        self._hidden -= tag in ("math", "style", "title")

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def _read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    return reader


@pytest.mark.parametrize("name", ["handout", "collection", "bernoulli:beta", "normal"])
def test_the_page_is_self_contained_and_readable_on_a_phone(name):
    html = seed_documents()["html"] if name == "handout" else sample_documents()[f"{name}.html"]
    reader = _read(html)
    tags = [t for t, _ in reader.tags]
    assert "script" not in tags and "link" not in tags and "iframe" not in tags
    for _, attributes in reader.tags:
        for key in ("src", "href"):
            value = attributes.get(key) or ""
            assert value.startswith(("#", "data:")) or not value, (key, value[:60])
    assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in (
        reader.tags
    )
    assert re.search(r"body \{[^}]*max-width: 46em", html)
    assert "math" in tags
    # No TeX left for a reader: every $…$ became MathML.
    text = "".join(reader.text)
    assert "$" not in text and not re.search(r"\\[a-zA-Z]+", text), re.findall(
        r".{20}\\.{20}", text
    )


def test_the_seed_page_inlines_its_three_figures():
    handout = seed()
    images = [a for t, a in _read(seed_documents()["html"]).tags if t == "img"]
    assert len(images) == 3
    svgs = {f.svg for f in handout.figures.values()}
    for image in images:
        prefix = "data:image/svg+xml;base64,"
        assert image["src"].startswith(prefix)
        assert base64.b64decode(image["src"][len(prefix) :]) in svgs
        assert image["alt"]


def test_a_page_without_its_own_contents_gets_a_contents_list():
    reader = _read(sample_documents()["collection.html"])
    links = [a["href"] for t, a in reader.tags if t == "a"]
    anchors = {a["id"] for t, a in reader.tags if a.get("id")}
    assert links and set(links) <= {f"#{anchor}" for anchor in anchors}
    # The seed handout has its own, and gets no second one.
    assert (
        "<nav" not in seed_documents()["html"] and "<nav" in sample_documents()["collection.html"]
    )


def test_an_image_that_was_not_given_is_an_error_not_a_broken_link():
    with pytest.raises(MlemapError, match="not given to embed"):
        page("# T\n\n![a plot](figures/missing.svg)\n")
    with pytest.raises(MlemapError, match="images are"):
        page("# T\n\n![a plot](figures/x.gif)\n", {"figures/x.gif": b"GIF89a"})


def test_a_user_template_can_restyle_the_page(tmp_path):
    (tmp_path / "page.html.jinja2").write_text("<p>{{ page.title }}</p>{{ page.body | safe }}")
    html = Renderer(tmp_path).render("collection", "html", title="T <b>", derivations=[])
    assert html.startswith("<p>T &lt;b&gt;</p>")  # autoescaped


def test_the_window_title_shows_a_headings_maths_as_its_symbols():
    assert page("# MAP with a prior on $\\lambda$ and *x*\n\ntext").title == (
        "MAP with a prior on λ and x"
    )
    assert (
        "<title>MAP for the Bernoulli model with a Beta prior on θ</title>"
        in (sample_documents()["bernoulli:beta.html"])
    )
