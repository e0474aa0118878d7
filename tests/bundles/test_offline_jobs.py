""""Take offline" as a job in the jobs table: request → job row → a worker builds it → the download is served.

Also: asking again while it is pending gives the same job, a restart finds a
pending job and builds it, a dead builder is shown as waiting again, a failed
build says why, and old bundles are swept.
"""

from __future__ import annotations

import io
import json
import os
import re
import time
import zipfile

import pytest
import sqlalchemy as sa

from contentlib import accounts, worker
from contentlib.bundles.offline import BUNDLE, OfflineJobs
from contentlib.jobs import JobQueue
from contentlib.tables import jobs as jobs_table
from tests.bundles.helpers import build_source
from tests.conftest import PASSWORD, TEST_SECRET, AuthActions


def _app(home, db_url):
    from catalog import create_app

    return create_app({"TESTING": True, "CONTENTLIB_SECRET_KEY": TEST_SECRET, "WTF_CSRF_ENABLED": True,
                       "CONTENTLIB_HOME": str(home), "CONTENTLIB_INSTANCE_DIR": str(home),
                       "CONTENTLIB_DATABASE_URL": db_url, "CONTENTLIB_INDEX_DIR": str(home / "index"),
                       "CONTENTLIB_MEDIA_DIR": str(home / "media")})


class _Runner:
    def __init__(self, app):
        self.runner = app.test_cli_runner()

    def run(self, *args):
        from catalog.cli import cli

        return self.runner.invoke(cli, args=[str(a) for a in args])


def _job_rows(app) -> list[tuple]:
    with app.extensions["contentlib"].store.engine.connect() as conn:
        return conn.execute(sa.select(jobs_table.c.kind, jobs_table.c.key, jobs_table.c.state)
                            .where(jobs_table.c.kind == BUNDLE)).all()


@pytest.fixture
def library_app(tmp_path, db_url):
    app = _app(tmp_path / "home", db_url)
    build_source(_Runner(app), tmp_path)
    accounts.create_user(app.extensions["contentlib"].store, "teacher", "teacher", PASSWORD)
    accounts.create_user(app.extensions["contentlib"].store, "other", "teacher", PASSWORD)
    yield app
    app.extensions["contentlib"].store.close()


def _login(app, name="teacher"):
    client = app.test_client()
    auth = AuthActions(client)
    assert auth.login(name).status_code == 302
    return client, auth


def test_a_request_queues_one_job_a_worker_builds_it_and_the_page_serves_it(library_app):
    app, lib = library_app, library_app.extensions["contentlib"]
    client, auth = _login(app)
    resp = auth.post("/offline", {"q": "物理书"})
    assert resp.status_code == 302
    status_url = resp.headers["Location"]
    token = status_url.rsplit("/", 1)[1]
    assert _job_rows(app) == [(BUNDLE, token, "queued")]  # nothing is built inside the request
    page = client.get(status_url).get_data(as_text=True)
    assert 'role="status"' in page and "offline-download" not in page and 'http-equiv="refresh"' in page
    assert client.get(f"{status_url}/bundle.zip").status_code == 404  # not ready yet

    again = auth.post("/offline", {"q": "物理书"})
    assert again.headers["Location"] == status_url and len(_job_rows(app)) == 1  # the pending job, not a second
    light = auth.post("/offline", {"q": "物理书", "light": "1"})
    assert light.headers["Location"] != status_url and len(_job_rows(app)) == 2  # another bundle: its own job

    assert worker.run_once(lib) == 2  # any worker: here, this process's
    assert _job_rows(app) == []
    page = client.get(status_url).get_data(as_text=True)
    link = re.search(r'id="offline-download" href="([^"]+)"', page).group(1)
    got = client.get(link)
    assert got.status_code == 200 and got.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(got.data)) as zf:
        assert b'"phy-2"' in zf.read("catalog.jsonl") and b'"phy-1"' not in zf.read("catalog.jsonl")
        assert "manifest.sig" in zf.namelist()

    after = auth.post("/offline", {"q": "物理书"})
    assert after.headers["Location"] == status_url and _job_rows(app) == []  # done and kept: served again
    other_client, _ = _login(app, "other")
    assert other_client.get(status_url).status_code == 404  # someone else's bundle
    assert other_client.get(link).status_code == 404


def test_a_pending_job_survives_a_restart_and_the_next_server_builds_it(tmp_path, db_url):
    from catalog.resources import start_workers

    app = _app(tmp_path / "home", db_url)
    build_source(_Runner(app), tmp_path)
    accounts.create_user(app.extensions["contentlib"].store, "teacher", "teacher", PASSWORD)
    _, auth = _login(app)
    page = auth.post("/offline", {"subject": "physical-science"})
    status_url = page.headers["Location"]
    token = status_url.rsplit("/", 1)[1]
    app.extensions["contentlib"].store.close()  # the server stops before any worker ran

    again = _app(tmp_path / "home", db_url)
    try:
        assert _job_rows(again) == [(BUNDLE, token, "queued")]
        workers = start_workers(again)  # as `contentlib serve` does
        try:
            client, _ = _login(again)
            deadline = time.monotonic() + 60
            while "offline-download" not in client.get(status_url).get_data(as_text=True):
                assert time.monotonic() < deadline, "the pending bundle was not built after the restart"
                time.sleep(0.2)
        finally:
            workers.stop.set()
            workers.join(10)
        got = client.get(f"{status_url}/bundle.zip")
        with zipfile.ZipFile(io.BytesIO(got.data)) as zf:
            ids = {json.loads(line)["id"] for line in zf.read("catalog.jsonl").splitlines()}
        assert ids == {"phy-1", "phy-2"}
        assert _job_rows(again) == []
    finally:
        again.extensions["contentlib"].store.close()


def test_a_failed_build_says_why_and_is_not_retried(library_app):
    app, lib = library_app, library_app.extensions["contentlib"]
    client, auth = _login(app)
    status_url = auth.post("/offline", {"q": "物理书"}).headers["Location"]
    for path in lib.media.root.glob("[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/*"):
        path.write_bytes(b"changed behind the library's back")
    assert worker.run_once(lib) == 1 and _job_rows(app) == []
    page = client.get(status_url).get_data(as_text=True)
    assert 'role="alert"' in page and "sha256" in page
    assert client.get(f"{status_url}/bundle.zip").status_code == 404


def test_a_dead_builder_shows_as_waiting_and_old_jobs_are_swept(tmp_path, store):
    jobs = OfflineJobs(tmp_path / "offline", JobQueue(store))
    from contentlib.selection import Selection

    token = jobs.request("ana", ["a", "b"], Selection(q="x"))
    assert jobs.status(token)["state"] == "queued" and jobs.status(token)["works"] == 2
    state_file = tmp_path / "offline" / f"{token}.json"
    state = json.loads(state_file.read_text())
    import socket

    state.update(state="running", host=socket.gethostname(), pid=2 ** 22 + 12345)  # a process that is gone
    state_file.write_text(json.dumps(state))
    assert jobs.status(token)["state"] == "queued"  # the job table hands it out again
    assert jobs.request("ana", ["a", "b"], Selection(q="x")) == token
    assert jobs.status("../x") is None and jobs.status("x/../../y") is None  # never a path outside
    old = time.time() - 3 * 24 * 3600
    for path in (tmp_path / "offline").iterdir():
        os.utime(path, (old, old))
    assert jobs.sweep() == 2 and not list((tmp_path / "offline").glob("*.json"))
