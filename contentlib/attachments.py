"""Media attached to works: ingesting files, finishing their derived files, cover cards.

This is the service layer between the catalog store (which media rows a work
has) and the media store (the files, by sha256). Heavy work (renditions, cover
cards) runs here, called by a batch import or by a background worker, never
inside a web request.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path

from . import disk, media_kinds
from .errors import MediaRejected
from .media import FileInfo, Limits, MediaStore, StoredFile, make_renditions
from .media.check import within_limits
from .media.images import save_image, thumbnail
from .media.renditions import cover_card_image
from .xmltext import xml_safe

CARD_WIDTHS = (320, 640)


class Staged:
    """One file checked and copied into the media store's temp area, not stored yet.

    ``tmp`` is None for a file the store already holds (checked when it was first stored):
    then ``source`` is kept, in case the stored copy is gone by the time the import commits.
    """

    def __init__(self, tmp: Path | None, stored, facts: tuple, source: Path | None = None):
        self.tmp, self.stored, self.facts, self.source = tmp, stored, facts, source


class Staging:
    """The files of one import: checked first, stored only when the whole import is accepted.

    :param known: ``known(sha256)`` gives ``(size, content type, checked facts)`` of a file the
        library already stored, or None. Such a file, read again with the same size and hash
        (``contentlib demo`` every time ``make run`` starts), is not copied or parsed again:
        only today's limits are applied to its recorded facts.
    """

    def __init__(self, media: MediaStore, limits: Limits | None, known=None):
        self.media, self.limits, self.known = media, limits, known
        self._staged: list[Staged] = []
        self._by_source: dict[Path, Staged] = {}

    def stage(self, path: Path) -> Staged:
        """Check a file by content on a temp copy (unless the store holds it already). :raises MediaRejected:"""
        key = Path(path).resolve()
        if key not in self._by_source:
            staged = self._already_stored(path)
            if staged is None:
                info, tmp, stored = self.media.stage(path, self.limits)
                staged = Staged(tmp, stored, (stored.sha256, stored.size, info.content_type,
                                              {"file": _info_dict(info)}))
            self._staged.append(staged)
            self._by_source[key] = staged
        return self._by_source[key]

    def _already_stored(self, path: Path) -> Staged | None:
        """A handle on the stored copy of the same bytes, checked before; None to check the file now."""
        if self.known is None:
            return None
        try:
            size = Path(path).stat().st_size
            if not size:
                return None
            sha = _sha256(path)
            facts = self.known(sha)
            if facts is None or facts[0] != size or self.media.path(sha).stat().st_size != size:
                return None
            within_limits(_file_info(facts[2]), self.limits)
        except (OSError, TypeError, MediaRejected):
            return None  # the full check says what is wrong, if anything is
        return Staged(None, StoredFile(sha, size), (sha, size, facts[1], {"file": dict(facts[2])}), source=Path(path))

    def commit(self, handles) -> list[str]:
        """Store these staged files; return the sha256 of those new to the store."""
        new = []
        for h in dict.fromkeys(handles):
            if h.tmp is None and h.source is not None and not self.media.exists(h.stored.sha256):
                _info, h.tmp, _stored = self.media.stage(h.source, self.limits)  # deleted meanwhile: store it again
                h.source = None
            if h.tmp is not None:
                if self.media.commit_staged(h.tmp, h.stored):
                    new.append(h.stored.sha256)
                h.tmp = None
        return new

    def forget(self, store, shas) -> None:
        """Remove files stored by ``commit`` that no work names (the import failed after storing them)."""
        release(store, self.media, shas)

    def discard(self) -> None:
        """Drop every staged copy not committed."""
        for h in self._staged:
            if h.tmp is not None:
                h.tmp.unlink(missing_ok=True)
                h.tmp = None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class Ingester:
    """The ``ingest`` callable that ``records.import_file`` expects.

    Called, it checks and stores one file; its ``staging()`` gives an import
    a ``Staging``, so a refused import stores nothing at all.
    """

    def __init__(self, media: MediaStore, limits: Limits | None, known) -> None:
        self.media, self.limits, self.known = media, limits, known

    def __call__(self, path: Path) -> tuple[str, int, str, dict]:
        info, stored = self.media.ingest(path, self.limits)
        return stored.sha256, stored.size, info.content_type, {"file": _info_dict(info)}

    def staging(self) -> Staging:
        return Staging(self.media, self.limits, self.known)


def ingester(media: MediaStore, limits: Limits | None = None, known=None) -> Ingester:
    """Return the ``ingest`` callable that ``records.import_file`` expects (``Ingester``).

    :param known: what the library recorded of a stored file (``Staging``'s ``known``), so that
        files it stored already are not checked again.
    """
    return Ingester(media, limits, known)


def _info_dict(info: FileInfo) -> dict:
    return json.loads(json.dumps(dataclasses.asdict(info), default=str))


def _file_info(data: dict) -> FileInfo:
    fields = {f.name for f in dataclasses.fields(FileInfo)}
    return FileInfo(**{k: v for k, v in data.items() if k in fields})


ROLE_BY_KIND = {"subtitle": "subtitle", "video": "dub", "audio": "dub", "book": "document", "image": "cover"}
ROLE_FITS = {"subtitle": ("subtitle",), "cover": ("image",), "poster": ("image",), "document": ("book",),
             "dub": ("video", "audio"), "original": ("video", "audio", "book")}


def upload_path(work_id: str, lang: str, name: str) -> str:
    """The record path of an uploaded file: its name as written, made safe as one path part."""
    name = name.replace("/", "_").replace("\\", "_").replace("\x00", "").strip().lstrip(".") or "file"
    return f"media/{work_id}/{lang}/{name}"


def ingest_upload(media: MediaStore, src: Path, name: str, work_id: str, lang: str, role: str | None = None,
                  limits: Limits | None = None):
    """Check and store an uploaded file; return the draft ``MediaEntry`` for it.

    :raises MediaRejected: for a file the checks refuse, or a role that does not fit it.
    """

    with open(src, "rb") as stream:
        return ingest_stream(media, stream, name, work_id, lang, role, limits)


def ingest_stream(media: MediaStore, stream, name: str, work_id: str, lang: str, role: str | None = None,
                  limits: Limits | None = None):
    """Check and store an uploaded stream (written once, inspected once); return its draft ``MediaEntry``.

    :raises MediaRejected: for a file the checks refuse, or a role that does not fit it.
    """
    from .model import MEDIA_ROLES, MediaEntry

    name = xml_safe(name or "")  # a file name is not typed text: its control characters go (it reaches feeds)
    chosen = {}

    def fits(info: FileInfo) -> None:  # refuse a misfit before anything is kept
        kind = info.kind
        chosen["role"] = role or ROLE_BY_KIND[kind]
        if chosen["role"] not in MEDIA_ROLES:
            raise MediaRejected(f"Unknown role {chosen['role']!r}.", reason="format")
        if kind not in ROLE_FITS[chosen["role"]]:
            raise MediaRejected(f"A {kind} file cannot be a {chosen['role']}.", reason="format")

    info, stored = media.ingest_stream(stream, limits, accept=fits)
    return MediaEntry(path=upload_path(work_id, lang, name), role=chosen["role"], sha256=stored.sha256, lang=lang,
                      size=stored.size, content_type=info.content_type, original_name=name,
                      info={"file": _info_dict(info)})


def needs_renditions(entry) -> bool:
    """Whether a checked file's derived files (thumbnails, posters, pages) are not made yet."""
    return "file" in entry.info and "renditions" not in entry.info


def pending_renditions(work) -> list[int]:
    """Positions of the work's media entries whose derived files are not made yet."""
    return [i for i, m in enumerate(work.media) if needs_renditions(m)]


def finish_work(store, media: MediaStore, work_id: str, limits: Limits | None = None, cards: bool = True) -> bool:
    """Make the derived files of one work: renditions of each file, and a cover card.

    Idempotent. A file that turns out unreadable gets ``{"error": ...}`` recorded
    instead of renditions, so it is not retried forever; a full or read-only disk
    records nothing (``NoSpace``, ``ReadOnlyStorage``), so it is tried again.

    :returns: True if anything was made.
    """
    everything = store.get_work(work_id, public=False)  # draft uploads get their renditions too
    made = False
    for pos in pending_renditions(everything):
        entry = everything.media[pos]
        try:
            made_files = make_renditions(media, entry.sha256, _file_info(entry.info["file"]), limits=limits)
        except (MediaRejected, FileNotFoundError) as exc:
            fault = disk.fault_at(media.root, where="the media folder")
            if fault is not None:  # the disk, not the file: record nothing, try again when there is room
                raise fault from exc
            made_files = {"error": str(exc)}
        store.set_media_renditions(work_id, pos, json.loads(json.dumps(made_files)))
        made = True
    work = store.get_work(work_id)
    if cards and not has_image(work) and work.languages:
        made = ensure_cover_card(media, work) or made
    return made


def kinds(work) -> set[str]:
    """What the work has to play or read, as the search ``has`` filter names it (``media_kinds.offered``).

    ``video`` (an original or dubbed video), ``book`` (a PDF or EPUB), ``audio``, ``subtitles``.
    """
    return set(media_kinds.offered(work.media))


def has_image(work) -> bool:
    """Whether any attached file gives the work a picture (cover, poster, video frame, page)."""
    return any((m.info.get("renditions") or {}).get("image") for m in work.media)


def card_key(work) -> str:
    """The cover card's name: a hash of the titles it shows, so a changed title makes a new card."""
    titles = {lang: work.versions[lang].title for lang in ("bo", "zh") if lang in work.languages}
    if not titles:
        titles = {lang: work.versions[lang].title for lang in work.languages}
    return hashlib.sha256(json.dumps(titles, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def card_paths(media: MediaStore, key: str) -> dict[int, Path]:
    base = media.root / "cards" / key[:2]
    return {w: base / f"{key}-{w}.webp" for w in CARD_WIDTHS}


def ensure_cover_card(media: MediaStore, work) -> bool:
    """Render the work's cover card (Tibetan and Chinese titles) unless it exists."""
    key = card_key(work)
    paths = card_paths(media, key)
    if all(p.is_file() for p in paths.values()):
        return False
    titles = {lang: work.versions[lang].title for lang in ("bo", "zh") if lang in work.languages}
    titles = titles or {lang: work.versions[lang].title for lang in work.languages}
    picture = cover_card_image(titles, (max(CARD_WIDTHS), max(CARD_WIDTHS) * 9 // 16))
    for width, path in paths.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        save_image(thumbnail(picture, width), path, "webp", quality=80)  # written atomically
    return True


def card_path(media: MediaStore, work, width: int) -> Path | None:
    """The cover card file of this width if it has been made."""
    path = card_paths(media, card_key(work)).get(width)
    return path if path is not None and path.is_file() else None


_worker_state: dict = {}


def _worker_init(db_url: str, media_root: str, limits, cards: bool) -> None:
    from .store import Store

    _worker_state.update(store=Store.from_url(db_url, migrate=False), media=MediaStore(media_root), limits=limits,
                         cards=cards)


def _worker_finish(work_ids: list[str]) -> int:
    st = _worker_state
    return sum(finish_work(st["store"], st["media"], work_id, st["limits"], st["cards"]) for work_id in work_ids)


def finish_works(store, media: MediaStore, db_url: str | None, work_ids, limits: Limits | None = None,
                 processes: int | None = None, cards: bool = False, progress=None) -> int:
    """Finish many works (a batch import), on every core when the batch is large (and ``db_url`` lets
    the other processes open the database).

    :param progress: called as ``progress(works finished, works to finish)`` as they finish.

    :param cards: also draw cover cards now (else the server's worker draws them
        when a page first needs one, so a 100,000-work import is not held up).
    :returns: how many works had something made.
    """
    work_ids = list(work_ids)
    processes = processes or os.cpu_count() or 1
    if not cards:  # only works that carry files have anything to finish (most imported works carry none)
        work_ids = [w.id for w in store.get_works(store.with_media(work_ids), public=False) if pending_renditions(w)]
    else:  # a re-import (``contentlib demo`` again) finds them all finished: start no processes for nothing
        work_ids = unfinished(store, media, work_ids)
    say = progress or (lambda done, total: None)
    if db_url is None or processes < 2 or len(work_ids) < 50:
        made = 0
        for n, work_id in enumerate(work_ids, start=1):
            made += finish_work(store, media, work_id, limits, cards)
            say(n, len(work_ids))
        return made
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    chunks = [work_ids[i::processes * 4] for i in range(processes * 4)]
    ctx = multiprocessing.get_context("spawn")  # no forked copies of open connections or threads
    with ProcessPoolExecutor(processes, mp_context=ctx, initializer=_worker_init,
                             initargs=(db_url, str(media.root), limits, cards)) as pool:
        made = done = 0
        for chunk, count in zip(chunks, pool.map(_worker_finish, chunks)):
            made, done = made + count, done + len(chunk)
            say(done, len(work_ids))
        return made


def unfinished(store, media: MediaStore, work_ids) -> list[str]:
    """Those of ``work_ids`` that ``finish_work`` with cards would make something for, in order."""
    work_ids = list(work_ids)
    todo: set[str] = set()
    for i in range(0, len(work_ids), 500):
        batch = work_ids[i:i + 500]
        todo.update(w.id for w in store.get_works(store.with_media(batch), public=False) if pending_renditions(w))
        todo.update(w.id for w in store.get_works(batch) if w.languages and not has_image(w)
                    and not all(p.is_file() for p in card_paths(media, card_key(w)).values()))
    return [w for w in work_ids if w in todo]


def release(store, media: MediaStore, shas) -> list[str]:
    """Delete the files among ``shas`` that no work references any more; return them."""
    freed = store.unused_media(shas)
    for sha in freed:
        media.delete(sha)
    return freed


def delete_work(store, media: MediaStore, work_id: str) -> list[str]:
    """Delete a work and free the files only it referenced."""
    freed = store.delete_work(work_id)
    for sha in freed:
        media.delete(sha)
    return freed
