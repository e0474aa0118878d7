"""The rows of interface strings editors confirmed, one per (locale, msgid), and the history of each change."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from ..tables import interface_string_history, interface_strings
from .base import Base


class InterfaceStringsStore(Base):

    def confirmed_strings(self, locale: str) -> Sequence[sa.Row]:
        """Every confirmed row of ``locale`` (msgid, forms, confirmed_by, confirmed_at)."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(interface_strings).where(interface_strings.c.locale == locale)).all()

    def confirmed_stamp(self, locale: str) -> tuple:
        """``(count, newest confirmed_at)`` of ``locale``'s confirmed strings."""
        with self.engine.connect() as conn:
            return tuple(conn.execute(sa.select(sa.func.count(), sa.func.max(interface_strings.c.confirmed_at))
                                      .where(interface_strings.c.locale == locale)).one())

    def put_confirmed_string(self, locale: str, msgid: str, forms: list, confirmed_by: str, confirmed_at: float):
        """Insert or replace one confirmed string, and its history row in the same transaction."""
        row = {"forms": list(forms), "confirmed_by": confirmed_by, "confirmed_at": confirmed_at}
        with self.engine.begin() as conn:
            key = (interface_strings.c.locale == locale) & (interface_strings.c.msgid == msgid)
            before = conn.execute(sa.select(interface_strings.c.forms).where(key)).first()
            if before is not None:
                conn.execute(interface_strings.update().where(key).values(**row))
            else:
                conn.execute(interface_strings.insert().values(locale=locale, msgid=msgid, **row))
            conn.execute(interface_string_history.insert().values(
                locale=locale, msgid=msgid, at=confirmed_at, actor=confirmed_by,
                before=None if before is None else list(before.forms), after=list(forms)))

    def interface_history_rows(self, locale: str, msgid: str | None = None) -> Sequence[sa.Row]:
        """The changes to ``locale``'s strings (or to one of them), oldest first."""
        q = sa.select(interface_string_history).where(interface_string_history.c.locale == locale)
        if msgid is not None:
            q = q.where(interface_string_history.c.msgid == msgid)
        with self.engine.connect() as conn:
            return conn.execute(q.order_by(interface_string_history.c.id)).all()
