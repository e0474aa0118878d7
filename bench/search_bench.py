#!/usr/bin/env python3
"""Search speed at scale: contentlib's index beside SQLite LIKE and FTS5 trigram.

Builds a catalog of N works with ../shared/tools/make_scale_catalog.py, imports it
into a fresh CONTENTLIB_HOME, times a full `contentlib reindex`, serves it, and
asks the eval-dev queries through GET /api/v1/search. The same queries then run
as SQLite `LIKE '%q%'` scans (what Kolibri and calibre-web do) and as FTS5
trigram MATCH queries over the same titles and descriptions, in the same run.

usage: bench/search_bench.py [--works 100000] [--queries ../shared/data/eval-dev/queries.jsonl]
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# ../shared beside the checkout (or beside the folder of worktrees)
SHARED = next((p / "shared" for p in Path(__file__).resolve().parents[1:] if (p / "shared" / "data").is_dir()),
              Path(__file__).resolve().parents[2] / "shared")
BIN = Path(sys.executable).parent


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] * 1000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(cmd, env, ok=(0,)):
    t = time.perf_counter()
    code = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    if code not in ok:
        raise SystemExit(f"{' '.join(cmd)} exited {code}")
    return time.perf_counter() - t


def api_latencies(port, queries):
    out = []
    for q in queries:
        url = f"http://127.0.0.1:{port}/api/v1/search?" + urllib.parse.urlencode({"q": q, "per_page": 10})
        t = time.perf_counter()
        with urllib.request.urlopen(url, timeout=60) as r:
            json.load(r)
        out.append(time.perf_counter() - t)
    return out


def like_latencies(db, queries):
    conn = sqlite3.connect(db)
    out = []
    for q in queries:
        t = time.perf_counter()
        conn.execute("SELECT DISTINCT work_id FROM versions WHERE title LIKE ?1 OR description LIKE ?1 LIMIT 10",
                     (f"%{q}%",)).fetchall()
        out.append(time.perf_counter() - t)
    conn.close()
    return out


def fts_build(db, fts_db):
    conn = sqlite3.connect(fts_db)
    conn.execute("ATTACH DATABASE ? AS src", (db,))
    t = time.perf_counter()
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(work_id UNINDEXED, title, description, tokenize='trigram')")
    conn.execute("INSERT INTO docs SELECT work_id, coalesce(title,''), coalesce(description,'') FROM src.versions")
    conn.commit()
    took = time.perf_counter() - t
    conn.close()
    return took


def fts_latencies(fts_db, queries):
    conn = sqlite3.connect(fts_db)
    out, fallback = [], 0
    for q in queries:
        t = time.perf_counter()
        if len(q) >= 3:  # trigram needs three characters; shorter queries fall back to a scan
            phrase = '"' + q.replace('"', '""') + '"'
            conn.execute("SELECT DISTINCT work_id FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10", (phrase,)).fetchall()
        else:
            fallback += 1
            conn.execute("SELECT DISTINCT work_id FROM docs WHERE title LIKE ?1 OR description LIKE ?1 LIMIT 10",
                         (f"%{q}%",)).fetchall()
        out.append(time.perf_counter() - t)
    conn.close()
    return out, fallback


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--works", type=int, default=100_000)
    ap.add_argument("--queries", default=str(SHARED / "data/eval-dev/queries.jsonl"))
    ap.add_argument("--keep", help="keep the benchmark home in this folder (an existing one is reused)")
    a = ap.parse_args()
    queries = [json.loads(line)["q"] for line in open(a.queries, encoding="utf-8")]
    home = Path(a.keep or tempfile.mkdtemp(prefix="contentlib-bench-"))
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, CONTENTLIB_HOME=str(home))
    catalog = home / "scale.jsonl"
    results = {"works": a.works, "queries": len(queries), "import_s": float("nan")}
    if not (a.keep and (home / "contentlib.db").exists()):  # a kept home is reused as it is
        with open(catalog, "w") as fh:
            subprocess.run([sys.executable, str(SHARED / "tools/make_scale_catalog.py"), str(a.works)], stdout=fh,
                           check=True)
        # The generator now and then writes a work whose only title is empty; the record format
        # refuses those lines, so they are skipped (and reported) rather than failing the run.
        results["import_s"] = timed([str(BIN / "contentlib"), "import", "--skip-invalid", str(catalog)], env,
                                    ok=(0, 2))
    results["reindex_s"] = timed([str(BIN / "contentlib"), "reindex"], env)
    port = free_port()
    server = subprocess.Popen([str(BIN / "contentlib"), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/search?q=x", timeout=5)
                break
            except OSError:
                time.sleep(0.3)
        api_latencies(port, queries[:20])  # warm the searcher and the dictionaries
        api = api_latencies(port, queries)
    finally:
        server.terminate()
        server.wait()
    db = str(home / "contentlib.db")
    like = like_latencies(db, queries)
    fts_db = str(home / "fts.db")
    Path(fts_db).unlink(missing_ok=True)
    results["fts_build_s"] = fts_build(db, fts_db)
    fts, fallback = fts_latencies(fts_db, queries)
    rows = [("contentlib API (Whoosh)", api), ("SQLite LIKE '%q%'", like), ("SQLite FTS5 trigram", fts)]
    print(f"works={a.works} queries={len(queries)} import={results['import_s']:.1f}s "
          f"full reindex={results['reindex_s']:.1f}s fts5 build={results['fts_build_s']:.1f}s")
    print(f"{'method':28s} {'p50 ms':>8s} {'p95 ms':>8s} {'mean ms':>8s}")
    for name, lat in rows:
        print(f"{name:28s} {pct(lat, .5):8.1f} {pct(lat, .95):8.1f} {1000 * statistics.mean(lat):8.1f}")
        results[name] = {"p50_ms": pct(lat, .5), "p95_ms": pct(lat, .95)}
    print(f"(FTS5: {fallback} queries shorter than 3 characters fell back to LIKE)")
    ratio = pct(api, .95) / pct(like, .95)
    print(f"contentlib p95 / LIKE p95 = {ratio:.3f} (target < 0.25); rebuild target < 300 s")
    out = ROOT / "bench/out"
    out.mkdir(exist_ok=True)
    (out / f"search_bench_{a.works}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
