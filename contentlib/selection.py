"""A chosen part of the catalog, for export, bundles and ZIM files.

One ``Selection`` means the same thing everywhere: its filters mean what the
search API's do (``spec/search-api.md``: OR within one filter, AND across
filters), ``list_id`` is a teacher's list and ``since`` keeps works whose text
or files changed on or after that day (UTC). The command-line flags that build
one live in ``catalog/cli_selection.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields

from .errors import BadParameter
from .indexing import FILE_KINDS, file_kinds
from .model import LANGUAGES, WORK_TYPES
from .search_request import MAX_QUERY
from .xmltext import xml_safe

FILTERS = ("type", "subject", "audience", "grade", "lang", "has")

def _codes(value) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        value = [value]
    return tuple(dict.fromkeys(v for v in value if v))


@dataclass(frozen=True)
class Selection:
    """Which works: every field optional; an empty selection is the whole catalog.

    ``type``, ``subject``, ``audience``, ``grade``, ``lang`` and ``has`` take
    one code or several (kept as tuples); ``since`` is a ``datetime.date``.
    """

    q: str | None = None
    type: tuple[str, ...] = ()
    subject: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()
    grade: tuple[str, ...] = ()
    lang: tuple[str, ...] = ()
    has: tuple[str, ...] = ()
    list_id: int | None = None
    since: dt.date | None = None

    def __post_init__(self):
        for name in FILTERS:
            object.__setattr__(self, name, _codes(getattr(self, name)))
        q = xml_safe(self.q or "").strip() or None  # control characters are not words: searched without them
        object.__setattr__(self, "q", q)
        if q is not None and len(q) > MAX_QUERY:
            raise BadParameter("q", f"must be at most {MAX_QUERY} characters")
        for code in self.type:
            if code not in WORK_TYPES:
                raise BadParameter("type", f"unknown type {code!r}; expected one of {', '.join(WORK_TYPES)}")
        for code in self.lang:
            if code not in LANGUAGES:
                raise BadParameter("lang", f"unknown language {code!r}; expected bo, zh or en")
        for kind in self.has:
            if kind not in FILE_KINDS:
                raise BadParameter("has", f"unknown kind of file {kind!r}; expected {', '.join(FILE_KINDS)}")
        if self.since is not None and not isinstance(self.since, dt.date):
            object.__setattr__(self, "since", parse_date(self.since))
        if self.list_id is not None:
            object.__setattr__(self, "list_id", _list_id(self.list_id))

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    def as_dict(self) -> dict:
        """The fields that are set, as JSON values (for a bundle's or an export's manifest)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value in (None, ()):
                continue
            if isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, dt.date):
                value = value.isoformat()
            out[f.name] = value
        return out


def parse_date(value) -> dt.date:
    """``YYYY-MM-DD`` to a date. :raises BadParameter: for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise BadParameter("since", f"{value!r} is not a date (YYYY-MM-DD)") from None


def _list_id(value) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise BadParameter("list", f"{value!r} is not a list id (a number)") from None
    if number < 1:
        raise BadParameter("list", f"{value!r} is not a list id (a number)")
    return number


def select_works(store, selection: Selection, search: Callable[[str], Iterable[str]] | None = None) -> list[str]:
    """The ids of the works a selection names, in id order (in list order for a list).

    :param search: ``q -> work ids`` (every match), used only when ``q`` is set;
        the caller hands in the search index's (see ``search_ids``).
    :raises BadParameter: for an unknown subject, audience or grade code, an
        unknown list, or a query without a search to run it.
    """
    vocabulary = store.vocabulary()
    for name, scheme in (("subject", "subjects"), ("audience", "audiences"), ("grade", "grades")):
        for code in getattr(selection, name):
            if not vocabulary.has(scheme, code):
                raise BadParameter(name, f"unknown code {code!r}")
    start = None
    if selection.since is not None:
        start = dt.datetime.combine(selection.since, dt.time(), tzinfo=dt.UTC).timestamp()
    ids = store.select_ids(types=selection.type, terms={"subjects": selection.subject, "audiences": selection.audience,
                                                        "grades": selection.grade},
                           langs=selection.lang, since=start, list_id=selection.list_id)
    if ids is None:
        raise BadParameter("list", f"no list {selection.list_id}")
    if selection.has:
        ids = _with_files(store, ids, set(selection.has))
    if selection.q:
        if search is None:
            raise BadParameter("q", "a query needs the search index")
        matched = set(search(selection.q))
        ids = [i for i in ids if i in matched]
    return ids


def _with_files(store, ids: list[str], kinds: set[str], batch: int = 200) -> list[str]:
    """The works among ``ids`` with a public file of one of ``kinds``, judged as the search index judges ``has``."""
    kept = set()
    for start in range(0, len(ids), batch):
        for work in store.get_works(ids[start:start + batch]):
            if kinds.intersection(file_kinds(work.media)):
                kept.add(work.id)
    return [i for i in ids if i in kept]


def search_ids(index, store=None) -> Callable[[str], list[str]]:
    """The ``search`` callable for ``select_works``: every work the index finds for ``q``.

    With ``store``, glossary equivalents widen the query as on the search page.
    """

    def run(q: str) -> list[str]:
        expansions = None
        if store is not None:
            from .glossary import expansions as glossary_expansions

            expansions = glossary_expansions(store, q)
        total = index.search(q, {}, 1, 1, expansions=expansions)["total"]
        if not total:
            return []
        body = index.search(q, {}, 1, total, expansions=expansions)
        return [r["id"] for r in body["results"]]

    return run
