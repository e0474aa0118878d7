"""SQLite on a disk that turns read-only for a while: 503 with Retry-After, then back by itself (issue 25, item 1).

The home is a bind mount the test makes read-only (root ignores file modes). Reads and saves
that need the database answer 503 (JSON under /api/, a short translated page elsewhere), the
process stays alive and says it is not ready; once the disk is writable again the next save
succeeds, with no restart, and the refused one left nothing.
"""

from __future__ import annotations

import json

import pytest

from contentlib import accounts, indexing, records
from tests.conftest import DATA, TEST_SECRET

from .mounts import bind, need_mounts


@pytest.fixture
def mounted(tmp_path, monkeypatch):
    need_mounts(tmp_path)
    with bind(tmp_path / "disk", tmp_path / "home") as mount:
        monkeypatch.setenv("CONTENTLIB_HOME", str(mount.target))
        for name in ("CONTENTLIB_DATABASE_URL", "CONTENTLIB_INDEX_DIR", "CONTENTLIB_MEDIA_DIR"):
            monkeypatch.delenv(name, raising=False)
        from catalog import create_app

        app = create_app({"TESTING": True, "CONTENTLIB_SECRET_KEY": TEST_SECRET})
        lib = app.extensions["contentlib"]
        records.import_file(lib.store, DATA / "works.jsonl")
        indexing.drain(lib.store, lib.index)
        accounts.create_user(lib.store, "ed", "editor", "correct horse battery")
        app.token = {"Authorization": f"Bearer {accounts.issue_token(lib.store, 'ed')}"}
        yield app, mount
        mount.writable()
        lib.store.close()


def _history(client, token):
    return client.get("/api/v1/works/t-atom/history", headers=token).get_json()["history"]


def test_a_read_only_database_answers_503_and_recovers_without_a_restart(mounted):
    app, mount = mounted
    client, lib = app.test_client(), app.extensions["contentlib"]
    save = "/api/v1/works/t-atom/versions/zh"
    assert client.post(save, headers=app.token, json={"title": "before"}).status_code == 200
    before = len(_history(client, app.token))
    lib.store.engine.dispose()  # nothing open for writing, so the mount may turn read-only
    mount.read_only()

    refused = client.post(save, headers=app.token, json={"title": "while read-only"})
    assert refused.status_code == 503
    assert refused.get_json()["error"]["code"] == "unavailable"
    assert "nothing was changed" in refused.get_json()["error"]["message"]
    assert int(refused.headers["Retry-After"]) > 0
    for path in ("/api/v1/search?q=原子核", "/works/t-atom"):
        assert client.get(path).status_code == 503
    page = client.get("/works/t-atom", headers={"Accept-Language": "zh-CN"})
    html = page.get_data(as_text=True)
    assert page.status_code == 503 and page.mimetype == "text/html" and int(page.headers["Retry-After"]) > 0
    assert '<html lang="zh-Hans">' in html and "数据库" in html and "Traceback" not in html
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["database"] is False

    mount.writable()
    assert client.post(save, headers=app.token, json={"title": "after"}).status_code == 200
    history = _history(client, app.token)
    assert len(history) == before + 1 and '"after"' in json.dumps(history[-1]["changes"])
    assert "while read-only" not in json.dumps(history)
    assert client.get("/readyz").status_code == 200
    assert client.get("/api/v1/search?q=原子核").status_code == 200
