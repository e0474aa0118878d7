#!/usr/bin/env python3
"""The translation memory at scale: time to learn it from N works, and look-up latency at 200,000 segments.

1. ``../shared/tools/make_scale_catalog.py`` writes a catalog; its first ``--works`` works are imported
   into a fresh SQLite store and the memory is learned from them (``memory.rebuild``, timed: the
   build figure). The memory holds only the pairs those works publish (titles, aligned sentences).
2. More works of the same catalog are imported until the memory holds ``--segments`` pairs each way
   (it keeps every pair both ways, zh->bo and bo->zh); the memory follows them through the outbox
   (timed too).
3. A process's bigram index is built (timed), then three sets of look-ups are timed one by one,
   each excluding a work as the workbench does: sources in the memory (exact), the same with one
   character dropped (fuzzy), and Chinese sentences of works that have no Tibetan version, never
   in the memory (held-out). Target: p95 <= 30 ms.
4. ``--stress``: also a memory of as many *distinct* source texts (halves of the catalog's Chinese
   sentences spliced together, with made-up targets), since the catalog's pairs repeat a few
   thousand FLORES-200 sentences: this measures the bigram index itself at that size.

(CONTENTLIB_SHARED names ../shared when the checkout is elsewhere, as for the tests.)

usage: python bench/translation_memory_bench.py [--works 100000] [--segments 200000] [--stress]
         [--workdir /tmp/tmbench] [--out bench/translation_memory_results.md]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CONTENTLIB_SHARED") or ROOT.parent / "shared")
sys.path.insert(0, str(ROOT))

from contentlib import records  # noqa: E402
from contentlib.media import MediaStore  # noqa: E402
from contentlib.store import Store  # noqa: E402
from contentlib.translation import memory  # noqa: E402
from contentlib.translation.segments import split_sentences  # noqa: E402


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def timed_lookups(store, index, queries, rng, work_ids):
    out = []
    for q in queries:
        exclude = rng.choice(work_ids)
        t = time.perf_counter()
        memory.lookup(store, q, "zh", "bo", exclude_work=exclude, index=index)
        out.append((time.perf_counter() - t) * 1000)
    return out


def rss() -> float:
    """This process's resident memory now, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def catalog(workdir: Path, n: int) -> Path:
    path = workdir / f"scale-{n}.jsonl"
    if not path.exists():
        with open(path, "w", encoding="utf-8") as fh:
            subprocess.run([sys.executable, str(SHARED / "tools/make_scale_catalog.py"), str(n)], stdout=fh, check=True)
    return path


def import_lines(store, source: Path, start: int, stop: int, workdir: Path) -> float:
    part = workdir / f"part-{start}-{stop}.jsonl"
    with open(source, encoding="utf-8") as fh, open(part, "w", encoding="utf-8") as out:
        for i, line in enumerate(fh):
            if start <= i < stop:
                out.write(line)
    t = time.perf_counter()
    records.import_file(store, part, skip_invalid=True)  # the generator makes a few works without a title
    return time.perf_counter() - t


def measure(store, rng, label, rows, held_out, work_ids, n=500):
    index = memory.GramIndex()
    before = rss()
    t = time.perf_counter()
    index.refresh(store)
    build = time.perf_counter() - t
    held = rss() - before
    sources = [r for r in rng.sample(rows, min(n, len(rows)))]
    near = []
    for s in sources:
        i = rng.randrange(len(s))
        near.append(s[:i] + s[i + 1:] if len(s) > 4 else s)
    timed_lookups(store, index, sources[:20], rng, work_ids)  # warm-up
    sets = {"exact (in the memory)": timed_lookups(store, index, sources, rng, work_ids),
            "fuzzy (one character dropped)": timed_lookups(store, index, near, rng, work_ids),
            "held-out (never in the memory)": timed_lookups(store, index, rng.sample(held_out, min(n, len(held_out))),
                                                            rng, work_ids)}
    everything = [x for v in sets.values() for x in v]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [f"### {label}", "", f"Bigram index built in this process: {build:.1f} s; it holds {held:.0f} MB "
                                 f"(resident memory after the build less before; the bench process peaked at "
                                 f"{peak:.0f} MB so far). Load average: {load()}.", "",
             "| look-ups | n | p50 ms | p95 ms | max ms | target p95 <= 30 ms |", "|---|---|---|---|---|---|"]
    for name, values in list(sets.items()) + [("**all**", everything)]:
        p95 = percentile(values, 95)
        lines.append(f"| {name} | {len(values)} | {percentile(values, 50):.1f} | {p95:.1f} | {max(values):.1f} | "
                     f"{'met' if p95 <= 30 else 'missed'} |")
    return lines + [""]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--works", type=int, default=100_000)
    ap.add_argument("--segments", type=int, default=200_000)
    ap.add_argument("--stress", action="store_true")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/tmbench"))
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "translation_memory_results.md")
    ap.add_argument("--summary-only", action="store_true", help="copy --out's figures into bench/results.md")
    a = ap.parse_args()
    if a.summary_only:
        summary(ROOT / "bench" / "results.md", a.out, a.out.read_text(encoding="utf-8"))
        return
    a.workdir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    total = int(a.works * 1.4)  # enough works to reach the segment count (about 1.8 pairs a work)
    source = catalog(a.workdir, total)
    db = a.workdir / "bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    store = Store.from_url(f"sqlite:///{db}")
    media = MediaStore(a.workdir / "media")
    load_start = load()
    imported = import_lines(store, source, 0, a.works, a.workdir)
    t = time.perf_counter()
    memory.rebuild(store, media)
    build = time.perf_counter() - t
    counts_build = store.memory_counts()
    done, follow_time, more = a.works, 0.0, 0
    while store.memory_counts()["pairs"] < 2 * a.segments and done < total:  # each pair is kept both ways
        step = min(total, done + 5000)
        more += import_lines(store, source, done, step, a.workdir)
        t = time.perf_counter()
        memory.follow(store, media)
        follow_time += time.perf_counter() - t
        done = step
    counts = store.memory_counts()
    work_ids = store.work_ids()
    rows = [r[2] for r in store.memory_sources_after(0)]
    pair_sources = sorted({p.source for p in store.memory_pairs_of([i for i, *_ in store.memory_sources_after(0)],
                                                                   "bo", None)})
    held_out = []
    with open(source, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if "bo" not in rec["titles"]:
                held_out += [s for s in split_sentences(rec["descriptions"].get("zh")) if len(s) > 6]
            if len(held_out) > 5000:
                break
    lines = ["# Translation memory: learning it and looking it up", "",
             f"Command: `python bench/translation_memory_bench.py --works {a.works} --segments {a.segments}"
             f"{' --stress' if a.stress else ''}`  ",
             f"Run {started} on {os.cpu_count()} cores, SQLite (WAL). Load average at start: {load_start} "
             "(a shared machine: other sessions' jobs run beside this one).", "",
             "## Learning the memory", "",
             "| step | works | wall time | pairs | distinct sources |", "|---|---|---|---|---|",
             f"| import (store only, for reference) | {a.works:,} | {imported:.0f} s | | |",
             f"| **build the memory from the published works** (`memory.rebuild`) | {a.works:,} | **{build:.1f} s** | "
             f"{counts_build['pairs']:,} | {counts_build['sources']:,} |",
             f"| import {done - a.works:,} more works, then follow the outbox (`memory.follow`, in 5,000s) | "
             f"{done:,} | {more:.0f} s import, {follow_time:.1f} s follow | {counts['pairs']:,} | {counts['sources']:,} |",
             "", "The memory holds only pairs the catalog's works publish (titles; description sentences aligned, "
             "equal counts 1:1, else by length), each kept both ways (zh→bo and bo→zh). "
             "The generated works repeat a few thousand FLORES-200 sentence pairs, "
             "so many pairs share a source text: the memory keeps each source text once.", "",
             "## Look-ups (one at a time, each excluding a work)", ""]
    lines += measure(store, rng, f"The catalog's memory: {counts['pairs']:,} pairs, {counts['sources']:,} distinct "
                                 "source texts", pair_sources or rows, held_out, work_ids)
    if a.stress:
        lines += stress(a, rng, held_out, work_ids)
    store.close()
    text = "\n".join(lines) + "\n"
    a.out.write_text(text, encoding="utf-8")
    summary(ROOT / "bench" / "results.md", a.out, text)
    print(text)


MARK = "<!-- translation memory: written by bench/translation_memory_bench.py -->"


def summary(results: Path, out: Path, text: str) -> None:
    """Put this run's figures in bench/results.md too, in place of its earlier section (or at the end).

    The sections other benches wrote after it stay. ``run_bench.py`` rewrites results.md without it:
    run this bench again after it.
    """
    body = text.split("\n", 1)[1].replace("\n### ", "\n#### ").replace("\n## ", "\n### ")
    section = (f"{MARK}\n## Translation memory (issue 23)\n\nThe full report is `{out.relative_to(ROOT)}`.\n"
               f"{body}")
    old = results.read_text(encoding="utf-8") if results.exists() else ""
    kept, _, rest = old.partition(MARK)
    kept = kept.rstrip("\n")
    after = ""
    if rest:  # the old section ends where the next section of the file begins
        header = rest.find("\n## ")                    # its own "## Translation memory" title
        end = rest.find("\n## ", header + 1) if header >= 0 else -1
        after = rest[end:].lstrip("\n") if end >= 0 else ""
    results.write_text((kept + "\n\n" if kept else "") + section.rstrip("\n") + "\n"
                       + ("\n" + after if after else ""), encoding="utf-8")


def stress(a, rng, held_out, work_ids):
    """A memory of ``--segments`` distinct sources (spliced catalog sentences), for the index at that size."""
    from contentlib.translation.memory import _pair

    zh = sorted({s for s in held_out})
    source = catalog(a.workdir, int(a.works * 1.4))
    with open(source, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if "bo" not in rec["titles"]:
                zh += split_sentences(rec["descriptions"].get("zh"))
    zh = sorted(set(s for s in zh if len(s) > 8))
    db = a.workdir / "stress.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    store = Store.from_url(f"sqlite:///{db}")
    pairs, seen = [], set()
    while len(pairs) < a.segments:
        x, y = rng.choice(zh), rng.choice(zh)
        text = x[:len(x) // 2] + y[len(y) // 2:]
        if text not in seen:
            seen.add(text)
            pairs.append(_pair(f"s-{len(pairs) // 4}", "zh", "bo", text, f"ཀ་ {len(pairs)}", "sentence"))
    t = time.perf_counter()
    with store.transaction() as conn:
        store.memory_add(conn, pairs)
    written = time.perf_counter() - t
    ids = [f"s-{i}" for i in range(len(pairs) // 4)]
    texts = [p["source"] for p in pairs]
    out = measure(store, rng, f"Stress: {len(pairs):,} distinct source texts (spliced halves of the catalog's Chinese "
                              f"sentences, made-up targets; written in {written:.0f} s) — not the catalog's pairs",
                  texts, [s for s in zh if s not in seen], ids)
    store.close()
    return out


if __name__ == "__main__":
    main()
