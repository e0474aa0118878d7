"""Browser fixtures: the real app on a local port, and Debian's Chromium through Playwright.

The tests skip only when Chromium is absent and ``CONTENTLIB_REQUIRE_BROWSER`` is unset;
``.ci/run`` sets it, so in CI a missing browser is a failure, not a silent skip.
"""

from __future__ import annotations

import os

import pytest

from tests.browser.support import ACCEPT, EDITOR, chromium_available, launch, live_server

REPORT_PASSWORD = "correct horse battery"


def _require_browser():
    required = os.environ.get("CONTENTLIB_REQUIRE_BROWSER") == "1"
    if not chromium_available():
        if required:
            pytest.fail("CONTENTLIB_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing (apt-get install chromium)")
        pytest.skip("no /usr/bin/chromium (apt-get install chromium), and CONTENTLIB_REQUIRE_BROWSER is unset")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if required:
            raise
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    return sync_playwright


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    _require_browser()
    with live_server(tmp_path_factory.mktemp("browser-home")) as live:
        yield live


@pytest.fixture(scope="session")
def report_server(tmp_path_factory, browser):
    """Its own server (demo catalog, test works) with the known report history and a reviewer, ``chief``
    (the reports' browser and layout tests share it)."""
    from contentlib import accounts
    from tests.unit import report_history

    with live_server(tmp_path_factory.mktemp("reports-home")) as live:
        store = live.app.extensions["contentlib"].store
        report_history.build(store)
        accounts.create_user(store, "chief", "reviewer", REPORT_PASSWORD)
        yield live


@pytest.fixture(scope="session")
def playwright():
    sync_playwright = _require_browser()
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    b = launch(playwright)
    yield b
    b.close()


@pytest.fixture(scope="session")
def bare_browser(playwright, tmp_path_factory):
    """Chromium that sees no installed Tibetan or CJK font (a phone without one)."""
    b = launch(playwright, system_fonts=False, scratch=tmp_path_factory.mktemp("fontconfig"))
    yield b
    b.close()


@pytest.fixture
def open_page(browser, server):
    """open_page(path, locale=..., width=..., javascript=True) -> a loaded Playwright page."""
    contexts = []

    def _open(path, locale="bo", width=1280, javascript=True):
        context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript,
                                      extra_http_headers={"Accept-Language": ACCEPT[locale]})
        contexts.append(context)
        page = context.new_page()
        page.goto(server.url + path)
        if javascript:
            page.evaluate("document.fonts.ready.then(() => true)")
        return page

    yield _open
    for c in contexts:
        c.close()


@pytest.fixture
def open_as_editor(browser, server):
    """open_as_editor(path, locale=..., width=...) -> a page loaded after logging in through the form."""
    contexts = []

    def _open(path, locale="bo", width=1280):
        context = browser.new_context(viewport={"width": width, "height": 900},
                                      extra_http_headers={"Accept-Language": ACCEPT[locale]})
        contexts.append(context)
        page = context.new_page()
        page.goto(server.url + "/login")
        page.fill("#name", EDITOR[0])
        page.fill("#password", EDITOR[1])
        page.press("#password", "Enter")
        page.wait_for_load_state()
        page.goto(server.url + path)
        page.evaluate("document.fonts.ready.then(() => true)")
        return page

    yield _open
    for c in contexts:
        c.close()


def pytest_terminal_summary(terminalreporter):
    """Report page weights and every axe finding (not only the failing ones)."""
    import sys

    module = sys.modules.get("tests.browser.test_interface")
    report = getattr(module, "REPORT", None)
    if not report or not (report["weights"] or report["axe"]):
        return
    tr = terminalreporter
    if report["weights"]:
        tr.section("page weight, first visit (bytes on the wire; budget on 'page' = all but media)")
        tr.write_line(f"{'page':<28} {'locale':<8} {'viewport':>8} {'requests':>8} {'page':>9} {'media':>9} {'total':>9}")
        for w in report["weights"]:
            tr.write_line(f"{w.path:<28} {w.locale:<8} {w.viewport:>8} {len(w.responses):>8} {w.page:>9,} "
                          f"{w.media:>9,} {w.transferred:>9,}")
    if report["axe"]:
        tr.section("axe-core violations (all impacts)")
        for name, locale, violations in report["axe"]:
            found = ", ".join(f"{v['id']} ({v['impact']})" for v in violations) or "none"
            tr.write_line(f"{name:<10} {locale:<8} {found}")
