"""Every Python example in the README runs as printed, in order, as a reader pastes them."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_the_readme_shows_python_examples():
    assert len(BLOCKS) >= 7


def test_every_python_example_in_the_readme_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # an example that writes a file writes it here
    namespace: dict = {}
    for number, block in enumerate(BLOCKS):
        exec(compile(block, f"README.md, Python example {number + 1}", "exec"), namespace)
    out = capsys.readouterr().out
    assert "posterior: Beta(5, 2)" in out  # the fit summary the README shows
    assert "Verdict: wrong; the first wrong step is line 1." in out
    assert set(namespace["d"].estimator()(namespace["X"], namespace["y"])) == {"w", "sigma2"}
