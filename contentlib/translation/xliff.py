"""XLIFF 2.0 out and in: one ``<unit id="{sid}">`` per segment, one ``<segment>`` with source and target.

Reading is defensive: no DTD at all (so no entity, external or expanding),
a byte limit and a unit limit counted while parsing, and every problem is an
``InvalidRecord`` naming it. Nothing is applied here; the caller applies the
whole file or nothing.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from ..errors import InvalidRecord

NS = "urn:oasis:names:tc:xliff:document:2.0"
CONTENT_TYPE = "application/xliff+xml"
MAX_UNITS = 20_000
MAX_BYTES = 32 * 1024 * 1024
_Q = f"{{{NS}}}"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ET.register_namespace("", NS)


@dataclass
class Unit:
    id: str
    source: str
    target: str | None      # None: the unit carries no target
    state: str | None


@dataclass
class Document:
    src_lang: str | None
    trg_lang: str | None
    file_id: str | None
    units: list[Unit] = field(default_factory=list)


def _text(value: str) -> str:
    return _CONTROL.sub("", value or "")


def write(work_id: str, source_lang: str, lang: str, segments) -> bytes:
    """The XLIFF 2.0 document of a work's segments.

    :param segments: objects with ``sid``, ``kind``, ``source``, ``target``, ``done`` and, for cues,
        ``start`` and ``end`` (WebVTT times, written as a note).
    """
    root = ET.Element(_Q + "xliff", {"version": "2.0", "srcLang": source_lang, "trgLang": lang})
    doc = ET.SubElement(root, _Q + "file", {"id": work_id, "original": f"works/{work_id}/{lang}",
                                            "{http://www.w3.org/XML/1998/namespace}space": "preserve"})
    for seg in segments:
        unit = ET.SubElement(doc, _Q + "unit", {"id": seg.sid})
        if seg.kind == "cue":
            notes = ET.SubElement(unit, _Q + "notes")
            ET.SubElement(notes, _Q + "note", {"category": "time"}).text = f"{seg.start} --> {seg.end}"
        state = "final" if seg.done else ("translated" if seg.target else "initial")
        segment = ET.SubElement(unit, _Q + "segment", {"state": state})
        ET.SubElement(segment, _Q + "source").text = _text(seg.source)
        ET.SubElement(segment, _Q + "target").text = _text(seg.target)
    ET.indent(root, space=" ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) \
        + b"\n"


class _Limited:
    """A binary stream that refuses to give more than ``limit`` bytes."""

    def __init__(self, stream, limit: int):
        self.stream, self.left = stream, limit

    def read(self, size: int = -1) -> bytes:
        want = 64 * 1024 if size is None or size < 0 else min(size, 64 * 1024)
        data = self.stream.read(want)
        self.left -= len(data)
        if self.left < 0:
            raise InvalidRecord([("xliff", f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")])
        return data


def read(stream, max_units: int = MAX_UNITS, max_bytes: int = MAX_BYTES) -> Document:
    """Parse an XLIFF 2.0 document from a binary stream.

    :raises InvalidRecord: for anything but a well-formed XLIFF 2.0 file without a DTD, of at most
        ``max_units`` units and ``max_bytes`` bytes, each unit holding one segment with a source.
    """
    doc = Document(None, None, None)
    count, root = 0, None
    try:
        for event, elem in iterparse(_Limited(stream, max_bytes), events=("start", "end"), forbid_dtd=True):
            if event == "start":
                if root is None:
                    root = elem
                    if elem.tag != _Q + "xliff":
                        raise InvalidRecord([("xliff", f"the root element must be <xliff xmlns=\"{NS}\">")])
                    if not (elem.get("version") or "").startswith("2."):
                        raise InvalidRecord([("xliff", "only XLIFF 2.0 is read (version=\"2.0\")")])
                    doc.src_lang, doc.trg_lang = elem.get("srcLang"), elem.get("trgLang")
                elif elem.tag == _Q + "file" and doc.file_id is None:
                    doc.file_id = elem.get("id")
                elif elem.tag == _Q + "unit":
                    count += 1
                    if count > max_units:
                        raise InvalidRecord([("xliff", f"more than {max_units} units; nothing was changed")])
            elif elem.tag == _Q + "unit":
                doc.units.append(_unit(elem))
                elem.clear()
    except DefusedXmlException as exc:
        raise InvalidRecord([("xliff", f"refused for safety: {type(exc).__name__} "
                                       "(no DOCTYPE, entities or external references)")]) from None
    except ET.ParseError as exc:
        raise InvalidRecord([("xliff", f"not well-formed XML ({exc})")]) from None
    if root is None:
        raise InvalidRecord([("xliff", "no <xliff> element")])
    return doc


def _unit(elem) -> Unit:
    uid = elem.get("id")
    if not uid:
        raise InvalidRecord([("xliff", "a <unit> without an id")])
    segments = elem.findall(_Q + "segment")
    if len(segments) != 1:
        raise InvalidRecord([(f"unit {uid}", "must hold exactly one <segment>")])
    seg = segments[0]
    source = seg.find(_Q + "source")
    if source is None:
        raise InvalidRecord([(f"unit {uid}", "its <segment> has no <source>")])
    target = seg.find(_Q + "target")
    return Unit(uid, "".join(source.itertext()), None if target is None else "".join(target.itertext()),
                seg.get("state"))
