"""docs/templates.md: every name it lists is in the context the templates are actually given,
every field of those objects is listed, and its worked override renders as it says."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from mlemap.cli.main import main
from mlemap.documents.render import Renderer

PAGE = Path(__file__).resolve().parents[2] / "docs" / "templates.md"
TEXT = PAGE.read_text()


def _listed(kind: str) -> list[str]:
    """The names the table under ``### `KIND.FORMAT.jinja2` `` lists."""
    section = TEXT.split(f"### `{kind}.FORMAT.jinja2`", 1)[1].split("\n### ", 1)[0]
    return re.findall(r"^\| `([\w.\[\]]+)` \|", section, flags=re.M)


@pytest.fixture(scope="module")
def contexts(tmp_path_factory):
    """The context of every template rendered by the commands an instructor runs."""
    seen: dict[str, list[dict]] = {}
    original = Renderer.render

    def recording(self, kind, fmt, **context):
        seen.setdefault(kind, []).append(context)
        return original(self, kind, fmt, **context)

    folder = tmp_path_factory.mktemp("documents")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Renderer, "render", recording)
        for arguments in (
            ["derive", "normal", "--exercises"],
            ["handout", "--no-pdf"],
            ["handout", "bernoulli:beta", "--exercises", "--no-pdf"],
        ):
            assert main([*arguments, "-o", str(folder)]) == 0
    return seen


def _values(objects: list[object], path: str) -> list[object]:
    """What ``path`` reaches from each of ``objects`` (``[]``: every item; None stops)."""
    for part in path.split("."):
        each = part.endswith("[]")
        name = part.removesuffix("[]")
        found = []
        for obj in objects:
            if obj is None:
                continue
            value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name)
            if each:
                found += list(value.values() if isinstance(value, dict) else value)
            else:
                found.append(value)
        objects = found
    return objects


@pytest.mark.parametrize("kind", ["derivation", "collection", "handout"])
def test_every_listed_name_is_in_the_context_passed(contexts, kind):
    names = _listed(kind)
    assert names
    for name in names:
        values = _values(contexts[kind], name)
        assert any(v is not None for v in values), f"{name} reaches nothing in {kind}"


def _fields(obj: object, prefix: str, out: set[str]) -> None:
    if isinstance(obj, dict):
        for key, value in obj.items():
            _fields(value, f"{prefix}.{key}", out)
    elif isinstance(obj, tuple | list):
        for item in obj:
            _fields(item, f"{prefix}[]", out)
    elif dataclasses.is_dataclass(obj):
        for field in dataclasses.fields(obj):
            _fields(getattr(obj, field.name), f"{prefix}.{field.name}", out)
    else:
        out.add(prefix)


def test_every_field_a_template_receives_is_listed(contexts):
    """No field goes undocumented: each leaf (or a path above it) is in the tables."""
    listed = {n for kind in ("derivation", "collection", "handout") for n in _listed(kind)}
    leaves: set[str] = set()
    for kind in ("derivation", "handout"):
        for context in contexts[kind]:
            for key, value in context.items():
                _fields(value, key, leaves)
    # the derivations a handout holds have the fields of d, documented once
    derivation = re.compile(r"^h\.derivations\.\w+|^derivations\[\]")
    missing = set()
    for leaf in leaves:
        leaf = derivation.sub("d", leaf)
        if not any(
            leaf == n or leaf.startswith(n + ".") or leaf.startswith(n + "[]") for n in listed
        ):
            missing.add(leaf)
    # the Math segments of words are documented with the words
    missing = {m for m in missing if not re.search(r"(title|words|prompt)\[\]", m)}
    assert not missing, sorted(missing)


def test_the_worked_override_renders_as_the_page_shows(tmp_path, capsys):
    template = re.search(r"```jinja\n(.*?)```", TEXT, re.S).group(1)
    shown = re.search(r"```markdown\n(.*?)```", TEXT, re.S).group(1)
    (tmp_path / "derivation.md.jinja2").write_text(template)
    assert main(["derive", "bernoulli", "--templates", str(tmp_path), "-o", "-"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(shown)
    assert "## 4. Score" in out  # the steps, from the shipped macros
