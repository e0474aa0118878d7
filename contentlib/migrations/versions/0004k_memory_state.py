"""The translation memory's live window, so that a rebuild writes beside the old memory in short steps.

Revision ID: 0004k
Revises: 0004h
"""
import sqlalchemy as sa
from alembic import op

revision = "0004k"
down_revision = "0004h"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "memory_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("live_from", sa.BigInteger, nullable=False),
        sa.Column("live_to", sa.BigInteger),
    )


def downgrade():
    op.drop_table("memory_state")
