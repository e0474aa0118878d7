"""In Chromium: a teacher's list kept on the phone opens offline and its video plays with both subtitle tracks.

The site is an installable app (manifest, service worker at /sw.js); "Keep on this phone"
(``[data-keep-offline]``) stores the pages, the light video, the subtitles, the cover and the
font in Cache Storage; nothing private is ever kept.
"""

from __future__ import annotations

import threading

import pytest

from contentlib import accounts, lightvideo, lists
from tests.browser.support import chromium_available
from tests.bundles.helpers import make_ten_second_video
from tests.conftest import PASSWORD, write_jsonl
from tests.unit import media_samples as ms

if not chromium_available():
    pytest.skip("chromium is not installed", allow_module_level=True)

KEEP = "[data-keep-offline]"


@pytest.fixture
def server(app, tmp_path):
    from flask import make_response
    from werkzeug.serving import make_server

    lib = app.extensions["contentlib"]
    src = tmp_path / "src"
    (src / "media").mkdir(parents=True)
    make_ten_second_video(src / "media" / "storm.mp4")
    ms.make_pdf(src / "media" / "rain.pdf", pages=22)  # two parts in the reader: pages 1-20 and 21-22
    (src / "media" / "zh.vtt").write_text(ms.VTT, encoding="utf-8")
    (src / "media" / "bo.srt").write_text(ms.SRT, encoding="utf-8")
    path = write_jsonl(src / "catalog.jsonl", [
        {"id": "storm-1", "type": "video", "titles": {"zh": "雷暴天气", "bo": "གློག་འབྲུག"}, "subjects": ["meteorology"],
         "media": [{"path": "media/storm.mp4", "role": "original"},
                   {"path": "media/zh.vtt", "role": "subtitle", "lang": "zh"},
                   {"path": "media/bo.srt", "role": "subtitle", "lang": "bo"}]},
        {"id": "rain-2", "type": "book", "titles": {"zh": "降雨", "bo": "ཆར་པ།"},
         "media": [{"path": "media/rain.pdf", "role": "original"}]},
        {"id": "other-3", "type": "book", "titles": {"zh": "不在清单里", "bo": "ཐོ་གཞུང་ནང་མེད།"}}])
    with app.app_context():
        lib.import_file(path)
        lib.finish_import(["storm-1", "rain-2", "other-3"], cards=True)
        lightvideo.finish_light(lib.store, lib.media, "storm-1")
        lib.make_derived("rain-2")  # the reader's pages, as the worker makes them
    teacher = accounts.create_user(lib.store, "teacher", "teacher", PASSWORD)
    accounts.create_user(lib.store, "editor", "editor", PASSWORD)
    wl = lists.create(lib.store, teacher, "Weather")
    for work_id in ("storm-1", "rain-2"):
        lists.add(lib.store, teacher, wl.id, work_id)

    @app.get("/probe-private")  # a public-looking page that says it is private
    def probe_private():
        response = make_response("<!doctype html><title>p</title><main>private</main>")
        response.headers["Cache-Control"] = "private"
        return response

    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}", wl.token
    srv.shutdown()
    thread.join()


def _controlled(page):
    """Wait until the service worker controls the page (it claims open pages when it activates)."""
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def _cached(page) -> list[dict]:
    return page.evaluate("""async () => { const out = [];
        for (const name of await caches.keys()) { const cache = await caches.open(name);
          for (const req of await cache.keys()) { const res = await cache.match(req);
            out.push({cache: name, url: new URL(req.url).pathname, cc: res.headers.get('Cache-Control') || ''}); } }
        return out; }""")


def test_a_kept_list_opens_offline_and_its_video_plays_with_both_subtitles(server, browser):
    base, token = server
    context = browser.new_context(extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    page = context.new_page()
    page.goto(f"{base}/shared/{token}")
    _controlled(page)
    box = page.locator(KEEP)
    assert box.get_attribute("data-offline-state") == "none" and box.is_visible()
    box.locator("button.keep").click()
    page.wait_for_selector(f"{KEEP}[data-offline-state=saved]", timeout=60_000)
    assert "MB" in box.locator(".keep-status").inner_text() and "已保存到这部手机" in box.inner_text()
    kept = {c["url"] for c in _cached(page) if c["cache"].startswith("contentlib-keep")}
    assert {f"/shared/{token}", "/works/storm-1", "/works/rain-2"} <= kept
    assert any(u.endswith("/light.mp4") for u in kept)  # the light copy, not the original
    assert "/static/fonts/NotoSerifTibetan.woff2" in kept
    assert "/works/other-3" not in kept
    book = page.evaluate("fetch('/works/rain-2/keep-books.json').then(r => r.json())")
    reader = book["pages"][0]
    assert reader.startswith("/works/rain-2/read/") and {reader, *book["files"]} <= kept  # the reader and its pictures

    context.set_offline(True)
    page.goto(base + reader)  # the reader opens with no connection: its pages, pictures and moves
    assert page.locator("section.page").count() == 20
    page.wait_for_function("() => document.querySelector('#p-1 img').complete")
    assert page.evaluate("document.querySelector('#p-1 img').naturalWidth") == 480
    page.locator("nav.reader-nav a[rel=next]").first.click()
    page.wait_for_function("() => Math.abs(document.getElementById('p-2').getBoundingClientRect().top) < 30")
    field = page.locator("form.goto input").first
    field.fill("22")  # in the second part: the reader asks for it by its first page, which the phone kept
    with page.expect_navigation():
        field.press("Enter")
    assert page.url.endswith("?page=21#p-22") and page.locator("#p-22 img").count() == 1
    assert page.locator("#needs-connection").count() == 0
    page.goto(f"{base}/shared/{token}")
    assert page.locator("h1").inner_text() == "Weather"
    page.goto(f"{base}/works/storm-1")
    assert "雷暴天气" in page.locator("h1").inner_text()
    assert page.locator("video source").get_attribute("src").endswith("/light.mp4")
    played = page.evaluate("""async () => { const v = document.querySelector('video');
        for (const t of v.textTracks) t.mode = 'hidden';
        v.muted = true; v.preload = 'auto'; v.load(); await v.play();
        await new Promise(r => { const on = () => { if (v.currentTime > 1.2) { v.removeEventListener('timeupdate', on); r(); } };
                                  v.addEventListener('timeupdate', on); });
        const tracks = [...document.querySelectorAll('video track')];
        await Promise.all(tracks.map(t => t.readyState === 2 ? null
              : new Promise(r => t.addEventListener('load', r, {once: true}))));
        return {time: v.currentTime, tracks: [...v.textTracks].map(t => [t.language, t.cues ? t.cues.length : 0])}; }""")
    assert played["time"] > 1.2
    assert sorted(played["tracks"]) == [["bo", 2], ["zh", 2]]
    page.goto(f"{base}/works/other-3")  # not kept: it says so, in the interface language
    assert "此页面需要网络连接" in page.locator("#needs-connection").inner_text()

    context.set_offline(False)
    page.goto(f"{base}/works/storm-1")
    page.wait_for_selector(f"{KEEP}[data-offline-state=none]")  # a work page of its own is not kept by the list
    page.goto(f"{base}/shared/{token}")
    page.wait_for_selector(f"{KEEP}[data-offline-state=saved]")
    box.locator("button.forget").click()
    page.wait_for_selector(f"{KEEP}[data-offline-state=none]")
    kept = {c["url"] for c in _cached(page) if c["cache"].startswith("contentlib-keep")}
    assert not kept & {f"/shared/{token}", "/works/storm-1", "/works/rain-2"}
    context.close()


def test_the_service_worker_never_keeps_a_private_page_or_a_private_response(server, browser):
    base, token = server
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#name", "editor")
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.goto(f"{base}/works/storm-1")
    _controlled(page)
    private = ("/editor/", "/editor/works/storm-1/bo", "/probe-private", "/admin/users")
    for path in private:
        page.goto(base + path)  # visited while the service worker runs
    page.goto(f"{base}/works/storm-1")
    for path in private:  # asked to keep them, keep.js refuses
        refused = page.evaluate("p => window.contentlibKeep.keep(p, false).then(() => false, () => true)", path)
        assert refused, path
    page.locator(f"{KEEP} button.keep").click()
    page.wait_for_selector(f"{KEEP}[data-offline-state=saved]", timeout=60_000)
    for entry in _cached(page):
        assert "private" not in entry["cc"] and "no-store" not in entry["cc"], entry
        assert not entry["url"].startswith(("/editor", "/admin", "/probe-private", "/lists")), entry
    context.set_offline(True)
    page.goto(f"{base}/editor/")
    assert page.locator("#needs-connection").count() == 1  # the editor's queue was never stored
    context.close()


def test_the_app_is_installable_and_data_saver_still_plays_the_light_copy(server, browser):
    base, _ = server
    context = browser.new_context(extra_http_headers={"Save-Data": "on"})
    page = context.new_page()
    page.goto(f"{base}/works/storm-1")
    manifest = page.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert manifest["display"] == "standalone" and manifest["scope"] == "/" and len(manifest["icons"]) == 2
    _controlled(page)
    page.reload()  # now through the service worker
    assert page.locator("video source").get_attribute("src").endswith("/light.mp4")
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    context.close()
