"""``library.interface``: the interface strings Tibetan editors confirm (``contentlib.interface_strings``).

The shipped catalogs' folder is an argument: the web shell and the CLI know where they are.
"""

from __future__ import annotations

from pathlib import Path

from .. import interface_places, interface_review, interface_strings
from ..interface_review import ReviewPage
from ..interface_strings import InterfaceString


class InterfaceStrings:
    """The confirmed interface strings of one library, laid over the shipped catalogs."""

    def __init__(self, store):
        self._store = store

    def stamp(self, locale: str) -> tuple:
        """A cheap mark that changes whenever a confirmation for ``locale`` does."""
        return interface_strings.stamp(self._store, locale)

    def overrides(self, locale: str) -> dict:
        return interface_strings.overrides(self._store, locale)

    def strings(self, translations_dir: Path, locale: str) -> list[InterfaceString]:
        return interface_strings.strings(self._store, translations_dir, locale)

    def review(self, user, translations_dir: Path, locale: str, state: str | None = "", q: str | None = "",
               start: str | None = "", keep: str | None = "", failed: str | None = None) -> ReviewPage:
        """A page of the review list: the strings in ``state`` matching the search ``q``, from the string
        ``start`` (an anchor) on, with the string ``keep`` (just saved), or the msgid ``failed`` (refused), shown
        even if the filter leaves it out. Values of the wrong shape are ignored (``interface_review.Query.parse``)."""
        query = interface_review.Query.parse(state, q, start, interface_strings.anchor(failed) if failed else keep)
        return interface_review.review(self.strings(translations_dir, locale), query,
                                       interface_places.load(translations_dir), locale, self.may_change(user, locale))

    def confirm(self, user, translations_dir: Path, locale: str, msgid: str, forms: list[str]) -> InterfaceString:
        """:raises NotAllowed: for a locale the user may not change.
        :raises InvalidRecord: for an unknown string or forms that do not fit it (placeholders, a lone %)."""
        return interface_strings.confirm(self._store, user, translations_dir, locale, msgid, forms)

    def may_change(self, user, locale: str) -> bool:
        """Whether ``user`` may change ``locale``'s strings (editors the Tibetan ones, admins all)."""
        return interface_strings.may_change(user, locale)

    def history(self, locale: str, msgid: str | None = None) -> list[dict]:
        """Every change to ``locale``'s strings (or one of them), oldest first."""
        return interface_strings.history(self._store, locale, msgid)

    def export_po(self, translations_dir: Path, locale: str, path: Path) -> int:
        """Write ``locale``'s catalog with every confirmed string un-fuzzied; return how many."""
        return interface_strings.export_po(self._store, translations_dir, locale, path)
