"""Language versions and their states: missing -> draft -> in review -> published.

A version lives in up to two rows of ``versions``: slot ``public`` holds what
the public sees (always published), slot ``working`` a draft or a version in
review beside it. Editing a published version starts a working copy; approval
moves working -> public in one transaction. Every step writes a history row
and enqueues the work for the search index in the same transaction.

Media for a version (dubbed audio, subtitles, a translated book) will attach
through the media checks: see ``attach_media``.
"""

from __future__ import annotations

import difflib
import re
import time
from dataclasses import dataclass, field
from typing import Any

from . import xmltext
from .accounts import User, require
from .bounds import MAX_DESCRIPTION, MAX_KEYWORD, MAX_KEYWORDS, MAX_TITLE
from .errors import InvalidRecord, InvalidTransition, NotAllowed, NotFound
from .model import DRAFT, IN_REVIEW, LANGUAGES, PUBLISHED, MediaEntry
from .store import Store

MISSING = "missing"
TEXT_FIELDS = ("title", "description", "keywords")


@dataclass
class VersionText:
    title: str | None = None
    description: str | None = None
    keywords: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"title": self.title, "description": self.description, "keywords": list(self.keywords)}


@dataclass
class VersionStatus:
    """Where one language version of a work stands."""

    work_id: str
    lang: str
    state: str                       # missing, draft, in_review or published
    public: VersionText | None       # the published text, if any
    working: VersionText | None      # the draft or version in review, if any
    working_state: str | None = None
    updated_by: str | None = None
    updated_at: float | None = None
    review_comment: str | None = None
    editors: list[str] = field(default_factory=list)


def _text(row) -> VersionText:
    return VersionText(row.title, row.description, list(row.keywords or []))


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise NotFound(f"language {lang!r}")


def _load_status(store: Store, conn, work_id: str, lang: str) -> VersionStatus:
    pub, work, editors = store.version_rows(conn, work_id, lang)
    if work is not None:
        state = work.state
    elif pub is not None:
        state = PUBLISHED
    else:
        state = MISSING
    last = work or pub
    return VersionStatus(
        work_id, lang, state, _text(pub) if pub is not None else None, _text(work) if work is not None else None,
        working_state=work.state if work is not None else None,
        updated_by=last.updated_by if last is not None else None,
        updated_at=last.updated_at if last is not None else None,
        review_comment=work.review_comment if work is not None else None, editors=editors)


def status(store: Store, work_id: str, lang: str) -> VersionStatus:
    """Load where the ``lang`` version of ``work_id`` stands.

    :raises WorkNotFound: for an unknown work; :raises NotFound: for an unknown language.
    """
    _check_lang(lang)
    return _load_status(store, None, work_id, lang)


def keywords_from_line(line: str) -> list[str]:
    """The keywords of the editor form's one line, separated by commas (``,``, ``、`` or ``，``)."""
    return [k for k in (p.strip() for p in line.replace("、", ",").replace("，", ",").split(",")) if k]


def clean_fields(fields: dict) -> dict:
    """Validate the text fields of a version (only the ones given).

    :raises InvalidRecord: listing every problem.
    """
    problems: list[tuple[str, str]] = []
    out: dict[str, Any] = {}
    unknown = set(fields) - set(TEXT_FIELDS)
    if unknown:
        problems.append(("fields", f"unknown field(s): {', '.join(sorted(unknown))}"))
    for name, limit in (("title", MAX_TITLE), ("description", MAX_DESCRIPTION)):
        if name in fields:
            value = fields[name]
            if value is not None and not isinstance(value, str):
                problems.append((name, "must be a string"))
            elif value is not None and len(value) > limit:
                problems.append((name, f"must be at most {limit} characters"))
            elif found := xmltext.problem(name, value):
                problems.append(found)
            else:
                out[name] = (value or "").strip() or None
    if "keywords" in fields:
        value = fields["keywords"]  # a list, as the OpenAPI says; the editor form's line is split by its view
        if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
            problems.append(("keywords", "must be a list of strings"))
        elif len(value) > MAX_KEYWORDS or any(len(k) > MAX_KEYWORD for k in value):
            problems.append(("keywords", f"at most {MAX_KEYWORDS} keywords of {MAX_KEYWORD} characters"))
        elif found_all := xmltext.problems(value, "keywords"):
            problems += found_all
        else:
            out["keywords"] = list(dict.fromkeys(k.strip() for k in value if k.strip()))
    if problems:
        raise InvalidRecord(problems)
    return out


def _history(store, conn, work_id, lang, actor, action, before, after, changes=None, comment=None, now=None):
    store.record_step(conn, work_id, lang, actor, action, before, after, changes, comment, now or time.time())


class StaleDraft(InvalidTransition):
    """The draft changed after the caller read it (``save_draft``'s ``expect``): read it again and retry."""


def save_draft(store: Store, user: User, work_id: str, lang: str, fields: dict,
               now: float | None = None, also=None, expect: float | None = None) -> VersionStatus:
    """Create or change the working draft of a language version.

    Unspecified fields keep their value (from the draft, else from the published
    text). A published version stays public until the draft is approved.

    :param also: called as ``also(conn)`` in the same transaction, after the draft is written, to keep
        more of the draft (the workbench's segments); returns further ``{name: [old, new]}`` changes.
    :param expect: the ``updated_at`` the caller computed its fields from; :raises StaleDraft: if it moved.
    :raises NotAllowed: unless the user may edit.
    :raises InvalidTransition: while the version is in review.
    :raises InvalidRecord: for malformed fields.
    """
    require(user, "edit")
    _check_lang(lang)
    new = clean_fields(fields)
    now = time.time() if now is None else now
    with store.transaction() as conn:
        st = _load_status(store, conn, work_id, lang)
        if expect is not None and st.updated_at != expect:
            raise StaleDraft("the draft changed meanwhile")
        changes = _begin_edit(store, conn, user, st, new, now)
        if also is not None:
            changes.update(also(conn) or {})
        _history(store, conn, work_id, lang, user.name, "edit", st.state, DRAFT, changes, now=now)
        return _load_status(store, conn, work_id, lang)


def _begin_edit(store, conn, user: User, st: VersionStatus, new: dict, now: float) -> dict:
    """Apply ``new`` text fields to the working draft (made from the public text if none), as ``user``.

    Text edits and attached files both go through here, so both follow the same rules.

    :returns: the changed fields as ``{name: [old, new]}``.
    :raises InvalidTransition: while the version is in review.
    """
    work_id, lang = st.work_id, st.lang
    if st.working_state == IN_REVIEW:
        raise InvalidTransition("the version is in review; a reviewer must reject it before it is edited")
    base = st.working or st.public or VersionText()
    merged = {**base.as_dict(), **new}
    changes = {k: [base.as_dict()[k], merged[k]] for k in TEXT_FIELDS if base.as_dict()[k] != merged[k]}
    values = dict(merged, state=DRAFT, updated_by=user.name, updated_at=now)
    store.write_working(conn, work_id, lang, values, new=st.working is None)
    if user.name not in st.editors:
        store.add_editor(conn, work_id, lang, user.name)
    return changes


def _move(store, user, permission, work_id, lang, expected, action, after, comment=None, now=None):
    require(user, permission)
    _check_lang(lang)
    now = time.time() if now is None else now
    with store.transaction() as conn:
        st = _load_status(store, conn, work_id, lang)
        if st.working_state != expected:
            raise InvalidTransition(f"cannot {action} a version that is {st.state}")
        if permission == "review" and user.name in st.editors:
            raise NotAllowed("a reviewer cannot review a version they edited")
        if action == "submit" and not (st.working.title or "").strip():
            raise InvalidRecord([("title", "a version needs a title before review")])
        if after == PUBLISHED:
            store.publish_working(conn, work_id, lang, now)  # with its draft files; a later import keeps it
        else:
            store.set_working_state(conn, work_id, lang, after,
                                    comment if action == "reject" else st.review_comment)
        _history(store, conn, work_id, lang, user.name, action, st.state, after, comment=comment, now=now)
        return _load_status(store, conn, work_id, lang)


def submit(store: Store, user: User, work_id: str, lang: str, now: float | None = None) -> VersionStatus:
    """Send a draft to review.

    :raises NotAllowed, InvalidTransition, InvalidRecord: (no title yet).
    """
    return _move(store, user, "edit", work_id, lang, DRAFT, "submit", IN_REVIEW, now=now)


def submit_with_files(store: Store, user: User, work_id: str, lang: str, fields: dict, entries: list[MediaEntry],
                      drop: list[int], now: float | None = None) -> VersionStatus:
    """Save text fields, put checked files in place of the draft files at ``drop``, and send it all to review.

    One transaction: the workbench's submit either leaves a version in review with its
    new subtitle tracks (drafts, public once approved) or changes nothing.

    :raises NotAllowed, InvalidTransition, InvalidRecord: as ``save_draft`` and ``submit``.
    """
    require(user, "edit")
    _check_lang(lang)
    new = clean_fields(fields)
    now = time.time() if now is None else now
    with store.transaction() as conn:
        st = _load_status(store, conn, work_id, lang)
        changes = _begin_edit(store, conn, user, st, new, now)
        _history(store, conn, work_id, lang, user.name, "edit", st.state, DRAFT, changes, now=now)
        store.drop_draft_media(conn, work_id, drop)
        for entry in entries:
            store.add_draft_media(conn, work_id, lang, entry, {**entry.info, "draft": True, "uploaded_by": user.name})
            _history(store, conn, work_id, lang, user.name, "attach", DRAFT, DRAFT,
                     {"media": [None, f"{entry.role}: {entry.original_name}"]}, now=now)
        st = _load_status(store, conn, work_id, lang)
        if st.working is None or not (st.working.title or "").strip():
            raise InvalidRecord([("title", "a version needs a title before review")])
        store.set_working_state(conn, work_id, lang, IN_REVIEW, st.review_comment)
        _history(store, conn, work_id, lang, user.name, "submit", DRAFT, IN_REVIEW, now=now)
        return _load_status(store, conn, work_id, lang)


def approve(store: Store, user: User, work_id: str, lang: str, now: float | None = None) -> VersionStatus:
    """Publish a version in review: it replaces the public one and goes to the search index.

    :raises NotAllowed: unless a reviewer who did not edit this version.
    :raises InvalidTransition: unless the version is in review.
    """
    return _move(store, user, "review", work_id, lang, IN_REVIEW, "approve", PUBLISHED, now=now)


def reject(store: Store, user: User, work_id: str, lang: str, comment: str | None,
           now: float | None = None) -> VersionStatus:
    """Send a version in review back to draft with the reviewer's comment.

    :raises InvalidRecord: without a comment.
    """
    if not isinstance(comment, str) or not comment.strip():
        raise InvalidRecord([("comment", "say what to change")])
    if problem := xmltext.problem("comment", comment):
        raise InvalidRecord([problem])
    return _move(store, user, "review", work_id, lang, IN_REVIEW, "reject", DRAFT, comment.strip(), now=now)


def history(store: Store, work_id: str) -> list[dict]:
    """Every change to the versions of a work, oldest first.

    :raises WorkNotFound: for an unknown work.
    """
    rows = store.history_rows(work_id)
    return [{"lang": r.lang, "at": r.at, "actor": r.actor, "action": r.action, "from": r.from_state,
             "to": r.to_state, "changes": {k: {"old": v[0], "new": v[1]} for k, v in (r.changes or {}).items()},
             "comment": r.comment} for r in rows]


@dataclass
class QueueItem:
    work_id: str
    lang: str
    state: str
    title: str | None
    source_title: str | None
    updated_by: str | None
    updated_at: float
    review_comment: str | None
    editors: list[str]
    #: the language the work's translations start from (``Library.queue`` fills it): its own draft is no translation
    source_lang: str | None = None


def queue(store: Store, states=(DRAFT, IN_REVIEW), limit: int = 500) -> list[QueueItem]:
    """Working versions (drafts and reviews), most recently changed first."""
    rows, eds = store.working_rows(states, limit)
    return [QueueItem(r.work_id, r.lang, r.state, r.title, r.source_title, r.updated_by, r.updated_at,
                      r.review_comment, sorted(eds.get((r.work_id, r.lang), []))) for r in rows]


def attach_media(store: Store, user: User, work_id: str, lang: str, entry: MediaEntry,
                 now: float | None = None) -> int:
    """Record a checked file (dub, subtitle, translated book, cover) for a language version.

    The file was already taken in by the media checks (``attachments.ingest_upload``).
    A file is an edit like any other (``_begin_edit``): refused while the version
    is in review, it makes or keeps a working draft and counts its uploader among
    the version's editors, so the uploader cannot approve it. The entry stays a
    draft, invisible to the public, until this language's version is next approved.

    :returns: the entry's position among the work's media.
    :raises NotAllowed: unless the user may edit.
    :raises InvalidTransition: while the version is in review.
    """
    require(user, "edit")
    _check_lang(lang)
    now = time.time() if now is None else now
    with store.transaction() as conn:
        st = _load_status(store, conn, work_id, lang)
        _begin_edit(store, conn, user, st, {}, now)
        position = store.add_draft_media(conn, work_id, lang, entry,
                                         {**entry.info, "draft": True, "uploaded_by": user.name})
        _history(store, conn, work_id, lang, user.name, "attach", st.state, DRAFT,
                 {"media": [None, f"{entry.role}: {entry.original_name}"]}, now=now)
    return position


# A Chinese character, a Tibetan syllable with its tsheg/shad, a Latin word, or a run of spaces.
_TOKEN_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\s\u0f0b\u0f0d\u3400-\u9fff\uf900-\ufaff]+[\u0f0b\u0f0d]*"
                       r"|\s+|[\u0f0b\u0f0d]+")


def diff(old: str | None, new: str | None) -> list[tuple[str, str]]:
    """Compare two texts by Tibetan syllable, Chinese character or word.

    :returns: ``(op, text)`` pairs with op ``equal``, ``delete`` or ``insert``;
        the caller escapes the text when it renders it.
    """
    a, b = _TOKEN_RE.findall(old or ""), _TOKEN_RE.findall(new or "")
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("insert", "".join(b[j1:j2])))
    return out
