"""Issue 21, case 4: a lockout an attacker cannot turn on the owner.

Failed logins hold back an account+address pair, or an address, never the
account: the right password from an address with no recent failures gets in
at once, whatever other addresses did, and slow guessing over hours never
locks the account for anyone else.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time

import pytest
import sqlalchemy as sa

from catalog import create_app
from contentlib import accounts, throttle
from contentlib.errors import LoginsBusy, TooManyAttempts
from contentlib.library.accounts import Accounts
from contentlib.tables import login_failures
from tests.conftest import PASSWORD, TEST_SECRET

from .conftest import login

ATTACKERS = ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"]
OWNER = "198.51.100.7"


class FakeClock:
    """A clock the test moves by hand (the library reads it for every login)."""

    def __init__(self, start: float):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def client_from(app, address, forwarded_for=None):
    """A test client whose requests come from ``address`` (and carry X-Forwarded-For, if given)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    if forwarded_for:
        client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client


def attempt(app, address, name="editor", password=PASSWORD, forwarded_for=None) -> int:
    """Post the login form from ``address``; return the status (302 in, 401 wrong, 429 must wait)."""
    return login(client_from(app, address, forwarded_for), name, password).status_code


def attack(app, addresses=ATTACKERS, name="editor", each=5):
    for address in addresses:
        for i in range(each):
            assert attempt(app, address, name, f"guess {address} {i}") == 401


@pytest.fixture
def clock(world):
    """The library's accounts on a fake clock that starts now."""
    fake = FakeClock(time.time())
    world["res"].accounts = Accounts(world["store"], clock=fake)
    return fake


def test_twenty_failures_from_four_addresses_do_not_keep_the_owner_out(app, world):
    attack(app)  # 20 requests, as the probe sent them
    assert attempt(app, OWNER) == 302  # before: 429 from any address
    for address in ATTACKERS:
        assert attempt(app, address) == 429  # the attacking pairs wait, right password or not
        assert attempt(app, address, "reviewer") == 302  # ... for this account only
    assert attempt(app, "198.51.100.8") == 302
    # The account is under attack now: an address that already failed on it gets fewer tries.
    assert attempt(app, "198.51.100.9", password="a typo") == 401
    assert attempt(app, "198.51.100.9") == 302  # one failure: still let in
    for _ in range(throttle.PAIR_MAX_UNDER_ATTACK):
        assert attempt(app, "198.51.100.10", password="a guess") == 401
    assert attempt(app, "198.51.100.10") == 429


def test_slow_guessing_never_locks_the_account_for_another_address(app, world, clock):
    """Six guesses every 15 minutes from one address for 75 minutes (before: the account locked after 45 minutes)."""
    for _round in range(5):
        statuses = [attempt(app, "203.0.113.9", password=f"guess {_round} {i}") for i in range(6)]
        assert statuses == [401] * 5 + [429]  # the guessing pair gets five a window, never more
        assert attempt(app, OWNER) == 302
        clock.advance(15 * 60 + 1)
    assert attempt(app, "203.0.113.9") == 302  # its failures aged out: even it gets in now


def test_slow_guessing_in_the_core_never_refuses_a_fresh_address(world):
    store, now = world["store"], 1_000_000.0
    for _round in range(5):
        for i in range(5):
            with contextlib.suppress(TooManyAttempts):
                assert accounts.authenticate(store, "editor", f"guess {i}", "203.0.113.9", now=now + i) is None
        assert accounts.authenticate(store, "editor", PASSWORD, f"198.51.100.{_round}", now=now + 10) is not None
        now += 15 * 60 + 1


def test_unknown_names_from_one_address_hold_that_address_back(world):
    store = world["store"]
    for i in range(throttle.ADDRESS_MAX_FAILURES):
        assert accounts.authenticate(store, f"nobody-{i}", "guess", "192.0.2.50", now=5000 + i) is None
    with pytest.raises(TooManyAttempts):  # every name from this address waits, right password or not
        accounts.authenticate(store, "editor", PASSWORD, "192.0.2.50", now=5100)
    assert accounts.authenticate(store, "editor", PASSWORD, "192.0.2.51", now=5100) is not None
    later = 5000 + throttle.WINDOW + throttle.ADDRESS_MAX_FAILURES
    assert accounts.authenticate(store, "editor", PASSWORD, "192.0.2.50", now=later) is not None


def test_one_ipv6_network_is_one_address():
    assert throttle.client_address("2001:db8:1:2:aaaa::1") == throttle.client_address("2001:db8:1:2:bbbb::9")
    assert throttle.client_address("2001:db8:1:3::1") != throttle.client_address("2001:db8:1:2::1")
    assert throttle.client_address("::ffff:192.0.2.7") == "192.0.2.7"


def test_unlock_and_the_admin_page_show_and_clear_the_held_pairs(app, world, runner):
    attack(app)
    for i in range(5):
        assert attempt(app, ATTACKERS[0], "reviewer", f"guess {i}") == 401
    for i in range(throttle.ADDRESS_MAX_FAILURES):  # booked as the login does, without 30 hashes
        throttle.book(world["store"], throttle.Attempt.of(f"nobody-{i}", "192.0.2.99"), time.time())
    admin = client_from(app, "198.51.100.1")
    assert login(admin, "admin").status_code == 302
    page = admin.get("/admin/users").get_data(as_text=True)
    held = page[page.index('id="held"'):]
    for address in ATTACKERS:
        assert re.search(rf"<td class=\"card-title\">editor</td>\s*<td[^>]*><code>{re.escape(address)}</code>", held)
    assert "<code>192.0.2.99</code>" in held  # an address held back for every account
    assert 'id="failures-editor">20<' in page and 'id="none-held"' not in page
    done = runner.invoke(["users", "unlock", "editor"])
    assert done.exit_code == 0 and "unlocked (20 failed login(s) forgotten)" in done.output
    for address in ATTACKERS:
        assert attempt(app, address) == 302
    assert attempt(app, ATTACKERS[0], "reviewer") == 429  # another account's pair is not forgotten
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "<code>192.0.2.1</code>" in page and "<code>192.0.2.2</code>" not in page
    assert runner.invoke(["users", "unlock", "nobody"]).exit_code == 1


def test_behind_a_proxy_the_forwarded_address_counts(home):
    app = create_app({"TESTING": True, "CONTENTLIB_SECRET_KEY": TEST_SECRET, "CONTENTLIB_PROXIES": 1})
    try:
        accounts.create_user(app.extensions["contentlib"].store, "editor", "editor", PASSWORD)
        for i in range(5):  # every request reaches the server from nginx on 127.0.0.1
            assert attempt(app, "127.0.0.1", password=f"guess {i}", forwarded_for="192.0.2.1") == 401
        assert attempt(app, "127.0.0.1", forwarded_for="192.0.2.1") == 429
        assert attempt(app, "127.0.0.1", forwarded_for=OWNER) == 302  # before: 429, all were one address
    finally:
        app.extensions["contentlib"].store.close()


def test_without_a_proxy_a_forged_forwarded_for_changes_nothing(app, world):
    for i in range(5):
        assert attempt(app, "192.0.2.1", password=f"guess {i}", forwarded_for=f"198.51.100.{i}") == 401
    assert attempt(app, "192.0.2.1", forwarded_for=OWNER) == 429


def test_parallel_guesses_from_one_pair_cannot_overrun_the_limit(world):
    store, outcomes = world["store"], []

    def guess(i):
        while True:
            try:
                outcomes.append(accounts.authenticate(store, "editor", f"guess {i}", "192.0.2.7"))
            except TooManyAttempts:
                outcomes.append("held")
            except LoginsBusy:  # a few checks at a time: this client tries again, as a browser's user would
                time.sleep(0.05)
                continue
            return

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count(None) == throttle.PAIR_MAX_FAILURES and outcomes.count("held") == 12 - throttle.PAIR_MAX_FAILURES


def _rows(store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(login_failures)).scalar_one()


def test_failed_logins_are_pruned_and_capped(world):
    store = world["store"]
    for i in range(10):
        throttle.book(store, throttle.Attempt.of(f"nobody-{i}", f"192.0.2.{i}"), now=1000.0)
    assert _rows(store) == 30  # a pair, an address and an account each
    later = 1000.0 + max(throttle.WINDOW, throttle.ACCOUNT_WINDOW) + 1
    throttle.book(store, throttle.Attempt.of("someone", "192.0.2.200"), now=later)
    assert _rows(store) == 3  # the old ones went with the next failure
    for i in range(40):
        throttle.book(store, throttle.Attempt.of(f"flood-{i}", f"198.51.100.{i}"), now=later + i, max_rows=20)
    assert _rows(store) == 20  # a flood cannot grow the table past its cap; the newest stay
    with pytest.raises(TooManyAttempts):  # ... and what was kept still counts
        for _ in range(throttle.PAIR_MAX_FAILURES + 1):
            throttle.book(store, throttle.Attempt.of("flood-39", "198.51.100.39"), now=later + 50, max_rows=20)


def test_the_throttle_on_each_database(store):
    """Booking, counting, listing, forgetting, pruning and the cap, on SQLite and on PostgreSQL."""
    accounts.create_user(store, "Dolma", "editor", PASSWORD)
    now = 10_000.0
    for i in range(throttle.PAIR_MAX_FAILURES):
        assert accounts.authenticate(store, "dolma", f"guess {i}", "192.0.2.1", now=now + i) is None
    with pytest.raises(TooManyAttempts):
        accounts.authenticate(store, "Dolma", PASSWORD, "192.0.2.1", now=now + 10)
    assert accounts.authenticate(store, "Dolma", PASSWORD, "192.0.2.2", now=now + 10).name == "Dolma"
    roster = accounts.roster(store, now + 20)
    assert [(h.name, h.address, h.failures) for h in roster.held] == [("dolma", "192.0.2.1", 5)]
    assert roster.failures == {"dolma": 5}
    assert accounts.unlock(store, "Dolma") == 5 and accounts.roster(store, now + 20).held == []
    for i in range(30):
        throttle.book(store, throttle.Attempt.of(f"n_{i}%", "192.0.2.9"), now + 100 + i, max_rows=12)
    assert _rows(store) == 12
    throttle.book(store, throttle.Attempt.of("late", "192.0.2.10"), now + 100 + throttle.ACCOUNT_WINDOW + 60)
    assert _rows(store) == 3
