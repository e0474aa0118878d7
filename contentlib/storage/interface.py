"""The rows of interface strings editors confirmed, one per (locale, msgid)."""

from __future__ import annotations

import sqlalchemy as sa

from ..tables import interface_strings
from .base import Base


class InterfaceStringsStore(Base):

    def confirmed_strings(self, locale: str) -> list:
        """Every confirmed row of ``locale`` (msgid, forms, confirmed_by, confirmed_at)."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(interface_strings).where(interface_strings.c.locale == locale)).all()

    def confirmed_stamp(self, locale: str) -> tuple:
        """``(count, newest confirmed_at)`` of ``locale``'s confirmed strings."""
        with self.engine.connect() as conn:
            return tuple(conn.execute(sa.select(sa.func.count(), sa.func.max(interface_strings.c.confirmed_at))
                                      .where(interface_strings.c.locale == locale)).one())

    def put_confirmed_string(self, locale: str, msgid: str, forms: list, confirmed_by: str, confirmed_at: float):
        """Insert or replace one confirmed string."""
        row = {"forms": list(forms), "confirmed_by": confirmed_by, "confirmed_at": confirmed_at}
        with self.engine.begin() as conn:
            key = (interface_strings.c.locale == locale) & (interface_strings.c.msgid == msgid)
            if conn.execute(sa.select(interface_strings.c.msgid).where(key)).first():
                conn.execute(interface_strings.update().where(key).values(**row))
            else:
                conn.execute(interface_strings.insert().values(locale=locale, msgid=msgid, **row))
