"""The gaps left at the last stop: an admin unlocks an account from the users page, the lockout page is
translated, and a glossary note has a server-side bound."""

from __future__ import annotations

import re

import pytest

from contentlib import accounts, bounds, glossary, throttle
from contentlib.errors import InvalidRecord
from tests.conftest import PASSWORD

from .conftest import login


def _lock(store, name="editor"):
    """Hold ``name`` back from 127.0.0.1, the test client's address (the account itself is never locked)."""
    for _i in range(throttle.PAIR_MAX_FAILURES):
        accounts.authenticate(store, name, "nope", "127.0.0.1")


def _csrf(client, path):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def test_an_admin_unlocks_a_locked_account_from_the_users_page(app, world):
    _lock(world["store"])
    locked = app.test_client()
    assert login(locked, "editor").status_code == 429
    admin = app.test_client()
    assert login(admin, "admin").status_code == 302
    page = admin.get("/admin/users").get_data(as_text=True)
    assert 'action="/admin/users/editor/unlock"' in page and 'id="unlock-editor"' in page
    token = _csrf(admin, "/admin/users")
    assert admin.post("/admin/users/editor/unlock").status_code == 400  # no CSRF token: refused
    assert login(app.test_client(), "editor").status_code == 429  # ... and still locked
    done = admin.post("/admin/users/editor/unlock", data={"csrf_token": token})
    assert done.status_code == 302 and done.headers["Location"].endswith("/admin/users?unlocked=editor")
    assert 'role="status">editor ཡང་བསྐྱར་ནང་འཛུལ་ཐུབ' in admin.get(done.headers["Location"]).get_data(as_text=True)
    assert login(app.test_client(), "editor").status_code == 302
    assert admin.post("/admin/users/nobody/unlock", data={"csrf_token": token}).status_code == 404
    assert admin.post("/admin/users/editor/unlock", data={"csrf_token": token}).status_code == 302  # again: fine


@pytest.mark.parametrize("who", ["teacher", "editor", "reviewer"])
def test_only_an_admin_may_unlock(app, world, who):
    _lock(world["store"], "editor2")
    client = app.test_client()
    assert login(client, who).status_code == 302
    assert client.post("/admin/users/editor2/unlock", data={"csrf_token": _csrf(client, "/")}).status_code == 403
    assert login(app.test_client(), "editor2").status_code == 429
    anonymous = app.test_client()
    assert anonymous.post("/admin/users/editor2/unlock", data={"csrf_token": _csrf(anonymous, "/login")}) \
        .status_code in (302, 401, 403)
    assert login(app.test_client(), "editor2").status_code == 429


@pytest.mark.parametrize("locale, words", [
    ("bo", "དོ་དམ་པར་རྩིས་ཁྲ་ཟྭ་འབྱེད་རོགས་ཞུ།"),
    ("zh_Hans", "请管理员解锁该账户"),
    ("en", "ask an admin to unlock the account"),
])
def test_the_lockout_page_speaks_the_visitors_language(app, world, locale, words):
    _lock(world["store"])
    client = app.test_client()
    client.set_cookie("locale", locale)
    page = login(client, "editor")
    body = page.get_data(as_text=True)
    assert page.status_code == 429 and words in body
    assert 'lang="en">too many failed logins' not in body  # no English paragraph left


def test_a_glossary_note_over_the_bound_is_refused_with_a_clear_error(app, world):
    store = world["store"]
    long_note = "ཚ" * (bounds.MAX_GLOSSARY_NOTE + 1)
    with pytest.raises(InvalidRecord) as caught:
        glossary.add(store, "电子", "གློག་རྡུལ།", long_note)
    assert caught.value.problems == [("note", f"at most {bounds.MAX_GLOSSARY_NOTE} characters")]
    assert not glossary.entries(store, "电子")
    fine = glossary.add(store, "电子", "གློག་རྡུལ།", "ཚ" * bounds.MAX_GLOSSARY_NOTE)
    assert len(fine.note) == bounds.MAX_GLOSSARY_NOTE

    client = app.test_client()
    assert login(client, "editor", PASSWORD).status_code == 302
    token = _csrf(client, "/glossary")
    added = client.post("/glossary", data={"zh": "质子", "bo": "ཕོ་རྡུལ།", "note": long_note, "csrf_token": token})
    assert added.status_code == 400 and f"at most {bounds.MAX_GLOSSARY_NOTE} characters" in added.get_data(as_text=True)
    assert not glossary.entries(store, "质子")
    edited = client.post(f"/glossary/{fine.id}", data={"zh": "电子", "bo": "གློག་རྡུལ།", "note": long_note,
                                                       "csrf_token": token})
    assert edited.status_code == 400 and "note" in edited.get_data(as_text=True)
    assert glossary.get(store, fine.id).note == fine.note  # nothing was changed
    csv_text = "zh,bo,note\n中子,བར་རྡུལ།," + long_note + "\n"
    with pytest.raises(InvalidRecord):
        glossary.import_csv(store, csv_text)
    assert not glossary.entries(store, "中子")
