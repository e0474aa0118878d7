"""The interface strings editors have confirmed or corrected; migration ``0003g`` creates the table.

One row per (locale, msgid): ``forms`` holds the translation (one string, or one per plural form).
"""

from __future__ import annotations

import sqlalchemy as sa

from .store import metadata

interface_strings = sa.Table(
    "interface_strings", metadata,
    sa.Column("locale", sa.String(16), primary_key=True),
    sa.Column("msgid", sa.Text, primary_key=True),
    sa.Column("forms", sa.JSON, nullable=False),
    sa.Column("confirmed_by", sa.String(64), nullable=False),
    sa.Column("confirmed_at", sa.Float, nullable=False),
)
