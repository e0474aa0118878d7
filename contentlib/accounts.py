"""Users, roles, password and API-token hashing, and logging in (throttled by ``throttle``).

Roles are single values; what each may do is the ``PERMISSIONS`` table, and an
admin may do everything. Only hashes are stored: werkzeug's salted password
hash, and a SHA-256 of each API token (tokens are 256 random bits, so a fast
hash is enough and lets a token be looked up directly).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import secrets
import time
from dataclasses import dataclass, field

from werkzeug.security import generate_password_hash

from . import passwords, throttle
from .errors import InvalidRecord, NoSpace, NotAllowed, NotFound, ReadOnlyStorage

log = logging.getLogger(__name__)

ROLES = ("teacher", "editor", "reviewer", "admin")
PERMISSIONS = {
    "edit": {"editor"},          # create and change translations, submit them, upload media
    "review": {"reviewer"},      # approve or reject versions in review
    "glossary": {"editor", "reviewer"},
    "lists": {"teacher"},
    "users": set(),              # admins only
    "vocabulary": set(),         # admins only
    "bundles": set(),            # admins only: import offline bundles
    "interface": set(),          # admins only: the Chinese and English interface strings (editors: the Tibetan ones)
}
NAME_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
MIN_PASSWORD = 8


@dataclass(frozen=True)
class User:
    name: str
    role: str
    active: bool = True
    session_generation: int = field(default=0, compare=False)  # sessions carry it; logout bumps it

    def can(self, permission: str) -> bool:
        return self.active and (self.role == "admin" or self.role in PERMISSIONS[permission])


def require(user: User | None, permission: str) -> User:
    """Return ``user`` if it may do ``permission``.

    :raises NotAllowed: when it may not (or there is no user).
    """
    if user is None or not user.can(permission):
        raise NotAllowed(permission)
    return user


def _user(row) -> User:
    return User(row.name, row.role, bool(row.active), int(row.session_generation or 0))


def create_user(store, name: str, role: str, password: str, now: float | None = None) -> User:
    """Add a user with a hashed password.

    :raises InvalidRecord: for a bad name, unknown role, short password or a taken name.
    """
    problems = []
    if not NAME_RE.match(name or ""):
        problems.append(("name", "must be 1-64 characters of A-Z a-z 0-9 . _ -"))
    if role not in ROLES:
        problems.append(("role", f"must be one of {', '.join(ROLES)}"))
    if len(password or "") < MIN_PASSWORD:
        problems.append(("password", f"must be at least {MIN_PASSWORD} characters"))
    if problems:
        raise InvalidRecord(problems)
    if not store.insert_user(name, role, generate_password_hash(password), now or time.time()):
        raise InvalidRecord([("name", f"{name!r} is taken")])
    return User(name, role)


def get_user(store, name: str) -> User | None:
    row = store.user_row(name)
    return _user(row) if row else None


def list_users(store) -> list[User]:
    return [_user(r) for r in store.user_rows()]


def set_role(store, name: str, role: str) -> None:
    if role not in ROLES:
        raise InvalidRecord([("role", f"must be one of {', '.join(ROLES)}")])
    if not store.update_user(name, role=role):
        raise NotFound(name)


def set_active(store, name: str, active: bool) -> None:
    """Enable or disable an account; a disabled one can neither log in nor use its token."""
    # a disabled account's open sessions end too
    if not store.update_user(name, end_sessions=not active, active=bool(active)):
        raise NotFound(name)


def end_sessions(store, name: str) -> None:
    """Make every session of ``name`` invalid, copies of its cookie included (logout)."""
    store.update_user(name, end_sessions=True)


def unlock(store, name: str) -> int:
    """Forget the failed logins of ``name`` from every address (an admin lets the owner in again); return how many.

    :raises NotFound: for an unknown user.
    """
    if get_user(store, name) is None:
        raise NotFound(name)
    return throttle.forget(store, name)


@dataclass(frozen=True)
class Roster:
    """The users page: every account, who must wait after failed logins, and each account's failures this hour."""

    users: list[User]
    held: list[throttle.Held]
    failures: dict[str, int]


def roster(store, now: float | None = None) -> Roster:
    users = list_users(store)
    held, failures = throttle.held(store, time.time() if now is None else now, [u.name for u in users])
    return Roster(users, held, failures)


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to check unknown names against, so they cost as long as a wrong password."""
    return generate_password_hash(secrets.token_hex(16))


def authenticate(store, name: str, password: str, address: str, now: float | None = None) -> User | None:
    """Check a password; return the user, or None when wrong.

    The attempt is booked against its account+address pair, its address and
    its account first (``throttle.book``), in a short transaction; the hash is
    computed outside any transaction; a right password takes the booking back.
    Unknown names are booked and hashed like known ones, so neither the answer
    nor its time tells whether an account exists.

    :raises TooManyAttempts: while this pair or this address must wait (never for the account as such).
    :raises LoginsBusy: when as many logins as a process takes at once are under way (``passwords``).
    """
    now = time.time() if now is None else now
    attempt = throttle.Attempt.of(name, address)
    counts = throttle.check(store, attempt, now)  # a held-back address is told so before it takes a place
    with passwords.turn(fresh=counts[attempt.address_key] == 0):
        try:
            booked = throttle.book(store, attempt, now)
        except (NoSpace, ReadOnlyStorage) as exc:
            # A full or read-only disk must not lock the admin out while they make room: the
            # read-only check above still holds the limits; this attempt goes uncounted.
            log.warning("login attempt not counted: %s", exc)
            booked = None
        row = store.user_row(name)
        known = row is not None and row.active
        good = passwords.check(row.password_hash if known else _dummy_hash(), password or "")
    if known and good:
        if booked is not None:
            throttle.succeeded(store, attempt, booked)
        return _user(row)
    return None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(store, name: str) -> str:
    """Make a new API token for ``name`` (replacing any older one) and return it; only its hash is kept.

    :raises NotFound: for an unknown user.
    """
    token = secrets.token_urlsafe(32)
    if not store.update_user(name, token_hash=_token_hash(token)):
        raise NotFound(name)
    return token


def user_for_token(store, token: str) -> User | None:
    if not token:
        return None
    row = store.user_by_token_hash(_token_hash(token))
    return _user(row) if row is not None and row.active else None
