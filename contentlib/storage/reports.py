"""What the reports read: works with their subjects and audiences, the history, titles and use counts."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from ..tables import usage_daily, usage_imported, usage_libraries, version_history, versions, work_terms, works
from .base import Base


class ReportsStore(Base):

    def works_with_terms(self) -> dict[str, dict]:
        """Every work as ``id -> {type, subjects, audiences, updated_at}`` (codes in position order)."""
        with self.engine.connect() as conn:
            out = {r.id: {"type": r.type, "subjects": [], "audiences": [], "updated_at": r.updated_at}
                   for r in conn.execute(sa.select(works.c.id, works.c.type, works.c.updated_at))}
            for t in conn.execute(sa.select(work_terms.c.work_id, work_terms.c.scheme, work_terms.c.code)
                                  .where(work_terms.c.scheme.in_(("subjects", "audiences")))
                                  .order_by(work_terms.c.position)):
                if t.work_id in out:
                    out[t.work_id][t.scheme].append(t.code)
        return out

    def history_events(self, langs=None) -> Sequence[sa.Row]:
        """Rows ``(work_id, lang, at, action, from_state, to_state)`` of the history, oldest first."""
        q = sa.select(version_history.c.work_id, version_history.c.lang, version_history.c.at,
                      version_history.c.action, version_history.c.from_state, version_history.c.to_state
                      ).order_by(version_history.c.at, version_history.c.id)
        if langs:
            q = q.where(version_history.c.lang.in_(list(langs)))
        with self.engine.connect() as conn:
            return conn.execute(q).all()

    def published_langs(self, lang: str | None = None, blank_is_missing: bool = True) -> list[tuple[str, str]]:
        """``(work_id, lang)`` of every published version with a title (of ``lang`` only, if given);
        ``blank_is_missing=False`` counts a title of spaces too."""
        q = sa.select(versions.c.work_id, versions.c.lang).where(versions.c.slot == "public",
                                                                 versions.c.title.is_not(None))
        if blank_is_missing:
            q = q.where(sa.func.trim(versions.c.title) != "")
        if lang is not None:
            q = q.where(versions.c.lang == lang)
        with self.engine.connect() as conn:
            return [(r.work_id, r.lang) for r in conn.execute(q)]

    def published_titles(self, ids) -> dict[str, dict[str, str]]:
        """``{work_id: {lang: title}}`` of the published, non-blank titles of these works."""
        out: dict[str, dict[str, str]] = {}
        ids = list(ids)
        with self.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                for r in conn.execute(
                        sa.select(versions.c.work_id, versions.c.lang, versions.c.title)
                        .where(versions.c.work_id.in_(ids[i:i + 500]), versions.c.slot == "public")):
                    if r.title and r.title.strip():
                        out.setdefault(r.work_id, {})[r.lang] = r.title
        return out

    def library_rows(self) -> Sequence[sa.Row]:
        """This library first, then the others by name."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(usage_libraries).order_by(usage_libraries.c.local.desc(),
                                                                    usage_libraries.c.name)).all()

    def daily_sums(self, first_day, after_last_day) -> Sequence[sa.Row]:
        """Rows ``(day, work_id, lang, kind, count)`` of this library's counts in ``[first_day, after_last_day)``."""
        q = (sa.select(usage_daily.c.day, usage_daily.c.work_id, usage_daily.c.lang, usage_daily.c.kind,
                       sa.func.sum(usage_daily.c.count))
             .where(usage_daily.c.day >= first_day, usage_daily.c.day < after_last_day)
             .group_by(usage_daily.c.day, usage_daily.c.work_id, usage_daily.c.lang, usage_daily.c.kind))
        with self.engine.connect() as conn:
            return conn.execute(q).all()

    def imported_counts(self, start: str, end: str, library: str | None = None) -> Sequence[sa.Row]:
        """Rows of other libraries' counts for months ``start``..``end`` (of one ``library``, if given)."""
        q = sa.select(usage_imported).where(usage_imported.c.month >= start, usage_imported.c.month <= end)
        if library:
            q = q.where(usage_imported.c.library_id == library)
        with self.engine.connect() as conn:
            return conn.execute(q).all()
