"""The translation workflow: users, login failures, version editors and history, glossary, lists.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("token_hash", sa.String(64), unique=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(200), nullable=False, index=True),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_table(
        "version_editors",
        sa.Column("work_id", sa.String(64), primary_key=True),
        sa.Column("lang", sa.String(8), primary_key=True),
        sa.Column("user", sa.String(64), primary_key=True),
    )
    op.create_table(
        "version_history",
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
    op.create_table(
        "glossary",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("zh", sa.Text, nullable=False),
        sa.Column("bo", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("updated_by", sa.String(64)),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.UniqueConstraint("zh", "bo", name="uq_glossary_pair"),
    )
    op.create_table(
        "work_lists",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("owner", sa.String(64), nullable=False, index=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "work_list_items",
        sa.Column("list_id", sa.Integer, sa.ForeignKey("work_lists.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("work_id", sa.String(64), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
    )


def downgrade():
    for name in ("work_list_items", "work_lists", "glossary", "version_history", "version_editors",
                 "login_failures", "users"):
        op.drop_table(name)
