"""Shared fixtures: a temporary home, the app, its test client and CLI runner."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
# Real bilingual works for tests that want more than a handful: every fourth work of the
# developers' eval-dev catalog, shipped here with its licence (data/ATTRIBUTION.md).
EVAL_SAMPLE = DATA / "eval_sample.jsonl"
# The developers' ../shared (CONTENTLIB_SHARED names it elsewhere): this is the one way a test
# could reach it, and none does, so `make test` passes on a clone without it; CI runs the tests
# that once read it with it hidden (.ci/run), and tests/unit/test_self_contained.py keeps it so.
SHARED = Path(os.environ.get("CONTENTLIB_SHARED") or Path(__file__).resolve().parents[2] / "shared")


def write_jsonl(path: Path, records) -> Path:
    """Write records (dicts, or raw strings for broken lines) as JSON Lines."""
    with open(path, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write((rec if isinstance(rec, str) else json.dumps(rec, ensure_ascii=False)) + "\n")
    return path


def _worker_database(url: str | None) -> str | None:
    """Under pytest-xdist each worker (gw0, gw1, …) gets a database of its own: ``<name>_gw0``, …

    The tests drop and recreate the whole schema, so two workers sharing one database
    would drop each other's tables mid-test.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


POSTGRES_URL = _worker_database(os.environ.get("CONTENTLIB_TEST_POSTGRES_URL"))
# The suite's secret key: a strong one, since the app checks every key (no test switch turns that off).
TEST_SECRET = "suite-only-4fJ9x2Qm7LwZ8rKp3VtB"
_CREATED: set[str] = set()


def _cannot_create(parsed, exc):
    """Fail with what to do when the test role may not create the worker's databases."""
    pytest.fail(f"PostgreSQL database {parsed.database} cannot be created ({exc.orig}); "
                f"ALTER ROLE {parsed.username} CREATEDB and GRANT pg_signal_backend TO {parsed.username} "
                "(.ci/run does)")


def _ensure_database(url):
    """Create the worker's database on first use if the server lacks it (the role needs CREATEDB)."""
    if url in _CREATED:
        return
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    engine = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            found = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}).first()
            if not found:
                try:
                    conn.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
                except sa.exc.ProgrammingError as exc:
                    _cannot_create(parsed, exc)
    finally:
        engine.dispose()
    _CREATED.add(url)


def _clean_postgres(url):
    """Drop every table so each test starts from an empty PostgreSQL database."""
    import sqlalchemy as sa

    _ensure_database(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


_TEMPLATED: set[str] = set()


def _drop(conn, name):
    """Drop database ``name``, ending its connections.

    Without pg_signal_backend the role may not end an autovacuum worker that is on the database
    (PostgreSQL 15 refuses the whole drop); such a worker is done within moments, so try again.
    """
    import time

    import sqlalchemy as sa

    for attempt in range(50):
        try:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except sa.exc.ProgrammingError as exc:
            if "pg_signal_backend" not in str(exc.orig) or attempt == 49:
                raise
            time.sleep(0.1)


def _copy_of_template(url):
    """Make ``url``'s database a fresh copy of a migrated, seeded empty catalog (``<name>_template``).

    The template is migrated once per test process; copying it (``CREATE DATABASE … TEMPLATE``)
    takes about 0.1 s where migrating from nothing takes about 2.
    """
    import time

    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    from contentlib.store import Store

    parsed = make_url(url)
    template = f"{parsed.database}_template"
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if url not in _TEMPLATED:
                _drop(conn, template)
                conn.execute(sa.text(f'CREATE DATABASE "{template}"'))
                Store.from_url(parsed.set(database=template).render_as_string(hide_password=False)).close()
                _TEMPLATED.add(url)
            _drop(conn, parsed.database)
            for attempt in range(50):  # the template's own connections may take a moment to end
                try:
                    conn.execute(sa.text(f'CREATE DATABASE "{parsed.database}" TEMPLATE "{template}"'))
                    break
                except sa.exc.OperationalError:
                    if attempt == 49:
                        raise
                    time.sleep(0.1)
    except sa.exc.ProgrammingError as exc:
        _cannot_create(parsed, exc)
    finally:
        admin.dispose()
    _CREATED.add(url)


def _empty_postgres() -> str:
    """The PostgreSQL test database holding an empty catalog (the test is skipped when there is none)."""
    if not POSTGRES_URL:
        if os.environ.get("CONTENTLIB_REQUIRE_POSTGRES"):
            pytest.fail("CONTENTLIB_TEST_POSTGRES_URL is not set")
        pytest.skip("no PostgreSQL server (set CONTENTLIB_TEST_POSTGRES_URL)")
    _copy_of_template(POSTGRES_URL)
    return POSTGRES_URL


_TEMPLATE: list[Path] = []


def empty_catalog(dest: Path) -> Path:
    """Put an empty catalog at ``dest``: a copy of a SQLite database migrated and seeded once per test process.

    Migrating from nothing costs about half a second, which most tests would pay
    only to begin; ``tests/unit/test_migrations.py`` and the start-up tests still
    migrate from nothing, and a ``home`` alone starts empty.
    """
    if not _TEMPLATE:
        import atexit
        import shutil
        import tempfile

        from contentlib.store import Store

        folder = Path(tempfile.mkdtemp(prefix="contentlib-template-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        Store.from_url(f"sqlite:///{folder / 'contentlib.db'}").close()
        _TEMPLATE.append(folder / "contentlib.db")
    return copy_sqlite(_TEMPLATE[0], dest)


def copy_sqlite(template: Path, dest: Path) -> Path:
    """Copy a SQLite database with SQLite's backup API (whole pages, whatever its journal holds), private as the
    library makes its own."""
    import sqlite3

    dest.parent.mkdir(parents=True, exist_ok=True)
    src, dst = sqlite3.connect(template), sqlite3.connect(dest)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    dest.chmod(0o600)
    return dest


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A database URL for an empty catalog: SQLite always, PostgreSQL when CI provides one."""
    if request.param == "sqlite":
        return f"sqlite:///{empty_catalog(tmp_path / 'catalog.db')}"
    return _empty_postgres()


@pytest.fixture
def store(db_url):
    from contentlib.store import Store

    s = Store.from_url(db_url)
    yield s
    s.close()


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh CONTENTLIB_HOME, so nothing touches the developer's instance/."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("CONTENTLIB_HOME", str(home))
    for name in ("CONTENTLIB_DATABASE_URL", "CONTENTLIB_INDEX_DIR", "CONTENTLIB_MEDIA_DIR"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def app(home, request, monkeypatch):
    """The app on SQLite in ``home``; a test that parametrizes ``app`` indirectly with "postgresql" gets it on
    the PostgreSQL test database (skipped without one)."""
    from catalog import create_app

    if getattr(request, "param", "sqlite") == "postgresql":
        monkeypatch.setenv("CONTENTLIB_DATABASE_URL", _empty_postgres())
    else:
        empty_catalog(home / "contentlib.db")
    app = create_app({"TESTING": True, "CONTENTLIB_SECRET_KEY": TEST_SECRET, "WTF_CSRF_ENABLED": True})
    yield app
    app.extensions["contentlib"].store.close()


@pytest.fixture
def client(app):
    return app.test_client()


class Runner:
    """Invoke the ``contentlib`` command group against the test app."""

    def __init__(self, app):
        self._runner = app.test_cli_runner()

    def invoke(self, args):
        from catalog.cli import cli

        return self._runner.invoke(cli, args=args)


@pytest.fixture
def runner(app):
    return Runner(app)


PASSWORD = "correct horse battery"
ROLES = ("teacher", "editor", "reviewer", "admin")


@pytest.fixture(scope="session")
def password_hash() -> str:
    """``PASSWORD``'s hash, made once: each scrypt hash costs about 0.1 s of a core (tests/unit/test_accounts.py
    makes users the whole way)."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD)


@pytest.fixture
def users(app, password_hash):
    """One user per role, named after it, plus a second editor; all with ``PASSWORD``."""
    import time

    store = app.extensions["contentlib"].store
    for name, role in [(role, role) for role in ROLES] + [("editor2", "editor")]:
        assert store.insert_user(name, role, password_hash, time.time())
    return store


class AuthActions:
    """Log the test client in and out through the real login form, CSRF token included."""

    def __init__(self, client):
        self._client = client

    def csrf(self, path="/login") -> str:
        import re

        page = self._client.get(path).get_data(as_text=True)
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def login(self, name, password=PASSWORD):
        return self._client.post("/login", data={"name": name, "password": password, "csrf_token": self.csrf()})

    def logout(self):
        return self._client.post("/logout", data={"csrf_token": self.csrf("/")})

    def post(self, path, data=None, **kwargs):
        """POST a form with the session's CSRF token."""
        return self._client.post(path, data={**(data or {}), "csrf_token": self.csrf()}, **kwargs)


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def catalog_loaded(app):
    """The app with tests/data/works.jsonl imported and indexed."""
    from contentlib import indexing, records

    res = app.extensions["contentlib"]
    records.import_file(res.store, DATA / "works.jsonl")
    indexing.drain(res.store, res.index)
    return app
