"""Opening the database: the engine (SQLite tuned and kept private), the setup lock, the migrations."""

from __future__ import annotations

import os
from contextlib import contextmanager, suppress
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

from ..errors import DatabaseUnavailable, NoSpace
from ..filelock import file_lock


def _sqlite_pragmas(dbapi_conn, _record):
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str, connect_timeout: float = 5.0, statement_timeout: float = 25.0) -> sa.Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys.

    A SQLite file is created (with its folder) readable by its owner only: it holds password hashes.
    A database that is away, full or read-only raises the domain's errors (``_domain_error``).
    PostgreSQL connections are checked before use (``pool_pre_ping``), so after a restart of
    the server each process reconnects by itself; a connection attempt gives up after
    ``connect_timeout`` seconds and a statement after ``statement_timeout`` (0: never), so a
    request waits for a database in trouble no longer than that.
    """
    if url.startswith("sqlite"):
        _private_sqlite_file(sa.engine.make_url(url).database)  # with its folder: a first run in a new home
        engine = sa.create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = sa.create_engine(url, pool_pre_ping=True, pool_timeout=10,
                                  connect_args=_timeouts(url, connect_timeout, statement_timeout))
    event.listen(engine, "handle_error", _domain_error)
    return engine


def _timeouts(url: str, connect_timeout: float, statement_timeout: float) -> dict:
    """PostgreSQL's connect and statement timeouts, unless the URL sets its own."""
    if not url.startswith("postgresql"):
        return {}
    query = sa.engine.make_url(url).query
    args: dict[str, int | str] = {}
    if connect_timeout and "connect_timeout" not in query:
        args["connect_timeout"] = max(2, int(connect_timeout))  # libpq's least
    if statement_timeout and "options" not in query:
        args["options"] = f"-c statement_timeout={int(statement_timeout * 1000)}"
    return args


# SQLite's result codes (the low byte) that mean "not now" rather than a mistake in the SQL:
# BUSY, LOCKED, READONLY, IOERR, CANTOPEN; and FULL.
_SQLITE_AWAY, _SQLITE_FULL = {5, 6, 8, 10, 14}, 13
_SQLITE_REOPEN = {8, 10, 14}  # a connection that met these may stay read-only: open a fresh one
_PG_DISK_FULL = "53100"


def _disk_full(engine) -> bool:
    """Whether a SQLite file's disk is full: then opening it fails too (its shared-memory file needs room)."""
    database = getattr(getattr(engine, "url", None), "database", None)
    if not database or database == ":memory:" or database.startswith("file:"):
        return False
    try:
        st = os.statvfs(Path(database).parent)
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < 256 * 1024


def _domain_error(ctx):
    """Turn a database that is away, full or read-only into ``DatabaseUnavailable`` or ``NoSpace``.

    PostgreSQL: any operational error (refused or lost connection, shutting down,
    starting up, statement timeout). SQLite: the result codes above. Every other
    error (a constraint, a mistake in the SQL) stays SQLAlchemy's. The pool's own
    check of a connection (pre-ping) is left alone: it reconnects.
    """
    if getattr(ctx, "is_pre_ping", False):
        return None
    err, dbapi = ctx.original_exception, ctx.dialect.loaded_dbapi
    first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    if ctx.dialect.name == "sqlite":
        code = getattr(err, "sqlite_errorcode", None)
        if not isinstance(err, dbapi.OperationalError) or code is None:
            return None
        if code & 0xFF == _SQLITE_FULL or (code & 0xFF in _SQLITE_REOPEN and _disk_full(ctx.engine)):
            return NoSpace(f"the database: no space left on the disk ({first_line})")
        if code & 0xFF in _SQLITE_AWAY:
            if code & 0xFF in _SQLITE_REOPEN:
                ctx.is_disconnect = True
                ctx.invalidate_pool_on_disconnect = False
            return DatabaseUnavailable(f"the database is not available: {first_line}")
        return None
    if getattr(err, "sqlstate", None) == _PG_DISK_FULL:
        return NoSpace(f"the database: {first_line}")
    if ctx.is_disconnect or isinstance(err, (dbapi.OperationalError, dbapi.InterfaceError)):
        return DatabaseUnavailable(f"the database is not available: {first_line}")
    return None


def _private_sqlite_file(database: str | None) -> None:
    """Create the database file 0600 before SQLite does (its -wal and -shm files copy that mode)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
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
        with file_lock(f"{database}.setup-lock"):
            yield
    elif engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(sa.text("SET LOCAL statement_timeout = 0"))  # waiting for another's setup is no hang
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
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SET LOCAL statement_timeout = 0"))  # a migration may rewrite a big table
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")  # every head: features may add sibling revisions off one parent
