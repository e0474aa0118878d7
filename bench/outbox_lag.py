"""How long a published change takes to reach search through the background applier (target: under 2 s).

    .venv/bin/python bench/outbox_lag.py [--changes 20] [--interval 0.5] [--database-url URL]

It loads tests/data/works.jsonl into a temporary home, starts the applier as
``contentlib serve`` does, publishes translations one after another through the
Library (as the views do) and times each until the search finds it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contentlib import accounts, worker  # noqa: E402
from contentlib.library import Library  # noqa: E402
from contentlib.settings import defaults  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--changes", type=int, default=20)
    ap.add_argument("--interval", type=float, default=0.5, help="the applier's pause between passes")
    ap.add_argument("--database-url")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {"CONTENTLIB_HOME": home}
        if a.database_url:
            env["CONTENTLIB_DATABASE_URL"] = a.database_url
        lib = Library.from_settings(defaults(env))
        lib.import_file(ROOT / "tests/data/works.jsonl")
        ed, rev = accounts.User("ed", "editor"), accounts.User("rev", "reviewer")
        stop = worker.start(lib, jobs=False, interval=a.interval)
        lags = []
        try:
            for i in range(a.changes):
                word = f"lagprobe{i}x"
                lib.save_draft(ed, "t-book", "en", {"title": f"Drinking water {word}"})
                lib.submit(ed, "t-book", "en")
                started = time.perf_counter()
                lib.approve(rev, "t-book", "en")
                while not lib.search(word).total:
                    if time.perf_counter() - started > 30:
                        raise SystemExit(f"change {i} not searchable after 30 s")
                    time.sleep(0.01)
                lags.append(time.perf_counter() - started)
        finally:
            stop.set()
            for t in stop.threads:
                t.join(5)
            lib.close()
    lags.sort()
    print(f"{len(lags)} changes, applier interval {a.interval} s: median {statistics.median(lags):.2f} s, "
          f"p90 {lags[int(len(lags) * 0.9) - 1]:.2f} s, max {lags[-1]:.2f} s (target < 2 s)")


if __name__ == "__main__":
    main()
