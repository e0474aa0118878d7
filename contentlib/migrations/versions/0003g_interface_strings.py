"""Interface strings confirmed by the library's own editors (who, when), over the shipped catalogs.

Revision ID: 0003g
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003g"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "interface_strings",
        sa.Column("locale", sa.String(16), primary_key=True),
        sa.Column("msgid", sa.Text, primary_key=True),
        sa.Column("forms", sa.JSON, nullable=False),
        sa.Column("confirmed_by", sa.String(64), nullable=False),
        sa.Column("confirmed_at", sa.Float, nullable=False),
    )


def downgrade():
    op.drop_table("interface_strings")
