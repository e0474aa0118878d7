"""The learned lexicon's rows and the aggregate demand counts (asks, unmet searches)."""

from __future__ import annotations

import sqlalchemy as sa

from ..tables import demand_unmet, lexicon_entries, lexicon_state, usage_daily, usage_imported, versions
from .base import Base
from .usage import _upsert

_BATCH = 5_000


class LexiconStore(Base):

    def bilingual_texts(self, batch: int = 1000):
        """Yield (bo title, bo description, zh title, zh description) of every work published in both."""
        bo, zh = versions.alias("bo"), versions.alias("zh")
        q = (sa.select(bo.c.title, bo.c.description, zh.c.title, zh.c.description)
             .join(zh, sa.and_(zh.c.work_id == bo.c.work_id, zh.c.lang == "zh", zh.c.slot == "public"))
             .where(bo.c.lang == "bo", bo.c.slot == "public").order_by(bo.c.work_id))
        with self.engine.connect() as conn:
            for rows in conn.execution_options(yield_per=batch).execute(q).partitions():
                yield from (tuple(r) for r in rows)

    def count_bilingual(self) -> int:
        bo, zh = versions.alias("bo"), versions.alias("zh")
        q = (sa.select(sa.func.count()).select_from(bo)
             .join(zh, sa.and_(zh.c.work_id == bo.c.work_id, zh.c.lang == "zh", zh.c.slot == "public"))
             .where(bo.c.lang == "bo", bo.c.slot == "public"))
        with self.engine.connect() as conn:
            return int(conn.execute(q).scalar() or 0)

    def replace_lexicon(self, entries, pairs: int, works: int, now: float, seconds: float) -> int:
        """Swap in a new lexicon in one transaction (readers see the old one or the new); return its generation."""
        with self.engine.begin() as conn:
            old = conn.execute(sa.select(lexicon_state.c.generation).where(lexicon_state.c.id == 1)).scalar()
            conn.execute(lexicon_entries.delete())
            rows = [{"direction": e.direction, "source": e.source[:200], "target": e.target[:200],
                     "weight": e.weight} for e in entries]
            for i in range(0, len(rows), _BATCH):
                conn.execute(lexicon_entries.insert(), rows[i:i + _BATCH])
            gen = (old or 0) + 1
            values = {"generation": gen, "pairs": pairs, "works": works, "entries": len(rows),
                      "built_at": now, "seconds": seconds}
            if old is None:
                conn.execute(lexicon_state.insert().values(id=1, **values))
            else:
                conn.execute(lexicon_state.update().where(lexicon_state.c.id == 1).values(**values))
            return gen

    def lexicon_state(self):
        """The live lexicon's row (generation, pairs, works, entries, built_at, seconds), or None."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(lexicon_state).where(lexicon_state.c.id == 1)).first()

    def lexicon_targets(self, direction: str, sources) -> dict[str, list[tuple[str, float]]]:
        """``{source: [(target, weight), ...]}`` best first, for these source units."""
        out: dict[str, list[tuple[str, float]]] = {}
        sources = [s for s in dict.fromkeys(sources) if s and len(s) <= 200]
        with self.engine.connect() as conn:
            for i in range(0, len(sources), 500):
                q = (sa.select(lexicon_entries.c.source, lexicon_entries.c.target, lexicon_entries.c.weight)
                     .where(lexicon_entries.c.direction == direction,
                            lexicon_entries.c.source.in_(sources[i:i + 500]))
                     .order_by(lexicon_entries.c.source, lexicon_entries.c.weight.desc(), lexicon_entries.c.target))
                for r in conn.execute(q):
                    out.setdefault(r.source, []).append((r.target, float(r.weight)))
        return out

    def lexicon_rows(self, batch: int = 10_000):
        """Yield every (direction, source, target, weight), each source's targets best first (as ``lexicon_targets``)."""
        c = lexicon_entries.c
        q = sa.select(c.direction, c.source, c.target, c.weight).order_by(
            c.direction, c.source, c.weight.desc(), c.target)
        with self.engine.connect() as conn:
            for rows in conn.execution_options(yield_per=batch).execute(q).partitions():
                yield from ((r.direction, r.source, r.target, float(r.weight)) for r in rows)

    def lexicon_sources_for(self, direction: str, target: str) -> list[tuple[str, float]]:
        """Source units that read as ``target`` (the lexicon page's reverse look-up)."""
        q = (sa.select(lexicon_entries.c.source, lexicon_entries.c.weight)
             .where(lexicon_entries.c.direction == direction, lexicon_entries.c.target == target)
             .order_by(lexicon_entries.c.weight.desc()).limit(20))
        with self.engine.connect() as conn:
            return [(r.source, float(r.weight)) for r in conn.execute(q)]

    # -- unmet searches ----------------------------------------------------

    def add_unmet_counts(self, rows) -> None:
        """Add ``{(month, lang, query): n}`` to this library's unmet-search counts, in one transaction."""
        batch = [{"library_id": "", "month": month, "lang": lang, "query": query[:200], "count": n}
                 for (month, lang, query), n in rows.items()]
        with self.engine.begin() as conn:
            _upsert(conn, demand_unmet, ("library_id", "month", "lang", "query"), batch)

    def local_unmet(self, month_from: str | None = None) -> list:
        """(month, lang, query, count) of this library's own unmet searches, from ``month_from`` on."""
        q = sa.select(demand_unmet.c.month, demand_unmet.c.lang, demand_unmet.c.query, demand_unmet.c.count).where(
            demand_unmet.c.library_id == "")
        if month_from:
            q = q.where(demand_unmet.c.month >= month_from)
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(q.order_by(demand_unmet.c.month, demand_unmet.c.query))]

    def unmet_rows(self, month_from: str | None = None, month_to: str | None = None, at_least: int = 1) -> list:
        """(query, lang, count) summed over the months in range (every library's), asked at least ``at_least`` times."""
        total = sa.func.sum(demand_unmet.c.count)
        q = sa.select(demand_unmet.c.query, demand_unmet.c.lang, total)
        if month_from:
            q = q.where(demand_unmet.c.month >= month_from)
        if month_to:
            q = q.where(demand_unmet.c.month <= month_to)
        q = q.group_by(demand_unmet.c.query, demand_unmet.c.lang).having(total >= at_least)
        q = q.order_by(total.desc(), demand_unmet.c.query)
        with self.engine.connect() as conn:
            return [(r.query, r.lang, int(r[2])) for r in conn.execute(q)]

    def ask_counts(self, first_day, after_last_day, months) -> dict[tuple[str, str], int]:
        """``{(work_id, lang): asks}`` in a period: this library's daily counts and those other libraries sent."""
        out: dict[tuple[str, str], int] = {}
        local = (sa.select(usage_daily.c.work_id, usage_daily.c.lang, sa.func.sum(usage_daily.c.count))
                 .where(usage_daily.c.kind == "ask", usage_daily.c.day >= first_day, usage_daily.c.day < after_last_day)
                 .group_by(usage_daily.c.work_id, usage_daily.c.lang))
        sent = (sa.select(usage_imported.c.work_id, usage_imported.c.lang, sa.func.sum(usage_imported.c.count))
                .where(usage_imported.c.kind == "ask", usage_imported.c.month.in_(list(months)))
                .group_by(usage_imported.c.work_id, usage_imported.c.lang))
        with self.engine.connect() as conn:
            for q in (local, sent):
                for r in conn.execute(q):
                    out[(r.work_id, r.lang)] = out.get((r.work_id, r.lang), 0) + int(r[2])
        return out

    def bilingual_examples(self, bo_part: str, zh_part: str, limit: int = 3) -> list[tuple[str, str, str]]:
        """(work_id, bo title, zh title) of published bilingual works whose texts hold both parts."""
        bo, zh = versions.alias("bo"), versions.alias("zh")

        def has(v, part):
            like = "%" + part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            return sa.or_(v.c.title.like(like, escape="\\"), v.c.description.like(like, escape="\\"))

        q = (sa.select(bo.c.work_id, bo.c.title, zh.c.title)
             .join(zh, sa.and_(zh.c.work_id == bo.c.work_id, zh.c.lang == "zh", zh.c.slot == "public"))
             .where(bo.c.lang == "bo", bo.c.slot == "public", has(bo, bo_part), has(zh, zh_part))
             .order_by(bo.c.work_id).limit(limit))
        with self.engine.connect() as conn:
            return [(r[0], r[1], r[2]) for r in conn.execute(q)]  # two columns are named "title"
