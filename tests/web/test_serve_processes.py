"""``contentlib serve``: several processes share one index, and each sees every change to it."""

import http.client
import json
import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from catalog import serving
from tests.conftest import write_jsonl
from tests.ports import free_port

BIN = Path(sys.executable).parent


def test_default_workers_is_the_number_of_usable_cores():
    assert serving.default_workers() == len(os.sched_getaffinity(0)) >= 1


def _children(pid):
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if int((d / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(d.name))
            except (OSError, IndexError, ValueError):
                pass
    return found


def _search(port, q):
    """One search on a fresh connection, so that any of the processes may answer it."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        c.request("GET", "/api/v1/search?" + urllib.parse.urlencode({"q": q}))
        r = c.getresponse()
        return r.status, json.loads(r.read() or b"{}")
    finally:
        c.close()


@pytest.mark.skipif(not serving.can_fork(), reason="several processes need gunicorn on POSIX")
def test_two_processes_answer_and_both_follow_an_import(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTENTLIB_")}
    env["CONTENTLIB_HOME"] = str(home)
    first = write_jsonl(tmp_path / "a.jsonl", [{"id": "p-one", "type": "book", "titles": {"zh": "原子核物理"}}])
    second = write_jsonl(tmp_path / "b.jsonl", [{"id": "p-two", "type": "book", "titles": {"zh": "原子核反应"}}])
    subprocess.run([str(BIN / "contentlib"), "import", str(first)], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([str(BIN / "contentlib"), "serve", "--port", str(port), "--workers", "2",
                               "--threads", "2", "--no-jobs"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 300  # a loaded machine starts slowly
        while True:
            try:
                status, body = _search(port, "原子核")
                if status == 200:
                    break
            except OSError:
                pass
            assert time.time() < deadline, "the server did not answer"
            time.sleep(0.3)
        assert [r["id"] for r in body["results"]] == ["p-one"]
        # Two serving processes under one master. The first may answer before
        # the master has forked the second, so give the second time to start.
        deadline = time.time() + 60
        while len(_children(server.pid)) != 2:
            assert time.time() < deadline, f"serving processes: {_children(server.pid)}"
            time.sleep(0.2)
        subprocess.run([str(BIN / "contentlib"), "import", str(second)], env=env, check=True, capture_output=True)
        # Every answer, from whichever process, now has the new work (no process keeps a stale searcher).
        for _ in range(20):
            status, body = _search(port, "原子核")
            assert status == 200
            assert {r["id"] for r in body["results"]} == {"p-one", "p-two"}
    finally:
        server.terminate()
        server.wait(timeout=60)
