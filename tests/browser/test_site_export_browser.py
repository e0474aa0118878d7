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
