"""What stuck out or ran long at 360 px (issue 26, item 9), measured at 360 and 1280 px in three languages.

The editor's file input and role select stay inside their card; the coverage page leads with
its summary, keeps each group's table and the long to-translate list folded until asked,
and its legend keys stay whole; the search box shows its whole placeholder.
"""

from __future__ import annotations

import pytest

LOCALES = ["bo", "zh_Hans", "en"]
WIDTHS = [360, 1280]

# The placeholder, typed in at the placeholder's own size, must not scroll the box.
PLACEHOLDER_FITS = r"""() => {
  const q = document.querySelector('#q');
  q.style.fontSize = getComputedStyle(q, '::placeholder').fontSize;
  q.value = q.placeholder;
  const fits = [q.placeholder, q.scrollWidth, q.clientWidth];
  q.value = ''; q.style.fontSize = '';
  return fits;
}"""
# Lines a key's words take (its text only; the swatch sits on the middle of the line).
LINES = r"""e => { const tops = new Set();
  for (const node of e.childNodes) { if (node.nodeType !== Node.TEXT_NODE || !node.data.trim()) continue;
    const range = document.createRange(); range.selectNodeContents(node);
    for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top)); }
  return tops.size; }"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", LOCALES)
def test_the_editors_file_input_and_role_select_stay_in_their_card(open_as_editor, locale, width):
    page = open_as_editor("/editor/works/t-atom/bo", locale=locale, width=width)
    card = page.locator("section.version-bo").bounding_box()
    for selector in ("#file", "#role", "form[enctype] button"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= card["x"] - 1 and box["x"] + box["width"] <= card["x"] + card["width"] + 1, (selector, box, card)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", LOCALES)
def test_coverage_leads_with_its_summary_and_folds_the_details(open_as_editor, locale, width):
    page = open_as_editor("/coverage", locale=locale, width=width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < (6000 if width < 600 else 3500), height  # 36,218 px at 360 before (bo)
    summary = page.locator("#by-language")
    assert summary.is_visible() and summary.locator("tbody tr").count() == 3
    groups = page.locator("details.coverage-group")
    assert groups.count() == 3
    for i in range(3):
        group = groups.nth(i)
        assert group.get_attribute("open") is None and not group.locator("table").is_visible()
        assert group.bounding_box()["y"] > summary.bounding_box()["y"]
    # Ten works to translate at once, the rest on demand.
    shown = page.locator("table.todo tbody tr:visible").count()
    assert 1 <= shown <= 10
    more = page.locator("details.todo-more")
    if more.count():
        folded = more.locator("tbody tr").count()
        more.locator("summary").click()
        assert page.locator("table.todo tbody tr:visible").count() == shown + folded
    groups.nth(0).locator("summary").click()
    assert groups.nth(0).locator("table").is_visible()
    # Each legend key on one line, the legend within the page.
    keys = page.locator("ul.legend li")
    assert keys.count() == 4
    for i in range(4):
        assert keys.nth(i).evaluate(LINES) == 1, keys.nth(i).inner_text()
        box = keys.nth(i).bounding_box()
        assert box["x"] + box["width"] <= width
    assert page.locator(".legend").bounding_box()["x"] >= 0


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", LOCALES)
def test_the_search_placeholder_is_shown_whole(open_page, open_as_editor, locale, width):
    for page in (open_page("/", locale=locale, width=width), open_as_editor("/coverage", locale=locale, width=width)):
        text, scroll, client = page.evaluate(PLACEHOLDER_FITS)
        assert text and scroll <= client, (text, scroll, client)
