"""Case 8: sessions end on logout (copies too), strict headers, login timing and per-account limits."""

from __future__ import annotations

import re
import time

import pytest

from contentlib import accounts, throttle

from .conftest import login


def _csrf(client, path="/"):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def test_a_copied_session_cookie_stops_working_after_logout(app, world):
    a, b = app.test_client(), app.test_client()
    assert login(a, "editor").status_code == 302
    cookie = a.get_cookie("session")
    b.set_cookie("session", cookie.value)  # the thief's copy
    assert b.get("/editor/").status_code == 200
    r = a.post("/logout", data={"csrf_token": _csrf(a)})
    assert r.status_code == 302
    r = b.get("/editor/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    c = app.test_client()  # the owner can log in again, and that new session works
    assert login(c, "editor").status_code == 302 and c.get("/editor/").status_code == 200


def test_disabling_an_account_ends_its_sessions(app, world):
    a = app.test_client()
    login(a, "editor")
    accounts.set_active(world["store"], "editor", False)
    accounts.set_active(world["store"], "editor", True)
    assert a.get("/editor/").status_code == 302


PAGES = ["/", "/search?q=%E5%8E%9F%E5%AD%90", "/works/t-atom", "/login", "/glossary", "/coverage",
         "/types/book", "/no-such-page", "/api/v1/works/t-atom"]


@pytest.mark.parametrize("path", PAGES)
def test_every_answer_carries_the_security_headers(client, world, path):
    r = client.get(path)
    csp = r.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "object-src 'none'" in csp
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


# JSON-LD (<script type="application/ld+json">) is data the browser never runs, so CSP does not block it.
INLINE = [re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/ld\+json\"))[^>]*>", re.I), re.compile(r"<style\b", re.I),
          re.compile(r"\son[a-z]+\s*=", re.I), re.compile(r"\sstyle\s*=", re.I), re.compile(r"javascript:", re.I)]


def test_no_page_needs_inline_script_or_style(app, world):
    """Pages as each role sees them hold nothing the policy would block."""
    from contentlib import lists

    store = world["store"]
    wl = lists.create(store, accounts.get_user(store, "teacher"), "ཐོ་")
    lists.add(store, accounts.get_user(store, "teacher"), wl.id, "t-atom")
    paths = PAGES + ["/editor/", "/editor/works/t-atom/bo", "/editor/works/t-atom/bo/review", "/admin/users",
                     "/lists", f"/lists/{wl.id}", f"/shared/{wl.token}", f"/shared/{wl.token}/print"]
    for who in (None, "teacher", "editor", "reviewer", "admin"):
        client = app.test_client()
        if who:
            login(client, who)
        for path in paths:
            r = client.get(path)
            if r.mimetype != "text/html":
                continue
            page = r.get_data(as_text=True)
            for pattern in INLINE:
                m = pattern.search(page)
                assert m is None, (who, path, page[max(0, m.start() - 80):m.end() + 80])


def _timed(store, name, address):
    start = time.perf_counter()
    assert accounts.authenticate(store, name, "wrong password", address) is None
    return time.perf_counter() - start


def test_an_unknown_name_takes_as_long_as_a_wrong_password(world):
    store = world["store"]
    known = min(_timed(store, "editor", f"10.0.0.{i}") for i in range(3))
    unknown = min(_timed(store, "nobody-here", f"10.0.1.{i}") for i in range(3))
    assert unknown >= 0.5 * known, (unknown, known)  # before: 4 ms against 123 ms


def test_the_login_form_says_429_while_this_address_waits(client, world):
    store = world["store"]
    for _i in range(throttle.PAIR_MAX_FAILURES):
        accounts.authenticate(store, "editor", "nope", "127.0.0.1")  # the test client's address
    assert login(client, "editor").status_code == 429
