"""Atomic writes: an interrupted write leaves the old file whole."""

from __future__ import annotations

import os

import pytest

from mlemap.documents.files import write_atomic
from mlemap.errors import MlemapError


def test_writes_and_replaces(tmp_path):
    target = tmp_path / "sub" / "a.md"
    write_atomic(target, "one")
    write_atomic(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["a.md"]


def test_an_interrupted_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "a.md"
    target.write_text("old, complete")

    def fail(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new")
    assert target.read_text() == "old, complete"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]  # no temporary file left


def test_a_folder_that_cannot_be_made_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(MlemapError, match=r"cannot write .*choose a folder"):
        write_atomic(tmp_path / "file" / "a.md", "x")
