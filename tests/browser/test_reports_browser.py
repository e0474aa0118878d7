"""/reports in Chromium: chart labels shaped by the self-hosted Tibetan font, and the report printed on A4.

The shaping check is the cover-card test's, done on the page: a chart's Tibetan label as
Chromium draws it (no system Tibetan font, so the page's woff2 face) is compared with the
same text shaped by Pillow's raqm layout in the same font at the same size, and with
Pillow's basic (unshaped) layout, which draws the stacks apart: it must match the first
and be clearly nearer to it than to the second.
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageStat

from contentlib.fonts import TIBETAN_FONT_FAMILY
from contentlib.media.renditions import TIBETAN_FONT
from tests.browser.conftest import REPORT_PASSWORD as PASSWORD
from tests.browser.support import ACCEPT, HTML_LANG

SCALE = 4            # device pixels per CSS pixel: enough detail to see a stack
Q1 = "/reports?from=2026-01&to=2026-03"
RA_U = "\u0fb2\u0f74"  # subjoined ra with vowel u: one of the font's ligatures, drawn apart by older HarfBuzz


def open_reports(browser, server, locale, path=Q1, scale=1):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=scale,
                                  extra_http_headers={"Accept-Language": ACCEPT[locale]})
    page = context.new_page()
    page.goto(server.url + "/login")
    page.fill("#name", "chief")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_load_state()
    page.goto(server.url + path)
    page.evaluate("document.fonts.ready.then(() => true)")
    return context, page


def ink(image: Image.Image) -> Image.Image:
    """The image cropped to its dark pixels (the drawn text), in grey."""
    grey = image.convert("L")
    box = Image.eval(grey, lambda v: 255 if v < 160 else 0).getbbox()
    assert box, "nothing was drawn"
    return grey.crop(box)


def pillow(text: str, px: int, layout) -> Image.Image:
    font = ImageFont.truetype(str(TIBETAN_FONT), px, layout_engine=layout)
    canvas = Image.new("L", (px * (len(text) + 2), px * 3), 255)
    ImageDraw.Draw(canvas).text((px, px), text, font=font, fill=0)
    return ink(canvas)


def difference(drawn: Image.Image, reference: Image.Image) -> float:
    """Mean grey difference (0-255) once the drawn text is scaled onto the reference's box."""
    return ImageStat.Stat(ImageChops.difference(drawn.resize(reference.size, Image.LANCZOS), reference)).mean[0]


def test_chart_tibetan_labels_are_shaped_like_raqm_in_the_self_hosted_font(bare_browser, report_server, tmp_path):
    context, page = open_reports(bare_browser, report_server, "bo", scale=SCALE)
    labels = page.locator("#chart-gaps text.label")
    assert labels.count() >= 1
    months = page.locator("#chart-usage text.month")
    checked = 0
    for el in [labels.nth(i) for i in range(labels.count())] + [months.nth(0)]:
        # A month label is "ཟླ་1": its digits are Latin by choice (catalog/reports.py) and drawn in
        # another face, so the stacked letters alone are compared.
        el.evaluate(r"e => { e.textContent = e.textContent.replace(/[0-9]/g, '') }")
        text = el.text_content()
        assert re.search(r"[\u0f00-\u0fff]", text), text
        family = el.evaluate("e => getComputedStyle(e).fontFamily.split(',')[0].replace(/[\"']/g, '').trim()")
        assert family == TIBETAN_FONT_FAMILY
        if RA_U in text:
            continue  # Chromium's HarfBuzz draws ra+u as the font's ligature, Pillow's raqm does not
        size = el.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        el.scroll_into_view_if_needed()
        # Only this label in its chart, so the clip holds nothing else (no axis, no bar, no year).
        el.evaluate("e => e.ownerSVGElement.querySelectorAll('*').forEach(o => o.style.visibility = o === e ? 'visible' : 'hidden')")
        box = el.bounding_box()
        shot = page.screenshot(clip={"x": box["x"] - 6, "y": box["y"] - 6,
                                     "width": box["width"] + 12, "height": box["height"] + 12})
        drawn = ink(Image.open(io.BytesIO(shot)))
        drawn.save(tmp_path / f"label-{checked}.png")  # for a person to look at when it fails
        shaped = pillow(text, round(size * SCALE), ImageFont.Layout.RAQM)
        unshaped = pillow(text, round(size * SCALE), ImageFont.Layout.BASIC)
        # The same outline box as raqm's, within a few device pixels.
        assert abs(drawn.width - shaped.width) <= max(4, 0.02 * shaped.width), (text, drawn.size, shaped.size)
        assert abs(drawn.height - shaped.height) <= max(4, 0.04 * shaped.height), (text, drawn.size, shaped.size)
        near, far = difference(drawn, shaped), difference(drawn, unshaped)
        assert near < 25, (text, near)
        assert near < 0.7 * far, (text, near, far)
        checked += 1
    assert checked >= 2, "no label left to compare"
    fetched = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    assert any(TIBETAN_FONT_FAMILY in f for f in fetched)
    context.close()


@pytest.mark.parametrize("locale", ["bo", "zh_Hans", "en"])
def test_report_prints_on_a4_with_the_same_numbers(browser, report_server, locale, tmp_path):
    import pypdfium2 as pdfium

    context, page = open_reports(browser, report_server, locale, path="/reports?year=2026&quarter=1")
    assert page.evaluate("document.documentElement.lang") == HTML_LANG[locale]
    assert page.locator("script").count() == 0
    usage_row = [c.strip() for c in page.locator("#table-usage tbody tr").nth(2).locator("td").all_inner_texts()]
    assert usage_row[:3] == ["4", "6", "3"]
    page.emulate_media(media="print")
    # Nothing sticks out of the printed page's width (A4 less its margins, at 96 CSS px per inch).
    printable = (210 - 24) / 25.4 * 96
    page.set_viewport_size({"width": int(printable), "height": 1200})
    widest = page.evaluate("Math.max(...[...document.querySelectorAll('main *')].map(e => e.getBoundingClientRect().right))")
    assert widest <= printable + 1, widest
    assert page.locator("form.report-period").is_hidden() and page.locator("header.site").is_hidden()
    pdf_path = tmp_path / f"report-{locale}.pdf"
    page.pdf(path=str(pdf_path), format="A4", print_background=True)
    context.close()
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        assert len(pdf) >= 1
        for i in range(len(pdf)):
            w, h = pdf[i].get_size()
            assert abs(w - 595.3) < 1.5 and abs(h - 841.9) < 1.5, (w, h)  # A4 in points (Chromium rounds up)
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    assert "2026" in text and "21.5" in text  # the period, and the median days to publication
    for figure in ("12", "23"):  # total views and uses
        assert figure in text
