"""Tables of bundles: the keys this library trusts, and the bundles it made or took in.

They share ``contentlib.store.metadata``; migration ``0003d_bundles`` creates them.
"""

from __future__ import annotations

import sqlalchemy as sa

from contentlib.store import metadata

# Public keys (base64 of the raw 32-byte Ed25519 key) of libraries whose bundles are accepted.
trusted_keys = sa.Table(
    "trusted_keys", metadata,
    sa.Column("public_key", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text),
    sa.Column("added_at", sa.Float, nullable=False),
)

# Bundles made here ('export') or imported here ('import'): the previous-bundle chain and idempotence.
bundle_log = sa.Table(
    "bundle_log", metadata,
    sa.Column("bundle_id", sa.String(64), primary_key=True),
    sa.Column("direction", sa.String(8), primary_key=True),
    sa.Column("library_id", sa.String(64), nullable=False, index=True),
    sa.Column("created", sa.String(40), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("summary", sa.JSON, nullable=False),
)
