"""The in-page reader in Chromium on a phone (360 px) and a desk (1280 px), in the three interface languages.

Next page (button, arrow key, swipe), go to page, the page remembered in this browser after a reload
and in a new tab, data saver's smaller pictures, chapters of an EPUB, and no script error or CSP refusal.
"""

from __future__ import annotations

import pytest

from tests.browser.support import ACCEPT, EPUB_ID, LEAFLET_ID, add_reader_books
from tests.browser.test_phone_pages import LAYOUT

LOCALES = ["bo", "zh_Hans", "en"]
WIDTHS = [360, 1280]
# The page in view: its section's top is at the top of the window (scroll-margin .5rem).
TOP_OF = "n => Math.round(document.getElementById('p-' + n).getBoundingClientRect().top)"


@pytest.fixture(scope="module")
def books(server):
    return add_reader_books(server)


@pytest.fixture
def context_for(browser):
    contexts = []

    def _make(locale, width, **kwargs):
        context = browser.new_context(viewport={"width": width, "height": 800 if width < 600 else 900},
                                      extra_http_headers={"Accept-Language": ACCEPT[locale], **kwargs.pop("headers", {})},
                                      **kwargs)
        contexts.append(context)
        return context

    yield _make
    for c in contexts:
        c.close()


def _at(page, n) -> bool:
    return -2 <= page.evaluate(TOP_OF, n) <= 20


def _open(context, url):
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(url)
    page.evaluate("document.fonts.ready.then(() => true)")
    page.problems = problems
    return page


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", LOCALES)
def test_next_page_go_to_page_and_the_remembered_page(server, books, context_for, locale, width):
    context = context_for(locale, width)
    url = server.url + books[LEAFLET_ID]
    page = _open(context, url)
    assert page.locator("section.page").count() == 20
    assert page.locator("section.page img[loading=lazy]").count() == 20
    assert page.evaluate(LAYOUT) == []  # nothing wider than the phone, no Tibetan syllable broken
    text = page.locator("#p-1 .page-text p[lang=bo]").first.inner_text()
    assert text and "\u0f0b" in text  # the page's words are text: selectable, findable, read aloud

    page.locator("nav.reader-nav a[rel=next]").first.click()
    assert _at(page, 2)
    assert "2" in page.locator(".position").first.inner_text()
    page.keyboard.press("ArrowRight")
    assert _at(page, 3)
    page.keyboard.press("ArrowLeft")
    assert _at(page, 2)

    field = page.locator("form.goto input").first
    field.fill("7")
    field.press("Enter")
    page.wait_for_function("() => document.getElementById('p-7').getBoundingClientRect().top < 30")
    assert _at(page, 7)
    assert page.evaluate(f"localStorage.getItem('contentlib:reader:{books[LEAFLET_ID].rsplit('/', 1)[1]}')") == "7"

    page.reload()
    page.wait_for_function("() => Math.abs(document.getElementById('p-7').getBoundingClientRect().top) < 30")
    other = _open(context, url)  # a new tab, the same browser: the reader goes back to page 7
    other.wait_for_function("() => Math.abs(document.getElementById('p-7').getBoundingClientRect().top) < 30")
    assert page.problems == [] and other.problems == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", LOCALES)
def test_data_saver_loads_only_the_smaller_pictures(server, books, context_for, locale, width):
    normal = _open(context_for(locale, width), server.url + books[LEAFLET_ID])
    normal.wait_for_load_state("networkidle")
    first = normal.locator("#p-1 img")
    assert first.get_attribute("srcset")
    wanted = "-480.webp" if width < 600 else "-1000.webp"  # one device pixel per CSS pixel here
    assert normal.evaluate("() => document.querySelector('#p-1 img').currentSrc").endswith(wanted)

    saving = _open(context_for(locale, width, headers={"Save-Data": "on"}), server.url + books[LEAFLET_ID])
    saving.wait_for_load_state("networkidle")
    assert saving.locator("img[srcset]").count() == 0
    loaded = saving.evaluate("() => [...document.querySelectorAll('section.page img')]"
                             ".filter(i => i.complete && i.currentSrc).map(i => i.currentSrc)")
    assert loaded and all(src.endswith("-480.webp") for src in loaded)
    assert len(loaded) < 20  # lazily: only the pages near the window


def test_a_swipe_turns_the_page_on_a_phone(server, books, context_for):
    page = _open(context_for("bo", 360, has_touch=True, is_mobile=True), server.url + books[LEAFLET_ID])
    swipe = """([x0, x1]) => {
      const root = document.getElementById('reader');
      const touch = x => new Touch({identifier: 1, target: root, clientX: x, clientY: 300});
      root.dispatchEvent(new TouchEvent('touchstart', {touches: [touch(x0)], changedTouches: [touch(x0)], bubbles: true}));
      root.dispatchEvent(new TouchEvent('touchend', {touches: [], changedTouches: [touch(x1)], bubbles: true}));
    }"""
    page.evaluate(swipe, [300, 60])  # right to left: the next page
    assert _at(page, 2)
    page.evaluate(swipe, [60, 300])
    assert _at(page, 1)
    assert page.problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_epub_chapters_turn_and_the_chapter_is_remembered(server, books, context_for, width):
    context = context_for("en", width)
    url = server.url + books[EPUB_ID]
    page = _open(context, url)
    assert page.locator("#chapter h1").inner_text() == "ལེའུ་1།"
    with page.expect_navigation():
        page.locator("nav.reader-nav a[rel=next]").first.click()
    assert page.locator("#chapter h1").inner_text() == "ལེའུ་2།"
    with page.expect_navigation():
        page.keyboard.press("ArrowRight")
    assert page.locator("#chapter h1").inner_text() == "ལེའུ་3།"
    page.locator("details.toc summary").click()
    assert page.locator("details.toc li").count() == 5
    again = _open(context, url)  # the plain address: back to chapter 3
    again.wait_for_url("**?chapter=3")
    assert again.locator("#chapter h1").inner_text() == "ལེའུ་3།"
    assert again.evaluate(LAYOUT) == []
    assert page.problems == [] and again.problems == []


@pytest.mark.parametrize("book", [LEAFLET_ID, EPUB_ID])
@pytest.mark.parametrize("locale", LOCALES)
def test_axe_finds_no_serious_or_critical_violations_in_the_reader(open_page, books, book, locale):
    from tests.browser.test_interface import run_axe

    run_axe(open_page(books[book], locale), f"reader {book}", locale)
