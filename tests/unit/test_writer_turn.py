"""A writer that waits for the index's lock gets it, however busy the passes that only try it keep it."""

import multiprocessing
import time

from contentlib.search.localstate import writer_lock

HOLD = 0.05  # an applier's pass holding the lock
PASSES = 2  # serving processes whose appliers try it all the time


def _busy_passes(index_dir, stop, held_count) -> None:
    """Try the lock without waiting, hold it a moment when free, and try again at once (no pause between)."""
    while not stop.is_set():
        with writer_lock(index_dir, blocking=False) as held:
            if held:
                with held_count.get_lock():
                    held_count.value += 1
                time.sleep(HOLD)


def test_a_waiting_writer_is_not_starved_by_passes_that_only_try(tmp_path):
    ctx = multiprocessing.get_context("fork")
    stop, held_count = ctx.Event(), ctx.Value("i", 0)
    passes = [ctx.Process(target=_busy_passes, args=(tmp_path / "ix", stop, held_count)) for _ in range(PASSES)]
    for p in passes:
        p.start()
    try:
        deadline = time.monotonic() + 10
        while held_count.value < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert held_count.value >= 3, "the passes took the lock"
        waits = []
        for _ in range(10):  # a rebuild (or an import's drain) takes the lock, waiting for it
            start = time.monotonic()
            with writer_lock(tmp_path / "ix") as got:
                waits.append(round(time.monotonic() - start, 3))
                assert got
                before = held_count.value
                time.sleep(HOLD * 4)
                assert held_count.value == before  # nobody else wrote meanwhile: still exclusive
    finally:
        stop.set()
        for p in passes:
            p.join(10)
    assert max(waits) < 1.0, waits  # at most about one pass in hand (50 ms), never a stream of them
