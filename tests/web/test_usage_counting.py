"""Counting use: views, plays and downloads driven through the pages and the API, counted exactly, privately."""

import logging
from datetime import date

import pytest
import sqlalchemy as sa

from contentlib import usage
from contentlib.tables import usage_daily, usage_imported, usage_libraries
from tests.conftest import write_jsonl
from tests.unit import media_samples as ms

AGENT = "Mozilla/5.0 UniqueAgent-7f3a9c"
COOKIE = "cookie-value-51d2e8"
ADDRESS = "203.0.113.77"


@pytest.fixture
def imported(app, runner, tmp_path):
    folder = tmp_path / "bundle"
    (folder / "media").mkdir(parents=True)
    ms.make_video(folder / "media" / "atom.mp4")
    ms.make_m4a(folder / "media" / "dub-bo.m4a")
    ms.make_pdf(folder / "media" / "book.pdf", pages=2)
    rec = {"id": "m-atom", "type": "video", "titles": {"bo": ms.TIBETAN, "zh": ms.CHINESE},
           "media": [{"path": "media/atom.mp4", "role": "original"},
                     {"path": "media/dub-bo.m4a", "role": "dub", "lang": "bo"},
                     {"path": "media/book.pdf", "role": "document", "lang": "zh"}]}
    path = write_jsonl(folder / "works.jsonl", [rec, {"id": "m-plain", "type": "book", "titles": {"zh": "书"}}])
    result = runner.invoke(["import", str(path)])
    assert result.exit_code == 0, result.output
    return app


def rows(store) -> dict:
    with store.engine.connect() as conn:
        return {(r.work_id, r.lang, r.kind): r.count for r in conn.execute(sa.select(usage_daily))}


def media_urls(client):
    body = client.get("/api/v1/works/m-atom").get_json()
    find = {(m["role"], m.get("lang")): m for m in body["media"]}
    return find[("original", None)], find[("dub", "bo")], find[("document", "zh")]


def drive(client):
    """Three Tibetan, two Chinese and one English view; three plays; three downloads; and uses that do not count."""
    headers = {"User-Agent": AGENT, "X-Forwarded-For": ADDRESS}
    client.set_cookie("visitor", COOKIE)
    for accept, times in (("bo", 3), ("zh-CN,zh;q=0.9", 2), ("en-US", 1)):
        for _ in range(times):
            assert client.get("/works/m-atom", headers={**headers, "Accept-Language": accept}).status_code == 200
    video, dub, book = media_urls(client)
    assert client.get(video["url"], headers=headers).status_code == 200                       # play
    assert client.get(video["url"], headers={**headers, "Range": "bytes=0-"}).status_code == 206  # play
    assert client.get(dub["url"], headers={**headers, "Range": "bytes=0-"}).status_code == 206    # play
    assert client.get(video["download_url"], headers=headers).status_code == 200              # download
    for _ in range(2):
        assert client.get(book["download_url"], headers=headers).status_code == 200           # download
    # Not uses: the rest of a play, a robot, a prefetch, a missing work, a HEAD, the book opened inline.
    assert client.get(video["url"], headers={**headers, "Range": "bytes=100-"}).status_code == 206
    assert client.get("/works/m-atom", headers={"User-Agent": "Googlebot/2.1"}).status_code == 200
    assert client.get("/works/m-atom", headers={**headers, "Sec-Purpose": "prefetch"}).status_code == 200
    assert client.get("/works/nothing-here", headers=headers).status_code == 404
    assert client.head(video["url"], headers=headers).status_code == 200
    assert client.get(book["url"], headers=headers).status_code == 200


# The video is in no language: its plays and download count under the interface language (bo, the default).
EXPECTED = {("m-atom", "bo", "view"): 3, ("m-atom", "zh", "view"): 2, ("m-atom", "en", "view"): 1,
            ("m-atom", "bo", "play"): 3, ("m-atom", "bo", "download"): 1, ("m-atom", "zh", "download"): 2}


def test_views_plays_and_downloads_are_counted_exactly(imported, client):
    drive(client)
    counter = imported.extensions["contentlib_usage"]
    assert counter.flush() == sum(EXPECTED.values())
    store = imported.extensions["contentlib"].store
    assert rows(store) == EXPECTED
    with store.engine.connect() as conn:
        assert set(conn.execute(sa.select(usage_daily.c.day)).scalars()) == {usage.today()}
    # The second round adds to the first (the write is an upsert, not an overwrite).
    drive(client)
    counter.flush()
    assert rows(store) == {k: 2 * v for k, v in EXPECTED.items()}


def test_plays_and_downloads_count_under_the_files_language_else_the_interface_language(imported, client, auth,
                                                                                        users):
    """Not under "no language": a language-neutral video counts in each visitor's language, a dub in its own."""
    video, dub, book = media_urls(client)
    for locale, times in (("zh_Hans", 2), ("en", 1)):
        client.set_cookie("locale", locale)
        for _ in range(times):
            assert client.get(video["url"]).status_code == 200                            # play
        assert client.get(video["download_url"]).status_code == 200                      # download
        assert client.get(dub["url"], headers={"Range": "bytes=0-"}).status_code == 206  # a Tibetan dub
        assert client.get(book["download_url"]).status_code == 200                       # a Chinese leaflet
    imported.extensions["contentlib_usage"].flush()
    store = imported.extensions["contentlib"].store
    assert rows(store) == {("m-atom", "zh", "play"): 2, ("m-atom", "en", "play"): 1, ("m-atom", "bo", "play"): 2,
                           ("m-atom", "zh", "download"): 3, ("m-atom", "en", "download"): 1}
    # The report ranks the work in each of those languages and says how plays and downloads are counted.
    auth.login("admin")
    client.set_cookie("locale", "en")
    page = client.get("/reports").get_data(as_text=True)
    assert 'id="use-languages"' in page and "plays and downloads under the file&#39;s language" in page
    for lang in ("bo", "zh", "en"):
        top = page.split(f'id="table-top-{lang}"')[1].split("</table>")[0]
        assert "/works/m-atom" in top, lang


def test_nothing_identifies_a_visitor(imported, client, home):
    drive(client)
    imported.extensions["contentlib_usage"].flush()
    store = imported.extensions["contentlib"].store
    for table in (usage_daily, usage_imported, usage_libraries):
        assert not {"ip", "address", "agent", "user_agent", "cookie", "session", "visitor", "user"} & set(table.c.keys())
    with store.engine.connect() as conn:
        inspector = sa.inspect(conn)
        assert [c["name"] for c in inspector.get_columns("usage_daily")] == ["day", "work_id", "lang", "kind", "count"]
    store.engine.dispose()  # let SQLite write its WAL back, then read every byte it keeps
    blob = b"".join(p.read_bytes() for p in home.rglob("*.db*") if p.is_file())
    assert b"usage_daily" in blob  # the right files were read
    for secret in (AGENT, "UniqueAgent", COOKIE, ADDRESS, "127.0.0.1"):
        assert secret.encode() not in blob


def test_counting_can_be_turned_off(home, runner, tmp_path):
    from catalog import create_app

    app = create_app({"TESTING": True, "CONTENTLIB_SECRET_KEY": "suite-only-4fJ9x2Qm7LwZ8rKp3VtB", "CONTENTLIB_COUNT_USE": False})
    try:
        store = app.extensions["contentlib"].store
        write_jsonl(tmp_path / "w.jsonl", [{"id": "w1", "type": "book", "titles": {"zh": "书"}}])
        from contentlib import records

        records.import_file(store, tmp_path / "w.jsonl")
        assert app.test_client().get("/works/w1").status_code == 200
        assert "contentlib_usage" not in app.extensions
        assert rows(store) == {}
    finally:
        app.extensions["contentlib"].store.close()


def test_a_failing_write_is_logged_and_dropped_and_the_page_still_works(imported, client, caplog):
    store = imported.extensions["contentlib"].store
    with store.transaction() as conn:
        conn.execute(sa.text("ALTER TABLE usage_daily RENAME TO usage_daily_away"))
    assert client.get("/works/m-atom").status_code == 200
    with caplog.at_level(logging.ERROR, logger="contentlib.usage"):
        assert imported.extensions["contentlib_usage"].flush() == 0
    assert "dropped 1 use count" in caplog.text
    assert imported.extensions["contentlib_usage"].pending() == 0  # dropped, not retried forever
    with store.transaction() as conn:
        conn.execute(sa.text("ALTER TABLE usage_daily_away RENAME TO usage_daily"))
    assert client.get("/works/m-atom").status_code == 200
    assert imported.extensions["contentlib_usage"].flush() == 1


def test_the_background_writer_flushes_by_itself(imported, client):
    counter = imported.extensions["contentlib_usage"]
    counter.interval = 0.05
    counter.flush()
    assert client.get("/works/m-atom").status_code == 200
    import time

    deadline = time.time() + 10
    while counter.pending() and time.time() < deadline:
        time.sleep(0.05)
    counter.stop()
    assert sum(rows(imported.extensions["contentlib"].store).values()) == 1


def test_exports_count_each_work_once(imported):
    store = imported.extensions["contentlib"].store
    day = date(2026, 3, 4)
    assert usage.count_exports(store, ["m-atom", "m-plain", "m-atom"], "bundle", day=day) == 2
    assert usage.count_exports(store, ["m-atom"], "zim", day=day) == 1
    assert rows(store) == {("m-atom", "", "export_bundle"): 1, ("m-plain", "", "export_bundle"): 1,
                           ("m-atom", "", "export_zim"): 1}
    with pytest.raises(ValueError):
        usage.count_exports(store, ["m-atom"], "floppy")
