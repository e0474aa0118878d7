"""SIGTERM stops ``contentlib serve`` gracefully, and the next start finds nothing to repair (issue 25, item 5).

A real server (waitress in one process, or gunicorn with two) gets SIGTERM while a draft is being
sent (its body still arriving), a light video is being encoded by its worker and page views are
counted in memory. The draft is answered and saved, the job finishes, the counts are written,
the command exits 0; nothing is left half done, and the next start has nothing to catch up on.
"""

from __future__ import annotations

import json
import socket
import time

import pytest

from contentlib.store import Store
from tests.conftest import DATA
from tests.unit import media_samples

from .serving import Home, Server


def _store(home: Home) -> Store:
    return Store.from_url(f"sqlite:///{home.path / 'contentlib.db'}", migrate=False)


def _jobs(store: Store) -> list:
    with store.transaction() as conn:
        return [tuple(r) for r in conn.exec_driver_sql("SELECT key, state FROM jobs")]


class SlowSave:
    """A draft sent in two halves with a pause between: a request in flight for as long as we like."""

    def __init__(self, port: int, headers: dict, title: str):
        body = json.dumps({"title": title}).encode()
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.sock.sendall((f"POST /api/v1/works/t-book/versions/bo HTTP/1.1\r\nHost: x\r\n{head}"
                           f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                           f"Connection: close\r\n\r\n").encode() + body[:5])
        self.rest = body[5:]

    def finish(self) -> tuple[int, bytes]:
        self.sock.sendall(self.rest)
        data = b""
        while chunk := self.sock.recv(65536):
            data += chunk
        self.sock.close()
        head, _, body = data.partition(b"\r\n\r\n")
        return int(head.split()[1]), body


def _leftovers(home: Home) -> list[str]:
    media = home.path / "media"
    found = [p for p in (media / ".tmp").glob("*")] if (media / ".tmp").is_dir() else []
    found += list((media / "derived").glob(".*")) + list((media / "derived").glob("*/.*"))
    found += list(home.path.glob("*.part*")) + list(home.path.glob(".bundle-upload-*"))
    return [str(p) for p in found]


@pytest.mark.parametrize("workers", [1, 2], ids=["waitress", "gunicorn"])
def test_sigterm_answers_what_is_in_flight_finishes_the_job_writes_the_counts_and_exits_0(tmp_path, workers):
    home = Home(tmp_path / "home", CONTENTLIB_COUNT_FLUSH_SECONDS="3600")
    home.cli("import", str(DATA / "works.jsonl"))
    editor = home.token("ed", "editor")
    clip = media_samples.make_video(tmp_path / "tall.mp4", size=(640, 480), frames=1500, fps=25)
    server = Server(home, workers=workers, threads=4)
    store = _store(home)
    try:
        server.wait_ready()
        for _ in range(5):
            assert server.get("/works/t-atom").status == 200  # views, counted in memory only (flushed hourly)
        boundary = "stopboundary"
        upload = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"tall.mp4\"\r\n"
                  f"Content-Type: video/mp4\r\n\r\n").encode() + clip.read_bytes() + (
                  f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"role\"\r\n\r\ndub"
                  f"\r\n--{boundary}--\r\n").encode()
        up = server.post("/api/v1/works/t-atom/versions/zh/media", upload,
                         headers={**editor, "Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert up.status == 201, up.body
        deadline = time.time() + 120
        while ("t-atom", "running") not in _jobs(store):  # its worker is making the poster, then the light video
            assert time.time() < deadline, _jobs(store)
            time.sleep(0.05)
        save = SlowSave(server.port, editor, "sent while the server stops")
        time.sleep(0.5)  # the server has the request (its body not yet whole)
        server.proc.send_signal(15)
        time.sleep(1.5)
        status, body = save.finish()
        assert status == 200, body
        # Still encoding after the last request was answered: the stop waits for it (or this proves nothing).
        assert ("t-atom", "running") in _jobs(store), "the job ended too soon to test the stop: a longer video"
        assert server.proc.wait(timeout=90) == 0
        log = server.output()
        assert "Traceback" not in log, log[-4000:]

        # The job in hand was finished, not abandoned: its light video is there and recorded.
        assert _jobs(store) == []
        entry = store.get_work("t-atom", public=False).media[-1]
        light = entry.info["renditions"]["light"]
        assert "error" not in light and (home.path / "media" / light["path"]).is_file()
        # The save that was in flight is saved; the counts held in memory are written.
        assert "sent while the server stops" in json.dumps([tuple(r) for r in store.history_rows("t-book")],
                                                            default=str, ensure_ascii=False)
        assert sum(r.count for r in store.daily_counts() if r.kind == "view") == 5
        assert _leftovers(home) == []

        # The next start finds nothing to repair: no job to queue again, nothing behind in the index.
        again = Server(home, workers=workers, threads=2)
        try:
            again.wait_ready()
            status_out = home.cli("status").stdout
            assert "jobs:                0 queued, 0 running, 0 failed" in status_out, status_out
            assert "outbox lag:          0 " in status_out, status_out
            assert again.terminate() == 0
        finally:
            again.kill()
    finally:
        store.close()
        server.kill()
