"""The committed handout equals a fresh regeneration, byte for byte.

Run this file as a script to regenerate output/ (the same as ``mlemap handout --no-pdf``).
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":  # run as a script: tests/ holds the shared outputs module
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from outputs import seed_documents, seed_worksheet_documents

OUTPUT = Path(__file__).resolve().parents[2] / "output"


def test_committed_handout_is_a_fresh_regeneration():
    for fmt, text in seed_documents().items():
        committed = (OUTPUT / f"handout.{fmt}").read_text()
        assert committed == text, (
            f"output/handout.{fmt} differs from a fresh run; regenerate it with "
            "`mlemap handout` (or `python tests/documents/test_output.py`) and commit it"
        )


def test_committed_worksheets_are_a_fresh_regeneration():
    for name, text in seed_worksheet_documents().items():
        committed = (OUTPUT / name).read_text()
        assert committed == text, (
            f"output/{name} differs from a fresh run; regenerate it with "
            "`python tests/documents/test_output.py` and commit it"
        )


def test_rendering_is_deterministic():
    first = seed_documents()
    seed_documents.cache_clear()
    assert seed_documents() == first


if __name__ == "__main__":
    for fmt, text in seed_documents().items():
        (OUTPUT / f"handout.{fmt}").write_text(text)
        print(OUTPUT / f"handout.{fmt}")
    for name, text in seed_worksheet_documents().items():
        (OUTPUT / name).write_text(text)
        print(OUTPUT / name)
