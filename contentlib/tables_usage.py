"""Tables of use counts: this library's own per day, and those county libraries send back.

Only aggregate numbers are kept: a row is (day or month, work, language, kind) and a count.
No visitor identifier, address, cookie or agent is stored anywhere for counting.
Migration ``0003h_usage`` creates them.
"""

from __future__ import annotations

import sqlalchemy as sa

from .store import metadata

# This library's own counts: one row per day, work, language and kind of use.
usage_daily = sa.Table(
    "usage_daily", metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("work_id", sa.String(64), primary_key=True),
    sa.Column("lang", sa.String(8), primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("count", sa.BigInteger, nullable=False),
)

# Counts other libraries exported (``contentlib report export``), per month, under their id.
usage_imported = sa.Table(
    "usage_imported", metadata,
    sa.Column("library_id", sa.String(64), primary_key=True),
    sa.Column("month", sa.String(7), primary_key=True),
    sa.Column("work_id", sa.String(64), primary_key=True),
    sa.Column("lang", sa.String(8), primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("count", sa.BigInteger, nullable=False),
)

# This library (local=True, one row, made on first use) and every library whose counts came in.
usage_libraries = sa.Table(
    "usage_libraries", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("local", sa.Boolean, nullable=False),
    sa.Column("period_from", sa.String(7)),
    sa.Column("period_to", sa.String(7)),
    sa.Column("imported_at", sa.Float),
)
