#!/usr/bin/env python3
"""Give the shipped demo leaflets their bilingual title metadata (Tibetan · Chinese) without redrawing them.

The leaflets were first written with the Chinese title only in the PDF's /Title. Rebuilding
them needs ../shared's raw data and fpdf2; this appends an incremental update instead (a
new Info dictionary, an xref section and a trailer pointing back at the old one), so every
page stays byte for byte as it was. ``tools/demo_media.leaflet`` writes the bilingual title
itself from now on. Running it twice changes nothing the second time.

usage: tools/leaflet_titles.py   (from the checkout's root)
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "contentlib" / "data" / "demo"
sys.path.insert(0, str(Path(__file__).resolve().parent))


def bilingual_title(titles: dict) -> str:
    """What a leaflet's /Title holds: the Tibetan title, then the Chinese one."""
    return " · ".join(t for t in (titles.get("bo", "").strip(), titles.get("zh", "").strip()) if t)


def pdf_text(text: str) -> bytes:
    """A PDF text string of any script: UTF-16BE with its byte order mark, as hex."""
    return b"<" + (b"\xfe\xff" + text.encode("utf-16-be")).hex().encode() + b">"


def set_title(path: Path, title: str) -> bool:
    """Append an update giving ``path`` this /Title; return False when it has it already."""
    data = path.read_bytes()
    trailer = data[data.rindex(b"trailer"):]
    num, gen = re.search(rb"/Info (\d+) (\d+) R", trailer).groups()
    bodies = re.findall(rb"(?:^|\n)" + num + b" " + gen + rb" obj\s*<<(.*?)>>\s*endobj", data, re.S)
    old = bodies[-1]  # the latest revision of the Info dictionary
    wanted = pdf_text(title)
    if re.search(rb"/Title\s*" + re.escape(wanted), old):
        return False
    body = re.sub(rb"/Title\s*(<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\))", lambda _m: b"/Title " + wanted, old)
    if body == old:
        body = old.rstrip() + b"\n/Title " + wanted + b"\n"
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    size = re.search(rb"/Size (\d+)", trailer).group(1)
    root = re.search(rb"/Root (\d+ \d+ R)", trailer).group(1)
    ident = re.search(rb"/ID\s*\[[^\]]*\]", trailer)
    if not data.endswith(b"\n"):
        data += b"\n"
    offset = len(data)
    update = num + b" " + gen + b" obj\n<<" + body + b">>\nendobj\n"
    xref_at = offset + len(update)
    update += (b"xref\n" + num + b" 1\n" + b"%010d %05d n \n" % (offset, int(gen))
               + b"trailer\n<<\n/Size " + size + b"\n/Root " + root + b"\n/Info " + num + b" " + gen + b" R\n"
               + (ident.group(0) + b"\n" if ident else b"") + b"/Prev %d\n>>\nstartxref\n%d\n%%%%EOF\n" % (prev, xref_at))
    path.write_bytes(data + update)
    return True


def main() -> None:
    changed = 0
    for line in (DEMO / "catalog.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        for m in rec.get("media", []):
            if m["path"].endswith(".pdf"):
                changed += set_title(DEMO / m["path"], bilingual_title(rec["titles"]))
    print(f"{changed} leaflet(s) given a bilingual title")


if __name__ == "__main__":
    main()
