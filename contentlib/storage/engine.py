"""Opening the database: the engine (SQLite tuned and kept private), the setup lock, the migrations."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event


def _sqlite_pragmas(dbapi_conn, _record):
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str) -> sa.Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys.

    A SQLite file is created (with its folder) readable by its owner only: it holds password hashes.
    """
    if url.startswith("sqlite"):
        _private_sqlite_file(sa.engine.make_url(url).database)  # with its folder: a first run in a new home
        engine = sa.create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _private_sqlite_file(database: str | None) -> None:
    """Create the database file 0600 before SQLite does (its -wal and -shm files copy that mode)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if p.stat().st_mode & 0o077:
                p.chmod(0o600)
        except (FileNotFoundError, PermissionError):
            pass


# Any 64-bit number, the same in every process: PostgreSQL's lock for the schema setup.
_SETUP_LOCK_ID = 0x636F6E74656E74  # "content"


@contextmanager
def setup_lock(engine: sa.Engine):
    """Hold the database's setup lock: a file lock beside a SQLite file, an advisory lock on PostgreSQL.

    Migrations and seeding check what exists and then create it; two processes
    doing that at once fail ("table works already exists"). Under this lock the
    second one waits and then finds everything done.
    """
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if not database or database == ":memory:" or database.startswith("file:"):
            yield
            return
        fd = os.open(f"{database}.setup-lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock
    elif engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": _SETUP_LOCK_ID})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _SETUP_LOCK_ID})
                conn.commit()
    else:
        yield


def upgrade(engine: sa.Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent.parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")  # every head: features may add sibling revisions off one parent
