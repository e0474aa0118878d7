"""The ``bundle`` exporter: a signed offline bundle (a zip another library verifies, then imports)."""

from __future__ import annotations

from pathlib import Path

from ..longwork import Task
from . import N_, Plan


class SignedBundle:
    name = "bundle"
    title = "Signed bundle"
    explanation = "The chosen works and their files in one zip signed with this library's key, for another library."
    offer = (3, N_("For another library"),
             N_("A signed bundle that another contentlib library imports."))

    def plan(self, library, selection, light: bool = False) -> Plan:
        ids, detail = library.plan_bundle(selection, light=light)
        return Plan(self.name, ids, detail.works, {"light": light, "selection": selection}, detail=detail,
                    _bytes=detail.size)

    def write(self, library, plan: Plan, out: Path, task: Task) -> dict:
        """Return the bundle's manifest."""
        _, manifest = library.export_bundle(plan.options["selection"], out, light=plan.options["light"], task=task,
                                            work_ids=plan.ids, planned=plan.detail)
        return manifest
