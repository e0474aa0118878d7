"""The library's own settings kept in its database: its name and id, and its public address.

They are stored rather than read from the machine because they must not change by
themselves: a library called after its host ("vm") renamed itself across a restart,
and two such libraries could not be told apart in each other's bundles and reports.
The name and id are written once, at the first start; an admin changes them (the
settings page, ``contentlib settings set``). An environment variable, where one
exists (``CONTENTLIB_PUBLIC_URL``, ``CONTENTLIB_LIBRARY_NAME``), still wins.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import InvalidRecord

# The name a library has until someone names it: "science library" in Tibetan and Chinese.
DEFAULT_NAME = "ཚན་རིག་དཔེ་མཛོད། 科普资源库"

# The names people use (``contentlib settings set NAME``) and the rows they are stored under.
KEYS = {"name": "library_name", "id": "library_id", "public-url": "public_url"}
# The environment variable that wins over each stored setting, where there is one.
ENVIRONMENT = {"name": "CONTENTLIB_LIBRARY_NAME", "public-url": "CONTENTLIB_PUBLIC_URL"}

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
NAME_MAX, URL_MAX = 200, 500


@dataclass(frozen=True)
class Setting:
    """One setting as the settings page and ``contentlib settings get`` show it."""

    key: str
    value: str | None
    stored: str | None          # what the database holds
    environment: str | None     # the variable that decides instead, when it is set


def check_public_url(text: str | None) -> str | None:
    """The public address in canonical form (no trailing slash); ``None`` for an empty one.

    :raises InvalidRecord: unless it is an absolute http(s) address naming a host, with
        no user, query, fragment, space or control character.
    """
    text = (text or "").strip()
    if not text:
        return None
    problem = None
    if len(text) > URL_MAX:
        problem = f"must be at most {URL_MAX} characters"
    elif CONTROL.search(text) or re.search(r"\s", text):
        problem = "must not contain spaces or control characters"
    else:
        try:
            parts = urlsplit(text)
            parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            problem = "must be an http:// or https:// address naming a host, e.g. https://library.example.org"
        elif parts.username is not None or parts.password is not None:
            problem = "must not carry a user name or password"
        elif parts.query or parts.fragment or "?" in text or "#" in text:
            problem = "must not carry a query (?) or a fragment (#)"
    if problem:
        raise InvalidRecord([("public-url", problem)])
    return text.rstrip("/")


def check_name(text: str | None) -> str:
    """The library's name, trimmed. :raises InvalidRecord: when empty, too long or holding control characters."""
    text = (text or "").strip()
    if not text:
        raise InvalidRecord([("name", "must not be empty")])
    if len(text) > NAME_MAX:
        raise InvalidRecord([("name", f"must be at most {NAME_MAX} characters")])
    if CONTROL.search(text):
        raise InvalidRecord([("name", "must not contain control characters")])
    return text


def check_id(text: str | None) -> str:
    """The library's id. :raises InvalidRecord: unless it is 1-64 letters, digits, '.', '_' or '-'."""
    text = (text or "").strip()
    if not ID_RE.match(text):
        raise InvalidRecord([("id", "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")])
    return text


CHECKS = {"name": check_name, "id": check_id, "public-url": check_public_url}


def check_key(key: str) -> str:
    """:raises InvalidRecord: unless ``key`` names a setting."""
    if key not in KEYS:
        raise InvalidRecord([(key, f"is not a setting; the settings are {', '.join(KEYS)}")])
    return key


def check(key: str, value: str | None) -> str | None:
    """``value`` checked for the setting ``key``. :raises InvalidRecord: for an unknown key or a bad value."""
    return CHECKS[check_key(key)](value)


def ensure_identity(store, earlier_id: str | None = None) -> tuple[str, str]:
    """This library's stored ``(id, name)``, written the first time it starts and never again.

    :param earlier_id: the id the library already had (its signing key's, or its use counts'),
        kept so that bundles and counts it sent before still name it.
    """
    now = time.time()
    library_id = store.setting_once(KEYS["id"], earlier_id or uuid.uuid4().hex, now)
    return library_id, store.setting_once(KEYS["name"], DEFAULT_NAME, now)


def resolve(store, environ: dict, key: str) -> Setting:
    """The setting ``key``: its variable in ``environ`` when set, else the stored value, else none."""
    stored = store.stored_settings().get(KEYS[key])
    variable = ENVIRONMENT.get(key)
    configured = environ.get(variable) if variable else None
    if key == "public-url" and configured:
        configured = configured.rstrip("/") or None
    return Setting(key, configured or stored, stored, variable if configured else None)


def store_settings(store, values: dict[str, str | None]) -> dict[str, str | None]:
    """Check every value, then store them together (an empty public address removes it); return what was stored.

    :raises InvalidRecord: naming every unknown key and bad value; nothing was stored then.
    """
    checked, problems = {}, []
    for key, value in values.items():
        try:
            checked[key] = check(key, value)
        except InvalidRecord as exc:
            problems += exc.problems
    if problems:
        raise InvalidRecord(problems)
    store.put_settings({KEYS[key]: value for key, value in checked.items()}, time.time())
    return checked
