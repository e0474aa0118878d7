"""Low disk space is reported before the disk is full: ``contentlib status``, ``/readyz`` and the admin pages."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, TEST_SECRET, AuthActions, Runner

HUGE = 10 ** 9  # MB: every disk is "low" under this threshold


@pytest.fixture
def low_app(home):
    from catalog import create_app
    from contentlib import accounts

    app = create_app({"TESTING": True, "CONTENTLIB_SECRET_KEY": TEST_SECRET, "CONTENTLIB_MIN_FREE_MB": HUGE})
    store = app.extensions["contentlib"].store
    accounts.create_user(store, "admin", "admin", PASSWORD)
    accounts.create_user(store, "teacher", "teacher", PASSWORD)
    app.extensions["contentlib"].reindex()
    yield app
    store.close()


def test_readyz_lists_the_low_disks_and_stays_ready(low_app):
    body = low_app.test_client().get("/readyz").get_json()
    assert body["ready"] is True
    assert body["disk_low"] and {"name", "path", "free_mb"} <= set(body["disk_low"][0])
    assert body["disk_low"][0]["name"] == "home"


def test_status_says_low_with_the_free_space_of_each_disk(low_app):
    out = Runner(low_app).invoke(["status"]).output
    line = next(x for x in out.splitlines() if x.startswith("disk (home):"))
    assert " free of " in line and "LOW: make room" in line


def test_the_admin_pages_warn_and_others_do_not_see_it(low_app):
    client = low_app.test_client()
    auth = AuthActions(client)
    warning = "Make room before it is full"
    auth.login("teacher")
    assert warning not in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    auth.logout()
    auth.login("admin")
    page = client.get("/admin/users", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert warning in page and 'role="alert"' in page


def test_the_default_threshold_is_one_gigabyte(app, client):
    assert app.extensions["contentlib"].settings["CONTENTLIB_MIN_FREE_MB"] == 1024
    assert all(d["free_mb"] < 1024 for d in client.get("/readyz").get_json()["disk_low"])  # only what is under it
