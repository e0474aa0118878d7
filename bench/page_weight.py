"""Page weight of a first visit, per page, interface language and screen, in Debian's Chromium.

Serves the app (demo catalog with its cover cards, plus the test works) from
a temporary home, loads each page once in a fresh browser context (empty
cache) and adds up the bytes of every response: headers plus the body as
sent (gzipped where the server compressed it). The browser is shown no
installed Tibetan or CJK font, so it downloads the self-hosted Tibetan face
as a visitor without one would. "page" is everything but media (document,
styles, fonts): the budget of 200,000 bytes is on it. "media" is the cover
cards and thumbnails the browser fetched (lazily, so it depends on the screen).

    .venv/bin/python bench/page_weight.py [--json bench/out/page_weight.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser.support import ACCEPT, PAGES, launch, live_server, weigh  # noqa: E402

BUDGET = 200_000
SCREENS = ((1280, 900), (360, 740))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, live_server(Path(tmp) / "home") as server, \
            sync_playwright() as p:
        browser = launch(p, system_fonts=False, scratch=Path(tmp))
        for name, path in PAGES.items():
            for locale in ACCEPT:
                for width, height in SCREENS:
                    w = weigh(browser, server.url, path, locale, width, height)
                    rows.append({"page": name, "path": path, "locale": locale, "viewport": w.viewport,
                                 "requests": len(w.responses), "page_bytes": w.page, "media_bytes": w.media,
                                 "total_bytes": w.transferred, "font_fetched": w.font_fetched,
                                 "responses": [{"url": u.replace(server.url, ""), "bytes": b, "type": t}
                                               for u, b, t in w.responses]})
        browser.close()
    print(f"{'page':<8} {'locale':<8} {'viewport':<9} {'requests':>8} {'page':>9} {'media':>9} {'total':>9}  budget")
    for r in rows:
        ok = "ok" if r["page_bytes"] <= BUDGET else "OVER"
        print(f"{r['page']:<8} {r['locale']:<8} {r['viewport']:<9} {r['requests']:>8} {r['page_bytes']:>9,} "
              f"{r['media_bytes']:>9,} {r['total_bytes']:>9,}  {ok}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=1))
    return 0 if all(r["page_bytes"] <= BUDGET for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
