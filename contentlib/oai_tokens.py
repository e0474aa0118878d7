"""OAI-PMH resumption tokens: a harvest's whole position, signed so that only ours are read back.

A token is ``<payload>.<mac>``: the payload is the position as compact JSON in
URL-safe base64, the mac an HMAC-SHA256 of the payload under a key derived from
the installation's secret key. The mac is checked (in constant time) before the
payload is decoded, so a forged token is refused unread, however deep or large
its JSON; a signed one is still checked field by field (types and bounds), so a
token that no longer fits (another version's, say) is refused too. Nothing a
harvester sends back is trusted: ``cursor`` and ``completeListSize`` come from
a token we signed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
from dataclasses import dataclass

from . import jsonsafe

MAX_TOKEN = 1024       # characters; ours are about 200
MAX_TEXT = 200         # characters of a set spec or a work id inside a token
MAX_COUNT = 2 ** 53    # a cursor or list size (exact in every JSON reader)
# Unix times from 0001-01-01 to the end of 9999-12-31: the dates OAI-PMH can express.
MIN_TIME, MAX_TIME = -62135596800, 253402300800
_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,1000}\.[A-Za-z0-9_-]{43}", re.ASCII)
# What XML 1.0 cannot carry: C0 controls other than tab and newlines, lone surrogates, U+FFFE/FFFF.
XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PURPOSE = b"contentlib OAI-PMH resumption token v1"


class BadToken(ValueError):
    """A resumption token this repository did not issue, or one that no longer fits."""


def token_key(secret_key: str) -> bytes:
    """The key that signs tokens: derived from the secret key, so it signs nothing else."""
    if not secret_key:
        raise ValueError("resumption tokens need the installation's secret key")
    return hmac.new(secret_key.encode("utf-8"), _PURPOSE, hashlib.sha256).digest()


@dataclass
class Query:
    """One list request's filters and position, as a resumption token carries them."""

    prefix: str
    set: str | None = None
    start: float | None = None   # from, inclusive (Unix time)
    end: float | None = None     # until, exclusive (already moved past the last second or day)
    after: tuple[float, str] | None = None
    cursor: int = 0
    total: int | None = None

    def token(self, key: bytes) -> str:
        """This position as a signed token."""
        raw = json.dumps([self.prefix, self.set, self.start, self.end, list(self.after) if self.after else None,
                          self.cursor, self.total], separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        payload = base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")
        return f"{payload}.{_mac(key, payload)}"

    @classmethod
    def from_token(cls, token: str, key: bytes, prefixes) -> Query:
        """Read a token this repository signed; ``prefixes`` are the metadata formats it offers.

        :raises BadToken: for anything else (malformed, unsigned, forged, or out of bounds).
        """
        if not isinstance(token, str) or len(token) > MAX_TOKEN or not _SHAPE.fullmatch(token):
            raise BadToken("malformed")
        payload, mac = token.split(".")
        if not hmac.compare_digest(mac, _mac(key, payload)):
            raise BadToken("not signed by this repository")
        try:
            raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
            value = jsonsafe.loads(raw, MAX_TOKEN, max_depth=2)
        except (ValueError, jsonsafe.JSONRefused):
            raise BadToken("not JSON") from None
        if not isinstance(value, list) or len(value) != 7:
            raise BadToken("not a position")
        prefix, set_spec, start, end, after, cursor, total = value
        if not isinstance(prefix, str) or prefix not in prefixes:
            raise BadToken("unknown format")
        if set_spec is not None and not _text(set_spec):
            raise BadToken("bad set")
        if not (_time_or_none(start) and _time_or_none(end)):
            raise BadToken("bad time")
        if after is not None:
            if not (isinstance(after, list) and len(after) == 2 and _time(after[0]) and _text(after[1])):
                raise BadToken("bad position")
            after = (float(after[0]), after[1])
        if not (_count(cursor) and _count(total)):
            raise BadToken("bad count")
        return cls(prefix, set_spec, _float(start), _float(end), after, cursor, total)


def _mac(key: bytes, payload: str) -> str:
    digest = hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def _text(value) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_TEXT and not XML_ILLEGAL.search(value)


def _time(value) -> bool:
    """A finite Unix time OAI-PMH can express (``True`` is not a number here, nor 10**400)."""
    if type(value) is int:
        return MIN_TIME <= value <= MAX_TIME
    return type(value) is float and math.isfinite(value) and MIN_TIME <= value <= MAX_TIME


def _time_or_none(value) -> bool:
    return value is None or _time(value)


def _float(value) -> float | None:
    return None if value is None else float(value)


def _count(value) -> bool:
    return type(value) is int and 0 <= value <= MAX_COUNT
