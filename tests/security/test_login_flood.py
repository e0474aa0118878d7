"""Issue 21, case 3: a flood of anonymous logins does not stop the library's writes (SQLite, the default).

A real server on loopback: 16 clients post the login form with unknown names
(each request from another 127.x.y.z address, so no per-address throttle ends
the flood) while an editor saves drafts through the API. Before, the write lock was held while each hash was computed: logins and
saves waited past SQLite's busy timeout and answered 500 ``database is
locked``. How fast the saves are is measured by ``bench/login_flood.py``.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import threading
import time
import urllib.parse
from collections import Counter

from tests.web.live import serving

CLIENTS = 16
SECONDS = 15  # past SQLite's 10 s busy timeout, which the old code's waits ran into


def _address(i: int) -> str:
    return f"127.0.{1 + i // 250 % 250}.{1 + i % 250}"


def _request(port, method, path, body=None, headers=None, source="127.0.0.1"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120, source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        answer = conn.getresponse()
        return answer.status, answer.headers, answer.read().decode("utf-8", "replace")
    finally:
        conn.close()


def test_a_login_flood_leaves_every_save_and_answer_whole(world):
    app = world["app"]
    editor = {"Authorization": "Bearer " + world["token"]["editor"], "Content-Type": "application/json"}
    logins, saves = [], []
    running = threading.Event()
    running.set()
    with serving(app) as url:
        port = int(url.rsplit(":", 1)[1])

        def flood(seed):
            _, headers, page = _request(port, "GET", "/login")
            cookie = "; ".join(c.split(";", 1)[0] for c in headers.get_all("Set-Cookie"))
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            n = 0
            while running.is_set():
                n += 1
                body = urllib.parse.urlencode({"name": f"nobody-{seed}-{n}", "password": "guess", "csrf_token": token})
                status, _, _ = _request(port, "POST", "/login", body, source=_address(seed + n * CLIENTS), headers={
                    "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
                logins.append(status)

        def save():
            n = 0
            while running.is_set():
                n += 1
                body = json.dumps({"title": f"A draft saved during a login flood {n}"})
                status, _, answer = _request(port, "POST", "/api/v1/works/t-book/versions/en", body, editor)
                saves.append((status, answer if status != 200 else json.loads(answer)["working"]["title"]))
                time.sleep(0.1)

        threads = [threading.Thread(target=flood, args=(i,)) for i in range(CLIENTS)] + [threading.Thread(target=save)]
        for t in threads:
            t.start()
        time.sleep(SECONDS)
        running.clear()
        for t in threads:
            t.join()
    # Refused after a hash (401), or "busy" (429) while this process checks its few passwords at once; no 500.
    assert 401 in logins and set(logins) <= {401, 429}, Counter(logins)
    assert len(saves) >= 3
    assert [s for s in saves if s[0] != 200] == []
    assert all(title.startswith("A draft saved during a login flood") for _, title in saves)


def test_past_a_few_logins_at_once_the_next_is_told_busy_but_a_fresh_address_gets_in(app, world):
    from contentlib import accounts, passwords

    from .conftest import login

    accounts.authenticate(world["store"], "nobody", "guess", "192.0.2.1")  # an address with a recent failure
    with contextlib.ExitStack() as taken:  # as many logins as a process checks at once, from failing addresses
        for _ in range(passwords.LOGINS_AT_ONCE):
            taken.enter_context(passwords.turn(fresh=False))
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = "192.0.2.1"
        client.set_cookie("locale", "en")
        busy = login(client, "editor")
        assert busy.status_code == 429 and busy.headers["Retry-After"] == "2"
        assert "Many logins are being tried at once. Wait a moment and try again." in busy.get_data(as_text=True)
        owner = app.test_client()
        owner.environ_base["REMOTE_ADDR"] = "198.51.100.7"
        assert login(owner, "editor").status_code == 302  # an address with no failures has places of its own
    assert login(client, "editor").status_code == 302  # places free again: the next try gets in
