"""An admin's label edit on one server is shown by another server of the same library within 2 s.

Each process caches the vocabulary (read on every page); the database keeps a generation that
every edit changes (``contentlib.storage.generations``), and each process looks at it at most once
a second. Two ``contentlib serve`` processes share only the database; the second has the old
label cached when the edit happens through the first.
"""

from __future__ import annotations

import http.cookiejar
import re
import time
import urllib.parse
import urllib.request

import pytest

from tests.conftest import DATA, POSTGRES_URL, _clean_postgres
from tests.web.test_two_servers import PASSWORD, Node

EDITED = "Health (edited on server A)"


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.db'}"
    if not POSTGRES_URL:
        pytest.skip("no PostgreSQL server (set CONTENTLIB_TEST_POSTGRES_URL)")
    _clean_postgres(POSTGRES_URL)
    return POSTGRES_URL


def _page(node, path):
    req = urllib.request.Request(node.url(path), headers={"Accept-Language": "en"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.read().decode()


def _edit_label_as_admin(node, label):
    """Log in through the form and post the label, as an admin's browser does."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def csrf(path):
        with opener.open(node.url(path), timeout=30) as resp:
            return re.search(r'name="csrf_token" value="([^"]+)"', resp.read().decode()).group(1)

    def post(path, data):
        body = urllib.parse.urlencode({**data, "csrf_token": csrf("/login" if path == "/login" else "/admin/vocabulary")})
        with opener.open(urllib.request.Request(node.url(path), data=body.encode(), method="POST"), timeout=30) as resp:
            return resp.status, resp.geturl()

    status, where = post("/login", {"name": "admin", "password": PASSWORD})
    assert status == 200 and "/login" not in where
    status, where = post("/admin/vocabulary/subjects/health", {"en": label})
    assert status == 200 and "/admin/vocabulary" in where


def test_a_label_edited_on_one_server_is_shown_by_the_other_within_two_seconds(shared_url, tmp_path):
    media = tmp_path / "media"
    a, b = Node(tmp_path, "a", shared_url, media), Node(tmp_path, "b", shared_url, media)
    a.run("import", str(DATA / "works.jsonl"))
    a.run("users", "create", "admin", "--role", "admin", "--password", PASSWORD)
    try:
        for node in (a, b):  # one process each, so B's one cache is the one that must learn of the edit
            node.start("serve", "--port", str(node.port), "--no-jobs", "--workers", "1", "--threads", "4")
        a.ready()
        b.ready()
        before = _page(b, "/subjects/health")  # B reads the vocabulary now, and keeps it
        assert "Health" in before and EDITED not in before

        _edit_label_as_admin(a, EDITED)
        edited = time.monotonic()
        assert EDITED in _page(a, "/subjects/health")

        # B looks at the generation at most once a second: a page asked for 1.5 s after the edit
        # (however long it then takes to come back on a busy machine) already has the new label.
        time.sleep(max(0.0, 1.5 - (time.monotonic() - edited)))
        assert EDITED in _page(b, "/subjects/health")
    finally:
        for node in (a, b):
            node.stop()
