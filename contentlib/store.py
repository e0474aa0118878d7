"""SQLAlchemy tables and the repository over them.

The database is the source of truth. Every change to a work writes a row to
``search_outbox`` in the same transaction, and one indexer drains it, so the
search index can always be brought up to date (or rebuilt) from here.
SQLite is the embedded default (WAL, busy timeout); any SQLAlchemy URL works.
"""

from __future__ import annotations

import functools
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

from .errors import WorkNotFound
from .model import LANGUAGES, PUBLISHED, SCHEMES, Creator, MediaEntry, Version, Work
from .vocabulary import SCHEME_KEYS, Term, Vocabulary, load_shipped

metadata = sa.MetaData()

works = sa.Table(
    "works", metadata,
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

# slot 'public' holds the published version; slot 'working' a draft or one in review.
versions = sa.Table(
    "versions", metadata,
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

work_terms = sa.Table(
    "work_terms", metadata,
    sa.Column("work_id", sa.String(64), sa.ForeignKey("works.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("scheme", sa.String(16), primary_key=True),
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Index("ix_work_terms_code", "scheme", "code"),
)

creators = sa.Table(
    "creators", metadata,
    sa.Column("work_id", sa.String(64), sa.ForeignKey("works.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("name", sa.JSON, nullable=False),
)

media = sa.Table(
    "media", metadata,
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

vocabulary_terms = sa.Table(
    "vocabulary_terms", metadata,
    sa.Column("scheme", sa.String(16), primary_key=True),
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("labels", sa.JSON, nullable=False),
)

search_outbox = sa.Table(
    "search_outbox", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("work_id", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

# What harvesters need to learn that a work is gone (OAI-PMH ``deletedRecord`` persistent):
# written by ``delete_work`` in the deletion's transaction; a work imported again under the
# same id simply outranks its tombstone.
deleted_works = sa.Table(
    "deleted_works", metadata,
    sa.Column("work_id", sa.String(64), primary_key=True),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("subjects", sa.JSON, nullable=False),
    sa.Column("deleted_at", sa.Float, nullable=False, index=True),
)

_BATCH = 500


def _sqlite_pragmas(dbapi_conn, _record):
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str) -> sa.Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def upgrade(engine: sa.Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")  # every head: features may add sibling revisions off one parent


class Store:
    """The repository: loads and saves whole works, in transactions."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self._vocabulary: Vocabulary | None = None

    @classmethod
    def from_url(cls, url: str, migrate: bool = True) -> "Store":
        engine = make_engine(url)
        if migrate:
            upgrade(engine)
        store = cls(engine)
        if migrate:
            store.seed_vocabulary()
        return store

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self):
        with self.engine.begin() as conn:
            yield conn

    # -- vocabulary -------------------------------------------------------

    def seed_vocabulary(self) -> None:
        """Insert shipped terms that the database does not have yet; keep edited labels."""
        shipped = load_shipped()
        with self.transaction() as conn:
            have = {(r.scheme, r.code) for r in conn.execute(sa.select(vocabulary_terms.c.scheme, vocabulary_terms.c.code))}
            rows = [
                {"scheme": s, "code": t.code, "position": i, "labels": t.labels}
                for s in SCHEME_KEYS
                for i, t in enumerate(shipped.terms(s))
                if (s, t.code) not in have
            ]
            if rows:
                conn.execute(vocabulary_terms.insert(), rows)
        self._vocabulary = None

    def vocabulary(self) -> Vocabulary:
        if self._vocabulary is None:
            with self.engine.connect() as conn:
                rows = conn.execute(sa.select(vocabulary_terms).order_by(vocabulary_terms.c.scheme, vocabulary_terms.c.position))
                self._vocabulary = Vocabulary(Term(r.scheme, r.code, dict(r.labels)) for r in rows)
        return self._vocabulary

    def set_label(self, scheme: str, code: str, lang: str, label: str) -> None:
        """Correct one label of a vocabulary term (e.g. a draft Tibetan label)."""
        with self.transaction() as conn:
            row = conn.execute(sa.select(vocabulary_terms.c.labels).where(
                vocabulary_terms.c.scheme == scheme, vocabulary_terms.c.code == code)).first()
            if row is None:
                raise LookupError(f"no term {scheme}/{code}")
            labels = dict(row.labels)
            labels[lang] = label
            conn.execute(vocabulary_terms.update().where(
                vocabulary_terms.c.scheme == scheme, vocabulary_terms.c.code == code).values(labels=labels))
        self._vocabulary = None

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
                ids = conn.execute(sa.select(works.c.id).where(works.c.id > last)
                                   .order_by(works.c.id).limit(batch)).scalars().all()
                if not ids:
                    return
                yield from self._load(conn, ids, public=public)
            last = ids[-1]

    def count_works(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(works)).scalar_one()

    def count_by_language(self) -> dict[str, int]:
        """How many works have a published, non-empty title per language."""
        q = (sa.select(versions.c.lang, sa.func.count(sa.distinct(versions.c.work_id)))
             .where(versions.c.slot == "public", versions.c.title.is_not(None), sa.func.trim(versions.c.title) != "")
             .group_by(versions.c.lang))
        with self.engine.connect() as conn:
            counts = dict(conn.execute(q).all())
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

    def _load(self, conn, ids, public: bool = True) -> list[Work]:
        if not ids:
            return []
        rows = {r.id: r for r in conn.execute(sa.select(works).where(works.c.id.in_(ids)))}
        built = {
            i: Work(id=r.id, type=r.type, year=r.year, duration_seconds=r.duration_seconds, pages=r.pages,
                    license=r.license, attribution=r.attribution, source_url=r.source_url, added=r.added,
                    updated_at=r.updated_at)
            for i, r in rows.items()
        }
        vq = sa.select(versions).where(versions.c.work_id.in_(ids)).order_by(versions.c.slot.desc())
        for v in conn.execute(vq):  # 'working' sorts before 'public': public wins unless drafts are asked for
            if public and v.slot != "public":
                continue
            if not public and v.lang in built[v.work_id].versions:
                continue
            built[v.work_id].versions[v.lang] = Version(v.lang, v.title, v.description, list(v.keywords), v.state)
        for w in built.values():  # canonical language order
            w.versions = {lang: w.versions[lang] for lang in LANGUAGES if lang in w.versions}
        for t in conn.execute(sa.select(work_terms).where(work_terms.c.work_id.in_(ids))
                              .order_by(work_terms.c.position)):
            getattr(built[t.work_id], t.scheme).append(t.code)
        for c in conn.execute(sa.select(creators).where(creators.c.work_id.in_(ids)).order_by(creators.c.position)):
            built[c.work_id].creators.append(Creator(dict(c.name), c.role))
        for m in conn.execute(sa.select(media).where(media.c.work_id.in_(ids)).order_by(media.c.position)):
            if public and (m.info or {}).get("draft"):  # uploaded for a version still under review
                continue
            built[m.work_id].media.append(_media_entry(m))
        return [built[i] for i in ids if i in built]

    # -- writing works ----------------------------------------------------

    def put_works(self, new_works: list[Work], actor: str | None = None) -> dict[str, int]:
        """Insert or replace whole works (published text) in one transaction.

        A work equal to what is stored is left alone, so importing the same
        file twice changes nothing. Drafts beside a published version stay.

        :returns: counts of ``created``, ``updated`` and ``unchanged`` works, and
            ``replaced_media``: the sha256 of files the updated works no longer name
            (the caller frees those that nothing else references).
        """
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        replaced: set[str] = set()  # files that updated works no longer name
        now = time.time()
        with self.transaction() as conn:
            next_added = (conn.execute(sa.select(sa.func.max(works.c.added))).scalar() or 0) + 1
            for i in range(0, len(new_works), _BATCH):
                chunk = new_works[i:i + _BATCH]
                old = {w.id: w for w in self._load(conn, [w.id for w in chunk])}
                changed = []
                for w in chunk:
                    before = old.get(w.id)
                    if before is not None and _same(before, w):
                        counts["unchanged"] += 1
                        continue
                    if before is None:
                        counts["created"] += 1
                        added = next_added
                        next_added += 1
                    else:
                        counts["updated"] += 1
                        added = before.added
                        replaced |= {m.sha256 for m in before.media} - {m.sha256 for m in w.media}
                    changed.append((w, added, before is not None))
                self._write(conn, changed, now, actor)
                self._import_history(conn, [(w, old.get(w.id)) for w, _, _ in changed], now, actor)
        counts["replaced_media"] = replaced
        return counts

    def _write(self, conn, changed, now, actor) -> None:
        if not changed:
            return
        ids = [w.id for w, _, _ in changed]
        existing = [w.id for w, _, was in changed if was]
        if existing:
            for table in (work_terms, creators, media):
                conn.execute(table.delete().where(table.c.work_id.in_(existing)))
            conn.execute(versions.delete().where(versions.c.work_id.in_(existing), versions.c.slot == "public"))
        rows = [{"id": w.id, "type": w.type, "year": w.year, "duration_seconds": w.duration_seconds, "pages": w.pages,
                 "license": w.license, "attribution": w.attribution, "source_url": w.source_url,
                 "added": added, "updated_at": now} for w, added, _ in changed]
        fresh = [r for r, (_, _, was) in zip(rows, changed) if not was]
        if fresh:
            conn.execute(works.insert(), fresh)
        # Update in place: deleting the row would cascade to drafts kept beside the published text.
        for r in (r for r, (_, _, was) in zip(rows, changed) if was):
            conn.execute(works.update().where(works.c.id == r["id"]).values(**r))
        vrows = [{"work_id": w.id, "lang": v.lang, "slot": "public", "state": PUBLISHED, "title": v.title,
                  "description": v.description, "keywords": list(v.keywords), "updated_by": actor,
                  "updated_at": now, "review_comment": None}
                 for w, _, _ in changed for v in w.versions.values()]
        if vrows:
            conn.execute(versions.insert(), vrows)
        trows = [{"work_id": w.id, "scheme": s, "code": c, "position": p}
                 for w, _, _ in changed for s in SCHEMES for p, c in enumerate(dict.fromkeys(getattr(w, s)))]
        if trows:
            conn.execute(work_terms.insert(), trows)
        crows = [{"work_id": w.id, "position": p, "role": c.role, "name": c.name}
                 for w, _, _ in changed for p, c in enumerate(w.creators)]
        if crows:
            conn.execute(creators.insert(), crows)
        mrows = [{"work_id": w.id, "position": p, "path": m.path, "role": m.role, "lang": m.lang,
                  "sha256": m.sha256, "size": m.size, "content_type": m.content_type,
                  "original_name": m.original_name, "info": m.info or {}}
                 for w, _, _ in changed for p, m in enumerate(w.media)]
        if mrows:
            conn.execute(media.insert(), mrows)
        self._enqueue(conn, ids, now)

    @staticmethod
    def _import_history(conn, pairs, now, actor) -> None:
        """Record, per language, what an import changed in published text (the workflow's history)."""
        from .tables_workflow import version_history  # that module builds on this one's metadata

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

    def delete_work(self, work_id: str) -> list[str]:
        """Delete a work; return the sha256 of media files no other work references."""
        with self.transaction() as conn:
            shas = set(conn.execute(sa.select(media.c.sha256).where(media.c.work_id == work_id)).scalars())
            kind = conn.execute(sa.select(works.c.type).where(works.c.id == work_id)).scalar()
            subjects = list(conn.execute(sa.select(work_terms.c.code).where(
                work_terms.c.work_id == work_id, work_terms.c.scheme == "subjects")).scalars())
            deleted = conn.execute(works.delete().where(works.c.id == work_id)).rowcount
            if not deleted:
                raise WorkNotFound(work_id)
            now = time.time()
            conn.execute(deleted_works.delete().where(deleted_works.c.work_id == work_id))
            conn.execute(deleted_works.insert().values(work_id=work_id, type=kind, subjects=subjects, deleted_at=now))
            for table in (versions, work_terms, creators, media):  # no FK cascade on every backend
                conn.execute(table.delete().where(table.c.work_id == work_id))
            self._enqueue(conn, [work_id], now)
            return self._unused(conn, shas)

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

    def media_in_use(self, sha256: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(media.c.work_id).where(media.c.sha256 == sha256).limit(1)).first() is not None

    def set_media_renditions(self, work_id: str, position: int, renditions: dict) -> None:
        """Record the derived files of one media entry, keeping the rest of its info as it is now."""
        where = (media.c.work_id == work_id, media.c.position == position)
        with self.transaction() as conn:
            info = conn.execute(sa.select(media.c.info).where(*where)).scalar()
            if info is not None:
                kept = {"light": info["renditions"]["light"]} if "light" in (info.get("renditions") or {}) else {}
                conn.execute(media.update().where(*where).values(info={**info, "renditions": {**renditions, **kept}}))

    def set_media_light(self, work_id: str, position: int, light: dict) -> None:
        """Record the light video rendition of one media entry (``info["renditions"]["light"]``)."""
        where = (media.c.work_id == work_id, media.c.position == position)
        with self.transaction() as conn:
            info = conn.execute(sa.select(media.c.info).where(*where)).scalar()
            if info is not None:
                made = {**(info.get("renditions") or {}), "light": light}
                conn.execute(media.update().where(*where).values(info={**info, "renditions": made}))

    # -- search outbox ----------------------------------------------------

    @staticmethod
    def _enqueue(conn, ids, now) -> None:
        conn.execute(search_outbox.insert(), [{"work_id": i, "created_at": now} for i in ids])

    def enqueue(self, ids) -> None:
        with self.transaction() as conn:
            self._enqueue(conn, list(ids), time.time())

    def pending(self, limit: int = 1000) -> list[tuple[int, str]]:
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(
                sa.select(search_outbox.c.id, search_outbox.c.work_id).order_by(search_outbox.c.id).limit(limit))]

    def count_pending(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(search_outbox)).scalar_one()

    def last_pending_id(self) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(search_outbox.c.id))).scalar()

    def clear_pending(self, up_to_id: int) -> None:
        with self.transaction() as conn:
            conn.execute(search_outbox.delete().where(search_outbox.c.id <= up_to_id))


def _media_entry(m) -> MediaEntry:
    return MediaEntry(path=m.path, role=m.role, sha256=m.sha256, lang=m.lang, size=m.size,
                      content_type=m.content_type, original_name=m.original_name, info=dict(m.info or {}))


@functools.lru_cache(maxsize=65536)
def _title_key(title: str, locale: str) -> tuple:
    """Collation key of a title, remembered: listings sort the same titles on every request."""
    from .collation import sort_key

    return sort_key(title, locale)


def _same(a: Work, b: Work) -> bool:
    """Equal as a record says: a file's derived renditions are the library's, not the record's."""
    def plain(w: Work) -> Work:
        media = [replace(m, info={k: v for k, v in (m.info or {}).items() if k != "renditions"}) for m in w.media]
        return replace(w, added=None, media=media)
    return plain(a) == plain(b)
