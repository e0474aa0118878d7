"""The interface-string review page in Chromium (issue 26): the Tibetan box is the widest thing in its row on a
desk and fits a phone, the page is a page (not 37,680 px of every string), and a confirmation comes back to the
string confirmed."""

from __future__ import annotations

import pytest

LOCALES = ["bo", "zh_Hans", "en"]
WIDTHS = [360, 1280]

# Per row: the editable box's width and the widest other cell's content (the source texts, the state).
MEASURE = r"""() => {
  const rows = [...document.querySelectorAll('table.interface-strings tbody tr')];
  return {
    height: document.documentElement.scrollHeight,
    scrollWidth: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    rows: rows.map(tr => {
      const box = tr.querySelector('textarea').getBoundingClientRect();
      const others = [...tr.querySelectorAll('td.source, td.state')].map(td => td.getBoundingClientRect().width);
      return {id: tr.id, box: box.width, left: box.left, right: box.right, rows: tr.querySelector('textarea').rows,
              other: Math.max(...others), row: tr.getBoundingClientRect().width};
    }),
  };
}"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", LOCALES)
def test_the_tibetan_box_is_the_widest_and_the_page_is_bounded(open_as_editor, locale, width):
    page = open_as_editor("/editor/interface/?locale=bo", locale=locale, width=width)
    m = page.evaluate(MEASURE)
    assert 1 <= len(m["rows"]) <= 25
    assert m["scrollWidth"] <= m["viewport"] + 1, m  # nothing sticks out sideways
    for r in m["rows"]:
        assert r["rows"] >= 3 and r["left"] >= 0 and r["right"] <= m["viewport"], r  # in the viewport
        if width >= 1280:
            assert r["box"] > r["other"] and r["box"] >= 0.5 * r["row"], r  # the widest, half the row at least
        else:
            assert r["box"] >= 0.8 * r["row"], r  # a phone: the card's width
    if width >= 1280:
        assert m["height"] < 8000, m["height"]
    else:
        assert m["height"] < 25000, m["height"]
    print(f"interface review {locale} {width}px: {m['height']} px tall, box {round(m['rows'][0]['box'])} px "
          f"of a {round(m['rows'][0]['row'])} px row")


def test_a_confirmation_returns_to_the_same_string_on_the_same_filtered_page(open_as_editor):
    page = open_as_editor("/editor/interface/?locale=bo&state=draft", locale="en", width=1280)
    page.click("a[rel=next] >> nth=0")
    page.wait_for_load_state()
    row = page.locator("table.interface-strings tbody tr").nth(4)
    anchor = row.get_attribute("id")
    english = row.locator("td.source span[lang=en]").first.inner_text()
    shown = page.locator("table.interface-strings tbody tr").evaluate_all("rows => rows.map(r => r.id)")
    row.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("#" + anchor) and "state=draft" in page.url
    assert page.locator("table.interface-strings tbody tr").evaluate_all("rows => rows.map(r => r.id)") == shown
    assert page.locator("#done").inner_text() == f"Saved: {english}. The interface uses it from now on."
    saved = page.locator(f"tr#{anchor}")
    assert "Confirmed by editor" in saved.inner_text()
    box, viewport = saved.bounding_box(), page.viewport_size
    assert 0 <= box["y"] < viewport["height"]  # scrolled to it
