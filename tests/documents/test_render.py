"""The renderer: templates found in the user's folder first, escaping, errors, Jupyter."""

from __future__ import annotations

from pathlib import Path

import pytest

import mlemap
from mlemap.documents.render import Renderer, escape_latex, escape_markdown, template_folders

from conftest import derived


def test_user_templates_override_the_shipped_ones(tmp_path):
    (tmp_path / "derivation.md.jinja2").write_text("custom: {{ d.title | words }}\n")
    d = derived("poisson")
    assert d.to_markdown(templates=tmp_path) == "custom: MLE for the Poisson model\n"
    assert d.to_markdown().startswith("# MLE for the Poisson model")


def test_a_user_folder_can_override_one_macro_file_only(tmp_path):
    shipped = template_folders()[-1]
    macros = (shipped / "macros.md.jinja2").read_text().replace("*Checked (", "*Verified (")
    (tmp_path / "macros.md.jinja2").write_text(macros)
    text = derived("poisson").to_markdown(templates=tmp_path)
    assert "*Verified (" in text and "*Checked (" not in text


def test_missing_things_are_named_with_where_they_were_looked_for(tmp_path):
    with pytest.raises(mlemap.MlemapError, match="does not exist"):
        Renderer(tmp_path / "nope")
    with pytest.raises(mlemap.MlemapError, match=r"no template 'nothing.md.jinja2'; searched: "):
        Renderer(tmp_path).render("nothing", "md")
    with pytest.raises(mlemap.MlemapError, match="unknown format 'rtf'; formats: md, tex, html"):
        Renderer().render("derivation", "rtf")


def test_shipped_templates_come_with_the_package():
    folder = template_folders()[-1]
    names = {p.name for p in folder.iterdir()}
    assert {
        "derivation.md.jinja2",
        "derivation.tex.jinja2",
        "handout.md.jinja2",
        "handout.tex.jinja2",
        "collection.md.jinja2",
        "collection.tex.jinja2",
        "page.html.jinja2",
    } <= names
    installed = Path(mlemap.__file__).parent
    if "site-packages" in str(installed):  # a non-editable install, as CI has
        assert folder == installed / "templates"


def test_prose_is_escaped_for_each_format():
    assert escape_markdown("a_b *c* $5 [x] |") == r"a\_b \*c\* \$5 \[x\] \|"
    assert escape_latex("50% & θ ∈ (0, 1) — a_b {x} ∼ b − 1") == (
        r"50\% \& \(\theta\) \(\in\) (0, 1) --- a\_b \{x\} \(\sim\) b \(-\) 1"
    )
    assert escape_latex("λ > 0, n < d") == r"\(\lambda\) \textgreater{} 0, n \textless{} d"


def test_jupyter_displays():
    d = derived("bernoulli")
    assert d._repr_markdown_() == d.to_markdown()
    assert (
        r"\hat{\theta} & = \frac{k}{n}" in d._repr_latex_()
    )  # the whole derivation: see test_notebook
    assert d.to_latex().startswith(r"\documentclass[11pt]{article}")


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ cycler.__init__.__globals__.os.system('true') }}", r"line 1: access to attribute"),
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "unsafe"),
        ("{{ 1 // 0 }}", r"derivation.md.jinja2, line 1: ZeroDivisionError"),
        ("{% include 'derivation.md.jinja2' %}", "includes or extends itself without end"),
        ("ok\n{{ d.nope }}", r"line 2: .* has no attribute 'nope'"),
        ("{% for %}", r"line 1: Expected an expression"),
    ],
)
def test_a_template_from_someone_else_runs_sandboxed_and_fails_in_one_line(
    tmp_path, template, message
):
    (tmp_path / "derivation.md.jinja2").write_text(template + "\n")
    with pytest.raises(mlemap.MlemapError, match=message) as raised:
        derived("poisson").to_markdown(templates=tmp_path)
    assert "\n" not in str(raised.value)


def test_a_template_that_is_not_utf8_is_named(tmp_path):
    (tmp_path / "derivation.md.jinja2").write_bytes(b"\xff\xfe{{ d.title }}")
    with pytest.raises(mlemap.MlemapError, match=r"derivation\.md\.jinja2 .*is not UTF-8"):
        derived("poisson").to_markdown(templates=tmp_path)
