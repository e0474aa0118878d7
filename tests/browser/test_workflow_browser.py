"""The translation workflow in a real browser (Chromium via Playwright), pages only, no JavaScript needed.

Skipped only when Chromium is absent and CONTENTLIB_REQUIRE_BROWSER is unset.
"""

import os
import re
import shutil
import threading

import pytest

from contentlib import accounts, indexing, records
from tests.browser.support import reload_until
from tests.conftest import DATA, PASSWORD

QUEUE = re.compile(r"/editor/(\?done=[a-z-]+)?$")  # the queue, saying what was just done

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
if CHROMIUM is None and not os.environ.get("CONTENTLIB_REQUIRE_BROWSER"):
    pytest.skip("chromium is not installed", allow_module_level=True)

TITLE = "མཐོ་སྒང་གི་ཆུ་འཐུང་འཕྲོད་བསྟེན།"


@pytest.fixture
def server(app):
    from werkzeug.serving import make_server

    from catalog.resources import start_workers

    res = app.extensions["contentlib"]
    records.import_file(res.store, DATA / "works.jsonl")
    indexing.drain(res.store, res.index)
    for role in ("editor", "reviewer"):
        accounts.create_user(res.store, role, role, PASSWORD)
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    workers = start_workers(app)  # as `contentlib serve` does: the index follows the outbox
    yield f"http://127.0.0.1:{srv.server_port}"
    workers.stop.set()
    workers.join(timeout=10)
    srv.shutdown()
    thread.join()


# ``browser`` is the session's Chromium from tests/browser/conftest.py: one Playwright per
# session, as a second sync_playwright() inside the first refuses to start.


def login(page, base, name):
    page.goto(f"{base}/login")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    assert page.locator("#logout").count() == 1


def bo_missing(page, base):
    page.goto(f"{base}/coverage")
    return int(page.locator("#lang-bo .n-missing").inner_text())


def test_draft_review_publish_in_the_browser(server, browser):
    base = server
    public = browser.new_context(locale="en-US", java_script_enabled=False).new_page()
    missing_before = bo_missing(public, base)

    editor = browser.new_context(locale="en-US", java_script_enabled=False).new_page()
    login(editor, base, "editor")
    editor.goto(f"{base}/coverage")
    editor.locator("table.todo tr", has_text="高原饮水卫生").get_by_role("link", name="Translate").click()
    assert "高原饮水卫生" in editor.locator("#seg-title").inner_text()  # the workbench, which works without JS
    editor.get_by_role("link", name="Edit as one text").click()  # and links the form
    assert "高原饮水卫生" in editor.locator(".side-by-side").inner_text()
    editor.fill("#title", TITLE)
    editor.fill("#description", "ཆུ་གཙང་མ་འཐུང་དགོས།")
    editor.fill("#keywords", "ཆུ, འཕྲོད་བསྟེན")
    editor.get_by_role("button", name="Save and send to review").click()
    assert QUEUE.search(editor.url)
    assert TITLE in editor.locator("#q-t-book-bo").inner_text()

    public.goto(f"{base}/works/t-book")
    assert TITLE not in public.content()
    public.goto(f"{base}/search?q={TITLE}")
    assert "/works/t-book" not in public.content()

    editor.goto(f"{base}/editor/works/t-book/bo/review")
    assert editor.locator("#approve").count() == 0
    editor.locator("#logout").click()

    reviewer = browser.new_context(locale="en-US", java_script_enabled=False).new_page()
    login(reviewer, base, "reviewer")
    reviewer.goto(f"{base}/editor/")
    reviewer.locator("#q-t-book-bo a").click()
    assert TITLE in reviewer.locator(".diff ins").first.inner_text()
    reviewer.locator("#approve").click()
    assert QUEUE.search(reviewer.url)

    public.goto(f"{base}/works/t-book")
    assert public.locator('h1 [lang="bo"]').inner_text() == TITLE
    assert reload_until(public, f"{base}/search?q={TITLE}", 'a[href="/works/t-book"]') >= 1
    assert bo_missing(public, base) == missing_before - 1

    reviewer.goto(f"{base}/editor/works/t-book/bo/review")
    steps = reviewer.locator("ol.history > li").all_inner_texts()
    assert len(steps) == 3
    assert re.search(r"reviewer .*in review → published", steps[0])
    assert re.search(r"editor .*draft → in review", steps[1])
    assert re.search(r"editor .*missing → draft", steps[2])
