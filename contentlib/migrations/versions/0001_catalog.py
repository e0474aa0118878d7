"""The catalog: works, language versions, terms, creators, media, vocabulary, search outbox.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "works",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("type", sa.String(16), nullable=False, index=True),
        sa.Column("year", sa.Integer),
        sa.Column("duration_seconds", sa.Integer),
        sa.Column("pages", sa.Integer),
        sa.Column("license", sa.Text),
        sa.Column("attribution", sa.Text),
        sa.Column("source_url", sa.Text),
        sa.Column("added", sa.BigInteger, nullable=False, index=True),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("work_id", sa.String(64), sa.ForeignKey("works.id", ondelete="CASCADE"), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("slot", sa.String(8), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("description", sa.Text),
        sa.Column("keywords", sa.JSON, nullable=False),
        sa.Column("updated_by", sa.String(64)),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.Column("review_comment", sa.Text),
        sa.UniqueConstraint("work_id", "lang", "slot", name="uq_versions_slot"),
    )
    op.create_table(
        "work_terms",
        sa.Column("work_id", sa.String(64), sa.ForeignKey("works.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("scheme", sa.String(16), primary_key=True),
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("ix_work_terms_code", "work_terms", ["scheme", "code"])
    op.create_table(
        "creators",
        sa.Column("work_id", sa.String(64), sa.ForeignKey("works.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("name", sa.JSON, nullable=False),
    )
    op.create_table(
        "media",
        sa.Column("work_id", sa.String(64), sa.ForeignKey("works.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("lang", sa.String(8)),
        sa.Column("sha256", sa.String(64), nullable=False, index=True),
        sa.Column("size", sa.BigInteger),
        sa.Column("content_type", sa.String(100)),
        sa.Column("original_name", sa.Text),
        sa.Column("info", sa.JSON, nullable=False),
    )
    op.create_table(
        "vocabulary_terms",
        sa.Column("scheme", sa.String(16), primary_key=True),
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("labels", sa.JSON, nullable=False),
    )
    op.create_table(
        "search_outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("work_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )


def downgrade():
    for name in ("search_outbox", "vocabulary_terms", "media", "creators", "work_terms", "versions", "works"):
        op.drop_table(name)
