"""The rows of the versions' workflow: working drafts, their editors, history and draft files.

Each method that changes something takes the ``conn`` of the caller's transaction, so one
workflow step (text, editors, history, outbox) commits as one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ..errors import WorkNotFound
from ..model import PUBLISHED, MediaEntry
from ..tables import media, version_editors, version_history, versions, works
from .base import Base


class WorkflowStore(Base):

    if TYPE_CHECKING:  # from OutboxStore, TranslationStore and WorksStore, beside this one in the Store
        @staticmethod
        def enqueue_changes(conn, ids, now) -> None: ...

        @staticmethod
        def clear_segments(conn, work_id: str, lang: str) -> None: ...

        @staticmethod
        def mark_edited(conn, work_id: str, lang: str, now: float) -> None: ...

    def version_rows(self, conn, work_id: str, lang: str):
        """The ``public`` and ``working`` rows of one language version (either may be None) and its editors.

        ``conn`` is the caller's transaction, or None to read on a connection of its own.

        :raises WorkNotFound: for an unknown work.
        """
        with self._reading(conn) as conn:
            if conn.execute(sa.select(works.c.id).where(works.c.id == work_id)).first() is None:
                raise WorkNotFound(work_id)
            rows = {r.slot: r for r in conn.execute(sa.select(versions).where(
                versions.c.work_id == work_id, versions.c.lang == lang))}
            editors = sorted(conn.execute(sa.select(version_editors.c.user).where(
                version_editors.c.work_id == work_id, version_editors.c.lang == lang)).scalars())
        return rows.get("public"), rows.get("working"), editors

    def write_working(self, conn, work_id: str, lang: str, values: dict, new: bool) -> None:
        """Insert (``new``) or update the working row of a version with ``values``."""
        if new:
            conn.execute(versions.insert().values(work_id=work_id, lang=lang, slot="working", review_comment=None,
                                                  **values))
        else:
            conn.execute(versions.update().where(versions.c.work_id == work_id, versions.c.lang == lang,
                                                 versions.c.slot == "working").values(**values))

    def add_editor(self, conn, work_id: str, lang: str, user: str) -> None:
        conn.execute(version_editors.insert().values(work_id=work_id, lang=lang, user=user))

    def set_working_state(self, conn, work_id: str, lang: str, state: str, review_comment: str | None) -> None:
        conn.execute(versions.update().where(versions.c.work_id == work_id, versions.c.lang == lang,
                                             versions.c.slot == "working")
                     .values(state=state, review_comment=review_comment))

    def publish_working(self, conn, work_id: str, lang: str, now: float) -> None:
        """The working version replaces the public one, with its draft files; its editors are forgotten.

        The version is marked as an editor's, so a later import keeps it (spec: import rules).
        """
        where = (versions.c.work_id == work_id, versions.c.lang == lang)
        conn.execute(versions.delete().where(*where, versions.c.slot == "public"))
        conn.execute(versions.update().where(*where, versions.c.slot == "working").values(
            slot="public", state=PUBLISHED, review_comment=None))
        conn.execute(version_editors.delete().where(version_editors.c.work_id == work_id,
                                                    version_editors.c.lang == lang))
        rows = conn.execute(sa.select(media.c.position, media.c.info, media.c.sha256).where(
            media.c.work_id == work_id, media.c.lang == lang).with_for_update()).all()  # see set_media_renditions
        replaced = {(info or {}).get("replaces") for _, info, _ in rows if (info or {}).get("draft")} - {None}
        for position, info, sha256 in rows:
            if (info or {}).get("draft"):
                conn.execute(media.update().where(media.c.work_id == work_id, media.c.position == position)
                             .values(info={k: v for k, v in info.items() if k != "draft"}))
            elif sha256 in replaced:  # a track the workbench made anew from the same source track
                conn.execute(media.delete().where(media.c.work_id == work_id, media.c.position == position))
        self.clear_segments(conn, work_id, lang)
        self.mark_edited(conn, work_id, lang, now)

    def record_step(self, conn, work_id: str, lang: str, actor: str | None, action: str, before: str, after: str,
                    changes: dict | None, comment: str | None, now: float) -> None:
        """A history row, the work's new ``updated_at`` and its outbox row: the end of every workflow step."""
        conn.execute(version_history.insert().values(
            work_id=work_id, lang=lang, at=now, actor=actor, action=action,
            from_state=before, to_state=after, changes=changes or {}, comment=comment))
        conn.execute(works.update().where(works.c.id == work_id).values(updated_at=now))
        self.enqueue_changes(conn, [work_id], now)

    def add_draft_media(self, conn, work_id: str, lang: str, entry: MediaEntry, info: dict) -> int:
        """Append a media entry to a work (with ``info`` as given); return its position."""
        last = conn.execute(sa.select(sa.func.max(media.c.position)).where(media.c.work_id == work_id)).scalar()
        position = 0 if last is None else last + 1
        conn.execute(media.insert().values(
            work_id=work_id, position=position, path=entry.path, role=entry.role, lang=lang, sha256=entry.sha256,
            size=entry.size, content_type=entry.content_type, original_name=entry.original_name, info=info))
        return position

    def drop_draft_media(self, conn, work_id: str, positions) -> None:
        """Remove draft media entries (files uploaded for a version not yet approved) at ``positions``."""
        for position in positions:
            row = conn.execute(sa.select(media.c.info).where(media.c.work_id == work_id,
                                                             media.c.position == position)).first()
            if row is not None and (row.info or {}).get("draft"):  # never a published file
                conn.execute(media.delete().where(media.c.work_id == work_id, media.c.position == position))

    def history_rows(self, work_id: str) -> Sequence[sa.Row]:
        """Every history row of a work, oldest first.

        :raises WorkNotFound: for an unknown work.
        """
        with self.engine.connect() as conn:
            if conn.execute(sa.select(works.c.id).where(works.c.id == work_id)).first() is None:
                raise WorkNotFound(work_id)
            return conn.execute(sa.select(version_history).where(version_history.c.work_id == work_id)
                                .order_by(version_history.c.id)).all()

    def working_rows(self, states, limit: int) -> tuple[Sequence[sa.Row], dict]:
        """Working versions in ``states``, newest change first, each with the published Chinese title
        as ``source_title``; and every version's editors as ``{(work_id, lang): [user, ...]}``."""
        src = versions.alias("src")
        q = (sa.select(versions, src.c.title.label("source_title"))
             .outerjoin(src, sa.and_(src.c.work_id == versions.c.work_id, src.c.lang == "zh",
                                     src.c.slot == "public"))
             .where(versions.c.slot == "working", versions.c.state.in_(states))
             .order_by(versions.c.updated_at.desc()).limit(limit))
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
            eds: dict = {}
            for e in conn.execute(sa.select(version_editors)):
                eds.setdefault((e.work_id, e.lang), []).append(e.user)
        return rows, eds
