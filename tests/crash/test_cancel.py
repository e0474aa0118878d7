"""A cancelled export, bundle, ZIM file or backup leaves the old output as it was and nothing beside it.

The kill tests stop a process from outside at random; a cancel stops the work from inside, at
its next check (``contentlib.longwork``): Ctrl-C on the command, or a request to a worker's job.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from contentlib.longwork import Cancelled, Task
from contentlib.progress import CommandTask
from contentlib.selection import Selection
from tests.web.test_progress_cli import _works_with_files

FONT = Path(__file__).resolve().parents[2] / "catalog/static/fonts/NotoSerifTibetan.woff2"


class CancelAt(Task):
    """A task asked to stop by its ``n``-th step (the work stops at the check right after)."""

    def __init__(self, n: int):
        super().__init__()
        self.n, self.steps = n, 0

    def progress(self, done, total=None, stage=""):
        self.steps += 1
        if self.steps >= self.n:
            self.cancel()


def _tree(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else None
            for p in sorted(folder.rglob("*"))}


@pytest.fixture
def lib(runner, app, tmp_path):
    assert runner.invoke(args=["import", str(_works_with_files(tmp_path))]).exit_code == 0
    return app.extensions["contentlib"]


WRITERS = {
    "export": lambda lib, out, task: lib.export(out, task=task),
    "bundle": lambda lib, out, task: lib.export_bundle(Selection(), out, task=task),
    "zim": lambda lib, out, task: lib.export_zim(Selection(), out, FONT, task=task),
    "backup": lambda lib, out, task: lib.backup(out, task=task),
}


@pytest.mark.parametrize("kind", sorted(WRITERS))
@pytest.mark.parametrize("step", [1, 2])
def test_a_cancelled_writer_leaves_the_old_file_and_nothing_else(lib, tmp_path, kind, step):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / f"all.{kind}"
    out.write_bytes(b"the old output")
    before = _tree(out_dir)
    task = CancelAt(step)
    with pytest.raises(Cancelled):
        WRITERS[kind](lib, out, task)
    assert task.steps == step  # stopped at the check right after the request, not at the end
    assert _tree(out_dir) == before


def test_an_export_finished_after_a_cancel_writes_everything(lib, tmp_path):
    out = tmp_path / "all.jsonl"
    with pytest.raises(Cancelled):
        lib.export(out, task=CancelAt(2))
    assert not out.exists() and not (tmp_path / "all_media").exists()
    assert lib.export(out) == 3 and len(out.read_text().splitlines()) == 3


def test_ctrl_c_stops_the_command_with_one_line_and_the_old_file(runner, lib, tmp_path, monkeypatch):
    out = tmp_path / "all.jsonl"
    out.write_text("old\n")
    shown = CommandTask.progress

    def interrupted_once(self, done, total=None, stage=""):
        shown(self, done, total, stage)
        if not self.cancelled:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, through the command's own handler

    monkeypatch.setattr(CommandTask, "progress", interrupted_once)
    before = signal.getsignal(signal.SIGINT)  # Python's own, or SIG_IGN when the suite runs in the background
    result = runner.invoke(args=["export", str(out)])
    assert result.exit_code == 130
    assert result.stderr.splitlines()[-1] == "Stopped: cancelled: nothing was changed"
    assert "Traceback" not in result.output and "works exported" not in result.stdout
    assert out.read_text() == "old\n" and sorted(p.name for p in tmp_path.iterdir() if "all" in p.name) == ["all.jsonl"]
    assert signal.getsignal(signal.SIGINT) is before  # the command's handler is gone afterwards
