"""Work run in a forked child: done there, its memory given back, what it raised raised here."""

import errno
import os

import pytest

from contentlib.forked import ChildFailed, run_forked


def _rss_mb() -> float:
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_the_work_runs_in_a_child_and_its_memory_stays_there(tmp_path):
    out = tmp_path / "pid"
    before = _rss_mb()

    def work():
        big = bytearray(300 * 1024 * 1024)  # touched: resident in the child
        big[::4096] = b"x" * len(big[::4096])
        out.write_text(str(os.getpid()))

    run_forked(work)
    assert int(out.read_text()) != os.getpid()
    assert _rss_mb() - before < 50


def test_an_os_error_comes_back_with_its_errno():
    def full():
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError) as caught:
        run_forked(full)
    assert caught.value.errno == errno.ENOSPC


def test_an_error_that_cannot_travel_comes_back_as_text():
    class Local(Exception):  # not importable by name: cannot be unpickled
        pass

    def fails():
        raise Local("the index is locked")

    with pytest.raises(ChildFailed, match="the index is locked"):
        run_forked(fails)


def test_a_child_that_dies_is_a_failure():
    with pytest.raises(ChildFailed, match="ended with -9"):
        run_forked(lambda: os.kill(os.getpid(), 9))
