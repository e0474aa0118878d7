"""Who may do what: every state-changing route x every role, and CSRF on every one of them.

Each route is set up so that an allowed role succeeds: the version to approve
was edited by someone else (``editor2``), the list belongs to ``teacher``.
Anonymous visitors get 401 from the API and a redirect to the login page from HTML.
"""

import io

import pytest

from contentlib import accounts, glossary, lists, workflow
from contentlib.model import Version, Work
from contentlib.tables import users
from tests.conftest import PASSWORD

ROLES = ("anonymous", "teacher", "editor", "reviewer", "admin")
EDIT, REVIEW, GLOSSARY, LISTS = {"editor", "admin"}, {"reviewer", "admin"}, {"editor", "reviewer", "admin"}, \
    {"teacher", "admin"}
ADMIN = {"admin"}
LOGGED_IN = {"teacher", "editor", "reviewer", "admin"}
EVERYONE = set(ROLES)


def csv_file():
    return {"file": (io.BytesIO("zh,bo\n星,སྐར་མ\n".encode()), "g.csv")}


# (route id, path, form data or JSON body, who may)
HTML = [
    ("logout", "/logout", {}, LOGGED_IN),
    ("locale", "/locale", {"locale": "en"}, EVERYONE),
    ("editor.save", "/editor/works/w-zh/bo", {"title": "ཀ", "description": "", "keywords": ""}, EDIT),
    ("editor.submit", "/editor/works/w-draft/bo/submit", {}, EDIT),
    ("editor.approve", "/editor/works/w-review/bo/approve", {}, REVIEW),
    ("editor.reject", "/editor/works/w-review/bo/reject", {"comment": "ཁ"}, REVIEW),
    ("glossary.add", "/glossary", {"zh": "水", "bo": "ཆུ"}, GLOSSARY),
    ("glossary.update", "/glossary/{gid}", {"zh": "原子", "bo": "རྡུལ་ཕྲན", "note": "n"}, GLOSSARY),
    ("glossary.delete", "/glossary/{gid}/delete", {}, GLOSSARY),
    ("glossary.import", "/glossary/import", csv_file, GLOSSARY),
    ("lists.create", "/lists", {"name": "L"}, LISTS),
    ("lists.add_to_chosen", "/lists/add", {"list_id": "{lid}", "work_id": "w-zh"}, LISTS),
    ("lists.add", "/lists/{lid}/add", {"work_id": "w-zh"}, LISTS),
    ("lists.remove", "/lists/{lid}/remove", {"work_id": "w-review"}, LISTS),
    ("lists.delete", "/lists/{lid}/delete", {}, LISTS),
    ("admin.create_user", "/admin/users", {"name": "newbie", "role": "teacher", "password": PASSWORD}, ADMIN),
    ("admin.set_role", "/admin/users/victim/role", {"role": "editor"}, ADMIN),
    ("admin.set_active", "/admin/users/victim/active", {"active": "0"}, ADMIN),
    ("admin.set_labels", "/admin/vocabulary/subjects/health", {"bo": "འཕྲོད་བསྟེན།"}, ADMIN),
]
API = [
    ("api.save", "/api/v1/works/w-zh/versions/bo", {"title": "ཀ"}, EDIT),
    ("api.submit", "/api/v1/works/w-draft/versions/bo/submit", None, EDIT),
    ("api.approve", "/api/v1/works/w-review/versions/bo/approve", None, REVIEW),
    ("api.reject", "/api/v1/works/w-review/versions/bo/reject", {"comment": "ཁ"}, REVIEW),
    ("api.media", "/api/v1/works/w-draft/versions/bo/media", None, EDIT),
]


@pytest.fixture
def world(app):
    """Three works (Chinese only, a bo draft, a bo version in review), a glossary entry and a teacher's list."""
    app.config["CONTENTLIB_INDEX_SYNC"] = False  # the index is not what this test is about
    store = app.extensions["contentlib"].store
    store.put_works([Work(i, "book", {"zh": Version("zh", t)}) for i, t in
                     (("w-zh", "水"), ("w-draft", "火"), ("w-review", "土"))])
    other = accounts.User("editor2", "editor")
    workflow.save_draft(store, other, "w-draft", "bo", {"title": "མེ།"})
    workflow.save_draft(store, other, "w-review", "bo", {"title": "ས།"})
    workflow.submit(store, other, "w-review", "bo")
    gid = glossary.add(store, "原子", "རྡུལ་ཕྲན").id
    with store.transaction() as conn:  # an account for the admin routes to change (no slow password hash)
        conn.execute(users.insert().values(name="victim", role="teacher", password_hash="x", active=True,
                                           created_at=0))
    wl = lists.create(store, accounts.User("teacher", "teacher"), "mine")
    lists.add(store, accounts.User("teacher", "teacher"), wl.id, "w-review")
    return {"store": store, "gid": gid, "lid": wl.id}


def _fill(value, world):
    if callable(value):
        return value()
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    if isinstance(value, str):
        return value.format(gid=world["gid"], lid=world["lid"])
    return value


def _session_login(client, store, role):
    if role != "teacher":
        accounts.create_user(store, role, role, PASSWORD)
    elif accounts.get_user(store, "teacher") is None:
        accounts.create_user(store, "teacher", "teacher", PASSWORD)
    with client.session_transaction() as sess:  # the login form itself is tested in test_workflow_pages
        sess["_user_id"] = f"{role}:0"  # name:session generation (catalog.auth)
        sess["_fresh"] = True


def _csrf(client):
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", HTML, ids=[r[0] for r in HTML])
def test_html_route_by_role(client, world, role, route):
    name, path, data, allowed = route
    if role != "anonymous":
        _session_login(client, world["store"], role)
    form = {**_fill(data, world), "csrf_token": _csrf(client)}
    r = client.post(_fill(path, world), data=form, content_type="multipart/form-data")
    if role in allowed:
        assert r.status_code in (200, 302) and "/login" not in r.headers.get("Location", ""), (r.status_code,
                                                                                             r.get_data()[:300])
    elif role == "anonymous":
        assert r.status_code == 302 and "/login" in r.headers["Location"]
    else:
        assert r.status_code == 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", API, ids=[r[0] for r in API])
def test_api_route_by_role(client, world, role, route):
    name, path, body, allowed = route
    headers = {}
    if role != "anonymous":
        if accounts.get_user(world["store"], role) is None:
            accounts.create_user(world["store"], role, role, PASSWORD)
        headers["Authorization"] = "Bearer " + accounts.issue_token(world["store"], role)
    r = client.post(path, json=body, headers=headers)
    if role in allowed:
        assert r.status_code == (400 if name == "api.media" else 200)  # media: allowed, but the body has no file, r.get_json()
    else:
        assert r.status_code == (401 if role == "anonymous" else 403)
        assert r.get_json()["error"]["code"] in ("unauthorized", "forbidden")


@pytest.mark.parametrize("route", HTML + [("login", "/login", {"name": "admin", "password": PASSWORD}, EVERYONE)],
                         ids=[r[0] for r in HTML] + ["login"])
def test_html_routes_refuse_requests_without_csrf(client, world, route):
    name, path, data, _ = route
    _session_login(client, world["store"], "admin")
    r = client.post(_fill(path, world), data=_fill(data, world), content_type="multipart/form-data")
    assert r.status_code == 400


@pytest.mark.parametrize("route", API, ids=[r[0] for r in API])
def test_api_routes_refuse_cookie_sessions_without_csrf(client, world, route):
    name, path, body, _ = route
    _session_login(client, world["store"], "admin")
    r = client.post(path, json=body)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "csrf"
    r = client.post(path, json=body, headers={"X-CSRFToken": _csrf(client)})
    assert r.status_code == (400 if name == "api.media" else 200)  # media: allowed, but the body has no file


# Pages and API reads that are not public, and who may see them.
READS = [
    ("editor.queue", "/editor/", EDIT | REVIEW),
    ("editor.edit", "/editor/works/w-draft/bo", EDIT),
    ("editor.review", "/editor/works/w-review/bo/review", EDIT | REVIEW),
    ("lists.index", "/lists", LISTS),
    ("lists.show", "/lists/{lid}", LISTS),
    ("admin.users", "/admin/users", ADMIN),
    ("admin.vocabulary", "/admin/vocabulary", ADMIN),
    ("admin.jobs", "/admin/jobs", ADMIN),
    ("api.version", "/api/v1/works/w-draft/versions/bo", EDIT | REVIEW),
    ("api.history", "/api/v1/works/w-draft/history", EDIT | REVIEW),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", READS, ids=[r[0] for r in READS])
def test_private_reads_by_role(client, world, role, route):
    name, path, allowed = route
    if role != "anonymous":
        _session_login(client, world["store"], role)
    r = client.get(_fill(path, world))
    if role in allowed:
        assert r.status_code == 200
    elif role == "anonymous":
        assert r.status_code == 401 if path.startswith("/api/") else (
            r.status_code == 302 and "/login" in r.headers["Location"])
    else:
        assert r.status_code == 403
