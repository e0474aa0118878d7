#!/usr/bin/env python3
"""The folder for any browser at scale: export time and size, and search time in Chromium from file://.

Builds a catalog of N works with ../shared/tools/make_scale_catalog.py (or takes an
existing CONTENTLIB_HOME with --home, e.g. one where `contentlib demo` ran), times
`contentlib site export`, unzips it, opens index.html from file:// in Debian's
Chromium and times queries made of the catalog's own titles, in four scripts
(Tibetan syllables, their EWTS, Chinese characters, their pinyin): the search alone
(``contentlibSearch.search``) and Enter to results drawn (``data-ms``); the page is shown
(``domInteractive``) before the index is read (``search_ready_s``).
Target (issue 27): a 1,000-work export answers in under 100 ms.

usage: bench/site_export_bench.py [--works 1000] [--home DIR] [--queries 40]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = next((p / "shared" for p in ROOT.parents if (p / "shared" / "tools").is_dir()), ROOT.parent / "shared")
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run(args, env):
    started = time.perf_counter()
    done = subprocess.run([str(BIN / "contentlib"), *args], env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"contentlib {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started


def queries(index: dict, n: int, seed: int = 1) -> list[tuple[str, str]]:
    """(script, query): a title's first two syllables or characters, read in four scripts."""
    import pyewts
    from pypinyin import lazy_pinyin

    rng = random.Random(seed)
    conv = pyewts.pyewts()
    works = index["works"]
    out = []
    for _ in range(n):
        titles = rng.choice(works)[2]
        if "bo" in titles:
            syl = [s for s in titles["bo"].replace("།", "་").split("་") if s][:2]
            out += [("bo", "་".join(syl)), ("ewts", conv.toWylie("་".join(syl)).replace("/", "").strip())]
        if "zh" in titles:
            chars = [c for c in titles["zh"] if "\u4e00" <= c <= "\u9fff"][:3]
            out += [("zh", "".join(chars)), ("pinyin", "".join(lazy_pinyin("".join(chars))))]
    return out


def browser_times(site: Path, asked):
    from playwright.sync_api import sync_playwright

    from tests.browser.support import launch

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        started = time.perf_counter()
        page.goto((site / "index.html").as_uri())
        page.wait_for_function("window.contentlibSearch !== undefined")
        load = time.perf_counter() - started
        shown = page.evaluate("performance.getEntriesByType('navigation')[0].domInteractive") / 1000
        alone = page.evaluate("""(qs) => qs.map(q => {
            const t = performance.now(); const n = window.contentlibSearch.search(q).length;
            return [performance.now() - t, n]; })""", [q for _, q in asked])
        drawn = []
        for _, q in asked:
            page.fill("input[type=search]", q)
            page.press("input[type=search]", "Enter")
            drawn.append(float(page.get_attribute("#site-results", "data-ms")))
        browser.close()
    return load, shown, alone, drawn


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--works", type=int, default=1000)
    ap.add_argument("--home", type=Path, help="an existing CONTENTLIB_HOME (then no catalog is made)")
    ap.add_argument("--queries", type=int, default=40)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="site-bench-"))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env["CONTENTLIB_HOME"] = str(a.home or tmp / "home")
    label = str(a.home) if a.home else f"{a.works} works"
    if not a.home:
        catalog = tmp / "scale.jsonl"
        with open(catalog, "w", encoding="utf-8") as fh:
            subprocess.run([sys.executable, str(SHARED / "tools/make_scale_catalog.py"), str(a.works)], stdout=fh,
                           check=True)
        run(["import", str(catalog)], env)
    out = tmp / "site.zip"
    first = run(["site", "export", str(out)], env)  # makes the cover cards the first time
    again = run(["site", "export", str(out)], env)
    with zipfile.ZipFile(out) as zf:
        zf.extractall(tmp / "site")
        index_bytes = zf.getinfo("index.js").file_size
    text = (tmp / "site" / "index.js").read_text("utf-8")
    index = json.loads(json.loads(text[text.index("JSON.parse(") + len("JSON.parse("):text.rindex(")")]))
    asked = queries(index, a.queries)
    load, shown, alone, drawn = browser_times(tmp / "site", asked)
    found = sum(1 for _, n in alone if n)
    result = {
        "catalog": label, "works": len(index["works"]), "terms": len(index["terms"]),
        "export_s_first": round(first, 1), "export_s_again": round(again, 1),
        "zip_mb": round(out.stat().st_size / 2 ** 20, 2), "index_js_mb": round(index_bytes / 2 ** 20, 2),
        "page_shown_s": round(shown, 2), "search_ready_s": round(load, 2), "queries": len(asked), "queries_with_results": found,
        "search_ms_p50": round(pct([t for t, _ in alone], 50), 2), "search_ms_p95": round(pct([t for t, _ in alone], 95), 2),
        "search_ms_max": round(max(t for t, _ in alone), 2),
        "enter_to_results_ms_p95": round(pct(drawn, 95), 2),
        "by_script_ms_p95": {s: round(pct([t for (sc, _), (t, _) in zip(asked, alone) if sc == s], 95), 2)
                             for s in sorted({sc for sc, _ in asked})},
        "load_average": os.getloadavg(),
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    print(f"(files in {tmp})", file=sys.stderr)


if __name__ == "__main__":
    main()
