"""The workbench's use cases: a version's segments with their targets, saving, submitting, comments.

One draft, never two: a segment's target is the language version's working draft.
The title segment is the draft's title; the description segments, joined, are its
description (when the form changed the description, its sentences are aligned
to the source's again); cue targets are kept beside the draft
(``translation_segments``) until a submit turns them into one WebVTT track per
source track, attached to the version as draft files. Every save goes through
``workflow``, so a version in review refuses it exactly as the form does.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .. import attachments, glossary, workflow
from ..accounts import User, require
from ..errors import InvalidRecord, InvalidTransition, NotAllowed, NotFound
from ..media.subtitles import Cue, cues_to_vtt
from ..model import IN_REVIEW, LANGUAGES, Work
from . import align, checks, memory
from .segments import (
    CUE,
    DESCRIPTION,
    SID_RE,
    TITLE,
    Segment,
    Track,
    cue_text,
    join_sentences,
    segments,
    source_language,
    split_sentences,
    tracks,
    vtt_time,
)

MAX_TARGET = 2000
MAX_CUE_LINES = 3
MAX_COMMENT = 2000


class ChecksFailed(InvalidTransition):
    """A submit with error-severity checks left: ``failures`` lists ``(sid, code)``."""

    def __init__(self, failures: list[tuple[str, str]]):
        self.failures = failures
        super().__init__(f"{len(failures)} segment check(s) fail; fix them before review")


@dataclass
class SegmentState:
    """One row of the workbench: a segment, its target now, and what helps or worries about it."""

    segment: Segment
    target: str
    done: bool
    published: str = ""
    suggestions: list = field(default_factory=list)
    terms: list = field(default_factory=list)
    checks: list = field(default_factory=list)
    comments: list = field(default_factory=list)

    sid = property(lambda self: self.segment.sid)
    kind = property(lambda self: self.segment.kind)
    source = property(lambda self: self.segment.source)
    start = property(lambda self: vtt_time(self.segment.start_ms))
    end = property(lambda self: vtt_time(self.segment.end_ms))

    def as_dict(self) -> dict:
        out = {"sid": self.sid, "kind": self.kind}
        if self.kind == CUE:
            out.update(start=self.start, end=self.end)
        out.update(source=self.source, target=self.target, done=self.done,
                   suggestions=[s.as_dict() for s in self.suggestions], terms=self.terms,
                   checks=[c.as_dict() for c in self.checks], comments=self.comments)
        return out


@dataclass
class Workbench:
    """A version seen segment by segment (``GET .../translation/{lang}``)."""

    work: Work
    source_lang: str
    lang: str
    status: workflow.VersionStatus
    segments: list[SegmentState]
    tracks: list[Track]

    @property
    def state(self) -> str:
        return self.status.state

    @property
    def progress(self) -> dict:
        return {"done": sum(1 for s in self.segments if s.done), "total": len(self.segments)}

    def segment(self, sid: str) -> SegmentState:
        for s in self.segments:
            if s.sid == sid:
                return s
        raise NotFound(f"segment {sid}")

    def as_dict(self) -> dict:
        return {"work": self.work.id, "source_lang": self.source_lang, "lang": self.lang, "state": self.state,
                "progress": self.progress, "segments": [s.as_dict() for s in self.segments]}


# -- reading -----------------------------------------------------------------

class _Context:
    """Everything one request needs about a version being translated, read once."""

    def __init__(self, store, media, work_id: str, lang: str, settings: dict | None = None, index=None):
        if lang not in LANGUAGES:
            raise NotFound(f"language {lang!r}")
        self.store, self.media, self.lang, self.index, self.settings = store, media, lang, index, settings
        self.work = store.get_work(work_id)
        source_lang = source_language(self.work)
        if source_lang is None:
            raise InvalidRecord([("work", "the work has no published text to translate from")])
        self.source_lang: str = source_lang
        if lang == self.source_lang:
            raise InvalidRecord([("lang", f"{lang} is the work's source language; choose another to translate into")])
        self.status = workflow.status(store, work_id, lang)
        self.tracks = tracks(self.work, self.source_lang, media)
        self.segments = segments(self.work, self.source_lang, self.tracks)
        self.by_sid = {s.sid: s for s in self.segments}
        self.rows = store.segment_rows(work_id, lang)
        self.reading_speed = checks.speeds_from((settings or {}).get("CONTENTLIB_READING_SPEED"))
        self.published = self._published()
        self.targets, self.done = self._current()

    # the published translation, segment by segment
    def _published(self) -> dict[str, str]:
        public = self.status.public or workflow.VersionText()
        out = {TITLE: public.title or ""}
        out.update(self._aligned_description(public.description))
        targets = tracks(self.work, self.lang, self.media)
        for n, track in enumerate(self.tracks):
            found = published_track(targets, track.key, n)
            if found is None:
                continue
            for i, j in align.pair_cues(track.cues, found.cues):
                out[f"{CUE}.{track.key}.{i + 1}"] = cue_text(found.cues[j])
        return out

    def _aligned_description(self, description: str | None) -> dict[str, str]:
        """A description written as one text, cut into sentences and aligned to the source's."""
        sids = [s.sid for s in self.segments if s.kind == DESCRIPTION]
        if not sids:
            return {}
        found = split_sentences(description)
        beads = align.align_lengths([len(self.by_sid[sid].source) for sid in sids], [len(t) for t in found])
        out, last, before = {sid: "" for sid in sids}, None, ""
        for a, b in beads:
            text = join_sentences([found[j] for j in b], self.lang)
            if len(a):
                last = sids[a[0]]
                out[last] = join_sentences([before, text], self.lang) if before else text
                before = ""
            elif last is not None:  # target sentences facing no source sentence stay with the one before
                out[last] = join_sentences([out[last], text], self.lang)
            else:
                before = join_sentences([before, text], self.lang)
        return out

    # the draft now, segment by segment
    def _current(self) -> tuple[dict[str, str], dict[str, bool]]:
        text = self.status.working or self.status.public or workflow.VersionText()
        targets = {TITLE: text.title or ""}
        sids = [s.sid for s in self.segments if s.kind == DESCRIPTION]
        stored = [t for sid in sids if sid in self.rows and (t := self.rows[sid].target) is not None]
        if sids and len(stored) == len(sids) and join_sentences(stored, self.lang) == (text.description or "").strip():
            targets.update(zip(sids, stored))
        else:
            targets.update(self._aligned_description(text.description))
        for seg in self.segments:
            if seg.kind == CUE:
                row = self.rows.get(seg.sid)
                targets[seg.sid] = row.target if row is not None else self.published.get(seg.sid, "")
        done = {}
        for seg in self.segments:
            row, target = self.rows.get(seg.sid), targets.get(seg.sid, "")
            if row is not None and row.target == target and row.source == seg.source:
                done[seg.sid] = bool(row.done)
            else:
                done[seg.sid] = bool(target) and target == self.published.get(seg.sid)
        return targets, done


def published_track(targets: list[Track], key: str, n: int) -> Track | None:
    """The published target track made from source track ``key`` (the ``n``-th): by its note, else by order."""
    for t in targets:
        if ((t.entry.info or {}).get("translated_from") or {}).get("track") == key:
            return t
    plain = [t for t in targets if not (t.entry.info or {}).get("translated_from")]
    return plain[n] if n < len(plain) else None


def _stamp(at: float) -> str:
    return datetime.fromtimestamp(at, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# Tibetan case particles written onto a term's last syllable (ཉི་མ -> ཉི་མའི, ཉི་མས, ཉི་མར ...): the term is used.
_BO_AFFIXES = ("", "འི", "ས", "ར", "འོ", "འམ", "འང", "འུ")


def _used(term: str, text: str, lang: str) -> bool:
    if lang != "bo":
        return glossary.occurs(term, text, lang)
    return any(glossary.occurs(term + affix, text, lang) for affix in _BO_AFFIXES)


def _terms(entries, source: str, target: str, source_lang: str, lang: str) -> list[dict]:
    if {source_lang, lang} != {"zh", "bo"}:
        return []
    out = []
    for e in entries:
        s_term, t_term = (e.zh, e.bo) if source_lang == "zh" else (e.bo, e.zh)
        if _used(s_term, source, source_lang):
            out.append({"source": s_term, "target": t_term, "used": _used(t_term, target, lang)})
    return out


def _neighbours(ctx: _Context, seg: Segment) -> list[tuple[int, int]]:
    if seg.kind != CUE:
        return []
    n = int(seg.sid.rsplit(".", 1)[1])
    out = []
    for k in (n - 1, n + 1):
        other = ctx.by_sid.get(f"{CUE}.{seg.track}.{k}")
        if other is not None and other.start_ms is not None and other.end_ms is not None:  # a cue's: always timed
            out.append((other.start_ms, other.end_ms))
    return out


def _state(ctx: _Context, seg: Segment, entries, comments, suggest: bool, submitting: bool = False) -> SegmentState:
    target, done = ctx.targets.get(seg.sid, ""), ctx.done.get(seg.sid, False)
    terms = _terms(entries, seg.source, target, ctx.source_lang, ctx.lang)
    found = checks.check(seg.kind, seg.source, target, ctx.lang, done=done, submitting=submitting, terms=terms,
                         start_ms=seg.start_ms, end_ms=seg.end_ms, neighbours=_neighbours(ctx, seg),
                         reading_speed=ctx.reading_speed)
    suggestions = memory.lookup(ctx.store, seg.source, ctx.source_lang, ctx.lang, exclude_work=ctx.work.id,
                                index=ctx.index) if suggest else []
    return SegmentState(seg, target, done, ctx.published.get(seg.sid, ""), suggestions, terms, found,
                        comments.get(seg.sid, []))


def _comments(store, work_id: str, lang: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for c in store.segment_comments(work_id, lang):
        out.setdefault(c.sid, []).append({"by": c.author, "at": _stamp(c.at), "text": c.text})
    return out


def _may_see(user: User | None) -> None:
    if user is None or not (user.can("edit") or user.can("review")):
        raise NotAllowed("edit or review")


def load(store, media, user: User | None, work_id: str, lang: str, settings: dict | None = None,
         suggest: bool = True, submitting: bool = False, only: str | None = None, index=None) -> Workbench:
    """The version of ``work_id`` in ``lang`` segment by segment, with suggestions, terms, checks and comments.

    :param suggest: look every segment up in the translation memory (the review page does not).
    :param only: compute the helps of this sid only (the others carry their targets).
    :param index: the process's ``memory.GramIndex`` (fuzzy suggestions; without it, exact ones only).
    :raises NotAllowed: unless an editor, reviewer or admin.
    :raises WorkNotFound, NotFound: for an unknown work or language; :raises InvalidRecord: for the source language.
    """
    _may_see(user)
    ctx = _Context(store, media, work_id, lang, settings, index)
    return _bench(ctx, suggest=suggest, submitting=submitting, only=only)


def _bench(ctx: _Context, suggest: bool = True, submitting: bool = False, only: str | None = None) -> Workbench:
    entries = glossary.entries(ctx.store) if {ctx.source_lang, ctx.lang} == {"zh", "bo"} else []
    comments = _comments(ctx.store, ctx.work.id, ctx.lang)
    states = []
    for seg in ctx.segments:
        if only is not None and seg.sid != only:
            states.append(SegmentState(seg, ctx.targets.get(seg.sid, ""), ctx.done.get(seg.sid, False)))
        else:
            states.append(_state(ctx, seg, entries, comments, suggest, submitting))
    return Workbench(ctx.work, ctx.source_lang, ctx.lang, ctx.status, states, ctx.tracks)


# -- saving ------------------------------------------------------------------

def clean_target(kind: str, value) -> str:
    """Check a target as typed: a string of at most 2,000 characters; a cue of at most three lines.

    :raises InvalidRecord:
    """
    if not isinstance(value, str):
        raise InvalidRecord([("target", "must be a string")])
    if len(value) > MAX_TARGET:
        raise InvalidRecord([("target", f"must be at most {MAX_TARGET} characters")])
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if any(ord(c) < 32 and c not in "\n\t" for c in value) or "\x7f" in value:
        raise InvalidRecord([("target", "control characters are not allowed")])
    if kind == CUE:
        lines = [line.strip() for line in value.strip().split("\n")]
        if len(lines) > MAX_CUE_LINES:
            raise InvalidRecord([("target", f"a subtitle cue shows at most {MAX_CUE_LINES} lines")])
        return "\n".join(line for line in lines)
    return " ".join(value.split())


def _apply(ctx: _Context, user: User, updates: dict[str, tuple[str, bool]], now: float) -> None:
    """Write targets and done marks into the draft (its fields and its segment rows) in one transaction."""
    if ctx.status.working_state == IN_REVIEW:
        raise InvalidTransition("the version is in review; a reviewer must send it back before it is edited")
    targets, done = dict(ctx.targets), dict(ctx.done)
    changes = {}
    for sid, (target, mark) in updates.items():
        if ctx.by_sid[sid].kind == CUE and targets.get(sid, "") != target:
            changes[sid] = [targets.get(sid, ""), target]
        targets[sid], done[sid] = target, mark
    fields = {}
    if TITLE in updates:
        fields["title"] = targets[TITLE]
    desc = [s.sid for s in ctx.segments if s.kind == DESCRIPTION]
    touched = set(updates)
    if touched & set(desc):
        fields["description"] = join_sentences([targets[sid] for sid in desc], ctx.lang)
        touched |= set(desc)
    rows = [{"sid": sid, "source": ctx.by_sid[sid].source, "target": targets[sid], "done": done[sid]}
            for sid in ctx.by_sid if sid in touched]

    def also(conn):
        ctx.store.write_segments(conn, ctx.work.id, ctx.lang, rows, user.name, now)
        return changes

    workflow.save_draft(ctx.store, user, ctx.work.id, ctx.lang, fields, now=now, also=also,
                        expect=ctx.status.updated_at)


def _applied(ctx: _Context, user: User, updates, now: float) -> None:
    """Apply ``updates``; when another save came in between, read the draft again and retry (up to 5 times)."""
    for attempt in range(5):
        if attempt:
            ctx = _Context(ctx.store, ctx.media, ctx.work.id, ctx.lang, ctx.settings, ctx.index)
        try:
            return _apply(ctx, user, updates, now)
        except workflow.StaleDraft:
            if attempt == 4:
                raise


def save_segment(store, media, user: User, work_id: str, lang: str, sid: str, body: dict,
                 settings: dict | None = None, now: float | None = None, index=None) -> SegmentState:
    """Save one segment's ``target`` and ``done`` mark (``PUT .../segments/{sid}``); return it with fresh checks.

    :raises NotFound: for an unknown sid; :raises InvalidRecord: for a bad body;
    :raises InvalidTransition: while the version is in review; :raises NotAllowed: unless an editor.
    """
    require(user, "edit")
    if not isinstance(body, dict):
        raise InvalidRecord([("body", "send a JSON object")])
    unknown = set(body) - {"target", "done"}
    if unknown:
        raise InvalidRecord([("body", f"unknown field(s): {', '.join(sorted(unknown))}")])
    ctx = _Context(store, media, work_id, lang, settings)
    if not SID_RE.match(sid or "") or sid not in ctx.by_sid:
        raise NotFound(f"segment {sid}")
    if "target" not in body:
        raise InvalidRecord([("target", "is required")])
    target = clean_target(ctx.by_sid[sid].kind, body["target"])
    mark = body.get("done", False)
    if not isinstance(mark, bool):
        raise InvalidRecord([("done", "must be true or false")])
    _applied(ctx, user, {sid: (target, mark)}, time.time() if now is None else now)
    return load(store, media, user, work_id, lang, settings, only=sid, index=index).segment(sid)


def comment(store, user: User, work_id: str, lang: str, sid: str, text, media=None,
            now: float | None = None) -> dict:
    """A reviewer's comment on one segment; return it as the API shows it.

    :raises NotAllowed: unless a reviewer or admin; :raises NotFound: for an unknown sid;
    :raises InvalidRecord: for an empty or over-long text.
    """
    require(user, "review")
    ctx = _Context(store, media, work_id, lang)
    if sid not in ctx.by_sid:
        raise NotFound(f"segment {sid}")
    if not isinstance(text, str) or not text.strip():
        raise InvalidRecord([("text", "say what to change")])
    if len(text) > MAX_COMMENT:
        raise InvalidRecord([("text", f"must be at most {MAX_COMMENT} characters")])
    now = time.time() if now is None else now
    store.add_segment_comment(work_id, lang, sid, user.name, text.strip(), now)
    return {"sid": sid, "by": user.name, "at": _stamp(now), "text": text.strip()}


# -- submitting --------------------------------------------------------------

def submit(store, media, limits, user: User, work_id: str, lang: str, settings: dict | None = None,
           now: float | None = None) -> tuple[workflow.VersionStatus, list[str]]:
    """Turn the segments into the version and send it to review; return its status and the files it freed.

    The title, the description joined from its sentences, and one WebVTT track per
    source track (the source's cue times, the targets' text) are checked and stored
    first; then one transaction saves the text, puts the tracks in place of earlier
    draft tracks made from the same source track, and submits.

    :raises ChecksFailed: with every error-severity check (nothing changed).
    :raises InvalidTransition, NotAllowed, InvalidRecord: as the workflow's submit.
    """
    require(user, "edit")
    ctx = _Context(store, media, work_id, lang, settings)
    if ctx.status.working_state == IN_REVIEW:
        raise InvalidTransition("the version is already in review")
    bench = _bench(ctx, suggest=False, submitting=True)
    failures = [(s.sid, c.code) for s in bench.segments for c in s.checks if c.severity == checks.ERROR]
    if failures:
        raise ChecksFailed(failures)
    desc = [s.sid for s in ctx.segments if s.kind == DESCRIPTION]
    fields = {"title": ctx.targets.get(TITLE, "")}
    if desc:
        fields["description"] = join_sentences([ctx.targets[sid] for sid in desc], lang)
    everything = store.get_work(work_id, public=False)
    drafts = tracks(everything, lang, media, with_cues=False)
    published = tracks(ctx.work, lang, media, with_cues=False)
    entries, drop = [], []
    try:
        for n, track in enumerate(ctx.tracks):
            cues = [Cue(c.start_ms, c.end_ms, tuple(ctx.targets[f"{CUE}.{track.key}.{i}"].split("\n")))
                    for i, c in enumerate(track.cues, 1)]
            name = f"{work_id}.{track.key}.{lang}.vtt"
            entry = attachments.ingest_stream(media, io.BytesIO(cues_to_vtt(cues).encode("utf-8")), name, work_id,
                                              lang, "subtitle", limits)
            entry.info["translated_from"] = {"track": track.key, "sha256": track.entry.sha256}
            old = published_track(published, track.key, n)
            if old is not None:
                entry.info["replaces"] = old.entry.sha256
            entries.append(entry)
            drop += [everything.media.index(t.entry) for t in drafts
                     if (t.entry.info or {}).get("draft")
                     and ((t.entry.info or {}).get("translated_from") or {}).get("track") == track.key]
        st = workflow.submit_with_files(store, user, work_id, lang, fields, entries, drop,
                                        now=time.time() if now is None else now)
    except BaseException:
        attachments.release(store, media, [e.sha256 for e in entries])
        raise
    freed = attachments.release(store, media, [everything.media[p].sha256 for p in drop])
    return st, freed


def replaced_files(store, work_id: str, lang: str) -> list[str]:
    """The published files that the version's draft tracks will replace when it is approved."""
    work = store.get_work(work_id, public=False)
    return [m.info["replaces"] for m in work.media
            if m.lang == lang and (m.info or {}).get("draft") and (m.info or {}).get("replaces")]


# -- XLIFF ---------------------------------------------------------------------

def import_units(store, media, user: User, work_id: str, lang: str, doc, settings: dict | None = None,
                 now: float | None = None) -> int:
    """Set the targets an XLIFF document carries, all or nothing; return how many units it set.

    :raises InvalidRecord: for languages that do not match, an unknown unit id, a changed source
        or a bad target (nothing changed); :raises InvalidTransition: while in review.
    """
    require(user, "edit")
    ctx = _Context(store, media, work_id, lang, settings)
    problems = []
    if doc.src_lang != ctx.source_lang:
        problems.append(("srcLang", f"is {doc.src_lang!r}; this work is translated from {ctx.source_lang!r}"))
    if doc.trg_lang != lang:
        problems.append(("trgLang", f"is {doc.trg_lang!r}; expected {lang!r}"))
    updates: dict[str, tuple[str, bool]] = {}
    for unit in doc.units:
        seg = ctx.by_sid.get(unit.id)
        if seg is None:
            problems.append((f"unit {unit.id}", "no such segment in this work"))
            continue
        if " ".join(unit.source.split()) != " ".join(seg.source.split()):
            problems.append((f"unit {unit.id}", "its source differs from the work's; export the file again"))
            continue
        if unit.target is None:
            continue
        try:
            updates[unit.id] = (clean_target(seg.kind, unit.target), unit.state == "final")
        except InvalidRecord as exc:
            problems += [(f"unit {unit.id}: {f}", m) for f, m in exc.problems]
    if problems:
        raise InvalidRecord(problems)
    if updates:
        _applied(ctx, user, updates, time.time() if now is None else now)
    return len(updates)
