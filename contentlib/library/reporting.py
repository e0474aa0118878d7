"""The figures: coverage (what has a Tibetan version), the to-translate list and the reports.

A mixin of ``Library``; filters are checked here, against this library's vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import coverage, reports
from ..errors import BadParameter, NotFound
from ..reports import Filters, Period

if TYPE_CHECKING:
    from ..store import Store

NO_FILTERS = Filters()  # frozen: one shared default is safe

REPORTS = ("collection", "translation", "usage")


@dataclass(frozen=True)
class ToTranslate:
    """The works published in Chinese with nothing in Tibetan, and the filters that chose them."""

    rows: list[dict]
    subject: str | None
    audience: str | None


class Reporting:
    """Coverage and the collection, translation and use reports of this library."""

    store: Store  # the Library's, set by ``facade.Library``

    def coverage(self) -> dict:
        """How many works have a published, in-review, draft or missing version per language."""
        return coverage.coverage(self.store)

    def to_translate(self, subject: str | None = None, audience: str | None = None) -> ToTranslate:
        """The works still to translate into Tibetan, of a subject and an audience.

        An empty or unknown code is no filter (a stale link shows the whole list);
        the value says which filters were applied.
        """
        subject, audience = coverage.known_filters(self.store.vocabulary(), subject, audience)
        return ToTranslate(coverage.to_translate(self.store, subject, audience), subject, audience)

    def to_translate_csv(self, subject: str | None = None, audience: str | None = None,
                         url_for_work=None) -> str:
        """The to-translate list as CSV text (no BOM); ``url_for_work(id)`` fills its url column."""
        return coverage.to_translate_csv(self.to_translate(subject, audience).rows, url_for_work)

    def report_request(self, start: str | None, end: str | None, subject: str | None = None,
                       type: str | None = None, audience: str | None = None, year: str | None = None,
                       quarter: str | None = None) -> tuple[Period, Filters]:
        """Check a report's months (``YYYY-MM``), or its year and quarter instead, and its filters
        against this library's vocabulary.

        :raises BadParameter: naming the first bad parameter.
        """
        period = reports.parse_year(year, quarter) if year else reports.parse_period(start, end)
        return period, reports.parse_filters(subject, type, audience, self.store.vocabulary())

    def report(self, name: str, period: Period, filters: Filters = NO_FILTERS, library: str | None = None) -> dict:
        """One report (``collection``, ``translation`` or ``usage``) for a period.

        :param library: usage only: one county library's counts.
        :raises NotFound: for another name. :raises BadParameter: for an unknown library.
        """
        if name == "usage":
            return self.usage_report(period, filters, library=library)
        if name == "collection":
            return reports.collection(self.store, period, filters)
        if name == "translation":
            return reports.translation(self.store, period, filters)
        raise NotFound(f"no report {name!r}")

    def reports(self, period: Period, filters: Filters = NO_FILTERS) -> tuple[dict, dict, dict]:
        """The collection, translation and usage reports of one period (the reports page and its CSV files)."""
        return (reports.collection(self.store, period, filters), reports.translation(self.store, period, filters),
                reports.usage(self.store, period, filters))

    def usage_report(self, period: Period, filters: Filters = NO_FILTERS, library: str | None = None) -> dict:
        """Views, plays and downloads per month (``reports.usage``), of every library or of one.

        :raises BadParameter: for a library id whose counts never came here.
        """
        if library and library not in {known["id"] for known in reports.libraries(self.store)}:
            raise BadParameter("library", f"unknown library {library!r}")
        return reports.usage(self.store, period, filters, library=library)
