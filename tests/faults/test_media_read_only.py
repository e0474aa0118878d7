"""The media folder turns read-only (a network mount gone read-only): refuse clearly, keep playing (issue 25, item 3).

The media folder is a bind mount the test makes read-only. Uploads answer 507 saying the server
cannot write its files; a job that would make derived files waits, with nothing recorded as made;
the files already there play and download as before. Once the folder is writable again the same
upload and the same job succeed, with no restart.
"""

from __future__ import annotations

import io
import logging
import threading

import pytest

from contentlib import accounts, worker
from contentlib.errors import ReadOnlyStorage
from tests.conftest import PASSWORD, TEST_SECRET, AuthActions, write_jsonl
from tests.unit import media_samples

from .mounts import bind, need_mounts


def _png(colour=(200, 30, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def ro_app(tmp_path, home, monkeypatch):
    need_mounts(tmp_path)
    with bind(tmp_path / "nfs", tmp_path / "media") as mount:
        monkeypatch.setenv("CONTENTLIB_MEDIA_DIR", str(mount.target))
        from catalog import create_app

        app = create_app({"TESTING": True, "CONTENTLIB_SECRET_KEY": TEST_SECRET})
        lib = app.extensions["contentlib"]
        media_samples.make_video(tmp_path / "clip.mp4", frames=20)
        lib.import_file(write_jsonl(tmp_path / "w.jsonl", [
            {"id": "v-clip", "type": "video", "titles": {"bo": "གློག་བརྙན།", "zh": "视频"},
             "media": [{"path": "clip.mp4", "role": "original"}]}]))
        accounts.create_user(lib.store, "editor", "editor", PASSWORD)
        app.token = {"Authorization": f"Bearer {accounts.issue_token(lib.store, 'editor')}"}
        app.mount = mount
        yield app
        mount.writable()
        lib.store.close()


def _jobs(lib) -> list:
    with lib.store.transaction() as conn:
        return sorted(tuple(r) for r in conn.exec_driver_sql("SELECT key, state, attempts FROM jobs"))


def test_uploads_refuse_jobs_wait_and_existing_files_play_on_while_media_is_read_only(ro_app, caplog):
    client, lib = ro_app.test_client(), ro_app.extensions["contentlib"]
    video = lib.store.get_work("v-clip").media[0]
    poster = video.info["renditions"]["image"].rsplit("/", 1)[-1]
    url = "/api/v1/works/v-clip/versions/zh/media"
    pending = client.post(url, headers=ro_app.token, data={"file": (io.BytesIO(_png()), "a.png")}).get_json()
    assert _jobs(lib) == [("v-clip", "queued", 0)]  # its derived files are the worker's
    ro_app.mount.read_only()

    refused = client.post(url, headers=ro_app.token, data={"file": (io.BytesIO(_png((0, 90, 0))), "b.png")})
    assert refused.status_code == 507
    assert refused.get_json()["error"]["reason"] == "read-only"
    auth = AuthActions(client)
    auth.login("editor")
    page = auth.post("/editor/works/v-clip/zh/media", data={"file": (io.BytesIO(_png((0, 0, 90))), "c.png")},
                     content_type="multipart/form-data", headers={"Accept-Language": "en"})
    assert page.status_code == 507 and "cannot write its files" in page.get_data(as_text=True)
    assert len(lib.store.get_work("v-clip", public=False).media) == 2  # the refused ones left no row

    with pytest.raises(ReadOnlyStorage, match="read-only"):
        worker.run_once(lib, "w")
    assert _jobs(lib) == [("v-clip", "queued", 0)]  # waiting, not failed, no attempt counted
    assert "renditions" not in lib.store.get_work("v-clip", public=False).media[1].info  # nothing marked made

    # What is there plays on: the video (from its first bytes, and a range), its poster.
    whole = client.get(f"/media/{video.sha256}")
    assert whole.status_code == 200 and whole.data == (lib.media.path(video.sha256)).read_bytes()
    part = client.get(f"/media/{video.sha256}", headers={"Range": "bytes=10-99"})
    assert part.status_code == 206 and len(part.data) == 90
    assert client.get(f"/media/{video.sha256}/derived/{poster}").status_code == 200
    assert client.get("/works/v-clip").status_code == 200

    # The worker's loop says once what it waits for, and goes on by itself when the folder is writable.
    stop = threading.Event()
    with caplog.at_level(logging.WARNING, logger="contentlib.worker"):
        loop = threading.Thread(target=worker.loop, args=(lib, stop, 0.05, "w"))
        loop.start()
        try:
            stop.wait(0.5)
            ro_app.mount.writable()
            for _ in range(200):
                if not _jobs(lib):
                    break
                stop.wait(0.05)
        finally:
            stop.set()
            loop.join(30)
    said = [r.getMessage() for r in caplog.records if r.name == "contentlib.worker"]
    assert [m for m in said if "waits" in m] == ["worker w waits: the media folder: the file system is read-only"]
    assert _jobs(lib) == []
    assert lib.store.get_work("v-clip", public=False).media[1].info["renditions"]["thumbnails"]
    assert pending["sha256"] == lib.store.get_work("v-clip", public=False).media[1].sha256
    assert client.post(url, headers=ro_app.token, data={"file": (io.BytesIO(_png((0, 90, 0))), "b.png")}).status_code \
        == 201
