"""Case 2 (positions) and case 4 (files follow review rules like text)."""

from __future__ import annotations

import pytest

from contentlib import accounts, workflow
from contentlib.errors import InvalidTransition, NotAllowed
from tests.unit import media_samples as ms

from .conftest import bearer, upload


def test_three_uploads_to_one_work_all_succeed(client, world, tmp_path):
    files = [("ok.png", ms.make_image(tmp_path / "ok.png", "PNG")),
             ("ok.jpg", ms.make_image(tmp_path / "ok.jpg", "JPEG")),
             ("ok.pdf", ms.make_pdf(tmp_path / "ok.pdf"))]
    codes = [upload(client, world, name, path.read_bytes(), work="t-poster").status_code for name, path in files]
    assert codes == [201, 201, 201]
    media = world["store"].get_work("t-poster", public=False).media
    assert [m.original_name for m in media][-3:] == ["ok.png", "ok.jpg", "ok.pdf"]


def test_a_version_in_review_takes_no_files(client, world, tmp_path):
    store = world["store"]
    editor = accounts.get_user(store, "editor")
    workflow.save_draft(store, editor, "t-book", "bo", {"title": "ཡིག་ཆ།"})
    workflow.submit(store, editor, "t-book", "bo")
    r = upload(client, world, "bo.srt", ms.SRT.encode("utf-8"))
    assert r.status_code == 409, r.get_json()
    assert store.get_work("t-book", public=False).media == [] or all(
        m.original_name != "bo.srt" for m in store.get_work("t-book", public=False).media)
    root = world["res"].media.root  # the refused file was not kept either
    assert not root.exists() or not [p for p in root.rglob("*") if p.is_file()]


def test_an_admin_cannot_approve_a_version_with_their_own_file(client, world):
    store = world["store"]
    editor, admin = accounts.get_user(store, "editor"), accounts.get_user(store, "admin")
    workflow.save_draft(store, editor, "t-book", "bo", {"title": "ཡིག་ཆ།"})
    assert upload(client, world, "bo.srt", ms.SRT.encode("utf-8"), who="admin").status_code == 201
    workflow.submit(store, editor, "t-book", "bo")
    with pytest.raises(NotAllowed):
        workflow.approve(store, admin, "t-book", "bo")
    r = client.post("/api/v1/works/t-book/versions/bo/approve", headers=bearer(world, "admin"))
    assert r.status_code == 403
    assert "media" not in client.get("/api/v1/works/t-book").get_json()  # nothing went public
    workflow.approve(store, accounts.get_user(store, "reviewer"), "t-book", "bo")  # a second person may
    assert [m.original_name for m in store.get_work("t-book").media] == ["bo.srt"]


def test_a_file_on_a_published_version_opens_a_draft_to_review(client, world):
    store = world["store"]
    before = workflow.status(store, "t-atom", "zh")
    assert before.state == "published"
    assert upload(client, world, "zh.srt", ms.SRT.encode("utf-8"), work="t-atom", lang="zh").status_code == 201
    st = workflow.status(store, "t-atom", "zh")
    assert st.state == "draft" and "editor" in st.editors and st.working.title == before.public.title
    with pytest.raises(InvalidTransition):
        workflow.approve(store, accounts.get_user(store, "reviewer"), "t-atom", "zh")  # it must be submitted
