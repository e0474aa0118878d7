"""The ``jsonl`` exporter: the works as JSON Lines, their files beside it (what ``contentlib import`` reads)."""

from __future__ import annotations

from pathlib import Path

from ..longwork import Task
from . import Plan


class JsonLines:
    name = "jsonl"
    title = "JSON Lines"
    explanation = "Every chosen work as one line of JSON, its files in a folder beside it: contentlib imports it back."

    def plan(self, library, selection=None, with_media: bool = True) -> Plan:
        ids = None if selection is None or selection.empty else library.select(selection)
        works = len(ids) if ids is not None else library.count_works()
        return Plan(self.name, ids, works, {"with_media": with_media},
                    estimate=lambda: library.export_bytes(ids, with_media))

    def write(self, library, plan: Plan, out: Path, task: Task) -> int:
        """Return how many works were written."""
        return library.export(out, with_media=plan.options["with_media"], work_ids=plan.ids, task=task)
