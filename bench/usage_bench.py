"""Does counting use slow a page? The work page and a play, with counting on and off.

Two apps on the same temporary home (the demo catalog plus one video work), one
counting (``CONTENTLIB_COUNT_USE`` on, its writer thread running) and one not,
answer the same requests through Werkzeug's test client, interleaved in
rounds so both see the same machine load. Prints the median and 90th
percentile per request, on and off, and the difference. Counting is one dict
increment under a lock per request; the database write happens later in
the writer thread, so the difference should be within the noise.

    .venv/bin/python bench/usage_bench.py [--rounds 30] [--per-round 20] [--json bench/out/usage.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import write_jsonl  # noqa: E402
from tests.unit import media_samples as ms  # noqa: E402


def make_app(home: Path, count: bool):
    from catalog import create_app

    return create_app({"TESTING": True, "CONTENTLIB_SECRET_KEY": "bench-secret-usage-0123", "CONTENTLIB_HOME": str(home),
                       "CONTENTLIB_INSTANCE_DIR": str(home), "CONTENTLIB_DATABASE_URL": f"sqlite:///{home / 'db.sqlite'}",
                       "CONTENTLIB_INDEX_DIR": str(home / "index"), "CONTENTLIB_MEDIA_DIR": str(home / "media"),
                       "CONTENTLIB_COUNT_USE": count, "CONTENTLIB_COUNT_FLUSH_SECONDS": 1.0})


def timed(client, path, headers, n) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        r = client.get(path, headers=headers)
        r.get_data()
        out.append((time.perf_counter() - t) * 1000)
        assert r.status_code in (200, 206), (path, r.status_code)
    return out


def summary(ms_list) -> dict:
    qs = statistics.quantiles(ms_list, n=10)
    return {"median_ms": round(statistics.median(ms_list), 3), "p90_ms": round(qs[8], 3), "n": len(ms_list)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--per-round", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    from contentlib import records

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        (home / "src" / "media").mkdir(parents=True)
        ms.make_video(home / "src" / "media" / "v.mp4")
        works = write_jsonl(home / "src" / "w.jsonl", [{"id": "bench-video", "type": "video",
                                                        "titles": {"bo": ms.TIBETAN, "zh": ms.CHINESE},
                                                        "media": [{"path": "media/v.mp4", "role": "original"}]}])
        on, off = make_app(home, True), make_app(home, False)
        res = on.extensions["contentlib"]
        with on.app_context():
            records.import_file(res.store, ROOT / "contentlib" / "data" / "demo" / "catalog.jsonl", ingest=res.ingest)
            records.import_file(res.store, works, ingest=res.ingest)
        sha = res.store.get_work("bench-video").media[0].sha256
        cases = {"work page": ("/works/bench-video", {"Accept-Language": "bo"}),
                 "play": (f"/media/{sha}", {"Range": "bytes=0-"})}
        clients = {"on": on.test_client(), "off": off.test_client()}
        times = {(case, mode): [] for case in cases for mode in clients}
        for path, headers in cases.values():  # warm both: templates, caches, connections
            for client in clients.values():
                timed(client, path, headers, 5)
        for r in range(args.rounds):  # alternate which app goes first, so order effects cancel
            for case, (path, headers) in cases.items():
                for mode in (("on", "off") if r % 2 == 0 else ("off", "on")):
                    times[(case, mode)] += timed(clients[mode], path, headers, args.per_round)
        counter = on.extensions["contentlib_usage"]
        n = 100_000  # what counting itself costs a request: one add() (the write happens in the thread)
        t = time.perf_counter()
        for _ in range(n):
            counter.add("view", work_id="bench-video", lang="bo")
        add_us = (time.perf_counter() - t) / n * 1e6
        counter.stop()
        counted = sum(1 for _ in times[("work page", "on")]) + 5
        result = {}
        for case in cases:
            a, b = summary(times[(case, "on")]), summary(times[(case, "off")])
            result[case] = {"on": a, "off": b, "median_difference_ms": round(a["median_ms"] - b["median_ms"], 3)}
            print(f"{case:<10} counting on: median {a['median_ms']:.3f} ms, p90 {a['p90_ms']:.3f} ms | "
                  f"off: median {b['median_ms']:.3f} ms, p90 {b['p90_ms']:.3f} ms | "
                  f"difference {result[case]['median_difference_ms']:+.3f} ms (n={a['n']} each)")
        import sqlalchemy as sa

        from contentlib.tables import usage_daily
        from contentlib.usage import today

        with res.store.engine.connect() as conn:
            views = conn.execute(sa.select(sa.func.sum(usage_daily.c.count)).where(
                usage_daily.c.kind == "view", usage_daily.c.day == today())).scalar()
        print(f"views written by the counting app: {views} (expected {counted + n})")
        print(f"one count in the request (Counter.add): {add_us:.2f} microseconds")
        result["add_microseconds"] = round(add_us, 3)
        for app in (on, off):
            app.extensions["contentlib"].store.close()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
