"""A work as Dublin Core elements: one list that OAI-PMH, page ``<meta>`` tags and feeds share.

Each element keeps the language of its value, so a Tibetan title stays marked
``bo`` and a subject appears once per language label.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Work

# DCMI Type Vocabulary term for each work type.
DCMI_TYPES = {"video": "MovingImage", "animation": "MovingImage", "book": "Text", "audio": "Sound",
              "poster": "StillImage"}
# The people a record names as its makers; the other roles are contributors.
CREATOR_ROLES = ("author", "producer")
FILE_ROLES = ("original", "dub", "document")


@dataclass(frozen=True)
class Element:
    name: str
    value: str
    lang: str | None = None


def _labels(vocabulary, scheme: str, code: str) -> list[Element]:
    term = vocabulary.get(scheme, code) if vocabulary is not None else None
    if term is None:
        return [Element("", code)]
    return [Element("", label, lang) for lang, label in term.labels.items() if label]


def elements(work: Work, url: str, vocabulary=None) -> list[Element]:
    """The work's Dublin Core elements, in the order of the fifteen DC elements.

    :param url: the work's public page, its ``identifier``.
    :param vocabulary: labels for subjects and types (each label in its language); codes without it.
    """
    out: list[Element] = []
    for v in work.versions.values():
        if v.title is not None and v.has_title:
            out.append(Element("title", v.title, v.lang))
    for c in work.creators:
        kind = "creator" if c.role in CREATOR_ROLES else "contributor"
        out += [Element(kind, name, lang) for lang, name in c.name.items() if name]
    for code in work.subjects:
        out += [Element("subject", e.value, e.lang) for e in _labels(vocabulary, "subjects", code)]
    for v in work.versions.values():
        if v.description and v.description.strip():
            out.append(Element("description", v.description, v.lang))
        out += [Element("subject", k, v.lang) for k in v.keywords]
    if work.year is not None:
        out.append(Element("date", str(work.year)))
    out.append(Element("type", DCMI_TYPES.get(work.type, "Text")))
    out += [Element("type", e.value, e.lang) for e in _labels(vocabulary, "types", work.type)]
    formats = dict.fromkeys(m.content_type for m in work.media if m.role in FILE_ROLES and m.content_type)
    out += [Element("format", f) for f in formats]
    out.append(Element("identifier", url))
    if work.source_url:
        out.append(Element("source", work.source_url))
    out += [Element("language", lang) for lang in work.languages]
    if work.license:
        out.append(Element("rights", work.license))
    if work.attribution:
        out.append(Element("rights", work.attribution))
    return out
