"""The package's layout is its pipeline: every import goes down a layer, and none goes round.

Layers, lowest first: errors; catalog; engine; regression (beside the engine, on its checks);
documents, estimators and checker (siblings that never import each other); cli; and the
package's own ``__init__``/``__main__`` on top. Read from the source with ``ast``, so an
import inside a function or under ``TYPE_CHECKING`` counts as much as one at the top.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

import mlemap

PACKAGE = Path(mlemap.__file__).resolve().parent
SOURCE = Path(__file__).resolve().parents[1] / "src" / "mlemap"

LAYERS = {
    "errors": 0,
    "catalog": 1,
    "engine": 2,
    "regression": 3,
    "documents": 4,
    "estimators": 4,
    "checker": 4,
    "cli": 5,
    "": 6,  # mlemap/__init__.py and __main__.py
}


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["mlemap", *parts])


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _exists(module: str, root: Path) -> bool:
    relative = Path(*module.split(".")[1:]) if "." in module else Path()
    return (root / relative).with_suffix(".py").is_file() or (
        root / relative / "__init__.py"
    ).is_file()


#: A comment that allows an import to close a cycle inside a stage, and must say why.
EXCUSED = "# import cycle:"


def imports(root: Path, drop_excused: bool = False) -> dict[str, set[str]]:
    """Each module of the package at ``root`` → the package modules it imports, anywhere in it
    (with ``drop_excused``, leaving out the imports whose line says why they close a cycle)."""
    graph: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        name = _module_name(path, root)
        package = name.split(".") if _is_package(path) else name.split(".")[:-1]
        found: set[str] = set()
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            excused = (
                isinstance(node, ast.ImportFrom | ast.Import) and EXCUSED in lines[node.lineno - 1]
            )
            if drop_excused and excused:
                continue
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - node.level + 1]
                    target = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    target = node.module or ""
                if not target.startswith("mlemap"):
                    continue
                for alias in node.names:  # from . import documents: the submodule itself
                    sub = f"{target}.{alias.name}"
                    found.add(sub if _exists(sub, root) else target)
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith("mlemap")}
            elif isinstance(node, ast.Call) and getattr(
                node.func, "attr", getattr(node.func, "id", "")
            ) in (
                "import_module",
                "__import__",
            ):
                for argument in node.args[:1]:
                    if isinstance(argument, ast.Constant) and str(argument.value).startswith(
                        ("mlemap", ".")
                    ):
                        found.add(f"hidden import {argument.value}")
        found.discard(name)
        graph[name] = found
    return graph


def stage(module: str) -> str:
    """The stage folder of ``mlemap.engine.sums`` ("engine"); "" for the package itself."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in ("__main__",):
        return ""
    return parts[1]


def violations(root: Path) -> list[str]:
    """Every upward or sideways import between stages, and every cycle inside a stage."""
    graph = imports(root)
    found = []
    for source, targets in sorted(graph.items()):
        for target in sorted(targets):
            if target.startswith("hidden import"):
                found.append(f"{source}: {target} (import it by name, downwards)")
                continue
            a, b = stage(source), stage(target)
            if a != b and not LAYERS[b] < LAYERS[a]:
                found.append(f"{source} imports {target}: {b or 'mlemap'} is not below {a}")
    found += [f"import cycle: {' -> '.join(c)}" for c in cycles(imports(root, drop_excused=True))]
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles of ``graph``, each once, by depth-first search."""
    found, done = [], set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            cycle = [*path[path.index(node) :], node]
            if frozenset(cycle) not in done:
                done.add(frozenset(cycle))
                found.append(cycle)
            return
        for target in sorted(graph.get(node, ())):
            # A package imports its own submodules when it loads; that is no cycle.
            if target in graph and not target.startswith(node + "."):
                visit(target, [*path, node])

    for start in sorted(graph):
        visit(start, [])
    return found


@pytest.mark.parametrize("root", [SOURCE, PACKAGE], ids=["source", "installed"])
def test_every_import_goes_down_a_layer(root):
    if not root.is_dir():
        pytest.skip(f"{root} is not here")
    assert violations(root) == []


def test_no_module_sits_at_the_top_but_the_package_files():
    top = sorted(p.name for p in SOURCE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "errors.py"]
    assert {p.name for p in SOURCE.iterdir() if p.is_dir() and p.name != "__pycache__"} == {
        "catalog",
        "engine",
        "regression",
        "documents",
        "estimators",
        "checker",
        "cli",
    }


def test_each_stage_says_what_it_does_and_hands_on():
    for folder in SOURCE.iterdir():
        if folder.is_dir() and folder.name != "__pycache__":
            docstring = ast.get_docstring(ast.parse((folder / "__init__.py").read_text("utf-8")))
            assert docstring, folder.name
            assert "hands on" in docstring, folder.name


@pytest.mark.parametrize(
    ("module", "line", "expected"),
    [
        (
            "catalog/domains.py",
            "from ..cli.main import main",
            "mlemap.cli.main: cli is not below catalog",
        ),
        (
            "engine/sums.py",
            "    from ..documents.printing import to_latex",
            "documents is not below engine",
        ),
        (
            "documents/view.py",
            "from ..estimators import estimator",
            "estimators is not below documents",
        ),
        ("engine/problem.py", "from .derive import derive", "import cycle"),
        ("engine/problem.py", "from .derive import derive  # no reason", "import cycle"),
        ("engine/sums.py", "importlib.import_module('mlemap.cli')", "hidden import mlemap.cli"),
    ],
)
def test_an_upward_import_is_caught(tmp_path, module, line, expected):
    copy = tmp_path / "mlemap"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / module
    if line.startswith("    "):
        line = "def _upward():\n" + line
    target.write_text(target.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")
    found = violations(copy)
    assert any(expected in v for v in found), found
