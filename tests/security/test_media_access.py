"""Case 1: a draft file is not served to the public, originals and derived files alike."""

from __future__ import annotations

from contentlib import accounts, workflow

from .conftest import login, png_bytes, upload


def _draft_png(client, world, tmp_path):
    r = upload(client, world, "secret-draft.png", png_bytes(tmp_path))
    assert r.status_code == 201, r.get_json()
    assert world["res"].run_derived_jobs() >= 1  # thumbnails and the re-encoded copy
    return r.get_json()


def test_the_reproduction_answers_404_anonymously(client, world, tmp_path):
    body = _draft_png(client, world, tmp_path)
    sha = body["sha256"]
    r = client.get(f"/media/{sha}")
    assert r.status_code == 404
    assert b"secret-draft" not in r.data and "secret-draft" not in r.headers.get("Content-Disposition", "")
    assert client.get(f"/media/{sha}?download=1").status_code == 404


def test_derived_files_of_a_draft_are_not_served_to_the_public(client, world, tmp_path):
    body = _draft_png(client, world, tmp_path)
    work = world["store"].get_work("t-book", public=False)
    made = work.media[-1].info["renditions"]
    sha = body["sha256"]
    names = [p.rsplit("/", 1)[1] for p in [made["image"], *(t["webp"] for t in made["thumbnails"].values())]]
    assert len(names) >= 2
    for name in names:
        assert client.get(f"/media/{sha}/derived/{name}").status_code == 404, name
    login(client, "teacher")  # a signed-in teacher sees only what the public sees
    for name in names:
        assert client.get(f"/media/{sha}/derived/{name}").status_code == 404, name


def test_editors_and_reviewers_get_drafts_privately(client, world, tmp_path):
    body = _draft_png(client, world, tmp_path)
    sha = body["sha256"]
    made = world["store"].get_work("t-book", public=False).media[-1].info["renditions"]
    thumb = made["image"].rsplit("/", 1)[1]
    for who in ("editor", "reviewer", "admin"):
        login(client, who)
        for url in (f"/media/{sha}", f"/media/{sha}/derived/{thumb}"):
            r = client.get(url)
            assert r.status_code == 200, (who, url)
            assert r.headers["Cache-Control"] == "private, no-store", (who, url)
            assert "public" not in r.headers["Cache-Control"] and "immutable" not in r.headers["Cache-Control"]
        client.delete_cookie("session")


def test_once_approved_the_file_is_public_and_cacheable(client, world, tmp_path):
    body = _draft_png(client, world, tmp_path)
    sha, store = body["sha256"], world["store"]
    editor = accounts.get_user(store, "editor")
    workflow.save_draft(store, editor, "t-book", "bo", {"title": "ཆུ།"})
    workflow.submit(store, editor, "t-book", "bo")
    workflow.approve(store, accounts.get_user(store, "reviewer"), "t-book", "bo")
    r = client.get(f"/media/{sha}")
    assert r.status_code == 200 and "public" in r.headers["Cache-Control"] and "immutable" in r.headers["Cache-Control"]
    made = store.get_work("t-book").media[-1].info["renditions"]
    r = client.get(f"/media/{sha}/derived/{made['image'].rsplit('/', 1)[1]}")
    assert r.status_code == 200 and "immutable" in r.headers["Cache-Control"]


def test_a_file_named_by_no_entry_is_404(client, world):
    assert client.get("/media/" + "a" * 64).status_code == 404
    assert client.get("/media/" + "a" * 64 + "/derived/thumb-320.webp").status_code == 404
