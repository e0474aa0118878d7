"""``library.translation``: the workbench (segments, saving, submit, comments, XLIFF) and the memory."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from ..accounts import User, require
from ..errors import BadParameter, InvalidRecord, NotAllowed
from ..model import ID_RE, LANGUAGES
from ..targets import output_file
from ..translation import memory, workbench
from ..translation import xliff as xliff_format
from ..translation.memory import Suggestion
from ..translation.workbench import SegmentState, Workbench


class Translation:
    """The workbench of one library: its pages, its API and its commands go through here.

    The memory is brought up to date (from the outbox) before a look-up, so a
    version approved a moment ago already helps the next translation; a request
    never waits for another process learning the whole memory (it uses what is there).
    """

    def __init__(self, library):
        self._lib = library
        self.index = memory.GramIndex()  # this process's fuzzy index of the memory, followed as it changes

    @property
    def _store(self):
        return self._lib.store

    def _settings(self) -> dict:
        return self._lib.settings

    def follow_memory(self, blocking: bool = True, refresh: bool = True) -> int:
        """Apply what changed since the memory last looked (the applier's pass calls this, not blocking).

        This process's fuzzy index follows too (unless ``refresh`` is off), so a look-up seldom waits for it.
        """
        applied = memory.follow(self._store, self._lib.media, blocking=blocking)
        if refresh:
            self.index.refresh(self._store)
        return applied

    def rebuild_memory(self, progress=None) -> int:
        """Learn the memory again from every published work; return how many pairs it holds."""
        return memory.rebuild(self._store, self._lib.media, progress=progress)

    def segments(self, user: User | None, work_id: str, lang: str, suggest: bool = True) -> Workbench:
        """A version segment by segment, with suggestions, glossary terms, checks and comments."""
        if suggest:
            self.follow_memory(blocking=False)
        return workbench.load(self._store, self._lib.media, user, work_id, lang, self._settings(), suggest=suggest,
                              index=self.index)

    def segment(self, user: User | None, work_id: str, lang: str, sid: str) -> SegmentState:
        """One segment with its helps as they are now (the workbench asks again when the editor comes back to it).

        :raises NotFound: for an unknown sid.
        """
        self.follow_memory(blocking=False)
        return workbench.load(self._store, self._lib.media, user, work_id, lang, self._settings(), only=sid,
                              index=self.index).segment(sid)

    def review(self, user: User | None, work_id: str, lang: str) -> Workbench:
        """What a reviewer reads beside the source: every segment's target, checks and comments (no look-ups)."""
        return workbench.load(self._store, self._lib.media, user, work_id, lang, self._settings(), suggest=False)

    def save_segment(self, user: User, work_id: str, lang: str, sid: str, body: dict) -> SegmentState:
        """Save one segment of the draft; return it with its checks (``PUT .../segments/{sid}``)."""
        self.follow_memory(blocking=False)
        state = workbench.save_segment(self._store, self._lib.media, user, work_id, lang, sid, body,
                                       self._settings(), index=self.index)
        self._lib.changed()
        return state

    def submit(self, user: User, work_id: str, lang: str):
        """Build the version from its segments and send it to review.

        :raises ChecksFailed: (a 409 with every failing ``(sid, code)``); nothing changed then.
        """
        st, _freed = workbench.submit(self._store, self._lib.media, self._lib.limits, user, work_id, lang,
                                      self._settings())
        self._lib.changed([work_id])
        return st

    def comment(self, user: User, work_id: str, lang: str, sid: str, text) -> dict:
        """A reviewer's comment on one segment."""
        return workbench.comment(self._store, user, work_id, lang, sid, text, media=self._lib.media)

    def xliff(self, user: User | None, work_id: str, lang: str) -> bytes:
        """The version's segments as an XLIFF 2.0 document."""
        bench = workbench.load(self._store, self._lib.media, user, work_id, lang, self._settings(), suggest=False)
        return xliff_format.write(work_id, bench.source_lang, lang, bench.segments)

    def import_xliff(self, user: User, stream: BinaryIO, work_id: str | None = None, lang: str | None = None,
                     max_bytes: int = xliff_format.MAX_BYTES) -> tuple[str, str, int]:
        """Set the targets an XLIFF 2.0 file carries, all or nothing; return its work, language and unit count.

        Without ``work_id``/``lang`` (the command line) they come from the file's ``<file id>`` and ``trgLang``.

        :raises InvalidRecord: for a malformed, hostile or mismatched file; nothing changed then.
        """
        require(user, "edit")
        doc = xliff_format.read(stream, max_bytes=max_bytes)
        work_id = work_id or doc.file_id
        lang = lang or doc.trg_lang
        if not work_id or not ID_RE.match(work_id):
            raise InvalidRecord([("file", "the <file id> must be the work's id")])
        if lang not in LANGUAGES:
            raise InvalidRecord([("trgLang", f"must be one of {', '.join(LANGUAGES)}")])
        count = workbench.import_units(self._store, self._lib.media, user, work_id, lang, doc, self._settings())
        self._lib.changed()
        return work_id, lang, count

    def export_xliff(self, user: User, work_id: str, lang: str, path: Path) -> int:
        """Write the version's XLIFF 2.0 file at ``path`` atomically; return how many units it holds.

        :raises CannotWrite: when the folder is missing or cannot be written.
        """
        data = self.xliff(user, work_id, lang)
        with output_file(path, prefix=".translate-", suffix=".xlf", newline="") as out:
            out.write(data.decode("utf-8"))
        return data.count(b"<unit ")

    def lookup(self, user: User | None, q, source_lang, target_lang) -> list[Suggestion]:
        """Look ``q`` up in the translation memory (``GET /api/v1/memory``).

        :raises BadParameter: for a missing or over-long ``q`` or an unknown or equal pair of languages.
        """
        if user is None or not (user.can("edit") or user.can("review")):
            raise NotAllowed("edit or review")
        if not isinstance(q, str) or not q.strip():
            raise BadParameter("q", "say what to look up")
        if len(q) > workbench.MAX_TARGET:
            raise BadParameter("q", f"at most {workbench.MAX_TARGET} characters")
        for name, value in (("from", source_lang), ("to", target_lang)):
            if value not in LANGUAGES:
                raise BadParameter(name, f"one of {', '.join(LANGUAGES)}")
        if source_lang == target_lang:
            raise BadParameter("to", "must differ from 'from'")
        self.follow_memory(blocking=False)
        return memory.lookup(self._store, q, source_lang, target_lang, index=self.index)

    def replaced_files(self, work_id: str, lang: str) -> list[str]:
        """The published files the version's draft tracks replace when it is approved."""
        return workbench.replaced_files(self._store, work_id, lang)
