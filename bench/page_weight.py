"""Page weight of a first visit, per page and interface language, in Debian's Chromium.

Serves the app (demo catalog plus the test works) from a temporary home, loads
each page once in a fresh browser context (empty cache) and adds up the bytes
of every response: headers plus the body as sent (gzipped where the server
compressed it). The browser is shown no installed Tibetan or CJK font, so it
downloads the self-hosted Tibetan face as a visitor without one would;
"no local font" would add the font had it still not been fetched. Budget:
200,000 bytes, media excluded.

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
                w = weigh(browser, server.url, path, locale)
                rows.append({"page": name, "path": path, "locale": locale, "requests": len(w.responses),
                             "transferred": w.transferred, "font_fetched": w.font_fetched,
                             "no_local_font": w.worst_case,
                             "responses": [{"url": u.replace(server.url, ""), "bytes": b} for u, b in w.responses]})
        browser.close()
    print(f"{'page':<8} {'locale':<8} {'requests':>8} {'transferred':>12} {'no local font':>14}  budget")
    for r in rows:
        ok = "ok" if r["no_local_font"] <= BUDGET else "OVER"
        print(f"{r['page']:<8} {r['locale']:<8} {r['requests']:>8} {r['transferred']:>12,} "
              f"{r['no_local_font']:>14,}  {ok}")
    print("\nresponses of the first row:")
    for resp in rows[0]["responses"]:
        print(f"  {resp['bytes']:>8,}  {resp['url']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=1))
    return 0 if all(r["no_local_font"] <= BUDGET for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
