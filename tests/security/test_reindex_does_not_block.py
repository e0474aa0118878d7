"""A save never waits for the search index: not even while another process holds its writer lock (issues 11, 12)."""

import subprocess
import sys
import time

import pytest

from contentlib import accounts

TITLE = "མཐོ་སྒང་གི་ཆུ་འཐུང་འཕྲོད་བསྟེན།"
HOLD = """
import sys, time
from contentlib.search import open_engine
with open_engine(sys.argv[1]).lock():
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


@pytest.fixture
def loaded(catalog_loaded, users):
    return catalog_loaded


@pytest.fixture
def lock_holder(loaded):
    """Another process (a reindex, say) holding this node's index writer lock."""
    lib = loaded.extensions["contentlib"]
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(lib.index_dir), "20"], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    yield proc
    proc.kill()
    proc.wait()


def _search_ids(client, q):
    return [r["id"] for r in client.get("/api/v1/search", query_string={"q": q}).get_json()["results"]]


def test_draft_save_returns_at_once_while_the_index_is_locked(client, loaded, users, lock_holder):
    lib = loaded.extensions["contentlib"]
    assert not lib.index_sync  # the default
    ed = {"Authorization": f"Bearer {accounts.issue_token(users, 'editor')}"}
    started = time.monotonic()
    r = client.post("/api/v1/works/t-book/versions/bo", headers=ed, json={"title": TITLE})
    took = time.monotonic() - started
    assert r.status_code == 200 and r.get_json()["working"]["title"] == TITLE  # read back from the database
    assert took < 1.0, f"a draft save waited {took:.1f} s for the index"
    assert lib.outbox_lag() >= 1  # the index has not seen it yet, and nothing was lost


def test_publish_reaches_search_once_the_lock_is_free(client, loaded, users, lock_holder):
    from catalog.resources import start_workers

    lib = loaded.extensions["contentlib"]
    ed = {"Authorization": f"Bearer {accounts.issue_token(users, 'editor')}"}
    rev = {"Authorization": f"Bearer {accounts.issue_token(users, 'reviewer')}"}
    worker = start_workers(loaded, interval=0.2)
    try:
        started = time.monotonic()
        assert client.post("/api/v1/works/t-book/versions/bo", headers=ed, json={"title": TITLE}).status_code == 200
        assert client.post("/api/v1/works/t-book/versions/bo/submit", headers=ed).status_code == 200
        assert client.post("/api/v1/works/t-book/versions/bo/approve", headers=rev).status_code == 200
        assert time.monotonic() - started < 3.0  # three requests, none waited for the lock
        time.sleep(0.5)
        assert "t-book" not in _search_ids(client, TITLE)  # the applier cannot write yet
        lock_holder.kill()
        lock_holder.wait()
        deadline = time.monotonic() + 5
        while "t-book" not in _search_ids(client, TITLE):
            assert time.monotonic() < deadline, "the applier did not catch up within 5 s"
            time.sleep(0.1)
        while lib.outbox_lag():  # the index commits, then records how far it got: a moment apart
            assert time.monotonic() < deadline, f"{lib.outbox_lag()} changes still not applied after 5 s"
            time.sleep(0.1)
    finally:
        worker.stop.set()
        worker.join(5)
