"""Text that XML can carry: one check for every door that takes text, one filter for every XML writer.

XML 1.0 allows tab, newline, carriage return and the characters from U+0020 up,
except the surrogates and U+FFFE/U+FFFF; lxml refuses a string holding anything
else, so one such character in a title used to make every feed carrying it a 500.

Refused on entry (import records, the editor and the API, glossary entries, list
names, vocabulary labels): the C0 controls but tab, newline and carriage return;
DEL and the C1 controls U+0080-U+009F (XML allows them, but they are never text:
a file mis-decoded from Windows-1252 makes them); lone surrogates (JSON can spell
them, no database can store them); U+FFFE and U+FFFF. Tab, newline and carriage
return are allowed in every field: browsers send a textarea's line breaks as
CR LF, and all three are legal XML.

Every XML writer (Atom and OPDS feeds, OAI-PMH, sitemaps, ZIM pages) passes text
through ``xml_safe`` as a last line, for rows written before the check existed
or past it.
"""

from __future__ import annotations

import re

_REFUSED = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff\ufffe\uffff]")


def problem(field: str, text) -> tuple[str, str] | None:
    """``(field, message)`` naming the first refused character of ``text``, or None when it is fine.

    Anything but a string is left to the caller's type checks.
    """
    if not isinstance(text, str):
        return None
    found = _REFUSED.search(text)
    if found is None:
        return None
    return (field, f"contains the control character U+{ord(found.group()):04X} at character {found.start() + 1}; "
                   "remove it (only tab and line breaks are allowed)")


def problems(value, where: str) -> list[tuple[str, str]]:
    """Every string inside ``value`` (a decoded JSON value) that holds a refused character, by its path.

    Paths read like the record format's fields: ``titles.en``, ``keywords.zh[2]``, ``creators[0].name.bo``.
    """
    if isinstance(value, str):
        found = problem(where, value)
        return [found] if found else []
    out = []
    if isinstance(value, dict):
        for key, item in value.items():
            out += problems(key, f"{where} key" if where else "field name")
            name = xml_safe(str(key))
            out += problems(item, f"{where}.{name}" if where else name)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += problems(item, f"{where}[{i}]")
    return out


def xml_safe(text):
    """``text`` without the characters refused above (None stays None): what any XML writer may emit."""
    if text is None:
        return None
    text = str(text)
    return _REFUSED.sub("", text) if _REFUSED.search(text) else text
