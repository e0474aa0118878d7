"""The Content-Security-Policy in a real browser: the pages break nothing under it, injected script is refused."""

from __future__ import annotations

import pytest

from tests.browser.support import EDITOR_PAGES, PAGES


def _violations(messages):
    return [m for m in messages if "Content Security Policy" in m or "Refused to" in m]


@pytest.mark.parametrize("path", list(PAGES.values()))
def test_public_pages_load_without_a_policy_violation(open_page, path):
    page = open_page("/login")
    messages = []
    page.on("console", lambda m: messages.append(m.text))
    page.goto(page.url.rsplit("/login", 1)[0] + path)
    page.wait_for_load_state("networkidle")
    assert _violations(messages) == []


@pytest.mark.parametrize("path", list(EDITOR_PAGES.values()))
def test_editor_pages_load_without_a_policy_violation(open_as_editor, path):
    page = open_as_editor("/editor/")
    messages = []
    page.on("console", lambda m: messages.append(m.text))
    page.goto(page.url.rsplit("/editor/", 1)[0] + path)
    page.wait_for_load_state("networkidle")
    assert _violations(messages) == []


def test_an_injected_inline_script_does_not_run(open_page):
    page = open_page("/")
    with pytest.raises(Exception, match="Content Security Policy"):
        page.add_script_tag(content="window.pwned = 1")
    assert page.evaluate("window.pwned === undefined")
