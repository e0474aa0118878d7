"""Operations: /healthz, /readyz with the outbox lag, access-log lines, ``contentlib status``, the worker."""

import logging
import shutil

from contentlib import accounts


def test_healthz_and_readyz(client, catalog_loaded):
    assert client.get("/healthz").get_json() == {"alive": True}
    body = client.get("/readyz").get_json()
    assert body["ready"] and body["database"] and body["index"] and body["outbox_lag"] == 0


def test_readyz_counts_the_lag_and_says_503_without_an_index(client, catalog_loaded, users):
    lib = catalog_loaded.extensions["contentlib"]
    ed = {"Authorization": f"Bearer {accounts.issue_token(users, 'editor')}"}
    client.post("/api/v1/works/t-book/versions/bo", headers=ed, json={"title": "ཆུ།"})
    assert client.get("/readyz").get_json()["outbox_lag"] == 1  # saved, not yet applied here
    lib.sync()
    assert client.get("/readyz").get_json()["outbox_lag"] == 0
    lib.index.close()
    shutil.rmtree(lib.index_dir)
    resp = client.get("/readyz")
    assert resp.status_code == 503 and resp.get_json()["index"] is False
    lib.reindex()
    assert client.get("/readyz").status_code == 200  # and again once rebuilt


def test_one_access_line_per_request(client, catalog_loaded, caplog):
    with caplog.at_level(logging.INFO, logger="contentlib.access"):
        client.get("/search?q=原子核")
        client.get("/no/such/page")
    lines = [r.getMessage() for r in caplog.records if r.name == "contentlib.access"]
    assert len(lines) == 2
    assert lines[0].startswith("GET /search?q=") and " 200 " in lines[0] and lines[0].endswith("ms")
    assert lines[1].startswith("GET /no/such/page 404 ")


def test_status_command(runner, catalog_loaded):
    out = runner.invoke(["status"]).output
    assert "works in database:   3" in out
    assert "works in this index: 3" in out
    assert "outbox lag:          0" in out
    assert "jobs:" in out and "consumer " in out


def test_worker_once_runs_queued_jobs_and_a_second_run_finds_none(runner, catalog_loaded):
    lib = catalog_loaded.extensions["contentlib"]
    lib.jobs.put("t-atom")
    lib.jobs.put("t-atom")  # queued once
    assert lib.jobs.counts()["queued"] == 1
    assert "job(s) run" in runner.invoke(["worker", "--once"]).output
    assert lib.jobs.counts() == {"queued": 0, "running": 0, "failed": 0}
    assert runner.invoke(["worker", "--once"]).output.startswith("0 job(s) run")
