"""Coverage-guided fuzz targets (atheris/libFuzzer) for what outsiders hand us.

Run one target: ``python -m tests.security.fuzz_targets TARGET CORPUS_DIR -max_total_time=10``
(TARGET: ``records``, ``media``, ``bundle``, ``manifest``, ``oai``, ``interface`` or ``reader``).
Any exception other than the target's documented refusal is a crash: libFuzzer prints it and exits non-zero.
``tests/security/test_fuzz.py`` runs each for a bounded time and reads the
number of executions libFuzzer reports.
"""

from __future__ import annotations

import base64
import contextlib
import io
import sys
import tempfile
import zipfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["contentlib"]):
    from contentlib import bounds, jsonsafe, records
    from contentlib.errors import MediaRejected
    from contentlib.media import check, epub
    from contentlib.media.limits import Limits

WORK = Path(tempfile.mkdtemp(prefix="contentlib-fuzz-"))
# Small limits keep every execution quick; the checks under test are the same.
LIMITS = Limits(image_bytes=2 ** 20, video_bytes=2 ** 20, audio_bytes=2 ** 20, book_bytes=2 ** 20,
                subtitle_bytes=2 ** 20, pdf_timeout=5.0)


def fuzz_records(data: bytes) -> None:
    """One JSON Lines record: refused as JSON, or parsed into a work or a list of problems."""
    try:
        value = jsonsafe.loads(data, bounds.MAX_LINE_BYTES)
    except jsonsafe.JSONRefused:
        return
    work, files, problems = records.parse_record(value)
    assert (work is None) == bool(problems)


def fuzz_media(data: bytes) -> None:
    """One uploaded file: described, or refused with MediaRejected."""
    path = WORK / "upload"
    path.write_bytes(data)
    with contextlib.suppress(MediaRejected):
        check.inspect(path, LIMITS)


_STORE = None


def fuzz_bundle(data: bytes) -> None:
    """One offline bundle: verified, or refused with BundleRefused (nothing else)."""
    global _STORE
    from contentlib.bundles import verify
    from contentlib.bundles.format import BundleRefused
    from contentlib.bundles.verify import _ARCHIVE_ERRORS
    from contentlib.store import Store

    if _STORE is None:
        _STORE = Store.from_url(f"sqlite:///{WORK / 'bundle.db'}")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except _ARCHIVE_ERRORS:
        return
    with contextlib.suppress(BundleRefused):
        verify.verify(zf, _STORE)


def fuzz_manifest(data: bytes) -> None:
    """One bundle manifest.json: read and fully checked, or refused with BundleRefused (nothing else)."""
    from contentlib.bundles import manifest
    from contentlib.bundles.format import BundleLimits, BundleRefused

    limits = BundleLimits(max_manifest_bytes=1 << 20)
    with contextlib.suppress(BundleRefused):
        manifest.check(manifest.parse(data, limits), limits)


OAI_KEY = b"f" * 32


class _NoWorks:
    """A store with no works and no tombstones (the OAI target exercises tokens, not records)."""

    def count_changed(self, **_):
        return 0

    def changed_after(self, *_, **__):
        return []

    def tombstones(self, *_):
        return []


def fuzz_oai(data: bytes) -> None:
    """One resumption token: read within bounds (and signed again to the same position), or refused with
    BadToken; and the ListRecords request carrying it gets an OAI answer. A first byte that is odd makes the
    rest a signed payload, so that the checks after the signature are reached too."""
    from contentlib import oai, oai_tokens

    if not data:
        return
    if data[0] & 1:
        payload = base64.urlsafe_b64encode(data[1:]).decode("ascii").rstrip("=")
        token = f"{payload}.{oai_tokens._mac(OAI_KEY, payload)}"
    else:
        token = data[1:].decode("utf-8", "replace")
    try:
        query = oai_tokens.Query.from_token(token, OAI_KEY, oai.FORMATS)
    except oai_tokens.BadToken:
        query = None
    if query is not None:
        assert oai_tokens.Query.from_token(query.token(OAI_KEY), OAI_KEY, oai.FORMATS) == query
    repo = oai.Repository("t", "http://x/oai", "a@b.c", "x", lambda i: i, page_size=2, secret_key="fuzz" * 8)
    body = oai.Handler(_NoWorks(), repo).respond({"verb": ["ListRecords"], "resumptionToken": [token]})
    assert b'<error code="' in body




_SOURCES = None


def fuzz_interface(data: bytes) -> None:
    """An editor's translation of an interface string: refused with a reason, or it formats as text and markup."""
    global _SOURCES
    from babel.messages.pofile import read_po
    from markupsafe import escape

    from contentlib import interface_strings as ui
    from contentlib.settings import ROOT

    if _SOURCES is None:
        with open(ROOT / "translations" / "bo" / "LC_MESSAGES" / "messages.po", "rb") as fh:
            _SOURCES = sorted({i for m in read_po(fh) if m.id for i in ([m.id] if isinstance(m.id, str) else m.id)})
    fdp = atheris.FuzzedDataProvider(data)
    source = _SOURCES[fdp.ConsumeIntInRange(0, len(_SOURCES) - 1)]
    form = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
    problem = ui.format_problem(source, form)
    if problem is None:
        values = {name: ui._SAMPLES[kind] for name, kind, _ in ui._placeholders(source)}
        assert escape(form) % values == escape(form % values)
    else:
        assert isinstance(problem, str) and problem




_OPF = (b'<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata/>'
        b'<manifest><item id="c" href="c.xhtml" media-type="application/xhtml+xml"/>'
        b'<item id="n" href="n.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
        b'<item id="p" href="p.png" media-type="image/png"/></manifest><spine><itemref idref="c"/></spine></package>')
_CONTAINER = (b'<?xml version="1.0"?><container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0">'
              b'<rootfiles><rootfile full-path="o.opf"/></rootfiles></container>')


def fuzz_reader(data: bytes) -> None:
    """An EPUB whose chapter and navigation document are the input: rendered for the reader, or refused."""
    half = len(data) // 2
    with zipfile.ZipFile(WORK / "book.epub", "w") as zf:
        zf.writestr("mimetype", "application/epub+zip")
        zf.writestr("META-INF/container.xml", _CONTAINER)
        zf.writestr("o.opf", _OPF)
        zf.writestr("c.xhtml", data[:half])
        zf.writestr("n.xhtml", data[half:])
        zf.writestr("p.png", data[:64])
    out = WORK / "book"
    out.mkdir(exist_ok=True)
    with contextlib.suppress(MediaRejected):
        epub.render_book(WORK / "book.epub", out, LIMITS)


TARGETS = {"records": fuzz_records, "media": fuzz_media, "bundle": fuzz_bundle, "manifest": fuzz_manifest,
           "oai": fuzz_oai, "interface": fuzz_interface, "reader": fuzz_reader}


def main() -> None:
    target = TARGETS[sys.argv[1]]
    if sys.argv[1] in ("bundle", "manifest"):
        with atheris.instrument_imports(include=["contentlib"]):
            import contentlib.bundles.manifest  # noqa: F401
            import contentlib.bundles.verify  # noqa: F401
    if sys.argv[1] == "oai":
        with atheris.instrument_imports(include=["contentlib"]):
            import contentlib.oai  # noqa: F401
    if sys.argv[1] == "interface":
        with atheris.instrument_imports(include=["contentlib", "babel.messages.checkers"]):
            import contentlib.interface_strings  # noqa: F401
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
