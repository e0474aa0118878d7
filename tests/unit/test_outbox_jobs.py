"""The outbox followed by several indexes, and jobs claimed by several workers (SQLite and PostgreSQL)."""

import threading

import pytest

from contentlib import indexing
from contentlib.jobs import JobQueue
from contentlib.model import Version, Work
from contentlib.search import SearchIndex
from contentlib.store import Store


def _work(i, title="水"):
    return Work(f"w{i}", "book", {"zh": Version("zh", f"{title}{i}")})


def _ids(index, q):
    return {r["id"] for r in index.search(q, per_page=100)["results"]}


def test_two_indexes_follow_the_outbox_each_at_its_own_pace(store, tmp_path):
    a_dir, b_dir = tmp_path / "a", tmp_path / "b"
    a, b = SearchIndex(a_dir), SearchIndex(b_dir)
    store.put_works([_work(1)])
    indexing.drain(store, a)
    indexing.drain(store, b)
    store.put_works([_work(2), _work(3)])
    assert indexing.lag(store, a) == 2 and indexing.lag(store, b) == 2
    assert indexing.drain(store, a) == 2
    assert indexing.lag(store, a) == 0 and indexing.lag(store, b) == 2
    assert store.count_after(0) == 2  # b has not passed them: nothing pruned
    assert indexing.drain(store, b) == 2
    assert store.count_after(0) == 0  # both passed: pruned
    store.put_works([_work(4)])  # numbers keep growing after a prune
    assert indexing.drain(store, a) == 1 and indexing.drain(store, b) == 1
    assert _ids(a, "水") == _ids(b, "水") == {"w1", "w2", "w3", "w4"}
    assert indexing.drain(store, a) == 0  # the second run finds nothing to do


def test_an_index_rebuilt_from_scratch_catches_up_and_the_cursor_survives_a_restart(store, tmp_path):
    d = tmp_path / "ix"
    store.put_works([_work(i) for i in range(5)])
    assert indexing.drain(store, SearchIndex(d)) == 5  # no index yet: built from the database
    store.put_works([_work(9)])
    restarted = SearchIndex(d)  # a new process: the cursor is read from beside the index
    assert indexing.drain(store, restarted) == 1
    assert _ids(restarted, "水") == {f"w{i}" for i in (0, 1, 2, 3, 4, 9)}


def test_every_job_is_claimed_by_exactly_one_of_several_workers(db_url):
    stores = [Store.from_url(db_url) for _ in range(3)]
    try:
        queue = JobQueue(stores[0])
        for i in range(60):
            queue.put(f"w{i}")
        queue.put("w0")  # already waiting: not queued twice
        claimed, lock = [], threading.Lock()

        def work(store, name):
            q = JobQueue(store)
            while jobs := q.claim(name, limit=2):
                for job in jobs:
                    with lock:
                        claimed.append(job.key)
                    q.done(job)

        threads = [threading.Thread(target=work, args=(s, f"worker{i}")) for i, s in enumerate(stores)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(claimed) == sorted(f"w{i}" for i in range(60))
        assert queue.counts() == {"queued": 0, "running": 0, "failed": 0}
    finally:
        for s in stores:
            s.close()


def test_a_failing_job_is_retried_then_given_up(store):
    queue = JobQueue(store)
    queue.put("w1")
    for attempt in range(3):
        (job,) = queue.claim("me")
        assert job.attempts == attempt + 1
        queue.failed(job, "boom")
    assert queue.claim("me") == []
    assert queue.counts()["failed"] == 1


def test_a_job_whose_worker_died_is_handed_out_again(store):
    queue = JobQueue(store)
    queue.put("w1")
    (job,) = queue.claim("dead", now=1000.0)
    assert queue.claim("alive", now=1000.0 + 60) == []
    (again,) = queue.claim("alive", now=1000.0 + 3600)
    assert again.key == "w1" and again.id == job.id


def test_a_long_backlog_is_applied_by_a_rebuild_and_a_short_one_in_place(store, tmp_path, monkeypatch):
    monkeypatch.setattr(indexing, "REBUILD_BACKLOG", 3)
    d = tmp_path / "ix"
    index = SearchIndex(d)
    store.put_works([_work(1)])
    indexing.drain(store, index)
    first = (d / "current").resolve()
    store.put_works([_work(i) for i in range(2, 6)])  # 4 changes, 5 works: a rebuild pays
    indexing.drain(store, index)
    rebuilt = (d / "current").resolve()
    assert rebuilt != first
    assert indexing.lag(store, index) == 0 and _ids(index, "水") == {f"w{i}" for i in range(1, 6)}
    store.put_works([_work(6)])  # one change: applied in place, same generation
    assert indexing.drain(store, index) == 1
    assert (d / "current").resolve() == rebuilt and "w6" in _ids(index, "水")


def test_a_cancel_stops_a_waiting_job_now_and_marks_a_running_one(store):
    from contentlib.errors import NotFound
    from contentlib.jobs import CANCELLED, CANCELLING

    q = JobQueue(store)
    q.put("a")
    q.put("b")
    first, = q.claim("w1")
    waiting = next(j for j in q.recent() if j.key == "b")
    assert q.cancel(waiting.id) == CANCELLED
    assert q.claim("w2") == []  # a cancelled job is never handed out
    assert not q.cancel_requested(first) and q.cancel(first.id) == CANCELLING and q.cancel_requested(first)
    q.cancelled(first)
    assert {j.key: j.state for j in q.recent()} == {"a": CANCELLED, "b": CANCELLED}
    with pytest.raises(NotFound):
        q.cancel(10 ** 6)


def test_a_job_asked_to_stop_whose_worker_died_ends_cancelled(store):
    from contentlib.jobs import CANCELLED, CANCELLING

    q = JobQueue(store)
    q.put("a")
    (job,) = q.claim("dead", now=1000.0)
    assert q.cancel(job.id) == CANCELLING
    assert q.claim("alive", now=1000.0 + 60) == [] and q.recent()[0].state == CANCELLING  # it may still stop
    assert q.claim("alive", now=1000.0 + 3600) == []  # its worker died: never handed out again ...
    (row,) = q.recent()
    assert row.state == CANCELLED and "worker stopped" in row.error  # ... and no longer "cancelling"
