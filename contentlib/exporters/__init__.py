"""Exporters: every way the library writes a selection of works out, behind one interface.

An exporter is chosen by name from the registry (``contentlib.exporters.registry``: the
entry-point group ``contentlib.exporters``, the project's own included). It has

* ``name``: what the registry and the CLI call it (``jsonl``, ``bundle``, ``zim``),
* ``title`` and ``explanation``: one line each for people (a format's name, what it is for),
* ``offer`` (optional): ``(rank, button, hint)`` when "Take offline" offers it to readers: the
  strings are interface msgids (marked with ``N_``, translated by the door),
* ``plan(library, selection, **options) -> Plan``: what will be written (how many works,
  about how many bytes), checked and chosen before anything is written,
* ``write(library, plan, out, task) -> result``: write it at ``out`` atomically, telling
  ``task`` (``contentlib.longwork``) how far it is and stopping at its cancel with the
  old output left as it was.

``docs/extending.md`` shows one written outside the project. No Flask.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..longwork import Task


def N_(text: str) -> str:
    """Mark ``text`` as an interface string (gettext's default keyword): extracted here, translated by a door."""
    return text


@dataclass
class Plan:
    """What an exporter will write: the works chosen, the options, and the exporter's own details.

    :param ids: the chosen works in order (None: the whole catalog).
    :param works: how many works.
    :param options: the options ``plan`` was given, as ``write`` needs them.
    :param detail: the exporter's own plan, if it has one (a bundle's members).
    :param estimate: how to work out ``bytes`` when someone asks (it may read every work).
    """

    exporter: str
    ids: list[str] | None
    works: int
    options: dict = field(default_factory=dict)
    detail: Any = None
    estimate: Callable[[], int] | None = field(default=None, repr=False)
    _bytes: int | None = field(default=None, repr=False)

    @property
    def bytes(self) -> int:
        """About how many bytes the output will weigh (worked out once, when first asked)."""
        if self._bytes is None:
            self._bytes = self.estimate() if self.estimate is not None else 0
        return self._bytes


@runtime_checkable
class Exporter(Protocol):
    """The interface every exporter has (the project's and those installed beside it)."""

    name: str
    title: str
    explanation: str

    def plan(self, library, selection, **options) -> Plan:
        """Choose the works and say what will be written; write nothing."""

    def write(self, library, plan: Plan, out: Path, task: Task) -> Any:
        """Write ``plan`` at ``out`` atomically, reporting to ``task`` and stopping at its cancel."""
