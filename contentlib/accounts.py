"""Users, roles, password and API-token hashing, and login rate limiting.

Roles are single values; what each may do is the ``PERMISSIONS`` table, and an
admin may do everything. Only hashes are stored: werkzeug's salted password
hash, and a SHA-256 of each API token (tokens are 256 random bits, so a fast
hash is enough and lets a token be looked up directly).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from .errors import InvalidRecord, NotAllowed, NotFound, TooManyAttempts
from .tables import login_failures, users

ROLES = ("teacher", "editor", "reviewer", "admin")
PERMISSIONS = {
    "edit": {"editor"},          # create and change translations, submit them, upload media
    "review": {"reviewer"},      # approve or reject versions in review
    "glossary": {"editor", "reviewer"},
    "lists": {"teacher"},
    "users": set(),              # admins only
    "vocabulary": set(),         # admins only
    "bundles": set(),            # admins only: import offline bundles
}
NAME_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
MIN_PASSWORD = 8
MAX_FAILURES = 5
FAILURE_WINDOW = 15 * 60


@dataclass(frozen=True)
class User:
    name: str
    role: str
    active: bool = True

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
    return User(row.name, row.role, bool(row.active))


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
    with store.transaction() as conn:
        if conn.execute(sa.select(users.c.id).where(users.c.name == name)).first():
            raise InvalidRecord([("name", f"{name!r} is taken")])
        conn.execute(users.insert().values(name=name, role=role, password_hash=generate_password_hash(password),
                                           active=True, created_at=now or time.time()))
    return User(name, role)


def get_user(store, name: str) -> User | None:
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(users).where(users.c.name == name)).first()
    return _user(row) if row else None


def list_users(store) -> list[User]:
    with store.engine.connect() as conn:
        return [_user(r) for r in conn.execute(sa.select(users).order_by(users.c.name))]


def set_role(store, name: str, role: str) -> None:
    if role not in ROLES:
        raise InvalidRecord([("role", f"must be one of {', '.join(ROLES)}")])
    with store.transaction() as conn:
        if not conn.execute(users.update().where(users.c.name == name).values(role=role)).rowcount:
            raise NotFound(name)


def set_active(store, name: str, active: bool) -> None:
    """Enable or disable an account; a disabled one can neither log in nor use its token."""
    with store.transaction() as conn:
        if not conn.execute(users.update().where(users.c.name == name).values(active=bool(active))).rowcount:
            raise NotFound(name)


def authenticate(store, name: str, password: str, address: str, now: float | None = None) -> User | None:
    """Check a password; return the user, or None when wrong.

    Failures are counted per name and address: after ``MAX_FAILURES`` within
    ``FAILURE_WINDOW`` seconds every attempt is refused, right or wrong.

    :raises TooManyAttempts: while the limit holds.
    """
    now = time.time() if now is None else now
    key = f"{(name or '').lower()[:64]}|{address or ''}"[:200]
    with store.transaction() as conn:
        conn.execute(login_failures.delete().where(login_failures.c.at < now - FAILURE_WINDOW))
        recent = conn.execute(sa.select(sa.func.count()).select_from(login_failures)
                              .where(login_failures.c.key == key)).scalar_one()
        if recent >= MAX_FAILURES:
            raise TooManyAttempts(key)
        row = conn.execute(sa.select(users).where(users.c.name == name)).first()
        if row is not None and row.active and check_password_hash(row.password_hash, password or ""):
            conn.execute(login_failures.delete().where(login_failures.c.key == key))
            return _user(row)
        conn.execute(login_failures.insert().values(key=key, at=now))
        return None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(store, name: str) -> str:
    """Make a new API token for ``name`` (replacing any older one) and return it; only its hash is kept.

    :raises NotFound: for an unknown user.
    """
    token = secrets.token_urlsafe(32)
    with store.transaction() as conn:
        if not conn.execute(users.update().where(users.c.name == name)
                            .values(token_hash=_token_hash(token))).rowcount:
            raise NotFound(name)
    return token


def user_for_token(store, token: str) -> User | None:
    if not token:
        return None
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(users).where(users.c.token_hash == _token_hash(token))).first()
    return _user(row) if row is not None and row.active else None
