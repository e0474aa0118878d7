"""Page weight of a first visit, per page, interface language and screen, in Debian's Chromium.

Serves the app (demo catalog with its cover cards, plus the test works) from
a temporary home, loads each page once in a fresh browser context (empty
cache) and adds up the bytes of every response: headers plus the body as
sent (gzipped where the server compressed it). The browser is shown no
installed Tibetan or CJK font, so it downloads the self-hosted Tibetan face
as a visitor without one would. "page" is everything but media (document,
styles, fonts): the budget of 200,000 bytes is on it. "media" is the cover
cards and thumbnails the browser fetched (lazily, so it depends on the screen).

The reader (issue 28) is weighed apart: the first view of a 20-page leaflet in
the in-page reader, everything the browser fetched (the page, its script and
styles, the page pictures it loaded lazily) but the Tibetan font, which a
returning visitor has cached: the budget of 300,000 bytes is on that, at 360 px.

    .venv/bin/python bench/page_weight.py [--json bench/out/page_weight.json] [--only pages|reader]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from urllib.parse import urlsplit  # noqa: E402

from tests.browser.support import ACCEPT, LEAFLET_ID, PAGES, add_reader_books, launch, live_server, weigh  # noqa: E402

BUDGET = 200_000
READER_BUDGET = 300_000  # the leaflet's first view in the reader, font cached, on a 360 px phone
SCREENS = ((1280, 900), (360, 740))


def _font_bytes(w) -> int:
    return sum(size for url, size, _kind in w.responses if urlsplit(url).path.endswith(".woff2"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    parser.add_argument("--only", choices=("pages", "reader"), help="weigh only the site's pages or only the reader")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, live_server(Path(tmp) / "home") as server, \
            sync_playwright() as p:
        browser = launch(p, system_fonts=False, scratch=Path(tmp))
        for name, path in (PAGES.items() if args.only != "reader" else ()):
            for locale in ACCEPT:
                for width, height in SCREENS:
                    w = weigh(browser, server.url, path, locale, width, height)
                    rows.append({"page": name, "path": path, "locale": locale, "viewport": w.viewport,
                                 "requests": len(w.responses), "page_bytes": w.page, "media_bytes": w.media,
                                 "total_bytes": w.transferred, "font_fetched": w.font_fetched,
                                 "responses": [{"url": u.replace(server.url, ""), "bytes": b, "type": t}
                                               for u, b, t in w.responses]})
        reader = add_reader_books(server)[LEAFLET_ID] if args.only != "pages" else None
        for locale in (ACCEPT if reader else ()):
            for width, height in SCREENS:
                w = weigh(browser, server.url, reader, locale, width, height)
                font = _font_bytes(w)
                rows.append({"page": "reader", "path": reader, "locale": locale, "viewport": w.viewport,
                             "requests": len(w.responses), "page_bytes": w.page, "media_bytes": w.media,
                             "total_bytes": w.transferred, "font_fetched": w.font_fetched, "font_bytes": font,
                             "font_cached_bytes": w.transferred - font,
                             "responses": [{"url": u.replace(server.url, ""), "bytes": b, "type": t}
                                           for u, b, t in w.responses]})
        browser.close()
    pages = [r for r in rows if r["page"] != "reader"]
    readers = [r for r in rows if r["page"] == "reader"]
    print(f"{'page':<8} {'locale':<8} {'viewport':<9} {'requests':>8} {'page':>9} {'media':>9} {'total':>9}  budget")
    for r in pages:
        ok = "ok" if r["page_bytes"] <= BUDGET else "OVER"
        print(f"{r['page']:<8} {r['locale']:<8} {r['viewport']:<9} {r['requests']:>8} {r['page_bytes']:>9,} "
              f"{r['media_bytes']:>9,} {r['total_bytes']:>9,}  {ok}")
    print(f"\nreader: first view of a 20-page leaflet ({readers[0]['path'] if readers else ''})")
    print(f"{'locale':<8} {'viewport':<9} {'requests':>8} {'page':>9} {'pictures':>9} {'font':>9} {'total':>9} "
          f"{'no font':>9}  budget (360 px)")
    for r in readers:
        phone = r["viewport"].startswith("360x")
        ok = ("ok" if r["font_cached_bytes"] <= READER_BUDGET else "OVER") if phone else "-"
        print(f"{r['locale']:<8} {r['viewport']:<9} {r['requests']:>8} {r['page_bytes'] - r['font_bytes']:>9,} "
              f"{r['media_bytes']:>9,} {r['font_bytes']:>9,} {r['total_bytes']:>9,} {r['font_cached_bytes']:>9,}  {ok}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=1))
    return 0 if all(r["page_bytes"] <= BUDGET for r in pages) and all(
        r["font_cached_bytes"] <= READER_BUDGET for r in readers if r["viewport"].startswith("360x")) else 1


if __name__ == "__main__":
    sys.exit(main())
