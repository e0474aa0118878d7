"""The rows of the translation workbench: segment drafts, segment comments, and the translation memory.

The memory follows the outbox like a search index, with its own consumer row
(``MEMORY_CONSUMER``) as its cursor; one process at a time applies it (an
advisory lock on PostgreSQL, SQLite's single writer otherwise).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager

import sqlalchemy as sa

from ..filelock import file_lock
from ..tables import memory_pairs, memory_sources, memory_state, outbox, outbox_consumers, translation_comments, translation_segments
from .base import Base

# The cursor's name changes when what the memory learns changes (2: pairs both ways), so a memory
# learned the older way reads as never built and is learned again; its older cursor is then dropped,
# lest it hold the outbox back from pruning.
MEMORY_CONSUMER = "translation-memory-2"
OLD_CONSUMERS = ("translation-memory",)
MEMORY_LOCK = 0x636C746D  # "cltm": orders memory writers on PostgreSQL
REBUILD_LOCK = 0x636C7462  # "cltb": one process at a time learns the whole memory
_BATCH = 500

# The live sources (see ``tables.memory_state``), as a condition every look-up adds.
_FROM = sa.select(memory_state.c.live_from).where(memory_state.c.id == 1).scalar_subquery()
_TO = sa.select(memory_state.c.live_to).where(memory_state.c.id == 1).scalar_subquery()
_TOP = 2 ** 63 - 1  # no upper bound, as a constant: SQLite then reads the window as a range of the key


def _live(column):
    return sa.and_(column >= sa.func.coalesce(_FROM, 0), column <= sa.func.coalesce(_TO, _TOP))


_EXACT = sa.select(memory_sources.c.id).where(
    memory_sources.c.norm_hash == sa.bindparam("hash"), memory_sources.c.lang == sa.bindparam("lang"),
    memory_sources.c.norm == sa.bindparam("norm"), _live(memory_sources.c.id))
# The first and the last live id, each one step of the key's index (min() and max() under a condition are not).
_SPAN = sa.select(*(sa.select(memory_sources.c.id).where(_live(memory_sources.c.id)).order_by(order).limit(1)
                    .scalar_subquery() for order in (memory_sources.c.id, memory_sources.c.id.desc())))
# One row per distinct target of a source and kind (a sentence many works publish comes back once).
_PAIRS = (sa.select(memory_pairs.c.source_id, memory_pairs.c.target, memory_pairs.c.kind,
                    sa.func.max(memory_pairs.c.id).label("id"), sa.func.max(memory_pairs.c.work_id).label("work_id"),
                    sa.func.max(memory_pairs.c.source).label("source"))
          .where(memory_pairs.c.source_id.in_(sa.bindparam("ids", expanding=True)),
                 memory_pairs.c.target_lang == sa.bindparam("lang"), memory_pairs.c.work_id != sa.bindparam("exclude"))
          .group_by(memory_pairs.c.source_id, memory_pairs.c.target, memory_pairs.c.kind))


def _chunks(items, size=_BATCH):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


class TranslationStore(Base):

    # -- segment drafts ----------------------------------------------------

    def segment_rows(self, work_id: str, lang: str, conn=None) -> dict:
        """The stored segments of a version's draft, by sid."""
        with self._reading(conn) as conn:
            return {r.sid: r for r in conn.execute(sa.select(translation_segments).where(
                translation_segments.c.work_id == work_id, translation_segments.c.lang == lang))}

    def write_segments(self, conn, work_id: str, lang: str, rows: list[dict], user: str | None, now: float) -> None:
        """Set segments (``sid``, ``source``, ``target``, ``done``) of a draft, in the caller's transaction."""
        if not rows:
            return
        conn.execute(translation_segments.delete().where(
            translation_segments.c.work_id == work_id, translation_segments.c.lang == lang,
            translation_segments.c.sid.in_([r["sid"] for r in rows])))
        conn.execute(translation_segments.insert(), [
            {"work_id": work_id, "lang": lang, "sid": r["sid"], "source": r["source"], "target": r["target"],
             "done": bool(r["done"]), "updated_by": user, "updated_at": now} for r in rows])

    @staticmethod
    def clear_segments(conn, work_id: str, lang: str) -> None:
        """Forget a version's segment drafts and comments (it was published: its text is the public one now)."""
        for table in (translation_segments, translation_comments):
            conn.execute(table.delete().where(table.c.work_id == work_id, table.c.lang == lang))

    def segment_comments(self, work_id: str, lang: str) -> Sequence[sa.Row]:
        """Reviewers' comments on the segments of a version, oldest first."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(translation_comments).where(
                translation_comments.c.work_id == work_id, translation_comments.c.lang == lang)
                .order_by(translation_comments.c.id)).all()

    def add_segment_comment(self, work_id: str, lang: str, sid: str, author: str, text: str, now: float):
        with self.transaction() as conn:
            conn.execute(translation_comments.insert().values(work_id=work_id, lang=lang, sid=sid, author=author,
                                                              at=now, text=text))

    # -- the memory: keeping it ----------------------------------------------

    @staticmethod
    def memory_lock(conn) -> int | None:
        """Take the memory's writer lock in the caller's transaction; return its cursor (None: never built).

        The consumer row is written first, so a second SQLite writer waits here;
        PostgreSQL uses a transaction-scoped advisory lock.
        """
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MEMORY_LOCK})
        where = outbox_consumers.c.name == MEMORY_CONSUMER
        if not conn.execute(outbox_consumers.update().where(where).values(
                heartbeat=outbox_consumers.c.heartbeat)).rowcount:
            return None
        return conn.execute(sa.select(outbox_consumers.c.last_seq).where(where)).scalar_one()

    @contextmanager
    def memory_rebuild_lock(self, blocking: bool = True):
        """Hold the right to learn the whole memory (a file lock beside a SQLite file, a session advisory lock
        on PostgreSQL); yield False when another process holds it and ``blocking`` is off.

        Learning it reads every work for a while: the others wait for it, or skip, rather than do it too.
        """
        if self.engine.dialect.name == "postgresql":
            with self.engine.connect() as conn:
                if blocking:
                    conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": REBUILD_LOCK})
                    got = True
                else:
                    got = bool(conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": REBUILD_LOCK}).scalar())
                conn.commit()
                try:
                    yield bool(got)
                finally:
                    if got:
                        conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": REBUILD_LOCK})
                        conn.commit()
            return
        database = self.engine.url.database if self.engine.dialect.name == "sqlite" else None
        if not database or database == ":memory:" or database.startswith("file:"):
            yield True
            return
        with file_lock(f"{database}.memory-lock", blocking) as held:
            yield held

    def memory_cursor(self) -> int | None:
        """How far the memory has followed the outbox (None before its first build)."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(outbox_consumers.c.last_seq).where(
                outbox_consumers.c.name == MEMORY_CONSUMER)).scalar()

    @staticmethod
    def memory_set_cursor(conn, seq: int, now: float) -> None:
        where = outbox_consumers.c.name == MEMORY_CONSUMER
        if not conn.execute(outbox_consumers.update().where(where).values(last_seq=seq, heartbeat=now)).rowcount:
            conn.execute(outbox_consumers.insert().values(name=MEMORY_CONSUMER, last_seq=seq, heartbeat=now))
            conn.execute(outbox_consumers.delete().where(outbox_consumers.c.name.in_(OLD_CONSUMERS)))

    @staticmethod
    def memory_changes(conn, seq: int, limit: int) -> list[tuple[int, str]]:
        """Outbox rows past ``seq`` as ``(seq, work_id)``, read in the caller's transaction."""
        return [tuple(r) for r in conn.execute(sa.select(outbox.c.seq, outbox.c.work_id).where(outbox.c.seq > seq)
                                               .order_by(outbox.c.seq).limit(limit))]

    @staticmethod
    def memory_last_seq(conn) -> int:
        return conn.execute(sa.select(sa.func.max(outbox.c.seq))).scalar() or 0

    @staticmethod
    def memory_window(conn) -> tuple[int, int | None]:
        """The ids of the live sources: from the first up to the second (None: no bound, unless a rebuild writes)."""
        row = conn.execute(sa.select(memory_state.c.live_from, memory_state.c.live_to)
                           .where(memory_state.c.id == 1)).first()
        return (row.live_from, row.live_to) if row else (0, None)

    @staticmethod
    def _set_window(conn, live_from: int, live_to: int | None) -> None:
        if not conn.execute(memory_state.update().where(memory_state.c.id == 1)
                            .values(live_from=live_from, live_to=live_to)).rowcount:
            conn.execute(memory_state.insert().values(id=1, live_from=live_from, live_to=live_to))

    def memory_building(self) -> bool:
        """Whether a rebuild is writing the next memory (or died doing it: the next rebuild starts over)."""
        with self.engine.connect() as conn:
            return self.memory_window(conn)[1] is not None

    def memory_begin_build(self) -> int:
        """Fence the live memory off from the rows a rebuild is about to write; return its highest id.

        The rebuild's rows get ids above it (ids only grow) and stay out of every look-up until
        ``memory_finish_build``. What a rebuild that died wrote above its fence is dropped first.
        """
        with self.transaction() as conn:
            self.memory_lock(conn)
            live_from, live_to = self.memory_window(conn)
            if live_to is None:
                live_to = conn.execute(sa.select(sa.func.max(memory_sources.c.id))).scalar() or 0
                self._set_window(conn, live_from, live_to)
        self.memory_drop(live_to + 1, None)
        return live_to

    def memory_finish_build(self, top: int, seq: int, now: float) -> None:
        """Make the rows above ``top`` the live memory, followed up to ``seq`` (one short transaction), then drop
        the old rows a few thousand at a time."""
        with self.transaction() as conn:
            self.memory_lock(conn)
            self._set_window(conn, top + 1, None)
            self.memory_set_cursor(conn, seq, now)
        self.memory_drop(0, top)

    def memory_drop(self, first: int, last: int | None, step: int = 2000) -> None:
        """Delete the sources whose ids lie in ``first``..``last`` (None: no end) and their pairs, in short
        transactions, so that saves beside it never wait long for the database."""
        while True:
            with self.transaction() as conn:
                q = sa.select(memory_sources.c.id).where(memory_sources.c.id >= first)
                if last is not None:
                    q = q.where(memory_sources.c.id <= last)
                ids = conn.execute(q.order_by(memory_sources.c.id).limit(step)).scalars().all()
                if not ids:
                    return
                conn.execute(memory_pairs.delete().where(memory_pairs.c.source_id.between(ids[0], ids[-1])))
                conn.execute(memory_sources.delete().where(memory_sources.c.id.between(ids[0], ids[-1])))
            first = ids[-1] + 1

    @staticmethod
    def memory_forget_works(conn, work_ids) -> None:
        """Remove the pairs learned from these works, and the source texts no pair needs any more."""
        affected: set[int] = set()
        for chunk in _chunks(work_ids):
            affected |= set(conn.execute(sa.select(memory_pairs.c.source_id).distinct()
                                         .where(memory_pairs.c.work_id.in_(chunk))).scalars())
            conn.execute(memory_pairs.delete().where(memory_pairs.c.work_id.in_(chunk)))
        for chunk in _chunks(affected):
            kept = set(conn.execute(sa.select(memory_pairs.c.source_id).distinct()
                                    .where(memory_pairs.c.source_id.in_(chunk))).scalars())
            gone = [i for i in chunk if i not in kept]
            if gone:
                conn.execute(memory_sources.delete().where(memory_sources.c.id.in_(gone)))

    @staticmethod
    def memory_add(conn, pairs: list[dict], above: int | None = None) -> int:
        """Add pairs (``source_lang target_lang source target kind work_id norm norm_hash``); return how many.

        A source text already known (same language and normalised form) is shared: a live one, or
        with ``above`` (a rebuild's fence) one the rebuild wrote.
        """
        if not pairs:
            return 0
        wanted: dict[tuple[str, str], dict] = {}
        for p in pairs:
            wanted.setdefault((p["source_lang"], p["norm"]), p)
        ids: dict[tuple[str, str], int] = {}
        hashes = {p["norm_hash"] for p in wanted.values()}
        mine = _live(memory_sources.c.id) if above is None else memory_sources.c.id > above
        for chunk in _chunks(hashes):
            for r in conn.execute(sa.select(memory_sources.c.id, memory_sources.c.lang, memory_sources.c.norm)
                                  .where(memory_sources.c.norm_hash.in_(chunk), mine)):
                ids[(r.lang, r.norm)] = r.id
        new = [p for key, p in wanted.items() if key not in ids]
        for chunk in _chunks(new, 2000):
            conn.execute(memory_sources.insert(), [{"lang": p["source_lang"], "norm": p["norm"],
                                                    "norm_hash": p["norm_hash"], "length": len(p["norm"])}
                                                   for p in chunk])
        for chunk in _chunks({p["norm_hash"] for p in new}):
            for r in conn.execute(sa.select(memory_sources.c.id, memory_sources.c.lang, memory_sources.c.norm)
                                  .where(memory_sources.c.norm_hash.in_(chunk), mine)):
                ids.setdefault((r.lang, r.norm), r.id)
        rows = [{"source_id": ids[(p["source_lang"], p["norm"])], "source_lang": p["source_lang"],
                 "target_lang": p["target_lang"], "source": p["source"], "target": p["target"], "kind": p["kind"],
                 "work_id": p["work_id"]} for p in pairs]
        for chunk in _chunks(rows, 2000):
            conn.execute(memory_pairs.insert(), chunk)
        return len(rows)

    # -- the memory: looking up ----------------------------------------------

    def memory_exact(self, lang: str, norm_hash: int, norm: str) -> Sequence[int]:
        """The ids of the sources in ``lang`` whose normalised text is ``norm``."""
        with self.engine.connect() as conn:
            return conn.execute(_EXACT, {"hash": norm_hash, "lang": lang, "norm": norm}).scalars().all()

    def memory_span(self) -> tuple[int | None, int | None]:
        """The lowest and highest source id now (ids only grow; both None when the memory is empty)."""
        with self.engine.connect() as conn:
            row = conn.execute(_SPAN).one()
            return row[0], row[1]

    def memory_sources_after(self, last_id: int, batch: int = 20_000):
        """Yield ``(id, lang, normalised text)`` of every source past ``last_id``, in id order."""
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(sa.select(memory_sources.c.id, memory_sources.c.lang, memory_sources.c.norm)
                                    .where(memory_sources.c.id > last_id, _live(memory_sources.c.id))
                                    .order_by(memory_sources.c.id)
                                    .limit(batch)).all()
            if not rows:
                return
            yield from rows
            last_id = rows[-1][0]

    def memory_pairs_of(self, source_ids, target_lang: str, exclude_work: str | None) -> Sequence[sa.Row]:
        """The pairs into ``target_lang`` of these sources, except those learned from ``exclude_work``: one row
        (``source_id target kind id work_id source``) per distinct target and kind of each source."""
        if not source_ids:
            return []
        with self.engine.connect() as conn:
            return conn.execute(_PAIRS, {"ids": list(source_ids), "lang": target_lang,
                                         "exclude": exclude_work or ""}).all()

    def memory_counts(self) -> dict[str, int]:
        """How many pairs and source texts the live memory holds."""
        with self.engine.connect() as conn:
            return {name: conn.execute(sa.select(sa.func.count()).select_from(table).where(_live(column))).scalar_one()
                    for name, table, column in (("pairs", memory_pairs, memory_pairs.c.source_id),
                                                ("sources", memory_sources, memory_sources.c.id))}
