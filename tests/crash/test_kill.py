"""Crashes leave the old state or the new one, never a mix (issue 10, item 5).

`contentlib import`, `reindex`, `backup` and `restore` are killed with SIGKILL
at random moments, at least 20 times, within a time budget. After each kill
the home is started again as the server starts it, and checked: SQLite's
integrity check, the catalog is the old or the new one, the outbox is drained
so the index holds as many works as the database, no media file is
half-written under its final name, a backup under its final name verifies,
and left-over temporary files are swept at start. The counts are printed.
"""

import hashlib
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from contentlib import backup
from tests.conftest import write_jsonl
from tests.unit import media_samples as ms

MIN_KILLS = 20
BUDGET = 50.0  # seconds for the kill loop; setup comes on top
SHA_RE = re.compile(r"^[0-9a-f]{64}$")


def catalog(folder: Path, first: int, count: int, tag: str, media: bool) -> Path:
    """A file of synthetic works (Chinese and Tibetan titles), optionally with real files."""
    recs = []
    for i in range(first, first + count):
        recs.append({"id": f"w-{i:04d}", "type": "book", "titles": {"zh": f"科学{tag}第{i}册", "bo": f"ཚན་རིག་{tag} {i}"},
                     "descriptions": {"zh": "原子核由中子和质子组成。" * 3}, "subjects": ["health"]})
    if media:
        ms.make_pdf(folder / f"{tag}.pdf", pages=2)
        ms.make_image(folder / f"{tag}.png", "PNG", size=(160, 90))
        recs[0]["media"] = [{"path": f"{tag}.pdf", "role": "original"}, {"path": f"{tag}.png", "role": "cover"}]
    return write_jsonl(folder / f"{tag}.jsonl", recs)


class Harness:
    """The forking runner (tests/crash/harness.py) in its own process."""

    def __init__(self, home: Path):
        env = dict(os.environ, CONTENTLIB_HOME=str(home), CONTENTLIB_SECRET_KEY="crash-test-secret-key-0123456789")
        for name in ("CONTENTLIB_DATABASE_URL", "CONTENTLIB_INDEX_DIR", "CONTENTLIB_MEDIA_DIR"):
            env.pop(name, None)
        root = Path(__file__).resolve().parents[2]
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.crash.harness"], cwd=root, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "ready"

    def run(self, args, delay=None) -> dict:
        self.proc.stdin.write(json.dumps({"args": args, "delay": delay}) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def fingerprint(db: Path) -> str:
    """The catalog's content (published text and files), without when each version changed."""
    conn = sqlite3.connect(db)
    try:
        rows = [conn.execute(q).fetchall() for q in (
            "SELECT id, type FROM works ORDER BY id",
            "SELECT work_id, lang, title, description FROM versions WHERE slot = 'public' ORDER BY work_id, lang",
            "SELECT work_id, role, sha256 FROM media ORDER BY work_id, position")]
    finally:
        conn.close()
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def leftovers(home: Path) -> list[Path]:
    tmp = home / "media" / ".tmp"
    return (list(tmp.iterdir()) if tmp.is_dir() else []) + list(home.glob(backup.TEMP_PREFIX + "*"))


def start(home: Path) -> tuple[int, int, int]:
    """Start the home as `contentlib serve` does (sweep, drain or rebuild); return (works, indexed, swept)."""
    old = time.time() - 7200  # what a killed process left is old by the time the next one starts
    found = leftovers(home)
    for p in found:
        os.utime(p, (old, old))
    from catalog import create_app

    app = create_app({"TESTING": True, "CONTENTLIB_SECRET_KEY": "crash-test-secret-key-0123456789"})
    lib = app.extensions["contentlib"]
    try:
        if not lib.index.exists():
            lib.reindex()
        else:
            lib.sync()
        return lib.store.count_works(), lib.index.doc_count(), len(found) - len(leftovers(home))
    finally:
        lib.index.close()
        lib.close()


def half_written(media_root: Path) -> list[Path]:
    """Content-addressed files whose bytes do not match their name."""
    bad = []
    for p in media_root.glob("[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/*"):
        if SHA_RE.match(p.name) and hashlib.sha256(p.read_bytes()).hexdigest() != p.name:
            bad.append(p)
    return bad


def test_sigkill_at_random_moments_leaves_old_or_new(tmp_path, monkeypatch, capsys):
    began = time.monotonic()
    rng = random.Random(int(os.environ.get("CONTENTLIB_CRASH_SEED", "0")) or None)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("CONTENTLIB_HOME", str(home))
    for name in ("CONTENTLIB_DATABASE_URL", "CONTENTLIB_INDEX_DIR", "CONTENTLIB_MEDIA_DIR"):
        monkeypatch.delenv(name, raising=False)
    src = tmp_path / "src"
    src.mkdir()
    old_file = catalog(src, 0, 60, "old", media=True)
    new_file = catalog(src, 40, 200, "new", media=True)  # updates 20 works, adds 180, brings other files
    db = home / "contentlib.db"
    saved, out = tmp_path / "old.tar", tmp_path / "out" / "b.tar"
    out.parent.mkdir()

    h = Harness(home)
    try:
        # The two states, each reached by a complete run (which also times each command).
        took = {}
        assert h.run(["import", str(old_file)])["rc"] == 0
        old_fp = fingerprint(db)
        r = h.run(["backup", str(saved)])
        assert r["rc"] == 0
        took["backup"] = r["seconds"]
        r = h.run(["import", str(new_file)])
        assert r["rc"] == 0
        took["import"] = r["seconds"]
        new_fp = fingerprint(db)
        assert new_fp != old_fp
        r = h.run(["restore", "--force", str(saved)])
        assert r["rc"] == 0 and fingerprint(db) == old_fp
        took["restore"] = r["seconds"]
        r = h.run(["reindex"])
        assert r["rc"] == 0
        took["reindex"] = r["seconds"]

        commands = {"import": ["import", str(new_file)], "reindex": ["reindex"],
                    "backup": ["backup", str(out)], "restore": ["restore", "--force", str(saved)]}
        kills = checks = mismatches = swept = finished = 0
        per_command = {name: 0 for name in commands}
        problems = []
        loop_start = time.monotonic()
        order = list(commands)
        while kills < MIN_KILLS or (time.monotonic() - loop_start < BUDGET and kills < 2 * MIN_KILLS):
            if time.monotonic() - loop_start > 4 * BUDGET:
                break  # a machine this slow fails the count below rather than hang
            name = order[(kills + finished) % len(order)]
            result = h.run(commands[name], delay=rng.uniform(0.0, took[name] * 0.95))
            if result["killed"]:
                kills += 1
                per_command[name] += 1
            else:
                finished += 1
                if result["rc"] != 0:
                    problems.append(f"{name} exited {result['rc']} without being killed")
            # The checks, as the next start sees the home.
            checks += 1
            state = integrity(db)
            if state != "ok":
                problems.append(f"after {name}: integrity_check says {state}")
            fp = fingerprint(db)
            if fp not in (old_fp, new_fp):
                problems.append(f"after {name}: the catalog is neither the old nor the new one")
            works, indexed, n_swept = start(home)
            swept += n_swept
            if works != indexed:
                problems.append(f"after {name}: {works} works in the database, {indexed} in the index")
            if leftovers(home):
                problems.append(f"after {name}: temporary files left after start: {leftovers(home)}")
            bad = half_written(home / "media")
            if bad:
                problems.append(f"after {name}: half-written media files {bad}")
            if out.exists():
                try:
                    backup.verify(out)
                except backup.BackupInvalid as exc:
                    problems.append(f"after {name}: a half-written backup under its final name: {exc}")
            mismatches = len(problems)
    finally:
        h.close()
    summary = (f"crash test: {kills} kills ({', '.join(f'{k} {v}' for k, v in per_command.items())}), "
               f"{finished} runs finished, {checks} checks, {mismatches} mismatches, {swept} leftovers swept "
               f"at start, {time.monotonic() - began:.0f} s")
    with capsys.disabled():
        print("\n" + summary)
    (tmp_path.parent / "crash-summary.txt").write_text(summary + "\n")
    assert problems == [], problems
    assert kills >= MIN_KILLS, summary
    assert all(per_command.values()), summary
