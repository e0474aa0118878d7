"""How an imported record meets the work already here (``spec/catalog-record.md``, import rules).

An import merges, it never destroys: a record changes the fields and the
language versions it carries; a version it does not carry stays; a version
that editors changed here since it was last imported is kept unless the
record says (``updated``) that its copy is later. Files editors uploaded stay
whatever the record lists. Only a mirror import makes the work equal the record.
Plain values in and out, so the rules are tested without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .model import LANGUAGES, MediaEntry, Version, Work

EDITOR, IMPORT = "editor", "import"
# Record fields that are whole-work values (``id`` and ``type`` are always carried).
WORK_FIELDS = ("year", "duration_seconds", "pages", "license", "attribution", "source_url",
               "subjects", "audiences", "grades", "creators")
TEXT = (("titles", "title"), ("descriptions", "description"), ("keywords", "keywords"))


@dataclass
class Origin:
    """When the published version of one language last changed, and whether an editor or an import did it."""

    changed_at: float
    source: str


@dataclass
class Merged:
    work: Work
    written: dict[str, float] = field(default_factory=dict)  # lang -> when the version written changed
    removed: list[str] = field(default_factory=list)          # langs a mirror import removes
    kept: list[str] = field(default_factory=list)             # editors' versions left as they are


def carried_fields(rec: dict) -> frozenset[str]:
    """What a record carries: its top-level fields, plus ``titles.bo``-style names per language."""
    out = set(rec)
    for name, _ in TEXT:
        value = rec.get(name)
        if isinstance(value, dict):
            out |= {f"{name}.{lang}" for lang in value}
    return frozenset(out)


def _carries(carried, name: str) -> bool:
    return carried is None or name in carried


def _version(lang: str, new: Version, old: Version | None, carried) -> Version:
    if old is None or carried is None:
        return Version(lang, new.title, new.description, list(new.keywords), updated=new.updated)
    values = {attr: getattr(new if f"{name}.{lang}" in carried else old, attr) for name, attr in TEXT}
    values["keywords"] = list(values["keywords"])
    return Version(lang, updated=new.updated, **values)


def _key(m: MediaEntry) -> tuple:
    return m.role, m.lang, m.sha256


def _media(before: list[MediaEntry], new: list[MediaEntry], carried, kept: set[str], mirror: bool):
    if not mirror and not _carries(carried, "media"):
        return list(before)
    same: dict[tuple, MediaEntry] = {}
    for m in before:
        same.setdefault(_key(m), m)
    out = []
    for m in new:
        if not mirror and m.lang in kept:
            continue  # the editors' version keeps its own files
        out.append(same.get(_key(m), m))  # the same file keeps its facts and derived files
    listed = {_key(m) for m in out}
    for m in before:
        info = m.info or {}
        # Files editors uploaded stay; a mirror import keeps only those still in review (like drafts).
        if _key(m) not in listed and (info.get("draft") or (
                not mirror and (info.get("uploaded_by") or m.lang in kept))):
            out.append(m)
    return out


def merge(before: Work | None, new: Work, origins: dict[str, Origin], now: float,
          carried: frozenset[str] | None = None, mirror: bool = False) -> Merged:
    """The work after importing ``new`` over ``before``.

    :param origins: per language, the origin of the published version here.
    :param carried: the record's fields (``carried_fields``); None for a whole work.
    :param mirror: make the work equal the record, editors' versions and files included.
    """
    if before is None:
        work = replace(new, versions={lang: replace(v) for lang, v in new.versions.items()}, added=None)
        return Merged(work, written={lang: v.updated or now for lang, v in new.versions.items()})
    out = Merged(replace(before, versions={}))
    if mirror:
        carried = None
    out.work.type = new.type
    for name in WORK_FIELDS:
        if _carries(carried, name):
            setattr(out.work, name, getattr(new, name))
    for lang in LANGUAGES:
        old, incoming = before.versions.get(lang), new.versions.get(lang)
        origin = origins.get(lang)
        edited = origin is not None and origin.source == EDITOR and not mirror
        if incoming is None:
            if old is not None and mirror:
                out.removed.append(lang)
            elif old is not None:
                out.work.versions[lang] = old
                if edited:
                    out.kept.append(lang)
            continue
        candidate = _version(lang, incoming, old, carried)
        if old is not None and candidate == old:
            out.work.versions[lang] = old
        elif old is not None and edited and origin is not None and not (
                incoming.updated is not None and incoming.updated > origin.changed_at):
            out.work.versions[lang] = old
            out.kept.append(lang)
        else:
            out.work.versions[lang] = candidate
            out.written[lang] = incoming.updated or now
    out.work.media = _media(before.media, new.media, carried, set(out.kept), mirror)
    return out


def same(a: Work, b: Work) -> bool:
    """Whether two works hold the same content (when they were added aside)."""
    return replace(a, added=None) == replace(b, added=None)
