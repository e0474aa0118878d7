"""The admin's jobs page in Chromium (issue 22, item 4): a job is listed and its Cancel button stops it.

The job is of a kind no worker knows, so the server's own worker fails it three times and leaves
it ``failed``; Cancel then marks it cancelled at once, the page comes back at its row and says so in
the visitor's language, and the row has no Cancel button any more.
"""

from __future__ import annotations

import time

import pytest

from tests.browser.support import ACCEPT

PASSWORD = "correct horse battery"
CANCELLED = {"bo": "ལས་འགན་རྩིས་མེད་བཏང་ཟིན།", "zh_Hans": "任务已取消。", "en": "Job cancelled."}
# A job's state as the jobs page says it in each language (catalog/admin.py's JOB_STATES).
FAILED_STATE = {"en": "Failed", "bo": "མ་འགྲུབ།", "zh_Hans": "失败"}
CANCELLED_STATE = {"en": "Cancelled", "bo": "རྩིས་མེད་བཏང་ཟིན།", "zh_Hans": "已取消"}


@pytest.fixture(scope="module")
def admin(server):
    from contentlib import accounts

    store = server.app.extensions["contentlib"].store
    if accounts.get_user(store, "jobs-admin") is None:
        accounts.create_user(store, "jobs-admin", "admin", PASSWORD)
    return server.app.extensions["contentlib"]


def _settled(lib, key, seconds=60.0):
    """The job's row once the worker has given it up (failed), so nothing changes it under the test."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        row = next((j for j in lib.recent_jobs() if j.key == key), None)
        if row is not None and row.state == "failed":
            return row
        time.sleep(0.2)
    raise AssertionError(f"the worker never gave up {key}")


@pytest.mark.parametrize(("locale", "width"), [("en", 1280), ("bo", 360), ("zh_Hans", 360)])
def test_the_cancel_button_stops_a_job_and_the_page_says_so(browser, server, admin, locale, width):
    key = f"browser-{locale}-{width}"
    admin.jobs.put(key, kind="no-such-kind")
    row = _settled(admin, key)
    context = browser.new_context(viewport={"width": width, "height": 800},
                                  extra_http_headers={"Accept-Language": ACCEPT[locale]})
    page = context.new_page()
    try:
        page.goto(server.url + "/login")
        page.fill("#name", "jobs-admin")
        page.fill("#password", PASSWORD)
        page.press("#password", "Enter")
        page.wait_for_load_state()
        page.goto(server.url + "/admin/jobs")
        line = page.locator(f"#job-{row.id}")
        assert key in line.inner_text() and FAILED_STATE[locale] in line.inner_text()
        line.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"#job-{row.id}") and "/admin/jobs" in page.url
        assert CANCELLED[locale] in page.locator("main").inner_text()
        line = page.locator(f"#job-{row.id}")
        assert CANCELLED_STATE[locale] in line.inner_text() and line.locator("button").count() == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing sticks out on a phone
        assert next(j for j in admin.recent_jobs() if j.key == key).state == "cancelled"
    finally:
        context.close()
