""""Take offline" has limits (issue 21, item 5): it used to accept 98 selections in 0.8 s and fill the disk.

Per person a few bundles pending at once and a daily quota; the same finished
selection is served again (to anyone who asks) until the catalog changes, not
built again; the offline store has a cap, and the oldest finished bundles make
room first. Over a limit the answer is a 429 page in the visitor's language.
"""

from __future__ import annotations

import json
import types

import pytest
import sqlalchemy as sa

from contentlib import accounts, worker
from contentlib.bundles.offline import BUNDLE, OfflineJobs, OfflineLimits
from contentlib.errors import OverLimit
from contentlib.jobs import JobQueue
from contentlib.selection import Selection
from contentlib.tables import jobs as jobs_table
from tests.bundles.helpers import build_source
from tests.conftest import PASSWORD, TEST_SECRET, AuthActions

SELECTIONS = [{"q": "物理书"}, {"subject": "health"}, {"type": "book"}, {"type": "video"},
              {"subject": "physical-science"}, {"subject": "physical-science", "type": "book"}]


class _Runner:
    def __init__(self, app):
        self.runner = app.test_cli_runner()

    def run(self, *args):
        from catalog.cli import cli

        return self.runner.invoke(cli, args=[str(a) for a in args])


@pytest.fixture
def offline_app(tmp_path):
    from catalog import create_app

    home = tmp_path / "home"
    app = create_app({"TESTING": True, "CONTENTLIB_SECRET_KEY": TEST_SECRET, "WTF_CSRF_ENABLED": True,
                      "CONTENTLIB_HOME": str(home), "CONTENTLIB_INSTANCE_DIR": str(home),
                      "CONTENTLIB_DATABASE_URL": f"sqlite:///{home / 'contentlib.db'}",
                      "CONTENTLIB_INDEX_DIR": str(home / "index"), "CONTENTLIB_MEDIA_DIR": str(home / "media")})
    app.runner = _Runner(app)
    build_source(app.runner, tmp_path)
    for name in ("teacher", "other"):
        accounts.create_user(app.extensions["contentlib"].store, name, "teacher", PASSWORD)
    yield app
    app.extensions["contentlib"].store.close()


def _login(app, name="teacher", locale=None):
    client = app.test_client()
    if locale:
        client.set_cookie("locale", locale)
    auth = AuthActions(client)
    assert auth.login(name).status_code == 302
    return client, auth


def _queued(app) -> int:
    with app.extensions["contentlib"].store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(jobs_table)
                            .where(jobs_table.c.kind == BUNDLE)).scalar_one()


def _zips(app) -> list:
    return sorted((app.extensions["contentlib"].media.root / ".offline").glob("*.zip"))


def _token(resp) -> str:
    assert resp.status_code == 302, resp.status_code
    return resp.headers["Location"].rsplit("/", 1)[1]


def test_a_few_pending_bundles_per_person_then_a_429_in_their_language(offline_app):
    app = offline_app
    assert app.config["CONTENTLIB_OFFLINE_PENDING"] == 3  # the default
    client, auth = _login(app)
    for form in SELECTIONS[:3]:
        _token(auth.post("/offline", form))
    refused = auth.post("/offline", SELECTIONS[3])
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429 and refused.headers.get("Retry-After")
    assert 'id="offline-limit"' in page and "གྲངས་ཚད་མཐོ་ཤོས" in page, page  # Tibetan, the default locale
    assert _queued(app) == 3  # the refused one queued nothing

    zh_client, zh_auth = _login(app, locale="zh_Hans")
    assert "同时准备的上限" in zh_auth.post("/offline", SELECTIONS[4]).get_data(as_text=True)
    en_client, en_auth = _login(app, locale="en")
    assert "being prepared" in en_auth.post("/offline", SELECTIONS[4]).get_data(as_text=True)

    _, other = _login(app, "other")
    _token(other.post("/offline", SELECTIONS[4]))  # the limit is per person
    worker.run_once(app.extensions["contentlib"])
    _token(auth.post("/offline", SELECTIONS[3]))  # once built, the teacher may ask again


def test_a_daily_quota_counts_bundles_made_not_bundles_served_again(offline_app):
    app, lib = offline_app, offline_app.extensions["contentlib"]
    app.config.update(CONTENTLIB_OFFLINE_DAILY=3, CONTENTLIB_OFFLINE_PENDING=10)
    client, auth = _login(app, locale="en")
    tokens = [_token(auth.post("/offline", form)) for form in SELECTIONS[:3]]
    worker.run_once(lib)
    refused = auth.post("/offline", SELECTIONS[3])
    assert refused.status_code == 429 and "24 hours" in refused.get_data(as_text=True)
    assert _token(auth.post("/offline", SELECTIONS[0])) == tokens[0]  # already made: served, no quota used
    assert _queued(app) == 0 and len(_zips(app)) == 3


def test_the_same_finished_selection_is_served_again_until_the_catalog_changes(offline_app, tmp_path):
    app, lib = offline_app, offline_app.extensions["contentlib"]
    client, auth = _login(app)
    whole = _token(auth.post("/offline", {}))  # the whole catalog
    worker.run_once(lib)
    (first,) = _zips(app)
    made = first.stat().st_mtime_ns
    for _ in range(3):
        assert _token(auth.post("/offline", {})) == whole
    other_client, other = _login(app, "other")
    assert _token(other.post("/offline", {"light": ""})) == whole  # anyone asking the same gets the same file
    assert other_client.get(f"/offline/{whole}/bundle.zip").status_code == 200
    assert _queued(app) == 0 and _zips(app) == [first] and first.stat().st_mtime_ns == made

    changed = {"id": "health-1", "type": "book", "titles": {"zh": "健康（第二版）"}, "subjects": ["health"]}
    path = tmp_path / "changed.jsonl"
    path.write_text(json.dumps(changed, ensure_ascii=False) + "\n", encoding="utf-8")
    assert app.runner.run("import", path).exit_code == 0
    app.config["CONTENTLIB_OFFLINE_MAX_BYTES"] = first.stat().st_size * 3 // 2  # room for one bundle of this size
    fresh = _token(auth.post("/offline", {}))
    assert fresh != whole and _queued(app) == 1  # the catalog changed: a new bundle
    worker.run_once(lib)
    assert _zips(app) == [lib.media.root / ".offline" / f"{fresh}.zip"]  # the older one made room
    page = client.get(f"/offline/{whole}").get_data(as_text=True)
    assert 'role="alert"' in page and "ས་སྟོང" in page  # said so, in Tibetan
    assert client.get(f"/offline/{whole}/bundle.zip").status_code == 404
    assert _token(auth.post("/offline", {})) == fresh


def _fake_make(sizes):
    """A builder that writes a file of the size asked for (a stand-in for the real bundle writer)."""

    def make(ids, selection, light, out, progress, announce):
        size = sizes[selection.q]
        announce(types.SimpleNamespace(size=size))
        out.write_bytes(b"z" * size)
        return None, {"bundle_id": selection.q}

    return make


def test_the_store_has_a_cap_and_the_oldest_finished_bundles_go_first(tmp_path, store):
    jobs = OfflineJobs(tmp_path / "offline", JobQueue(store), OfflineLimits(pending=10, daily=100, max_bytes=2500))
    sizes = {"a": 1000, "b": 1000, "c": 1000, "d": 600, "huge": 3000}
    made = {}
    for name in ("a", "b", "c", "d"):
        made[name] = jobs.request("ana", [name], Selection(q=name), generation=1)
        jobs.build(made[name], _fake_make(sizes))
    states = {name: jobs.status(token)["state"] for name, token in made.items()}
    assert states == {"a": "removed", "b": "removed", "c": "done", "d": "done"}  # oldest first, until it fits
    assert sum(p.stat().st_size for p in (tmp_path / "offline").glob("*.zip")) <= 2500
    assert not jobs.zip_path(made["a"]).exists() and jobs.zip_path(made["c"]).exists()

    huge = jobs.request("ana", ["huge"], Selection(q="huge"), generation=1)
    jobs.build(huge, _fake_make(sizes))
    state = jobs.status(huge)
    assert state["state"] == "failed" and "larger than" in state["error"]
    assert jobs.zip_path(made["c"]).exists() and not list((tmp_path / "offline").glob("*.part"))

    again = jobs.request("ana", ["a"], Selection(q="a"), generation=1)
    assert again != made["a"]  # a removed bundle is made again, not served


def test_limits_in_the_core_raise_over_limit_before_anything_is_written(tmp_path, store):
    jobs = OfflineJobs(tmp_path / "offline", JobQueue(store), OfflineLimits(pending=2, daily=3, max_bytes=10 ** 6))
    jobs.request("ana", ["1"], Selection(q="1"), generation=1)
    jobs.request("ana", ["2"], Selection(q="2"), generation=1)
    before = sorted(p.name for p in (tmp_path / "offline").iterdir())
    with pytest.raises(OverLimit) as caught:
        jobs.request("ana", ["3"], Selection(q="3"), generation=1)
    assert caught.value.limit == "pending" and caught.value.allowed == 2
    assert sorted(p.name for p in (tmp_path / "offline").iterdir()) == before
    assert jobs.request("ana", ["1"], Selection(q="1"), generation=1)  # the pending twin: no limit
    jobs.request("bob", ["3"], Selection(q="3"), generation=1)  # someone else: their own limits
