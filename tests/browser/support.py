"""Serve the real app on a free local port and drive Debian's Chromium (shared by tests and bench).

Nothing here downloads a browser: Playwright is pointed at ``/usr/bin/chromium``.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tests.conftest import empty_catalog

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CONTENTLIB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
DEMO = ROOT / "contentlib" / "data" / "demo" / "catalog.jsonl"
TEST_WORKS = ROOT / "tests" / "data" / "works.jsonl"
FONT = ROOT / "catalog" / "static" / "fonts" / "NotoSerifTibetan.woff2"
# Latin-only faces (Chromium will not start with no font at all) for a browser that must find
# no Tibetan font: DejaVu or Liberation when present, else fonts-noto-core's Latin faces (CI).
LATIN_ONLY_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans*.ttf",
                    "/usr/share/fonts/truetype/liberation/Liberation*.ttf",
                    "/usr/share/fonts/truetype/noto/NotoSans-*.ttf",
                    "/usr/share/fonts/truetype/noto/NotoSerif-*.ttf",
                    "/usr/share/fonts/truetype/noto/NotoSansMono-*.ttf")

# The interface languages, as a browser would ask for them.
ACCEPT = {"bo": "bo", "zh_Hans": "zh-CN,zh;q=0.9", "en": "en-US,en;q=0.9"}
HTML_LANG = {"bo": "bo", "zh_Hans": "zh-Hans", "en": "en"}
PAGES = {"home": "/", "search": "/search?q=water", "work": "/works/t-atom",
         "listing": "/subjects/health?sort=title"}
# Pages behind the login, opened as this editor (name, password).
EDITOR = ("editor", "correct horse battery")
EDITOR_PAGES = {"login": "/login", "queue": "/editor/", "editor": "/editor/works/t-atom/bo", "coverage": "/coverage",
                "glossary": "/glossary"}


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


@dataclass
class LiveServer:
    url: str
    app: object
    home: Path
    _server: object = field(repr=False, default=None)

    def stop(self) -> None:
        self._server.shutdown()
        self.app.extensions["contentlib"].store.close()


@contextmanager
def live_server(home: Path):
    """Serve create_app() with a demo catalog plus the test works from ``home`` on 127.0.0.1."""
    from werkzeug.serving import make_server

    from catalog import create_app
    from catalog.resources import start_workers
    from contentlib import accounts, indexing, records

    home.mkdir(parents=True, exist_ok=True)
    empty_catalog(home / "contentlib.db")
    app = create_app({
        "TESTING": True, "CONTENTLIB_SECRET_KEY": "suite-only-4fJ9x2Qm7LwZ8rKp3VtB", "CONTENTLIB_HOME": str(home),
        "CONTENTLIB_INSTANCE_DIR": str(home), "CONTENTLIB_DATABASE_URL": f"sqlite:///{home / 'contentlib.db'}",
        "CONTENTLIB_INDEX_DIR": str(home / "index"), "CONTENTLIB_MEDIA_DIR": str(home / "media"),
    })
    res = app.extensions["contentlib"]
    with app.app_context():  # as `contentlib demo` does: derived files and cover cards up front
        for path in (DEMO, TEST_WORKS):  # the test works last, so they are the newest
            report = records.import_file(res.store, path, ingest=res.ingest)
            res.finish_import(report.work_ids, cards=True)
    indexing.drain(res.store, res.index)
    accounts.create_user(res.store, EDITOR[0], "editor", EDITOR[1])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="contentlib-browser-test", daemon=True)
    thread.start()
    workers = start_workers(app)  # as `contentlib serve` does: the index follows the outbox
    live = LiveServer(f"http://127.0.0.1:{server.server_port}", app, home, server)
    try:
        yield live
    finally:
        workers.stop.set()
        workers.join(timeout=10)
        live.stop()
        thread.join(timeout=10)


# Books for the in-page reader (issue 28): a 20-page leaflet of the demo's Tibetan–Chinese pages, and an EPUB.
LEAFLET_ID, EPUB_ID = "t-leaflet20", "t-epub"


def make_leaflet(path: Path, pages: int = 20) -> Path:
    """A ``pages``-page leaflet joined from the demo leaflets' pages (text PDFs with shaped Tibetan)."""
    import pypdfium2

    sources = sorted((ROOT / "contentlib" / "data" / "demo" / "media").glob("*/leaflet.pdf"))
    out = pypdfium2.PdfDocument.new()
    for n in range(pages):
        src = pypdfium2.PdfDocument(str(sources[n % len(sources)]))
        out.import_pages(src, [0])
        src.close()
    out.save(str(path))
    out.close()
    return path


def add_reader_books(live: LiveServer) -> dict[str, str]:
    """Import the leaflet and an EPUB into a running server and make their reader copies; return their reader paths."""
    from contentlib import records
    from tests.unit import media_samples as ms

    folder = live.home / "reader-books"
    (folder / "media").mkdir(parents=True, exist_ok=True)
    make_leaflet(folder / "media" / "leaflet.pdf")
    chapters = [f'<h1 id="c{n}">ལེའུ་{n}།</h1><p>{ms.TIBETAN}</p><p>{ms.CHINESE}</p>' for n in range(1, 6)]
    ms.make_reader_epub(folder / "media" / "book.epub", chapters,
                        nav=[(f"ལེའུ་{n}།", f"ch{n}.xhtml") for n in range(1, 6)])
    works = folder / "works.jsonl"
    works.write_text("\n".join(json.dumps(rec, ensure_ascii=False) for rec in (
        {"id": LEAFLET_ID, "type": "book", "titles": {"bo": "ཚན་རིག་གི་ཤོག་བྱང་།", "zh": "科学传单"},
         "media": [{"path": "media/leaflet.pdf", "role": "original"}]},
        {"id": EPUB_ID, "type": "book", "titles": {"bo": ms.TIBETAN, "zh": ms.CHINESE},
         "media": [{"path": "media/book.epub", "role": "original"}]})) + "\n", "utf-8")
    res = live.app.extensions["contentlib"]
    with live.app.app_context():
        report = records.import_file(res.store, works, ingest=res.ingest)
        res.finish_import(report.work_ids)
        for work_id in report.work_ids:
            res.make_derived(work_id)  # the reader's pages, as the worker would make them
    return {work_id: f"/works/{work_id}/read/{res.store.get_work(work_id).media[0].sha256}"
            for work_id in (LEAFLET_ID, EPUB_ID)}


def reload_until(page, url: str, selector: str, seconds: float = 15.0) -> int:
    """Load ``url`` until ``selector`` matches (the index catches up in the background); return the count."""
    deadline = time.monotonic() + seconds
    while True:
        page.goto(url)
        count = page.locator(selector).count()
        if count or time.monotonic() > deadline:
            return count
        time.sleep(0.3)


def launch(playwright, system_fonts: bool = True, scratch: Path | None = None):
    """Start Chromium; ``system_fonts=False`` hides every installed Tibetan and CJK font.

    A machine with fonts-noto-core has Noto Serif Tibetan, which ``local()`` in fonts.css picks
    up, and then the woff2 is never fetched. Without system fonts the browser is the visitor
    on a phone with no Tibetan font: it must download the self-hosted face and draw with it.
    """
    env = None
    if not system_fonts:
        scratch = Path(scratch or tempfile.mkdtemp(prefix="contentlib-fonts-"))
        fonts = scratch / "fonts"
        fonts.mkdir(parents=True, exist_ok=True)
        for pattern in LATIN_ONLY_FONTS:
            for font in glob.glob(pattern):
                link = fonts / Path(font).name
                if not link.exists():
                    link.symlink_to(font)
        if not any(fonts.iterdir()):
            raise RuntimeError(f"no Latin-only font found ({', '.join(LATIN_ONLY_FONTS)}); "
                               "apt-get install fonts-noto-core or fonts-dejavu-core")
        conf = scratch / "fonts.conf"
        conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
                        f"<fontconfig><dir>{fonts}</dir><cachedir>{scratch / 'cache'}</cachedir></fontconfig>")
        env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, env=env)


@dataclass
class Weight:
    """What a first visit to one page transferred."""

    path: str
    locale: str
    responses: list[tuple[str, int, str]]  # (url, bytes on the wire: headers + encoded body, resource type)
    draws_tibetan: bool
    viewport: str = ""

    @property
    def transferred(self) -> int:
        return sum(size for _url, size, _type in self.responses)

    @property
    def media(self) -> int:
        """Bytes of pictures, video and audio (cover cards and thumbnails, lazily loaded)."""
        return sum(size for _url, size, kind in self.responses if kind in MEDIA_TYPES)

    @property
    def page(self) -> int:
        """Everything but media: the document, styles, scripts and fonts. The budget is on this."""
        return self.transferred - self.media

    @property
    def font_fetched(self) -> bool:
        return any(urlsplit(url).path.endswith(".woff2") for url, _size, _type in self.responses)


MEDIA_TYPES = {"image", "media"}


def weigh(browser, base_url: str, path: str, locale: str, width: int = 1280, height: int = 900) -> Weight:
    """Load ``path`` once in a fresh context (empty cache) and add up every response's size."""
    context = browser.new_context(viewport={"width": width, "height": height},
                                  extra_http_headers={"Accept-Language": ACCEPT[locale]})
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(base_url + path, wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_load_state("networkidle")
    responses = []
    for request in finished:
        sizes = request.sizes()
        size = sizes["responseHeadersSize"] + sizes["responseBodySize"]
        if sizes["responseBodySize"] <= 0:  # no size reported: count the (decoded) body itself
            response = request.response()
            size = sizes["responseHeadersSize"] + (len(response.body()) if response else 0)
        responses.append((request.url, size, request.resource_type))
    draws_tibetan = page.evaluate(r"/[\u0f00-\u0fff]/.test(document.body.innerText)")
    context.close()
    return Weight(path, locale, responses, draws_tibetan, f"{width}x{height}")
