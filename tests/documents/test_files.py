"""Atomic writes: an interrupted write leaves the old files whole, and no leftovers."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mlemap.documents.files import scratch_folder, write_atomic, write_together
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


def test_a_set_is_replaced_together_or_not_at_all(tmp_path, monkeypatch):
    first, second = tmp_path / "h.md", tmp_path / "h.tex"
    write_together({first: "old md", second: "old tex"})
    real, calls = os.fsync, []

    def full_disk_on_the_second(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(fd)

    monkeypatch.setattr(os, "fsync", full_disk_on_the_second)
    with pytest.raises(MlemapError, match=r"cannot write .*h\.tex.*No space left"):
        write_together({first: "new md", second: "new tex"})
    assert first.read_text() == "old md" and second.read_text() == "old tex"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.md", "h.tex"]


def test_what_a_killed_run_left_is_removed_by_the_next_and_a_live_ones_kept(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    gone = int(dead.stdout)
    (tmp_path / f".h.md.{gone}.abcdefgh").write_text("half")
    (tmp_path / f".mlemap-latex.{gone}.abcdefgh").mkdir()
    (tmp_path / f".mlemap-latex.{gone}.abcdefgh" / "h.aux").write_text("x")
    live = tmp_path / f".h.md.{os.getppid()}.abcdefgh"  # a running process's file stays
    live.write_text("being written")
    mine = tmp_path / ".config.1.abcdefgh"  # not one of ours: stays
    mine.write_text("user")
    write_together({tmp_path / "h.md": "new"})
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(["h.md", live.name, mine.name])


def test_a_scratch_folder_lives_inside_the_output_folder_and_goes(tmp_path):
    with scratch_folder(tmp_path / "h.pdf") as scratch:
        assert scratch.parent == tmp_path and scratch.name.startswith(".mlemap-latex.")
        (scratch / "h.aux").write_text("x")
    assert list(tmp_path.iterdir()) == []
