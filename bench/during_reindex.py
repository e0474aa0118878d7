"""Search latency and draft saves while a full reindex runs (issue 11's figure: search p95 < 100 ms, saves < 1 s).

    .venv/bin/python bench/during_reindex.py [--works 5000] [--searchers 4]

It builds a temporary home (eval-dev plus N generated works), serves it with
``contentlib serve --workers 1`` (one process, so the reindex and the server share
the machine as on a county server), then runs ``contentlib reindex`` in another
process while searchers ask eval-dev queries and an editor saves drafts through the
API, both over HTTP. It prints what each saw while the reindex ran.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CONTENTLIB_SHARED") or ROOT.parent / "shared")
BIN = Path(sys.executable).parent


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _p95(values) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(0.95 * len(values)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--works", type=int, default=5000, help="generated works beside eval-dev")
    ap.add_argument("--searchers", type=int, default=4)
    a = ap.parse_args()
    queries = [json.loads(line)["q"] for line in open(SHARED / "data/eval-dev/queries.jsonl", encoding="utf-8")]
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "CONTENTLIB_HOME": home, "CONTENTLIB_LOG_LEVEL": "WARNING"}
        cli = [str(BIN / "contentlib")]
        scale = Path(home) / "scale.jsonl"
        with open(scale, "w") as out:
            subprocess.run([sys.executable, str(SHARED / "tools/make_scale_catalog.py"), str(a.works)], stdout=out, check=True)
        for catalog in (SHARED / "data/eval-dev/catalog.jsonl", scale):
            done = subprocess.run(cli + ["import", "--skip-invalid", str(catalog)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if done.returncode not in (0, 2):  # 2: some generated lines break the record bounds and are skipped
                raise SystemExit(done.stderr[-2000:])
        subprocess.run(cli + ["users", "create", "ed", "--role", "editor", "--password", "bench-password-1"],
                       env=env, check=True, stdout=subprocess.DEVNULL)
        token = subprocess.run(cli + ["users", "token", "ed"], env=env, check=True, capture_output=True,
                               text=True).stdout.strip()
        work_ids = [json.loads(line)["id"] for line in open(scale, encoding="utf-8")][:200]
        port = _port()
        server = subprocess.Popen(cli + ["serve", "--port", str(port), "--workers", "1"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 300
            while True:
                try:
                    if urllib.request.urlopen(base + "/readyz", timeout=5).status == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not get ready")
                time.sleep(0.5)
            searches, saves, errors = [], [], []
            running = threading.Event()
            running.set()

            def searcher(seed):
                rnd = random.Random(seed)
                while running.is_set():
                    url = base + "/api/v1/search?" + urllib.parse.urlencode({"q": rnd.choice(queries)})
                    t = time.perf_counter()
                    try:
                        urllib.request.urlopen(url, timeout=60).read()
                        searches.append(time.perf_counter() - t)
                    except OSError as exc:
                        errors.append(f"search: {exc}")

            def editor():
                n = 0
                while running.is_set():
                    n += 1
                    body = json.dumps({"title": f"Draft while reindexing {n}"}).encode()
                    req = urllib.request.Request(f"{base}/api/v1/works/{work_ids[n % len(work_ids)]}/versions/en",
                                                 data=body, method="POST", headers={
                                                     "Authorization": f"Bearer {token}",
                                                     "Content-Type": "application/json"})
                    t = time.perf_counter()
                    try:
                        urllib.request.urlopen(req, timeout=60).read()
                        saves.append(time.perf_counter() - t)
                    except OSError as exc:
                        errors.append(f"save: {exc}")
                    time.sleep(0.25)

            threads = [threading.Thread(target=searcher, args=(i,)) for i in range(a.searchers)]
            threads.append(threading.Thread(target=editor))
            started = time.perf_counter()
            reindex = subprocess.Popen(cli + ["reindex"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for t in threads:
                t.start()
            reindex.wait()
            took = time.perf_counter() - started
            running.clear()
            for t in threads:
                t.join()
        finally:
            server.terminate()
            server.wait(30)
    ms = [s * 1000 for s in searches]
    print(f"reindex of {a.works + 689} works took {took:.1f} s (exit {reindex.returncode}); "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"searches during it: {len(ms)}, p50 {statistics.median(ms):.1f} ms, p95 {_p95(ms):.1f} ms, "
          f"max {max(ms):.1f} ms")
    print(f"draft saves during it: {len(saves)}, p50 {statistics.median(saves) * 1000:.0f} ms, "
          f"max {max(saves) * 1000:.0f} ms; errors: {len(errors)} {errors[:3]}")


if __name__ == "__main__":
    main()
