"""Login throttling that an attacker cannot turn on an account's owner.

Failures are counted per account and address (a *pair*), per address over
every name, and per account over every address. A pair or an address past its
limit waits until its failures age out; the account itself is never locked, so
the right password from an address with no recent failures always gets in.
An account failing from many addresses is *under attack*: then an address that
already failed on it gets fewer tries (the gentle per-account throttle).

Each attempt is booked before its password is hashed, in a short transaction
of its own (so parallel guesses from one pair cannot overrun the limit), and
no hash ever runs inside a database transaction: a flood of logins holds the
write lock for a few milliseconds per attempt, not for a hash.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from .errors import TooManyAttempts

PAIR_MAX_FAILURES = 5           # per account and address ...
WINDOW = 15 * 60                # ... within 15 minutes; then that pair waits
ADDRESS_MAX_FAILURES = 30       # per address over every name, within WINDOW; then the address waits
ACCOUNT_ALERT_FAILURES = 20     # per account from any addresses within ACCOUNT_WINDOW: the account is under attack
ACCOUNT_WINDOW = 60 * 60
PAIR_MAX_UNDER_ATTACK = 2       # ... and a pair gets this many, not PAIR_MAX_FAILURES (a fresh address: all of them)
MAX_ROWS = 100_000              # the failures table's cap under a flood: the oldest go first
LISTED = 100                    # throttled pairs and addresses the admin page shows


def client_address(raw: str) -> str:
    """The address to count failures by: IPv4 as is, IPv6 by its /64 (one subscriber's whole network)."""
    try:
        ip = ipaddress.ip_address((raw or "").strip())
    except ValueError:
        return (raw or "")[:64]
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass(frozen=True)
class Attempt:
    """One login attempt: the name as typed (lowered) and the client's address."""

    name: str
    address: str

    @classmethod
    def of(cls, name: str, raw_address: str) -> Attempt:
        return cls((name or "").lower()[:64], client_address(raw_address))

    @property
    def pair_key(self) -> str:
        return pair_prefix(self.name) + self.address

    @property
    def address_key(self) -> str:
        return "address:" + self.address

    @property
    def account_key(self) -> str:
        return account_key(self.name)

    def windows(self, now: float) -> dict[str, float]:
        """Each key with the time its failures count from."""
        return {self.pair_key: now - WINDOW, self.address_key: now - WINDOW,
                self.account_key: now - ACCOUNT_WINDOW}


def pair_prefix(name: str) -> str:
    return f"pair:{name.lower()[:64]}|"


def account_key(name: str) -> str:
    return f"account:{name.lower()[:64]}"


def refused(attempt: Attempt, counts: dict[str, int]) -> bool:
    """Tell whether earlier failures (``counts`` per key) hold this attempt back."""
    pair = counts[attempt.pair_key]
    if pair >= PAIR_MAX_FAILURES or counts[attempt.address_key] >= ADDRESS_MAX_FAILURES:
        return True
    return counts[attempt.account_key] >= ACCOUNT_ALERT_FAILURES and pair >= PAIR_MAX_UNDER_ATTACK


def check(store, attempt: Attempt, now: float) -> dict[str, int]:
    """Read whether earlier failures hold ``attempt`` back (no write, no lock); return its keys' counts.

    :raises TooManyAttempts: while a limit holds.
    """
    counts = store.failure_counts(attempt.windows(now))
    if refused(attempt, counts):
        raise TooManyAttempts(attempt.pair_key)
    return counts


def book(store, attempt: Attempt, now: float, max_rows: int = MAX_ROWS) -> list[int]:
    """Book ``attempt`` as a failure until it proves right; return the rows to take back if it does.

    One short write transaction books the attempt, counts again with it (under
    the write lock, so parallel guesses cannot overrun a limit) and prunes old
    rows; ``check`` first spares a held-back address even that write.

    :raises TooManyAttempts: while a limit holds (nothing is booked then).
    """
    windows = attempt.windows(now)
    with store.transaction() as conn:
        ids = store.add_failures(conn, list(windows), now)  # a write first: the lock is held from here to the commit
        counts = {key: n - 1 for key, n in store.failure_counts(windows, conn).items()}  # without this attempt
        if refused(attempt, counts):
            raise TooManyAttempts(attempt.pair_key)  # rolls the booking back
        store.prune_failures(conn, now - max(WINDOW, ACCOUNT_WINDOW), max_rows, max(ids))
    return ids


def succeeded(store, attempt: Attempt, booked: list[int]) -> None:
    """The attempt was right: take its booking back and forget the pair's failures (not the address's)."""
    with store.transaction() as conn:
        store.clear_failures(conn, attempt.pair_key, booked)


def forget(store, name: str) -> int:
    """Forget account ``name``'s failures from every address (its pairs and its count); return how many."""
    return store.forget_failures(account_key(name), pair_prefix(name))


@dataclass(frozen=True)
class Held:
    """A pair or an address that is held back now: ``name`` is None for an address over every name."""

    name: str | None
    address: str
    failures: int
    last: float


def held(store, now: float, names) -> tuple[list[Held], dict[str, int]]:
    """The pairs of accounts ``names`` and the addresses held back now; and each account's failures this hour."""
    names = sorted({n.lower()[:64] for n in names})
    failures = store.failure_counts({account_key(n): now - ACCOUNT_WINDOW for n in names})
    failures = {n: failures[account_key(n)] for n in names}
    rows = []
    for key, count, last in store.failure_groups([pair_prefix(n) for n in names], now - WINDOW,
                                                 PAIR_MAX_UNDER_ATTACK, LISTED):
        name, _, address = key.partition(":")[2].partition("|")
        attacked = failures.get(name, 0) >= ACCOUNT_ALERT_FAILURES
        if count >= (PAIR_MAX_UNDER_ATTACK if attacked else PAIR_MAX_FAILURES):
            rows.append(Held(name, address, count, last))
    for key, count, last in store.failure_groups(["address:"], now - WINDOW, ADDRESS_MAX_FAILURES, LISTED):
        rows.append(Held(None, key.partition(":")[2], count, last))
    return rows, {n: c for n, c in failures.items() if c}
