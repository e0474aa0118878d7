"""Two ``contentlib serve`` processes and one ``contentlib worker`` on one PostgreSQL database, for real.

They share only the database URL, the media directory and the secret key; each
server has its own home and its own index. A change made through one server is
found through the other's search; a server killed with SIGKILL catches up on
restart with nothing missed; a file uploaded through one is served by the other.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import DATA, POSTGRES_URL, _clean_postgres
from tests.ports import free_port

CLI = str(Path(sys.executable).with_name("contentlib"))
SECRET = "two-servers-shared-secret-0123456789"
PASSWORD = "correct horse battery"
VTT = "WEBVTT\n\n00:00.000 --> 00:01.000\nཆུ་འཐུང་།\n"


@pytest.fixture
def pg_url():
    if not POSTGRES_URL:
        if os.environ.get("CONTENTLIB_REQUIRE_POSTGRES"):
            pytest.fail("CONTENTLIB_TEST_POSTGRES_URL is not set")
        pytest.skip("no PostgreSQL server (set CONTENTLIB_TEST_POSTGRES_URL)")
    _clean_postgres(POSTGRES_URL)
    return POSTGRES_URL



class Node:
    """One server's environment and process."""

    def __init__(self, tmp_path, name, url, media):
        self.home = tmp_path / name
        self.home.mkdir()
        self.port = free_port()
        self.env = {**os.environ, "CONTENTLIB_HOME": str(self.home), "CONTENTLIB_DATABASE_URL": url,
                    "CONTENTLIB_MEDIA_DIR": str(media), "CONTENTLIB_INDEX_DIR": str(self.home / "index"),
                    "CONTENTLIB_SECRET_KEY": SECRET, "CONTENTLIB_LOG_LEVEL": "WARNING"}
        self.env.pop("CONTENTLIB_INDEX_SYNC", None)
        self.proc = None
        self.log = self.home / "server.log"

    def run(self, *args, input=None) -> str:
        done = subprocess.run([CLI, *args], env=self.env, input=input, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self, *args):
        self.proc = subprocess.Popen([CLI, *args], env=self.env, stdout=open(self.log, "ab"), stderr=subprocess.STDOUT,
                                     start_new_session=True)  # its own process group: serve may fork workers
        return self

    def serve(self):
        return self.start("serve", "--port", str(self.port), "--no-jobs", "--threads", "4")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path, headers=None):
        req = urllib.request.Request(self.url(path), headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def post(self, path, token, body=None, files=None):
        headers = {"Authorization": f"Bearer {token}"}
        if files is not None:
            boundary = "contentlibboundary"
            name, data, role = files
            payload = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"role\"\r\n\r\n{role}\r\n"
                       f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                       f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        else:
            payload = json.dumps(body or {}).encode()
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.url(path), data=payload, headers=headers, method="POST")
        with urllib.request.urlopen(req, timeout=20) as resp:
            return json.loads(resp.read())

    def ready(self, timeout=60.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text(errors="replace")
            try:
                if self.get("/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"not ready in {timeout} s:\n{self.log.read_text(errors='replace')}")

    def search_ids(self, q):
        status, body = self.get("/api/v1/search?" + urllib.parse.urlencode({"q": q, "per_page": 100}))
        return [r["id"] for r in json.loads(body)["results"]] if status == 200 else None

    def stop(self, sig=signal.SIGTERM):
        """Signal every process of this node (the server and any workers it forked) and wait for them."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # forked workers leave with their group
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)


def _wait_for(check, timeout, what):
    started = time.monotonic()
    while True:
        if check():
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.1)


def _publish(a, ed, rev, work_id, lang, title):
    a.post(f"/api/v1/works/{work_id}/versions/{lang}", ed, {"title": title})
    a.post(f"/api/v1/works/{work_id}/versions/{lang}/submit", ed)
    a.post(f"/api/v1/works/{work_id}/versions/{lang}/approve", rev)


def test_two_servers_and_a_worker_share_one_database(pg_url, tmp_path):
    media = tmp_path / "media"
    a, b = Node(tmp_path, "a", pg_url, media), Node(tmp_path, "b", pg_url, media)
    worker = Node(tmp_path, "w", pg_url, media)
    a.run("import", str(DATA / "works.jsonl"))
    for name, role in (("ed", "editor"), ("rev", "reviewer")):
        a.run("users", "create", name, "--role", role, "--password", PASSWORD)
    ed, rev = a.run("users", "token", "ed").strip(), a.run("users", "token", "rev").strip()
    try:
        a.serve()
        b.serve()  # an empty index: built in the background while /readyz says 503
        worker.start("worker", "--interval", "0.2")
        a.ready()
        b.ready()

        # A translation published through A is found through B's search.
        title = "མཐོ་སྒང་གི་ཆུ་འཐུང་འཕྲོད་བསྟེན།"
        _publish(a, ed, rev, "t-book", "bo", title)
        lag = _wait_for(lambda: "t-book" in (b.search_ids(title) or []), 5, "B finds A's translation")
        print(f"A->B lag {lag:.2f} s")

        # B is killed while changes flow, restarted, and catches up with nothing missed.
        published = {}
        for i, work_id in enumerate(("t-atom", "t-poster", "t-book")):
            _publish(a, ed, rev, work_id, "en", f"Flowing change {i}")
            published[work_id] = f"Flowing change {i}"
            if i == 0:
                b.stop(signal.SIGKILL)  # maybe in the middle of applying it
        b.serve()
        b.ready()
        for work_id, words in published.items():
            _wait_for(lambda work_id=work_id, words=words: work_id in (b.search_ids(words) or []), 10,
                      f"B catches up on {work_id}")
        assert json.loads(b.get("/readyz")[1])["outbox_lag"] == 0

        # A file uploaded through A is served by B (the media directory is shared).
        described = a.post("/api/v1/works/t-atom/versions/bo/media", ed, files=("subtitles.vtt", VTT.encode(), "subtitle"))
        a.post("/api/v1/works/t-atom/versions/bo/submit", ed)
        a.post("/api/v1/works/t-atom/versions/bo/approve", rev)
        status, body = b.get(described["url"])
        assert status == 200 and body == VTT.encode()
        _wait_for(lambda: all(m["ready"] for m in json.loads(b.get("/api/v1/works/t-atom")[1])["media"]), 15,
                  "the worker made the file's derived files")
    finally:
        for node in (a, b, worker):
            node.stop()
