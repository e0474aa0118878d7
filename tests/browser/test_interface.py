"""The pages in a real browser: each language, Tibetan glyphs, weight budget, accessibility, phones."""

from __future__ import annotations

import re

import pytest

from contentlib.fonts import FONT_TEST_STRING_BO, TIBETAN_FONT_FAMILY
from tests.browser.support import AXE, EDITOR_PAGES, FONT, HTML_LANG, PAGES, weigh

LOCALES = ["bo", "zh_Hans", "en"]
BUDGET = 200_000  # bytes on the wire for a first visit, web font included, no media
REPORT: dict[str, list] = {"weights": [], "axe": []}


def translated(server, locale, msgid):
    from flask_babel import force_locale, gettext

    with server.app.test_request_context(), force_locale(locale):
        return gettext(msgid)


def font_cmap() -> set[int]:
    from fontTools.ttLib import TTFont

    return set(TTFont(FONT).getBestCmap())


TIBETAN_STATE = """async ([family, sample]) => {
  await document.fonts.ready;
  const faces = [...document.fonts].filter(f => f.family.replace(/["']/g, '') === family);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const firstFamilies = new Set();
  let chars = '';
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const found = node.data.match(/[\\u0f00-\\u0fff]/g);
    if (!found) continue;
    chars += found.join('');
    const style = getComputedStyle(node.parentElement);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    firstFamilies.add(style.fontFamily.split(',')[0].trim().replace(/["']/g, ''));
  }
  return {faces: faces.map(f => f.status), check: document.fonts.check(`16px "${family}"`, sample),
          chars: [...new Set(chars)].join(''), firstFamilies: [...firstFamilies]};
}"""


def assert_tibetan_uses_the_web_font(page):
    """Every Tibetan run is set in the self-hosted face, it loaded, and it has every glyph used."""
    state = page.evaluate(TIBETAN_STATE, [TIBETAN_FONT_FAMILY, FONT_TEST_STRING_BO])
    assert state["chars"], "the page shows no Tibetan at all"
    assert state["faces"] and all(s == "loaded" for s in state["faces"]), state["faces"]
    assert state["check"], "document.fonts.check() says the Tibetan test string still needs a font"
    assert state["firstFamilies"] == [TIBETAN_FONT_FAMILY], state["firstFamilies"]
    missing = sorted({c for c in state["chars"] if ord(c) not in font_cmap()})
    assert missing == [], f"characters the web font lacks (they would show as boxes): {missing}"


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", list(PAGES))
def test_page_speaks_the_language_and_draws_tibetan(open_page, server, name, locale, tmp_path):
    page = open_page(PAGES[name], locale)
    assert page.evaluate("document.documentElement.lang") == HTML_LANG[locale]
    assert page.evaluate("document.documentElement.dir") == "ltr"
    assert page.locator(".brand").inner_text().strip() == translated(server, locale, "Science Library")
    assert page.locator(".searchbox button").inner_text().strip() == translated(server, locale, "Search")
    assert page.locator(".locales button[aria-current=true]").get_attribute("value") == locale
    assert_tibetan_uses_the_web_font(page)
    page.screenshot(path=tmp_path / f"{name}-{locale}.png")  # for a person to look at when it fails


def test_without_an_installed_tibetan_font_the_self_hosted_one_is_downloaded(bare_browser, server, tmp_path):
    context = bare_browser.new_context(extra_http_headers={"Accept-Language": "en"})
    page = context.new_page()
    fonts = []
    page.on("requestfinished", lambda r: fonts.append(r.url) if ".woff2" in r.url else None)
    page.goto(server.url + "/works/t-atom")
    page.evaluate("""(sample) => { const p = document.createElement('p'); p.id = 'sample'; p.lang = 'bo';
                      p.textContent = sample; document.querySelector('main').prepend(p); }""", FONT_TEST_STRING_BO)
    assert_tibetan_uses_the_web_font(page)
    assert [url.split("/static/")[1].split("?")[0] for url in fonts] == ["fonts/NotoSerifTibetan.woff2"]
    page.locator("#sample").screenshot(path=tmp_path / "font-test-string.png")
    context.close()


def test_font_test_string_renders_with_the_web_font(open_page):
    page = open_page("/", "en")
    page.evaluate("""(sample) => { const p = document.createElement('p'); p.id = 'sample'; p.lang = 'bo';
                      p.textContent = sample; document.querySelector('main').prepend(p); }""", FONT_TEST_STRING_BO)
    assert_tibetan_uses_the_web_font(page)
    # Stacks must not be cut off by the line box: the paragraph's lines are tall enough.
    height, size = page.evaluate("""() => { const s = getComputedStyle(document.getElementById('sample'));
                                           return [parseFloat(s.lineHeight), parseFloat(s.fontSize)]; }""")
    assert height >= 1.8 * size


def test_switcher_changes_the_language_and_remembers_it(open_page, server):
    page = open_page("/works/t-atom", "en")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.get_by_role("button", name="中文").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    assert page.url.endswith("/works/t-atom")
    page.get_by_role("button", name="བོད་ཡིག").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "bo"
    page.goto(server.url + "/search?q=water")  # Accept-Language still says English: the cookie wins
    assert page.evaluate("document.documentElement.lang") == "bo"
    assert page.locator("h1").inner_text().strip() == translated(server, "bo", "Search")


def test_everything_works_without_javascript(open_page, server):
    page = open_page("/", "en", javascript=False)
    page.fill("#q", "water")
    page.press("#q", "Enter")
    page.wait_for_load_state()
    assert "/search?q=water" in page.url and page.locator("ol.results > li").count() > 0
    page.get_by_role("button", name="བོད་ཡིག").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "bo" and "/search?q=water" in page.url
    page.goto(server.url + "/subjects/health")
    page.get_by_role("link", name=translated(server, "bo", "By title")).click()
    assert "sort=title" in page.url


def test_keyboard_reaches_the_skip_link_first_and_it_jumps_to_main(open_page):
    page = open_page("/", "bo")
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const e = document.activeElement, r = e.getBoundingClientRect();
                                       return [e.className, r.left >= 0 && r.top >= 0 && r.width > 0]; }""")
    assert focused == ["skip", True]
    page.keyboard.press("Enter")
    # The fragment navigation reaches Playwright's page.url a moment later; wait on the page itself.
    page.wait_for_function("location.hash === '#main'", timeout=5000)
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


PHONE_PAGES = {**PAGES, "filters": "/search?q=water&lang=bo&type=video"}  # the filters open


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", list(PHONE_PAGES))
def test_no_horizontal_scroll_on_a_360px_phone(open_page, name, locale):
    page = open_page(PHONE_PAGES[name], locale, width=360)
    scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll <= client, f"{name}/{locale}: {scroll}px wide in a {client}px viewport"


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", ["home", "search"])
def test_first_visit_stays_under_the_weight_budget(bare_browser, server, name, locale):
    weight = weigh(bare_browser, server.url, PAGES[name], locale)
    REPORT["weights"].append(weight)
    assert weight.draws_tibetan and weight.font_fetched, "every page here shows Tibetan: the web font counts"
    assert weight.page <= BUDGET, "\n".join(f"{size:>8} {kind:<10} {url}" for url, size, kind in weight.responses)


def run_axe(page, name, locale):
    # Evaluated, not added as a <script>: the site's Content-Security-Policy refuses inline script.
    page.evaluate(AXE.read_text("utf-8") + "\n;0")
    result = page.evaluate("""() => axe.run(document, {resultTypes: ['violations']})
        .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))""")
    REPORT["axe"].append((name, locale, result))
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert bad == [], "\n".join(f"{v['impact']}: {v['id']} ({v['help']}) at {v['targets']}" for v in bad)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", list(PAGES) + ["error"])
def test_axe_finds_no_serious_or_critical_violations(open_page, name, locale):
    run_axe(open_page(PAGES.get(name, "/works/no-such-work"), locale), name, locale)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", list(EDITOR_PAGES))
def test_editor_pages_in_each_language(open_as_editor, server, name, locale):
    """The login form, the queue and the side-by-side editor: language, glyphs, axe, a phone's width."""
    page = open_as_editor(EDITOR_PAGES[name], locale)
    assert page.evaluate("document.documentElement.lang") == HTML_LANG[locale]
    assert page.url.endswith(EDITOR_PAGES[name]), page.url  # logged in: not sent back to /login
    if name == "editor":
        assert_tibetan_uses_the_web_font(page)
    run_axe(page, name, locale)
    page.set_viewport_size({"width": 360, "height": 740})
    scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll <= client, f"{name}/{locale}: {scroll}px wide in a {client}px viewport"


def test_pictures_are_sized_described_and_lazy_below_the_fold(open_page):
    """Every picture reserves its box and has alt text; those in lists load only when scrolled to."""
    seen = 0
    for path in ("/", "/search?q=water", "/works/t-atom", "/subjects/health"):
        page = open_page(path, "en", width=360)
        for img in page.locator("main img").all():
            seen += 1
            assert re.fullmatch(r"\d+", img.get_attribute("width") or ""), path
            assert re.fullmatch(r"\d+", img.get_attribute("height") or ""), path
            assert img.get_attribute("alt") is not None, path
        for img in page.locator("main .cards img, main .results img").all():
            assert img.get_attribute("loading") == "lazy", path
    assert seen, "the demo catalog's cover cards should show on these pages"


def test_a_phone_loads_only_the_thumbnails_near_the_screen(bare_browser, server):
    weight = weigh(bare_browser, server.url, "/", "bo", width=360, height=740)
    cards = [url for url, _size, kind in weight.responses if kind == "image"]
    total = weight.media
    REPORT["weights"].append(weight)
    assert 0 < len(cards) < 12, f"{len(cards)} of 12 cover cards fetched on first load ({total:,} bytes)"


LINE_BREAKS = """(text) => {
  const p = document.createElement('p');
  p.lang = 'bo'; p.style.width = '9em'; p.textContent = text;
  document.querySelector('main').prepend(p);
  const node = p.firstChild, range = document.createRange(), before = [];
  let top = null;
  for (let i = 0; i < text.length; i++) {
    range.setStart(node, i); range.setEnd(node, i + 1);
    const rects = range.getClientRects();
    if (!rects.length) continue;  // a combining mark drawn with its base
    const t = Math.round(rects[0].top);
    if (top !== null && t > top + 2) before.push(text.slice(Math.max(0, i - 1), i));
    top = t;
  }
  const lines = before.length + 1;
  p.remove();
  return {lines, before};
}"""


def test_tibetan_wraps_only_after_a_tsheg_or_a_space(open_page):
    text = ("ལྟེ་ཉིང་ནང་རྫས་གཉིས་ཡོད་དེ་ཕོ་རྡུལ་དང་བར་རྡུལ་ལོ། བསྒྲུབས་རྒྱལ་ཁབ་སྐྱེས་ཀྱིས་སྦྱོར་ཕྱོགས་"
            "ཞིང་འབྲོག་ལས་རིགས་དང་སྐྱེ་ཁམས་ཁོར་ཡུག་གནམ་གཤིས་དངོས་ཁམས་དང་རྫས་འགྱུར།")
    result = open_page("/", "bo", width=360).evaluate(LINE_BREAKS, text)
    assert result["lines"] >= 3, result  # narrow enough to wrap several times
    assert all(ch in ("\u0f0b", "\u0f0d", " ") for ch in result["before"]), result["before"]
