"""Issue 21, case 7 (servers): long search lines and broken chunked bodies, against real ``contentlib serve``.

Both servers ``serve`` uses run here, as an operator runs them: gunicorn
(``--workers 2``) and waitress (``--workers 1``). Before: gunicorn's default
request line of 4094 bytes answered a 480-character Tibetan or a 499-character
Chinese search with its own HTML 414, though ``spec/search-api.md`` says any
``q`` of up to 500 characters is answered; and a chunked body with a bad chunk
size raised gunicorn's parse error inside the view that read it: a 500.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from catalog import serving
from tests.conftest import DATA, PASSWORD
from tests.ports import free_port

BIN = Path(sys.executable).parent
SERVERS = {"gunicorn": 2, "waitress": 1}  # --workers



def exchange(port: int, request: bytes, timeout: float = 60) -> tuple[int, dict, bytes]:
    """Send raw bytes on a fresh connection; read the whole answer (the request asks to close)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    if headers.get("transfer-encoding") == "chunked":
        body = _unchunk(body)
    return int(lines[0].split()[1]), headers, body


def _unchunk(body: bytes) -> bytes:
    out = b""
    while body:
        size, _, rest = body.partition(b"\r\n")
        n = int(size.split(b";")[0], 16)
        if n == 0:
            break
        out, body = out + rest[:n], rest[n + 2:]
    return out


def get(port: int, target: str):
    return exchange(port, f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode("ascii"))


def search_line(q: str, pad_to: int | None = None) -> str:
    """``/api/v1/search?q=...``, padded with an unknown parameter so that the request line is ``pad_to`` bytes."""
    target = "/api/v1/search?" + urllib.parse.urlencode({"q": q})
    if pad_to is not None:
        overhead = len("GET  HTTP/1.1") + len(target) + len("&pad=")
        target += "&pad=" + "x" * (pad_to - overhead)
        assert len(f"GET {target} HTTP/1.1") == pad_to
    return target


def _run(args, env):
    return subprocess.run([str(BIN / "contentlib"), *args], env=env, check=True, capture_output=True, text=True)


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """One home with the sample catalog and an editor's API token, served by gunicorn and by waitress."""
    if not serving.can_fork():
        pytest.skip("gunicorn needs POSIX")
    home = tmp_path_factory.mktemp("serve-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTENTLIB_")}
    env["CONTENTLIB_HOME"] = str(home)
    _run(["import", str(DATA / "works.jsonl")], env)
    _run(["users", "create", "ed", "--role", "editor", "--password", PASSWORD], env)
    token = _run(["users", "token", "ed"], env).stdout.strip()
    ports, processes = {}, []
    try:
        for name, workers in SERVERS.items():
            ports[name] = free_port()
            processes.append(subprocess.Popen(
                [str(BIN / "contentlib"), "serve", "--port", str(ports[name]), "--workers", str(workers),
                 "--threads", "2", "--no-jobs"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.time() + 300  # a loaded machine starts slowly
        for name, port in ports.items():
            while True:
                try:
                    status, _, body = get(port, search_line("water"))
                    if status == 200 and json.loads(body)["total"] >= 1:
                        break
                except (OSError, ValueError):
                    pass
                assert time.time() < deadline, f"{name} did not answer"
                time.sleep(0.5)
        yield {"ports": ports, "token": token}
    finally:
        for p in processes:
            p.terminate()
        for p in processes:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()


def test_searches_of_up_to_500_characters_are_answered_by_both_servers(servers):
    tibetan = ("ཚན་རིག་" * 100)[:480]
    chinese = ("原子核由中子和质子组成" * 50)[:499]
    for name, port in servers["ports"].items():
        for q in (tibetan, chinese, ("ཆུ་" * 200)[:500], "𠀀" * 500):  # the last: 4-byte characters, 6 KB encoded
            target = search_line(q)
            status, headers, body = get(port, target)
            assert status == 200, (name, len(q), len(target), status, body[:200])
            assert headers["content-type"].startswith("application/json") and json.loads(body)["query"] == q.strip()
        # any request line up to 8 KB reaches the app
        status, _, body = get(port, search_line(tibetan, pad_to=serving.REQUEST_LINE))
        assert status == 200, (name, status, body[:200])
        # a query over the app's own limit is its JSON 400, not the server's page
        status, headers, body = get(port, search_line(tibetan + "ཀ" * 21))
        assert status == 400 and headers["content-type"].startswith("application/json"), (name, status)
        assert json.loads(body)["error"] == {"code": "bad_parameter", "parameter": "q",
                                             "message": "must be at most 500 characters"}


BAD_CHUNK = b"zz\r\n{}\r\n0\r\n\r\n"


def _chunked_post(port, path, content_type, extra=b""):
    request = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
               "Transfer-Encoding: chunked\r\nConnection: close\r\n").encode("ascii") + extra + b"\r\n" + BAD_CHUNK
    return exchange(port, request)


def test_a_bad_chunk_size_is_400_on_both_servers(servers):
    bearer = f"Authorization: Bearer {servers['token']}\r\n".encode("ascii")
    for name, port in servers["ports"].items():
        for path, kind, extra in (("/api/v1/works/t-book/versions/bo", "application/json", bearer),
                                  ("/login", "application/x-www-form-urlencoded", b""),
                                  ("/oai", "application/x-www-form-urlencoded", b"")):
            status, _, body = _chunked_post(port, path, kind, extra)
            assert status == 400, (name, path, status, body[:300])
        # and the server goes on answering
        assert get(port, search_line("water"))[0] == 200, name
