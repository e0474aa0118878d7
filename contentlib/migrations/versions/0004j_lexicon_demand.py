"""The learned lexicon, and unmet searches (asks for a translation are use counts).

Revision ID: 0004j
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0004j"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lexicon_entries",
        sa.Column("direction", sa.String(8), primary_key=True),
        sa.Column("source", sa.String(200), primary_key=True),
        sa.Column("target", sa.String(200), primary_key=True),
        sa.Column("weight", sa.Float, nullable=False),
    )
    op.create_table(
        "lexicon_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("pairs", sa.Integer, nullable=False),
        sa.Column("works", sa.Integer, nullable=False),
        sa.Column("entries", sa.Integer, nullable=False),
        sa.Column("built_at", sa.Float, nullable=False),
        sa.Column("seconds", sa.Float, nullable=False),
    )
    op.create_table(
        "demand_unmet",
        sa.Column("library_id", sa.String(64), primary_key=True),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("lang", sa.String(8), primary_key=True),
        sa.Column("query", sa.String(200), primary_key=True),
        sa.Column("count", sa.BigInteger, nullable=False),
    )


def downgrade():
    for name in ("demand_unmet", "lexicon_state", "lexicon_entries"):
        op.drop_table(name)
