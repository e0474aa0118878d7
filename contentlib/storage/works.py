"""Whole works: loading, merging imports in, deleting (with tombstones and history), and their media rows.

Every change to a work writes its outbox row in the same transaction (``OutboxStore.enqueue_changes``).
"""

from __future__ import annotations

import functools
import itertools
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import WorkNotFound
from ..merge import EDITOR, IMPORT, Origin, merge, same
from ..model import LANGUAGES, PUBLISHED, SCHEMES, Creator, MediaEntry, Version, Work
from ..tables import creators, deleted_works, media, version_history, version_origins, versions, work_terms, works
from .base import Base

_BATCH = 500


class WorksStore(Base):

    if TYPE_CHECKING:  # from OutboxStore, beside this one in the Store
        @staticmethod
        def enqueue_changes(conn, ids, now) -> None: ...

    # -- reading works ----------------------------------------------------

    def get_work(self, work_id: str, public: bool = True) -> Work:
        """Load one work; ``public=False`` shows working drafts over published text."""
        with self.engine.connect() as conn:
            found = self._load(conn, [work_id], public=public)
        if not found:
            raise WorkNotFound(work_id)
        return found[0]

    def has_work(self, work_id: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(works.c.id).where(works.c.id == work_id)).first() is not None

    def get_works(self, ids, public: bool = True) -> list[Work]:
        """Load several works in the order of ``ids``, skipping unknown ones."""
        ids = list(ids)
        out = []
        with self.engine.connect() as conn:
            for i in range(0, len(ids), _BATCH):
                out += self._load(conn, ids[i:i + _BATCH], public=public)
        return out

    def iter_works(self, public: bool = True, batch: int = _BATCH):
        """Yield every work in id order, a batch at a time (for export and reindex)."""
        last = ""
        while True:
            with self.engine.connect() as conn:
                ids: Sequence[str] = conn.execute(sa.select(works.c.id).where(works.c.id > last)
                                   .order_by(works.c.id).limit(batch)).scalars().all()
                if not ids:
                    return
                yield from self._load(conn, ids, public=public)
            last = ids[-1]

    def all_media_entries(self) -> list[tuple[str, MediaEntry]]:
        """``(work id, entry)`` of every media entry, drafts' uploads included, by work id and position.

        What a start-up scan reads instead of every work: at 100,000 works,
        loading them all kept each serving process from answering for minutes.
        """
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(media).order_by(media.c.work_id, media.c.position)).all()
        return [(m.work_id, _media_entry(m)) for m in rows]

    def work_ids(self) -> Sequence[str]:
        """Every work's id, in id order."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(works.c.id).order_by(works.c.id)).scalars().all()

    def count_works(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(works)).scalar_one()

    def count_by_language(self) -> dict[str, int]:
        """How many works have a published, non-empty title per language."""
        q = (sa.select(versions.c.lang, sa.func.count(sa.distinct(versions.c.work_id)))
             .where(versions.c.slot == "public", versions.c.title.is_not(None), sa.func.trim(versions.c.title) != "")
             .group_by(versions.c.lang))
        with self.engine.connect() as conn:
            counts = {r.lang: r[1] for r in conn.execute(q)}
        return {lang: counts.get(lang, 0) for lang in LANGUAGES}

    def count_by_term(self, scheme: str) -> dict[str, int]:
        q = (sa.select(work_terms.c.code, sa.func.count()).where(work_terms.c.scheme == scheme)
             .group_by(work_terms.c.code))
        with self.engine.connect() as conn:
            return dict(conn.execute(q).all())

    def count_by_type(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return dict(conn.execute(sa.select(works.c.type, sa.func.count()).group_by(works.c.type)).all())

    def list_works(self, scheme: str | None = None, code: str | None = None, type: str | None = None,
                   page: int = 1, per_page: int = 20, order: str = "newest",
                   prefer: tuple[str, ...] = LANGUAGES) -> tuple[list[Work], int]:
        """One page of works, optionally within a term or a type.

        :param order: ``"newest"`` (the default) or ``"title"``: by each work's title in the first
            language of ``prefer`` it has, in that language's dictionary order (Tibetan by root
            letter, Chinese by pinyin; ``collation.sort_key``).
        """
        q = sa.select(works.c.id)
        if scheme is not None:
            q = q.join(work_terms, work_terms.c.work_id == works.c.id).where(
                work_terms.c.scheme == scheme, work_terms.c.code == code)
        if type is not None:
            q = q.where(works.c.type == type)
        with self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(q.subquery())).scalar_one()
            ids: Sequence[str]
            if order == "title":
                ids = self._ids_by_title(conn, q, prefer)[(page - 1) * per_page:page * per_page]
            else:
                ids = conn.execute(q.order_by(works.c.added.desc(), works.c.id)
                                   .limit(per_page).offset((page - 1) * per_page)).scalars().all()
            return self._load(conn, ids), total

    @staticmethod
    def _ids_by_title(conn, q, prefer) -> list[str]:
        """The ids ``q`` selects, sorted by preferred title (in Python: SQL has no Tibetan collation)."""
        titles: dict[str, dict[str, str]] = {}
        rows = conn.execute(sa.select(versions.c.work_id, versions.c.lang, versions.c.title).where(
            versions.c.work_id.in_(q), versions.c.slot == "public"))
        for work_id, lang, title in rows:
            if title and title.strip():
                titles.setdefault(work_id, {})[lang] = title
        order = tuple(prefer) + LANGUAGES
        locale = order[0]

        def key(work_id):
            found = titles.get(work_id, {})
            title = next((found[lang] for lang in order if lang in found), work_id)
            return _title_key(title, locale), work_id

        all_ids = conn.execute(q).scalars().all()
        return sorted(all_ids, key=key)

    def _load(self, conn, ids, public: bool = True, draft_media: bool = False) -> list[Work]:
        if not ids:
            return []
        rows = {r.id: r for r in conn.execute(sa.select(works).where(works.c.id.in_(ids)))}
        built = {
            i: Work(id=r.id, type=r.type, year=r.year, duration_seconds=r.duration_seconds, pages=r.pages,
                    license=r.license, attribution=r.attribution, source_url=r.source_url, added=r.added,
                    updated_at=r.updated_at)
            for i, r in rows.items()
        }
        changed = {(o.work_id, o.lang): o.changed_at for o in conn.execute(
            sa.select(version_origins).where(version_origins.c.work_id.in_(ids)))}
        vq = sa.select(versions).where(versions.c.work_id.in_(ids)).order_by(versions.c.slot.desc())
        for v in conn.execute(vq):  # 'working' sorts before 'public': public wins unless drafts are asked for
            if public and v.slot != "public":
                continue
            if not public and v.lang in built[v.work_id].versions:
                continue
            updated = changed.get((v.work_id, v.lang), v.updated_at) if v.slot == "public" else v.updated_at
            built[v.work_id].versions[v.lang] = Version(v.lang, v.title, v.description, list(v.keywords), v.state,
                                                        updated=updated)
        for w in built.values():  # canonical language order
            w.versions = {lang: w.versions[lang] for lang in LANGUAGES if lang in w.versions}
        for t in conn.execute(sa.select(work_terms).where(work_terms.c.work_id.in_(ids))
                              .order_by(work_terms.c.position)):
            getattr(built[t.work_id], t.scheme).append(t.code)
        for c in conn.execute(sa.select(creators).where(creators.c.work_id.in_(ids)).order_by(creators.c.position)):
            built[c.work_id].creators.append(Creator(dict(c.name), c.role))
        for m in conn.execute(sa.select(media).where(media.c.work_id.in_(ids)).order_by(media.c.position)):
            if public and not draft_media and (m.info or {}).get("draft"):  # uploaded for a version in review
                continue
            built[m.work_id].media.append(_media_entry(m))
        return [built[i] for i in ids if i in built]

    # -- writing works ----------------------------------------------------

    def put_works(self, new_works: Iterable[Work], actor: str | None = None,
                  carried: Mapping[str, frozenset] | None = None, mirror: bool = False, also=None) -> dict:
        """Merge works into the catalog (published text) in one transaction; see ``merge.merge``.

        A work equal to what is stored is left alone, so importing the same
        file twice changes nothing. Drafts beside a published version stay.
        ``new_works`` may be a stream: it is read and written _BATCH works at a
        time, and only their ids are kept (if it raises, nothing is written).

        :param carried: per work id, the fields its record carries (absent: all of them);
            each work's is looked up once, after the work came out of ``new_works``.
        :param mirror: make the catalog equal ``new_works``: every other work, and every
            version and file they do not carry, is removed.
        :param also: called as ``also(conn, counts)`` inside the same transaction, before it
            commits (a bundle's log entry): if it raises, nothing is written.
        :returns: counts of ``created``, ``updated`` and ``unchanged`` works and ``kept``
            versions, plus ``kept_versions`` (``(work id, lang)`` pairs), ``removed`` (work
            ids a mirror deleted) and ``replaced_media``: the sha256 of files no longer named
            (the caller frees those that nothing else references).
        """
        counts: dict[str, Any] = {"created": 0, "updated": 0, "unchanged": 0, "kept": 0}
        kept: list[tuple[str, str]] = []
        replaced: set[str] = set()  # files that updated works no longer name
        removed: list[str] = []
        touched: list[str] = []
        carried = {} if carried is None else carried  # not `or`: a stream's starts empty
        now = time.time()
        with self.transaction() as conn:
            next_added = (conn.execute(sa.select(sa.func.max(works.c.added))).scalar() or 0) + 1
            keep: set[str] = set()  # with mirror: every work's id
            stream = iter(new_works)
            while chunk := list(itertools.islice(stream, _BATCH)):
                ids = [w.id for w in chunk]
                if mirror:
                    keep.update(ids)
                old = {w.id: w for w in self._load(conn, ids, draft_media=True)}  # drafts' files stay
                origins: dict[str, dict[str, Origin]] = {}
                for o in conn.execute(sa.select(version_origins).where(version_origins.c.work_id.in_(ids))):
                    origins.setdefault(o.work_id, {})[o.lang] = Origin(o.changed_at, o.source)
                changed = []
                for w in chunk:
                    before = old.get(w.id)
                    result = merge(before, w, origins.get(w.id, {}), now, carried.get(w.id), mirror)
                    kept += [(w.id, lang) for lang in result.kept]
                    if before is not None and same(before, result.work):
                        counts["unchanged"] += 1
                        continue
                    if before is None:
                        counts["created"] += 1
                        added = next_added
                        next_added += 1
                    else:
                        counts["updated"] += 1
                        added = before.added
                        replaced |= {m.sha256 for m in before.media} - {m.sha256 for m in result.work.media}
                    changed.append((result, added, before is not None))
                self._write(conn, changed, now, actor)
                self._import_history(conn, [(r.work, old.get(r.work.id)) for r, _, _ in changed], now, actor)
                touched += [r.work.id for r, _, _ in changed]
            if mirror:
                removed = [i for i in conn.execute(sa.select(works.c.id).order_by(works.c.id)).scalars()
                           if i not in keep]
                for i in range(0, len(removed), _BATCH):
                    replaced |= self._delete(conn, removed[i:i + _BATCH], now, actor)
            counts.update(kept=len(kept), kept_versions=kept, removed=removed, replaced_media=replaced)
            if also is not None:
                also(conn, counts)
            self.enqueue_changes(conn, touched + removed, now)  # last: it orders outbox writers until commit
        return counts

    def _write(self, conn, changed, now, actor) -> None:
        if not changed:
            return
        existing = [r.work.id for r, _, was in changed if was]
        if existing:
            for table in (work_terms, creators, media):
                conn.execute(table.delete().where(table.c.work_id.in_(existing)))
        for r, _, was in changed:  # only the versions the import rewrites: kept ones stay as they are
            langs = list(r.written) + r.removed
            if was and langs:
                conn.execute(versions.delete().where(versions.c.work_id == r.work.id, versions.c.lang.in_(langs),
                                                     versions.c.slot == "public"))
                conn.execute(version_origins.delete().where(version_origins.c.work_id == r.work.id,
                                                            version_origins.c.lang.in_(langs)))
        # A new work has no versions, so any origin rows under its id are stale: one statement per 500.
        fresh_ids = [r.work.id for r, _, was in changed if not was]
        for i in range(0, len(fresh_ids), 500):
            conn.execute(version_origins.delete().where(version_origins.c.work_id.in_(fresh_ids[i:i + 500])))
        rows = [{"id": r.work.id, "type": r.work.type, "year": r.work.year, "duration_seconds": r.work.duration_seconds,
                 "pages": r.work.pages, "license": r.work.license, "attribution": r.work.attribution,
                 "source_url": r.work.source_url, "added": added, "updated_at": now} for r, added, _ in changed]
        fresh = [row for row, (_, _, was) in zip(rows, changed) if not was]
        if fresh:
            conn.execute(works.insert(), fresh)
        # Update in place: deleting the row would cascade to drafts kept beside the published text.
        for row in (row for row, (_, _, was) in zip(rows, changed) if was):
            conn.execute(works.update().where(works.c.id == row["id"]).values(**row))
        vrows = [{"work_id": r.work.id, "lang": lang, "slot": "public", "state": PUBLISHED, "title": v.title,
                  "description": v.description, "keywords": list(v.keywords), "updated_by": actor,
                  "updated_at": r.written[lang], "review_comment": None}
                 for r, _, _ in changed for lang, v in r.work.versions.items() if lang in r.written]
        if vrows:
            conn.execute(versions.insert(), vrows)
            conn.execute(version_origins.insert(), [{"work_id": v["work_id"], "lang": v["lang"],
                                                     "changed_at": v["updated_at"], "source": IMPORT} for v in vrows])
        trows = [{"work_id": r.work.id, "scheme": s, "code": c, "position": p}
                 for r, _, _ in changed for s in SCHEMES for p, c in enumerate(dict.fromkeys(getattr(r.work, s)))]
        if trows:
            conn.execute(work_terms.insert(), trows)
        crows = [{"work_id": r.work.id, "position": p, "role": c.role, "name": c.name}
                 for r, _, _ in changed for p, c in enumerate(r.work.creators)]
        if crows:
            conn.execute(creators.insert(), crows)
        mrows = [{"work_id": r.work.id, "position": p, "path": m.path, "role": m.role, "lang": m.lang,
                  "sha256": m.sha256, "size": m.size, "content_type": m.content_type,
                  "original_name": m.original_name, "info": m.info or {}}
                 for r, _, _ in changed for p, m in enumerate(r.work.media)]
        if mrows:
            conn.execute(media.insert(), mrows)

    @staticmethod
    def mark_edited(conn, work_id: str, lang: str, now: float) -> None:
        """Record that an editor changed the published ``lang`` version (an import will keep it)."""
        conn.execute(version_origins.delete().where(version_origins.c.work_id == work_id,
                                                    version_origins.c.lang == lang))
        conn.execute(version_origins.insert().values(work_id=work_id, lang=lang, changed_at=now, source=EDITOR))

    @staticmethod
    def _import_history(conn, pairs, now, actor) -> None:
        """Record, per language, what an import changed in published text (the workflow's history)."""
        rows = []
        for new, before in pairs:
            for lang in LANGUAGES:
                a = before.versions.get(lang) if before is not None else None
                b = new.versions.get(lang)
                if a is None and b is None:
                    continue
                old_f = {"title": a.title, "description": a.description, "keywords": list(a.keywords)} if a else {}
                new_f = {"title": b.title, "description": b.description, "keywords": list(b.keywords)} if b else {}
                changes = {k: [old_f.get(k), new_f.get(k)] for k in ("title", "description", "keywords")
                           if old_f.get(k) != new_f.get(k)}
                if changes:
                    rows.append({"work_id": new.id, "lang": lang, "at": now, "actor": actor, "action": "import",
                                 "from_state": PUBLISHED if a else "missing", "to_state": PUBLISHED if b else "missing",
                                 "changes": changes, "comment": None})
        if rows:
            conn.execute(version_history.insert(), rows)

    def delete_work(self, work_id: str, actor: str | None = None) -> list[str]:
        """Delete a work; return the sha256 of media files no other work references."""
        with self.transaction() as conn:
            if conn.execute(sa.select(works.c.id).where(works.c.id == work_id)).first() is None:
                raise WorkNotFound(work_id)
            shas = self._delete(conn, [work_id], time.time(), actor)
            self.enqueue_changes(conn, [work_id], time.time())
            return self._unused(conn, shas)

    def _delete(self, conn, ids, now, actor) -> set[str]:
        """Delete works, recording in the history what each published version was; return their files."""
        shas = set(conn.execute(sa.select(media.c.sha256).where(media.c.work_id.in_(ids))).scalars())
        gone = conn.execute(sa.select(versions.c.work_id, versions.c.lang, versions.c.title).where(
            versions.c.work_id.in_(ids), versions.c.slot == "public")).all()
        if gone:
            conn.execute(version_history.insert(), [
                {"work_id": w, "lang": lang, "at": now, "actor": actor, "action": "delete", "from_state": PUBLISHED,
                 "to_state": "missing", "changes": {"title": [title, None]}, "comment": None}
                for w, lang, title in gone])
        self._tombstones(conn, ids, now)
        conn.execute(works.delete().where(works.c.id.in_(ids)))
        for table in (versions, work_terms, creators, media, version_origins):  # no FK cascade on every backend
            conn.execute(table.delete().where(table.c.work_id.in_(ids)))
        return shas

    @staticmethod
    def _tombstones(conn, ids, now) -> None:
        """Leave a tombstone for each work about to be deleted (OAI-PMH reports deletions from them)."""
        kinds = dict(conn.execute(sa.select(works.c.id, works.c.type).where(works.c.id.in_(ids))).all())
        subjects: dict[str, list[str]] = {}
        for work_id, code in conn.execute(sa.select(work_terms.c.work_id, work_terms.c.code).where(
                work_terms.c.work_id.in_(ids), work_terms.c.scheme == "subjects").order_by(work_terms.c.position)):
            subjects.setdefault(work_id, []).append(code)
        if kinds:
            conn.execute(deleted_works.delete().where(deleted_works.c.work_id.in_(list(kinds))))
            conn.execute(deleted_works.insert(), [{"work_id": w, "type": t, "subjects": subjects.get(w, []),
                                                   "deleted_at": now} for w, t in kinds.items()])

    def find_media(self, sha256: str) -> MediaEntry | None:
        """One media entry naming this file (for its content type and original name)."""
        with self.engine.connect() as conn:
            m = conn.execute(sa.select(media).where(media.c.sha256 == sha256)
                             .order_by(media.c.work_id, media.c.position).limit(1)).first()
        if m is None:
            return None
        return _media_entry(m)

    def media_entries(self, sha256: str) -> list[tuple[str, MediaEntry]]:
        """Every media entry naming this file, as ``(work_id, entry)`` (drafts included)."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(media).where(media.c.sha256 == sha256)
                                .order_by(media.c.work_id, media.c.position)).all()
        return [(m.work_id, _media_entry(m)) for m in rows]

    def stored_file_facts(self, sha256: str) -> tuple[int, str, dict] | None:
        """``(size, content type, checked facts)`` an entry records for this file, or None if none names it."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(media.c.size, media.c.content_type, media.c.info)
                               .where(media.c.sha256 == sha256).limit(1)).first()
        if row is None or row.size is None or not row.content_type or not (row.info or {}).get("file"):
            return None
        return int(row.size), row.content_type, row.info["file"]

    def unused_media(self, shas) -> list[str]:
        """Those of ``shas`` that no media entry names any more."""
        with self.engine.connect() as conn:
            return self._unused(conn, shas)

    @staticmethod
    def _unused(conn, shas) -> list[str]:
        shas = set(shas)
        if not shas:
            return []
        used = set(conn.execute(sa.select(media.c.sha256).where(media.c.sha256.in_(shas))).scalars())
        return sorted(shas - used)

    def with_media(self, ids) -> list[str]:
        """Those of ``ids`` whose works carry any file (drafts' files included), in the given order."""
        ids = list(ids)
        found: set[str] = set()
        with self.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                found.update(conn.execute(sa.select(media.c.work_id).distinct()
                                          .where(media.c.work_id.in_(ids[i:i + 500]))).scalars())
        return [i for i in ids if i in found]

    def media_in_use(self, sha256: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(media.c.work_id).where(media.c.sha256 == sha256).limit(1)).first() is not None

    def set_media_renditions(self, work_id: str, position: int, renditions: dict) -> None:
        """Record the derived files of one media entry, keeping the rest of its info as it is now."""
        where = (media.c.work_id == work_id, media.c.position == position)
        with self.transaction() as conn:
            # Locked until commit (PostgreSQL): an approval clearing ``draft`` meanwhile is not undone.
            info = conn.execute(sa.select(media.c.info).where(*where).with_for_update()).scalar()
            if info is not None:
                kept = {"light": info["renditions"]["light"]} if "light" in (info.get("renditions") or {}) else {}
                conn.execute(media.update().where(*where).values(info={**info, "renditions": {**renditions, **kept}}))

    def set_media_light(self, work_id: str, position: int, light: dict) -> None:
        """Record the light video rendition of one media entry (``info["renditions"]["light"]``)."""
        where = (media.c.work_id == work_id, media.c.position == position)
        with self.transaction() as conn:
            # Locked until commit (PostgreSQL): an approval clearing ``draft`` meanwhile is not undone.
            info = conn.execute(sa.select(media.c.info).where(*where).with_for_update()).scalar()
            if info is not None:
                made = {**(info.get("renditions") or {}), "light": light}
                conn.execute(media.update().where(*where).values(info={**info, "renditions": made}))


def _media_entry(m) -> MediaEntry:
    return MediaEntry(path=m.path, role=m.role, sha256=m.sha256, lang=m.lang, size=m.size,
                      content_type=m.content_type, original_name=m.original_name, info=dict(m.info or {}))


@functools.lru_cache(maxsize=65536)
def _title_key(title: str, locale: str) -> tuple:
    """Collation key of a title, remembered: listings sort the same titles on every request."""
    from ..collation import sort_key

    return sort_key(title, locale)
