"""Draft saves while anonymous clients flood /login with unknown names (issue 21's figure: saves < 100 ms median).

    .venv/bin/python bench/login_flood.py [--clients 16] [--seconds 20] [--addresses 4096]

It builds a temporary home (the test catalog, one editor with an API token),
serves it with ``contentlib serve`` (the default processes and threads), then
runs ``--clients`` threads that post the login form with unknown names and
random passwords, each request from the next of ``--addresses`` loopback source
addresses (127.x.y.z: many addresses, as a botnet has, so the per-address
throttle does not end the flood and every attempt costs a password hash),
while an editor saves a draft through the API every 0.1 s. It prints the save
latencies and every answer's status; any 5xx is a failure.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "bench-password-1"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pct(values, p) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))]


def _address(i: int) -> str:
    """The i-th loopback source address (Linux routes all of 127.0.0.0/8 to the loopback)."""
    i = i % (250 * 250 * 250)
    return f"127.{1 + i // 62500}.{1 + i // 250 % 250}.{1 + i % 250}"


class Flooder:
    """One anonymous client: a session cookie and CSRF token, then login posts with unknown names."""

    def __init__(self, port: int, seed: int, addresses: int, clients: int):
        self.port, self.seed, self.addresses, self.clients = port, seed, addresses, clients
        self.statuses: Counter = Counter()
        self.errors: list[str] = []
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", "/login")
        answer = conn.getresponse()
        page = answer.read().decode()
        self.cookie = "; ".join(c.split(";", 1)[0] for c in answer.headers.get_all("Set-Cookie") or [])
        self.token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        conn.close()

    def run(self, running: threading.Event) -> None:
        n = 0
        while running.is_set():
            n += 1
            source = _address((self.seed + n * self.clients) % self.addresses) if self.addresses > 1 else "127.0.0.1"
            body = urllib.parse.urlencode({"name": f"nobody-{self.seed}-{n}", "password": f"guess-{n}",
                                           "csrf_token": self.token})
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60, source_address=(source, 0))
                conn.request("POST", "/login", body=body, headers={
                    "Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie})
                answer = conn.getresponse()
                answer.read()
                self.statuses[answer.status] += 1
                conn.close()
            except OSError as exc:
                self.errors.append(str(exc))


def _flood(port: int, addresses: int, clients: int, seconds: float, results) -> None:
    """Run ``clients`` flooding threads for ``seconds``; put their answers' statuses and errors on ``results``."""
    running = threading.Event()
    running.set()
    flooders = [Flooder(port, i, addresses, clients) for i in range(clients)]
    threads = [threading.Thread(target=f.run, args=(running,)) for f in flooders]
    for t in threads:
        t.start()
    time.sleep(seconds)
    running.clear()
    for t in threads:
        t.join()
    results.put((sum((f.statuses for f in flooders), Counter()), [e for f in flooders for e in f.errors]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=16, help="login-flooding threads")
    ap.add_argument("--seconds", type=float, default=20.0, help="how long the flood lasts")
    ap.add_argument("--addresses", type=int, default=4096, help="loopback source addresses the flood rotates over")
    ap.add_argument("--workers", type=int, default=None, help="server processes (default: serve's, one per core)")
    ap.add_argument("--threads", type=int, default=8, help="threads per server process")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "CONTENTLIB_HOME": home, "CONTENTLIB_LOG_LEVEL": "ERROR"}
        cli = [str(BIN / "contentlib")]
        subprocess.run(cli + ["import", str(ROOT / "tests/data/works.jsonl")], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run(cli + ["users", "create", "ed", "--role", "editor", "--password", PASSWORD],
                       env=env, check=True, stdout=subprocess.DEVNULL)
        token = subprocess.run(cli + ["users", "token", "ed"], env=env, check=True, capture_output=True,
                               text=True).stdout.strip()
        work_ids = [json.loads(line)["id"] for line in open(ROOT / "tests/data/works.jsonl", encoding="utf-8")]
        port = _port()
        serve = cli + ["serve", "--port", str(port), "--threads", str(a.threads)]
        if a.workers:
            serve += ["--workers", str(a.workers)]
        server = subprocess.Popen(serve, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)  # its own group: gunicorn forks workers
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if urllib.request.urlopen(base + "/readyz", timeout=5).status == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not get ready")
                time.sleep(0.3)
            saves, save_statuses, errors = [], Counter(), []
            running = threading.Event()
            running.set()

            def editor():
                n = 0
                while running.is_set():
                    n += 1
                    body = json.dumps({"title": f"Draft during a login flood {n}"}).encode()
                    req = urllib.request.Request(f"{base}/api/v1/works/{work_ids[n % len(work_ids)]}/versions/en",
                                                 data=body, method="POST", headers={
                                                     "Authorization": f"Bearer {token}",
                                                     "Content-Type": "application/json"})
                    t = time.perf_counter()
                    try:
                        with urllib.request.urlopen(req, timeout=60) as answer:
                            answer.read()
                            save_statuses[answer.status] += 1
                    except urllib.error.HTTPError as exc:
                        save_statuses[exc.code] += 1
                    except OSError as exc:
                        errors.append(f"save: {exc}")
                    saves.append(time.perf_counter() - t)
                    time.sleep(0.1)

            # The flood runs in a process of its own: its threads must not hold the editor's GIL.
            results = multiprocessing.Queue()
            flood = multiprocessing.Process(target=_flood, args=(port, a.addresses, a.clients, a.seconds, results))
            flood.start()
            save_thread = threading.Thread(target=editor)
            save_thread.start()
            logins, flood_errors = results.get(timeout=a.seconds + 300)
            flood.join()
            running.clear()
            save_thread.join()
        finally:
            os.killpg(server.pid, 15)
            server.wait(30)
    ms = [s * 1000 for s in saves]
    fives = sum(c for s, c in logins.items() if s >= 500) + sum(c for s, c in save_statuses.items() if s >= 500)
    print(f"{a.clients} clients flooded /login for {a.seconds:.0f} s from {a.addresses} address(es); "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"login answers: {sum(logins.values())} {dict(sorted(logins.items()))}; connection errors: "
          f"{len(flood_errors)} {flood_errors[:2]}")
    print(f"draft saves: {len(ms)} {dict(sorted(save_statuses.items()))}, median {statistics.median(ms):.0f} ms, "
          f"p90 {_pct(ms, 0.9):.0f} ms, max {max(ms):.0f} ms; errors {len(errors)} {errors[:2]}")
    print(f"5xx answers: {fives}")


if __name__ == "__main__":
    main()
