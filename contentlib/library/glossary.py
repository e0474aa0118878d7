"""``library.glossary``: the zh-bo glossary the editors keep (``contentlib.glossary`` over the library's store)."""

from __future__ import annotations

from pathlib import Path

from .. import glossary
from ..glossary import Entry


class Glossary:
    """The glossary of one library: its pages, its CSV files and its commands go through here."""

    def __init__(self, store):
        self._store = store
        #: a search's glossary equivalents, the table kept folded per glossary generation
        self.expansions = glossary.Expansions(store)

    def entries(self, q: str | None = None) -> list[Entry]:
        return glossary.entries(self._store, q)

    def add(self, zh: str, bo: str, note: str | None = None, actor: str | None = None) -> Entry:
        """:raises InvalidRecord: naming each bad field."""
        return glossary.add(self._store, zh, bo, note, actor=actor)

    def update(self, entry_id: int, zh: str, bo: str, note: str | None = None, actor: str | None = None) -> Entry:
        """:raises InvalidRecord, NotFound:"""
        return glossary.update(self._store, entry_id, zh, bo, note, actor=actor)

    def delete(self, entry_id: int) -> None:
        glossary.delete(self._store, entry_id)

    def import_csv(self, text: str, actor: str | None = None) -> int:
        """Add every row of a ``zh,bo,note`` CSV text, all or nothing; return how many.

        :raises InvalidRecord: listing every bad row.
        """
        return glossary.import_csv(self._store, text, actor=actor)

    def export_csv(self) -> str:
        return glossary.export_csv(self._store)

    def export_file(self, path: Path) -> int:
        """Write the glossary as CSV at ``path`` atomically; return how many entries it holds.

        :raises CannotWrite: when the folder is missing or cannot be written.
        """
        return glossary.export_file(self._store, path)
