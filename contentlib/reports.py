"""Figures for the province: what was added, translated and used, month by month.

Everything comes from tables the library already keeps, so the figures cover the
past too: ``version_history`` (every draft, submission, approval, rejection and
import, with its time), the current ``works``/``work_terms`` (type, subjects,
audiences: filters apply to works as they are now), ``usage_daily`` (this
library's counts) and ``usage_imported`` (counts county libraries sent back).
Months are UTC calendar months, ``"YYYY-MM"``. Works deleted since are left out.

Each report answers ``{"months": [{"month": "YYYY-MM", ...}], "totals": {...}}``.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from .csvsafe import to_csv  # noqa: F401  (the one formula-safe writer; the page's CSV files use it)
from .errors import BadParameter
from .model import LANGUAGES, PUBLISHED, WORK_TYPES
from .store import Store
from .usage import MONTH_RE, local_library, month_of

MAX_MONTHS = 240
# Reports cover Unix-time years; 0000 or 9999 would only overflow the calendar's dates.
FIRST_YEAR, LAST_YEAR = 1970, 2999
_YEAR = re.compile(r"[0-9]{4}")
TRANSLATED = ("bo", "zh")           # the languages translation figures follow
USE_KINDS = ("views", "plays", "downloads")
KIND_FIGURE = {"view": "views", "play": "plays", "download": "downloads", "download_light": "downloads",
               "export_bundle": "exports", "export_zim": "exports"}
UNKNOWN_LANG = "und"                # a file with no language (an original video, say)


@dataclass(frozen=True)
class Period:
    """Whole months from ``start`` to ``end``, both ``"YYYY-MM"``, inclusive."""

    start: str
    end: str

    def months(self) -> list[str]:
        y, m = map(int, self.start.split("-"))
        out = []
        while f"{y:04d}-{m:02d}" <= self.end:
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def first_day(self) -> date:
        y, m = map(int, self.start.split("-"))
        return date(y, m, 1)

    def after_last_day(self) -> date:
        y, m = map(int, self.end.split("-"))
        return date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)

    def as_dict(self) -> dict:
        return {"from": self.start, "to": self.end}


def _shift(month: str, delta: int) -> str:
    y, m = map(int, month.split("-"))
    n = y * 12 + (m - 1) + delta
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def parse_period(start: str | None, end: str | None, today: date | None = None) -> Period:
    """Read ``from`` and ``to`` (``YYYY-MM``); by default the twelve months ending this one.

    :raises BadParameter: for a malformed month or one outside the years reports cover, ``from`` after
        ``to``, or a span over 20 years.
    """
    for name, value in (("from", start), ("to", end)):
        if value and not (MONTH_RE.match(value) and FIRST_YEAR <= int(value[:4]) <= LAST_YEAR):
            raise BadParameter(name, f"must be a month as YYYY-MM from {FIRST_YEAR} to {LAST_YEAR}, e.g. 2026-01")
    today = today or datetime.now(UTC).date()
    end = end or (_shift(start, 11) if start and _shift(start, 11) < month_of(today) else month_of(today))
    start = start or _shift(end, -11)
    if start > end:
        raise BadParameter("from", "must not be after 'to'")
    if len(Period(start, end).months()) > MAX_MONTHS:
        raise BadParameter("to", f"a report covers at most {MAX_MONTHS} months")
    return Period(start, end)


def parse_year(year: str, quarter: str | None = None) -> Period:
    """Read a year (``YYYY``) and an optional quarter (``1`` to ``4``) as the report form sends them.

    :raises BadParameter: for anything else (``0000``, ``²``, a year outside the ones reports cover).
    """
    if not (_YEAR.fullmatch(year) and FIRST_YEAR <= int(year) <= LAST_YEAR):
        raise BadParameter("year", f"must be a year from {FIRST_YEAR} to {LAST_YEAR}, such as 2026")
    if quarter and quarter not in ("1", "2", "3", "4"):
        raise BadParameter("quarter", "must be 1, 2, 3 or 4")
    return period_of(int(year), int(quarter) if quarter else None)


def period_of(year: int, quarter: int | None = None) -> Period:
    """A calendar year, or one of its quarters (1-4), as a period."""
    if quarter is None:
        return Period(f"{year:04d}-01", f"{year:04d}-12")
    if quarter not in (1, 2, 3, 4):
        raise BadParameter("quarter", "must be 1, 2, 3 or 4")
    first = 3 * (quarter - 1) + 1
    return Period(f"{year:04d}-{first:02d}", f"{year:04d}-{first + 2:02d}")


@dataclass(frozen=True)
class Filters:
    """Optional narrowing to works of one subject, type and/or audience (as the works are now)."""

    subject: str | None = None
    type: str | None = None
    audience: str | None = None

    def any(self) -> bool:
        return bool(self.subject or self.type or self.audience)

    def as_dict(self) -> dict:
        return {k: v for k, v in (("subject", self.subject), ("type", self.type), ("audience", self.audience)) if v}


def parse_filters(subject: str | None, type: str | None, audience: str | None, vocabulary) -> Filters:
    """Check the filter codes against the vocabulary.

    :raises BadParameter: for an unknown code.
    """
    if subject and not vocabulary.has("subjects", subject):
        raise BadParameter("subject", f"unknown code {subject!r}")
    if type and type not in WORK_TYPES:
        raise BadParameter("type", f"unknown code {type!r}")
    if audience and not vocabulary.has("audiences", audience):
        raise BadParameter("audience", f"unknown code {audience!r}")
    return Filters(subject or None, type or None, audience or None)


def _month(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m")


def _works(store: Store, filters: Filters) -> dict[str, dict]:
    """The works the filters keep: id -> type, subjects, audiences."""
    out = store.works_with_terms()
    return {i: w for i, w in out.items()
            if (not filters.type or w["type"] == filters.type)
            and (not filters.subject or filters.subject in w["subjects"])
            and (not filters.audience or filters.audience in w["audiences"])}


def _history(store: Store, ids, langs=None):
    return [r for r in store.history_events(langs) if r.work_id in ids]


# -- the collection -------------------------------------------------------------------


def collection(store: Store, period: Period, filters: Filters = Filters()) -> dict:
    """Works added per month by type and subject, and how many have a Tibetan version over time.

    A work is added when its first history row was written (its import or first edit);
    it has a Tibetan version from a history row that publishes Tibetan text (an approval,
    or an import carrying it) until an import removes that text.
    """
    ws = _works(store, filters)
    rows = _history(store, ws)
    public_bo = {work_id for work_id, _ in store.published_langs("bo", blank_is_missing=False)}
    added: dict[str, str] = {}
    bo_events: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for r in rows:
        added.setdefault(r.work_id, _month(r.at))
        if r.lang == "bo" and r.to_state == PUBLISHED:
            bo_events[r.work_id].append((_month(r.at), True))
        elif r.lang == "bo" and r.action == "import" and r.to_state == "missing":
            bo_events[r.work_id].append((_month(r.at), False))
    for work_id, w in ws.items():  # no history at all (a database older than it): added when last written
        added.setdefault(work_id, _month(w["updated_at"]))
        if work_id in public_bo and not bo_events[work_id]:
            bo_events[work_id].append((added[work_id], True))
    # Per work, its Tibetan state at the end of each month it changed; then +1/-1 where it flips.
    delta: Counter = Counter()
    for events in bo_events.values():
        by_month: dict[str, bool] = {}
        for m, on in events:
            by_month[m] = on  # the month's last event wins
        state = False
        for m in sorted(by_month):
            if by_month[m] != state:
                state = by_month[m]
                delta[m] += 1 if state else -1
    cum_total = sum(1 for m in added.values() if m < period.start)
    cum_bo = sum(n for m, n in delta.items() if m < period.start)
    tot_type: Counter[str] = Counter()
    tot_subject: Counter[str] = Counter()
    out: list[dict[str, Any]] = []
    for month in period.months():
        new = [i for i, m in added.items() if m == month]
        by_type = Counter(ws[i]["type"] for i in new)
        by_subject = Counter(s for i in new for s in ws[i]["subjects"])
        tot_type.update(by_type)
        tot_subject.update(by_subject)
        cum_total += len(new)
        cum_bo += delta.get(month, 0)
        out.append({"month": month, "added": len(new), "by_type": dict(sorted(by_type.items())),
                    "by_subject": dict(sorted(by_subject.items())), "works": cum_total, "with_tibetan": cum_bo,
                    "tibetan_share": _share(cum_bo, cum_total)})
    last = out[-1] if out else {"works": 0, "with_tibetan": 0}
    totals = {"added": sum(r["added"] for r in out), "by_type": dict(sorted(tot_type.items())),
              "by_subject": dict(sorted(tot_subject.items())), "works": last["works"],
              "with_tibetan": last["with_tibetan"], "tibetan_share": _share(last["with_tibetan"], last["works"])}
    return {"period": period.as_dict(), "filters": filters.as_dict(), "months": out, "totals": totals}


def _share(part: int | float, whole: int | float) -> float | None:
    return round(part / whole, 4) if whole else None


# -- translation ----------------------------------------------------------------------


def _median(values) -> float | None:
    return round(statistics.median(values), 2) if values else None


def translation(store: Store, period: Period, filters: Filters = Filters(), gaps: int = 10) -> dict:
    """Tibetan and Chinese versions drafted, sent to review, published and sent back per month.

    - drafted: a draft begun on a version with no draft (a first translation, or a new edit
      of a published one); later saves of the same draft are not counted again;
    - submitted, published, rejected: the review moves (``submit``, ``approve``, ``reject``);
    - median_days: from the first save of a draft to its approval, over approvals in the month.

    The totals also list the subjects with the widest Tibetan gap now: works without a
    published Tibetan version, most first (``gaps`` of them; subjects with no gap are left out).
    """
    ws = _works(store, filters)
    rows = _history(store, ws, TRANSLATED)
    public = defaultdict(set)
    for work_id, lang in store.published_langs():
        public[lang].add(work_id)
    inside = set(period.months())
    counts: dict[str, dict[str, Counter[str]]] = {m: {lang: Counter() for lang in TRANSLATED}
                                                  for m in period.months()}
    days: dict[str, dict[str, list[float]]] = {m: {lang: [] for lang in TRANSLATED} for m in period.months()}
    started: dict[tuple[str, str], float] = {}
    for r in rows:
        key, month = (r.work_id, r.lang), _month(r.at)
        figure = None
        if r.action == "edit":
            if key not in started:
                started[key] = r.at
            if r.from_state in ("missing", PUBLISHED):
                figure = "drafted"
        elif r.action == "submit":
            figure = "submitted"
        elif r.action == "reject":
            figure = "rejected"
        elif r.action == "approve":
            figure = "published"
            begun = started.pop(key, None)
            if begun is not None and month in inside:
                days[month][r.lang].append((r.at - begun) / 86400)
        if figure and month in inside:
            counts[month][r.lang][figure] += 1
    figures = ("drafted", "submitted", "published", "rejected")
    out: list[dict[str, Any]] = []
    for m in period.months():
        row: dict[str, Any] = {"month": m}
        for lang in TRANSLATED:
            row[lang] = {f: counts[m][lang][f] for f in figures}
            row[lang]["median_days"] = _median(days[m][lang])
        out.append(row)
    totals: dict[str, Any] = {}
    for lang in TRANSLATED:
        totals[lang] = {f: sum(r[lang][f] for r in out) for f in figures}
        totals[lang]["median_days"] = _median([d for m in period.months() for d in days[m][lang]])
    by_subject: dict[str, Counter] = defaultdict(Counter)
    for work_id, w in ws.items():
        for s in w["subjects"]:
            by_subject[s]["works"] += 1
            by_subject[s]["with_tibetan"] += work_id in public["bo"]
    gap_rows: list[dict[str, Any]] = [{"subject": s, "works": c["works"], "with_tibetan": c["with_tibetan"],
                 "without_tibetan": c["works"] - c["with_tibetan"],
                 "tibetan_share": _share(c["with_tibetan"], c["works"])} for s, c in by_subject.items()]
    gap_rows.sort(key=lambda g: (-g["without_tibetan"], g["tibetan_share"] or 0, g["subject"]))
    totals["gaps"] = [g for g in gap_rows if g["without_tibetan"]][:gaps]
    return {"period": period.as_dict(), "filters": filters.as_dict(), "months": out, "totals": totals}


# -- use --------------------------------------------------------------------------------


def libraries(store: Store) -> list[dict]:
    """This library first, then every library whose counts were imported, by name."""
    local_library(store)
    rows = store.library_rows()
    return [{"id": r.id, "name": r.name, "local": bool(r.local), "period_from": r.period_from,
             "period_to": r.period_to, "imported_at": r.imported_at} for r in rows]


def _use_rows(store: Store, period: Period, ids: set | None, library: str | None):
    """(library id, month, work id, lang, kind, count) for the period, local and imported."""
    local_id = local_library(store)[0]
    if library in (None, local_id):
        for r in store.daily_sums(period.first_day(), period.after_last_day()):
            if ids is None or r.work_id in ids:
                yield local_id, month_of(r.day), r.work_id, r.lang, r.kind, int(r[4])  # r[4]: the summed count
    if library != local_id:
        for r in store.imported_counts(period.start, period.end, library):
            if ids is None or r.work_id in ids:
                yield r.library_id, r.month, r.work_id, r.lang, r.kind, int(r._mapping["count"])  # r.count: tuple's


def _figures(tally: Counter) -> dict:
    out = {f: tally.get(f, 0) for f in USE_KINDS}
    out["downloads_light"] = tally.get("downloads_light", 0)
    out["exports"] = tally.get("exports", 0)
    return out


def usage(store: Store, period: Period, filters: Filters = Filters(), library: str | None = None,
          top: int = 10) -> dict:
    """Views, plays and downloads per month; the most used works per language; the Tibetan share.

    Uses (for shares and rankings) are views + plays + downloads; exports are reported beside them.
    Each month row also has the same figures per library (this one and every county that sent
    its counts back), and the totals list the libraries.

    :param library: only this library's counts (its id), else all of them together.
    """
    ids = set(_works(store, filters)) if filters.any() else None
    months: dict[str, Counter[str]] = {m: Counter() for m in period.months()}
    langs: dict[str, Counter[str]] = {m: Counter() for m in period.months()}
    per_lib: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    per_work: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for lib, month, work_id, lang, kind, n in _use_rows(store, period, ids, library):
        figure = KIND_FIGURE.get(kind)
        if figure is None or month not in months:
            continue
        lang = lang or UNKNOWN_LANG
        months[month][figure] += n
        per_lib[lib][month][figure] += n
        if kind == "download_light":
            months[month]["downloads_light"] += n
            per_lib[lib][month]["downloads_light"] += n
        if figure in USE_KINDS:
            langs[month][lang] += n
            per_work[lang][work_id][figure] += n
    libs = {lib["id"]: lib for lib in libraries(store)}
    out = []
    for m in period.months():
        uses = sum(langs[m].values())
        row = {"month": m, **_figures(months[m]), "uses": uses, "by_language": dict(sorted(langs[m].items())),
               "tibetan_share": _share(langs[m].get("bo", 0), uses),
               "libraries": {lib: _figures(per_lib[lib][m]) for lib in sorted(per_lib)}}
        out.append(row)
    total: Counter[str] = Counter()
    for month_tally in months.values():
        total.update(month_tally)
    by_lang: Counter[str] = Counter()
    for c in langs.values():
        by_lang.update(c)
    uses = sum(by_lang.values())
    titles = store.published_titles({w for lang in per_work for w in per_work[lang]})
    top_works = {}
    for lang in (*LANGUAGES, UNKNOWN_LANG):
        ranked = sorted(per_work.get(lang, {}).items(), key=lambda kv: (-sum(kv[1][f] for f in USE_KINDS), kv[0]))
        top_works[lang] = [{"work_id": w, **_title(titles.get(w, {}), lang), **{f: c[f] for f in USE_KINDS},
                            "uses": sum(c[f] for f in USE_KINDS)} for w, c in ranked[:top]]
    lib_rows = []
    for lib_id in sorted(per_lib, key=lambda i: (not libs.get(i, {}).get("local"), libs.get(i, {}).get("name", i))):
        tally: Counter[str] = Counter()
        for c in per_lib[lib_id].values():
            tally.update(c)
        info = libs.get(lib_id, {"name": lib_id, "local": False})
        lib_rows.append({"id": lib_id, "name": info["name"], "local": info["local"], **_figures(tally),
                         "uses": sum(tally[f] for f in USE_KINDS)})
    totals = {**_figures(total), "uses": uses, "by_language": dict(sorted(by_lang.items())),
              "tibetan_share": _share(by_lang.get("bo", 0), uses), "top": top_works, "libraries": lib_rows}
    return {"period": period.as_dict(), "filters": filters.as_dict(), "library": library, "months": out,
            "totals": totals}


def _title(found: dict, lang: str) -> dict:
    """The work's title in ``lang``, else another, with the language it is in."""
    for candidate in (lang, "zh", "bo", "en"):
        if found.get(candidate):
            return {"title": found[candidate], "title_lang": candidate}
    return {"title": None, "title_lang": None}


# -- tables (the CSV files, and the numbers beside each chart) -----------------------------


def tables(collection_body: dict, translation_body: dict, usage_body: dict, label=None) -> dict:
    """Every table of the report as ``name -> (header, rows)``, plain values for CSV.

    :param label: ``label(scheme, code) -> str``, for subject and type names beside their codes.
    """
    label = label or (lambda scheme, code: code)
    c, t, u = collection_body, translation_body, usage_body
    types = sorted({k for r in c["months"] for k in r["by_type"]})
    subjects = sorted({k for r in c["months"] for k in r["by_subject"]})
    out = {
        "collection": (["month", "added", *[f"type:{k}" for k in types], *[f"subject:{k}" for k in subjects],
                        "works", "with_tibetan", "tibetan_share"],
                       [[r["month"], r["added"], *[r["by_type"].get(k, 0) for k in types],
                         *[r["by_subject"].get(k, 0) for k in subjects], r["works"], r["with_tibetan"],
                         r["tibetan_share"]] for r in c["months"]]),
        "translation": (["month", *[f"{lang}_{f}" for lang in TRANSLATED
                                    for f in ("drafted", "submitted", "published", "rejected", "median_days")]],
                        [[r["month"], *[r[lang][f] for lang in TRANSLATED
                                        for f in ("drafted", "submitted", "published", "rejected", "median_days")]]
                         for r in t["months"]]),
        "gaps": (["subject", "subject_label", "works", "with_tibetan", "without_tibetan", "tibetan_share"],
                 [[g["subject"], label("subjects", g["subject"]), g["works"], g["with_tibetan"],
                   g["without_tibetan"], g["tibetan_share"]] for g in t["totals"]["gaps"]]),
        "usage": (["month", "views", "plays", "downloads", "downloads_light", "exports", "uses", "tibetan_uses",
                   "tibetan_share"],
                  [[r["month"], r["views"], r["plays"], r["downloads"], r["downloads_light"], r["exports"],
                    r["uses"], r["by_language"].get("bo", 0), r["tibetan_share"]] for r in u["months"]]),
        "top": (["lang", "rank", "work_id", "title", "views", "plays", "downloads", "uses"],
                [[lang, i + 1, w["work_id"], w["title"] or "", w["views"], w["plays"], w["downloads"], w["uses"]]
                 for lang, ranked in u["totals"]["top"].items() for i, w in enumerate(ranked)]),
        "libraries": (["library_id", "name", "views", "plays", "downloads", "downloads_light", "exports", "uses"],
                      [[lib["id"], lib["name"], lib["views"], lib["plays"], lib["downloads"],
                        lib["downloads_light"], lib["exports"], lib["uses"]] for lib in u["totals"]["libraries"]]),
    }
    names = {lib["id"]: lib["name"] for lib in u["totals"]["libraries"]}
    out["library-months"] = (["month", "library_id", "name", "views", "plays", "downloads"],
                             [[r["month"], lib, names.get(lib, lib), f["views"], f["plays"], f["downloads"]]
                              for r in u["months"] for lib, f in r["libraries"].items()])
    return out


TABLES = ("collection", "translation", "gaps", "usage", "top", "libraries", "library-months")
