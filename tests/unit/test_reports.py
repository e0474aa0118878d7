"""Report figures from a known history (tests/unit/report_history.py), on SQLite and PostgreSQL."""

from datetime import date

import pytest

from contentlib import reports, usage
from contentlib.errors import BadParameter, InvalidRecord
from contentlib.reports import Filters, Period
from tests.unit import report_history

Q1 = Period("2026-01", "2026-03")


@pytest.fixture
def history(store):
    report_history.build(store)
    return store


def by_month(body):
    return {r["month"]: r for r in body["months"]}


def test_collection_added_per_month_by_type_and_subject(history):
    body = reports.collection(history, Q1)
    m = by_month(body)
    assert [r["month"] for r in body["months"]] == ["2026-01", "2026-02", "2026-03"]
    assert [m[k]["added"] for k in m] == [2, 1, 1]
    assert m["2026-01"]["by_type"] == {"book": 1, "video": 1}
    assert m["2026-01"]["by_subject"] == {"health": 2}
    assert m["2026-02"]["by_subject"] == {"earth-space": 1}
    assert [m[k]["works"] for k in m] == [2, 3, 4]
    # Tibetan: w-lung from January, w-heart and w-star published in March.
    assert [m[k]["with_tibetan"] for k in m] == [1, 1, 3]
    assert m["2026-03"]["tibetan_share"] == 0.75
    assert body["totals"] == {"added": 4, "by_type": {"book": 2, "video": 2},
                              "by_subject": {"earth-space": 1, "health": 3}, "works": 4, "with_tibetan": 3,
                              "tibetan_share": 0.75}


def test_collection_counts_what_came_before_the_period_and_filters_apply(history):
    body = reports.collection(history, Period("2026-02", "2026-03"))
    assert [r["works"] for r in body["months"]] == [3, 4]
    assert [r["with_tibetan"] for r in body["months"]] == [1, 3]
    health = reports.collection(history, Q1, Filters(subject="health"))
    assert [r["added"] for r in health["months"]] == [2, 0, 1]
    assert [r["with_tibetan"] for r in health["months"]] == [1, 1, 2]
    videos = reports.collection(history, Q1, Filters(type="video"))
    assert videos["totals"]["works"] == 2 and videos["totals"]["with_tibetan"] == 2
    herders = reports.collection(history, Q1, Filters(audience="farmers-herders"))
    assert herders["totals"]["added"] == 1


def test_translation_moves_per_month_and_median_days(history):
    body = reports.translation(history, Q1)
    m = by_month(body)
    assert m["2026-01"]["bo"] == {"drafted": 0, "submitted": 0, "published": 0, "rejected": 0, "median_days": None}
    # February: one draft begun (later saves are not new drafts), one submission, one sent back.
    assert m["2026-02"]["bo"] == {"drafted": 1, "submitted": 1, "published": 0, "rejected": 1, "median_days": None}
    # March: w-star drafted; w-heart resubmitted and w-star submitted; both published (38 and 5 days).
    assert m["2026-03"]["bo"] == {"drafted": 1, "submitted": 2, "published": 2, "rejected": 0, "median_days": 21.5}
    assert m["2026-03"]["zh"] == {"drafted": 1, "submitted": 1, "published": 1, "rejected": 0, "median_days": 2.0}
    assert body["totals"]["bo"] == {"drafted": 2, "submitted": 3, "published": 2, "rejected": 1, "median_days": 21.5}
    assert body["totals"]["zh"]["published"] == 1


def test_widest_tibetan_gaps_come_from_coverage(history):
    gaps = reports.translation(history, Q1)["totals"]["gaps"]
    assert gaps == [{"subject": "health", "works": 3, "with_tibetan": 2, "without_tibetan": 1,
                     "tibetan_share": 0.6667}]  # earth-space has no gap: not listed


def test_a_draft_published_after_the_period_has_its_days_counted_then(history):
    feb = reports.translation(history, Period("2026-02", "2026-02"))
    assert feb["totals"]["bo"]["median_days"] is None
    mar = reports.translation(history, Period("2026-03", "2026-03"))
    assert mar["totals"]["bo"]["median_days"] == 21.5  # w-heart's draft began in February


def test_use_per_month_top_works_and_tibetan_share(history):
    body = reports.usage(history, Q1)
    m = by_month(body)
    assert {k: m["2026-02"][k] for k in ("views", "plays", "downloads", "uses")} == \
        {"views": 8, "plays": 2, "downloads": 0, "uses": 10}
    assert m["2026-02"]["by_language"] == {"bo": 3, "und": 2, "zh": 5}
    assert m["2026-02"]["tibetan_share"] == 0.3
    assert {k: m["2026-03"][k] for k in ("views", "plays", "downloads", "downloads_light", "exports")} == \
        {"views": 4, "plays": 6, "downloads": 3, "downloads_light": 2, "exports": 1}
    totals = body["totals"]
    assert (totals["views"], totals["plays"], totals["downloads"], totals["uses"]) == (12, 8, 3, 23)
    assert totals["tibetan_share"] == round(15 / 23, 4)  # 3 + 4 + 6 + 2 Tibetan uses
    assert [(t["work_id"], t["uses"]) for t in totals["top"]["bo"]] == [("w-star", 10), ("w-heart", 3),
                                                                         ("w-lung", 2)]
    assert totals["top"]["bo"][0]["title"] == "སྐར་མ།" and totals["top"]["bo"][0]["title_lang"] == "bo"
    assert [(t["work_id"], t["uses"]) for t in totals["top"]["zh"]] == [("w-heart", 5), ("w-lung", 1)]
    local_id, _ = usage.local_library(history)
    assert [lib["id"] for lib in totals["libraries"]] == [local_id]
    assert m["2026-03"]["libraries"][local_id]["plays"] == 6


def test_use_filtered_by_subject(history):
    body = reports.usage(history, Q1, Filters(subject="earth-space"))
    assert (body["totals"]["views"], body["totals"]["plays"]) == (4, 6)


def export_file(lib_id, name, period, counts):
    return {"format": usage.FORMAT, "library": {"id": lib_id, "name": name},
            "period": {"from": period[0], "to": period[1]}, "exported_at": "2026-04-01",
            "counts": [{"month": m, "work_id": w, "lang": lang, "kind": k, "count": n} for m, w, lang, k, n in counts]}


def test_counts_from_two_counties_give_per_county_figures_and_reimport_changes_nothing(history):
    a = export_file("county-a", "མཚོ་སྔོན་ County A", ("2026-02", "2026-03"),
                    [("2026-02", "w-heart", "bo", "view", 7), ("2026-03", "w-star", "bo", "play", 1)])
    b = export_file("county-b", "县B", ("2026-03", "2026-03"), [("2026-03", "w-heart", "zh", "download", 4)])
    usage.import_counts(history, a)
    usage.import_counts(history, b)
    first = reports.usage(history, Q1)
    libs = {lib["id"]: lib for lib in first["totals"]["libraries"]}
    assert (libs["county-a"]["views"], libs["county-a"]["plays"], libs["county-a"]["name"]) == (7, 1, a["library"]["name"])
    assert libs["county-b"]["downloads"] == 4
    assert first["totals"]["views"] == 12 + 7
    assert by_month(first)["2026-02"]["libraries"]["county-a"]["views"] == 7
    only_b = reports.usage(history, Q1, library="county-b")
    assert (only_b["totals"]["views"], only_b["totals"]["downloads"]) == (0, 4)
    usage.import_counts(history, a)
    usage.import_counts(history, b)
    assert reports.usage(history, Q1) == first
    # A later file for March replaces March, keeps February.
    a2 = export_file("county-a", "County A", ("2026-03", "2026-03"), [("2026-03", "w-star", "bo", "play", 9)])
    usage.import_counts(history, a2)
    libs = {lib["id"]: lib for lib in reports.usage(history, Q1)["totals"]["libraries"]}
    assert (libs["county-a"]["views"], libs["county-a"]["plays"], libs["county-a"]["name"]) == (7, 9, "County A")


def test_export_holds_whole_months_and_round_trips(history, tmp_path):
    data = usage.export_counts(history, since=date(2026, 3, 15), name="Home library", now=date(2026, 4, 2))
    assert data["period"] == {"from": "2026-03", "to": "2026-04"}
    assert data["library"]["name"] == "Home library"
    months = {c["month"] for c in data["counts"]}
    assert months == {"2026-03", "2026-04"}
    star = [c for c in data["counts"] if c["work_id"] == "w-star" and c["kind"] == "play"]
    assert star == [{"month": "2026-03", "work_id": "w-star", "lang": "bo", "kind": "play", "count": 6}]
    with pytest.raises(InvalidRecord, match="own counts"):
        usage.import_counts(history, data)


@pytest.mark.parametrize("mutate, where", [
    (lambda d: d.update(format="other"), "format"),
    (lambda d: d["library"].update(id="../x"), "library.id"),
    (lambda d: d.update(period={"from": "2026-05", "to": "2026-01"}), "period"),
    (lambda d: d["counts"][0].update(count=-1), "counts[0].count"),
    (lambda d: d["counts"][0].update(month="2025-12"), "counts[0].month"),
    (lambda d: d["counts"][0].update(kind="like"), "counts[0].kind"),
    (lambda d: d["counts"].append(dict(d["counts"][0])), "counts[1]"),
])
def test_a_bad_counts_file_is_refused_whole(history, mutate, where):
    data = export_file("county-c", "C", ("2026-01", "2026-03"), [("2026-02", "w-heart", "bo", "view", 3)])
    mutate(data)
    with pytest.raises(InvalidRecord) as exc:
        usage.import_counts(history, data)
    assert where in [p[0] for p in exc.value.problems]
    assert [lib["id"] for lib in reports.libraries(history)] == [usage.local_library(history)[0]]


def test_periods_and_filters_are_checked():
    today = date(2026, 5, 20)
    assert reports.parse_period(None, None, today) == Period("2025-06", "2026-05")
    assert reports.parse_period("2026-01", None, today) == Period("2026-01", "2026-05")
    assert reports.parse_period(None, "2025-12", today) == Period("2025-01", "2025-12")
    for start, end, name in (("2026-13", None, "from"), ("26-01", None, "from"), (None, "2026-1", "to"),
                             ("2026-03", "2026-01", "from"), ("2000-01", "2026-01", "to")):
        with pytest.raises(BadParameter) as exc:
            reports.parse_period(start, end, today)
        assert exc.value.parameter == name
    assert reports.period_of(2026, 3) == Period("2026-07", "2026-09")
    assert reports.period_of(2026) == Period("2026-01", "2026-12")
