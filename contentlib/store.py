"""The repository over the tables of ``contentlib.tables``: one ``Store`` object, its methods per area.

The database is the source of truth. Every change to a work writes a row to
the ``outbox`` in the same transaction; each search index follows it with its
own cursor, so any number of indexes can be brought up to date (or rebuilt) from here.
SQLite is the embedded default (WAL, busy timeout); any SQLAlchemy URL works.

The methods live in ``contentlib/storage/`` (works, outbox, vocabulary, workflow, glossary,
lists, accounts, ...); services call them and run no SQL of their own.
"""

from __future__ import annotations

import sqlalchemy as sa

from .storage.accounts import AccountsStore
from .storage.bundles import BundlesStore
from .storage.coverage import CoverageStore
from .storage.engine import make_engine, setup_lock, upgrade
from .storage.glossary import GlossaryStore
from .storage.interface import InterfaceStringsStore
from .storage.jobs import JobsStore
from .storage.lexicon import LexiconStore
from .storage.listing import ListingStore
from .storage.lists import ListsStore
from .storage.oai import OaiStore
from .storage.outbox import OUTBOX_LOCK, OutboxStore
from .storage.reports import ReportsStore
from .storage.settings import SettingsStore
from .storage.translation import TranslationStore
from .storage.usage import UsageStore
from .storage.vocabulary import VocabularyStore
from .storage.workflow import WorkflowStore
from .storage.works import WorksStore
from .tables import (
    creators,
    deleted_works,
    jobs,
    media,
    metadata,
    outbox,
    outbox_consumers,
    version_history,
    version_origins,
    versions,
    vocabulary_terms,
    work_terms,
    works,
)

__all__ = ["Store", "make_engine", "setup_lock", "upgrade", "OUTBOX_LOCK", "metadata", "creators", "deleted_works",
           "jobs", "media", "outbox", "outbox_consumers", "version_history", "version_origins", "versions",
           "vocabulary_terms", "work_terms", "works"]


class Store(WorksStore, OutboxStore, VocabularyStore, WorkflowStore, GlossaryStore, ListsStore, AccountsStore,
            CoverageStore, ListingStore, JobsStore, InterfaceStringsStore, UsageStore, ReportsStore, OaiStore,
            BundlesStore, LexiconStore, SettingsStore, TranslationStore):
    """The repository: loads and saves whole works, in transactions; each area's methods come from
    ``contentlib.storage``."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine

    @classmethod
    def from_url(cls, url: str, migrate: bool = True, **timeouts) -> Store:
        """Open the database; with ``migrate``, bring its schema and shipped vocabulary up to date.

        Setup runs one process at a time (``setup_lock``), so any number of
        processes may start together on a fresh home.

        :param timeouts: ``connect_timeout`` and ``statement_timeout`` in seconds (``make_engine``).
        """
        engine = make_engine(url, **timeouts)
        store = cls(engine)
        if migrate:
            with setup_lock(engine):
                upgrade(engine)
                store.seed_generations("vocabulary", "glossary")
                store.seed_vocabulary()
        return store

    def close(self) -> None:
        self.engine.dispose()

    def ping(self) -> None:
        """Raise unless the database answers."""
        with self.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
