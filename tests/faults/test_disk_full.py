"""A disk that fills: each action that writes fails cleanly, reads go on, and it works again once there is room.

The home (database, index, media) is a 4 MB tmpfs the test fills to the last byte (issue 25, item 2).
An upload answers 507; an import with media, a bundle import, a ZIM export and a backup end with a
one-line error and exit 1; a derived-file job and a cover card wait (not failed, nothing recorded);
use counts wait in memory. None leaves a partial file or a half-written row, and once the filler is
gone the same action succeeds, with no restart.
"""

from __future__ import annotations

import io
import sqlite3
import subprocess

import pytest

from contentlib import accounts, indexing, records, worker
from contentlib.errors import NoSpace
from tests.conftest import DATA, PASSWORD, TEST_SECRET, AuthActions, write_jsonl

from .mounts import Tmpfs, need_mounts
from .serving import Home

SIZE = "4m"


def _png(size=(64, 48), colour=(200, 30, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def _files(root) -> set[str]:
    """Every file under ``root`` but the filler and the database's own (their sizes change on any read)."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*")
            if p.is_file() and p.name != ".filler" and not p.name.startswith("contentlib.db")}


def _checkpoint(db) -> sqlite3.Connection:
    """Empty SQLite's write-ahead log, so the next write needs new room on the disk; return the open connection.

    While it stays open the WAL index stays too, as it does under a running server.
    """
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL").fetchall()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    return con


@pytest.fixture
def disk(tmp_path):
    need_mounts(tmp_path)
    made = Tmpfs(tmp_path / "home", SIZE)
    yield made
    made.remove()


@pytest.fixture
def full_app(disk, monkeypatch):
    """The app with its home on the small disk, the test catalog in it and an editor."""
    monkeypatch.setenv("CONTENTLIB_HOME", str(disk.target))
    for name in ("CONTENTLIB_DATABASE_URL", "CONTENTLIB_INDEX_DIR", "CONTENTLIB_MEDIA_DIR"):
        monkeypatch.delenv(name, raising=False)
    from catalog import create_app

    app = create_app({"TESTING": True, "CONTENTLIB_SECRET_KEY": TEST_SECRET})
    lib = app.extensions["contentlib"]
    records.import_file(lib.store, DATA / "works.jsonl")
    indexing.drain(lib.store, lib.index)
    accounts.create_user(lib.store, "editor", "editor", PASSWORD)
    app.token = {"Authorization": f"Bearer {accounts.issue_token(lib.store, 'editor')}"}
    app.disk = disk
    yield app
    disk.free()
    lib.store.close()


def _fill(app) -> None:
    """Fill the disk as a running server meets it: its database connections (and their WAL index) open."""
    app.extensions["contentlib"].store.count_works()
    _checkpoint(app.disk.target / "contentlib.db")
    app.disk.fill()


def _reads_go_on(client) -> None:
    assert client.get("/works/t-atom").status_code == 200
    assert client.get("/search?q=原子核").status_code == 200
    assert client.get("/api/v1/search?q=原子核").get_json()["results"][0]["id"] == "t-atom"


def test_an_upload_on_a_full_disk_is_507_leaves_nothing_and_works_once_there_is_room(full_app):
    client, lib = full_app.test_client(), full_app.extensions["contentlib"]
    before_files, before_media = _files(full_app.disk.target), len(lib.store.get_work("t-atom", public=False).media)
    _fill(full_app)
    url = "/api/v1/works/t-atom/versions/bo/media"
    refused = client.post(url, headers=full_app.token, data={"file": (io.BytesIO(_png()), "red.png")})
    assert refused.status_code == 507
    assert refused.get_json()["error"] == {"code": "insufficient_storage", "reason": "full",
                                           "message": "no space left on the server's disk; nothing was saved"}
    auth = AuthActions(client)
    auth.login("editor")
    page = auth.post("/editor/works/t-atom/bo/media", data={"file": (io.BytesIO(_png()), "red.png")},
                     content_type="multipart/form-data", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 507 and "服务器磁盘已满" in page.get_data(as_text=True)
    assert _files(full_app.disk.target) == before_files  # no partial file
    assert len(lib.store.get_work("t-atom", public=False).media) == before_media  # no row
    _reads_go_on(client)

    full_app.disk.free()
    assert client.post(url, headers=full_app.token, data={"file": (io.BytesIO(_png()), "red.png")}).status_code == 201
    assert len(lib.store.get_work("t-atom", public=False).media) == before_media + 1


def _jobs(lib) -> list:
    with lib.store.transaction() as conn:
        return sorted(tuple(r) for r in conn.exec_driver_sql("SELECT key, state, attempts FROM jobs"))


def test_derived_files_and_a_cover_card_wait_for_room_and_are_made_once_there_is_some(full_app):
    client, lib = full_app.test_client(), full_app.extensions["contentlib"]
    sha = client.post("/api/v1/works/t-atom/versions/bo/media", headers=full_app.token,
                      data={"file": (io.BytesIO(_png((900, 700))), "big.png")}).get_json()["sha256"]
    lib.jobs.put("t-book")  # no picture: its job draws the cover card
    waiting = _jobs(lib)
    assert waiting == [("t-atom", "queued", 0), ("t-book", "queued", 0)]
    before = _files(full_app.disk.target)
    _fill(full_app)
    for _ in waiting:
        with pytest.raises(NoSpace):
            worker.run_once(lib, "w")
    assert _jobs(lib) == waiting  # handed back: not done, not failed, no attempt counted
    assert _files(full_app.disk.target) == before  # no thumbnail, card or temporary file
    assert "renditions" not in lib.store.get_work("t-atom", public=False).media[-1].info
    _reads_go_on(client)

    full_app.disk.free()
    assert worker.run_once(lib, "w") == 2 and _jobs(lib) == []
    assert any((full_app.disk.target / "media" / "derived" / sha).iterdir())
    assert lib.store.get_work("t-atom", public=False).media[-1].info["renditions"].get("thumbnails")
    book = lib.store.get_work("t-book")
    assert lib.cover_card(book, 320) is not None  # drawn


def test_use_counts_wait_in_memory_while_the_disk_is_full(full_app):
    lib = full_app.extensions["contentlib"]
    counter = lib.use_counter(interval=3600)
    for _ in range(3):
        counter.add("view", work_id="t-atom", lang="bo")
    _fill(full_app)
    assert counter.flush() == 0 and counter.pending() == 3
    assert lib.store.daily_counts() == []  # no half-written row
    full_app.disk.free()
    assert counter.flush() == 3
    assert [tuple(r)[1:] for r in lib.store.daily_counts()] == [("t-atom", "bo", "view", 3)]


# -- the commands: each fails in one line (exit 1), leaves nothing, and succeeds once there is room --------


def _one_line_error(done: subprocess.CompletedProcess) -> None:
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: ") and "no space left" in last, done.stderr


@pytest.fixture
def cli_home(disk, tmp_path):
    home = Home(disk.target)
    home.cli("import", str(DATA / "works.jsonl"))
    home.disk = disk
    home.outside = tmp_path / "outside"
    home.outside.mkdir()
    return home


def _with_media(folder) -> tuple:
    (folder / "cover.png").write_bytes(_png((300, 200), (20, 90, 200)))
    path = write_jsonl(folder / "more.jsonl", [{"id": "m-cover", "type": "book", "titles": {"zh": "磁盘满了"},
                                                "media": [{"path": "cover.png", "role": "cover"}]}])
    return path


def _works(home) -> int:
    line = next(x for x in home.cli("status").stdout.splitlines() if x.startswith("works in database:"))
    return int(line.split(":")[1])


def _import(home):
    return ["import", str(_with_media(home.outside))]


def _bundle(home):
    other = Home(home.outside / "other")
    other.cli("import", str(_with_media(home.outside)))
    other.cli("bundle", "export", str(home.outside / "b.zip"))
    return ["bundle", "import", str(home.outside / "b.zip"), "--allow-untrusted"]


def _zim(home):
    return ["zim", "export", str(home.disk.target / "out.zim")]


def _backup(home):
    return ["backup", str(home.disk.target / "out.tar")]


@pytest.mark.parametrize("action", [_import, _bundle, _zim, _backup], ids=["import", "bundle", "zim", "backup"])
def test_a_command_on_a_full_disk_fails_in_one_line_leaves_nothing_and_works_once_there_is_room(cli_home, action):
    args = action(cli_home)
    before, works = _files(cli_home.disk.target), _works(cli_home)
    server = _checkpoint(cli_home.disk.target / "contentlib.db")  # as if a server had the database open
    try:
        cli_home.disk.fill()
        _one_line_error(cli_home.cli(*args, check=False))
        assert _files(cli_home.disk.target) == before  # no partial file
        assert _works(cli_home) == works  # no half-written row
    finally:
        server.close()
    cli_home.disk.free()
    cli_home.cli(*args)
    if action in (_import, _bundle):
        assert _works(cli_home) == works + 1
    else:
        assert (cli_home.disk.target / args[-1].rsplit("/", 1)[-1]).is_file()


def test_a_light_rendition_waits_for_room_with_nothing_recorded(full_app, tmp_path):
    from contentlib import attachments, lightvideo
    from tests.unit import media_samples

    client, lib = full_app.test_client(), full_app.extensions["contentlib"]
    clip = media_samples.make_video(tmp_path / "tall.mp4", size=(640, 480), frames=10)
    up = client.post("/api/v1/works/t-atom/versions/zh/media", headers=full_app.token,
                     data={"file": (io.BytesIO(clip.read_bytes()), "tall.mp4"), "role": "dub"})
    assert up.status_code == 201, up.get_json()
    attachments.finish_work(lib.store, lib.media, "t-atom", lib.limits)  # poster and thumbnails first
    assert lightvideo.pending_positions(lib.store.get_work("t-atom", public=False))
    before = _files(full_app.disk.target)
    _fill(full_app)
    with pytest.raises(NoSpace):
        lightvideo.finish_light(lib.store, lib.media, "t-atom")
    assert lightvideo.pending_positions(lib.store.get_work("t-atom", public=False))  # no error recorded: still to make
    assert _files(full_app.disk.target) == before  # no partial light.mp4
    full_app.disk.free()
    assert lightvideo.finish_light(lib.store, lib.media, "t-atom") == 1
    assert not lightvideo.pending_positions(lib.store.get_work("t-atom", public=False))
