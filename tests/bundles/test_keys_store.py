"""Trusted keys and the bundle log on both database backends, and the identity file."""

from __future__ import annotations

import datetime as dt
import stat
import threading

import pytest

from contentlib import keys
from contentlib.bundles import export, importer
from contentlib.errors import InvalidRecord


def test_trusted_keys_and_the_bundle_log_on_each_backend(store, tmp_path):
    me = keys.identity(tmp_path / "home", "县科技馆")
    assert keys.trust(store, me.public_key, "county") is True
    assert keys.trust(store, me.public_key, "县科技馆") is False  # once; the name is updated
    assert keys.trusted(store) == [(me.public_key, "县科技馆")] and keys.is_trusted(store, me.public_key)
    with pytest.raises(InvalidRecord):
        keys.trust(store, "AAAA", None)
    manifest = {"bundle_id": "b1", "library": {"id": me.id}, "created": "2026-11-01T08:00:00Z",
                "counts": {"works": 0}, "selection": {}, "light": False}
    export.log_export(store, manifest)
    assert export.previous_bundle(store, me.id, dt.date(2026, 11, 2)) == "b1"
    assert export.previous_bundle(store, me.id, dt.date(2026, 10, 31)) is None
    assert export.previous_bundle(store, me.id, None) is None
    assert not importer.already_imported(store, "b1")


def test_signatures_verify_only_for_the_exact_bytes(tmp_path):
    me = keys.identity(tmp_path)
    sig = me.sign(b"manifest")
    assert keys.verify(me.public_key, b"manifest", sig)
    assert not keys.verify(me.public_key, b"manifest ", sig)
    assert not keys.verify(keys.identity(tmp_path / "other").public_key, b"manifest", sig)


def test_the_identity_is_made_once_even_when_processes_race(tmp_path):
    found = []
    threads = [threading.Thread(target=lambda: found.append(keys.identity(tmp_path).public_key)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(found)) == 1
    assert stat.S_IMODE((tmp_path / keys.KEY_FILE).stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [keys.KEY_FILE]  # no temporary file left
