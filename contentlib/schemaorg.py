"""A work as schema.org JSON-LD, and that JSON made safe to sit inside an HTML ``<script>`` element.

Search engines and link previews read it; each name and description keeps its
language (``{"@value": ..., "@language": "bo"}``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime

from .model import LANGUAGES, Work

# The type a work's kind asks for; a video or audio work without a file to play falls back to CreativeWork.
TYPES = {"video": "VideoObject", "animation": "VideoObject", "book": "Book", "audio": "AudioObject",
         "poster": "CreativeWork"}
_CC = re.compile(r"^CC[ -](BY(?:[ -](?:NC|SA|ND))*)[ -](\d\.\d)$", re.IGNORECASE)
_CC0 = re.compile(r"^CC0(?:[ -]1\.0)?$", re.IGNORECASE)


def license_url(license: str | None) -> str | None:
    """The deed URL of a Creative Commons licence named like ``CC BY-SA 4.0``; else ``None``."""
    if not license:
        return None
    text = license.strip()
    if _CC0.match(text):
        return "https://creativecommons.org/publicdomain/zero/1.0/"
    m = _CC.match(text)
    if m:
        return f"https://creativecommons.org/licenses/{m.group(1).lower().replace(' ', '-')}/{m.group(2)}/"
    return None


def _texts(pairs) -> list[dict] | None:
    out = [{"@value": text, "@language": lang} for lang, text in pairs if text and text.strip()]
    return out or None


def work_jsonld(work: Work, url: str, *, image: str | None = None, thumbnail: str | None = None,
                files: Sequence[tuple[str, str]] = (), vocabulary=None) -> dict:
    """The JSON-LD object of a work.

    :param url: the work's public page.
    :param files: ``(absolute URL, media type)`` of its main files (videos, books, audio).
    """
    versions = [work.versions[lang] for lang in LANGUAGES if lang in work.versions]
    data: dict = {"@context": "https://schema.org", "@type": TYPES.get(work.type, "CreativeWork"),
                  "@id": url, "url": url, "identifier": work.id,
                  "name": _texts((v.lang, v.title) for v in versions),
                  "description": _texts((v.lang, v.description) for v in versions),
                  "inLanguage": work.languages}
    keywords = [k for v in versions for k in v.keywords]
    if keywords:
        data["keywords"] = keywords
    if work.subjects:
        about = []
        for code in work.subjects:
            term = vocabulary.get("subjects", code) if vocabulary is not None else None
            about.append({"@type": "DefinedTerm", "termCode": code,
                          "name": _texts(term.labels.items()) if term else code})
        data["about"] = about
    if work.license:
        data["license"] = license_url(work.license) or work.license
    if work.attribution:
        data["creditText"] = work.attribution
    if work.source_url:
        data["isBasedOn"] = work.source_url
    if work.year:
        data["datePublished"] = str(work.year)
    if work.updated_at:
        data["dateModified"] = datetime.fromtimestamp(work.updated_at, UTC).isoformat(timespec="seconds")
    if work.creators:
        data["creator"] = [{"@type": "Person" if c.role != "producer" else "Organization",
                            "name": _texts(c.name.items())} for c in work.creators if c.role != "translator"]
        translators = [c for c in work.creators if c.role == "translator"]
        if translators:
            data["translator"] = [{"@type": "Person", "name": _texts(c.name.items())} for c in translators]
        if not data["creator"]:
            del data["creator"]
    if work.pages:
        data["numberOfPages"] = work.pages
    if image:
        data["image"] = image
    if thumbnail:
        data["thumbnailUrl"] = thumbnail
    if data["@type"] in ("VideoObject", "AudioObject"):
        # A VideoObject (or AudioObject) promises something to play: its file and when it was put up.
        # A video work with no such file yet (a record without media) is only a CreativeWork.
        prefix = "video/" if data["@type"] == "VideoObject" else "audio/"
        playable = next(((href, kind) for href, kind in files if kind.startswith(prefix)), None)
        if playable is None or "dateModified" not in data:
            data["@type"] = "CreativeWork"
        else:
            data["contentUrl"], data["encodingFormat"] = playable
            data["uploadDate"] = data["dateModified"]
            if work.duration_seconds:
                data["duration"] = f"PT{work.duration_seconds}S"
    if files:
        data["encoding"] = [{"@type": "MediaObject", "contentUrl": href, "encodingFormat": kind}
                            for href, kind in files]
    return {k: v for k, v in data.items() if v not in (None, [], "")}


def script_json(data: dict) -> str:
    """JSON for an inline ``<script type="application/ld+json">``: no ``<``, ``>`` or ``&`` left raw.

    Escaped as JSON ``\\u`` sequences, a title holding ``</script>`` or ``<!--`` cannot end or
    bend the element, and the JSON reads back unchanged.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
