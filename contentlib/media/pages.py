"""A PDF's pages for the in-page reader: WebP pictures at two widths and each page's text.

pypdfium2 runs in child processes (as in ``pdf.py``), a few pages each, with
the same memory, CPU and time limits, so a page that hangs or crashes the
parser stops the drawing there and the pages before it are kept. Each page is
drawn at each width, at most ``TALLEST`` times as tall as wide (a
100,000-point page comes out scaled down, never as a giant bitmap). Pages past ``limits.reader_pages`` are
left to the download.
"""

from __future__ import annotations

from pathlib import Path

from contentlib.errors import MediaRejected

from . import pdf
from .limits import Limits

WIDTHS = (480, 1000)
#: Pages drawn by one child process.
CHUNK = 10
#: A page is drawn at most this many times as tall as it is wide.
TALLEST = 4.0
#: Most characters of text kept for one page.
TEXT_MAX = 100_000

# A page of text and line art fits in a few colours: then a lossless palette
# picture is sharper and about half the size of a lossy one. A photograph is
# not (its 8-colour copy differs too much) and is saved lossy.
_CHILD = r"""
import json, resource, sys, unicodedata
mode, path, memory, cpu = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
first, count, out, widths = int(sys.argv[5]), int(sys.argv[6]), sys.argv[7], [int(w) for w in sys.argv[8].split(",")]
tallest, text_max = float(sys.argv[9]), int(sys.argv[10])
resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageStat

def save(im, name):
    flat = im.quantize(8, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE)
    error = max(ImageStat.Stat(ImageChops.difference(im, flat.convert("RGB"))).mean)
    if error <= 3.0:
        flat.save(out + "/" + name, format="WEBP", lossless=True, method=3, quality=50)
    else:
        im.save(out + "/" + name, format="WEBP", quality=60, method=4)

def clean(text):
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c)[0] != "C")[:text_max]

answer = {"done": []}
try:
    doc = pdfium.PdfDocument(path)
except pdfium.PdfiumError as exc:
    print(json.dumps({"error": str(exc).rstrip(".")}))
    sys.exit(0)
answer["pages"] = len(doc)
big = max(widths)
for n in range(first, min(first + count, len(doc))):
    try:  # one bad page loses itself, not the book
        page = doc[n]
        w, h = page.get_size()
        scale = min(big / max(w, 1.0), tallest * big / max(h, 1.0))
        sizes = {}
        for width in widths:  # drawn anew at each width: sharper text than a scaled-down copy
            # pdfium rounds up: a hair less keeps 480 from coming out 481 pixels wide.
            pic = page.render(scale=scale * width / big * 0.99999, may_draw_forms=False).to_pil().convert("RGB")
            save(pic, "p%04d-%d.webp" % (n + 1, width))
            sizes[str(width)] = [pic.width, pic.height]
        text = clean(page.get_textpage().get_text_range())
        answer["done"].append({"n": n + 1, "sizes": sizes, "text": text})
    except (pdfium.PdfiumError, ValueError, OSError) as exc:
        answer["done"].append({"n": n + 1, "error": str(exc)[:200] or type(exc).__name__})
print(json.dumps(answer))
"""


def page_file(number: int, width: int) -> str:
    """The name of page ``number``'s picture at ``width`` (in the book's folder)."""
    return f"p{number:04d}-{width}.webp"


def render_pages(src, out: Path, limits: Limits | None = None, widths=WIDTHS) -> dict:
    """Draw a PDF's pages (up to ``limits.reader_pages``) into ``out`` and read their text.

    :returns: ``{"pages": in the PDF, "rendered": drawn here, "stopped": "cap" (more pages than
        the reader draws), "error" (the parser failed part way) or None, "widths",
        "items": [{"n", "sizes": {width: [w, h]}, "text"} or {"n", "error"}]}``.
    :raises MediaRejected: when not even the first pages can be drawn.
    """
    limits = limits or Limits()
    widths = sorted(widths)
    items: list[dict] = []
    total: int | None = None
    stopped: str | None = None
    first = 0
    while total is None or first < min(total, limits.reader_pages):
        count = min(CHUNK, limits.reader_pages - first)
        try:
            got = pdf._run(["pages", src, first, count, out, ",".join(map(str, widths)), TALLEST, TEXT_MAX],
                           limits, child=_CHILD)
        except MediaRejected:
            if not items:
                raise
            stopped = "error"
            break
        if "pages" not in got:
            raise MediaRejected("The PDF could not be read: the parser gave no answer.")
        items += got["done"]
        total = got["pages"]
        first += count
    if not items:
        raise MediaRejected("The PDF has no pages.")
    if stopped is None and total is not None and total > len(items):
        stopped = "cap"
    return {"pages": total if total is not None else len(items), "rendered": len(items), "stopped": stopped,
            "widths": widths, "items": items}
