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
                    pytest.fail(f"PostgreSQL database {parsed.database} is missing and cannot be created ({exc.orig}); "
                                f"create it, or ALTER ROLE {parsed.username} CREATEDB (.ci/run does)")
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


def _empty_postgres() -> str:
    """The PostgreSQL test database, emptied (the test is skipped when there is none)."""
    if not POSTGRES_URL:
        if os.environ.get("CONTENTLIB_REQUIRE_POSTGRES"):
            pytest.fail("CONTENTLIB_TEST_POSTGRES_URL is not set")
        pytest.skip("no PostgreSQL server (set CONTENTLIB_TEST_POSTGRES_URL)")
    _clean_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A database URL for an empty catalog: SQLite always, PostgreSQL when CI provides one."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'catalog.db'}"
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


@pytest.fixture
def users(app):
    """One user per role, named after it, plus a second editor; all with ``PASSWORD``."""
    from contentlib import accounts

    store = app.extensions["contentlib"].store
    for role in ROLES:
        accounts.create_user(store, role, role, PASSWORD)
    accounts.create_user(store, "editor2", "editor", PASSWORD)
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
