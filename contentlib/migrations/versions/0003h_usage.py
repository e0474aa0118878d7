"""Use counts: this library's per day, other libraries' per month, and the libraries themselves.

Revision ID: 0003h
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003h"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "usage_daily",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("work_id", sa.String(64), primary_key=True),
        sa.Column("lang", sa.String(8), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("count", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "usage_imported",
        sa.Column("library_id", sa.String(64), primary_key=True),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("work_id", sa.String(64), primary_key=True),
        sa.Column("lang", sa.String(8), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("count", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "usage_libraries",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("local", sa.Boolean, nullable=False),
        sa.Column("period_from", sa.String(7)),
        sa.Column("period_to", sa.String(7)),
        sa.Column("imported_at", sa.Float),
    )


def downgrade():
    for name in ("usage_libraries", "usage_imported", "usage_daily"):
        op.drop_table(name)
