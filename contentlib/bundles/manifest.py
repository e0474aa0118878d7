"""Reading a bundle's ``manifest.json``: bounded before the signature check, every field checked after it.

Before the signature is checked only what checking it needs is read (format,
version, the signer's key), with a parser that refuses a document too long or
nested too deep instead of recursing. After it, every field the importer uses
is checked for type, bounds and shape, and every identifier that will be kept
or may name something (the bundle id, the library id, the previous bundle) must
be a plain name (``contentlib.paths.NAME``): nothing later can fail on them.
Fields this version does not use are ignored (they are bounded by size and depth).
"""

from __future__ import annotations

import datetime as dt

from .. import jsonsafe, paths
from .format import CATALOG, FORMAT, MEDIA_NAME, SHA256, VERSION, BundleLimits, BundleRefused

#: How deep manifest.json may nest (it needs 3: members, one member, its fields).
MAX_DEPTH = 8
MAX_TEXT = 200          # characters of the library's name
MAX_KEY = 100           # characters of a public key (44 in base64)
MAX_CREATED = 40        # characters of the creation time (what the bundle log keeps)
MAX_ENTRIES = 64        # entries of the selection and of the counts
MAX_SELECTION_ITEMS = 200
MAX_SELECTION_TEXT = 2000  # characters of a selection's value (a search is at most 500)


def parse(data: bytes, limits: BundleLimits) -> dict:
    """Parse manifest.json within bounds and read what the signature check needs; nothing more is trusted yet.

    :raises BundleRefused: not UTF-8 JSON, too long, too deep, or not a manifest of this format and version.
    """
    try:
        manifest = jsonsafe.loads(data, limits.max_manifest_bytes, MAX_DEPTH)
    except jsonsafe.JSONRefused as exc:
        raise BundleRefused(f"manifest.json is refused: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleRefused("manifest.json is not a contentlib bundle manifest")
    if manifest.get("version") != VERSION:
        version = manifest.get("version")
        shown = repr(version)[:40] if isinstance(version, (str, int, float)) else type(version).__name__
        raise BundleRefused(f"bundle format version {shown} is not supported (this reads {VERSION})")
    library = manifest.get("library")
    if not isinstance(library, dict) or not _text(library.get("public_key"), MAX_KEY):
        raise BundleRefused("manifest.json lacks its library's public key")
    return manifest


def check(manifest: dict, limits: BundleLimits) -> dict[str, dict]:
    """Check every field the importer uses (after the signature check); return the members by name.

    :raises BundleRefused: naming the first field that is wrong.
    """
    _name(manifest.get("bundle_id"), "bundle_id")
    library = manifest["library"]
    _name(library.get("id"), "library.id")
    if not _text(library.get("name"), MAX_TEXT, empty=True):
        raise BundleRefused(f"manifest.json: library.name must be text of at most {MAX_TEXT} characters")
    _created(manifest.get("created"))
    if manifest.get("previous") is not None:
        _name(manifest["previous"], "previous")
    _selection(manifest.get("selection", {}))
    if not isinstance(manifest.get("light", False), bool):
        raise BundleRefused("manifest.json: light must be true or false")
    counts = manifest.get("counts", {})
    if not isinstance(counts, dict) or len(counts) > MAX_ENTRIES or not all(
            _text(k, 40) and _count(v) for k, v in counts.items()):
        raise BundleRefused("manifest.json: counts must map names to whole numbers")
    return _members(manifest.get("members"), limits)


def _members(members, limits: BundleLimits) -> dict[str, dict]:
    if not isinstance(members, list):
        raise BundleRefused("manifest.json: members must be a list")
    if len(members) > limits.max_members:
        raise BundleRefused(f"manifest.json: too many members ({len(members)}; at most {limits.max_members})")
    out: dict[str, dict] = {}
    for m in members:
        if not isinstance(m, dict) or set(m) != {"name", "size", "sha256"} or not isinstance(m["name"], str) \
                or not _count(m["size"]) or m["size"] > limits.max_bytes \
                or not isinstance(m["sha256"], str) or not SHA256.match(m["sha256"]):
            raise BundleRefused("manifest.json has a malformed member entry (name, size and sha256)")
        name = m["name"]
        if name in out:
            raise BundleRefused(f"manifest.json names member {name[:80]!r} twice")
        media = MEDIA_NAME.match(name)
        if name != CATALOG and not media:
            raise BundleRefused(f"manifest.json names an unexpected member {name[:80]!r}")
        if media and media.group(1) != m["sha256"]:
            raise BundleRefused(f"member {name!r} is not named by its sha256")
        out[name] = {"size": m["size"], "sha256": m["sha256"]}
    if CATALOG not in out:
        raise BundleRefused(f"manifest.json does not list {CATALOG}")
    return out


def _name(value, field: str) -> str:
    try:
        return paths.check_name(value, field)
    except paths.PathEscape as exc:
        raise BundleRefused(f"manifest.json: {exc}") from None


def _created(value) -> None:
    if _text(value, MAX_CREATED):
        try:
            when = dt.datetime.fromisoformat(value)
        except ValueError:
            when = None
        if when is not None and when.tzinfo is not None:
            return
    raise BundleRefused("manifest.json: created must be a time with its zone, like 2024-05-01T08:00:00Z")


def _selection(value) -> None:
    def plain(v):
        return v is None or isinstance(v, bool) or _count(v) or _text(v, MAX_SELECTION_TEXT, empty=True)

    ok = isinstance(value, dict) and len(value) <= MAX_ENTRIES and all(
        _text(k, 40) and (plain(v) or (isinstance(v, list) and len(v) <= MAX_SELECTION_ITEMS
                                       and all(_text(x, MAX_SELECTION_TEXT, empty=True) for x in v)))
        for k, v in value.items())
    if not ok:
        raise BundleRefused("manifest.json: selection must map names to text, numbers or lists of text")


def _text(value, most: int, empty: bool = False) -> bool:
    return isinstance(value, str) and (empty or bool(value)) and len(value) <= most


def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
