"""The background loops wait out a database that is away: jobs are handed back, counts kept (issue 25).

A job that meets the database away (or the disk full) has not failed: it waits again with its attempt
not counted, and runs once the fault is over; the use counter keeps what it could not write.
Runs on SQLite and PostgreSQL (the ``store`` fixture).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter as Tally
from types import SimpleNamespace

import pytest

from contentlib import usage, worker
from contentlib.errors import DatabaseUnavailable, NoSpace
from contentlib.jobs import JobQueue

KIND = "test-flaky"


class Flaky:
    """A job handler that meets ``faults`` (one per call) before it succeeds."""

    def __init__(self, *faults):
        self.faults, self.ran = list(faults), 0

    def __call__(self, library, job, task):
        self.ran += 1
        if self.faults:
            raise self.faults.pop(0)


def _library(store):
    return SimpleNamespace(store=store, jobs=JobQueue(store), media=SimpleNamespace(sweep_temp=lambda: None))


def _rows(store):
    with store.transaction() as conn:
        return [tuple(r) for r in conn.exec_driver_sql("SELECT state, attempts, claimed_by FROM jobs")]


@pytest.mark.parametrize("fault", [DatabaseUnavailable("away"), NoSpace("full"), OSError(28, "No space left")])
def test_a_job_that_meets_a_fault_waits_again_with_its_attempt_not_counted(store, monkeypatch, fault):
    handler = Flaky(fault)
    monkeypatch.setitem(worker.HANDLERS, KIND, handler)
    lib = _library(store)
    lib.jobs.put("w1", kind=KIND)
    with pytest.raises((DatabaseUnavailable, NoSpace)):
        worker.run_once(lib, "w")
    assert _rows(store) == [("queued", 0, None)]  # not failed, not held by anyone
    assert worker.run_once(lib, "w") == 1 and handler.ran == 2
    assert _rows(store) == []  # done


def test_a_real_failure_still_counts(store, monkeypatch):
    monkeypatch.setitem(worker.HANDLERS, KIND, Flaky(*[ValueError("a bug")] * 3))
    lib = _library(store)
    lib.jobs.put("w1", kind=KIND)
    assert worker.run_once(lib, "w") == 3  # tried again until it gave up
    assert _rows(store)[0][:2] == ("failed", 3)


class Unreachable(JobQueue):
    """The job table while the database is away for ``away`` calls of ``release``."""

    def __init__(self, store, away: int):
        super().__init__(store)
        self.away = away

    def release(self, job):
        if self.away:
            self.away -= 1
            raise DatabaseUnavailable("away")
        super().release(job)


def test_a_job_that_could_not_be_handed_back_is_held_and_handed_back_later(store, monkeypatch):
    handler = Flaky(DatabaseUnavailable("away"))
    monkeypatch.setitem(worker.HANDLERS, KIND, handler)
    lib = _library(store)
    lib.jobs = Unreachable(store, away=1)
    lib.jobs.put("w1", kind=KIND)
    held = []
    with pytest.raises(DatabaseUnavailable):
        worker.run_once(lib, "w", held=held)
    assert len(held) == 1 and _rows(store)[0][0] == "running"
    worker.release_held(lib, held)
    assert held == [] and _rows(store) == [("queued", 0, None)]


def test_the_worker_loop_waits_out_the_fault_says_so_once_and_goes_on(store, monkeypatch, caplog):
    handler = Flaky(*[DatabaseUnavailable("away")] * 3)
    monkeypatch.setitem(worker.HANDLERS, KIND, handler)
    lib = _library(store)
    lib.jobs.put("w1", kind=KIND)
    stop = threading.Event()
    with caplog.at_level(logging.WARNING, logger="contentlib.worker"):
        thread = threading.Thread(target=worker.loop, args=(lib, stop, 0.05, "w"))
        thread.start()
        try:
            for _ in range(200):
                if not _rows(store):
                    break
                stop.wait(0.05)
        finally:
            stop.set()
            thread.join(10)
    assert _rows(store) == [] and handler.ran == 4
    said = [r.getMessage() for r in caplog.records if r.name == "contentlib.worker"]
    assert len([m for m in said if "waits" in m]) == 1 and len([m for m in said if "goes on" in m]) == 1
    assert not any(r.exc_info for r in caplog.records)  # a fault is no traceback


class AwayStore:
    """Counts' storage that refuses ``refusals`` writes, then keeps what it is given."""

    def __init__(self, refusals):
        self.refusals, self.written = list(refusals), Tally()

    def media_owners(self, shas):
        return {}

    def add_daily_counts(self, rows):
        if self.refusals:
            raise self.refusals.pop(0)
        self.written.update(rows)


@pytest.mark.parametrize("fault", [DatabaseUnavailable("away"), NoSpace("full")])
def test_use_counts_the_database_refused_are_written_with_the_next_flush(fault):
    store = AwayStore([fault])
    counter = usage.Counter(store, interval=3600)
    counter.add("view", work_id="w1", lang="bo")
    counter.add("view", work_id="w1", lang="bo")
    assert counter.flush() == 0 and counter.pending() == 2  # kept
    counter.add("view", work_id="w1", lang="bo")
    assert counter.flush() == 3 and counter.pending() == 0
    assert sum(store.written.values()) == 3


def test_use_counts_are_still_dropped_on_a_bug():
    store = AwayStore([ValueError("a bug")])
    counter = usage.Counter(store, interval=3600)
    counter.add("view", work_id="w1", lang="bo")
    assert counter.flush() == 0 and counter.pending() == 0


class AwayUnmetStore(AwayStore):
    def add_unmet_counts(self, batch):
        self.add_daily_counts(batch)


@pytest.mark.parametrize("fault", [DatabaseUnavailable("away"), NoSpace("full")])
def test_unmet_searches_the_database_refused_are_written_with_the_next_flush(fault, caplog):
    from contentlib.crosslang.demand import UnmetCounter

    store = AwayUnmetStore([fault])
    counter = UnmetCounter(store, interval=3600)
    counter.add_query("bo", "ཆུ་ཚོད")
    assert counter.flush() == 0 and counter.pending() == 1  # kept, one line and no traceback
    assert not any(r.exc_info for r in caplog.records)
    counter.add_query("bo", "ཆུ་ཚོད")
    assert counter.flush() == 2 and sum(store.written.values()) == 2
