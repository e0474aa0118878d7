"""The database side of backup and restore: snapshots, table dumps, and rows copied back in one transaction.

Works on any database the library runs on, table by table (reflected, so a backup from an
older or newer schema still restores); ``contentlib.backup`` holds the archive and its checks.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import sqlite3
import time
from contextlib import closing, contextmanager
from pathlib import Path

import sqlalchemy as sa

from .outbox import OutboxStore


class UnusableDatabase(Exception):
    """A backed-up database that cannot be read here, or whose rows this database refuses."""


@contextmanager
def database_errors():
    """Turn a database's refusal (bad rows, a file that is not a database) into one ``UnusableDatabase``."""
    try:
        yield
    except (sa.exc.SQLAlchemyError, sqlite3.Error, ValueError, TypeError, KeyError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UnusableDatabase(first[:200]) from None


def check_sqlite(path: Path) -> None:
    """Read-only look at a SQLite file: refuse junk, damage, or a database without the works table.

    :raises UnusableDatabase: saying which.
    """
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            healthy = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    except sqlite3.Error as exc:
        raise UnusableDatabase(f"not a SQLite database ({exc})") from None
    if not healthy:
        raise UnusableDatabase("a damaged SQLite database")
    if "works" not in tables:
        raise UnusableDatabase("not a contentlib database (no works table)")


def sqlite_path(url: str) -> Path | None:
    u = sa.engine.make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _counts(conn) -> dict:
    names = set(sa.inspect(conn).get_table_names())
    return {t: conn.execute(sa.text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one()
            for t in ("works", "versions", "media", "users", "version_history", "glossary", "work_lists")
            if t in names}


def dump_json(url: str, folder: Path) -> tuple[list[str], dict, set[str]]:
    """Every table as ``<table>.jsonl`` (a header of column names, then one row a line), one snapshot.

    :returns: the table names, the row counts of the main tables, and the sha256 of every media file named.
    """
    engine = sa.create_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
            meta = sa.MetaData()
            meta.reflect(conn)
            counts = _counts(conn)
            names = []
            for table in meta.sorted_tables:
                names.append(table.name)
                with open(folder / f"{table.name}.jsonl", "w", encoding="utf-8") as out:
                    out.write(json.dumps([c.name for c in table.columns]) + "\n")
                    for row in conn.execute(sa.select(table)):
                        out.write(json.dumps([_to_json(v) for v in row], ensure_ascii=False) + "\n")
        with engine.connect() as conn:
            shas: set[str] = set(conn.execute(sa.text("SELECT sha256 FROM media")).scalars())
    finally:
        engine.dispose()
    return names, counts, shas


def snapshot_sqlite(source: Path, snapshot: Path) -> tuple[dict, set[str]]:
    """Copy a SQLite database with its online backup API (consistent while others write).

    :returns: the snapshot's row counts of the main tables and the sha256 of every media file it names.
    """
    src, dst = sqlite3.connect(source, timeout=30), sqlite3.connect(snapshot)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    snap_engine = sa.create_engine(f"sqlite:///{snapshot}")
    try:
        with snap_engine.connect() as conn:
            return _counts(conn), set(conn.execute(sa.text("SELECT sha256 FROM media")).scalars())
    finally:
        snap_engine.dispose()


def table_counts(engine) -> dict:
    """Row counts of the main tables (those that exist)."""
    with engine.connect() as conn:
        return _counts(conn)


def _to_json(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(bytes(value)).decode()
    return value


def is_empty(engine) -> bool:
    """Whether a database holds no works, users or media yet (what a start creates does not count)."""
    with engine.connect() as conn:
        names = set(sa.inspect(conn).get_table_names())
        return all(conn.execute(sa.text(f'SELECT 1 FROM "{t}" LIMIT 1')).first() is None
                   for t in ("works", "users", "media") if t in names)


def enqueue_all(store, extra_ids) -> None:
    """Queue every work of ``store`` and ``extra_ids`` (works the replaced catalog had) for the index.

    The outbox consumers of the backed-up library are not this home's indexes: they go.
    """
    ids = sorted(set(store.work_ids()) | set(extra_ids))
    with store.transaction() as conn:
        _forget_consumers(conn)
        store.enqueue_changes(conn, ids, time.time())
        store.bump_table_generation(conn, "vocabulary", "glossary")  # every process re-reads what was restored


def _forget_consumers(conn) -> None:
    if "outbox_consumers" in sa.inspect(conn).get_table_names():
        conn.execute(sa.text("DELETE FROM outbox_consumers"))


def replace_sqlite(store, snapshot: Path, target: Path) -> None:
    """Swap the database file in one rename (its old WAL checkpointed and removed first)."""
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.engine.dispose()
    store.forget_table_caches()
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    fd = os.open(snapshot, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(snapshot, target)


def rows_from_engine(engine) -> dict:
    """Each table of ``engine``: name -> a callable giving (column names, rows)."""
    meta = sa.MetaData()
    meta.reflect(engine)

    def reader(table):
        def read():
            with engine.connect() as conn:
                yield from (list(r) for r in conn.execute(sa.select(table)))
        return lambda: ([c.name for c in table.columns], read())

    return {t.name: reader(t) for t in meta.sorted_tables}


def rows_from_json(folder: Path) -> dict:
    """Each dumped table: name -> a callable giving (column names, rows)."""

    def reader(path):
        def read():
            with open(path, encoding="utf-8") as fh:
                columns = json.loads(fh.readline())
                yield columns
                yield from (json.loads(line) for line in fh)

        def open_table():
            rows = read()
            return next(rows), rows
        return open_table

    return {p.stem: reader(p) for p in sorted(folder.glob("*.jsonl"))}


def _from_json(column, value):
    if value is None:
        return None
    if isinstance(column.type, sa.DateTime) and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    if isinstance(column.type, sa.Date) and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if isinstance(column.type, sa.LargeBinary) and isinstance(value, str):
        return base64.b64decode(value)
    return value


def copy_rows(source, engine, old_ids) -> None:
    """Replace every table's rows with the source's, in one transaction, and queue every work for the index.

    :param source: table name -> a callable giving (column names, rows), as ``rows_from_json`` makes.
    """
    meta = sa.MetaData()
    meta.reflect(engine)
    tables = {t.name: t for t in meta.sorted_tables if t.name != "alembic_version"}
    with engine.begin() as conn:
        for table in reversed(meta.sorted_tables):
            if table.name in tables:
                conn.execute(table.delete())
        new_ids = []
        for table in meta.sorted_tables:  # parents before children (foreign keys)
            name = table.name
            if name not in tables or name not in source:
                continue  # a table the backup or this version does not have
            columns, rows = source[name]()
            keep = [(i, table.c[c]) for i, c in enumerate(columns) if c in table.c]
            batch = []
            for row in rows:
                batch.append({col.name: _from_json(col, row[i]) for i, col in keep})
                if name == "works":
                    new_ids.append(batch[-1]["id"])
                if len(batch) >= 1000:
                    conn.execute(table.insert(), batch)
                    batch = []
            if batch:
                conn.execute(table.insert(), batch)
        if engine.dialect.name == "postgresql":
            for table in tables.values():
                for col in table.primary_key.columns:
                    if isinstance(col.type, sa.Integer) and col.autoincrement in (True, "auto") \
                            and len(table.primary_key.columns) == 1:
                        conn.execute(sa.text(
                            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{col.name}'), "
                            f"COALESCE((SELECT MAX(\"{col.name}\") FROM \"{table.name}\"), 0) + 1, false)"))
        _forget_consumers(conn)
        ids = sorted(set(new_ids) | set(old_ids))
        if ids:
            OutboxStore.enqueue_changes(conn, ids, time.time())
