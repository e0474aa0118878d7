"""Every change to an interface string (who, when, the text before and after), in the change's transaction.

Revision ID: 0004c
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0004c"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "interface_string_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("locale", sa.String(16), nullable=False),
        sa.Column("msgid", sa.Text, nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON, nullable=False),
    )
    op.create_index("ix_interface_string_history_locale", "interface_string_history", ["locale"])


def downgrade():
    op.drop_index("ix_interface_string_history_locale", "interface_string_history")
    op.drop_table("interface_string_history")
