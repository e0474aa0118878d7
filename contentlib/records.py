"""The JSON Lines record format: validate, import, export.

One work per line (``../shared/spec/catalog-record.md``). Every line is checked
before anything is written, so an import either writes all of its works or
none; problems are reported as ``LINE: field: message``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import os
import re
import shutil
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from . import bounds, jsonsafe, xmltext
from .atomic import atomic_open
from .errors import InvalidRecord
from .longwork import Cancelled
from .merge import carried_fields
from .model import CREATOR_ROLES, ID_RE, LANGUAGES, MEDIA_ROLES, TIMED_TYPES, WORK_TYPES, Creator, MediaEntry, Version, Work
from .targets import output_file

FIELDS = ("id", "type", "titles", "descriptions", "keywords", "subjects", "audiences", "grades", "year",
          "duration_seconds", "pages", "creators", "license", "attribution", "source_url", "media", "updated")
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
_URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_RFC3339_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def parse_time(value) -> float | None:
    """An RFC 3339 time (``2026-11-29T08:00:00Z``) as Unix time; None if it is not one."""
    if not isinstance(value, str) or not _RFC3339_RE.match(value):
        return None
    try:
        return dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def format_time(ts: float) -> str:
    """Unix time as RFC 3339 UTC to the second, as export writes ``updated``."""
    return dt.datetime.fromtimestamp(int(ts), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Problem:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.line}: {self.field}: {self.message}"


@dataclass
class FileRef:
    """A media file named by a record, checked to lie inside the record file's folder."""

    path: str
    source: Path
    role: str
    lang: str | None
    sha256: str | None


@dataclass
class ParsedLine:
    line: int
    work: Work
    files: list[FileRef] = field(default_factory=list)
    carried: frozenset[str] = frozenset()  # the record's fields (``merge.carried_fields``)


# A media ingester takes a file and returns (sha256, size, content_type, info); it raises
# MediaRejected for files it refuses. The app hands in the media store's.
Ingest = Callable[[Path], tuple]


def _int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _lang_map(rec, name, problems, check_value):
    value = rec.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append((name, "must be an object of language -> value"))
        return {}
    out = {}
    for lang, v in value.items():
        if lang not in LANGUAGES:
            problems.append((name, f"unknown language {lang!r}; expected bo, zh or en"))
        elif not check_value(v):
            problems.append((name, f"{lang}: wrong kind of value"))
        else:
            out[lang] = v
    return out


def _code_list(rec, name, vocabulary, problems):
    value = rec.get(name, [])
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        problems.append((name, "must be a list of codes"))
        return []
    for code in value:
        if vocabulary is not None and not vocabulary.has(name, code):
            problems.append((name, f"unknown code {code!r}"))
    if len(set(value)) != len(value):
        problems.append((name, "repeats a code"))
    return value


def safe_media_path(base_dir: Path, rel: object) -> Path:
    """Resolve a record's media path inside ``base_dir``.

    :raises ValueError: for absolute paths, ``..``, or anything resolving outside.
    """
    if not isinstance(rel, str) or not rel or "\x00" in rel or "\\" in rel:
        raise ValueError("must be a relative path")
    pure = PurePosixPath(rel)
    if pure.is_absolute() or re.match(r"^[A-Za-z]:", rel):
        raise ValueError("must not be absolute")
    if ".." in pure.parts:
        raise ValueError("must not contain '..'")
    base = base_dir.resolve()
    target = (base / pure).resolve()
    if base != target and base not in target.parents:
        raise ValueError("escapes the record file's folder")
    return target


def parse_record(rec, vocabulary=None, base_dir: Path | None = None) -> tuple[Work | None, list, list]:
    """Check one decoded record and build its work.

    :returns: ``(work, files, problems)``; ``work`` is None when there are problems.
    """
    problems: list[tuple[str, str]] = []
    if not isinstance(rec, dict):
        return None, [], [("record", "must be a JSON object")]
    problems += xmltext.problems(rec, "")  # control characters, wherever they hide
    for key in rec:
        if key not in FIELDS:
            problems.append((xmltext.xml_safe(key), "unknown field"))
    wid = rec.get("id")
    if wid is None:
        problems.append(("id", "is required"))
    elif not isinstance(wid, str) or not ID_RE.match(wid):
        problems.append(("id", "must be 1-64 characters of A-Z a-z 0-9 . _ -"))
    wtype = rec.get("type")
    if wtype is None:
        problems.append(("type", "is required"))
    elif wtype not in WORK_TYPES:
        problems.append(("type", f"unknown type {wtype!r}; expected one of {', '.join(WORK_TYPES)}"))
    if "titles" not in rec:
        problems.append(("titles", "is required"))
    titles = _lang_map(rec, "titles", problems, lambda v: isinstance(v, str))
    if "titles" in rec and not any(t.strip() for t in titles.values()):
        problems.append(("titles", "needs at least one non-empty title"))
    descriptions = _lang_map(rec, "descriptions", problems, lambda v: isinstance(v, str))
    keywords = _lang_map(rec, "keywords", problems,
                         lambda v: isinstance(v, list) and all(isinstance(k, str) for k in v))
    _check_bounds(rec, titles, descriptions, keywords, problems)
    terms = {s: _code_list(rec, s, vocabulary, problems) for s in ("subjects", "audiences", "grades")}
    updated = {}
    for lang, value in _lang_map(rec, "updated", problems, lambda v: isinstance(v, str)).items():
        updated[lang] = parse_time(value)
        if updated[lang] is None:
            problems.append(("updated", f"{lang}: {value!r} is not an RFC 3339 time such as 2026-11-29T08:00:00Z"))

    year = rec.get("year")
    if year is not None and (not _int(year) or not 1900 <= year <= 2100):
        problems.append(("year", "must be an integer from 1900 to 2100"))
    duration = rec.get("duration_seconds")
    if duration is not None:
        if not _int(duration) or duration < 0:
            problems.append(("duration_seconds", "must be a non-negative integer"))
        elif wtype in WORK_TYPES and wtype not in TIMED_TYPES:
            problems.append(("duration_seconds", f"only for {', '.join(TIMED_TYPES)}"))
    pages = rec.get("pages")
    if pages is not None:
        if not _int(pages) or pages < 1:
            problems.append(("pages", "must be a positive integer"))
        elif wtype in WORK_TYPES and wtype != "book":
            problems.append(("pages", "only for books"))
    for name in ("license", "attribution"):
        if rec.get(name) is not None and not isinstance(rec[name], str):
            problems.append((name, "must be a string"))
    url = rec.get("source_url")
    if url is not None and (not isinstance(url, str) or not _URL_RE.match(url)):
        problems.append(("source_url", "must be an http(s) URL"))

    creators: list[Creator] = []
    raw_creators = rec.get("creators", [])
    if not isinstance(raw_creators, list):
        problems.append(("creators", "must be a list"))
        raw_creators = []
    for i, c in enumerate(raw_creators):
        if not isinstance(c, dict) or set(c) - {"name", "role"}:
            problems.append((f"creators[{i}]", "must be {\"name\": {lang: string}, \"role\": string}"))
            continue
        names, role = c.get("name"), c.get("role")
        if (not isinstance(names, dict) or not names or
                not all(k in LANGUAGES and isinstance(v, str) and v.strip() for k, v in names.items())):
            problems.append((f"creators[{i}].name", "must map bo/zh/en to non-empty names"))
        elif role not in CREATOR_ROLES:
            problems.append((f"creators[{i}].role", f"unknown role {role!r}; expected one of {', '.join(CREATOR_ROLES)}"))
        else:
            creators.append(Creator(dict(names), role))

    files = _media_refs(rec.get("media", []), base_dir, problems)
    if problems:
        return None, [], problems
    versions = {}
    for lang in LANGUAGES:
        if lang in titles or lang in descriptions or lang in keywords:
            versions[lang] = Version(lang, titles.get(lang), descriptions.get(lang), list(keywords.get(lang, [])),
                                     updated=updated.get(lang))
    # id and type are there and valid: no problems above
    work = Work(id=rec["id"], type=rec["type"], versions=versions, year=year, duration_seconds=duration, pages=pages,
                creators=creators, license=rec.get("license"), attribution=rec.get("attribution"),
                source_url=url, **terms)
    return work, files, []


def _check_bounds(rec, titles, descriptions, keywords, problems) -> None:
    """The record format's field bounds (``contentlib.bounds``), the same the editor and the API apply."""
    for name, values, limit in (("titles", titles, bounds.MAX_TITLE),
                                ("descriptions", descriptions, bounds.MAX_DESCRIPTION)):
        for lang, text in values.items():
            if len(text) > limit:
                problems.append((f"{name}.{lang}", f"must be at most {limit} characters"))
    for lang, words in keywords.items():
        if len(words) > bounds.MAX_KEYWORDS or any(len(k) > bounds.MAX_KEYWORD for k in words):
            problems.append((f"keywords.{lang}",
                             f"at most {bounds.MAX_KEYWORDS} keywords of {bounds.MAX_KEYWORD} characters"))
    for name, limit in (("creators", bounds.MAX_CREATORS), ("media", bounds.MAX_MEDIA)):
        if isinstance(rec.get(name), list) and len(rec[name]) > limit:
            problems.append((name, f"at most {limit} entries"))


def _media_refs(raw, base_dir, problems) -> list[FileRef]:
    if not isinstance(raw, list):
        problems.append(("media", "must be a list"))
        return []
    refs = []
    for i, m in enumerate(raw):
        where = f"media[{i}]"
        if not isinstance(m, dict):
            problems.append((where, "must be an object"))
            continue
        for key in m:
            if key not in ("path", "role", "lang", "sha256"):
                problems.append((f"{where}.{key}", "unknown field"))
        role, lang, sha = m.get("role"), m.get("lang"), m.get("sha256")
        if role not in MEDIA_ROLES:
            problems.append((f"{where}.role", f"unknown role {role!r}; expected one of {', '.join(MEDIA_ROLES)}"))
        if lang is not None and lang not in LANGUAGES:
            problems.append((f"{where}.lang", f"unknown language {lang!r}"))
        if sha is not None and (not isinstance(sha, str) or not _SHA_RE.match(sha)):
            problems.append((f"{where}.sha256", "must be 64 lowercase hex digits"))
        try:
            source = safe_media_path(base_dir or Path("."), m.get("path"))
        except ValueError as exc:
            problems.append((f"{where}.path", str(exc)))
            continue
        if base_dir is not None and not source.is_file():
            problems.append((f"{where}.path", f"no such file {m.get('path')!r}"))
            continue
        if isinstance(role, str):  # else the role is a problem above, and the work is refused
            refs.append(FileRef(m["path"], source, role, lang, sha))
    return refs


def work_to_record(work: Work) -> dict:
    """The record of a work, in the field order of the spec, without empty fields."""
    rec: dict[str, Any] = {"id": work.id, "type": work.type}
    rec["titles"] = {lang: v.title for lang, v in work.versions.items() if v.title is not None}
    descriptions = {lang: v.description for lang, v in work.versions.items() if v.description is not None}
    keywords = {lang: list(v.keywords) for lang, v in work.versions.items() if v.keywords}
    if descriptions:
        rec["descriptions"] = descriptions
    if keywords:
        rec["keywords"] = keywords
    for scheme in ("subjects", "audiences", "grades"):
        if getattr(work, scheme):
            rec[scheme] = list(getattr(work, scheme))
    for name in ("year", "duration_seconds", "pages"):
        if getattr(work, name) is not None:
            rec[name] = getattr(work, name)
    if work.creators:
        rec["creators"] = [{"name": dict(c.name), "role": c.role} for c in work.creators]
    for name in ("license", "attribution", "source_url"):
        if getattr(work, name) is not None:
            rec[name] = getattr(work, name)
    if work.media:
        rec["media"] = [_media_record(m) for m in work.media]
    updated = {lang: format_time(v.updated) for lang, v in work.versions.items() if v.updated is not None}
    if updated:
        rec["updated"] = updated
    return rec


def _media_record(m: MediaEntry) -> dict:
    out = {"path": m.path, "role": m.role}
    if m.lang is not None:
        out["lang"] = m.lang
    out["sha256"] = m.sha256
    return out


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    problems: list[Problem] = field(default_factory=list)
    work_ids: list[str] = field(default_factory=list)
    replaced_media: set[str] = field(default_factory=set)
    # (line, work id, lang) of each version left as editors made it here
    kept_versions: list[tuple[int, str, str]] = field(default_factory=list)
    removed: list[str] | None = field(default_factory=list)  # works a mirror import deleted (None: not confirmed)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    def notes(self) -> list[str]:
        """One line per version kept, naming the work: ``WORK_ID (line N): kept newer local version (bo)``."""
        return [f"{work_id} (line {line}): kept newer local version ({lang})" for line, work_id, lang in self.kept_versions]

    def summary(self) -> str:
        """What the counts count: works created, updated or unchanged, and language versions kept."""
        works = "work" if self.imported == 1 else "works"
        versions = "version" if self.kept == 1 else "versions"
        return (f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged ({self.imported} {works}); "
                f"{self.kept} newer local {versions} kept")


@dataclass
class MirrorPlan:
    """What a mirror import would remove: works, language versions and media entries."""

    works: list[str] = field(default_factory=list)
    versions: list[tuple[str, str]] = field(default_factory=list)
    media: list[tuple[str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.works or self.versions or self.media)

    def lines(self) -> list[str]:
        return ([f"remove work {w}" for w in self.works] + [f"remove version {w} ({lang})" for w, lang in self.versions]
                + [f"remove file {w}: {path}" for w, path in self.media])


def read_file(path: Path, vocabulary=None, progress=None) -> tuple[list[ParsedLine], list[Problem]]:
    """Parse and check every line of a JSON Lines file; write nothing.

    Every work is held in memory: an import does not use this (``import_file`` reads a file twice instead).

    :param progress: called as ``progress(bytes read, file size, "reading")`` now and then.
    """
    parsed: list[ParsedLine] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    with open(path, "rb") as fh:
        for number, work, files, carried, errs in _parse_lines(fh, vocabulary, Path(path).resolve().parent, progress):
            problems += errs
            if work is not None and _first(work.id, number, seen, problems):
                parsed.append(ParsedLine(number, work, files, carried))
    return parsed, problems


def _first(work_id: str, number: int, seen: dict[str, int], problems: list[Problem]) -> bool:
    """Whether this line is the first with this id (else a problem names the line that was)."""
    if work_id in seen:
        problems.append(Problem(number, "id", f"duplicate id {work_id!r} (first on line {seen[work_id]})"))
        return False
    seen[work_id] = number
    return True


def _parse_lines(fh, vocabulary, base_dir: Path, progress=None):
    """Yield ``(line, work, files, carried, problems)`` for each line that is not blank.

    ``work`` is None when the line has problems. Only the current line is held.
    """
    size = os.fstat(fh.fileno()).st_size
    for number, raw in enumerate(_bounded_lines(fh), start=1):
        if progress is not None and number % 100 == 0:
            progress(fh.tell(), size, "reading")
        if raw is None:
            yield number, None, [], frozenset(), [
                Problem(number, "line", f"longer than {bounds.MAX_LINE_BYTES // 2 ** 20} MB")]
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield number, None, [], frozenset(), [Problem(number, "encoding", f"not UTF-8 ({exc.reason})")]
            continue
        if number == 1 and text.startswith("\ufeff"):
            yield number, None, [], frozenset(), [Problem(number, "encoding", "starts with a byte order mark")]
            continue
        if not text.strip():
            continue
        try:
            rec = jsonsafe.loads(text, bounds.MAX_LINE_BYTES)
        except jsonsafe.JSONRefused as exc:
            yield number, None, [], frozenset(), [Problem(number, "json", str(exc))]
            continue
        work, files, errs = parse_record(rec, vocabulary, base_dir)
        carried = carried_fields(rec) if work is not None else frozenset()
        yield number, work, files, carried, [Problem(number, f, m) for f, m in errs]
    if progress is not None:
        progress(size, size, "reading")


def _bounded_lines(fh):
    """Yield each line's bytes, or None for a line over ``MAX_LINE_BYTES`` (never held whole in memory)."""
    while True:
        raw = fh.readline(bounds.MAX_LINE_BYTES + 1)
        if not raw:
            return
        if len(raw) > bounds.MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the long line
                raw = fh.readline(1 << 20)
            yield None
        else:
            yield raw


class _Hashed:
    """A binary file read line by line whose every byte goes into a sha256 as it is read.

    An import reads its file twice; the two digests say whether both passes read the same file.
    """

    def __init__(self, fh):
        self._fh = fh
        self.sha = hashlib.sha256()

    def readline(self, limit: int = -1) -> bytes:
        raw = self._fh.readline(limit)
        self.sha.update(raw)
        return raw

    def tell(self) -> int:
        return self._fh.tell()

    def fileno(self) -> int:
        return self._fh.fileno()


def hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class _Checked:
    """What an import's first pass keeps of its file: a few facts per line, never the works."""

    sha256: str = ""  # of the bytes read
    problems: list[Problem] = field(default_factory=list)
    skip: set[int] = field(default_factory=set)  # lines not to write: a problem, or an id an earlier line has
    files: dict[int, list[FileRef]] = field(default_factory=dict)  # the lines whose records name files
    media: dict[int, list[MediaEntry]] = field(default_factory=dict)  # their entries, once checked
    staged: dict[int, list] = field(default_factory=dict)  # their files, staged (good lines only)


def _check_file(path: Path, vocabulary, progress=None) -> _Checked:
    """The first pass: check every line, keeping its problems and the files it names; write nothing."""
    checked = _Checked()
    seen: dict[str, int] = {}
    with open(path, "rb") as raw:
        fh = _Hashed(raw)
        for number, work, files, _, errs in _parse_lines(fh, vocabulary, path.resolve().parent, progress):
            checked.problems += errs
            if work is None or not _first(work.id, number, seen, checked.problems):
                checked.skip.add(number)
            elif files:
                checked.files[number] = files
        checked.sha256 = fh.sha.hexdigest()
    return checked


def _check_files(checked: _Checked, ingest, staging, progress=None) -> None:
    """Check every named file by content; a line with a bad one is not written.

    With a ``staging`` (``attachments.ingester(...).staging()``) files are only
    staged here: nothing reaches the media store until the import is accepted.
    """
    from .errors import MediaRejected

    with_files = len(checked.files)
    for done, (line, refs) in enumerate(checked.files.items()):
        if progress is not None:
            progress(done, with_files, "checking files")
        entries, staged, line_problems = [], [], []
        for i, ref in enumerate(refs):
            if ref.sha256 is not None and hash_file(ref.source) != ref.sha256:
                line_problems.append(Problem(line, f"media[{i}].sha256", "does not match the file"))
                continue
            if ingest is None:
                line_problems.append(Problem(line, f"media[{i}]", "this import cannot store media"))
                continue
            try:
                if staging is not None:
                    handle = staging.stage(ref.source)
                    staged.append(handle)
                    sha, size, ctype, info = handle.facts
                else:
                    sha, size, ctype, info = ingest(ref.source)
            except MediaRejected as exc:
                line_problems.append(Problem(line, f"media[{i}].path", str(exc)))
                continue
            entries.append(MediaEntry(path=ref.path, role=ref.role, lang=ref.lang, sha256=sha, size=size,
                                      content_type=ctype, original_name=PurePosixPath(ref.path).name,
                                      info=info or {}))
        if line_problems:
            checked.problems += line_problems
            checked.skip.add(line)
        else:
            checked.media[line] = entries
            if staged:
                checked.staged[line] = staged
    if progress is not None and with_files:
        progress(with_files, with_files, "checking files")


def _works(path: Path, vocabulary, checked: _Checked, carried: _Carried | None = None,
           ids: list[str] | None = None, lines: array | None = None) -> Iterator[Work]:
    """The second pass: read the file again and yield the works the first accepted, with their checked files.

    :param carried: filled with each work's record fields as it is yielded.
    :param ids: and ``lines``: each work's id and line are appended as it is yielded.
    :raises InvalidRecord: once the file turns out not to be the one the first pass read (an accepted
        line no longer parses, or the sha256 of the whole differs); the caller writes nothing then.
    """
    with open(path, "rb") as raw:
        fh = _Hashed(raw)
        for number, work, _, fields, _ in _parse_lines(fh, vocabulary, path.resolve().parent):
            if number in checked.skip:
                continue
            if work is None:
                raise _changed(path)
            work.media.extend(checked.media.get(number, ()))
            if carried is not None:
                carried[work.id] = fields
            if ids is not None and lines is not None:
                ids.append(work.id)
                lines.append(number)
            yield work
        if fh.sha.hexdigest() != checked.sha256:
            raise _changed(path)


def _changed(path: Path) -> InvalidRecord:
    return InvalidRecord([("file", f"{path.name} changed while it was being imported; import it again")])


class _Carried(Mapping):
    """The record fields of the works on their way to ``put_works``, each let go once looked up.

    ``put_works`` looks each work's up once, a batch after ``_works`` put it here,
    so this holds one batch's, not the file's.
    """

    def __init__(self) -> None:
        self._fields: dict[str, frozenset[str]] = {}

    def __setitem__(self, work_id: str, fields: frozenset[str]) -> None:
        self._fields[work_id] = fields

    def __getitem__(self, work_id: str) -> frozenset[str]:
        return self._fields.pop(work_id)

    def __iter__(self):
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)


def mirror_plan(store, works: Iterable[Work]) -> MirrorPlan:
    """What importing exactly ``works`` with ``mirror`` would remove (nothing is written).

    ``works`` may be a stream: they are compared with the catalog a batch at a time.
    """
    from .merge import merge

    plan = MirrorPlan()
    keep: set[str] = set()
    it = iter(works)
    while chunk := list(itertools.islice(it, 500)):
        keep.update(w.id for w in chunk)
        before = {w.id: w for w in store.get_works([w.id for w in chunk])}
        for w in chunk:
            old = before.get(w.id)
            if old is None:
                continue
            result = merge(old, w, {}, 0.0, mirror=True)
            plan.versions += [(w.id, lang) for lang in result.removed]
            listed = {(m.role, m.lang, m.sha256) for m in result.work.media}
            plan.media += [(w.id, m.path) for m in old.media if (m.role, m.lang, m.sha256) not in listed]
    plan.works = [i for i in store.work_ids() if i not in keep]
    return plan


def import_file(store, path: Path, ingest: Ingest | None = None, skip_invalid: bool = False,
                actor: str | None = None, mirror: bool = False,
                confirm: Callable[[MirrorPlan], bool] | None = None, progress=None) -> ImportReport:
    """Validate a whole file, then merge its works into the catalog in one transaction.

    Every line and every media file (by content) is checked before anything is
    stored; a refused import leaves neither rows nor files. An import merges
    (``merge.merge``): it never removes a version or a file the file does not
    carry, and keeps versions editors changed here unless the record's copy is later.

    The file is read twice, so memory does not grow with it: the first pass checks
    every line and keeps only a few facts per line (its problems, its checked files)
    and a sha256 of the bytes; the second reads it again and writes the works a
    batch at a time inside the one transaction, which is not committed unless the
    second pass read the same bytes.

    :param skip_invalid: import the valid lines even when others are broken.
    :param mirror: make the catalog equal the file. ``confirm`` is shown the
        plan of what would be removed and must return True, else nothing changes
        (the report's ``removed`` is None then).
    :raises InvalidRecord: (with every problem) when a line is invalid and
        ``skip_invalid`` is false, or when the file changed between the passes;
        nothing has been written then.
    :param progress: ``progress(done, total, stage)`` while reading the file and checking its files.
    """
    path = Path(path)
    vocabulary = store.vocabulary()
    checked = _check_file(path, vocabulary, progress=progress)
    make_staging = getattr(ingest, "staging", None)  # ``attachments.Ingester`` has it
    staging = make_staging() if make_staging is not None else None
    try:
        _check_files(checked, ingest, staging, progress=progress)
        problems = sorted(checked.problems, key=lambda pr: pr.line)
        report = ImportReport(problems=problems)
        if problems and not skip_invalid:
            raise InvalidRecord([(str(pr.line), f"{pr.field}: {pr.message}") for pr in problems])
        if mirror:
            plan = mirror_plan(store, _works(path, vocabulary, checked))
            if not plan.empty and (confirm is None or not confirm(plan)):
                report.removed = None
                return report
        stored = staging.commit([h for hs in checked.staged.values() for h in hs]) if staging is not None else []
        carried = _Carried()
        lines = array("l")  # the line of each of report.work_ids
        try:
            counts = store.put_works(_works(path, vocabulary, checked, carried, report.work_ids, lines),
                                     actor=actor, carried=carried, mirror=mirror)
        except BaseException:
            if staging is not None:
                staging.forget(store, stored)
            raise
    finally:
        if staging is not None:
            staging.discard()
    report.created, report.updated, report.unchanged = counts["created"], counts["updated"], counts["unchanged"]
    report.kept = counts["kept"]
    kept_ids = {w for w, _ in counts["kept_versions"]}
    line_of = {w: n for w, n in zip(report.work_ids, lines) if w in kept_ids}
    report.kept_versions = [(line_of.get(w, 0), w, lang) for w, lang in counts["kept_versions"]]
    report.replaced_media = counts["replaced_media"]
    report.removed = counts["removed"]
    return report


def export_file(store, path: Path, media_path: Callable[[str], Path] | None = None,
                ids: list[str] | None = None, progress=None) -> int:
    """Write the chosen works (published text) as JSON Lines, atomically.

    With ``media_path`` (sha256 -> the stored file) every file is copied to
    ``<name>_media/<sha256[:2]>/<sha256>.<ext>`` beside the output and the
    records name it there: two works' files can never clash, every path
    resolves, and the export imports anywhere as it is.

    :param ids: the works to write, in this order (None: every work); ``selection.select_works`` chooses them.
    :param progress: called as ``progress(works written, works to write)`` after each work.
    :returns: the number of works written.
    :raises CannotWrite: when the folder is missing or cannot be written (nothing is left behind).
    :raises Cancelled: when ``progress`` (a ``longwork.Task``) was asked to stop: the old file stays,
        and the files this run copied are taken away again.
    """
    path = Path(path)
    folder = path.absolute().parent  # output_file checks that it can be written
    media_dir = f"{path.stem}_media"
    count = 0
    total = len(ids) if ids is not None else (store.count_works() if progress is not None else None)
    copied: list[Path] = []
    try:
        with output_file(path, prefix=".export-", suffix=".jsonl", newline="\n") as out:
            for work in _chosen(store, ids):
                rec = work_to_record(work)
                if media_path is not None:
                    for m, mrec in zip(work.media, rec.get("media", [])):
                        mrec["path"] = f"{media_dir}/{m.sha256[:2]}/{m.sha256}.{_extension(m)}"
                        if _copy_once(media_path(m.sha256), folder / mrec["path"], m.size):
                            copied.append(folder / mrec["path"])
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                count += 1
                if progress is not None:
                    progress(count, max(total or 0, count))  # total: counted when there is a progress
    except Cancelled:
        _take_back(copied, folder / media_dir)
        raise
    return count


def _take_back(copied: list[Path], media_root: Path) -> None:
    """Remove the files a stopped export copied, and the folders that are empty then (the old state)."""
    for target in copied:
        target.unlink(missing_ok=True)
        for parent in (target.parent, target.parent.parent):
            if parent == media_root.parent:
                break
            try:
                parent.rmdir()
            except OSError:  # not empty: an earlier export's files are there
                break


def _chosen(store, ids):
    if ids is None:
        yield from store.iter_works()
        return
    for i in range(0, len(ids), 500):
        yield from store.get_works(ids[i:i + 500])


_EXT_RE = re.compile(r"^[a-z0-9]{1,8}$")


def _extension(m: MediaEntry) -> str:
    """The file's extension: from its checked format, else from its name."""
    from .media.check import FORMATS

    fmt = FORMATS.get(((m.info or {}).get("file") or {}).get("format") or "")
    if fmt is not None:
        return fmt.extension
    suffix = PurePosixPath(m.path).suffix.lower().lstrip(".")
    return suffix if _EXT_RE.match(suffix) else "bin"


def _copy_once(src: Path, target: Path, size: int | None) -> bool:
    """Copy a stored file to ``target`` unless it is there already (written to a temp name, then renamed).

    :returns: whether it copied (False: it was there).
    """
    if target.is_file() and (size is None or target.stat().st_size == size):
        return False
    with open(src, "rb") as fh, atomic_open(target, prefix=".part-", parents=True) as out:
        shutil.copyfileobj(fh, out, 1 << 20)
    return True
