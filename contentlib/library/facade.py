"""The library's use cases behind one object: every door (web pages, JSON API, CLI) calls these.

``Library`` holds the store (the database, source of truth), the search
(``search.Search``: the policy over this node's engine), the media store, the media limits and the job
queue. Its methods take plain values and return domain objects; limits and
paths come from the settings it was built with, never from a web framework.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .. import (
    atomic,
    attachments,
    backup,
    books,
    disk,
    glossary,
    indexing,
    keys,
    lightvideo,
    lists,
    oai,
    records,
    usage,
    worker,
    workflow,
    xmltext,
    zim,
)
from ..accounts import User
from ..backup import RestoreReport
from ..bundles import BundleLimits, importer
from ..bundles import export as bundle_export
from ..bundles.importer import BundleReport
from ..bundles.offline import FORMS as OFFLINE_FORMS
from ..bundles.offline import OfflineJobs, OfflineLimits
from ..crosslang import demand, reach
from ..errors import BadParameter, CannotWrite, DatabaseUnavailable, IndexUnavailable, InvalidRecord, MediaRejected, NotFound
from ..exporters import Plan as ExportPlan
from ..exporters import registry
from ..jobs import JobQueue
from ..longwork import ReportingTask, Task, as_task
from ..media import Limits, MediaStore
from ..model import LANGUAGES, MediaEntry
from ..search import Search, open_engine, prepare
from ..search.results import SearchResult
from ..search_request import SearchRequest, parse_search_args
from ..selection import select_works
from ..store import Store
from ..targets import output_folder
from ..translation.segments import source_language
from .accounts import Accounts
from .bookreader import BookReader
from .demand import Demand
from .files import Files
from .glossary import Glossary
from .lists import Lists
from .reading import Reading
from .reporting import Reporting
from .site import SiteSettings
from .strings import InterfaceStrings
from .translation import Translation

log = logging.getLogger(__name__)
# The self-hosted Tibetan web font, for the pages of ZIM files and site exports built by a worker.
WEB_FONT = Path(__file__).resolve().parents[2] / "catalog" / "static" / "fonts" / "NotoSerifTibetan.woff2"


@dataclass(frozen=True)
class Status:
    """How this node stands: works in the database and in its index, lag, jobs, disk use."""

    works_in_db: int
    works_in_index: int | None
    outbox_lag: int
    jobs_queued: int
    jobs_running: int
    jobs_failed: int
    index_bytes: int
    media_bytes: int
    index_ready: bool
    disks: tuple = ()  # ``contentlib.disk.Disk`` of each file system the library writes to


@dataclass(frozen=True)
class Editing:
    """What the editor's page shows: the version, the text to edit, its source beside it, glossary hints, files."""

    work: object
    status: workflow.VersionStatus
    text: workflow.VersionText
    source_lang: str
    source: object
    hints: list
    files: list


@dataclass(frozen=True)
class Reviewing:
    """What the review page shows: each field's diff, the version's files, its history, and who may decide."""

    work: object
    status: workflow.VersionStatus
    diffs: list
    source_lang: str
    source: object
    files: list
    may_review: bool
    history: list
    segments: object = None  # the version segment by segment (``translation.Workbench``), when it has a source


def _dir_size(path: Path) -> int:
    total = 0
    if path.is_dir():
        for p in path.rglob("*"):
            try:
                if p.is_file() and not p.is_symlink():
                    total += p.stat().st_size
            except OSError:  # removed while we walked
                continue
    return total


class Library(Reading, Reporting, Files, Demand, BookReader):
    """The store, this node's search, the media store, limits and jobs, with the use cases.

    What pages and feeds read is in ``Reading``, the figures in ``Reporting``, the files to send in ``Files``,
    books as the in-page reader shows them in ``BookReader``;
    ``accounts``, ``glossary``, ``lists`` and ``interface`` are its smaller parts.

    :param index_sync: apply index changes inside the call that made them
        (single-process tools and some tests); otherwise a background applier
        follows the outbox and saves never wait for the index.
    """

    def __init__(self, store: Store, index: Search, index_dir: Path, media: MediaStore,
                 limits: Limits | None = None, jobs: JobQueue | None = None, db_url: str | None = None,
                 index_sync: bool = False, settings: dict | None = None):
        self.store = store
        #: This node's search (engine-neutral: ``search.Search``); its engine is chosen by
        #: ``CONTENTLIB_SEARCH_ENGINE`` and is nobody else's business.
        self.index = index
        self.index_dir = Path(index_dir)
        self._offline_forms: list | None = None
        self.media = media
        self.limits = limits or Limits()
        self.jobs = jobs or JobQueue(store)
        self.db_url = db_url
        self.index_sync = index_sync
        #: The ``CONTENTLIB_*`` settings it was built from (home, library name, counting, bundle limits).
        self.settings = settings if settings is not None else {}
        self.accounts = Accounts(store)
        self.glossary = Glossary(store)
        self.lists = Lists(store)
        self.interface = InterfaceStrings(store)
        self.reach = reach.Reach(store)
        self._unmet: demand.UnmetCounter | None = None
        self._asks = demand.Bucket()
        self.site = SiteSettings(store, self.settings)
        self.translation = Translation(self)

    @classmethod
    def from_settings(cls, settings: dict, migrate: bool = True) -> Library:
        """Build a library from ``CONTENTLIB_*`` settings (``contentlib.settings.defaults()``)."""
        url = settings["CONTENTLIB_DATABASE_URL"]
        index_dir = Path(settings["CONTENTLIB_INDEX_DIR"])
        timeouts = {"connect_timeout": float(settings.get("CONTENTLIB_DB_CONNECT_TIMEOUT", 5)),
                    "statement_timeout": float(settings.get("CONTENTLIB_DB_STATEMENT_TIMEOUT", 25))}
        engine = open_engine(index_dir, settings.get("CONTENTLIB_SEARCH_ENGINE"))
        return cls(Store.from_url(url, migrate=migrate, **timeouts), Search(engine), index_dir,
                   MediaStore(settings["CONTENTLIB_MEDIA_DIR"]), Limits(**(settings.get("CONTENTLIB_MEDIA_LIMITS") or {})),
                   db_url=url, index_sync=bool(settings.get("CONTENTLIB_INDEX_SYNC")), settings=settings)

    def close(self) -> None:
        self.store.close()

    # -- search -----------------------------------------------------------

    def search(self, q: str = "", filters: dict | None = None, page: int = 1, per_page: int = 20) -> SearchResult:
        """Search published works, glossary equivalents included.

        :raises IndexUnavailable: while this node's index is missing or being rebuilt.
        """
        return self.index.search(q, filters or {}, page, per_page, expansions=self.glossary.expansions(q))

    def search_across(self, q: str = "", filters: dict | None = None, page: int = 1,
                      per_page: int = 20) -> SearchResult:
        """``search``, plus the works only in the other language (``other_language``), and count an unmet search.

        :raises IndexUnavailable: while this node's index is missing or being rebuilt.
        """
        expansions = self.glossary.expansions(q)
        result = self.index.search(q, filters or {}, page, per_page, expansions=expansions)
        if not q.strip():
            return result
        other = self.reach.other_language(self.index, q, filters or {}, expansions)
        if other is not None:
            result = dataclasses.replace(result, other_language=other)
            mine = "zh" if other.lang == "bo" else "bo"
            if page == 1 and demand.is_unmet(result, mine) and self.settings.get("CONTENTLIB_COUNT_USE", True):
                asked = reach.query_language(q)  # (lang, text); None only for a query in neither script
                if asked is not None:
                    self.unmet_counter().add_query(mine, asked[1])
        return result

    def warm_up(self) -> None:
        """Load what searches read before the first one comes: the dictionaries and the whole lexicon.

        A server calls it before it forks its workers, so they share what it loaded.
        """
        prepare()
        self.reach.load()

    def unmet_counter(self) -> demand.UnmetCounter:
        """This process's counter of unmet searches (written every few seconds)."""
        if self._unmet is None:
            self._unmet = demand.UnmetCounter(self.store, interval=float(
                self.settings.get("CONTENTLIB_COUNT_FLUSH_SECONDS", 10.0)))
        return self._unmet

    def ask_translation(self, work_id: str, lang: str, counter=None) -> bool:
        """Count a reader's ask for a version of a published work in ``lang``; False when over the rate limit.

        Only the aggregate count per work, language and day is kept (a use count of kind ``ask``).
        :raises WorkNotFound: :raises BadParameter: for a language the work has, or not bo/zh.
        """
        demand.check_ask(self.work(work_id), lang)
        if not self._asks.take():
            return False
        if counter is not None:
            counter.add("ask", work_id=work_id, lang=lang)
        else:
            usage.add_counts(self.store, {(usage.today(), work_id, lang, "ask"): 1})
        return True

    def lexicon_stale(self) -> bool:
        """Whether enough bilingual works changed since the lexicon was learned."""
        return reach.stale(self.store)

    def build_lexicon(self, task: Task | None = None) -> dict:
        """Learn the Tibetan-Chinese lexicon from the published bilingual works and the glossary."""
        return reach.build(self.store, progress=as_task(task))

    def parse_search(self, args: dict[str, list[str]], default_per_page: int = 20) -> SearchRequest:
        """Check a search query string (each name mapped to its values).

        :raises BadParameter: naming the first bad parameter.
        """
        return parse_search_args(args, self.store.vocabulary(), default_per_page)

    def search_query(self, args: dict[str, list[str]], default_per_page: int = 20,
                     other_language: bool = False) -> SearchResult:
        """A search asked as a query string (each name mapped to its values): the API, the page and OPDS.

        :raises BadParameter: naming the first bad parameter.
        :raises IndexUnavailable: while this node's index is missing (a rebuild is started then).
        """
        req = self.parse_search(args, default_per_page)
        try:
            if other_language:
                return self.search_across(req.q, req.filters, req.page, req.per_page)
            return self.search(req.q, req.filters, req.page, req.per_page)
        except IndexUnavailable:
            self.rebuild_in_background()
            raise

    def works_of(self, result: SearchResult) -> list:
        """The published works of a page of results, in its order (for pictures, files, "save to list")."""
        return self.store.get_works([hit.id for hit in result.results])

    def search_ids(self, q: str, limit: int = 100_000) -> list[str]:
        """The ids of every work matching ``q`` (for selections: export, bundles)."""
        ids, page = [], 1
        while True:
            result = self.search(q, page=page, per_page=100)
            ids += [h.id for h in result.results]
            if len(ids) >= min(result.total, limit) or not result.results:
                return ids[:limit]
            page += 1

    # -- import, export, delete ------------------------------------------------

    def ingest(self, path: Path):
        """Check and store one file for an import (the ``ingest`` that ``records.import_file`` takes)."""
        return attachments.ingester(self.media, self.limits)(path)

    def import_file(self, path: Path, skip_invalid: bool = False, cards: bool = False,
                    actor: str | None = None, mirror: bool = False, confirm=None,
                    task: Task | None = None) -> records.ImportReport:
        """Merge a JSON Lines file into the catalog (all or nothing unless ``skip_invalid``).

        Every line and file is checked before any byte is stored; derived files are made before it returns.

        :param cards: also draw the cover cards of works without a picture now.
        :param mirror: make the catalog equal the file once ``confirm(plan)`` says yes
            (``records.import_file``); the report's ``removed`` is None when it did not.
        :param task: progress through the stages (reading, checking files, derived files, search index)
            and cancel until the catalog is written (``contentlib.longwork``).
        :raises InvalidRecord: with every problem; nothing was written then.
        :raises Cancelled: when asked to stop before the catalog was written; nothing was then.
        """
        task = as_task(task)
        ingest = attachments.ingester(self.media, self.limits, known=self.store.stored_file_facts)
        report = records.import_file(self.store, path, ingest=ingest,
                                     skip_invalid=skip_invalid, actor=actor, mirror=mirror, confirm=confirm,
                                     progress=task)
        if report.removed is None:
            return report
        attachments.release(self.store, self.media, report.replaced_media)
        # Written: from here on the work is finished, not stopped (only reported).
        self.finish_import(report.work_ids, cards=cards, progress=task.staged("derived files").progress)
        task.progress(0, None, "search index")
        # This process's fuzzy index of the memory is left to its first look-up: a command has none,
        # and building it here grew the import's largest process with the catalog (144 MB at 100,000).
        applied = self.sync(refresh=False)
        if applied:
            task.progress(applied, applied, "search index")
        return report

    def finish_import(self, work_ids, cards: bool = False, progress=None) -> int:
        """Make the derived files of imported works before the batch ends; return how many changed."""
        return attachments.finish_works(self.store, self.media, self.db_url, work_ids, self.limits, cards=cards,
                                        progress=progress)

    def export(self, path: Path, with_media: bool = True, selection=None, task: Task | None = None,
               work_ids: list[str] | None = None) -> int:
        """Write the works a ``selection.Selection`` chooses (default: all) as JSON Lines, atomically.

        Files go under names derived from their sha256 beside it (``records.export_file``).

        :raises CannotWrite: (one line) when the target's folder is missing or read-only.
        :raises BadParameter: for a selection naming an unknown code or list.
        :param task: told ``(works written, works to write)``; a cancel leaves ``path`` as it was.
        :param work_ids: the works already chosen (skips choosing them again).
        """
        ids = work_ids
        if ids is None and selection is not None and not selection.empty:
            ids = self.select(selection)
        return records.export_file(self.store, path, media_path=self.media.path if with_media else None, ids=ids,
                                   progress=as_task(task))

    def export_bytes(self, ids: list[str] | None, with_media: bool = True) -> int:
        """About how many bytes an export of the works ``ids`` (None: all) weighs: its files, each once, and records."""
        sizes: dict[str, int] = {}
        records_bytes = 0
        chosen = self.store.iter_works() if ids is None else (
            w for i in range(0, len(ids), 500) for w in self.store.get_works(ids[i:i + 500]))
        for work in chosen:
            records_bytes += 1024  # a record's line, about
            if with_media:
                sizes.update((m.sha256, m.size or 0) for m in work.media)
        return records_bytes + sum(sizes.values())

    # -- exporters: every format behind one interface (``contentlib.exporters``) ----------

    def exporters(self) -> dict:
        """Every exporter by name (the project's and those installed beside it), for a list of formats."""
        return registry.exporters()

    def plan_export(self, name: str, selection, out: Path, **options) -> ExportPlan:
        """Check that ``out`` can be written, then plan what exporter ``name`` would write there; write nothing.

        :raises NotFound: for an exporter no one registered. :raises CannotWrite: for ``out``'s folder.
        :raises BadParameter: for a selection naming an unknown code or list.
        """
        exporter = registry.exporter(name)
        output_folder(out)
        return exporter.plan(self, selection, **options)

    def write_export(self, plan: ExportPlan, out: Path, task: Task | None = None):
        """Write what ``plan_export`` planned at ``out``; a cancel (``task``) leaves ``out`` as it was."""
        return registry.exporter(plan.exporter).write(self, plan, out, as_task(task))

    def select(self, selection) -> list[str]:
        """The ids of the works a ``selection.Selection`` chooses (its query seen on an up-to-date index).

        :raises BadParameter: for a selection naming an unknown code or list.
        """
        if selection.q:
            self.sync()
        return select_works(self.store, selection, self.search_ids)

    # -- offline: bundles, ZIM files, backups -----------------------------------

    def identity(self) -> keys.Identity:
        """This library's signing identity (its key made on first use under the home), with its settings' name and id."""
        library_id, name = self.site.library_id(), self.site.name()
        key = keys.identity(self.settings["CONTENTLIB_INSTANCE_DIR"], name, library_id)
        return dataclasses.replace(key, id=library_id, name=name)

    @property
    def count_use(self) -> bool:
        return bool(self.settings.get("CONTENTLIB_COUNT_USE", False))

    def plan_bundle(self, selection, light: bool = False, work_ids: list[str] | None = None):
        """The works ``selection`` chooses and the members their bundle would hold: ``(ids, bundle_export.Plan)``."""
        ids = self.select(selection) if work_ids is None else work_ids
        return ids, bundle_export.plan(self.store, self.media, ids, selection.as_dict(), light=light)

    def export_bundle(self, selection, out: Path, light: bool = False, task: Task | None = None, announce=None,
                      work_ids: list[str] | None = None, planned=None):
        """Write the works ``selection`` chooses as a signed bundle at ``out``; return ``(plan, manifest)``.

        :param announce: called with the plan before anything is written (to say what is coming).
        :param task: told ``(bytes written, bytes to write)``; a cancel leaves no bundle.
        :param work_ids: the works already chosen (skips choosing them again); ``planned``: their plan.
        :raises CannotWrite: when ``out``'s folder is missing or cannot be written.
        :raises BadParameter: for a selection naming an unknown code or list.
        """
        ids = self.select(selection) if work_ids is None else work_ids
        return bundle_export.make_bundle(
            self.store, self.media, self.identity(), ids, selection.as_dict(), out, light=light,
            since=selection.since, progress=as_task(task),
            count_use=self.count_use, announce=announce, planned=planned)

    def import_bundle(self, path: Path, allow_untrusted: bool = False, actor: str | None = None,
                      task: Task | None = None, derived_now: bool = True) -> BundleReport:
        """Verify a bundle completely, then bring its works and files in; the index follows at once.

        :param derived_now: make thumbnails and posters before returning (the command line);
            else queue them for the worker (a web request). Light videos are always the worker's.

        :param task: told ``(done, total, stage)``, stage ``verify`` then ``copy``.
        :raises BundleRefused: for a hostile, damaged, untrusted or invalid bundle; nothing was written.
        """
        limits = BundleLimits(**(self.settings.get("CONTENTLIB_BUNDLE_LIMITS") or {}))
        report = importer.import_bundle(
            self.store, self.media, path, limits=limits, media_limits=self.limits, allow_untrusted=allow_untrusted,
            actor=actor, progress=as_task(task))
        attachments.release(self.store, self.media, report.replaced_media)
        if derived_now:
            self.sync()
            self.finish_import(report.work_ids)
        else:
            self.changed(report.work_ids)
            self.sync()
        return report

    def import_bundle_upload(self, stream: BinaryIO, allow_untrusted: bool = False,
                             actor: str | None = None) -> BundleReport:
        """Import a bundle sent as a stream (the admin page): kept in a temporary file under the home meanwhile.

        Derived files are queued for the worker; the temporary file is gone when it returns.

        :raises BundleRefused: for a hostile, damaged, untrusted or invalid bundle; nothing was written.
        """
        fd, tmp = tempfile.mkstemp(dir=self.settings["CONTENTLIB_INSTANCE_DIR"], prefix=".bundle-upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                shutil.copyfileobj(stream, fh, 1024 * 1024)
            return self.import_bundle(Path(tmp), allow_untrusted=allow_untrusted, actor=actor, derived_now=False)
        finally:
            Path(tmp).unlink(missing_ok=True)

    def export_zim(self, selection, out: Path, font: Path, light: bool = False, source: str | None = None,
                   task: Task | None = None, work_ids: list[str] | None = None) -> zim.ZimReport:
        """Write the works ``selection`` chooses as a Kiwix ZIM file at ``out``.

        :param font: the self-hosted Tibetan web font (WOFF2) its pages use.
        :param source: where the works come from (Kiwix shows it), default the public URL.
        :param task: told ``(done, total, stage)``: ``pages``, then ``files``; a cancel leaves no file.
        :raises CannotWrite: when ``out``'s folder is missing or cannot be written.
        """
        ids = self.select(selection) if work_ids is None else work_ids
        info = zim.ZimInfo(source=source or self.site.public_url() or "contentlib")
        report = zim.export_zim(self.store, self.media, ids, out, font, light=light, info=info, progress=as_task(task))
        if self.count_use:
            usage.count_exports(self.store, ids, "zim")
        return report

    def export_site(self, selection, out: Path, font: Path, light: bool = False, announce=None, progress=None,
                    work_ids: list[str] | None = None):
        """Write the works ``selection`` chooses as a folder for any browser, zipped at ``out``; return the plan.

        :param font: the self-hosted Tibetan web font (WOFF2) its pages use.
        :param announce: called with the plan before anything is written.
        :param progress: called as ``progress(members written, members to write)``.
        :raises CannotWrite: when ``out``'s folder is missing or cannot be written.
        :raises BadParameter: for a selection naming an unknown code or list.
        """
        from .. import siteexport
        from ..targets import output_folder

        output_folder(out)  # refused before anything is chosen or made
        chosen = siteexport.plan(self, selection, light=light, work_ids=work_ids)
        if announce:
            announce(chosen)
        siteexport.write(self, chosen, out, font, progress=progress)
        return chosen

    # use counts between libraries

    def export_counts(self, path: Path, since=None, name: str | None = None) -> dict:
        """Write this library's aggregate use counts per work and month as JSON at ``path`` (atomically).

        :param name: this library's name in the file (default: its settings' name).
        """
        me = self.identity()
        data = usage.export_counts(self.store, since=since, library_id=me.id, name=name or me.name)
        # a crash leaves the old file or the new one; two exports at once never share a temporary file
        atomic.write_text(path, json.dumps(data, ensure_ascii=False, indent=1))
        return data

    def import_counts(self, text: str) -> dict:
        """Add a county library's exported counts (again: replaces, never adds twice).

        :raises InvalidRecord: naming what is wrong with the file; nothing was written then.
        """
        return usage.import_counts(self.store, usage.read_counts_file(text), library_id=self.identity().id)

    # "Take offline": a bundle for a teacher, built by a worker

    @property
    def offline(self) -> OfflineJobs:
        """The "Take offline" jobs, in the media store's shared folder (every server and worker sees them)."""
        s = self.settings
        limits = OfflineLimits(pending=int(s.get("CONTENTLIB_OFFLINE_PENDING", OfflineLimits.pending)),
                               daily=int(s.get("CONTENTLIB_OFFLINE_DAILY", OfflineLimits.daily)),
                               max_bytes=int(s.get("CONTENTLIB_OFFLINE_MAX_BYTES", OfflineLimits.max_bytes)))
        return OfflineJobs(self.media.root / ".offline", self.jobs, limits)

    @property
    def web_font(self) -> Path:
        """The self-hosted Tibetan web font (WOFF2) exported pages use."""
        return WEB_FONT

    def offline_forms(self) -> list[tuple[str, str, str]]:
        """What "Take offline" offers, from the exporters' registry: ``(name, button, hint)`` in their order.

        An exporter is offered when it says how (``offer``) and the worker can build its form.
        """
        if self._offline_forms is None:
            offered = sorted((exp.offer[0], name, exp.offer[1], exp.offer[2])
                             for name, exp in registry.exporters().items()
                             if getattr(exp, "offer", None) and name in OFFLINE_FORMS)
            self._offline_forms = [(name, button, hint) for _, name, button, hint in offered]
        return self._offline_forms

    def take_offline(self, user: User, selection, light: bool = False, form: str = "bundle") -> str:
        """Queue the bundle of a list or a search for ``user``; return the job's token.

        ``form``: ``site`` (a folder for any browser), ``zim`` (for Kiwix) or ``bundle`` (for another library).

        The works are chosen now (on this node's index); a worker builds the bundle.
        The same bundle pending, or finished with the catalog unchanged since, is handed back instead.

        :raises NotFound, NotAllowed: for a list that does not exist or is not the user's.
        :raises BadParameter: for a selection naming an unknown code.
        :raises OverLimit: over the user's pending bundles or daily quota (nothing was queued).
        """
        if selection.list_id is not None:
            lists.get(self.store, user, selection.list_id)
        if form not in [name for name, _, _ in self.offline_forms()]:
            raise BadParameter("form", f"unknown form {form!r}")
        return self.offline.request(user.name, self.select(selection), selection, light,
                                    generation=self.store.generation(), form=form)

    def offline_state(self, user: User, token: str) -> dict:
        """The state of a "Take offline" job handed to the user (admins see every one).

        :raises NotFound: for an unknown token or someone else's job.
        """
        state = self.offline.status(token)
        if state is None or (user.name not in state["owners"] and user.role != "admin"):
            raise NotFound("no such offline bundle")
        return state

    def offline_zip(self, user: User, token: str) -> Path:
        """The finished bundle's file. :raises NotFound: unless the job is the user's, done and still kept."""
        path = self.offline.zip_path(token)
        if self.offline_state(user, token)["state"] != "done" or not path.is_file():
            raise NotFound("the bundle is not ready")
        return path

    def build_offline(self, token: str, task: Task | None = None) -> None:
        """Build a queued "Take offline" job in its form (the worker's handler for ``bundle`` jobs); ``task`` may stop it."""
        def bundle(ids, selection, light, out, progress, announce):
            return self.export_bundle(selection, out, light=light, task=progress, announce=announce, work_ids=ids)

        def site(ids, selection, light, out, progress, announce):
            return self.export_site(selection, out, WEB_FONT, light=light, announce=announce, progress=progress,
                                    work_ids=ids), None

        def kiwix(ids, selection, light, out, progress, announce):
            info = zim.ZimInfo(source=self.site.public_url() or "contentlib")
            return zim.export_zim(self.store, self.media, ids, out, WEB_FONT, light=light, info=info,
                                  progress=progress), None

        self.offline.build(token, {"bundle": bundle, "site": site, "zim": kiwix}, task=as_task(task))

    def backup(self, out: Path, task: Task | None = None) -> backup.BackupReport:
        """Write a consistent backup (database, media, settings) to ``out``, even while serving.

        :raises CannotWrite: when ``out``'s folder is missing or cannot be written.
        """
        return backup.backup(out, backup.Locations.from_settings(self.settings), progress=as_task(task))

    def restore(self, path: Path, force: bool = False, task: Task | None = None) -> tuple[RestoreReport, int]:
        """Restore a backup into this home, then rebuild the index; return the report and the index size.

        :param task: told ``(done, total, stage)``: ``media``, then ``index``. A restore replaces the home
            piece by piece, so it is reported, never stopped halfway (a cancel is not read).
        :raises BackupInvalid: before anything is written.
        :raises HomeNotEmpty: unless ``force``, when the home holds works, users or media.
        """
        report = backup.restore(path, backup.Locations.from_settings(self.settings), self.store, force=force,
                                progress=as_task(task).staged("media").progress)
        indexed = self.reindex(task=ReportingTask(as_task(task).staged("index").progress))
        return report, indexed

    def delete(self, work_ids: Iterable[str]) -> dict[str, list[str]]:
        """Delete works; return, per work, the files freed (no other work referenced them).

        :raises WorkNotFound: for an unknown id (the ones before it are deleted).
        """
        freed = {}
        try:
            for work_id in work_ids:
                freed[work_id] = attachments.delete_work(self.store, self.media, work_id)
        finally:
            self.changed()
        return freed

    # -- uploads and the translation workflow ----------------------------------

    def upload(self, work_id: str, lang: str, stream: BinaryIO | None, name: str | None, role: str | None,
               user: User) -> MediaEntry:
        """Check an uploaded file by its content and attach it as a draft file of the version.

        The bytes are written once (into the media store's staging area) and
        inspected once; a refused file leaves nothing behind.

        :returns: the entry as stored (a draft, with its uploader), for the door to describe.
        :raises MediaRejected: no file, or a file the checks refuse.
        :raises WorkNotFound: before any byte is kept.
        """
        workflow.status(self.store, work_id, lang)
        if stream is None or not name:
            raise MediaRejected("Choose a file to upload.", reason="missing")
        entry = attachments.ingest_stream(self.media, stream, name, work_id, lang, role or None, self.limits)
        try:
            position = workflow.attach_media(self.store, user, work_id, lang, entry)
        except BaseException:
            attachments.release(self.store, self.media, [entry.sha256])
            raise
        self.changed([work_id])
        return self.store.get_work(work_id, public=False).media[position]

    def save_draft(self, user: User, work_id: str, lang: str, fields: dict,
                   submit: bool = False) -> workflow.VersionStatus:
        """Save the working draft of a language version (read back from the database, not the index).

        :param submit: then submit it for review.
        """
        st = workflow.save_draft(self.store, user, work_id, lang, fields)
        self.changed()
        return self.submit(user, work_id, lang) if submit else st

    def editing(self, work_id: str, lang: str, source_lang: str) -> Editing:
        """The editor's view of a version: its text, the source language's beside it, glossary hints, its files.

        :raises WorkNotFound: for an unknown work.
        """
        st = workflow.status(self.store, work_id, lang)
        work = self.store.get_work(work_id)
        source = work.versions.get(source_lang)
        source_text = " ".join(filter(None, [source.title, source.description, " ".join(source.keywords)])) \
            if source else ""
        return Editing(work=work, status=st, text=st.working or st.public or workflow.VersionText(),
                       source_lang=source_lang, source=source, hints=glossary.found_in(self.store, source_text),
                       files=[m for m in self.store.get_work(work_id, public=False).media if m.lang == lang])

    def reviewing(self, user: User, work_id: str, lang: str, source_lang: str) -> Reviewing:
        """The reviewer's view of a version: field by field diffs, its files (drafts too), history, four eyes.

        :raises WorkNotFound: for an unknown work.
        """
        st = workflow.status(self.store, work_id, lang)
        old, new = st.public or workflow.VersionText(), st.working or workflow.VersionText()
        diffs = [(name, workflow.diff(old.as_dict()[name] if name != "keywords" else ", ".join(old.keywords),
                                      new.as_dict()[name] if name != "keywords" else ", ".join(new.keywords)))
                 for name in workflow.TEXT_FIELDS]
        work = self.store.get_work(work_id)
        try:
            segments = self.translation.review(user, work_id, lang)
        except InvalidRecord:  # the work's source language itself, or a work with no text to translate from
            segments = None
        return Reviewing(work=work, status=st, diffs=diffs, source_lang=source_lang,
                         source=work.versions.get(source_lang),
                         files=[m for m in self.store.get_work(work_id, public=False).media if m.lang == lang],
                         may_review=user.can("review") and user.name not in st.editors,
                         history=[h for h in workflow.history(self.store, work_id) if h["lang"] == lang],
                         segments=segments)

    def submit(self, user: User, work_id: str, lang: str) -> workflow.VersionStatus:
        st = workflow.submit(self.store, user, work_id, lang)
        self.changed()
        return st

    def approve(self, user: User, work_id: str, lang: str) -> workflow.VersionStatus:
        replaced = self.translation.replaced_files(work_id, lang)  # tracks the workbench made anew
        st = workflow.approve(self.store, user, work_id, lang)
        attachments.release(self.store, self.media, replaced)
        self.changed()
        return st

    def reject(self, user: User, work_id: str, lang: str, comment: str | None) -> workflow.VersionStatus:
        st = workflow.reject(self.store, user, work_id, lang, comment)
        self.changed()
        return st

    def version(self, work_id: str, lang: str) -> workflow.VersionStatus:
        return workflow.status(self.store, work_id, lang)

    def queue(self) -> list[workflow.QueueItem]:
        """The working versions (drafts and reviews), most recently changed first: the editors' queue.

        Each knows its work's source language, so a page offers the workbench only for a translation.
        """
        items = workflow.queue(self.store)
        works = self.store.get_works(list(dict.fromkeys(i.work_id for i in items)))
        sources = {w.id: source_language(w) for w in works}
        return [dataclasses.replace(i, source_lang=sources.get(i.work_id)) for i in items]

    def history(self, work_id: str) -> list[dict]:
        return workflow.history(self.store, work_id)

    # -- harvesters, keys, use counts ------------------------------------------

    def oai_response(self, repository: oai.Repository, args: dict[str, list[str]]) -> bytes:
        """Answer one OAI-PMH request (its arguments, repeats kept) as XML."""
        return oai.Handler(self.store, repository).respond(args)

    def trust_key(self, public_key: str, name: str | None = None) -> bool:
        """Accept bundles signed by another library's key; False when it was trusted already.

        :raises InvalidRecord: for a malformed key.
        """
        return keys.trust(self.store, public_key, name)

    def trusted_keys(self) -> list[tuple[str, str | None]]:
        """The trusted keys with their names."""
        return keys.trusted(self.store)

    def local_library(self, name: str | None = None) -> tuple[str, str]:
        """This library's id and name in the use counts, made once (before requests race to make it).

        They follow its settings (``library.site``), which the first start writes; ``name`` renames it there only.
        """
        self.site.ensure()
        return usage.local_library(self.store, name or self.site.name(), self.site.library_id())

    def use_counter(self, interval: float) -> usage.Counter:
        """A counter of views, plays and downloads that writes its tallies every ``interval`` seconds."""
        return usage.Counter(self.store, interval=interval)

    # -- the vocabulary -----------------------------------------------------------

    def set_labels(self, scheme: str, code: str, labels: dict[str, str]) -> int:
        """Set the labels of a vocabulary term, one per language; empty or unchanged ones are left; return how many.

        :raises NotFound: for a scheme or code this library does not know.
        """
        term = self.store.vocabulary().get(scheme, code)
        if term is None:
            raise NotFound(f"no term {scheme}/{code}")
        refused = [xmltext.problem(f"labels.{lang}", labels.get(lang)) for lang in LANGUAGES]
        if any(refused):
            raise InvalidRecord([p for p in refused if p])
        changed = 0
        for lang in LANGUAGES:
            value = (labels.get(lang) or "").strip()
            if value and value != term.labels.get(lang):
                self.store.set_label(scheme, code, lang, value)
                changed += 1
        return changed

    # -- the index and the jobs ----------------------------------------------

    def changed(self, work_ids: Iterable[str] = ()) -> None:
        """Queue derived files for works that changed; apply the index now only in sync mode."""
        for work_id in work_ids:
            self.jobs.put(work_id)
        if self.index_sync:
            self.sync()

    def sync(self, refresh: bool = True) -> int:
        """Apply pending changes to this node's index (waiting for the writer lock) and to the translation memory.

        :param refresh: also bring this process's fuzzy index of the memory up to date (else its next look-up does).
        """
        applied = indexing.drain(self.store, self.index)
        self._follow_memory(refresh=refresh)
        return applied

    def apply_pending(self) -> int:
        """Apply pending changes unless another process holds the writer (the applier's pass); the memory follows."""
        applied = indexing.drain(self.store, self.index, blocking=False)
        self._follow_memory(blocking=False)
        return applied

    def _follow_memory(self, blocking: bool = True, refresh: bool = True) -> None:
        """Bring the translation memory up to date; a failure is logged, never the caller's (it retries later)."""
        try:
            self.translation.follow_memory(blocking=blocking, refresh=refresh)
        except (DatabaseUnavailable, CannotWrite) as exc:  # the fault is reported where it is met: one line here
            log.warning("the translation memory follows later: %s", exc)
        except Exception:
            log.exception("following the outbox into the translation memory failed")

    def reindex(self, task: Task | None = None) -> int:
        """Rebuild this node's index from the database and swap it in; return its size.

        :param task: told now and then ``(works read, total)``; a cancel keeps the old index.
        """
        task = as_task(task)
        count = indexing.rebuild(self.store, self.index, progress=task)
        task.progress(count, count)
        return count

    def rebuild_in_background(self) -> threading.Thread:
        """Start a rebuild unless one is running (the writer lock tells)."""
        def run():
            try:
                with self.index.lock(blocking=False) as got:
                    if got:
                        indexing.rebuild(self.store, self.index, locked=True)
            except Exception:
                log.exception("background index rebuild failed")

        thread = threading.Thread(target=run, name="contentlib-rebuild", daemon=True)
        thread.start()
        return thread

    def recent_jobs(self, limit: int = 200) -> list:
        """The newest jobs with their state (the admin's jobs page, ``contentlib jobs list``)."""
        return self.jobs.recent(limit)

    def cancel_job(self, job_id: int) -> str:
        """Ask a job to stop: a waiting one is cancelled now, a running one at its next check; return its state.

        What a stopped job was writing is left as it was (``contentlib.longwork``).
        :raises NotFound: for a job that is not in the table (never was, or finished).
        """
        return self.jobs.cancel(job_id)

    def run_derived_jobs(self) -> int:
        """Run every waiting job now (derived files, cover cards ...); return how many ran."""
        return worker.run_once(self, limit=10_000)

    def unfinished(self) -> list[str]:
        """The ids of works with derived files still to make (thumbnails, posters, light videos)."""
        return list(dict.fromkeys(  # the media rows only: works without files cost nothing
            work_id for work_id, entry in self.store.all_media_entries()
            if attachments.needs_renditions(entry) or lightvideo.needs_light(entry)))

    def make_derived(self, work_id: str, task: Task | None = None) -> int:
        """Make a work's missing derived files now, light videos included; return how many light videos were made.

        :param task: told ``(seconds encoded, seconds)`` while a light video is encoded.
        """
        attachments.finish_work(self.store, self.media, work_id, self.limits)
        made = lightvideo.finish_light(self.store, self.media, work_id, progress=as_task(task))
        books.finish_books(self.store, self.media, work_id, self.limits)  # the reader's pages and chapters
        return made

    def queue_unfinished(self) -> int:
        """Queue works whose derived files a crash left unmade; return how many."""
        ids = self.unfinished()
        for work_id in ids:
            self.jobs.put(work_id)
        return len(ids)

    def outbox_lag(self) -> int:
        """Changes written to the database and not yet applied to this node's index."""
        return indexing.lag(self.store, self.index)

    def outbox_consumers(self) -> list[tuple[str, int, float]]:
        """Every index that follows the outbox, as ``(name, last applied sequence, last heartbeat)``."""
        return self.store.consumers()

    def status(self) -> Status:
        health = self.index.health()
        jobs = self.jobs.counts()
        return Status(works_in_db=self.store.count_works(), works_in_index=health.works,
                      outbox_lag=self.outbox_lag(), jobs_queued=jobs["queued"], jobs_running=jobs["running"],
                      jobs_failed=jobs["failed"],
                      index_bytes=_dir_size(self.index_dir), media_bytes=_dir_size(self.media.root),
                      index_ready=health.ready, disks=tuple(self.disks()))

    def disks(self) -> list[disk.Disk]:
        """The file systems of the home, the media, the index and a SQLite database, each with its free space.

        ``low`` marks those with less than ``CONTENTLIB_MIN_FREE_MB`` left (status, /readyz, the admin pages).
        """
        folders = {"home": Path(self.settings.get("CONTENTLIB_INSTANCE_DIR") or self.index_dir.parent),
                   "media": self.media.root, "index": self.index_dir}
        url = self.db_url or ""
        if url.startswith("sqlite:///"):
            folders["database"] = Path(url[len("sqlite:///"):]).parent
        min_free = float(self.settings.get("CONTENTLIB_MIN_FREE_MB", 1024)) * 2 ** 20
        return disk.space(folders, int(min_free))

    def readiness(self) -> dict:
        """Whether this node can serve: the database answers and the index is open; with the outbox lag."""
        try:
            self.store.ping()
            database = True
        except Exception as exc:  # any failure to reach it means not ready
            log.warning("database not reachable: %s", exc)
            database = False
        health = self.index.health()
        lag = None
        if database:
            try:
                lag = self.outbox_lag()
            except Exception:
                log.exception("reading the outbox lag failed")
        low = [{"name": d.name, "path": d.path, "free_mb": d.free // 2 ** 20} for d in self.disks() if d.low]
        return {"ready": database and health.ready, "database": database, "index": health.ready,
                "works_in_index": health.works, "outbox_lag": lag, "disk_low": low}
