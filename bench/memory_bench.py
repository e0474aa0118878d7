#!/usr/bin/env python3
"""Memory of the import and of the serving processes, per process.

``run_bench.py`` reports one figure each (the largest process's peak RSS,
the servers' summed PSS); this says which process it is and how much of it
is private. In one run:

1. unless ``HOME/app`` already holds a library: a catalog of N works plus
   the held-out set (as ``run_bench.py`` makes it), imported with
   ``contentlib import``, while every process of the tree is sampled
   (``/proc/PID/status`` every 0.1 s): peak RSS per process, with its role;
2. ``contentlib serve`` as it starts by default: RSS, PSS and private memory
   of each process (``/proc/PID/smaps_rollup``) after start, then again after
   the same load as ``run_bench.py`` (both query sets once, then 1/8/16/32
   clients for ``--seconds`` each).

usage: bench/memory_bench.py --home DIR [--works 100000] [--seconds 12] [--skip-serve]
A home is reused: build it once, measure the server as often as needed.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_bench as rb  # noqa: E402


def children():
    """``{ppid: [pid]}`` of every process now."""
    kids = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d.name))
    return kids


def tree(pid):
    """``[(pid, depth)]`` of ``pid`` and its descendants."""
    kids, out, todo = children(), [], [(pid, 0)]
    while todo:
        p, depth = todo.pop()
        out.append((p, depth))
        todo.extend((k, depth + 1) for k in kids.get(p, ()))
    return out


def rollup(pid):
    """``{Rss, Pss, Private, Shared}`` in MB from ``/proc/PID/smaps_rollup`` (empty if gone)."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if rest.strip().endswith("kB"):
                out[key] = int(rest.split()[0]) / 1024
    except OSError:
        return {}
    return {"Rss": out.get("Rss", 0), "Pss": out.get("Pss", 0),
            "Private": out.get("Private_Clean", 0) + out.get("Private_Dirty", 0),
            "Shared": out.get("Shared_Clean", 0) + out.get("Shared_Dirty", 0)}


def vmas(pid):
    """``{(start, end, name): private kB}`` of every mapping of ``pid``."""
    out, key = {}, None
    try:
        text = Path(f"/proc/{pid}/smaps").read_text()
    except OSError:
        return out
    for line in text.splitlines():
        head = line.split()
        if head and "-" in head[0] and ":" not in head[0]:
            start, end = head[0].split("-")
            key = (start, end, head[5] if len(head) > 5 else "[anon]")
            out[key] = 0
        elif head and head[0] in ("Private_Dirty:", "Private_Clean:"):
            out[key] += int(head[1])
    return out


def private_split(master, worker):
    """A worker's private MB in mappings the master has too (copied on write, mostly), and in its own."""
    inherited = {s for s, _, _ in vmas(master)}  # by start: the heap grows
    split = {"inherited anon": 0, "own anon": 0, "files": 0}
    for (s, _e, name), kb in vmas(worker).items():
        if name.startswith("/"):
            split["files"] += kb
        elif s in inherited:
            split["inherited anon"] += kb
        else:
            split["own anon"] += kb
    return {k: v / 1024 for k, v in split.items()}


def status_rss(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def sample_peaks(root, stop, peaks, every=0.1, timeline=None):
    """Record the peak RSS of every process under ``root`` until ``stop`` is set.

    :param timeline: a file that gets ``seconds pid:RSS ...`` about once a second.
    """
    start = last = time.monotonic()
    while not stop.is_set():
        now = time.monotonic()
        if timeline is not None and now - last >= 1:
            last = now
            timeline.write(f"{now - start:.0f} " + " ".join(
                f"{pid}:{status_rss(pid) or 0:.0f}" for pid, _ in tree(root)) + "\n")
            timeline.flush()
        for pid, depth in tree(root):
            rss = status_rss(pid)
            if rss is None:
                continue
            p = peaks.setdefault(pid, {"depth": depth, "rss": 0.0, "first": time.monotonic(), "last": 0.0})
            p["rss"] = max(p["rss"], rss)
            p["last"] = time.monotonic()
        time.sleep(every)


def build(home, works, env):
    heldout = home / "heldout"
    if not (heldout / "queries.jsonl").exists():
        subprocess.run([sys.executable, str(rb.ROOT / "bench/make_heldout_eval.py"), str(heldout)], check=True,
                       stdout=subprocess.DEVNULL)
    catalog = home / "scale.jsonl"
    if not catalog.exists():
        rb.make_catalog(home, works, heldout)
    print(f"import {catalog} ...", flush=True)
    start = time.monotonic()
    p = subprocess.Popen([str(rb.BIN / "contentlib"), "import", "--skip-invalid", str(catalog)], env=env,
                         stdout=subprocess.DEVNULL)
    stop, peaks = threading.Event(), {}
    with open(home / "import_rss.txt", "w") as timeline:
        t = threading.Thread(target=sample_peaks, args=(p.pid, stop, peaks), kwargs={"timeline": timeline})
        t.start()
        code = p.wait()
        stop.set()
        t.join()
    print(f"import exited {code} after {time.monotonic() - start:.0f} s; peak RSS per process (sampled every 0.1 s;"
          f" RSS each second in {home / 'import_rss.txt'}):")
    print("| pid | role | peak RSS MB | alive s |\n|---|---|---|---|")
    for pid, v in sorted(peaks.items(), key=lambda kv: -kv[1]["rss"]):
        role = "importer" if v["depth"] == 0 else f"child (depth {v['depth']})"
        print(f"| {pid} | {role} | {v['rss']:.0f} | {v['last'] - v['first']:.1f} |")


def snapshot(server_pid, label):
    rows = [(pid, depth, rollup(pid)) for pid, depth in tree(server_pid)]
    rows = [r for r in rows if r[2]]
    print(f"\n{label}\n| process | RSS MB | PSS MB | private MB | shared MB |\n|---|---|---|---|---|")
    for pid, depth, m in rows:
        role = "master" if depth == 0 else "worker"
        print(f"| {role} {pid} | {m['Rss']:.0f} | {m['Pss']:.0f} | {m['Private']:.0f} | {m['Shared']:.0f} |")
    print(f"| **all** | max {max(m['Rss'] for *_, m in rows):.0f} | **{sum(m['Pss'] for *_, m in rows):.0f}** "
          f"| {sum(m['Private'] for *_, m in rows):.0f} | |", flush=True)
    for pid, depth, _ in rows:
        if depth:
            split = private_split(server_pid, pid)
            print(f"worker {pid} private MB: " + ", ".join(f"{k} {v:.0f}" for k, v in split.items()))


def serve(home, env, seconds):
    sets = {"dev": rb.read_jsonl(rb.DEV / "queries.jsonl"),
            "heldout": rb.read_jsonl(home / "heldout" / "queries.jsonl")}
    port = rb.free_port()
    server = subprocess.Popen([str(rb.BIN / "contentlib"), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        rb.wait_ready(port)
        time.sleep(2)  # the second worker may answer later than the first
        snapshot(server.pid, "after start (one search answered)")
        both = sets["dev"] + sets["heldout"]
        for qs in sets.values():
            rb.per_class(port, qs)
        snapshot(server.pid, "after both query sets once")
        for clients in rb.CLIENTS:
            res = rb.load_test(port, both, clients, seconds)
            print(f"  {clients} clients: {res['rate']:.0f}/s p95 {res['p95_ms']:.0f} ms errors {res['errors']}",
                  flush=True)
        snapshot(server.pid, "after the load test")
    finally:
        server.terminate()
        server.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--home", required=True, help="benchmark home, reused when it holds a library")
    ap.add_argument("--works", type=int, default=100_000)
    ap.add_argument("--seconds", type=float, default=12.0)
    ap.add_argument("--skip-serve", action="store_true")
    a = ap.parse_args()
    home = Path(a.home)
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, CONTENTLIB_HOME=str(home / "app"))
    for name in ("CONTENTLIB_DATABASE_URL", "CONTENTLIB_INDEX_DIR", "CONTENTLIB_MEDIA_DIR"):
        env.pop(name, None)
    print(f"load average {rb.load()}", flush=True)
    if not (home / "app" / "contentlib.db").exists():
        build(home, a.works, env)
    if not a.skip_serve:
        serve(home, env, a.seconds)
    print(f"load average {rb.load()}", flush=True)


if __name__ == "__main__":
    main()
