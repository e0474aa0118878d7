"""`contentlib restore` of a bad backup: one line, exit 1, nothing left behind (issue 21, item 7).

A manifest that is not UTF-8, nested 100,000 deep, or listing its members as a
list gave a traceback; a listed junk database gave a traceback after the media
files were placed (they stayed); a member named outside the backup's own names
was written into the home; and a restored ``secret_key`` was readable by all
(0644) until the next start.
"""

from __future__ import annotations

import hashlib
import io
import json
import stat
import tarfile

import pytest

from tests.bundles.helpers import Home
from tests.unit import media_samples

SECRET = b"9f1c2e7a5b3d8c4e6a0b1d2f3e4c5a6b7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a\n"


@pytest.fixture
def backup(tmp_path):
    """A real backup of a home with one work and its file, plus the instance's secret key."""
    old = Home(tmp_path / "old")
    media_samples.make_image(tmp_path / "cover.png", "PNG")
    (tmp_path / "one.jsonl").write_text(json.dumps({"id": "w-1", "type": "poster", "titles": {"zh": "图"}, "media": [
        {"path": "cover.png", "role": "poster"}]}) + "\n", "utf-8")
    assert old.run("import", tmp_path / "one.jsonl").exit_code == 0
    (old.root / "secret_key").write_bytes(SECRET)
    assert old.run("backup", tmp_path / "lib.tar").exit_code == 0
    old.close()
    return tmp_path / "lib.tar"


@pytest.fixture
def fresh(tmp_path):
    home = Home(tmp_path / "new")
    yield home
    home.close()


def rewrite(src, dst, change=None, manifest=None):
    """Copy a backup with members changed (``change``: name -> bytes, or None to drop) and the manifest redone.

    :param manifest: called with the redone manifest; returns it changed, or the bytes to write instead.
    """
    with tarfile.open(src) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.name != "manifest.json"}
        body = json.loads(tar.extractfile("manifest.json").read())
    for name, data in (change or {}).items():
        if data is None:
            members.pop(name, None)
        else:
            members[name] = data
    body["members"] = {n: {"sha256": hashlib.sha256(d).hexdigest(), "size": len(d)} for n, d in members.items()}
    body = manifest(body) if manifest else body
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    with tarfile.open(dst, "w") as tar:
        for name, data in [*members.items(), ("manifest.json", raw)]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return dst


def _latin1(m):
    return json.dumps({**m, "note": "é"}, ensure_ascii=False).encode("latin-1")


def _deep(m):
    return json.dumps(m)[:-1].encode() + b', "deep": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


def _as_list(m):
    return {**m, "members": [{"name": n, **facts} for n, facts in m["members"].items()]}


CASES = {
    "manifest not UTF-8": ({}, _latin1, "UTF-8"),
    "manifest nested 100,000 deep": ({}, _deep, "nested"),
    "members as a list": ({}, _as_list, "members"),
    "member size as text": ({}, lambda m: {**m, "members": {n: {**f, "size": "1"} for n, f in m["members"].items()}},
                            "members"),
    "database kind unknown": ({}, lambda m: {**m, "database": "oracle"}, "database"),
    "a listed junk database": ({"database/contentlib.db": b"this is not a database" * 100}, None, "database"),
    "an empty SQLite file": ({"database/contentlib.db": b""}, None, "database"),
    "a JSON table with a broken row": ({"database/contentlib.db": None, "database/works.jsonl": b'["id"]\n{"id": \n'},
                                       lambda m: {**m, "database": "json"}, "works.jsonl:2"),
    "a JSON table nested 100,000 deep": ({"database/contentlib.db": None,
                                          "database/works.jsonl": b'["id"]\n' + b"[" * 100_000 + b"]" * 100_000},
                                         lambda m: {**m, "database": "json"}, "nested"),
    "an instance file of another name": ({"instance/wsgi.py": b"import os\n"}, None, "instance/wsgi.py"),
    "a media member in the temporary folder": ({"media/.tmp/put-x": b"x"}, None, "media/.tmp/put-x"),
}


def _home_state(home: Home) -> list:
    """Every file of the home but the database's own, with its bytes' hash."""
    return sorted((str(p.relative_to(home.root)), hashlib.sha256(p.read_bytes()).hexdigest())
                  for p in home.root.rglob("*") if p.is_file() and not p.name.startswith("contentlib.db"))


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_backup_is_one_line_exit_1_and_leaves_nothing(backup, fresh, tmp_path, case):
    change, manifest, words = CASES[case]
    bad = rewrite(backup, tmp_path / "bad.tar", change, manifest)
    before = _home_state(fresh)
    result = fresh.run("restore", bad)
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and words in lines[0], result.output
    assert _home_state(fresh) == before and fresh.res.store.count_works() == 0
    assert not [p for p in (fresh.root / "media").rglob("*") if p.is_file()] if (fresh.root / "media").exists() else True


def test_the_same_backup_unspoiled_restores_with_a_private_secret_key(backup, fresh):
    result = fresh.run("restore", backup)
    assert result.exit_code == 0, result.output
    assert fresh.res.store.work_ids() == ["w-1"] and fresh.store_files()
    key = fresh.root / "secret_key"
    assert key.read_bytes() == SECRET and stat.S_IMODE(key.stat().st_mode) == 0o600
