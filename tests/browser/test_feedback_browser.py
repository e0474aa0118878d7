"""After an action the page says what it did, where the visitor is (issue 26, item 6), in Chromium.

"Save to list" on the third result of a search brings a phone back to that card, not to the
top of the results, and the card says it was saved; approving a draft returns the reviewer
to the queue, which says it was published. At 360 and 1280 px, in the three languages.
"""

from __future__ import annotations

import pytest

from tests.browser.support import ACCEPT

LOCALES = ["bo", "zh_Hans", "en"]
WIDTHS = [360, 1280]
PASSWORD = "correct horse battery"
SAVED = {"bo": "ཁྱེད་ཀྱི་ཐོ་གཞུང་དུ་ཉར་ཟིན།", "zh_Hans": "已保存到您的列表。", "en": "Saved to your list."}
PUBLISHED = {"bo": "ཆོག་མཆན་སྤྲད་དེ་པར་སྐྲུན་ཟིན།", "zh_Hans": "已批准并发布", "en": "Approved and published"}


@pytest.fixture(scope="module")
def people(server):
    from contentlib import accounts

    store = server.app.extensions["contentlib"].store
    for name, role in (("teacher26", "teacher"), ("reviewer26", "reviewer")):
        if accounts.get_user(store, name) is None:
            accounts.create_user(store, name, role, PASSWORD)
    return store


def _page(browser, server, locale, width, name):
    context = browser.new_context(viewport={"width": width, "height": 800 if width < 600 else 900},
                                  extra_http_headers={"Accept-Language": ACCEPT[locale]})
    page = context.new_page()
    page.goto(server.url + "/login")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_load_state()
    return context, page


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", LOCALES)
def test_save_to_list_returns_to_the_card_which_says_saved(browser, server, people, locale, width):
    context, page = _page(browser, server, locale, width, "teacher26")
    try:
        page.goto(server.url + "/search?q=water")
        page.evaluate("document.fonts.ready.then(() => true)")
        cards = page.locator("li.result")
        assert cards.count() >= 4
        card = cards.nth(3)
        card_id = card.get_attribute("id")
        card.locator(".card-save button").click()
        page.wait_for_load_state()
        page.evaluate("document.fonts.ready.then(() => true)")
        assert page.url.endswith(f"#{card_id}") and "/search?q=water" in page.url
        saved = page.locator(f"#{card_id} .card-done")
        assert saved.is_visible() and saved.inner_text().strip() == SAVED[locale]
        # The phone is at that card: scrolled down, the card and its message on the screen.
        viewport = page.viewport_size
        box, note = page.locator(f"#{card_id}").bounding_box(), saved.bounding_box()
        assert page.evaluate("window.scrollY") > 100
        assert 0 <= box["y"] < viewport["height"] / 2, box
        assert note["y"] >= 0 and note["y"] + note["height"] <= viewport["height"], note
        assert note["x"] >= 0 and note["x"] + note["width"] <= viewport["width"], note
        # Only that card says so; the others do not.
        assert page.locator(".card-done:visible").count() == 1
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", LOCALES)
def test_approving_returns_to_the_queue_which_says_published(browser, server, people, locale, width):
    from contentlib import accounts, workflow

    work_id = f"demo-cmrc-DEV_{10 + LOCALES.index(locale) * 2 + WIDTHS.index(width)}"  # one draft per run
    editor = accounts.get_user(people, "editor")
    if workflow.status(people, work_id, "bo").state != "in_review":
        workflow.save_draft(people, editor, work_id, "bo", {"title": "ཆུ་དང་འཕྲོད་བསྟེན།"})
        workflow.submit(people, editor, work_id, "bo")
    context, page = _page(browser, server, locale, width, "reviewer26")
    try:
        page.goto(server.url + f"/editor/works/{work_id}/bo/review")
        page.locator("#approve").click()
        page.wait_for_load_state()
        assert page.url.split("?")[0].endswith("/editor/")
        message = page.locator("#done")
        assert message.is_visible() and PUBLISHED[locale] in message.inner_text()
        box = message.bounding_box()
        assert 0 <= box["y"] < page.viewport_size["height"] and box["x"] + box["width"] <= page.viewport_size["width"]
        assert page.locator(f"#q-{work_id}-bo").count() == 0  # no longer waiting
        assert workflow.status(people, work_id, "bo").state == "published"
    finally:
        context.close()
