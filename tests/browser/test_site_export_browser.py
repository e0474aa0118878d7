"""The exported site in Chromium from file://: search in four scripts, a video's two subtitle tracks, the switch, the font."""

from __future__ import annotations

import zipfile

import pytest

from contentlib.selection import Selection
from tests.browser.support import FONT

VIDEO = "demo-sib-0348"  # an animation with Tibetan and Chinese subtitles; its titles begin སྐར་མས་འོད / 恒星会散发


@pytest.fixture(scope="module")
def site(server, tmp_path_factory):
    """The demo catalog exported and unzipped; its home page's file:// URL."""
    folder = tmp_path_factory.mktemp("site")
    out = folder / "site.zip"
    server.app.extensions["contentlib"].export_site(Selection(), out, FONT)
    with zipfile.ZipFile(out) as zf:
        zf.extractall(folder / "unzipped")
    return folder / "unzipped"


@pytest.fixture
def offline_page(browser):
    """A page that records every URL it asks for (the site must need nothing but its own files)."""
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    page.asked, page.errors = [], []
    page.on("request", lambda r: page.asked.append(r.url))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


@pytest.mark.parametrize("query", ["སྐར་མས་འོད", "སྐར་མ་འོད", "skar mas 'od", "恒星会散发", "恆星會散發", "hengxing",
                                   "héng xīng"])
def test_search_from_file_finds_the_work_in_every_script(site, offline_page, query):
    page = offline_page
    page.goto((site / "index.html").as_uri())
    page.fill("input[type=search]", query)
    page.press("input[type=search]", "Enter")
    page.wait_for_selector("#site-results a", timeout=5000)
    hrefs = page.eval_on_selector_all("#site-results a", "els => els.slice(0, 10).map(a => a.getAttribute('href'))")
    assert any(VIDEO in h for h in hrefs), (query, hrefs)
    page.click(f'#site-results a[href*="{VIDEO}"]')
    page.wait_for_selector("video")
    assert page.url.startswith("file://") and page.url.endswith(f"works/{VIDEO}.html")
    assert all(u.startswith(("file://", "data:")) for u in page.asked), page.asked
    assert not page.errors


def test_video_page_shows_a_cue_of_both_tracks_from_file(site, offline_page):
    page = offline_page
    page.goto((site / "works" / f"{VIDEO}.html").as_uri())
    shown = page.evaluate("""async () => {
      const video = document.querySelector('video');
      const tracks = Array.from(video.querySelectorAll('track'));
      for (const t of video.textTracks) t.mode = 'showing';
      for (let i = 0; i < 50 && tracks.some(t => t.readyState < 2); i++) await new Promise(r => setTimeout(r, 100));
      const out = {};
      for (const el of tracks) {
        const cue = el.track.cues && el.track.cues[0];
        if (!cue) { out[el.srclang] = null; continue; }
        video.currentTime = cue.startTime + 0.05;
        await new Promise(r => video.addEventListener('seeked', r, {once: true}));
        await new Promise(r => setTimeout(r, 200));
        out[el.srclang] = Array.from(el.track.activeCues || []).map(c => c.text).join(' ');
      }
      return out;
    }""")
    assert set(shown) == {"bo", "zh"}
    assert shown["bo"] and any("\u0f40" <= c <= "\u0fbc" for c in shown["bo"]), shown
    assert shown["zh"] and any("\u4e00" <= c <= "\u9fff" for c in shown["zh"]), shown
    assert page.evaluate("document.querySelector('video').readyState") >= 1  # the video file itself loads too
    assert not page.errors


def test_language_switch_and_the_tibetan_font(site, offline_page):
    page = offline_page
    page.goto((site / "index.html").as_uri())
    page.evaluate("document.fonts.ready.then(() => true)")
    assert page.evaluate("""() => Array.from(document.fonts).some(f =>
        f.family.includes('Contentlib Noto Serif Tibetan') && f.status === 'loaded')""")
    heading = page.locator("h1 .w:lang(zh)")
    assert not heading.is_visible()
    page.click('[data-set-lang="zh"]')
    assert heading.is_visible() and page.evaluate("document.documentElement.lang") == "zh-Hans"
    page.goto((site / "subjects" / "physical-science.html").as_uri())  # the choice is kept for the next page
    assert page.locator("header .w:lang(zh)").is_visible()
    page.click('[data-set-lang="bo"]')
    assert page.locator("header .w:lang(bo)").is_visible() and not page.locator("header .w:lang(zh)").is_visible()


@pytest.fixture(scope="module")
def reader_site(server, tmp_path_factory):
    """The reader's two books (a 20-page leaflet, a 5-chapter EPUB) exported and unzipped; their reader pages."""
    from tests.browser.support import EPUB_ID, LEAFLET_ID, add_reader_books

    books = add_reader_books(server)
    folder = tmp_path_factory.mktemp("reader-site")
    server.app.extensions["contentlib"].export_site(Selection(), folder / "site.zip", FONT,
                                                    work_ids=[LEAFLET_ID, EPUB_ID])
    with zipfile.ZipFile(folder / "site.zip") as zf:
        zf.extractall(folder / "unzipped")
    root = folder / "unzipped"
    sha = {work_id: url.rsplit("/", 1)[1] for work_id, url in books.items()}
    return root / "read" / f"{sha[LEAFLET_ID]}.html", root / "read" / sha[EPUB_ID] / "1.html", root


def _at_page(page, n) -> bool:
    return -2 <= page.evaluate("n => document.getElementById('p-' + n).getBoundingClientRect().top", n) <= 20


def test_the_exported_reader_turns_pages_and_chapters_from_file_on_a_phone(reader_site, browser):
    leaflet, epub, root = reader_site
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.asked, page.errors = [], []
    page.on("request", lambda r: page.asked.append(r.url))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto((root / "works" / "t-leaflet20.html").as_uri())
    with page.expect_navigation():
        page.locator("p.book a").first.click()  # "Read"
    assert page.url == leaflet.as_uri()
    assert page.locator("section.page img[loading=lazy]").count() == 20
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    page.locator("nav.reader-nav a[rel=next]").click()
    assert _at_page(page, 2) and page.locator(".position").first.inner_text() == "2 / 20"
    field = page.locator("form.goto input").first
    field.fill("7")
    field.press("Enter")
    page.wait_for_function("() => Math.abs(document.getElementById('p-7').getBoundingClientRect().top) < 30")
    page.goto(leaflet.as_uri())  # opened again from the folder: back at page 7
    page.wait_for_function("() => Math.abs(document.getElementById('p-7').getBoundingClientRect().top) < 30")
    shown = page.evaluate("document.querySelector('#p-7 img').currentSrc")
    assert shown.startswith("file://") and shown.endswith("-p0007-480.webp")

    page.goto(epub.as_uri())
    assert page.locator("#chapter h1").inner_text() == "ལེའུ་1།"
    with page.expect_navigation():
        page.locator("nav.reader-nav a[rel=next]").click()
    assert page.locator("#chapter h1").inner_text() == "ལེའུ་2།" and page.url.endswith("/2.html?chapter=2")
    page.goto(epub.as_uri())  # the plain first chapter: back to chapter 2
    page.wait_for_url("**/2.html?chapter=2")
    assert page.locator("#chapter h1").inner_text() == "ལེའུ་2།"
    assert all(u.startswith(("file://", "data:")) for u in page.asked), page.asked
    assert not page.errors
    context.close()
