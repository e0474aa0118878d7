"""Where each published language version last came from: an import or an editor.

An import keeps a version that editors changed here since it was last
imported (``spec/catalog-record.md``, import rules); this table remembers, per
(work, language), when its published text last changed and who changed it.
Existing catalogs are filled from the workflow history: a version whose last
publishing step was an approval is an editor's.

Revision ID: 0003a
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003a"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "version_origins",
        sa.Column("work_id", sa.String(64), primary_key=True),
        sa.Column("lang", sa.String(8), primary_key=True),
        sa.Column("changed_at", sa.Float, nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
    )
    history = sa.table("version_history", sa.column("id"), sa.column("work_id"), sa.column("lang"),
                       sa.column("at"), sa.column("action"))
    conn = op.get_bind()
    last = {}
    for row in conn.execute(sa.select(history.c.work_id, history.c.lang, history.c.at, history.c.action)
                            .where(history.c.action.in_(("approve", "import"))).order_by(history.c.id)):
        last[(row.work_id, row.lang)] = row
    rows = [{"work_id": w, "lang": lang, "changed_at": r.at, "source": "editor"}
            for (w, lang), r in last.items() if r.action == "approve"]
    if rows:
        op.bulk_insert(table, rows)


def downgrade():
    op.drop_table("version_origins")
