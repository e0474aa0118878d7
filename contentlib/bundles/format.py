"""The bundle format: a zip with ``catalog.jsonl``, ``media/<sha256>``, ``manifest.json``, ``manifest.sig``.

``manifest.json`` (UTF-8 JSON) names every other member with its size and
sha256; ``manifest.sig`` is the base64 Ed25519 signature of manifest.json's
exact bytes by the key in ``manifest["library"]["public_key"]``.
"""

from __future__ import annotations

import dataclasses
import re

FORMAT = "contentlib-bundle"
VERSION = 1
CATALOG = "catalog.jsonl"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
MEDIA_PREFIX = "media/"
MEDIA_NAME = re.compile(r"\Amedia/([0-9a-f]{64})\Z")
SHA256 = re.compile(r"\A[0-9a-f]{64}\Z")


@dataclasses.dataclass(frozen=True)
class BundleLimits:
    """What an incoming bundle may be at most before it is refused as hostile."""

    max_members: int = 200_000
    max_bytes: int = 256 * 1024 ** 3
    #: Largest ratio of uncompressed to compressed size of a member (zip bombs reach thousands).
    max_ratio: int = 100
    max_manifest_bytes: int = 64 * 1024 ** 2
    max_catalog_bytes: int = 4 * 1024 ** 3


class BundleRefused(Exception):
    """A bundle that will not be imported; nothing of it was written."""


def media_name(sha256: str) -> str:
    return f"{MEDIA_PREFIX}{sha256}"
