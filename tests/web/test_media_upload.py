"""Editors upload files for a language version: checked by content, draft until approved."""

import io

import pytest

from contentlib import accounts, indexing, records, workflow
from tests.conftest import DATA
from tests.unit import media_samples as ms


@pytest.fixture
def world(app):
    res = app.extensions["contentlib"]
    records.import_file(res.store, DATA / "works.jsonl")
    indexing.drain(res.store, res.index)
    for name in ("editor", "reviewer"):
        accounts.create_user(res.store, name, name, "a long enough password")
    return {"res": res, "token": {n: accounts.issue_token(res.store, n) for n in ("editor", "reviewer")}}


def post_file(client, world, name, data, role=None, who="editor", work="t-book"):
    form = {"file": (io.BytesIO(data), name)}
    if role:
        form["role"] = role
    return client.post(f"/api/v1/works/{work}/versions/bo/media", data=form, content_type="multipart/form-data",
                       headers={"Authorization": "Bearer " + world["token"][who]})


def test_a_tibetan_subtitle_stays_private_until_its_version_is_approved(client, world, app):
    srt = ms.SRT.encode("utf-8")
    r = post_file(client, world, "བོད་ཡིག.srt", srt)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["role"] == "subtitle" and body["lang"] == "bo" and body["path"].endswith("/བོད་ཡིག.srt")
    assert "media" not in client.get("/api/v1/works/t-book").get_json()  # the public sees nothing yet
    res = world["res"]
    assert res.run_derived_jobs() == 1  # the worker makes the WebVTT copy outside the request
    store = res.store
    editor, reviewer = accounts.get_user(store, "editor"), accounts.get_user(store, "reviewer")
    workflow.save_draft(store, editor, "t-book", "bo", {"title": "ཆུ་འཐུང་བའི་འཕྲོད་བསྟེན།"})
    workflow.submit(store, editor, "t-book", "bo")
    workflow.approve(store, reviewer, "t-book", "bo")
    media = client.get("/api/v1/works/t-book").get_json()["media"]
    assert [m["role"] for m in media] == ["subtitle"]
    vtt = client.get(media[0]["vtt_url"])
    assert vtt.status_code == 200 and ms.TIBETAN in vtt.get_data(as_text=True)
    history = workflow.history(store, "t-book")
    assert any(h["action"] == "attach" for h in history)


@pytest.mark.parametrize("name, data, role", [
    ("cover.png", b"<html><body>not an image</body></html>", None),
    ("notes.srt", "1\n00:00:01,000 --> 00:00:02,000\n\xff".encode("latin-1"), None),
    ("atom.srt", ms.SRT.encode("utf-8"), "cover"),  # a subtitle cannot be a cover
])
def test_refused_uploads_leave_nothing_behind(client, world, name, data, role):
    r = post_file(client, world, name, data, role)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "media_rejected"
    assert r.get_json()["error"]["reason"] == "format"
    root = world["res"].media.root
    assert [p for p in root.rglob("*") if p.is_file()] == [] if root.exists() else True
    assert world["res"].store.get_work("t-book", public=False).media == []


def test_reviewers_cannot_upload(client, world):
    r = post_file(client, world, "a.srt", ms.SRT.encode("utf-8"), who="reviewer")
    assert r.status_code == 403


def test_editor_page_uploads_with_a_form(client, world, app):
    from tests.web.test_workflow_matrix import _csrf  # reads the token from the session's pages

    with client.session_transaction() as sess:  # the login form itself is tested elsewhere
        sess["_user_id"], sess["_fresh"] = "editor:0", True  # name:session generation
    page = client.get("/editor/works/t-book/bo")
    assert b'enctype="multipart/form-data"' in page.data
    r = client.post("/editor/works/t-book/bo/media", content_type="multipart/form-data",
                    data={"file": (io.BytesIO(ms.SRT.encode("utf-8")), "bo.srt"), "csrf_token": _csrf(client)})
    assert r.status_code == 302
    r = client.post("/editor/works/t-book/bo/media", content_type="multipart/form-data",
                    data={"file": (io.BytesIO(b"<svg><script/></svg>"), "x.png"), "csrf_token": _csrf(client)})
    assert r.status_code == 400
    # The reason in the page's language (Tibetan by default), the checks' detail marked English.
    from flask_babel import force_locale

    from catalog.errors import REFUSALS
    with app.test_request_context(), force_locale("bo"):
        lead = str(REFUSALS["unsafe"])
    assert lead != "This file was refused for safety."
    page = r.get_data(as_text=True)
    assert lead in page and '<span lang="en">SVG images are not accepted' in page


def test_size_limits_per_kind_are_configurable(home):
    from catalog import create_app

    app = create_app({"TESTING": True, "CONTENTLIB_SECRET_KEY": "suite-only-4fJ9x2Qm7LwZ8rKp3VtB",
                      "CONTENTLIB_MEDIA_LIMITS": {"subtitle_bytes": 100}})
    res = app.extensions["contentlib"]
    records.import_file(res.store, DATA / "works.jsonl")
    accounts.create_user(res.store, "editor", "editor", "a long enough password")
    token = accounts.issue_token(res.store, "editor")
    r = app.test_client().post("/api/v1/works/t-book/versions/bo/media", content_type="multipart/form-data",
                               data={"file": (io.BytesIO(ms.SRT.encode("utf-8") * 3), "big.srt")},
                               headers={"Authorization": "Bearer " + token})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "media_rejected"
    res.store.close()
