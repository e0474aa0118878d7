"""Generations: a token in the database that changes with every edit of a cached table.

A process caches the vocabulary and the glossary (read on every page and every search);
another process (a second gunicorn worker, a second server, the CLI) may edit them. Every
edit writes a new token for its table in the same transaction (a row of ``settings``,
``generation:<name>``), and a cache reads the token at most every ``CHECK_EVERY`` seconds,
reloading when it changed. So an edit anywhere is seen everywhere within about a second,
for one tiny read a second per process.

The token is random, not a counter: a restored backup, or two edits racing, can never bring
back a value a process still holds for other content.
"""

from __future__ import annotations

import threading
import time
import uuid

import sqlalchemy as sa

from ..tables import settings
from .settings import SettingsStore

CHECK_EVERY = 1.0  # seconds between two looks at a cached table's generation
PREFIX = "generation:"


class Cached:
    """One value cached per process, reloaded when its table's generation changed (looked at ≤ once a second)."""

    def __init__(self, store: GenerationsStore, name: str, load):
        self._store, self._name, self._load = store, name, load
        self._value = None
        self._generation: str | None = None
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def get(self):
        now = time.monotonic()
        if self._value is not None and now - self._checked < CHECK_EVERY:
            return self._value
        with self._lock:
            if self._value is not None and time.monotonic() - self._checked < CHECK_EVERY:
                return self._value
            generation = self._store.table_generation(self._name)  # read before the rows: never new token, old rows
            if self._value is None or generation != self._generation:
                self._value = self._load()
                self._generation = generation
            self._checked = time.monotonic()
            return self._value

    def forget(self) -> None:
        """Reload on the next ``get`` (this process changed the table, or swapped the database)."""
        self._value = None


class GenerationsStore(SettingsStore):
    _table_caches: dict[str, Cached]

    def table_cache(self, name: str, load) -> Cached:
        """This store's cache of ``name`` (made on first use), reloaded with ``load`` when the generation moves."""
        caches = self.__dict__.setdefault("_table_caches", {})
        if name not in caches:
            caches[name] = Cached(self, name, load)
        return caches[name]

    def forget_table_caches(self) -> None:
        """Drop every cached table of this process (the database was swapped under it)."""
        for cache in self.__dict__.get("_table_caches", {}).values():
            cache.forget()

    def seed_generations(self, *names: str) -> None:
        """Store a first token for each name that has none (at setup: later edits then only update the row)."""
        for name in names:
            self.setting_once(PREFIX + name, uuid.uuid4().hex, time.time())

    def table_generation(self, name: str) -> str:
        """The current token of ``name`` (``vocabulary``, ``glossary``); empty before its first edit."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(settings.c.value).where(settings.c.key == PREFIX + name)).scalar() or ""

    def bump_table_generation(self, conn, *names: str) -> None:
        """Give each of ``names`` a new token, inside the caller's transaction (``conn``) that edits the table."""
        now = time.time()
        for name in names:
            token = uuid.uuid4().hex
            key = PREFIX + name
            if not conn.execute(settings.update().where(settings.c.key == key)
                                .values(value=token, updated_at=now)).rowcount:
                conn.execute(settings.insert().values(key=key, value=token, updated_at=now))
