"""The glossary's rows: zh <-> bo pairs with a note."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from ..errors import InvalidRecord, NotFound
from ..tables import glossary
from .base import inserted_id
from .generations import GenerationsStore


class GlossaryStore(GenerationsStore):

    def glossary_rows(self, q: str | None = None) -> Sequence[sa.Row]:
        """Every entry (or those whose terms or note contain ``q``), by Chinese then Tibetan term.

        The whole glossary (every search reads it) is cached in this process and re-read within
        a second of an edit by any process (``storage.generations``).
        """
        if not q:
            return self.table_cache("glossary", self._load_glossary).get()  # the same tuple until read again
        like = f"%{q.strip()}%"
        s = sa.select(glossary).order_by(glossary.c.zh, glossary.c.bo).where(
            sa.or_(glossary.c.zh.like(like), glossary.c.bo.like(like), glossary.c.note.like(like)))
        with self.engine.connect() as conn:
            return conn.execute(s).all()

    def _load_glossary(self) -> tuple:
        with self.engine.connect() as conn:
            return tuple(conn.execute(sa.select(glossary).order_by(glossary.c.zh, glossary.c.bo)).all())

    def _glossary_changed(self, conn) -> None:
        """Inside the edit's transaction: a new generation, so every process re-reads it once it commits."""
        self.bump_table_generation(conn, "glossary")

    def _forget_glossary(self) -> None:
        """After the edit's commit: this process re-reads at once, not within a second."""
        self.table_cache("glossary", self._load_glossary).forget()

    def glossary_row(self, entry_id: int):
        """One entry, or None."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(glossary).where(glossary.c.id == entry_id)).first()

    def put_glossary_pairs(self, pairs, actor: str | None, now: float):
        """Add ``(zh, bo, note)`` pairs in one transaction; a pair already there only gets a new note
        (when one is given). Returns the row of the last pair."""
        row = None
        with self.engine.begin() as conn:
            have = {(r.zh, r.bo): r.id for r in conn.execute(sa.select(glossary.c.id, glossary.c.zh, glossary.c.bo))}
            for zh, bo, note in pairs:
                if (zh, bo) in have:
                    if note is not None:
                        conn.execute(glossary.update().where(glossary.c.id == have[(zh, bo)])
                                     .values(note=note, updated_by=actor, updated_at=now))
                else:
                    res = conn.execute(glossary.insert().values(zh=zh, bo=bo, note=note, updated_by=actor,
                                                                updated_at=now))
                    have[(zh, bo)] = inserted_id(res)
            if pairs:
                self._glossary_changed(conn)
                zh, bo, _ = pairs[-1]
                row = conn.execute(sa.select(glossary).where(glossary.c.zh == zh, glossary.c.bo == bo)).first()
        self._forget_glossary()
        return row

    def update_glossary_entry(self, entry_id: int, zh: str, bo: str, note: str | None, actor: str | None,
                              now: float) -> None:
        """Change an entry.

        :raises NotFound: for an unknown entry; :raises InvalidRecord: when the new pair is another entry.
        """
        with self.engine.begin() as conn:
            clash = conn.execute(sa.select(glossary.c.id).where(glossary.c.zh == zh, glossary.c.bo == bo,
                                                                glossary.c.id != entry_id)).first()
            if clash:
                raise InvalidRecord([("zh", "this pair is already in the glossary")])
            if not conn.execute(glossary.update().where(glossary.c.id == entry_id).values(
                    zh=zh, bo=bo, note=note, updated_by=actor, updated_at=now)).rowcount:
                raise NotFound(f"glossary entry {entry_id}")
            self._glossary_changed(conn)
        self._forget_glossary()

    def delete_glossary_entry(self, entry_id: int) -> bool:
        """Delete an entry; False when there was none."""
        with self.engine.begin() as conn:
            gone = bool(conn.execute(glossary.delete().where(glossary.c.id == entry_id)).rowcount)
            if gone:
                self._glossary_changed(conn)
        self._forget_glossary()
        return gone
