"""The Alembic migrations build exactly the tables the code declares, and 0001 databases upgrade."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from contentlib.store import Store, make_engine, metadata


def _upgrade_to(engine, revision):
    from pathlib import Path

    from alembic import command
    from alembic.config import Config

    import contentlib.store

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(contentlib.store.__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def test_migrated_schema_matches_the_declared_tables(tmp_path):
    store = Store.from_url(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    store.close()
    assert diff == []


def test_a_0001_database_upgrades_and_keeps_its_works(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    engine = make_engine(url)
    _upgrade_to(engine, "0001")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO works (id, type, added, updated_at) VALUES ('w', 'book', 1, 0)"))
    engine.dispose()
    store = Store.from_url(url)
    assert store.has_work("w")
    with store.engine.connect() as conn:
        names = set(sa.inspect(conn).get_table_names())
    assert {"users", "login_failures", "version_editors", "version_history", "glossary", "work_lists",
            "work_list_items"} <= names
    store.close()
