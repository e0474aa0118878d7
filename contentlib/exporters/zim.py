"""The ``zim`` exporter: a Kiwix ZIM file, read and searched offline in any Kiwix reader."""

from __future__ import annotations

from pathlib import Path

from ..longwork import Task
from . import N_, Plan


class Zim:
    name = "zim"
    title = "ZIM file (Kiwix)"
    explanation = "The chosen works as one file that Kiwix readers open and search offline, on phones and computers."
    offer = (2, N_("For Kiwix"),
             N_("A ZIM file for the Kiwix reader app, to read and search offline."))

    def plan(self, library, selection, font: Path | None = None, light: bool = False,
             source: str | None = None) -> Plan:
        """:param font: the Tibetan web font (WOFF2) the pages use (the web app's own by default)."""
        ids = library.select(selection)
        return Plan(self.name, ids, len(ids), {"font": font, "light": light, "source": source},
                    estimate=lambda: library.export_bytes(ids, True))

    def write(self, library, plan: Plan, out: Path, task: Task):
        """Return the ``zim.ZimReport``."""
        o = plan.options
        return library.export_zim(None, out, o["font"], light=o["light"], source=o["source"], task=task,
                                  work_ids=plan.ids)
