"""The /reports page: the collection, translation and use for a period, in charts with their tables, CSV and print.

Admins and reviewers see everything; with ``CONTENTLIB_PUBLIC_REPORTS`` on, other
visitors see a summary (the monthly charts, without per-work and per-library figures).
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import format_date

from contentlib import reports as core
from contentlib.model import WORK_TYPES

from . import charts
from .auth import acting_user
from .errors import render_error
from .extensions import login_manager
from .i18n import label
from .resources import get_library
from .texts import lazy_gettext as _l

bp = Blueprint("reports", __name__)

FIGURE_NAMES = {
    "added": _l("Works added"), "works": _l("Works"), "with_tibetan": _l("With a Tibetan version"),
    "drafted": _l("Drafted"), "submitted": _l("Sent to review"), "published": _l("Published"),
    "rejected": _l("Sent back"), "median_days": _l("Median days from first draft to publication"),
    "views": _l("Views"), "plays": _l("Plays"), "downloads": _l("Downloads"), "exports": _l("In exports"),
    "uses": _l("Uses"), "tibetan_share": _l("Tibetan share"), "without_tibetan": _l("Without a Tibetan version"),
    "downloads_light": _l("Light downloads"),
}
PUBLIC_TABLES = ("collection", "translation", "gaps", "usage")


def _access() -> str | None:
    """``"full"`` for admins and reviewers, ``"summary"`` for others when the summary is public."""
    user = acting_user()
    if user is not None and user.can("review"):
        return "full"
    if current_app.config["CONTENTLIB_PUBLIC_REPORTS"]:
        return "summary"
    return None


def _refuse():
    if acting_user() is None:
        return login_manager.unauthorized()
    return render_error(403, "your role may not do this")


def _period_and_filters():
    """A year (and quarter) from the form, else ``from``/``to`` months; and the filters."""
    args = request.args
    return get_library().report_request(args.get("from") or None, args.get("to") or None, args.get("subject"),
                                        args.get("type"), args.get("audience"), year=args.get("year") or None,
                                        quarter=args.get("quarter") or None)


# CLDR's Tibetan short month is "ཟླ་༡" (a Tibetan digit) while its years and every number on
# the page (numberformat: CLDR's default numbering for bo is Latin) are Latin: "ཟླ་༡ 2026".
# The Tibetan interface uses Latin digits throughout, so a month's digits are made Latin too.
LATIN_DIGITS = str.maketrans("༠༡༢༣༤༥༦༧༨༩", "0123456789")


def _month_labels(months: list[str]) -> list[tuple[str, str]]:
    """Each month in the visitor's language (Tibetan: ཟླ་3, Latin digits), with its year."""
    out = []
    for m in months:
        d = date(int(m[:4]), int(m[5:]), 1)
        out.append((format_date(d, "MMM").translate(LATIN_DIGITS), m[:4]))
    return out


def _charts(collection, translation, usage, width: int = charts.WIDTH) -> dict:
    """The page's charts at ``width`` user units."""
    labels = _month_labels([r["month"] for r in collection["months"]])
    types = [t for t in WORK_TYPES if any(r["by_type"].get(t) for r in collection["months"])]

    def series(keys, rows, pick):
        return [charts.Series(k, str(FIGURE_NAMES[k]), [pick(r, k) for r in rows]) for k in keys]

    added = [charts.Series(t, label("types", t), [r["by_type"].get(t, 0) for r in collection["months"]])
             for t in types] or [charts.Series("added", str(FIGURE_NAMES["added"]), [0] * len(labels))]
    return {
        "added": charts.month_bars(labels, added, width=width),
        "tibetan": charts.month_lines(labels, series(("works", "with_tibetan"), collection["months"],
                                                     lambda r, k: r[k]), width=width),
        "translation": charts.month_bars(labels, series(("drafted", "submitted", "published", "rejected"),
                                                        translation["months"], lambda r, k: r["bo"][k]),
                                         stacked=False, width=width),
        "gaps": charts.horizontal_bars([(label("subjects", g["subject"]), g["without_tibetan"], None)
                                        for g in translation["totals"]["gaps"]], width=width),
        "usage": charts.month_bars(labels, series(("views", "plays", "downloads"), usage["months"],
                                                  lambda r, k: r[k]), width=width),
        "libraries": charts.horizontal_bars([(lib["name"], lib["uses"], None) for lib in usage["totals"]["libraries"]],
                                            width=width),
    }


def _demand_chart(demand, width: int = charts.WIDTH):
    return charts.horizontal_bars([(r["work"], r["asks"] + r["searches"], None) for r in demand["wanted"][:10]],
                                  width=width)


@bp.get("/reports")
def page():
    access = _access()
    if access is None:
        return _refuse()
    period, filters = _period_and_filters()
    lib = get_library()
    collection, translation, usage = lib.reports(period, filters)
    demand = lib.demand_report(period)
    this_year = date.today().year
    years = list(range(this_year, this_year - 10, -1))
    return render_template("reports/reports.html", access=access, period=period, filters=filters,
                           collection=collection, translation=translation, usage=usage,
                           charts=_charts(collection, translation, usage),
                           narrow=_charts(collection, translation, usage, charts.NARROW), names=FIGURE_NAMES,
                           demand=demand, demand_chart=_demand_chart(demand),
                           demand_narrow=_demand_chart(demand, charts.NARROW),
                           months=_month_labels(period.months()), vocabulary=lib.vocabulary(),
                           work_types=WORK_TYPES, years=years, year=request.args.get("year", ""),
                           quarter=request.args.get("quarter", ""), args=_link_args(period, filters))


def _link_args(period, filters) -> dict:
    """Query arguments that ask for this same report (for the CSV links)."""
    return {"from": period.start, "to": period.end, **filters.as_dict()}


@bp.get("/reports/<name>.csv")
def csv(name):
    access = _access()
    if access is None:
        return _refuse()
    if name not in core.TABLES or (access == "summary" and name not in PUBLIC_TABLES):
        return render_error(404)
    period, filters = _period_and_filters()
    header, rows = core.tables(*get_library().reports(period, filters), label=label)[name]
    filename = f"report-{name}-{period.start}-{period.end}.csv"
    return Response("\ufeff" + core.to_csv(header, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})
