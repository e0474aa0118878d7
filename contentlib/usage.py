"""Counting use, privately: page views, plays, downloads and exports per work, language and day.

Only aggregate counts are kept (``tables.usage_daily`` and friends): nothing identifies a visitor. A
request only adds one to a number in memory (``Counter.add``); a background thread
writes the numbers in one transaction every few seconds, adding them to what is
stored (an upsert, so several processes may count into one database). A write the
database refuses for a moment (away, full) keeps its counts for the next one; any other
failure is logged and its counts dropped: counting must never slow or break a page.

Kinds of use:

- ``view``: the work's page was shown (counted under the visitor's interface language);
- ``play``: a video or audio file was started (its first bytes asked for; see the README);
- ``download`` and ``download_light``: the original file, or its light rendition, downloaded;
  plays and downloads count under the file's language, or, for a file in no language (most
  videos), under the language the door passes (the visitor's interface language);
- ``export_bundle`` and ``export_zim``: the work went into a bundle or a ZIM file
  (``count_exports``; counted under the language ``""``, since an export carries all of them);
- ``ask``: a reader asked for a version in the language counted (``Library.ask_translation``).

Counts other libraries send back travel as JSON (``export_counts`` / ``import_counts``).
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import re
import threading
import time
import uuid
from collections import Counter as Tally
from datetime import UTC, date, datetime
from typing import Any

from .errors import DatabaseUnavailable, InvalidRecord, NoSpace
from .store import Store

log = logging.getLogger("contentlib.usage")

KINDS = ("view", "play", "download", "download_light", "export_bundle", "export_zim", "ask")
EXPORT_KINDS = {"bundle": "export_bundle", "zim": "export_zim"}
FORMAT = "contentlib-usage/1"
MONTH_RE = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")  # ASCII digits: \d is any script's
WORK_ID_MAX, LANG_MAX = 64, 8


def today() -> date:
    """Days are UTC days, so every process and every library cuts them alike."""
    return datetime.now(UTC).date()


class Counter:
    """Use counts held in memory and written in batches, off the request.

    :param store: where counts go.
    :param interval: seconds between writes by the background thread.
    :param max_pending: this many distinct keys waiting wake the writer early.
    """

    counted = "use"  # what the log calls a count

    def __init__(self, store: Store, interval: float = 10.0, max_pending: int = 10_000):
        self.store = store
        self.interval = interval
        self.max_pending = max_pending
        self._pending: Tally = Tally()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None

    def add(self, kind: str, work_id: str | None = None, lang: str = "", sha256: str | None = None,
            day: date | None = None) -> None:
        """Count one use of a work (or of a media file, resolved to its work when written). Never raises.

        :param lang: the use's language; for a media file, the one to count under when the file has none.
        """
        try:
            self._tally((day or today(), ("w", work_id) if work_id else ("m", sha256), lang or "", kind))
        except Exception:  # a counter must not break the page it counts
            log.exception("could not count a %s", kind)

    def _tally(self, key) -> None:
        """Hold one count of ``key`` until the next write (sooner when ``max_pending`` keys are held)."""
        with self._lock:
            self._pending[key] += 1
            full = len(self._pending) >= self.max_pending
        self._ensure_thread()
        if full:
            self._wake.set()

    def pending(self) -> int:
        with self._lock:
            return sum(self._pending.values())

    def flush(self) -> int:
        """Write what is pending now; return how many uses were written (0 if the write failed)."""
        with self._lock:
            batch, self._pending = self._pending, Tally()
        if not batch:
            return 0
        try:
            return self._write(batch)
        except (DatabaseUnavailable, NoSpace) as exc:  # nothing was written: keep them for the next write
            with self._lock:
                if len(self._pending) + len(batch) <= self.max_pending * 10:
                    self._pending.update(batch)
                    log.warning("kept %d %s count(s) for later: %s", sum(batch.values()), self.counted, exc)
                    return 0
            log.error("dropped %d %s count(s): %s", sum(batch.values()), self.counted, exc)
            return 0
        except Exception:
            log.exception("dropped %d %s count(s): the write failed", sum(batch.values()), self.counted)
            return 0

    def _write(self, batch: Tally) -> int:
        """Write ``batch`` in one go; return how many counts were written."""
        rows = _resolve(self.store, batch)
        self.store.add_daily_counts(rows)
        return sum(rows.values())

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._pid == os.getpid() and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is not None and self._pid == os.getpid() and self._thread.is_alive():
                return
            self._pid = os.getpid()  # a forked worker process starts its own writer
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="contentlib-usage", daemon=True)
            self._thread.start()
        atexit.register(self.stop)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            self.flush()

    def stop(self) -> None:
        """Stop the writer and write what is left."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self.flush()


def _resolve(store: Store, batch: Tally) -> Tally:
    """Turn media-file keys into work keys (a file's first entry says its work and language).

    A file in a language counts under it; a language-neutral file keeps the language it was counted with.
    """
    shas = {target[1] for _, target, _, _ in batch if target[0] == "m"}
    owners = store.media_owners(shas)
    out: Tally = Tally()
    for (day, target, lang, kind), n in batch.items():
        if target[0] == "w":
            work_id = target[1]
        elif target[1] in owners:
            work_id, file_lang = owners[target[1]]
            lang = file_lang or lang
        else:
            continue  # the file is gone: nothing to count it for
        if work_id and len(work_id) <= WORK_ID_MAX and len(lang) <= LANG_MAX and kind in KINDS:
            out[(day, work_id, lang, kind)] += n
    return out


def add_counts(store: Store, counts: dict) -> None:
    """Add ``{(day, work_id, lang, kind): n}`` to this library's counts at once (tests, demo activity)."""
    store.add_daily_counts(Tally(counts))


def count_exports(store: Store, work_ids, kind: str, day: date | None = None) -> int:
    """Count that these works went into an export of ``kind`` (``"bundle"`` or ``"zim"``), now.

    Callers honour ``CONTENTLIB_COUNT_USE`` (skip the call when it is off). A failing write
    is logged and dropped, like every count.

    :returns: how many works were counted.
    :raises ValueError: for an unknown kind.
    """
    if kind not in EXPORT_KINDS:
        raise ValueError(f"unknown export kind {kind!r}; expected one of {sorted(EXPORT_KINDS)}")
    day = day or today()
    tally = Tally((day, w, "", EXPORT_KINDS[kind]) for w in dict.fromkeys(work_ids) if w)
    try:
        add_counts(store, tally)
    except Exception:
        log.exception("dropped the export counts of %d work(s)", len(tally))
        return 0
    return len(tally)


# -- this library's id, and counts travelling between libraries ---------------------


def local_library(store: Store, name: str | None = None, library_id: str | None = None) -> tuple[str, str]:
    """This library's id and name, kept in the database (made once with a random id).

    :param name: renames it.
    :param library_id: the id it should have (the signing identity's, so bundles and
        exported counts name the library alike); the stored one follows.
    """
    return store.local_library(name, library_id, uuid.uuid4().hex)


def month_of(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def export_counts(store: Store, since: date | None = None, name: str | None = None,
                  now: date | None = None, library_id: str | None = None) -> dict:
    """This library's counts per work, language, kind and month, as the report export file holds them.

    :param since: first day wanted; the export starts at the first of its month, so every
        month in the file is whole and an import can replace it.
    """
    lib_id, lib_name = local_library(store, name, library_id)
    now = now or today()
    start = date(since.year, since.month, 1) if since else None
    per: Tally = Tally()
    first: date | None = None
    for r in store.daily_counts(start):
        per[(month_of(r.day), r.work_id, r.lang, r.kind)] += r[4]  # the count (``r.count`` is tuple's method)
        first = min(first, r.day) if first else r.day
    period_from = month_of(start) if start else month_of(first or now)
    counts = [{"month": m, "work_id": w, "lang": lang, "kind": k, "count": n}
              for (m, w, lang, k), n in sorted(per.items())]
    return {"format": FORMAT, "library": {"id": lib_id, "name": lib_name},
            "period": {"from": period_from, "to": month_of(now)}, "exported_at": now.isoformat(),
            "counts": counts, "unmet": _unmet_to_send(store, period_from)}


UNMET_SENT_FROM = 3  # a query leaves this library only once asked this often in the file's period (as it is shown)
MAX_QUERY = 200


def _unmet_to_send(store: Store, period_from: str) -> list[dict]:
    """This library's unmet searches per month, of the queries asked at least ``UNMET_SENT_FROM`` times in all."""
    rows = store.local_unmet(period_from)
    totals: Tally = Tally()
    for _, lang, query, n in rows:
        totals[(lang, query)] += n
    return [{"month": m, "lang": lang, "q": query, "count": n} for m, lang, query, n in rows
            if totals[(lang, query)] >= UNMET_SENT_FROM]


def _months(period_from: str, period_to: str) -> list[str]:
    y, m = map(int, period_from.split("-"))
    out = []
    while f"{y:04d}-{m:02d}" <= period_to:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def check_counts(data) -> dict:
    """Validate an export file's content completely before anything is written.

    :raises InvalidRecord: listing every problem.
    """
    problems = []
    if not isinstance(data, dict):
        raise InvalidRecord([("file", "must be a JSON object")])
    if data.get("format") != FORMAT:
        problems.append(("format", f"must be {FORMAT!r}"))
    lib = data.get("library")
    if not isinstance(lib, dict) or not isinstance(lib.get("id"), str) or not re.fullmatch(r"[A-Za-z0-9._-]{1,64}",
                                                                                            lib.get("id", "")):
        problems.append(("library.id", "must be 1-64 letters, digits, '.', '_' or '-'"))
    if not isinstance(lib, dict) or not isinstance(lib.get("name"), str) or not lib["name"].strip() \
            or len(lib["name"]) > 200:
        problems.append(("library.name", "must be a non-empty string of at most 200 characters"))
    period: Any = data.get("period")  # decoded JSON, checked just below
    ok_period = (isinstance(period, dict) and all(isinstance(period.get(k), str) and MONTH_RE.match(period[k])
                                                  for k in ("from", "to")) and period["from"] <= period["to"])
    if not ok_period:
        problems.append(("period", "must be {\"from\": \"YYYY-MM\", \"to\": \"YYYY-MM\"} with from <= to"))
    counts = data.get("counts")
    if not isinstance(counts, list):
        problems.append(("counts", "must be a list"))
        counts = []
    seen = set()
    for i, c in enumerate(counts):
        where = f"counts[{i}]"
        if not isinstance(c, dict):
            problems.append((where, "must be an object"))
            continue
        month, work_id, lang, kind, n = (c.get(k) for k in ("month", "work_id", "lang", "kind", "count"))
        if not (isinstance(month, str) and MONTH_RE.match(month)):
            problems.append((where + ".month", "must be YYYY-MM"))
        elif ok_period and not (period["from"] <= month <= period["to"]):
            problems.append((where + ".month", "is outside the file's period"))
        if not (isinstance(work_id, str) and 0 < len(work_id) <= WORK_ID_MAX):
            problems.append((where + ".work_id", f"must be a string of 1-{WORK_ID_MAX} characters"))
        if not (isinstance(lang, str) and len(lang) <= LANG_MAX):
            problems.append((where + ".lang", f"must be a string of at most {LANG_MAX} characters"))
        if kind not in KINDS:
            problems.append((where + ".kind", f"must be one of {', '.join(KINDS)}"))
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            problems.append((where + ".count", "must be a whole number >= 0"))
        key = (month, work_id, lang, kind)
        if key in seen:
            problems.append((where, "repeats a month, work, language and kind"))
        seen.add(key)
    unmet = data.get("unmet", [])
    if not isinstance(unmet, list):
        problems.append(("unmet", "must be a list"))
        unmet = []
    seen_unmet = set()
    for i, u in enumerate(unmet):
        where = f"unmet[{i}]"
        if not isinstance(u, dict):
            problems.append((where, "must be an object"))
            continue
        month, lang, q, n = (u.get(k) for k in ("month", "lang", "q", "count"))
        if not (isinstance(month, str) and MONTH_RE.match(month)) or (
                ok_period and not period["from"] <= month <= period["to"]):
            problems.append((where + ".month", "must be YYYY-MM within the file's period"))
        if lang not in ("bo", "zh"):
            problems.append((where + ".lang", "must be bo or zh"))
        if not (isinstance(q, str) and 0 < len(q) <= MAX_QUERY and q.isprintable()):
            problems.append((where + ".q", f"must be printable text of 1-{MAX_QUERY} characters"))
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            problems.append((where + ".count", "must be a whole number >= 0"))
        if (month, lang, q) in seen_unmet:
            problems.append((where, "repeats a month, language and query"))
        seen_unmet.add((month, lang, q))
    if problems:
        raise InvalidRecord(problems)
    return data


def import_counts(store: Store, data: dict, now: float | None = None, library_id: str | None = None) -> dict:
    """Store another library's counts under its id, replacing what it sent before for the same months.

    Importing the same file twice changes nothing; a file whose period overlaps an earlier one
    replaces the months they share. All or nothing.

    :returns: ``library_id``, ``name``, ``months`` (replaced) and ``rows`` written.
    :raises InvalidRecord: for a malformed file, or this library's own counts.
    """
    check_counts(data)
    lib = data["library"]
    own, _ = local_library(store, library_id=library_id)
    if lib["id"] == own:
        raise InvalidRecord([("library.id", "these are this library's own counts")])
    months = _months(data["period"]["from"], data["period"]["to"])
    rows = [{"library_id": lib["id"], "month": c["month"], "work_id": c["work_id"], "lang": c["lang"],
             "kind": c["kind"], "count": c["count"]} for c in data["counts"] if c["count"] > 0]
    unmet = [{"month": u["month"], "lang": u["lang"], "query": u["q"], "count": u["count"]}
             for u in data.get("unmet", []) if u["count"] > 0]
    store.replace_imported_counts(lib["id"], lib["name"].strip(), months, rows, time.time() if now is None else now,
                                  unmet=unmet)
    return {"library_id": lib["id"], "name": lib["name"].strip(), "months": len(months), "rows": len(rows)}


def read_counts_file(text: str) -> dict:
    """Parse an export file's text.

    :raises InvalidRecord: when it is not JSON.
    """
    try:
        return json.loads(text)
    except ValueError as exc:
        raise InvalidRecord([("file", f"not JSON: {exc}")]) from None
