"""The rows of the settings table: one value per key (``contentlib.site`` holds the rules)."""

from __future__ import annotations

import sqlalchemy as sa

from ..tables import settings
from .base import Base


class SettingsStore(Base):

    def stored_settings(self) -> dict[str, str]:
        """Every stored setting, ``{key: value}``."""
        with self.engine.connect() as conn:
            return {r.key: r.value for r in conn.execute(sa.select(settings.c.key, settings.c.value))}

    def put_settings(self, values: dict[str, str | None], now: float) -> None:
        """Store each value under its key (``None`` removes it), all in one transaction."""
        with self.engine.begin() as conn:
            for key, value in values.items():
                conn.execute(settings.delete().where(settings.c.key == key))
                if value is not None:
                    conn.execute(settings.insert().values(key=key, value=value, updated_at=now))

    def setting_once(self, key: str, value: str, now: float) -> str:
        """The value stored under ``key``, storing ``value`` first when there is none.

        Processes starting together may race: the first insert wins and every one returns it.
        """
        try:
            with self.engine.begin() as conn:
                row = conn.execute(sa.select(settings.c.value).where(settings.c.key == key)).first()
                if row is not None:
                    return row.value
                conn.execute(settings.insert().values(key=key, value=value, updated_at=now))
                return value
        except sa.exc.IntegrityError:  # another process stored it between our read and our insert
            with self.engine.connect() as conn:
                return conn.execute(sa.select(settings.c.value).where(settings.c.key == key)).scalar_one()
