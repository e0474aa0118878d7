"""contentlib.atomic: each guarantee of the one atomic-write helper, on real files."""

from __future__ import annotations

import json
import os

import pytest

from contentlib import atomic
from contentlib.errors import CannotWrite


def _left(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_write_replaces_the_file_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old")
    atomic.write_text(target, "new ཀ")
    assert target.read_text("utf-8") == "new ཀ"
    assert _left(tmp_path) == ["out.json"]


def test_a_failure_while_writing_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic.atomic_open(target) as fh:
        fh.write(b"half of the new")
        raise RuntimeError("the writer broke")
    assert target.read_bytes() == b"old"
    assert _left(tmp_path) == ["out.bin"]


def test_a_failed_rename_is_cannot_write_and_leaves_the_old_state(tmp_path):
    target = tmp_path / "taken"
    target.mkdir()
    (target / "inside").write_text("keep")  # a non-empty folder cannot be replaced by a file
    with pytest.raises(CannotWrite, match="taken"):
        atomic.write_bytes(target, b"new")
    assert (target / "inside").read_text() == "keep"
    assert _left(tmp_path) == ["taken"]


def test_a_missing_folder_is_cannot_write_and_writes_nothing(tmp_path):
    with pytest.raises(CannotWrite, match="nowhere"):
        atomic.write_text(tmp_path / "nowhere" / "out.txt", "x")
    assert _left(tmp_path) == []


def test_parents_makes_the_missing_folders(tmp_path):
    atomic.write_text(tmp_path / "a" / "b" / "out.txt", "x", parents=True)
    assert (tmp_path / "a" / "b" / "out.txt").read_text() == "x"


def test_two_writers_at_once_get_different_temporary_names_and_the_last_one_wins(tmp_path):
    target = tmp_path / "cursor"
    with atomic.atomic_path(target) as first, atomic.atomic_path(target) as second:
        assert first != second and first.parent == second.parent == tmp_path
        assert first.name.startswith(".cursor.") and second.name.startswith(".cursor.")
        first.write_text("first")
        second.write_text("second")
    assert target.read_text() == "first"  # the inner block ended first, the outer one replaced it
    assert _left(tmp_path) == ["cursor"]


def test_the_file_and_then_its_folder_are_fsynced(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync

    def recording_fsync(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    target = tmp_path / "out.txt"
    atomic.write_text(target, "x")
    assert synced[-1] == str(tmp_path)  # the folder, after the rename
    assert any(p.startswith(str(tmp_path / ".out.txt.")) for p in synced[:-1])  # the file, before it


def test_mode_is_set_on_the_new_file(tmp_path):
    target = tmp_path / "public.png"
    atomic.write_bytes(target, b"\x89PNG", mode=0o644)
    assert target.stat().st_mode & 0o777 == 0o644


def test_a_missing_source_while_copying_stays_the_callers_error(tmp_path):
    """Not the target's fault: the OSError about another file passes through unchanged."""
    target = tmp_path / "copy"
    with pytest.raises(FileNotFoundError), atomic.atomic_open(target) as fh:
        fh.write((tmp_path / "absent").read_bytes())
    assert _left(tmp_path) == []


def test_usage_counts_export_does_not_trip_over_a_fixed_temporary_name(app, tmp_path):
    """It once wrote ``<name>.tmp``: whatever had that name (here a folder) broke the export."""
    folder = tmp_path / "reports"
    (folder / "counts.json.tmp").mkdir(parents=True)
    (folder / "counts.json.tmp" / "someone else's").write_text("keep")
    data = app.extensions["contentlib"].export_counts(folder / "counts.json")
    assert json.loads((folder / "counts.json").read_text("utf-8")) == data
    assert _left(folder) == ["counts.json", "counts.json.tmp"]
