"""/reports on a 360 px phone and a 1280 px desk, in the three interface languages, measured.

What a reviewer reading the report on a phone tripped over (issue 26, item 5): chart labels
shrunk to 6 px, table headers one syllable per line in a sideways scroller, filter labels
beside the wrong field; and on a desk, month labels mixing Tibetan and Latin digits.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.support import ACCEPT
from tests.browser.test_reports_browser import PASSWORD, Q1

LOCALES = ["bo", "zh_Hans", "en"]
WIDTHS = [360, 1280]
TIBETAN_DIGITS = re.compile("[\u0f20-\u0f33]")

MEASURE = r"""() => {
  const visible = e => { const r = e.getBoundingClientRect(); return r.width > 1 && r.height > 1
                         && getComputedStyle(e).visibility !== 'hidden'; };
  const out = {vw: window.innerWidth, scrollWidth: document.documentElement.scrollWidth, wide: [], charts: [],
               scrollers: [], headers: [], cells: [], fields: []};
  for (const e of document.querySelectorAll('main *')) {
    const head = e.closest('thead');
    if (!visible(e) || e.closest('.visually-hidden') || head && getComputedStyle(head).position === 'absolute') continue;
    const r = e.getBoundingClientRect();
    if (r.right > window.innerWidth + 1 || r.left < -1)
      out.wide.push(`${e.tagName}.${e.className.baseVal ?? e.className} ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  for (const svg of document.querySelectorAll('svg.chart')) {
    if (!visible(svg)) continue;
    const scale = svg.getScreenCTM().a;
    const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
    const months = [...svg.querySelectorAll('text.month')].map(t => {
      const b = t.getBoundingClientRect(); return [b.left, b.right, t.textContent]; });
    out.charts.push({id: svg.id, smallest: Math.min(...sizes), months});
  }
  for (const w of document.querySelectorAll('.table-wrap'))
    if (visible(w)) out.scrollers.push([w.scrollWidth, w.clientWidth]);
  const lines = node => { const range = document.createRange(); range.selectNodeContents(node);
    return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size; };
  for (const th of document.querySelectorAll('table.report thead th')) {
    if (visible(th) && getComputedStyle(th.closest('thead')).position !== 'absolute')
      out.headers.push([th.textContent.trim(), lines(th), th.closest('table').classList.contains('stacked')]);
  }
  for (const td of document.querySelectorAll('table.report.stacked td[data-label]')) {
    if (!visible(td)) continue;
    const before = getComputedStyle(td, '::before').content;
    const value = td.getBoundingClientRect(), table = td.closest('table').getBoundingClientRect();
    const range = document.createRange(); range.selectNodeContents(td);
    const text = range.getBoundingClientRect();
    out.cells.push({label: before, width: value.width, table: table.width, height: value.height, line: text.height});
  }
  for (const label of document.querySelectorAll('form.report-period label')) {
    const field = document.getElementById(label.htmlFor), l = label.getBoundingClientRect(), f = field.getBoundingClientRect();
    out.fields.push({label: label.textContent.trim(), labelBottom: l.bottom, labelLeft: l.left, fieldTop: f.top, fieldLeft: f.left});
  }
  return out;
}"""


def open_report(browser, server, locale, width):
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  extra_http_headers={"Accept-Language": ACCEPT[locale]})
    page = context.new_page()
    page.goto(server.url + "/login")
    page.fill("#name", "chief")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_load_state()
    page.goto(server.url + Q1)
    page.evaluate("document.fonts.ready.then(() => true)")
    return context, page


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", LOCALES)
def test_report_fits_with_readable_charts_tables_and_labelled_fields(browser, report_server, locale, width):
    context, page = open_report(browser, report_server, locale, width)
    try:
        m = page.evaluate(MEASURE)
    finally:
        context.close()
    # Nothing wider than the screen, and no table that has to be scrolled sideways.
    assert m["scrollWidth"] <= m["vw"] + 1 and m["wide"] == [], m["wide"][:5]
    assert all(scroll <= client + 1 for scroll, client in m["scrollers"]), m["scrollers"]
    # One drawing of each chart, with every label at 11 px or more as drawn, months side by side.
    ids = sorted(c["id"] for c in m["charts"])
    base = ["chart-added", "chart-demand", "chart-gaps", "chart-libraries", "chart-tibetan", "chart-translation",
            "chart-usage"]
    assert ids == sorted(i + ("-narrow" if width < 600 else "") for i in base), ids
    for chart in m["charts"]:
        assert chart["smallest"] >= 11, (chart["id"], chart["smallest"])
        for (_l1, r1, t1), (l2, _r2, t2) in zip(chart["months"], chart["months"][1:]):
            assert r1 <= l2, (chart["id"], t1, t2)
    if width < 600:
        # Each month a card: its figures one per line, the label and value across the card, and a
        # label on at most two lines (never a syllable per line).
        stacked = [h for h in m["headers"] if h[2]]
        assert stacked == []  # a card's column headers are hidden, each value carries its own
        assert len(m["cells"]) > 30
        for cell in m["cells"]:
            assert cell["label"] not in ("none", "normal", '""'), cell
            assert cell["width"] >= 0.9 * cell["table"] - 30, cell
            assert cell["height"] <= 2.6 * cell["line"] + 12, cell
    else:
        assert len(m["headers"]) > 20
    for text, lines, _stacked in m["headers"]:  # on a desk, under its chart, each header on one line
        assert lines <= (2 if width < 600 else 1), (text, lines)
    # Every filter's label stands above its own field, at its left edge.
    assert len(m["fields"]) == 7
    for f in m["fields"]:
        assert f["fieldTop"] >= f["labelBottom"] - 2, f
        assert abs(f["fieldLeft"] - f["labelLeft"]) <= 2, f


@pytest.mark.parametrize("locale", LOCALES)
def test_month_labels_use_one_digit_set(browser, report_server, locale):
    """CLDR's Tibetan month is "ཟླ་༡" beside a year "2026": the Tibetan UI writes both in Latin digits."""
    context, page = open_report(browser, report_server, locale, 1280)
    try:
        months = page.locator("#chart-usage text.month").all_text_contents()
        years = page.locator("#chart-usage text.year").all_text_contents()
        rows = page.locator("#table-usage tbody th[scope=row]").all_text_contents()
        period = page.locator(".period-line").inner_text()
    finally:
        context.close()
    assert len(months) == 3 and years == ["2026"] and len(rows) == 3
    for text in months + rows + [period]:
        assert not TIBETAN_DIGITS.search(text), text
    if locale == "bo":
        assert months == ["ཟླ་1", "ཟླ་2", "ཟླ་3"]
        assert [r.strip() for r in rows] == ["ཟླ་1 2026", "ཟླ་2 2026", "ཟླ་3 2026"]
