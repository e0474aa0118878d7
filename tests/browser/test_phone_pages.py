"""Pages on a herder's phone and a desk: the work first, tables as cards, no broken Tibetan syllable.

Also the two paths the demo opens up: a teacher saving a result to a list from the search page,
and a reviewer opening a draft's uploaded file before approving it.
"""

from __future__ import annotations

import pytest

from tests.browser.support import ACCEPT

LOCALES = ["bo", "zh_Hans", "en"]
WIDTHS = [360, 1280]
PASSWORD = "correct horse battery"

# Works of the shipped demo: an animation with subtitles, a leaflet, and a test work with a video.
WORK_PAGES = ["/works/demo-sib-0348", "/works/demo-sib-0000", "/works/t-atom"]

# Every visible text node fits its block; every line break in Tibetan falls after a tsheg, a shad
# or a space (the start of a syllable), never inside one.
LAYOUT = r"""() => {
  const problems = [];
  const isMark = c => /[\u0f18\u0f19\u0f35\u0f37\u0f39\u0f3e\u0f3f\u0f71-\u0f84\u0f86\u0f87\u0f8d-\u0fbc\u0fc6]/.test(c);
  const breakable = c => /[\u0f0b\u0f0c\u0f0d\u0f0e\u0f14\s]/.test(c);
  const hidden = el => { for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || e.classList.contains('visually-hidden')) return true;
      if (s.overflow === 'hidden' && e.getBoundingClientRect().width <= 1) return true;  // clipped for screen readers
      if (e.tagName === 'svg' || e.tagName === 'SELECT' || e.tagName === 'OPTION') return true; }
    return false; };
  const block = el => { let e = el; while (e && getComputedStyle(e).display.startsWith('inline')) e = e.parentElement; return e; };
  if (document.documentElement.scrollWidth > window.innerWidth + 1)
    problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.data.trim() || hidden(node.parentElement)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect(), container = block(node.parentElement);
    const limit = container.getBoundingClientRect();
    if (box.width > limit.width + 1 || box.right > limit.right + 1)
      problems.push(`wider than its box (${Math.round(box.width)} > ${Math.round(limit.width)}): ${node.data.slice(0, 40)}`);
    if (!/[\u0f40-\u0fbc]/.test(node.data)) continue;
    let lastTop = null;
    for (let i = 0; i < node.data.length; i++) {
      const c = node.data[i];
      if (isMark(c) || /\s/.test(c)) continue;
      range.setStart(node, i); range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (!rect) continue;
      if (lastTop !== null && rect.top > lastTop + rect.height * 0.5) {
        let j = i - 1;
        while (j >= 0 && isMark(node.data[j])) j--;
        if (j >= 0 && !breakable(node.data[j]))
          problems.push(`Tibetan line broken inside a syllable: …${node.data.slice(Math.max(0, i - 8), i)}|${node.data.slice(i, i + 8)}…`);
      }
      lastTop = rect.top;
    }
  }
  return problems;
}"""


def _context(browser, locale, width):
    return browser.new_context(viewport={"width": width, "height": 800 if width < 600 else 900},
                               extra_http_headers={"Accept-Language": ACCEPT[locale]})


def _login(page, server, name, password=PASSWORD):
    page.goto(server.url + "/login")
    page.fill("#name", name)
    page.fill("#password", password)
    page.press("#password", "Enter")
    page.wait_for_load_state()


@pytest.fixture(scope="module")
def people(server):
    """A teacher and a reviewer besides the editor the server already has."""
    from contentlib import accounts, workflow

    store = server.app.extensions["contentlib"].store
    for name, role in (("teacher1", "teacher"), ("reviewer1", "reviewer")):
        if accounts.get_user(store, name) is None:
            accounts.create_user(store, name, role, PASSWORD)
    # A draft with a long Tibetan title, so the queue has a row to lay out on a phone.
    if workflow.status(store, "demo-cmrc-DEV_2", "bo").state == "missing":
        workflow.save_draft(store, accounts.get_user(store, "editor"), "demo-cmrc-DEV_2", "bo",
                            {"title": "ས་གཞིའི་འགུལ་སྐྱོད་དང་མེ་རི་འབར་བའི་རྒྱུ་རྐྱེན་སྐོར་གྱི་ཚན་རིག་གི་གསལ་བཤད་རྒྱས་པ།"})
    return store


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", LOCALES)
def test_the_work_page_first_screen_shows_the_title_before_the_media(browser, server, locale, width):
    context = _context(browser, locale, width)
    try:
        page = context.new_page()
        for path in WORK_PAGES:
            page.goto(server.url + path)
            page.evaluate("document.fonts.ready.then(() => true)")
            title = page.locator("h1.work-titles .work-title").first
            box = title.bounding_box()
            assert box and box["y"] + min(box["height"], 60) <= page.viewport_size["height"], (path, box)
            media = page.locator("section.media").bounding_box()
            assert media["y"] >= box["y"] + box["height"] - 1, path  # the title leads
            badges = page.locator("header.work-head .badges").bounding_box()
            assert badges["y"] < media["y"], path
            video = page.locator("section.media video")
            if video.count():
                vbox, main = video.first.bounding_box(), page.locator("main").bounding_box()
                assert vbox["width"] >= main["width"] - 60, (path, vbox, main)  # the player at the content width
                assert page.locator("section.media video track[srclang=bo]").count() == 1
                assert page.locator("section.media video track[srclang=zh]").count() == 1
            assert page.evaluate(LAYOUT) == [], path
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", LOCALES)
def test_coverage_queue_and_glossary_fit_without_breaking_tibetan(browser, server, people, locale, width):
    context = _context(browser, locale, width)
    try:
        page = context.new_page()
        _login(page, server, "editor", "correct horse battery")
        for path in ("/coverage", "/editor/", "/glossary", "/editor/interface/"):
            page.goto(server.url + path)
            page.evaluate("document.fonts.ready.then(() => true)")
            assert page.evaluate(LAYOUT) == [], path
            if width < 600 and path == "/coverage":  # stacked: a row is a card, its header hidden
                assert page.locator("table.stacked thead").first.bounding_box()["width"] <= 1
                assert page.locator("table.todo a.translate").count() > 0  # a "translate" action per work
            if path == "/editor/":
                assert page.locator("table.queue tbody tr[id^=q-]").count() >= 1
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_teacher_saves_a_search_result_to_a_list(browser, server, people, width):
    context = _context(browser, "bo", width)
    try:
        page = context.new_page()
        _login(page, server, "teacher1")
        page.goto(server.url + "/search?q=moon")
        first = page.locator("li.result").first
        assert first.locator("img.thumb, .thumb-placeholder").count() == 1
        work = first.locator("input[name=work_id]").get_attribute("value")
        first.locator(".card-save button").click()
        page.wait_for_load_state()
        assert "/search" in page.url  # back on the results
        assert page.locator("li.result").first.locator(".card-save button").inner_text().endswith("✓")
        page.goto(server.url + "/lists")
        page.locator("main a[href^='/lists/']").first.click()
        assert page.locator(f"a[href='/works/{work}']").count() >= 1
        assert page.evaluate(LAYOUT) == []
    finally:
        context.close()


def test_the_saving_form_works_without_javascript(browser, server, people):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800},
                                  extra_http_headers={"Accept-Language": ACCEPT["en"]})
    try:
        page = context.new_page()
        _login(page, server, "teacher1")
        page.goto(server.url + "/search?q=water")
        page.locator("li.result .card-save button").first.click()
        page.wait_for_load_state()
        assert "/search" in page.url and "✓" in page.locator("li.result").first.inner_text()
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_reviewer_opens_the_drafts_file(browser, server, people, width, tmp_path):
    from contentlib import accounts, attachments, workflow
    from tests.unit import media_samples as ms

    res = server.app.extensions["contentlib"]
    store, editor = res.store, accounts.get_user(people, "editor")
    work_id = "demo-cmrc-DEV_1"
    if workflow.status(store, work_id, "bo").state != "in_review":
        picture = tmp_path / "poster.png"
        ms.picture((400, 300)).save(picture)
        entry = attachments.ingest_upload(res.media, picture, "རི་མོ.png", work_id, "bo", "cover")
        workflow.attach_media(store, editor, work_id, "bo", entry)
        attachments.finish_work(store, res.media, work_id)
        workflow.save_draft(store, editor, work_id, "bo", {"title": "རྒྱ་རྔའི་ལག་ལེན།"})
        workflow.submit(store, editor, work_id, "bo")
    context = _context(browser, "bo", width)
    try:
        page = context.new_page()
        _login(page, server, "reviewer1")
        page.goto(server.url + f"/editor/works/{work_id}/bo/review")
        files = page.locator(".review-file")
        assert files.count() == 1 and "རི་མོ.png" in files.first.inner_text()
        assert page.locator(".review-file img").evaluate("img => img.complete && img.naturalWidth > 0")
        with page.expect_response(lambda r: "/media/" in r.url) as opened:
            page.locator(".review-file a.open-file").click()
        assert opened.value.status == 200 and opened.value.headers["content-type"].startswith("image/")
        page.go_back()
        history = page.locator("ol.history").inner_text()
        assert "རི་མོ.png" in history
        assert page.locator("#approve").count() == 1  # the reviewer may now approve
    finally:
        context.close()
