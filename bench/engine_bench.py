#!/usr/bin/env python3
"""Both search engines on one catalog, in one run, through the API: rebuild time and per-query latency.

Builds a catalog of N generated works plus the held-out set's 1,808 judged ones
(``make_scale_catalog.py``, as ``run_bench.py`` does: ``--works 2000`` gives the
3,808-work catalog), imports it once, then for each engine
(``CONTENTLIB_SEARCH_ENGINE``) times ``contentlib reindex`` into its own index
folder, serves it, and asks every eval-dev and held-out query once through
``GET /api/v1/search`` after a warm-up. Prints a Markdown table for
``bench/results.md``.

usage: bench/engine_bench.py [--works 100000] [--home DIR] [--engines whoosh,tantivy]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_bench as rb  # noqa: E402


def run_engine(engine, env, queries):
    env = dict(env, CONTENTLIB_SEARCH_ENGINE=engine,
               CONTENTLIB_INDEX_DIR=str(Path(env["CONTENTLIB_HOME"]) / f"index-{engine}"))
    print(f"{engine}: reindex ...", flush=True)
    seconds, peak = rb.timed_peak([str(rb.BIN / "contentlib"), "reindex"], env)
    print(f"  {seconds:.0f} s, {peak:.0f} MB; serving ...", flush=True)
    port = rb.free_port()
    server = subprocess.Popen([str(rb.BIN / "contentlib"), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        rb.wait_ready(port)
        rb.per_class(port, queries[:20])  # warm-up
        lat, _ = rb.per_class(port, queries)
    finally:
        server.terminate()
        server.wait()
    every = [x for v in lat.values() for x in v]
    return {"reindex_s": seconds, "reindex_mb": peak, "p50": rb.pct(every, 0.50), "p95": rb.pct(every, 0.95),
            "n": len(every), "classes": {k: (rb.pct(v, 0.5), rb.pct(v, 0.95)) for k, v in sorted(lat.items())}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--works", type=int, default=100_000)
    ap.add_argument("--home", help="benchmark home (default: a temporary folder, removed after)")
    ap.add_argument("--engines", default="whoosh,tantivy")
    a = ap.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="contentlib-engines-")
    home = Path(a.home or tmp.name)
    home.mkdir(parents=True, exist_ok=True)
    heldout = home / "heldout"
    if not (heldout / "queries.jsonl").exists():
        subprocess.run([sys.executable, str(rb.ROOT / "bench/make_heldout_eval.py"), str(heldout)], check=True,
                       stdout=subprocess.DEVNULL)
    queries = rb.read_jsonl(rb.DEV / "queries.jsonl") + rb.read_jsonl(heldout / "queries.jsonl")
    catalog = home / "scale.jsonl"
    if not catalog.exists():
        rb.make_catalog(home, a.works, heldout)
    env = dict(os.environ, CONTENTLIB_HOME=str(home / "app"))
    for name in ("CONTENTLIB_DATABASE_URL", "CONTENTLIB_INDEX_DIR", "CONTENTLIB_MEDIA_DIR"):
        env.pop(name, None)
    if not (home / "app" / "contentlib.db").exists():
        print(f"import {catalog} ...", flush=True)
        rb.timed_peak([str(rb.BIN / "contentlib"), "import", "--skip-invalid", str(catalog)],
                      dict(env, CONTENTLIB_INDEX_DIR=str(home / "app" / "index-whoosh")), ok=(0, 2))
    started, load = time.strftime("%Y-%m-%d %H:%M:%S"), rb.load()
    got = {e: run_engine(e, env, queries) for e in a.engines.split(",")}
    works = sum(1 for _ in open(catalog, encoding="utf-8"))
    print(f"\n{works:,} works, {len(queries)} queries (eval-dev + held-out), one client, each once through the API; "
          f"started {started}, load {load} → {rb.load()}\n")
    print("| engine | rebuild (`contentlib reindex`) | peak MB | all-query p50 ms | all-query p95 ms |")
    print("|---|---|---|---|---|")
    for e, r in got.items():
        print(f"| {e} | {r['reindex_s']:.0f} s | {r['reindex_mb']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} |")
    print("\n| class | " + " | ".join(f"{e} p50 / p95" for e in got) + " |")
    print("|---|" + "---|" * len(got))
    for c in next(iter(got.values()))["classes"]:
        print(f"| {c} | " + " | ".join("{:.1f} / {:.1f}".format(*got[e]["classes"][c]) for e in got) + " |")
    tmp.cleanup()


if __name__ == "__main__":
    main()
