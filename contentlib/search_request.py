"""Read the parameters of a search request (``spec/search-api.md``) into plain values."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import BadParameter
from .media_kinds import OFFERED as FILE_KINDS
from .model import LANGUAGES, WORK_TYPES
from .xmltext import xml_safe

MAX_QUERY = 500
FILTERS = {"type": "types", "subject": "subjects", "audience": "audiences", "grade": "grades"}


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    page: int = 1
    per_page: int = 20


def _int(args, name, default, low, high) -> int:
    values = args.get(name) or []
    if not values or values[-1] == "":
        return default
    try:
        value = int(values[-1])
    except ValueError:
        raise BadParameter(name, "must be an integer") from None
    if not low <= value <= high:
        raise BadParameter(name, f"must be from {low} to {high}")
    return value


def parse_search_args(args: dict[str, list[str]], vocabulary, default_per_page: int = 20) -> SearchRequest:
    """Check a query string (each name mapped to its list of values).

    :raises BadParameter: naming the first bad parameter.
    """
    q = xml_safe((args.get("q") or [""])[-1])  # control characters are not words: searched without them
    if len(q) > MAX_QUERY:
        raise BadParameter("q", f"must be at most {MAX_QUERY} characters")
    for name in (*FILTERS, "lang", "has"):
        if "" in args.get(name, []):  # "type=" names no type: a broken link or client, not "any type"
            raise BadParameter(name, "must not be empty; leave the parameter out to not filter by it")
    filters = {}
    for name, scheme in FILTERS.items():
        codes = args.get(name, [])
        for code in codes:
            known = code in WORK_TYPES if scheme == "types" else vocabulary.has(scheme, code)
            if not known:
                raise BadParameter(name, f"unknown code {code!r}")
        if codes:
            filters[name] = list(dict.fromkeys(codes))
    langs = args.get("lang", [])
    for code in langs:
        if code not in LANGUAGES:
            raise BadParameter("lang", f"unknown language {code!r}; expected bo, zh or en")
    if langs:
        filters["lang"] = list(dict.fromkeys(langs))
    kinds = args.get("has", [])
    for kind in kinds:
        if kind not in FILE_KINDS:
            raise BadParameter("has", f"unknown kind of file {kind!r}; expected {', '.join(FILE_KINDS)}")
    if kinds:
        filters["has"] = list(dict.fromkeys(kinds))
    page = _int(args, "page", 1, 1, 10_000)
    per_page = _int(args, "per_page", default_per_page, 1, 100)
    return SearchRequest(q=q.strip(), filters=filters, page=page, per_page=per_page)
