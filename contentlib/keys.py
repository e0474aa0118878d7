"""This library's identity (id, name, Ed25519 key) and the keys of libraries it trusts.

The identity is made on first use in ``<home>/library_key.json`` (mode 0600),
written to a temporary name and linked into place, so two processes starting
at once end up with one key. Trusted keys live in the database, so they are
kept with everything else a backup of the database keeps.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import InvalidRecord
from .site import DEFAULT_NAME

KEY_FILE = "library_key.json"


@dataclass(frozen=True)
class Identity:
    """Who signs this library's bundles."""

    id: str
    name: str
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> str:
        """The public key as one line of base64 (the raw 32 bytes)."""
        raw = self.private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return base64.b64encode(raw).decode("ascii")

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)


def _read(path: Path) -> Identity:
    data = json.loads(path.read_text("utf-8"))
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(data["private_key"]))
    return Identity(data["id"], data["name"], key)


def stored_id(home) -> str | None:
    """The id in ``home``'s identity file, if the library made one already (None otherwise)."""
    try:
        return json.loads((Path(home) / KEY_FILE).read_text("utf-8"))["id"] or None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def identity(home, name: str | None = None, library_id: str | None = None) -> Identity:
    """Load this library's identity from ``home``, making it on first use.

    The library's name and id are its stored settings (``contentlib.site``), which the
    ``Library`` puts in place of the file's; the file keeps the ones it was made with.

    :param name: the library's name when it is made (default: ``site.DEFAULT_NAME``, never the host's).
    :param library_id: its id when it is made (default: a new random one).
    """
    home = Path(home)
    path = home / KEY_FILE
    if path.exists():
        return _read(path)
    home.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                            serialization.NoEncryption())
    body = json.dumps({"id": library_id or uuid.uuid4().hex, "name": name or DEFAULT_NAME,
                       "private_key": base64.b64encode(raw).decode("ascii")}).encode()
    tmp = home / f".{KEY_FILE}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another process made the key first: theirs wins
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return _read(path)


def parse_public_key(text: str) -> str:
    """Check a base64 Ed25519 public key and return it in canonical form.

    :raises InvalidRecord: if it is not 32 bytes of base64.
    """
    try:
        raw = base64.b64decode((text or "").strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise InvalidRecord([("key", "must be an Ed25519 public key: 44 characters of base64 (from `contentlib keys show`)")])
    Ed25519PublicKey.from_public_bytes(raw)
    return base64.b64encode(raw).decode("ascii")


def verify(public_key: str, data: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is the Ed25519 signature of ``data`` by ``public_key`` (base64)."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        key.verify(signature, data)
        return True
    except (InvalidSignature, ValueError, binascii.Error, TypeError):
        return False


def trust(store, public_key: str, name: str | None = None) -> bool:
    """Trust another library's key; return False if it was trusted already (the name is updated)."""
    key = parse_public_key(public_key)
    return store.trust_key(key, name, time.time())


def trusted(store) -> list[tuple[str, str | None]]:
    """Every trusted key with its name, oldest first."""
    return store.trusted_keys()


def is_trusted(store, public_key: str) -> bool:
    return store.is_trusted_key(public_key)
