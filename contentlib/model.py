"""Works, their language versions and media entries: plain values with invariants.

A *work* is one piece of science-popularization content (a video, a book, ...)
with all of its language versions. The database layer (``store``) maps these
to tables; nothing here knows about SQL, JSON or the web.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LANGUAGES = ("bo", "zh", "en")
WORK_TYPES = ("video", "animation", "book", "audio", "poster")
TIMED_TYPES = ("video", "animation", "audio")
CREATOR_ROLES = ("author", "producer", "translator", "narrator", "illustrator", "reviewer")
MEDIA_ROLES = ("original", "dub", "subtitle", "document", "cover", "poster")
SCHEMES = ("subjects", "audiences", "grades")

# Language versions move draft -> in_review -> published (or back to draft).
DRAFT, IN_REVIEW, PUBLISHED = "draft", "in_review", "published"
STATES = (DRAFT, IN_REVIEW, PUBLISHED)

ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@dataclass
class Version:
    """One language version of a work: what a reader of that language sees."""

    lang: str
    title: str | None = None
    description: str | None = None
    keywords: list[str] = field(default_factory=list)
    state: str = PUBLISHED
    # When this version last changed (Unix time; the record's ``updated``); not part of its content.
    updated: float | None = field(default=None, compare=False)

    @property
    def has_title(self) -> bool:
        return bool(self.title and self.title.strip())


@dataclass
class Creator:
    name: dict[str, str]
    role: str


@dataclass
class MediaEntry:
    """A file attached to a work, kept in the media store by its sha256."""

    path: str
    role: str
    sha256: str
    lang: str | None = None
    size: int | None = None
    content_type: str | None = None
    original_name: str | None = None
    info: dict = field(default_factory=dict)


@dataclass
class Work:
    id: str
    type: str
    versions: dict[str, Version] = field(default_factory=dict)
    subjects: list[str] = field(default_factory=list)
    audiences: list[str] = field(default_factory=list)
    grades: list[str] = field(default_factory=list)
    year: int | None = None
    duration_seconds: int | None = None
    pages: int | None = None
    creators: list[Creator] = field(default_factory=list)
    license: str | None = None
    attribution: str | None = None
    source_url: str | None = None
    media: list[MediaEntry] = field(default_factory=list)
    added: int | None = None
    # When the catalog last changed this work (Unix time), for display; not part of its content.
    updated_at: float | None = field(default=None, compare=False)

    @property
    def languages(self) -> list[str]:
        """Languages with a non-empty title, in the canonical order."""
        return [lang for lang in LANGUAGES if lang in self.versions and self.versions[lang].has_title]

    def title(self, prefer: tuple[str, ...] = ("bo", "zh", "en")) -> str:
        """The first non-empty title in the order of preference."""
        for lang in prefer + LANGUAGES:
            v = self.versions.get(lang)
            if v and v.title is not None and v.has_title:
                return v.title
        return self.id

    def check(self, vocabulary=None) -> list[tuple[str, str]]:
        """Return every broken invariant as ``(field, message)``; empty when valid."""
        problems = []
        if not isinstance(self.id, str) or not ID_RE.match(self.id):
            problems.append(("id", "must be 1-64 characters of A-Z a-z 0-9 . _ -"))
        if self.type not in WORK_TYPES:
            problems.append(("type", f"unknown type {self.type!r}; expected one of {', '.join(WORK_TYPES)}"))
        for lang in self.versions:
            if lang not in LANGUAGES:
                problems.append(("titles", f"unknown language {lang!r}"))
        if not self.languages:
            problems.append(("titles", "at least one non-empty title is required"))
        if vocabulary is not None:
            for scheme in SCHEMES:
                for code in getattr(self, scheme):
                    if not vocabulary.has(scheme, code):
                        problems.append((scheme, f"unknown code {code!r}"))
        if self.year is not None and not 1900 <= self.year <= 2100:
            problems.append(("year", "must be between 1900 and 2100"))
        if self.duration_seconds is not None:
            if self.type not in TIMED_TYPES:
                problems.append(("duration_seconds", f"only for {', '.join(TIMED_TYPES)}"))
            elif self.duration_seconds < 0:
                problems.append(("duration_seconds", "must not be negative"))
        if self.pages is not None:
            if self.type != "book":
                problems.append(("pages", "only for books"))
            elif self.pages < 1:
                problems.append(("pages", "must be at least 1"))
        for c in self.creators:
            if c.role not in CREATOR_ROLES:
                problems.append(("creators", f"unknown role {c.role!r}"))
        for m in self.media:
            if m.role not in MEDIA_ROLES:
                problems.append(("media", f"unknown role {m.role!r}"))
            if m.lang is not None and m.lang not in LANGUAGES:
                problems.append(("media", f"unknown language {m.lang!r}"))
        return problems
