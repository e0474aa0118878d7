"""Give a DEMO library a year of made-up history, so /reports has something to show.

Only for a home that holds the demo (``contentlib demo``): it rewrites when works were
added, runs real drafts, reviews and approvals with past dates through the workflow,
adds a year of use counts, and imports the counts of two invented county libraries.
Never run it on a real library: the history it writes is fiction.

    CONTENTLIB_HOME=... .venv/bin/python tools/report_activity.py --demo [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

from contentlib import accounts, usage, workflow  # noqa: E402
from contentlib.settings import defaults  # noqa: E402
from contentlib.store import Store, versions  # noqa: E402
from contentlib.tables import version_history  # noqa: E402

DAY = 86400
PASSWORD = "demo activity only"


def _user(store, name, role):
    return accounts.get_user(store, name) or accounts.create_user(store, name, role, PASSWORD)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", action="store_true", help="confirm this home holds only the demo")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if not args.demo:
        parser.error("this writes invented history; pass --demo to confirm the home holds only the demo")
    rng = random.Random(args.seed)
    store = Store.from_url(defaults()["CONTENTLIB_DATABASE_URL"])
    now = time.time()
    with store.engine.connect() as conn:
        ids = sorted(conn.execute(sa.select(version_history.c.work_id).distinct()).scalars())
        bo = set(conn.execute(sa.select(versions.c.work_id).where(versions.c.lang == "bo",
                                                                  versions.c.slot == "public")).scalars())
    added = {}
    with store.transaction() as conn:  # spread the imports over the last year
        for work_id in ids:
            added[work_id] = now - rng.uniform(20, 365) * DAY
            conn.execute(version_history.update().where(version_history.c.work_id == work_id,
                                                        version_history.c.action == "import")
                         .values(at=added[work_id]))
    editor, reviewer = _user(store, "demo-translator", "editor"), _user(store, "demo-reviewer", "reviewer")
    moved = 0
    for work_id in rng.sample(sorted(bo), min(40, len(bo))):  # a new edit of the Tibetan text, reviewed
        start = added[work_id] + rng.uniform(1, 10) * DAY
        title = workflow.status(store, work_id, "bo").public.title
        try:
            workflow.save_draft(store, editor, work_id, "bo", {"title": title}, now=start)
            t = start + rng.uniform(1, 20) * DAY
            workflow.submit(store, editor, work_id, "bo", now=t)
            if rng.random() < 0.3:
                t += rng.uniform(1, 5) * DAY
                workflow.reject(store, reviewer, work_id, "bo", "ཡི་གེ་བསྐྱར་ཞིབ་གནང་།", now=t)
                t += rng.uniform(1, 10) * DAY
                workflow.save_draft(store, editor, work_id, "bo", {"title": title}, now=t)
                workflow.submit(store, editor, work_id, "bo", now=t + DAY)
                t += DAY
            workflow.approve(store, reviewer, work_id, "bo", now=min(t + rng.uniform(1, 15) * DAY, now))
            moved += 1
        except Exception as exc:  # a work in another state: leave it
            print(f"{work_id}: {exc}", file=sys.stderr)
    counts: Counter = Counter()
    today = date.today()
    popular = rng.sample(ids, min(60, len(ids)))
    for i in range(365):
        day = today - timedelta(days=i)
        for work_id in rng.sample(popular, 8):
            lang = rng.choice(("bo", "bo", "zh", "zh", "en"))
            counts[(day, work_id, lang, "view")] += rng.randint(1, 6)
            if rng.random() < 0.5:
                counts[(day, work_id, lang, "play")] += rng.randint(1, 3)
            if rng.random() < 0.2:
                counts[(day, work_id, lang, rng.choice(("download", "download_light")))] += 1
    usage.add_counts(store, counts)
    months = sorted({usage.month_of(today - timedelta(days=i)) for i in range(0, 365, 28)})
    for lib_id, name in (("demo-county-a", "མཚོ་ལྷོ་ County library (demo)"), ("demo-county-b", "县图书馆 B (demo)")):
        rows = [{"month": m, "work_id": w, "lang": rng.choice(("bo", "zh")), "kind": k,
                 "count": rng.randint(1, 40)} for m in months for w in rng.sample(popular, 5)
                for k in ("view", "play")]
        unique = {(r["month"], r["work_id"], r["lang"], r["kind"]): r for r in rows}
        usage.import_counts(store, {"format": usage.FORMAT, "library": {"id": lib_id, "name": name},
                                    "period": {"from": months[0], "to": months[-1]},
                                    "exported_at": today.isoformat(), "counts": list(unique.values())})
    print(f"{len(ids)} works spread over a year, {moved} Tibetan versions reviewed, "
          f"{sum(counts.values())} uses counted, 2 county libraries imported")
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
