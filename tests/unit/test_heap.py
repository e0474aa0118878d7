"""Freed heap pages go back to the system when the serving process asks (glibc)."""

import subprocess
import sys
import textwrap

import pytest

from contentlib import heap

SCRIPT = textwrap.dedent("""
    import sys
    from contentlib import heap

    def rss_mb():
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024

    pieces = [bytes(2000) for _ in range(60_000)]  # 120 MB in pieces glibc serves from its heap
    keep = bytes(2000)  # above them: the heap's top is not free, so glibc does not shrink it by itself
    del pieces
    before = rss_mb()
    ran = heap.give_back()
    print(ran, before, rss_mb())
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_give_back_returns_freed_pages_the_heap_kept():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True).stdout.split()
    ran, before, after = out[0] == "True", float(out[1]), float(out[2])
    assert ran
    assert before - after > 80, (before, after)  # without the trim the 120 MB stay resident


def test_give_back_runs_at_most_once_in_a_period():
    heap.give_back_at_most_every(0)
    assert heap.give_back_at_most_every(3600) is False  # one just ran
    assert heap.give_back_at_most_every(0) is True
