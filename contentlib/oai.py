"""OAI-PMH 2.0: the six verbs over the catalog, answered as XML bytes.

The web layer hands in the request's arguments and a :class:`Repository`
(names, URLs, page size); nothing here knows about Flask. Records are the
works' Dublin Core (``oai_dc``); their datestamp is the work's last change.
Deleted works are reported from their tombstones (``deletedRecord`` persistent).

Resumption tokens carry the whole harvest state (filters, the last record
sent, cursor and list size), so the server keeps nothing between requests and a
restart does not break a harvest; they are signed with the secret key
(``contentlib.oai_tokens``). Lists are ordered by (datestamp, id) and
continue after the last record sent, so changes during a harvest never make
it skip a record. Every argument is checked before it is echoed or used:
a value XML cannot carry (a NUL, say) or one too long to be ours is a
``badArgument``, never an error of the XML writer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lxml import etree as ET

from . import dublincore
from .oai_tokens import MAX_TEXT, XML_ILLEGAL, BadToken, Query, token_key
from .xmltext import xml_safe

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

VERBS = {
    # verb: (required, optional, exclusive)
    "Identify": ((), (), None),
    "ListMetadataFormats": ((), ("identifier",), None),
    "ListSets": ((), (), "resumptionToken"),
    "ListIdentifiers": (("metadataPrefix",), ("from", "until", "set"), "resumptionToken"),
    "ListRecords": (("metadataPrefix",), ("from", "until", "set"), "resumptionToken"),
    "GetRecord": (("identifier", "metadataPrefix"), (), None),
}
FORMATS = {"oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC_NS)}
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_SECOND = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")
MAX_ARGUMENT = 2048  # characters of any argument (a token is at most 1024, an identifier far less)
SET_SCHEMES = {"subject": "subjects", "type": "types"}


@dataclass
class Repository:
    """What Identify says and how records point back to the site.

    :param work_url: the public page of a work, from its id (the ``dc:identifier``).
    :param repository_id: the middle part of OAI identifiers, ``oai:<repository_id>:<work id>``.
    :param secret_key: the installation's secret key, which signs the resumption tokens.
    """

    name: str
    base_url: str
    admin_email: str
    repository_id: str
    work_url: Callable[[str], str]
    page_size: int = 100
    secret_key: str = field(kw_only=True, repr=False)


class OaiError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class Item:
    """One record to report: a work, or a deleted work's tombstone."""

    id: str
    stamp: float
    work: object | None = None
    sets: list[str] = field(default_factory=list)
    deleted: bool = False


def datestamp(ts: float) -> str:
    return datetime.fromtimestamp(math.floor(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_date(value: str, name: str) -> tuple[float, str]:
    """A ``from``/``until`` value as (Unix time, granularity). :raises OaiError: badArgument"""
    try:
        if _DAY.match(value):
            return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC).timestamp(), "day"
        if _SECOND.match(value):
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp(), "second"
    except ValueError:
        pass
    raise OaiError("badArgument", f"'{name}' must be a UTC date YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ.")


def _check_text(args: dict) -> None:
    """:raises OaiError: badArgument for a name or value XML cannot carry, or one longer than any of ours."""
    for name, values in args.items():
        for text in (name, *(values if isinstance(values, list) else [values])):
            if not isinstance(text, str) or len(text) > MAX_ARGUMENT or XML_ILLEGAL.search(text):
                raise OaiError("badArgument", "An argument is too long or holds characters that XML cannot carry.")


def _one_each(args: dict) -> dict[str, str]:
    """The arguments with one value each. :raises OaiError: badArgument for a repeated one."""
    out = {}
    for name, values in args.items():
        values = values if isinstance(values, list) else [values]
        if len(values) != 1:
            raise OaiError("badArgument", f"The argument '{name}' is repeated.")
        out[name] = values[0]
    return out


class Handler:
    """Answer OAI-PMH requests for one store and repository."""

    def __init__(self, store, repo: Repository):
        self.store, self.repo = store, repo
        self.token_key = token_key(repo.secret_key)

    # -- entry point ------------------------------------------------------

    def respond(self, args: dict, now: datetime | None = None) -> bytes:
        """The response document for a request's arguments (name -> list of values)."""
        now = now or datetime.now(UTC)
        root = ET.Element(f"{{{OAI_NS}}}OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI_NS})
        root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
        ET.SubElement(root, f"{{{OAI_NS}}}responseDate").text = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        request = ET.SubElement(root, f"{{{OAI_NS}}}request")
        request.text = self.repo.base_url
        try:
            verb_values = args.get("verb")
            verb_values = verb_values if isinstance(verb_values, list) else [verb_values] if verb_values else []
            if len(verb_values) != 1 or verb_values[0] not in VERBS:
                raise OaiError("badVerb", "The verb is missing, repeated or not one of the six OAI-PMH verbs.")
            verb = verb_values[0]
            _check_text({k: v for k, v in args.items() if k != "verb"})
            params = _one_each({k: v for k, v in args.items() if k != "verb"})
            self._check_arguments(verb, params)
            for name, value in (("verb", verb), *params.items()):  # echoed only when they were legal
                request.set(name, xml_safe(value))
            root.append(getattr(self, verb)(params))
        except OaiError as exc:
            if exc.code in ("badVerb", "badArgument"):
                request.attrib.clear()
            error = ET.SubElement(root, f"{{{OAI_NS}}}error", code=exc.code)
            error.text = xml_safe(exc.message)
        return ET.tostring(root, encoding="UTF-8", xml_declaration=True)

    @staticmethod
    def _check_arguments(verb: str, params: dict) -> None:
        required, optional, exclusive = VERBS[verb]
        if exclusive and exclusive in params:
            if len(params) > 1:
                raise OaiError("badArgument", f"'{exclusive}' is an exclusive argument.")
            return
        unknown = sorted(set(params) - set(required) - set(optional))
        if unknown:
            raise OaiError("badArgument", f"{verb} does not take the argument '{unknown[0]}'.")
        missing = [name for name in required if not params.get(name)]
        if missing:
            raise OaiError("badArgument", f"{verb} needs the argument '{missing[0]}'.")

    # -- the verbs --------------------------------------------------------

    def Identify(self, params) -> ET.Element:
        el = ET.Element(f"{{{OAI_NS}}}Identify")
        for name, value in (("repositoryName", self.repo.name), ("baseURL", self.repo.base_url),
                            ("protocolVersion", "2.0"), ("adminEmail", self.repo.admin_email),
                            ("earliestDatestamp", datestamp(self._earliest())), ("deletedRecord", "persistent"),
                            ("granularity", GRANULARITY)):
            ET.SubElement(el, f"{{{OAI_NS}}}{name}").text = xml_safe(value)
        return el

    def ListMetadataFormats(self, params) -> ET.Element:
        if "identifier" in params:
            self._item(params["identifier"])  # raises idDoesNotExist
        el = ET.Element(f"{{{OAI_NS}}}ListMetadataFormats")
        for prefix, (schema, namespace) in FORMATS.items():
            fmt = ET.SubElement(el, f"{{{OAI_NS}}}metadataFormat")
            ET.SubElement(fmt, f"{{{OAI_NS}}}metadataPrefix").text = prefix
            ET.SubElement(fmt, f"{{{OAI_NS}}}schema").text = schema
            ET.SubElement(fmt, f"{{{OAI_NS}}}metadataNamespace").text = namespace
        return el

    def ListSets(self, params) -> ET.Element:
        if "resumptionToken" in params:  # every set fits in one response
            raise OaiError("badResumptionToken", "This repository issues no resumption tokens for ListSets.")
        vocabulary = self.store.vocabulary()
        el = ET.Element(f"{{{OAI_NS}}}ListSets")
        for top, scheme in SET_SCHEMES.items():
            self._set(el, top, {"en": "By subject" if top == "subject" else "By type",
                                "zh": "按学科" if top == "subject" else "按类型",
                                "bo": "བརྗོད་གཞི་ལྟར།" if top == "subject" else "རིགས་ལྟར།"})
            for term in vocabulary.terms(scheme):
                self._set(el, f"{top}:{term.code}", term.labels)
        return el

    def _set(self, parent, spec: str, labels: dict) -> None:
        s = ET.SubElement(parent, f"{{{OAI_NS}}}set")
        ET.SubElement(s, f"{{{OAI_NS}}}setSpec").text = spec
        ET.SubElement(s, f"{{{OAI_NS}}}setName").text = xml_safe(" / ".join(
            labels[lang] for lang in ("bo", "zh", "en") if labels.get(lang)))
        description = ET.SubElement(s, f"{{{OAI_NS}}}setDescription")
        dc = ET.SubElement(description, f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS})
        dc.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {FORMATS['oai_dc'][0]}")
        for lang in ("bo", "zh", "en"):
            if labels.get(lang):
                ET.SubElement(dc, f"{{{DC_NS}}}title", {XML_LANG: lang}).text = xml_safe(labels[lang])

    def GetRecord(self, params) -> ET.Element:
        self._format(params["metadataPrefix"])
        item = self._item(params["identifier"])
        el = ET.Element(f"{{{OAI_NS}}}GetRecord")
        el.append(self._record(item))
        return el

    def ListIdentifiers(self, params) -> ET.Element:
        return self._list("ListIdentifiers", params, self._header)

    def ListRecords(self, params) -> ET.Element:
        return self._list("ListRecords", params, self._record)

    # -- lists ------------------------------------------------------------

    def _list(self, verb: str, params: dict, render) -> ET.Element:
        if "resumptionToken" in params:
            try:
                query = Query.from_token(params["resumptionToken"], self.token_key, FORMATS)
            except BadToken:
                raise OaiError("badResumptionToken", "The resumption token is not one this repository issued.") from None
        else:
            query = self._query(params)
        items, more = self._page(query)
        if not items:
            raise OaiError("noRecordsMatch", "No records match these arguments.")
        el = ET.Element(f"{{{OAI_NS}}}{verb}")
        for item in items:
            el.append(render(item))
        if more or "resumptionToken" in params:
            token = ET.SubElement(el, f"{{{OAI_NS}}}resumptionToken",
                                  completeListSize=str(query.total), cursor=str(query.cursor))
            if more:
                last = items[-1]
                token.text = Query(query.prefix, query.set, query.start, query.end, (last.stamp, last.id),
                                   query.cursor + len(items), query.total).token(self.token_key)
        return el

    def _query(self, params) -> Query:
        self._format(params["metadataPrefix"])
        start = end = None
        grains = set()
        if "from" in params:
            start, grain = _parse_date(params["from"], "from")
            grains.add(grain)
        if "until" in params:
            end, grain = _parse_date(params["until"], "until")
            grains.add(grain)
            end += 86400 if grain == "day" else 1  # until is inclusive of its whole second or day
        if len(grains) > 1:
            raise OaiError("badArgument", "'from' and 'until' must have the same granularity.")
        if start is not None and end is not None and start >= end:
            raise OaiError("badArgument", "'from' is later than 'until'.")
        set_spec = params.get("set") or None  # "set=" selects nothing out: the whole repository
        if set_spec is not None and len(set_spec) > MAX_TEXT:
            raise OaiError("badArgument", f"'set' must be at most {MAX_TEXT} characters.")
        query = Query(params["metadataPrefix"], set_spec, start, end)
        query.total = self._count(query)
        return query

    @staticmethod
    def _work_filter(query: Query) -> dict:
        """The store's filter for a query: its time range, and its set (type:..., subject:...)."""
        found: dict[str, Any] = {"start": query.start, "end": query.end}
        if query.set:
            top, _, code = query.set.partition(":")
            if top == "type":
                found["type"] = code or None
            elif top == "subject":
                found["subject"] = code  # "": any subject
            else:
                found["none"] = True
        return found

    def _tombstones(self, query: Query) -> list[Item]:
        out = []
        for row in self.store.tombstones(query.start, query.end):
            sets = [f"type:{row.type}"] + [f"subject:{c}" for c in row.subjects]
            if query.set and not any(s == query.set or s.startswith(query.set + ":") for s in sets):
                continue
            out.append(Item(row.work_id, row.deleted_at, None, sets, deleted=True))
        return out

    def _count(self, query: Query) -> int:
        return self.store.count_changed(**self._work_filter(query)) + len(self._tombstones(query))

    def _page(self, query: Query) -> tuple[list[Item], bool]:
        """The next page of items after the query's position, and whether more follow."""
        size = self.repo.page_size
        gone = self._tombstones(query)
        if query.after is not None:
            stamp, last = query.after
            gone = [i for i in gone if (i.stamp, i.id) > (stamp, last)]
        rows = self.store.changed_after(query.after, size + 1, **self._work_filter(query))
        merged = sorted([Item(r.id, r.updated_at) for r in rows] + gone, key=lambda i: (i.stamp, i.id))
        page, more = merged[:size], len(merged) > size
        loaded = {w.id: w for w in self.store.get_works([i.id for i in page if not i.deleted])}
        for item in page:
            if not item.deleted:
                item.work = loaded.get(item.id)
                item.sets = _sets_of(item.work) if item.work is not None else []
        # a work deleted since the ids were read is skipped here and reported by its tombstone later
        return [i for i in page if i.deleted or i.work is not None], more

    # -- records ----------------------------------------------------------

    def _format(self, prefix: str) -> None:
        if prefix not in FORMATS:
            raise OaiError("cannotDisseminateFormat", f"This repository offers only oai_dc, not '{prefix}'.")

    def identifier(self, work_id: str) -> str:
        return f"oai:{self.repo.repository_id}:{work_id}"

    def _item(self, identifier: str) -> Item:
        prefix = f"oai:{self.repo.repository_id}:"
        work_id = identifier[len(prefix):] if identifier.startswith(prefix) else None
        if work_id:
            found = self.store.get_works([work_id])
            if found:
                return Item(work_id, found[0].updated_at or 0.0, found[0], _sets_of(found[0]))
            row = self.store.tombstone(work_id)
            if row is not None:
                return Item(row.work_id, row.deleted_at, None,
                            [f"type:{row.type}"] + [f"subject:{c}" for c in row.subjects], deleted=True)
        raise OaiError("idDoesNotExist", f"No record has the identifier '{identifier}'.")

    def _header(self, item: Item) -> ET.Element:
        header = ET.Element(f"{{{OAI_NS}}}header")
        if item.deleted:
            header.set("status", "deleted")
        ET.SubElement(header, f"{{{OAI_NS}}}identifier").text = self.identifier(item.id)
        ET.SubElement(header, f"{{{OAI_NS}}}datestamp").text = datestamp(item.stamp)
        for spec in item.sets:
            ET.SubElement(header, f"{{{OAI_NS}}}setSpec").text = spec
        return header

    def _record(self, item: Item) -> ET.Element:
        record = ET.Element(f"{{{OAI_NS}}}record")
        record.append(self._header(item))
        if item.deleted:
            return record
        metadata = ET.SubElement(record, f"{{{OAI_NS}}}metadata")
        metadata.append(oai_dc(item.work, self.repo.work_url(item.id), self.store.vocabulary()))
        return record

    def _earliest(self) -> float:
        first, gone = self.store.earliest_change()
        stamps = [s for s in (first, gone) if s is not None]
        return min(stamps) if stamps else datetime(2000, 1, 1, tzinfo=UTC).timestamp()


def _sets_of(work) -> list[str]:
    return [f"type:{work.type}"] + [f"subject:{code}" for code in work.subjects]


def oai_dc(work, url: str, vocabulary=None) -> ET.Element:
    """The ``oai_dc:dc`` element of a work."""
    dc = ET.Element(f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS})
    dc.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {FORMATS['oai_dc'][0]}")
    for e in dublincore.elements(work, url, vocabulary):
        child = ET.SubElement(dc, f"{{{DC_NS}}}{e.name}")
        child.text = xml_safe(e.value)  # a last line behind the checks on entry (``xmltext``)
        if e.lang:
            child.set(XML_LANG, e.lang)
    return dc

