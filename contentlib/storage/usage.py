"""The rows of use counts: this library's per day, other libraries' per month, and the libraries."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from ..tables import demand_unmet, media, usage_daily, usage_imported, usage_libraries
from .base import Base


def _upsert(conn, table, keys: tuple[str, ...], rows: list[dict], replace: bool = False) -> None:
    """Insert rows, adding to (or with ``replace``, overwriting) the count of rows already there."""
    if not rows:
        return
    name = conn.dialect.name
    if name in ("sqlite", "postgresql"):
        from sqlalchemy.dialects import postgresql, sqlite
        stmt = sqlite.insert(table) if name == "sqlite" else postgresql.insert(table)
        count = stmt.excluded.count if replace else table.c.count + stmt.excluded.count
        conn.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_={"count": count}), rows)
        return
    for r in rows:  # any other database: one statement at a time
        where = [table.c[k] == r[k] for k in keys]
        value = r["count"] if replace else table.c.count + r["count"]
        if conn.execute(table.update().where(*where).values(count=value)).rowcount == 0:
            conn.execute(table.insert().values(**r))


class UsageStore(Base):

    def media_owners(self, shas) -> dict[str, tuple[str, str]]:
        """For each file, the work and language of its first media entry: ``{sha256: (work_id, lang)}``."""
        owners: dict[str, tuple[str, str]] = {}
        if not shas:
            return owners
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(media.c.sha256, media.c.work_id, media.c.lang)
                                .where(media.c.sha256.in_(list(shas))).order_by(media.c.work_id, media.c.position))
            for r in rows:
                owners.setdefault(r.sha256, (r.work_id, r.lang or ""))
        return owners

    def add_daily_counts(self, counts) -> None:
        """Add ``{(day, work_id, lang, kind): n}`` to the daily counts, in one transaction."""
        rows = [{"day": d, "work_id": w, "lang": lang, "kind": k, "count": n}
                for (d, w, lang, k), n in counts.items()]
        with self.engine.begin() as conn:
            _upsert(conn, usage_daily, ("day", "work_id", "lang", "kind"), rows)

    def daily_counts(self, since=None) -> Sequence[sa.Row]:
        """Rows ``(day, work_id, lang, kind, count)`` of the daily counts, from ``since`` (a date) on."""
        q = sa.select(usage_daily.c.day, usage_daily.c.work_id, usage_daily.c.lang, usage_daily.c.kind,
                      usage_daily.c.count)
        if since:
            q = q.where(usage_daily.c.day >= since)
        with self.engine.connect() as conn:
            return conn.execute(q).all()

    def local_library_id(self) -> str | None:
        """The id of this library's row in the use counts, if it has one yet."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(usage_libraries.c.id).where(usage_libraries.c.local.is_(True))
                                .order_by(usage_libraries.c.id)).scalar()

    def local_library(self, name: str | None, library_id: str | None, fresh_id: str) -> tuple[str, str]:
        """This library's ``(id, name)``, made with ``fresh_id`` (or ``library_id``) the first time;
        ``name`` and ``library_id``, when given, replace the stored ones."""
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(usage_libraries).where(usage_libraries.c.local.is_(True))
                               .order_by(usage_libraries.c.id)).first()
            if row is None:
                lib_id, lib_name = library_id or fresh_id, name or "contentlib"
                conn.execute(usage_libraries.insert().values(id=lib_id, name=lib_name, local=True))
                return lib_id, lib_name
            values = {}
            if name and name != row.name:
                values["name"] = name
            if library_id and library_id != row.id:
                values["id"] = library_id
            if values:
                conn.execute(usage_libraries.update().where(usage_libraries.c.id == row.id).values(**values))
            return values.get("id", row.id), values.get("name", row.name)

    def replace_imported_counts(self, library_id: str, name: str, months: list[str], rows: list[dict],
                                now: float, unmet: Sequence[dict] = ()) -> None:
        """Another library's counts for ``months`` (sorted) replace what it sent for them before, and
        its row records the widened period; all in one transaction."""
        with self.engine.begin() as conn:
            conn.execute(usage_imported.delete().where(usage_imported.c.library_id == library_id,
                                                       usage_imported.c.month.in_(months)))
            if rows:
                conn.execute(usage_imported.insert(), rows)
            conn.execute(demand_unmet.delete().where(demand_unmet.c.library_id == library_id,
                                                     demand_unmet.c.month.in_(months)))
            if unmet:
                conn.execute(demand_unmet.insert(), [{**u, "library_id": library_id} for u in unmet])
            known = conn.execute(sa.select(usage_libraries).where(usage_libraries.c.id == library_id)).first()
            period_from = min(months[0], known.period_from or months[0]) if known else months[0]
            period_to = max(months[-1], known.period_to or months[-1]) if known else months[-1]
            values = dict(name=name, period_from=period_from, period_to=period_to, imported_at=now)
            if known is None:
                conn.execute(usage_libraries.insert().values(id=library_id, local=False, **values))
            else:
                conn.execute(usage_libraries.update().where(usage_libraries.c.id == library_id).values(**values))
