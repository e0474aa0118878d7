"""Bundles: trusted library keys and the log of bundles made and imported.

Revision ID: 0003d
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003d"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "trusted_keys",
        sa.Column("public_key", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text),
        sa.Column("added_at", sa.Float, nullable=False),
    )
    op.create_table(
        "bundle_log",
        sa.Column("bundle_id", sa.String(64), primary_key=True),
        sa.Column("direction", sa.String(8), primary_key=True),
        sa.Column("library_id", sa.String(64), nullable=False),
        sa.Column("created", sa.String(40), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
    )
    op.create_index("ix_bundle_log_library_id", "bundle_log", ["library_id"])


def downgrade():
    op.drop_index("ix_bundle_log_library_id", table_name="bundle_log")
    op.drop_table("bundle_log")
    op.drop_table("trusted_keys")
