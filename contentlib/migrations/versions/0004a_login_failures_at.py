"""Failed logins by time: pruning the old ones deletes by an index, not by reading the whole table.

Revision ID: 0004a
Revises: 0002
"""
from alembic import op

revision = "0004a"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_login_failures_at", "login_failures", ["at"])


def downgrade():
    op.drop_index("ix_login_failures_at", table_name="login_failures")
