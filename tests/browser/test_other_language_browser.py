"""The search page's "Only in Chinese: ask for a Tibetan version" section in Chromium, in three languages."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest

from tests.browser.support import ACCEPT

HEADINGS = {"en": "Only in Chinese: ask for a Tibetan version"}
# Tibetan words for topics the demo's Chinese-only passages (CMRC) are about
CANDIDATES = ("རྒྱལ་ཁབ", "ལོ་རྒྱུས", "ཚན་རིག", "སློབ་གྲྭ", "མི་རིགས", "ས་ཁུལ")


@pytest.fixture(scope="module")
def reach_query(server):
    """A Tibetan query whose other-language block is not empty, once the lexicon is learned from the demo."""
    server.app.extensions["contentlib"].build_lexicon()
    for q in CANDIDATES:
        url = f"{server.url}/api/v1/search?{urllib.parse.urlencode({'q': q})}"
        with urllib.request.urlopen(url, timeout=60) as r:
            body = json.load(r)
        if body["other_language"]["results"]:
            return q, body["other_language"]
    pytest.fail("no candidate query reached a Chinese-only demo work")


@pytest.mark.parametrize("locale, width", [("bo", 360), ("zh_Hans", 1280), ("en", 360)])
def test_the_section_shows_and_its_ask_button_counts(browser, server, reach_query, locale, width):
    q, block = reach_query
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  extra_http_headers={"Accept-Language": ACCEPT[locale]})
    try:
        page = context.new_page()
        page.goto(f"{server.url}/search?{urllib.parse.urlencode({'q': q})}")
        section = page.locator("section.other-language")
        assert section.count() == 1
        heading = section.locator("h2").inner_text().strip()
        assert heading and (heading == HEADINGS["en"]) == (locale == "en")
        ids = [a.get_attribute("href").rsplit("/", 1)[-1] for a in section.locator("li a").all()]
        assert ids == [r["id"] for r in block["results"]]
        box = section.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1  # no sideways scrolling on a phone
        section.locator("form.ask button").first.click()
        page.wait_for_load_state()
        assert f"/works/{ids[0]}" in page.url and "asked=1" in page.url
        assert page.locator("form.ask .notice").count() == 1
    finally:
        context.close()
