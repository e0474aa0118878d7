"""Read PDFs with pypdfium2 in a child process, so a hang or a crash stays there."""

from __future__ import annotations

import json
import subprocess
import sys

from contentlib.errors import MediaRejected

from .limits import Limits

# Runs in a fresh interpreter (``python -I -c``): it imports nothing of ours,
# limits its own memory and CPU, and answers with one JSON line on stdout.
_CHILD = r"""
import json, resource, sys
mode, path, memory, cpu = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
import pypdfium2 as pdfium
out = {}
try:
    pdf = pdfium.PdfDocument(path)
    pages = len(pdf)
    out["pages"] = pages
    if pages:
        page = pdf[0]
        w, h = page.get_size()
        out["width"], out["height"] = w, h
        if mode == "render":
            target, png = int(sys.argv[5]), sys.argv[6]
            # A page at most four times as tall as wide is drawn whole at the target width.
            scale = min(target / max(w, 1.0), 4.0 * target / max(h, 1.0), 8.0)
            bitmap = page.render(scale=scale, may_draw_forms=False)
            bitmap.to_pil().convert("RGB").save(png, format="PNG")
            out["rendered"] = png
except pdfium.PdfiumError as exc:
    out = {"error": str(exc).rstrip(".")}
print(json.dumps(out))
"""


def _run(args, limits: Limits, child: str = _CHILD) -> dict:
    """Run ``child`` (a script like ``_CHILD``) on ``args``; return its JSON answer. :raises MediaRejected:"""
    cpu = max(1, int(limits.pdf_timeout))
    cmd = [sys.executable, "-I", "-c", child, args[0], str(args[1]),
           str(limits.pdf_memory), str(cpu), *map(str, args[2:])]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=limits.pdf_timeout,
                              stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        raise MediaRejected(
            f"The PDF could not be read within {limits.pdf_timeout:g} seconds; it may be malformed."
        ) from None
    if proc.returncode != 0:
        raise MediaRejected("The PDF could not be read: the parser failed on it (the file is malformed).")
    try:
        result = json.loads(proc.stdout.decode("utf-8").strip().splitlines()[-1])
    except (ValueError, IndexError, UnicodeDecodeError):
        raise MediaRejected("The PDF could not be read: the parser gave no answer.") from None
    if "error" in result:
        raise MediaRejected(f"The PDF could not be opened: {result['error']}.")
    return result


def probe_pdf(path, limits: Limits) -> dict:
    """Open a PDF in a child process and return ``{"pages", "width", "height"}``.

    Width and height are of the first page, in PDF points.

    :raises MediaRejected: if it does not open, has no pages or too many,
        or the parser hangs past ``limits.pdf_timeout`` or crashes.
    """
    info = _run(["probe", path], limits)
    pages = info.get("pages", 0)
    if pages < 1:
        raise MediaRejected("The PDF has no pages.")
    if pages > limits.max_pages:
        raise MediaRejected(f"The PDF has {pages:,} pages (at most {limits.max_pages:,}).", reason="size")
    return info


def render_first_page(path, png_path, width: int, limits: Limits) -> dict:
    """Render the first page of a PDF to a PNG ``width`` pixels wide, in a child process.

    :raises MediaRejected: as :func:`probe_pdf`.
    """
    info = _run(["render", path, int(width), png_path], limits)
    if info.get("pages", 0) < 1 or "rendered" not in info:
        raise MediaRejected("The PDF has no pages.")
    return info
