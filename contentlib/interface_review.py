"""The interface-string review page's list: filtered, a page at a time, each string with a stable anchor.

About 300 strings on one page were too long to work through, and a row's position made a poor
address: after a confirmation the list changed and ``#s287`` held another string. So a string's
anchor comes from its msgid (``anchor``), pages start *at a string* (``Query.start``, an anchor),
not at a number, and the order does not depend on what was confirmed (shipped drafts first, then
by msgid): confirming a string moves nothing, and "next" after a confirmation skips nothing.
The string just saved (``Query.keep``) stays on its page even when the filter now leaves it out,
so the editor sees what they saved, where they saved it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .interface_strings import InterfaceString, anchor

STATES = ("all", "draft", "untranslated", "confirmed")  # the filter's choices; "all" is the default
PER_PAGE = 25
MAX_QUERY = 200  # characters of a search; a longer one is cut
_ANCHOR = re.compile(r"^s-[0-9a-f]{10}$")


def state_of(s: InterfaceString) -> str:
    """``confirmed`` in the library, ``untranslated`` (no text), ``draft`` (shipped fuzzy) or ``shipped``."""
    if s.confirmed is not None:
        return "confirmed"
    if not any(f.strip() for f in s.shipped):
        return "untranslated"
    return "draft" if s.fuzzy else "shipped"


@dataclass(frozen=True)
class Query:
    """What the editor asked to see: a state, a search, the string the page starts at, the string just saved."""

    state: str = "all"
    q: str = ""
    start: str = ""  # the anchor of the page's first string; "" for the first page
    keep: str = ""  # the anchor of the string just saved: shown even if the filter now leaves it out

    @classmethod
    def parse(cls, state: str | None = "", q: str | None = "", start: str | None = "",
              keep: str | None = "") -> Query:
        """From request values: an unknown state is "all", an anchor of the wrong shape is none, a search is cut."""
        state = state if state in STATES else "all"
        q = " ".join((q or "").split())[:MAX_QUERY]
        start = start if start and _ANCHOR.match(start) else ""
        keep = keep if keep and _ANCHOR.match(keep) else ""
        return cls(state, q, start, keep)

    def params(self, **changes) -> dict[str, str]:
        """The query as URL parameters (empty ones left out), with ``changes`` applied; ``keep`` is not carried."""
        values = {"state": self.state if self.state != "all" else "", "q": self.q, "start": self.start, **changes}
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class Row:
    """One string on the page."""

    string: InterfaceString
    anchor: str
    state: str
    places: tuple[str, ...]  # the source files it appears in (translations/places.json)
    kept: bool = False  # shown only because it was just saved


@dataclass(frozen=True)
class ReviewPage:
    """A page of the review list and how to reach the others."""

    locale: str
    query: Query
    rows: tuple[Row, ...]
    total: int  # strings matching the filter and search
    first: int  # the position of the page's first matching string among them, from 1 (0 when none)
    last: int
    previous: str | None  # the start anchor of the previous page ("" for the first page); None when none
    next: str | None  # the start anchor of the next page; None when none
    counts: dict[str, int] = field(default_factory=dict)  # strings per state, all of them
    may_change: bool = False
    saved: Row | None = None  # the string just saved (confirmed), to name in the message

    @property
    def todo(self) -> int:
        return self.counts.get("draft", 0) + self.counts.get("untranslated", 0)


def _matches(s: InterfaceString, state: str, q: str) -> bool:
    if state != "all" and state_of(s) != state:
        return False
    if not q:
        return True
    needle = q.casefold()
    texts = (s.msgid, s.plural or "", s.english, s.chinese, *s.current)
    return any(needle in t.casefold() for t in texts)


def review(strings: list[InterfaceString], query: Query, places: dict[str, tuple[str, ...]], locale: str,
           may_change: bool = False, per_page: int = PER_PAGE) -> ReviewPage:
    """The page of ``strings`` that ``query`` asks for."""
    ordered = sorted(strings, key=lambda s: (not s.fuzzy, s.msgid.casefold(), s.msgid))
    anchors = [anchor(s.msgid) for s in ordered]
    matching = [i for i, s in enumerate(ordered) if _matches(s, query.state, query.q)]
    matched = set(matching)
    kept = anchors.index(query.keep) if query.keep in anchors else None
    shown = sorted(set(matching) | ({kept} if kept is not None else set()))
    start = anchors.index(query.start) if query.start in anchors else 0  # an unknown start: the first page
    page = [i for i in shown if i >= start][:per_page]
    if not page and matching:  # past the end (the last strings left the filter): the last page
        start = matching[max(0, len(matching) - per_page)]
        page = [i for i in shown if i >= start][:per_page]
    if kept is not None and kept not in page:  # not on the page asked for (a refusal posted without one): from it on
        start = kept
        page = [i for i in shown if i >= start][:per_page]
    before = [i for i in matching if i < (page[0] if page else start)]
    on_page = [i for i in page if i in matched]
    after = [i for i in matching if page and i > page[-1]]
    previous = None
    if before:
        back = before[max(0, len(before) - per_page)]
        previous = "" if back == matching[0] else anchors[back]
    counts = dict.fromkeys(("draft", "untranslated", "confirmed", "shipped"), 0)
    for s in ordered:
        counts[state_of(s)] += 1
    rows = tuple(Row(ordered[i], anchors[i], state_of(ordered[i]), tuple(places.get(ordered[i].msgid, ())),
                     kept=(i == kept and i not in matched)) for i in page)
    saved = next((r for r in rows if r.anchor == query.keep and r.string.confirmed is not None), None)
    return ReviewPage(locale, query, rows, len(matching),
                      len(before) + 1 if on_page else 0, len(before) + len(on_page),
                      previous, anchors[after[0]] if after else None, counts, may_change, saved)
