"""`contentlib backup` and `contentlib restore`: everything comes back in a fresh home, checked first."""

import json
import tarfile

import pytest

from contentlib import accounts, glossary, lists, records, workflow
from tests.conftest import DATA, PASSWORD, POSTGRES_URL, AuthActions, _clean_postgres, write_jsonl
from tests.unit import media_samples as ms

ED = accounts.User("editor", "editor")
REV = accounts.User("reviewer", "reviewer")
BO = "ཆུ་འཐུང་བའི་འཕྲོད་བསྟེན།"


def make_app(monkeypatch, home, db_url=None):
    from catalog import create_app

    home.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("CONTENTLIB_HOME", str(home))
    for name in ("CONTENTLIB_DATABASE_URL", "CONTENTLIB_INDEX_DIR", "CONTENTLIB_MEDIA_DIR"):
        monkeypatch.delenv(name, raising=False)
    if db_url:
        monkeypatch.setenv("CONTENTLIB_DATABASE_URL", db_url)
    return create_app({"TESTING": True, "CONTENTLIB_SECRET_KEY": "suite-only-4fJ9x2Qm7LwZ8rKp3VtB", "WTF_CSRF_ENABLED": True})


def invoke(app, *args):
    from catalog.cli import cli

    return app.test_cli_runner().invoke(cli, args=list(args))


def fill(app, tmp_path) -> dict:
    """A library with works, files, users and a token, a list, glossary, a label, history and a draft."""
    lib = app.extensions["contentlib"]
    store = lib.store
    (tmp_path / "src").mkdir()
    ms.make_pdf(tmp_path / "src/book.pdf")
    ms.make_image(tmp_path / "src/cover.png", "PNG")
    lib.import_file(DATA / "works.jsonl")
    lib.import_file(write_jsonl(tmp_path / "src/m.jsonl", [
        {"id": "m-1", "type": "book", "titles": {"zh": "书"}, "media": [
            {"path": "book.pdf", "role": "original"}, {"path": "cover.png", "role": "cover"}]}]))
    for name, role in (("editor", "editor"), ("reviewer", "reviewer"), ("teacher", "teacher")):
        accounts.create_user(store, name, role, PASSWORD)
    token = accounts.issue_token(store, "editor")
    workflow.save_draft(store, ED, "t-book", "bo", {"title": BO})
    workflow.submit(store, ED, "t-book", "bo")
    workflow.approve(store, REV, "t-book", "bo")
    workflow.save_draft(store, ED, "t-atom", "en", {"title": "Atoms (draft)"})
    teacher = accounts.get_user(store, "teacher")
    wl = lists.create(store, teacher, "ཁྲིད་ཚན།")
    lists.add(store, teacher, wl.id, "t-poster")
    glossary.add(store, "原子", "རྡུལ་ཕྲན།")
    store.set_label("subjects", "health", "bo", "འཕྲོད་བསྟེན།")
    lib.sync()
    return {"token": token, "list": wl.id}


def snapshot(app, tmp_path, name) -> dict:
    """What must come back the same: the export (bytes and files), history, lists, glossary, labels."""
    lib = app.extensions["contentlib"]
    store = lib.store
    (tmp_path / name).mkdir()
    out = tmp_path / name / "out.jsonl"
    records.export_file(store, out, media_path=lib.media.path)
    teacher = accounts.get_user(store, "teacher")
    return {
        "export": out.read_bytes(),
        "files": sorted(p.name for p in (tmp_path / name).rglob("*") if p.is_file()),
        "history": {w: workflow.history(store, w) for w in store.work_ids()},
        "lists": [(wl.name, wl.work_ids, wl.token) for wl in lists.owned_by(store, teacher)],
        "glossary": [(e.zh, e.bo) for e in glossary.entries(store)],
        "label": store.vocabulary().terms("subjects")[0].labels,
        "draft": workflow.status(store, "t-atom", "en").working,
        "count": store.count_works(),
        "indexed": lib.index.doc_count(),
    }


@pytest.fixture(params=["sqlite-sqlite", "postgresql-sqlite", "sqlite-postgresql"])
def urls(request):
    """(old home's database, new home's database): None is the home's own SQLite file."""
    if request.param == "sqlite-sqlite":
        return None, None
    if not POSTGRES_URL:
        pytest.skip("no PostgreSQL server (set CONTENTLIB_TEST_POSTGRES_URL)")
    _clean_postgres(POSTGRES_URL)
    return (POSTGRES_URL, None) if request.param.startswith("postgresql") else (None, POSTGRES_URL)


def test_restore_into_a_fresh_home_brings_everything_back(monkeypatch, tmp_path, urls):
    source_url, target_url = urls
    old = make_app(monkeypatch, tmp_path / "old", source_url)
    facts = fill(old, tmp_path)
    before = snapshot(old, tmp_path, "before")
    result = invoke(old, "backup", str(tmp_path / "lib.tar"))
    assert result.exit_code == 0, result.output
    assert ("json database" if source_url else "sqlite database") in result.output
    old.extensions["contentlib"].close()

    new = make_app(monkeypatch, tmp_path / "new", target_url)
    result = invoke(new, "restore", str(tmp_path / "lib.tar"))
    assert result.exit_code == 0, result.output
    assert f"index rebuilt: {before['indexed']} works" in result.output
    after = snapshot(new, tmp_path, "after")
    assert after == before
    client = new.test_client()
    auth = AuthActions(client)
    assert auth.login("editor").status_code == 302 and client.get("/editor/").status_code == 200
    r = client.get("/api/v1/works/t-atom/versions/en", headers={"Authorization": f"Bearer {facts['token']}"})
    assert r.status_code == 200 and r.get_json()["working"]["title"] == "Atoms (draft)"
    assert client.get("/api/v1/search", query_string={"q": BO}).get_json()["results"][0]["id"] == "t-book"
    store = new.extensions["contentlib"].store
    accounts.create_user(store, "newcomer", "editor", PASSWORD)  # ids go on after the restored ones
    glossary.add(store, "电子", "གློག་རྡུལ།")
    new.extensions["contentlib"].close()


def test_restore_refuses_a_home_with_works_unless_forced(monkeypatch, tmp_path):
    old = make_app(monkeypatch, tmp_path / "old")
    fill(old, tmp_path)
    assert invoke(old, "backup", str(tmp_path / "lib.tar")).exit_code == 0
    old.extensions["contentlib"].close()
    busy = make_app(monkeypatch, tmp_path / "busy")
    invoke(busy, "import", str(write_jsonl(tmp_path / "one.jsonl", [{"id": "x", "type": "book", "titles": {"zh": "甲"}}])))
    result = invoke(busy, "restore", str(tmp_path / "lib.tar"))
    assert result.exit_code == 1 and "--force" in result.output and "Traceback" not in result.output
    assert busy.extensions["contentlib"].store.work_ids() == ["x"]
    result = invoke(busy, "restore", "--force", str(tmp_path / "lib.tar"))
    assert result.exit_code == 0, result.output
    lib = busy.extensions["contentlib"]
    assert "x" not in lib.store.work_ids() and lib.index.doc_count() == lib.store.count_works()
    busy.extensions["contentlib"].close()


def test_a_damaged_backup_is_refused_before_anything_is_written(monkeypatch, tmp_path):
    old = make_app(monkeypatch, tmp_path / "old")
    fill(old, tmp_path)
    assert invoke(old, "backup", str(tmp_path / "lib.tar")).exit_code == 0
    old.extensions["contentlib"].close()
    # Change one media file's bytes inside the tar (the manifest still names the old sha256).
    with tarfile.open(tmp_path / "lib.tar") as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    victim = next(i for i, (m, _) in enumerate(members) if m.name.startswith("media/"))
    with tarfile.open(tmp_path / "bad.tar", "w") as tar:
        for i, (m, data) in enumerate(members):
            data = data[:-1] + bytes([data[-1] ^ 1]) if i == victim else data
            import io

            tar.addfile(m, io.BytesIO(data))
    new = make_app(monkeypatch, tmp_path / "new")
    result = invoke(new, "restore", str(tmp_path / "bad.tar"))
    assert result.exit_code == 1 and "does not match its sha256" in result.output
    assert len(result.output.strip().splitlines()) == 1
    lib = new.extensions["contentlib"]
    assert lib.store.count_works() == 0
    assert not [p for p in lib.media.root.rglob("*") if p.is_file()] if lib.media.root.exists() else True
    manifest = json.loads(tarfile.open(tmp_path / "lib.tar").extractfile("manifest.json").read())
    assert all(len(m["sha256"]) == 64 for m in manifest["members"].values())
    lib.close()


def test_backup_into_a_missing_folder_is_one_line_and_exit_1(monkeypatch, tmp_path):
    app = make_app(monkeypatch, tmp_path / "home")
    result = invoke(app, "backup", str(tmp_path / "nowhere/lib.tar"))
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert "does not exist" in result.output
    app.extensions["contentlib"].close()


def test_backup_while_another_process_writes_is_a_consistent_snapshot(monkeypatch, tmp_path):
    import threading
    import time

    from contentlib import backup
    from contentlib.library import Library
    from contentlib.model import Version, Work
    from contentlib.settings import defaults

    app = make_app(monkeypatch, tmp_path / "busy")
    fill(app, tmp_path)
    writer = Library.from_settings(defaults({"CONTENTLIB_HOME": str(tmp_path / "busy")}))
    stop, written = threading.Event(), []

    def write():  # each transaction adds a work with both of its titles
        i = 0
        while not stop.is_set() and i < 400:
            writer.store.put_works([Work(f"live-{i}", "video", {"zh": Version("zh", f"活{i}"),
                                                                "bo": Version("bo", f"གསོན་{i}")})])
            written.append(i)
            i += 1

    thread = threading.Thread(target=write)
    thread.start()
    try:
        while len(written) < 5:
            time.sleep(0.01)
        report = backup.backup(tmp_path / "live.tar", backup.Locations.from_settings(app.config))
    finally:
        stop.set()
        thread.join()
        writer.close()
    assert report.counts["works"] >= 4 + 5
    app.extensions["contentlib"].close()
    new = make_app(monkeypatch, tmp_path / "new")
    assert invoke(new, "restore", str(tmp_path / "live.tar")).exit_code == 0
    store = new.extensions["contentlib"].store
    live = [w for w in store.iter_works() if w.id.startswith("live-")]
    assert len(live) == report.counts["works"] - 4
    assert all(w.languages == ["bo", "zh"] for w in live)  # no work half-written
    numbers = sorted(int(w.id.split("-")[1]) for w in live)
    assert numbers == list(range(len(numbers)))  # a prefix of what was written: one moment in time
    new.extensions["contentlib"].close()
