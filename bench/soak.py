#!/usr/bin/env python3
"""A long day in an hour: does anything grow or slow down under steady use? (issue 25, item 4)

In one run, on one machine:

1. unless ``HOME`` already holds a library: a catalog of N works
   (``shared/tools/make_scale_catalog.py``, else a small built-in generator),
   imported with ``contentlib import``; two editors and a reviewer with API tokens;
2. ``contentlib serve`` as it runs by default, for ``--minutes``, while
   ``--searchers`` clients search (``GET /api/v1/search``, one keep-alive
   connection each) and ``--editors`` editors save a draft, submit it and have it
   approved (published), over and over, each on works of their own;
3. in the middle, ``contentlib reindex`` and then ``contentlib backup`` run beside it;
4. every ``--sample`` seconds: RSS, PSS, threads and open file descriptors (by kind) of every
   serving process, and the index's segments; per ``--window``: searches, their p95, saves, errors.

At the end it stops the server with SIGTERM (a graceful stop exits 0) and checks:

- memory flat: each process's mean PSS over the last ``--span`` is within 10% of
  its mean over the first ``--span`` after ``--warmup``;
- open file descriptors flat: the last span's mean is no more than the first's + 8 (the
  most of each span is reported: it peaks when merges leave many segments open, at
  whatever minute they fall, so it says little of growth);
- p95 of each window within 2x of the first window's; 0 errors; the server exits 0.

It prints a table, writes the figures as JSON (``--json``) and the curves as an
SVG (``--out``, default ``bench/soak.svg``); ``--check`` exits 1 when a target is missed.

usage: bench/soak.py --home DIR [--works 100000] [--minutes 60] [--searchers 16] [--editors 2]
                     [--window 300] [--warmup 300] [--span 600] [--sample 10] [--workers N]
CI runs a 3-minute version at a small scale (tests/faults/test_soak.py, marked slow).
"""
from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SHARED = Path(os.environ.get("CONTENTLIB_SHARED") or ROOT.parent / "shared")
PASSWORD = "soak-password-for-the-bench"
MEMORY_DRIFT, FD_SLACK, P95_RATIO = 0.10, 8, 2.0
SHORT_LIVED = 300  # seconds: a process seen for less, in neither span whole, is a child, not a serving process


# -- the library ----------------------------------------------------------------

def _cli(env, *args, check=True, ok=(0,)):
    done = subprocess.run([str(BIN / "contentlib"), *args], env=env, capture_output=True, text=True)
    if check and done.returncode not in ok:
        raise SystemExit(f"contentlib {' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return done


_ZH = "原子核中子质子电磁波光合作用细胞分裂地球板块月亮潮汐声音速度能量守恒化学反应植物根茎叶"
_BO = ["ལྟེ་ཉིང་", "རྡུལ་ཕྲན་", "གློག་", "འོད་", "ས་གཞི་", "ཟླ་བ་", "སྐད་", "ནུས་པ་", "རྩི་ཤིང་", "ཆུ་"]


def _generated(n: int):
    """Works enough like real ones for a soak when the shared generator is not there."""
    rnd = random.Random(7)
    for i in range(n):
        zh = "".join(rnd.choice(_ZH) for _ in range(rnd.randint(4, 12)))
        bo = "".join(rnd.choice(_BO) for _ in range(rnd.randint(2, 6)))
        yield {"id": f"soak-{i:07d}", "type": rnd.choice(["book", "video", "poster"]),
               "titles": {"zh": zh, "bo": bo}, "descriptions": {"zh": zh * 3}, "year": 2000 + i % 25}


def build(home: Path, works: int, env: dict) -> None:
    """Make the catalog, import it, and make the accounts (tokens in ``home/soak-tokens.json``)."""
    catalog = home / "soak.jsonl"
    tool = SHARED / "tools/make_scale_catalog.py"
    with open(catalog, "w", encoding="utf-8") as fh:
        if tool.is_file():
            subprocess.run([sys.executable, str(tool), str(works)], stdout=fh, check=True)
        else:
            for rec in _generated(works):
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    started = time.monotonic()
    _cli(env, "import", "--skip-invalid", str(catalog), ok=(0, 2))  # 2: the generator's few invalid lines skipped
    print(f"imported {works} works in {time.monotonic() - started:.0f} s", flush=True)
    tokens = {}
    for name, role in (("soak-ed1", "editor"), ("soak-ed2", "editor"), ("soak-rev", "reviewer")):
        _cli(env, "users", "create", name, "--role", role, "--password", PASSWORD)
        tokens[name] = _cli(env, "users", "token", name).stdout.strip()
    (home / "soak-tokens.json").write_text(json.dumps(tokens))


def queries_and_ids(home: Path, limit: int = 600) -> tuple[list[str], list[str]]:
    """Queries cut from the catalog's titles (Chinese pieces, Tibetan syllables) and every work id."""
    rnd, qs, ids = random.Random(11), [], []
    with open(home / "soak.jsonl", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            ids.append(rec["id"])
            if len(qs) < limit and rnd.random() < 0.05:
                zh, bo = rec.get("titles", {}).get("zh", ""), rec.get("titles", {}).get("bo", "")
                if len(zh) >= 2:
                    start = rnd.randrange(max(1, len(zh) - 2))
                    qs.append(zh[start:start + rnd.choice((2, 3, 4))])
                if bo:
                    qs.append("་".join(bo.split("་")[:2]))
    dev = SHARED / "data/eval-dev/queries.jsonl"
    if dev.is_file():
        qs += [json.loads(x)["q"] for x in dev.read_text(encoding="utf-8").splitlines() if x.strip()]
    return [q for q in qs if q.strip()] or ["原子"], ids


@contextlib.contextmanager
def _store(env: dict):
    """The library's store, for the few facts the benchmark reads before its clock starts."""
    sys.path.insert(0, str(ROOT))
    from contentlib import settings
    from contentlib.store import Store

    store = Store.from_url(settings.defaults(env)["CONTENTLIB_DATABASE_URL"], migrate=False)
    try:
        yield store
    finally:
        store.close()


def stored(env: dict, ids: list[str]) -> list[str]:
    """The ids the library holds: the generator writes a few invalid lines on purpose, which the import
    skipped (an editor asked to save one of those would count a 404 against the server)."""
    with _store(env) as store:
        held = set(store.work_ids())
    return [i for i in ids if i in held]


def in_review(env: dict, ids: list[str]) -> list[str]:
    """The ids whose Chinese version waits in review: a run stopped half-way leaves some, and an editor's
    save of one is refused (409) until a reviewer acts, which would count against the server."""
    from contentlib.model import IN_REVIEW

    mine = set(ids)
    with _store(env) as store:
        rows, _ = store.working_rows((IN_REVIEW,), limit=len(mine))  # the review queue, not every work
    return sorted(r.work_id for r in rows if r.lang == "zh" and r.work_id in mine)


def settle(port: int, reviewer: str, ids: list[str]) -> None:
    """Approve what an earlier, interrupted run left in review, before the clock starts."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for work in ids:
        status, answer = _ask(conn, "POST", f"/api/v1/works/{work}/versions/zh/approve", None,
                              {"Authorization": f"Bearer {reviewer}"})
        if status != 200:
            raise SystemExit(f"could not approve {work} left in review: {status} {answer[:200]!r}")
    conn.close()


# -- the load -------------------------------------------------------------------

class Log:
    """Every answer: (seconds since start, what, milliseconds, ok)."""

    def __init__(self):
        self.rows, self.errors, self.lock, self.t0 = [], [], threading.Lock(), time.monotonic()

    def add(self, what: str, ms: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.rows.append((time.monotonic() - self.t0, what, ms, ok))
            if not ok and len(self.errors) < 50:
                self.errors.append(f"{time.monotonic() - self.t0:.0f}s {what}: {detail}")


def _ask(conn, method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    hdrs = dict(headers or {}, **({"Content-Type": "application/json"} if data else {}))
    conn.request(method, path, body=data, headers=hdrs)
    resp = conn.getresponse()
    return resp.status, resp.read()


def searcher(port: int, queries: list[str], log: Log, stop: threading.Event, seed: int, think: float) -> None:
    rnd = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while not stop.is_set():
        path = "/api/v1/search?" + urllib.parse.urlencode({"q": rnd.choice(queries), "per_page": 10})
        t = time.perf_counter()
        try:
            status, _ = _ask(conn, "GET", path)
            log.add("search", (time.perf_counter() - t) * 1000, status == 200, f"status {status}")
        except (OSError, http.client.HTTPException) as exc:
            log.add("search", (time.perf_counter() - t) * 1000, False, repr(exc))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        if think:
            stop.wait(think)


def editor(port: int, token: str, reviewer: str, ids: list[str], log: Log, stop: threading.Event,
           pause: float) -> None:
    """Save a draft, submit it, have it approved: a published change, again and again."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    mine = {"Authorization": f"Bearer {token}"}
    theirs = {"Authorization": f"Bearer {reviewer}"}
    n = 0
    while not stop.is_set():
        work = ids[n % len(ids)]
        base = f"/api/v1/works/{work}/versions/zh"
        steps = (("save", base, {"title": f"浸泡测试 {n} 原子核"}, mine), ("submit", base + "/submit", None, mine),
                 ("publish", base + "/approve", None, theirs))
        for what, path, body, who in steps:
            t = time.perf_counter()
            try:
                status, answer = _ask(conn, "POST", path, body, who)
                log.add(what, (time.perf_counter() - t) * 1000, status == 200, f"{status} {answer[:200]!r}")
                if status != 200:
                    break
            except (OSError, http.client.HTTPException) as exc:
                log.add(what, (time.perf_counter() - t) * 1000, False, repr(exc))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                break
        n += 1
        stop.wait(pause)


# -- the processes --------------------------------------------------------------

def _tree(pid: int) -> list[tuple[int, int]]:
    kids: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [(pid, 0)]
    while todo:
        p, depth = todo.pop()
        out.append((p, depth))
        todo.extend((k, depth + 1) for k in kids.get(p, ()))
    return out


def _descriptors(pid: int) -> tuple[int, dict]:
    """How many descriptors a process holds, and of which kind: what a rise is made of."""
    kinds: dict[str, int] = {}
    names = os.listdir(f"/proc/{pid}/fd")
    for name in names:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{name}")
        except OSError:  # closed meanwhile
            continue
        kind = ("deleted" if target.endswith(" (deleted)") else "socket" if target.startswith("socket:")
                else "pipe" if target.startswith(("pipe:", "anon_inode:")) else "index" if "/index/" in target
                else "database" if ".db" in target else "other")
        kinds[kind] = kinds.get(kind, 0) + 1
    return len(names), kinds


def _memory(pid: int) -> dict | None:
    """RSS and PSS in MB, threads, and open file descriptors (with their kinds) of one process (None once it is gone)."""
    try:
        got = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key = line.split(":")[0]
            if key in ("Rss", "Pss"):
                got[key.lower()] = int(line.split()[1]) / 1024
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Threads:"):  # each searching thread keeps a searcher of its own
                got["threads"] = int(line.split()[1])
        got["fds"], got["fd_kinds"] = _descriptors(pid)
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        got["is_server"] = any(b"contentlib" in part for part in cmd)
        return got
    except (OSError, ValueError):
        return None


def _segments(index: Path) -> int | None:
    """How many segments the index holds now (each thread's searcher keeps every one's readers open)."""
    try:
        return sum(1 for name in os.listdir(index / "current") if name.endswith(".trm"))
    except OSError:  # being swapped by a rebuild
        return None


def sampler(root: int, every: float, log: Log, samples: list, stop: threading.Event, index: Path) -> None:
    while not stop.is_set():
        now = time.monotonic() - log.t0
        segments = _segments(index)
        for pid, depth in _tree(root):
            got = _memory(pid)
            if got and got.pop("is_server"):
                role = "master" if depth == 0 else "worker" if depth == 1 else "writer"  # a worker's index child
                samples.append({"t": now, "pid": pid, "role": role, "segments": segments, **got})
        stop.wait(every)


def timed(env, *args) -> dict:
    """Run a command beside the server: its wall time and exit code."""
    t = time.monotonic()
    done = _cli(env, *args, check=False)
    return {"command": " ".join(args[:1]), "seconds": round(time.monotonic() - t, 1), "exit": done.returncode,
            "error": done.stderr.strip().splitlines()[-1] if done.returncode and done.stderr.strip() else ""}


def p95(values: list[float]) -> float:
    return sorted(values)[min(len(values) - 1, int(len(values) * 0.95))] if values else float("nan")


# -- the verdict ----------------------------------------------------------------

def analyse(log: Log, samples: list, events: list, a, exit_code: int | None) -> dict:
    windows = []
    total = a.minutes * 60
    for start in range(0, int(total), a.window):
        rows = [r for r in log.rows if start <= r[0] < start + a.window]
        searches = [r[2] for r in rows if r[1] == "search" and r[3]]
        windows.append({"start_min": round(start / 60, 2), "searches": len(searches),
                        "p95_ms": round(p95(searches), 1) if searches else None,
                        "published": sum(1 for r in rows if r[1] == "publish" and r[3]),
                        "errors": sum(1 for r in rows if not r[3])})
    result = {"settings": {k: v for k, v in vars(a).items() if k not in ("home", "out", "json", "from_json")},
              "load_average_end": os.getloadavg(), "windows": windows, "events": events,
              "requests": len(log.rows), "errors": sum(1 for r in log.rows if not r[3]), "first_errors": log.errors,
              "server_exit": exit_code}
    return judge(result, samples, a)


def judge(result: dict, samples: list, a) -> dict:
    """The processes' drift and the checks, from the samples (also for a run saved as JSON: ``--from-json``)."""
    total = a.minutes * 60
    first, last = (a.warmup, a.warmup + a.span), (total - a.span, total)
    processes, children = [], []
    for pid in sorted({s["pid"] for s in samples}):
        mine = [s for s in samples if s["pid"] == pid]
        early = [s for s in mine if first[0] <= s["t"] < first[1]]
        late = [s for s in mine if last[0] <= s["t"] <= last[1]]
        row = {"pid": pid, "role": mine[0]["role"], "samples": len(mine),
               "first_seen_min": round(mine[0]["t"] / 60, 2), "last_seen_min": round(mine[-1]["t"] / 60, 2)}
        lived = mine[-1]["t"] - mine[0]["t"]
        if row["role"] == "writer" or (not (early and late) and lived < SHORT_LIVED):
            # A child a worker forks to write the index and that exits when done (seconds): not a
            # serving process, its memory is given back whole; counted apart, never judged for drift.
            children.append({**row, "pss_most_mb": round(max(s["pss"] for s in mine), 1), "seconds": round(lived)})
            continue
        if early and late:
            row.update(pss_first_mb=round(statistics.mean(s["pss"] for s in early), 1),
                       pss_last_mb=round(statistics.mean(s["pss"] for s in late), 1),
                       fds_first=round(statistics.mean(s["fds"] for s in early), 1),
                       fds_last=round(statistics.mean(s["fds"] for s in late), 1),
                       fds_most_first=max(s["fds"] for s in early), fds_most_last=max(s["fds"] for s in late))
            row["memory_flat"] = abs(row["pss_last_mb"] - row["pss_first_mb"]) <= MEMORY_DRIFT * row["pss_first_mb"]
            row["fds_flat"] = row["fds_last"] <= row["fds_first"] + FD_SLACK
        processes.append(row)  # a serving process missing from a span (replaced meanwhile) is judged not flat
    windows, events = result["windows"], result["events"]
    base = next((w["p95_ms"] for w in windows if w["p95_ms"]), None)
    result["processes"] = processes
    result["children"] = {"count": len(children), "pss_most_mb": max((c["pss_most_mb"] for c in children), default=0),
                          "longest_s": max((c["seconds"] for c in children), default=0)}
    result["checks"] = {
        "memory flat": bool(processes) and all(p.get("memory_flat", False) for p in processes),
        "open files flat": bool(processes) and all(p.get("fds_flat", False) for p in processes),
        "p95 within 2x of the first window": bool(base) and all(
            w["p95_ms"] is not None and w["p95_ms"] <= P95_RATIO * base for w in windows),
        "no errors": result["errors"] == 0,
        "reindex and backup succeeded": len(events) == 2 and all(e["exit"] == 0 for e in events),
        "graceful stop exits 0": result["server_exit"] == 0,
    }
    return result


def report(result: dict) -> str:
    lines = ["| window (min) | searches | p95 ms | published | errors |", "|---|---|---|---|---|"]
    lines += [f"| {w['start_min']:g} | {w['searches']} | {w['p95_ms']} | {w['published']} | {w['errors']} |"
              for w in result["windows"]]
    lines += ["", "| process | PSS first MB | PSS last MB | fds first (most) | fds last (most) | seen (min) |",
              "|---|---|---|---|---|---|"]
    lines += [f"| {p['role']} {p['pid']} | {p.get('pss_first_mb', '-')} | {p.get('pss_last_mb', '-')} | "
              f"{p.get('fds_first', '-')} ({p.get('fds_most_first', '-')}) | "
              f"{p.get('fds_last', '-')} ({p.get('fds_most_last', '-')}) | {p['first_seen_min']}-{p['last_seen_min']} |"
              for p in result["processes"]]
    kids = result.get("children") or {}
    if kids.get("count"):
        lines += ["", f"{kids['count']} short-lived children wrote the index (the longest lived {kids['longest_s']} s "
                      f"as sampled, the most PSS {kids['pss_most_mb']} MB); not judged for drift"]
    lines += ["", *(f"{e['command']}: {e['seconds']} s, exit {e['exit']} {e['error']}" for e in result["events"])]
    lines += ["", *(f"{'ok  ' if ok else 'MISS'} {name}" for name, ok in result["checks"].items())]
    return "\n".join(lines)


# -- the picture ----------------------------------------------------------------

def svg(result: dict, samples: list, a) -> str:
    """Three panels over the run's minutes: PSS per process, open files per process, p95 per window."""
    width, left, panel, gap = 760, 60, 150, 40
    height = 3 * panel + 4 * gap
    total = a.minutes
    colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"]
    title = f"soak: {a.works} works, {a.searchers} searchers, {a.editors} editors, {a.minutes:g} min"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
           f'<text x="{left}" y="16" font-size="13">{escape(title)}</text>']
    events = [(e["at_min"], e["command"]) for e in result["events"] if "at_min" in e]

    def frame(top, title, ymax, unit):
        out.append(f'<text x="{left}" y="{top - 6}">{escape(title)}</text>')
        out.append(f'<rect x="{left}" y="{top}" width="{width - left - 20}" height="{panel}" fill="none" '
                   f'stroke="#999"/>')
        for frac in (0, 0.5, 1):
            y = top + panel - frac * panel
            out.append(f'<text x="{left - 6}" y="{y + 4:.0f}" text-anchor="end">{ymax * frac:.0f}{unit}</text>')
        for m in range(0, int(total) + 1, max(1, int(total) // 10)):
            x = left + (width - left - 20) * m / total
            out.append(f'<text x="{x:.0f}" y="{top + panel + 14}" text-anchor="middle">{m}</text>')
        for at, name in events:
            x = left + (width - left - 20) * at / total
            out.append(f'<line x1="{x:.0f}" y1="{top}" x2="{x:.0f}" y2="{top + panel}" stroke="#bbb" '
                       f'stroke-dasharray="4 3"/><text x="{x + 3:.0f}" y="{top + 12}" fill="#777">{escape(name)}</text>')

    def line(top, points, ymax, colour):
        if not points:
            return
        xy = " ".join(f"{left + (width - left - 20) * t / total:.1f},{top + panel - panel * min(v, ymax) / ymax:.1f}"
                      for t, v in points)
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{xy}"/>')

    pids = [p["pid"] for p in result["processes"]]  # the serving processes (not the index writers' children)
    samples = [s for s in samples if s["pid"] in set(pids)]
    roles = {s["pid"]: s["role"] for s in samples}
    for i, pid in enumerate(pids):  # the legend: one colour per process
        out.append(f'<text x="{left + 330 + 110 * i}" y="16" fill="{colours[i % len(colours)]}">'
                   f'{roles[pid]} {pid}</text>')
    for n, (key, title, unit) in enumerate((("pss", "memory (PSS, MB) of each serving process", ""),
                                            ("fds", "open file descriptors of each serving process", ""))):
        top = gap + n * (panel + gap)
        ymax = max([s[key] for s in samples] + [1]) * 1.15
        frame(top, title, ymax, unit)
        for i, pid in enumerate(pids):
            line(top, [(s["t"] / 60, s[key]) for s in samples if s["pid"] == pid], ymax, colours[i % len(colours)])
    top = gap + 2 * (panel + gap)
    p95s = [w["p95_ms"] for w in result["windows"] if w["p95_ms"]]
    ymax = max(p95s + [1]) * 1.3
    frame(top, f"search p95 per {a.window // 60 or a.window}{' min' if a.window >= 60 else ' s'} window (ms); "
               f"errors: {result['errors']}", ymax, "")
    line(top, [(w["start_min"] + a.window / 120, w["p95_ms"]) for w in result["windows"] if w["p95_ms"]], ymax,
         colours[0])
    out.append(f'<text x="{width - 20}" y="{height - 6}" text-anchor="end">minutes</text></svg>')
    return "\n".join(out) + "\n"


# -- the run --------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, required=True, help="the library's home (built here unless it has one)")
    ap.add_argument("--works", type=int, default=100_000)
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--searchers", type=int, default=16)
    ap.add_argument("--editors", type=int, default=2)
    ap.add_argument("--window", type=int, default=300, help="seconds per p95 window")
    ap.add_argument("--warmup", type=int, default=300, help="seconds left out before the first memory span")
    ap.add_argument("--span", type=int, default=600, help="seconds of the first and last memory spans")
    ap.add_argument("--sample", type=float, default=10.0, help="seconds between memory samples")
    ap.add_argument("--workers", type=int, default=None, help="serving processes (default: one per core)")
    ap.add_argument("--think", type=float, default=0.0, help="seconds a searcher waits between searches")
    ap.add_argument("--edit-pause", type=float, default=1.0, help="seconds an editor waits between changes")
    ap.add_argument("--out", type=Path, default=ROOT / "bench/soak.svg")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    ap.add_argument("--no-middle", dest="middle", action="store_false",
                    help="a diagnosis run: no reindex and backup in the middle (that check then fails)")
    ap.add_argument("--from-json", type=Path, default=None, help="judge a run saved with --json again; run nothing")
    a = ap.parse_args(argv)
    if a.from_json:
        return rejudge(a)
    a.home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTENTLIB_")}
    env.update(CONTENTLIB_HOME=str(a.home), CONTENTLIB_LOG_LEVEL="WARNING")
    if not (a.home / "soak-tokens.json").is_file():
        build(a.home, a.works, env)
    tokens = json.loads((a.home / "soak-tokens.json").read_text())
    queries, ids = queries_and_ids(a.home)
    ids = stored(env, ids)
    port = int(_free_port())
    args = [str(BIN / "contentlib"), "serve", "--port", str(port)] + (
        ["--workers", str(a.workers)] if a.workers else [])
    with open(a.home / "soak-serve.log", "wb") as server_log:
        server = subprocess.Popen(args, env=env, stdout=server_log, stderr=subprocess.STDOUT)
    try:
        _wait(port, server)
        left = in_review(env, ids)
        if left:
            print(f"  approving {len(left)} versions an interrupted run left in review", flush=True)
            settle(port, tokens["soak-rev"], left)
        log, stop, samples, events = Log(), threading.Event(), [], []
        threads = [threading.Thread(target=sampler, args=(server.pid, a.sample, log, samples, stop, a.home / "index"), daemon=True)]
        threads += [threading.Thread(target=searcher, args=(port, queries, log, stop, i, a.think), daemon=True)
                    for i in range(a.searchers)]
        editors = [n for n in ("soak-ed1", "soak-ed2")][:a.editors]
        threads += [threading.Thread(target=editor, args=(port, tokens[name], tokens["soak-rev"],
                                                          ids[i::max(1, a.editors)], log, stop, a.edit_pause),
                                     daemon=True) for i, name in enumerate(editors)]
        for t in threads:
            t.start()
        print(f"soak: {a.minutes:g} min, {a.searchers} searchers, {len(editors)} editors on port {port}", flush=True)
        total = a.minutes * 60
        stop.wait(total / 2)
        for command in (("reindex",), ("backup", str(a.home / "soak-backup.tar"))) if a.middle else ():
            at = (time.monotonic() - log.t0) / 60
            events.append({**timed(env, *command), "at_min": round(at, 2)})
            print(f"  {events[-1]['command']} at {at:.1f} min: {events[-1]['seconds']} s, exit {events[-1]['exit']}",
                  flush=True)
        (a.home / "soak-backup.tar").unlink(missing_ok=True)
        stop.wait(max(0.0, total - (time.monotonic() - log.t0)))
        stop.set()
        for t in threads:
            t.join(timeout=90)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            exit_code = server.wait(timeout=120)
        except subprocess.TimeoutExpired:
            server.kill()
            exit_code = None
    result = analyse(log, samples, events, a, exit_code)
    print(report(result))
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(svg(result, samples, a), encoding="utf-8")
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps({**result, "samples": samples}, indent=1), encoding="utf-8")
    print(f"curves: {a.out}")
    return 1 if a.check and not all(result["checks"].values()) else 0


def rejudge(a) -> int:
    """Judge a saved run again (its settings, windows and samples) with this version's rules."""
    saved = json.loads(a.from_json.read_text(encoding="utf-8"))
    for key, value in saved["settings"].items():
        setattr(a, key, value)
    samples = saved.pop("samples")
    result = judge(saved, samples, a)
    print(report(result))
    a.out.write_text(svg(result, samples, a), encoding="utf-8")
    if a.json:
        a.json.write_text(json.dumps({**result, "samples": samples}, indent=1), encoding="utf-8")
    print(f"curves: {a.out}")
    return 1 if a.check and not all(result["checks"].values()) else 0


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, server, timeout: float = 900) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if server.poll() is not None:
            raise SystemExit(f"the server exited {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            if _ask(conn, "GET", "/readyz")[0] == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not get ready")


if __name__ == "__main__":
    sys.exit(main())
