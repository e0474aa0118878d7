"""An outbox many indexes can follow (a sequence, consumers with cursors) and a jobs table.

Revision ID: 0003c
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003c"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbox",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("work_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sqlite_autoincrement=True,  # never reuse a number, even after pruning
    )
    op.create_table(
        "outbox_consumers",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("heartbeat", sa.Float, nullable=False),
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("claimed_by", sa.String(100)),
        sa.Column("claimed_at", sa.Float),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_jobs_state", "jobs", ["state", "id"])
    # Changes not yet applied by the old single indexer carry over, in order.
    op.execute("INSERT INTO outbox (work_id, created_at) SELECT work_id, created_at FROM search_outbox ORDER BY id")
    op.drop_table("search_outbox")


def downgrade():
    op.create_table(
        "search_outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("work_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.execute("INSERT INTO search_outbox (work_id, created_at) SELECT work_id, created_at FROM outbox ORDER BY seq")
    op.drop_index("ix_jobs_state", "jobs")
    op.drop_table("jobs")
    op.drop_table("outbox_consumers")
    op.drop_table("outbox")
