"""The demo's exercise: opening the workbench on it offers exact memory matches for its cues."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from contentlib import accounts, attachments, records
from contentlib.media import MediaStore
from contentlib.translation import memory, workbench
from tests.conftest import write_jsonl

DEMO = Path(__file__).resolve().parents[2] / "contentlib" / "data" / "demo"


def test_most_cues_of_the_exercise_have_exact_matches(tmp_path):
    from contentlib.store import Store

    recs = {r["id"]: r for r in map(json.loads, (DEMO / "catalog.jsonl").read_text(encoding="utf-8").splitlines())}
    exercise = next(r for i, r in recs.items() if i.startswith("demo-exercise-"))
    chosen = [exercise] + [r for r in recs.values() if r["type"] == "animation" and r is not exercise]
    for rec in chosen:
        for m in rec.get("media", []):
            target = tmp_path / m["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            if m["role"] == "subtitle":
                shutil.copyfile(DEMO / m["path"], target)
        rec["media"] = [m for m in rec.get("media", []) if m["role"] == "subtitle"]  # the cues are what counts
    store = Store.from_url(f"sqlite:///{tmp_path / 'db.sqlite'}")
    media = MediaStore(tmp_path / "store")
    records.import_file(store, write_jsonl(tmp_path / "demo.jsonl", chosen), ingest=attachments.ingester(media))
    memory.follow(store, media)
    bench = workbench.load(store, media, accounts.User("ed", "editor"), exercise["id"], "bo",
                           index=memory.GramIndex())
    cues = [s for s in bench.segments if s.kind == "cue"]
    exact = [s for s in cues if s.suggestions and s.suggestions[0].similarity == 1.0
             and s.suggestions[0].kind == "cue" and s.suggestions[0].work != exercise["id"]]
    assert len(cues) >= 2 and len(exact) * 2 > len(cues)
    store.close()
