"""The ``site`` exporter: a folder of pages for any browser, zipped (``contentlib.siteexport``)."""

from __future__ import annotations

from pathlib import Path

from ..longwork import Task
from . import N_, Plan


class Site:
    name = "site"
    title = "Site for any browser"
    explanation = "The chosen works as static pages with their own search, opened from a folder in any browser."
    offer = (1, N_("For any browser"),
             N_("A folder of pages that opens in any browser, on a computer or a phone, with no internet and nothing "
                "to install."))

    def plan(self, library, selection, font: Path | None = None, light: bool = False) -> Plan:
        """:param font: the Tibetan web font (WOFF2) the pages use (the web app's own by default)."""
        ids = library.select(selection)
        return Plan(self.name, ids, len(ids), {"font": font, "light": light, "selection": selection},
                    estimate=lambda: library.export_bytes(ids, True))

    def write(self, library, plan: Plan, out: Path, task: Task):
        """Return the site's plan (``siteexport``): its works and pages."""
        o = plan.options
        return library.export_site(o["selection"], out, o["font"] or library.web_font, light=o["light"],
                                   progress=task, work_ids=plan.ids)
