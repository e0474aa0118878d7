"""Tombstones of deleted works, so harvesters (OAI-PMH) learn of deletions.

Revision ID: 0003e
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003e"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "deleted_works",
        sa.Column("work_id", sa.String(64), primary_key=True),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("subjects", sa.JSON, nullable=False),
        sa.Column("deleted_at", sa.Float, nullable=False, index=True),
    )


def downgrade():
    op.drop_table("deleted_works")
