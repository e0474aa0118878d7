"""The translation workbench: segment drafts, reviewers' segment comments, and the translation memory.

Revision ID: 0004h
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0004h"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "translation_segments",
        sa.Column("work_id", sa.String(64), sa.ForeignKey("works.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("lang", sa.String(8), primary_key=True),
        sa.Column("sid", sa.String(80), primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("done", sa.Boolean, nullable=False),
        sa.Column("updated_by", sa.String(64)),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_table(
        "translation_comments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("work_id", sa.String(64), sa.ForeignKey("works.id", ondelete="CASCADE"), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("sid", sa.String(80), nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_index("ix_translation_comments_version", "translation_comments", ["work_id", "lang"])
    op.create_table(
        "memory_sources",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("norm", sa.Text, nullable=False),
        sa.Column("norm_hash", sa.BigInteger, nullable=False),
        sa.Column("length", sa.Integer, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_memory_sources_norm_hash", "memory_sources", ["norm_hash"])
    op.create_table(
        "memory_pairs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("source_lang", sa.String(8), nullable=False),
        sa.Column("target_lang", sa.String(8), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("work_id", sa.String(64), nullable=False),
    )
    op.create_index("ix_memory_pairs_source_id", "memory_pairs", ["source_id"])
    op.create_index("ix_memory_pairs_work_id", "memory_pairs", ["work_id"])


def downgrade():
    for name in ("memory_pairs", "memory_sources", "translation_comments", "translation_segments"):
        op.drop_table(name)
