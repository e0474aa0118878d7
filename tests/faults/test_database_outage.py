"""The database goes away and comes back while visitors search and editors save (issue 25, item 1).

PostgreSQL: a throwaway cluster of the test's own (``pgcluster``) under ``contentlib serve`` with two
processes, four searching visitors and two editors saving drafts; ``pg_ctl restart -m fast``, then a
stop of ``OUTAGE`` seconds. While it is down every answer is 200 or 503 (with ``Retry-After``, JSON
under /api/, a short page elsewhere), none takes 30 s; ``/healthz`` stays up, ``/readyz`` says the
database is away; 5 s after it is back every answer is 200 again, with no restart; every save
answered 200 is in the database, and the job worker and the index's applier carry on.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from tests.conftest import DATA

from . import pgcluster
from .load import Load
from .serving import Home, Server

RECOVERY = 5.0  # seconds after the database is back by which every process answers again
SLOWEST = 30.0  # no request may wait longer than this


@pytest.fixture
def cluster():
    reason = pgcluster.why_not()
    if reason:
        pytest.skip(reason)
    made = pgcluster.Cluster()
    yield made
    made.remove()


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _upload(server: Server, headers: dict) -> dict:
    boundary = "faultsboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"red.png\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode() + _png() + f"\r\n--{boundary}--\r\n".encode()
    answer = server.post("/api/v1/works/t-poster/versions/bo/media", body,
                         headers={**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert answer.status == 201, answer.body
    return answer.json()


def _check_refusal(answer) -> None:
    """A 503 says when to ask again, and what it is: JSON under /api/, a short translated page elsewhere."""
    assert int(answer.headers["retry-after"]) > 0, answer
    if answer.what in ("api", "save"):
        assert answer.json()["error"]["code"] == "unavailable"
    else:
        page = answer.body.decode()
        assert answer.headers["content-type"].startswith("text/html")
        assert '<html lang="' in page and "<h1>" in page and "Traceback" not in page


def _saved_titles(server: Server, headers: dict, work_id: str) -> set[str]:
    history = server.get(f"/api/v1/works/{work_id}/history", headers=headers).json()["history"]
    return {json.dumps(h, ensure_ascii=False) for h in history}


def run_outage(tmp_path: Path, cluster: pgcluster.Cluster, outage: float) -> None:
    home = Home(tmp_path / "home", cluster.url)
    home.cli("import", str(DATA / "works.jsonl"))
    editors = [(home.token("ed1", "editor"), "t-atom", "zh"), (home.token("ed2", "editor"), "t-book", "bo")]
    server = Server(home, workers=2, threads=4)
    try:
        server.wait_ready()
        load = Load(server, editors).start()
        time.sleep(3)
        cluster.restart()
        back_after_restart = time.time()
        time.sleep(RECOVERY + 2)
        stopping = time.time()
        cluster.stop()
        down = time.time()
        time.sleep(min(2.0, outage / 2))
        health, ready = server.get("/healthz"), server.get("/readyz")
        time.sleep(max(0.0, outage - (time.time() - down)))
        cluster.start()
        back = time.time()
        time.sleep(RECOVERY + 4)
        answers = load.stop()

        # While it was down: the process lives, and says it is not ready (and why).
        assert health.status == 200 and health.json() == {"alive": True}
        assert ready.status == 503 and ready.json()["database"] is False
        assert "retry-after" in ready.headers

        # Only 200 or 503, never a 500; a 503 says when to ask again; nobody waits 30 s.
        assert {a.status for a in answers} <= {200, 503}, sorted({(a.what, a.status) for a in answers})
        for a in answers:
            assert a.seconds < SLOWEST, (a.what, a.status, a.seconds)
            if a.status == 503:
                _check_refusal(a)
        during = [a for a in answers if down + 1 < a.started < back - 1]
        for what in ("api", "page", "work", "save"):
            assert any(a.what == what and a.status == 503 for a in during), f"no refused {what} while down"

        # Recovery without a restart: 5 s after the database is back, every answer is a 200 again.
        for start, end in ((back_after_restart + RECOVERY, stopping), (back + RECOVERY, float("inf"))):
            late = [a for a in answers if start <= a.started and a.started + a.seconds < end]  # answered before the stop
            assert late and all(a.status == 200 for a in late), \
                sorted({(a.what, a.status, round(a.started - start, 1)) for a in late if a.status != 200})

        # No save answered 200 is lost: each is in the version's history.
        for n, (headers, work_id, _lang) in enumerate(editors):
            recorded = "\n".join(_saved_titles(server, headers, work_id))
            saved = [a.extra["title"] for a in answers if a.what == "save" and a.status == 200
                     and a.extra["work_id"] == work_id]
            assert saved, f"editor {n} saved nothing"
            missing = [t for t in saved if json.dumps(t, ensure_ascii=False) not in recorded]
            assert not missing, f"saves answered 200 but not in the database: {missing}"

        # The applier and the job worker carry on: the index catches up, a new file gets its thumbnails,
        # and every job the upload queued is done (the thumbnails come first; the others may still run).
        entry = _upload(server, editors[0][0])
        deadline = time.time() + 60
        while True:
            lags = [server.get("/readyz").json().get("outbox_lag") for _ in range(6)]
            derived = home.path / "media" / "derived" / entry["sha256"]
            jobs = next((line for line in home.cli("status").stdout.splitlines() if line.startswith("jobs:")), "")
            if set(lags) == {0} and derived.is_dir() and any(derived.iterdir()) and "0 queued, 0 running" in jobs:
                break
            assert time.time() < deadline, (lags, derived, jobs)
            time.sleep(0.5)
        assert jobs == "jobs:                0 queued, 0 running, 0 failed", jobs
        assert "Traceback" not in server.output(), server.output()[-5000:]
    finally:
        server.kill()


def test_postgres_restart_and_a_short_outage(tmp_path, cluster):
    run_outage(tmp_path, cluster, outage=8.0)


@pytest.mark.slow
def test_postgres_restart_and_a_30_second_outage(tmp_path, cluster):
    run_outage(tmp_path, cluster, outage=30.0)


def test_a_command_without_its_database_says_so_in_one_line(tmp_path):
    home = Home(tmp_path / "home", f"postgresql+psycopg://nobody@127.0.0.1:{pgcluster.free_port()}/none")
    done = home.cli("status", check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert done.stderr.startswith("Error: the database is not available: ")
