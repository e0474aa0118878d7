"""Case 10a: killed reindexes leave no partial generation behind, and never displace a good one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from contentlib import indexing, records
from contentlib.search import SearchIndex
from tests.conftest import DATA

ROOT = Path(__file__).resolve().parents[2]
# A rebuild that has started writing its generation, then hangs until it is killed.
CHILD = r"""
import sys, time
from pathlib import Path
from contentlib import indexing, records
from contentlib.search import SearchIndex
parsed, _ = records.read_file(Path(sys.argv[2]))
recs = [indexing.search_record(p.work) for p in parsed]
def slow():
    yield from recs
    Path(sys.argv[3]).touch()
    time.sleep(600)
SearchIndex(sys.argv[1]).rebuild(slow())
"""


def _records():
    parsed, problems = records.read_file(DATA / "works.jsonl")
    assert not problems
    return [indexing.search_record(p.work) for p in parsed]


def _killed_rebuild(index_dir, tmp_path, n):
    ready = tmp_path / f"ready-{n}"
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(index_dir), str(DATA / "works.jsonl"), str(ready)],
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 120
    while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ready.exists(), "the child rebuild did not start"
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def _gens(index_dir):
    return sorted(p.name for p in Path(index_dir).glob("gen-*"))


def test_killed_rebuilds_are_swept_and_the_good_generation_stays_previous(tmp_path):
    index_dir = tmp_path / "index"
    ix = SearchIndex(index_dir)
    ix.rebuild(_records())
    good = os.readlink(index_dir / "current")
    for n in range(2):
        _killed_rebuild(index_dir, tmp_path, n)
    partial = [g for g in _gens(index_dir) if g != good]
    assert partial  # a kill leaves a partial generation (the next rebuild's start sweeps older ones)
    assert os.readlink(index_dir / "current") == good and ix.doc_count() == 3  # still serving the good one
    ix.rebuild(_records())
    new = os.readlink(index_dir / "current")
    assert sorted(_gens(index_dir)) == sorted([good, new])  # partial ones gone; the good one is "previous"
    assert not set(partial) & set(_gens(index_dir))
    assert all((index_dir / g / "COMPLETE").is_file() for g in (good, new))
    ix.close()
    assert SearchIndex(index_dir).doc_count() == 3


def test_a_live_generation_from_before_the_marks_is_kept(tmp_path):
    index_dir = tmp_path / "index"
    ix = SearchIndex(index_dir)
    ix.rebuild(_records())
    live = os.readlink(index_dir / "current")
    (index_dir / live / "COMPLETE").unlink()  # an index built by an older version
    (index_dir / "gen-0-partial").mkdir()
    ix.engine._sweep_partial()
    assert _gens(index_dir) == [live] and ix.doc_count() == 3
    ix.close()
