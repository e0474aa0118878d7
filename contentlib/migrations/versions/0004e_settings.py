"""Settings kept in the database: the library's name and id, its public address.

Revision ID: 0004e
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0004e"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )


def downgrade():
    op.drop_table("settings")
