"""The JSON API for drafts and reviews: the whole path from a Chinese-only work to a searchable Tibetan one."""

import pytest

from contentlib import accounts

TITLE = "མཐོ་སྒང་གི་ཆུ་འཐུང་འཕྲོད་བསྟེན།"


@pytest.fixture
def loaded(catalog_loaded, users):
    return catalog_loaded


def bearer(store, name):
    return {"Authorization": f"Bearer {accounts.issue_token(store, name)}"}


def search_ids(client, q):
    client.application.extensions["contentlib"].sync()  # saves do not wait for the index
    body = client.get("/api/v1/search", query_string={"q": q}).get_json()
    return [r["id"] for r in body["results"]]


def test_editor_to_reviewer_to_public_and_search(client, loaded, users):
    ed, rev = bearer(users, "editor"), bearer(users, "reviewer")
    bo_missing = client.get("/api/v1/coverage").get_json()["languages"]["bo"]["missing"]
    assert search_ids(client, TITLE) == []

    r = client.post("/api/v1/works/t-book/versions/bo", headers=ed,
                    json={"title": TITLE, "description": "ཆུ་གཙང་མ།", "keywords": ["ཆུ"]})
    assert r.status_code == 200 and r.get_json()["state"] == "draft"
    # invisible to the public, the record API and search
    assert "bo" not in client.get("/api/v1/works/t-book").get_json()["titles"]
    assert TITLE not in client.get("/works/t-book").get_data(as_text=True)
    assert "t-book" not in search_ids(client, TITLE)
    assert client.get("/api/v1/coverage").get_json()["languages"]["bo"]["draft"] == 1

    assert client.post("/api/v1/works/t-book/versions/bo/submit", headers=ed).get_json()["state"] == "in_review"
    r = client.post("/api/v1/works/t-book/versions/bo/approve", headers=ed)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    assert "t-book" not in search_ids(client, TITLE)

    r = client.post("/api/v1/works/t-book/versions/bo/approve", headers=rev)
    assert r.status_code == 200 and r.get_json()["state"] == "published"
    assert client.get("/api/v1/works/t-book").get_json()["titles"]["bo"] == TITLE
    assert TITLE in client.get("/works/t-book").get_data(as_text=True)
    assert "t-book" in search_ids(client, TITLE)
    cov = client.get("/api/v1/coverage").get_json()
    assert cov["languages"]["bo"]["missing"] == bo_missing - 1 and cov["languages"]["bo"]["draft"] == 0

    history = client.get("/api/v1/works/t-book/history", headers=rev).get_json()["history"]
    assert [(h["lang"], h["action"]) for h in history[:2]] == [("zh", "import"), ("en", "import")]
    history = [h for h in history if h["lang"] == "bo"]
    assert [(h["actor"], h["action"], h["from"], h["to"]) for h in history] == [
        ("editor", "edit", "missing", "draft"), ("editor", "submit", "draft", "in_review"),
        ("reviewer", "approve", "in_review", "published")]
    assert history[0]["changes"]["title"] == {"old": None, "new": TITLE}
    assert all(isinstance(h["at"], float) for h in history)


def test_reject_with_comment_and_edit_of_published_keeps_public(client, loaded, users):
    ed, rev = bearer(users, "editor"), bearer(users, "reviewer")
    client.post("/api/v1/works/t-atom/versions/bo", headers=ed, json={"title": "གསར་པ།"})
    assert client.get("/api/v1/works/t-atom").get_json()["titles"]["bo"] != "གསར་པ།"
    client.post("/api/v1/works/t-atom/versions/bo/submit", headers=ed)
    r = client.post("/api/v1/works/t-atom/versions/bo/reject", headers=rev, json={})
    assert r.status_code == 400
    r = client.post("/api/v1/works/t-atom/versions/bo/reject", headers=rev, json={"comment": "ཡང་བསྐྱར།"})
    body = r.get_json()
    assert body["state"] == "draft" and body["review_comment"] == "ཡང་བསྐྱར།" and body["public"]["title"]
    cov = client.get("/api/v1/coverage").get_json()
    assert cov["languages"]["bo"]["published"] == 2  # the published one still counts


@pytest.mark.parametrize("method,path,body,status,code", [
    ("post", "/api/v1/works/nope/versions/bo", {"title": "x"}, 404, "not_found"),
    ("post", "/api/v1/works/t-book/versions/xx", {"title": "x"}, 404, "not_found"),
    ("post", "/api/v1/works/t-book/versions/bo", {"title": 3}, 400, "invalid"),
    ("post", "/api/v1/works/t-book/versions/bo", None, 400, "invalid"),
    ("post", "/api/v1/works/t-book/versions/bo/submit", None, 409, "invalid_transition"),
    ("post", "/api/v1/works/t-book/versions/bo/media", None, 400, "media_rejected"),
    ("post", "/api/v1/works/nope/versions/bo/media", None, 404, "not_found"),
])
def test_errors_are_json(client, loaded, users, method, path, body, status, code):
    r = getattr(client, method)(path, headers=bearer(users, "editor"), json=body)
    assert r.status_code == status and r.get_json()["error"]["code"] == code
    assert r.get_json()["error"]["message"]


def test_api_needs_a_valid_token_or_a_session_with_csrf(client, loaded, users, auth):
    path = "/api/v1/works/t-book/versions/bo"
    r = client.post(path, json={"title": "x"})
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"
    r = client.post(path, json={"title": "x"}, headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401
    auth.login("editor")
    r = client.post(path, json={"title": "x"})  # cookie session, no CSRF token
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "csrf"
    r = client.post(path, json={"title": "x"}, headers={"X-CSRFToken": auth.csrf()})
    assert r.status_code == 200
    assert client.get("/api/v1/works/t-book/history").status_code == 200


def test_history_and_version_need_an_editor_or_reviewer(client, loaded, users):
    assert client.get("/api/v1/works/t-book/history").status_code == 401
    assert client.get("/api/v1/works/t-book/history", headers=bearer(users, "teacher")).status_code == 403
    r = client.get("/api/v1/works/t-book/versions/bo", headers=bearer(users, "reviewer"))
    assert r.get_json()["state"] == "missing"


def test_oversized_json_is_refused(client, loaded, users):
    r = client.post("/api/v1/works/t-book/versions/bo", headers=bearer(users, "editor"),
                    data=b'{"title": "' + b"x" * (1024 * 1024) + b'"}', content_type="application/json")
    assert r.status_code == 413 and r.get_json()["error"]["code"] == "too_large"
