"""The committed handout equals a fresh regeneration, byte for byte: every format and every
figure file (plots need matplotlib, in the test extra).

Run this file as a script to regenerate output/ (the same as ``mlemap handout --no-pdf``).
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":  # run as a script: tests/ holds the shared outputs module
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from outputs import seed, seed_documents, seed_figures, seed_worksheet_documents

OUTPUT = Path(__file__).resolve().parents[2] / "output"
REGENERATE = (
    "regenerate it with `mlemap handout` (or `python tests/documents/test_output.py`) and commit it"
)


def test_committed_handout_is_a_fresh_regeneration():
    for fmt, text in seed_documents().items():
        committed = (OUTPUT / f"handout.{fmt}").read_text()
        assert committed == text, f"output/handout.{fmt} differs from a fresh run; {REGENERATE}"


def test_committed_figures_are_a_fresh_regeneration():
    figures = seed_figures()
    assert sorted(figures) == sorted(
        str(p.relative_to(OUTPUT)) for p in (OUTPUT / "figures").iterdir()
    ), f"output/figures/ holds other files than a fresh run; {REGENERATE}"
    for relative, data in figures.items():
        assert (OUTPUT / relative).read_bytes() == data, (
            f"output/{relative} differs from a fresh run; {REGENERATE}"
        )


def test_committed_worksheets_are_a_fresh_regeneration():
    for name, text in seed_worksheet_documents().items():
        committed = (OUTPUT / name).read_text()
        assert committed == text, (
            f"output/{name} differs from a fresh run; regenerate it with "
            "`python tests/documents/test_output.py` and commit it"
        )


def test_rendering_is_deterministic():
    first = seed_documents(), seed_figures()
    for cached in (seed, seed_documents, seed_figures):
        cached.cache_clear()
    assert (seed_documents(), seed_figures()) == first


if __name__ == "__main__":
    for fmt, text in seed_documents().items():
        (OUTPUT / f"handout.{fmt}").write_text(text)
        print(OUTPUT / f"handout.{fmt}")
    (OUTPUT / "figures").mkdir(exist_ok=True)
    for stale in (OUTPUT / "figures").iterdir():
        stale.unlink()
    for relative, data in seed_figures().items():
        (OUTPUT / relative).write_bytes(data)
        print(OUTPUT / relative)
    for name, text in seed_worksheet_documents().items():
        (OUTPUT / name).write_text(text)
        print(OUTPUT / name)
