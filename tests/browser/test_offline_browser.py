"""In Chromium: data saver plays the light video, and a teacher takes a search offline and downloads it."""

from __future__ import annotations

import io
import threading
import zipfile

import pytest

from contentlib import accounts, lightvideo
from tests.browser.support import chromium_available
from tests.bundles.helpers import make_ten_second_video
from tests.conftest import PASSWORD, write_jsonl

if not chromium_available():
    pytest.skip("chromium is not installed", allow_module_level=True)


@pytest.fixture
def server(app, tmp_path):
    from werkzeug.serving import make_server

    lib = app.extensions["contentlib"]
    (tmp_path / "src" / "media").mkdir(parents=True)
    make_ten_second_video(tmp_path / "src" / "media" / "storm.mp4")
    path = write_jsonl(tmp_path / "src" / "catalog.jsonl", [
        {"id": "storm-1", "type": "video", "titles": {"zh": "雷暴天气", "bo": "གློག་འབྲུག"}, "subjects": ["meteorology"],
         "media": [{"path": "media/storm.mp4", "role": "original"}]}])
    with app.app_context():
        lib.import_file(path)
        lightvideo.finish_light(lib.store, lib.media, "storm-1")  # what the worker does in the background
    accounts.create_user(lib.store, "teacher", "teacher", PASSWORD)
    from catalog.resources import start_workers

    workers = start_workers(app)  # as `contentlib serve` does: jobs ("Take offline" bundles) run in the background
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join()
    workers.stop.set()
    workers.join(10)


def _source(page) -> str:
    return page.locator("figure.player video source").get_attribute("src")


def test_data_saver_plays_the_light_video_and_remembers_the_choice(server, browser):
    saver = browser.new_context(extra_http_headers={"Save-Data": "on"})
    page = saver.new_page()
    page.goto(f"{server}/works/storm-1")
    assert _source(page).endswith("/derived/light.mp4")
    assert page.locator("a.download-light").count() == 1 and page.locator("a.download-original").count() == 1
    assert page.evaluate("""async () => { const v = document.querySelector('figure.player video');
        v.muted = true; v.load(); await new Promise(r => v.addEventListener('loadedmetadata', r, {once: true}));
        return v.videoHeight; }""") <= 360  # Chromium really plays the light copy
    page.locator("form.data-saver button").click()
    page.wait_for_load_state()
    assert not _source(page).endswith("light.mp4")  # turned off: the cookie beats the header
    saver.close()
    plain = browser.new_context().new_page()
    plain.goto(f"{server}/works/storm-1")
    assert not _source(plain).endswith("light.mp4")
    plain.locator("form.data-saver button").click()
    plain.wait_for_load_state()
    assert _source(plain).endswith("/derived/light.mp4")
    plain.context.close()


def test_a_teacher_takes_a_search_offline_and_downloads_the_bundle(server, browser):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(f"{server}/login")
    page.fill("#name", "teacher")
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.goto(f"{server}/search?q=雷暴")
    page.locator('form.take-offline button[value="bundle"]').click()
    link = page.locator("#offline-download")
    link.wait_for(timeout=60_000)  # the status page refreshes itself until the bundle is ready
    with page.expect_download() as info:
        link.click()
    data = open(info.value.path(), "rb").read()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert b'"storm-1"' in zf.read("catalog.jsonl")
        names = [n for n in zf.namelist() if n.startswith("media/")]
        assert len(names) == 1 and zf.getinfo(names[0]).file_size < 700_000  # "light" was ticked: the light copy
    context.close()
