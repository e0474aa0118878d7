"""Index files are read through one descriptor per file per process, however many threads search."""

import json
import os
import threading
from pathlib import Path

from contentlib.search import SearchIndex, sharedfiles

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "search_sample.jsonl"


def _index_descriptors(folder: Path) -> int:
    """This process's open descriptors on files under ``folder``."""
    inside = str(folder.resolve())
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith(inside):
                count += 1
        except OSError:
            continue
    return count


def _search_in_threads(index, n: int) -> list:
    """Each of ``n`` threads opens its searcher (kept for the thread) and searches; all are alive at the end."""
    ready, done, totals = threading.Barrier(n + 1), threading.Event(), []

    def work():
        totals.append(index.search("")["total"])
        ready.wait()
        done.wait()  # keep the thread, and so its searcher, alive while the descriptors are counted

    threads = [threading.Thread(target=work) for _ in range(n)]
    for t in threads:
        t.start()
    ready.wait()
    return [threads, done, totals]


def test_eight_searching_threads_hold_the_descriptors_of_one(tmp_path):
    recs = [json.loads(line) for line in open(SAMPLE, encoding="utf-8")]
    index = SearchIndex(tmp_path / "ix", chunk_size=8)  # several segments
    index.rebuild(recs)
    index.search("")  # the columns every search reads are loaded once (their files closed again)
    counts = {}
    for n in (1, 8):
        threads, done, totals = _search_in_threads(index, n)
        counts[n] = _index_descriptors(tmp_path / "ix")
        done.set()
        for t in threads:
            t.join()
        assert len(set(totals)) == 1 and totals[0] > 0
    assert counts[1] > 0
    assert counts[8] == counts[1]  # one searcher per thread, one descriptor per file
    index.update(records=[dict(recs[0], titles={"zh": "物理新题"})])
    assert index.search("物理新题")["total"] == 1  # an edit is seen through the shared files too
    index.close()


def test_readers_of_one_file_keep_their_own_positions_and_the_last_closes_it(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(bytes(range(256)) * 64)
    before = sharedfiles.open_count()
    a, b = sharedfiles.open_shared(str(path)), sharedfiles.open_shared(str(path))
    assert sharedfiles.open_count() == before + 1
    a.seek(10)
    assert b.read(3) == bytes([0, 1, 2]) and a.read(2) == bytes([10, 11])
    b.seek(-1, os.SEEK_END)
    assert b.read() == bytes([255]) and a.tell() == 12
    a.close()
    assert b.read(0) == b"" and sharedfiles.open_count() == before + 1
    b.close()
    assert sharedfiles.open_count() == before


def test_a_file_replaced_under_its_name_is_opened_anew_and_the_old_one_stays_readable(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"old contents")
    old = sharedfiles.open_shared(str(path))
    path.unlink()
    path.write_bytes(b"new contents")
    new = sharedfiles.open_shared(str(path))
    assert old.read() == b"old contents" and new.read() == b"new contents"
    old.close()
    third = sharedfiles.open_shared(str(path))
    assert third.read(3) == b"new"
    new.close()
    third.close()
    assert not any(os.readlink(f"/proc/self/fd/{fd}").startswith(str(path))
                   for fd in os.listdir("/proc/self/fd") if os.path.exists(f"/proc/self/fd/{fd}"))


FORKS = """
import multiprocessing, os, threading
from contentlib.search import sharedfiles

path = os.environ["FILE"]
held, opened, stop = threading.Event(), threading.Event(), threading.Event()

def reader():  # a searching thread: its files live in its thread-local state
    local = threading.local()
    local.files = [sharedfiles.open_shared(path) for _ in range(3)]
    opened.set()
    stop.wait()

def holder():  # another thread inside the registry at the moment of the fork
    with sharedfiles._lock:
        held.set()
        stop.wait()

threading.Thread(target=reader, daemon=True).start()
opened.wait()
threading.Thread(target=holder, daemon=True).start()
held.wait()
child = multiprocessing.get_context("fork").Process(target=lambda: sharedfiles.open_shared(path).read(1))
child.start()  # as a rebuild's writers are forked: Python drops the reader's files in the child first
child.join()
print("returned", child.exitcode, flush=True)
os._exit(0)  # the holder keeps the lock for ever: no orderly shutdown
"""


def test_a_child_forked_while_another_thread_holds_the_registry_does_not_hang(tmp_path):
    import signal
    import subprocess
    import sys

    (tmp_path / "f").write_bytes(b"x" * 100)
    proc = subprocess.Popen([sys.executable, "-c", FORKS], env={**os.environ, "FILE": str(tmp_path / "f")},
                            stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the hung child with it
        proc.communicate()
        raise AssertionError("the forked child hung on the registry's lock") from None
    assert proc.returncode == 0 and out.strip() == "returned 0"
