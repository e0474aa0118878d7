"""The rows of bundles made or taken in, the keys this library trusts, and what light videos need."""

from __future__ import annotations

import sqlalchemy as sa

from ..tables import bundle_log, trusted_keys
from .base import Base


class BundlesStore(Base):

    def exported_bundles(self, library_id: str) -> list[tuple[str, str]]:
        """``(bundle_id, created)`` of the bundles this library exported, newest first."""
        with self.engine.connect() as conn:
            return [(r.bundle_id, r.created) for r in conn.execute(sa.select(bundle_log.c.bundle_id, bundle_log.c.created).where(
                bundle_log.c.direction == "export", bundle_log.c.library_id == library_id)
                .order_by(bundle_log.c.at.desc()))]

    def has_bundle(self, bundle_id: str, direction: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(bundle_log.c.bundle_id).where(
                bundle_log.c.bundle_id == bundle_id, bundle_log.c.direction == direction)).first() is not None

    def log_bundle(self, bundle_id: str, direction: str, library_id: str, created: str, summary: dict,
                   now: float, conn=None) -> None:
        """Remember a bundle made here (``export``) or taken in (``import``), once.

        :param conn: the caller's transaction (the import's, so the works and their log commit together).
        """
        if conn is None:
            with self.engine.begin() as conn:
                return self.log_bundle(bundle_id, direction, library_id, created, summary, now, conn)
        if conn.execute(sa.select(bundle_log.c.bundle_id).where(
                bundle_log.c.bundle_id == bundle_id, bundle_log.c.direction == direction)).first() is None:
            conn.execute(bundle_log.insert().values(bundle_id=bundle_id, direction=direction, library_id=library_id,
                                                    created=created, at=now, summary=summary))

    def trust_key(self, public_key: str, name: str | None, now: float) -> bool:
        """Trust a key; False if it was trusted already (its name is then updated, when given)."""
        with self.engine.begin() as conn:
            found = conn.execute(sa.select(trusted_keys.c.public_key)
                                 .where(trusted_keys.c.public_key == public_key)).first()
            if found:
                if name is not None:
                    conn.execute(trusted_keys.update().where(trusted_keys.c.public_key == public_key)
                                 .values(name=name))
                return False
            conn.execute(trusted_keys.insert().values(public_key=public_key, name=name, added_at=now))
            return True

    def trusted_keys(self) -> list[tuple[str, str | None]]:
        """Every trusted key with its name, oldest first."""
        with self.engine.connect() as conn:
            return [(r.public_key, r.name) for r in conn.execute(
                sa.select(trusted_keys).order_by(trusted_keys.c.added_at, trusted_keys.c.public_key))]

    def is_trusted_key(self, public_key: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(trusted_keys.c.public_key)
                                .where(trusted_keys.c.public_key == public_key)).first() is not None
