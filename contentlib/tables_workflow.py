"""Tables of the translation workflow: accounts, version history, glossary, teachers' lists.

They share ``contentlib.store.metadata``; migration ``0002_workflow`` creates them.
"""

from __future__ import annotations

import sqlalchemy as sa

from .store import metadata

users = sa.Table(
    "users", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("token_hash", sa.String(64), unique=True),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", sa.Float, nullable=False),
    # Bumped on logout (and when an account is disabled): sessions carry it and stop matching.
    sa.Column("session_generation", sa.Integer, nullable=False, server_default="0", default=0),
)

login_failures = sa.Table(
    "login_failures", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(200), nullable=False, index=True),
    sa.Column("at", sa.Float, nullable=False),
)

# Everyone who edited the working version of (work, lang) since it was last published.
version_editors = sa.Table(
    "version_editors", metadata,
    sa.Column("work_id", sa.String(64), primary_key=True),
    sa.Column("lang", sa.String(8), primary_key=True),
    sa.Column("user", sa.String(64), primary_key=True),
)

version_history = sa.Table(
    "version_history", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("work_id", sa.String(64), nullable=False, index=True),
    sa.Column("lang", sa.String(8), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("actor", sa.String(64)),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("from_state", sa.String(16)),
    sa.Column("to_state", sa.String(16)),
    sa.Column("changes", sa.JSON, nullable=False),
    sa.Column("comment", sa.Text),
)

glossary = sa.Table(
    "glossary", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("zh", sa.Text, nullable=False),
    sa.Column("bo", sa.Text, nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("updated_by", sa.String(64)),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.UniqueConstraint("zh", "bo", name="uq_glossary_pair"),
)

work_lists = sa.Table(
    "work_lists", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("owner", sa.String(64), nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("token", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.Float, nullable=False),
)

work_list_items = sa.Table(
    "work_list_items", metadata,
    sa.Column("list_id", sa.Integer, sa.ForeignKey("work_lists.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("work_id", sa.String(64), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
)
