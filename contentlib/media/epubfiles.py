"""Reading an EPUB's parts safely: names inside the archive, XML without entities, links resolved.

Shared by the upload check (``check.py``) and the reader (``epub.py``).
"""

from __future__ import annotations

import posixpath
import zipfile
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

import defusedxml
import defusedxml.ElementTree as SafeET

from contentlib.errors import MediaRejected

OCF = "urn:oasis:names:tc:opendocument:xmlns:container"
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
NCX = "http://www.daisy.org/z3986/2005/ncx/"
#: Largest container, package, navigation or NCX document read whole into a tree.
XML_MAX = 4 * 1024 * 1024
HTML_TYPES = ("application/xhtml+xml", "text/html")


def safe_name(name: str) -> bool:
    """Whether an archive path stays inside the archive (no root, no backslash, no ``..``)."""
    if not name or name.startswith(("/", "\\")) or "\\" in name or "\x00" in name:
        return False
    return ".." not in name.split("/")


def parse_xml(zf: zipfile.ZipFile, member: str, what: str):
    """Parse one small XML member into an ElementTree element.

    :raises MediaRejected: when it is missing, too large, declares entities or is not well-formed.
    """
    try:
        info = zf.getinfo(member)
    except KeyError:
        raise MediaRejected(f"The EPUB has no {what} ({member}).") from None
    if info.file_size > XML_MAX:
        raise MediaRejected(f"The EPUB's {what} is too large.", reason="size")
    data = zf.read(info)
    try:
        return SafeET.fromstring(data)
    except defusedxml.DefusedXmlException:
        raise MediaRejected(
            f"The EPUB's {what} declares XML entities or external references, which are refused for safety.",
            reason="unsafe",
        ) from None
    except ParseError as exc:
        raise MediaRejected(f"The EPUB's {what} is not well-formed XML ({exc}).") from None


class _Declared(Exception):
    pass


def declares_entities(data: bytes) -> bool:
    """Whether an XML document declares entities or refers to external ones (XXE, billion laughs).

    Streams through expat without building a tree, so a large chapter costs little.
    A document that is not well-formed XML declares nothing an XML parser would act on.
    """
    def found(*_args):
        raise _Declared

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = found
    parser.UnparsedEntityDeclHandler = found
    parser.ExternalEntityRefHandler = found
    try:
        parser.Parse(data, True)
    except _Declared:
        return True
    except (expat.ExpatError, ValueError):
        return False
    return False


def resolve(base_dir: str, href: str) -> tuple[str | None, str]:
    """The archive path a relative ``href`` names from a document in ``base_dir``, and its fragment.

    The path is None for anything that leaves the book: a scheme (``http:``, ``javascript:``,
    ``file:``), a host (``//...``), a rooted path or one that climbs out of the archive.
    An empty path means the document itself (a bare ``#fragment``).
    """
    href = (href or "").strip()
    try:
        parts = urlsplit(href)
    except ValueError:
        return None, ""
    if parts.scheme or parts.netloc or href.startswith(("/", "\\")):
        return None, ""
    fragment = unquote(parts.fragment)
    if not parts.path:
        return "", fragment
    path = posixpath.normpath(posixpath.join(base_dir, unquote(parts.path)))
    return (path if safe_name(path) else None), fragment
