"""Makers of small real media files (and hostile ones) for the media tests.

Everything is generated: video and audio by PyAV's encoders, images and PDFs
by Pillow, EPUBs with zipfile. Hostile files are built byte by byte.
"""

from __future__ import annotations

import io
import math
import struct
import zipfile
import zlib
from pathlib import Path

import av
from PIL import Image

TIBETAN = "ལྟེ་ཉིང་ནང་རྫས་གཉིས་ཡོད་དེ་ཕོ་རྡུལ་དང་བར་རྡུལ་ལོ།"
CHINESE = "原子核由中子和质子这两种粒子组成。"


# --- video and audio ---

def make_video(path, *, codec="libx264", container=None, size=(64, 48), frames=10, fps=10):
    """Write a ``frames/fps``-second video of moving colour bars; return the path."""
    path = Path(path)
    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for i in range(frames):
            im = Image.new("RGB", size, (20 + i * 20, 90, 200 - i * 15))
            im.paste((240, 240, 40), (0, 0, (i + 1) * size[0] // frames, size[1] // 3))
            for packet in stream.encode(av.VideoFrame.from_image(im)):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def make_audio(path, *, container, codec, seconds=1.0, rate=48000):
    """Write ``seconds`` of a 440 Hz tone; return the path."""
    path = Path(path)
    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=rate, layout="mono")
        total, n, t = int(rate * seconds), 1024, 0
        while t < total:
            frame = av.AudioFrame(format="s16", layout="mono", samples=n)
            frame.sample_rate = rate
            frame.pts = t
            frame.planes[0].update(b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * (t + i) / rate))) for i in range(n)))
            for packet in stream.encode(frame):
                out.mux(packet)
            t += n
        for packet in stream.encode():
            out.mux(packet)
    return path


def make_mp3(path):
    return make_audio(path, container="mp3", codec="libmp3lame", rate=44100)


def make_ogg(path):
    return make_audio(path, container="ogg", codec="libopus")


def make_m4a(path):
    return make_audio(path, container="ipod", codec="aac", rate=44100)


# --- images, PDF, EPUB ---

def picture(size=(200, 120)) -> Image.Image:
    im = Image.new("RGB", size, (30, 120, 200))
    im.paste((250, 200, 30), (size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2))
    return im


def make_image(path, fmt, *, size=(200, 120), exif_text=None):
    """Write an image as ``fmt`` (JPEG, PNG, WEBP); optionally with EXIF Artist/GPS-like data."""
    im = picture(size)
    kwargs = {}
    if exif_text is not None:
        exif = Image.Exif()
        exif[0x013B] = exif_text  # Artist
        exif[0x0112] = 1  # Orientation
        kwargs["exif"] = exif.tobytes()
    im.save(path, format=fmt, **kwargs)
    return Path(path)


def make_pdf(path, pages=2, size=(300, 400)):
    first = picture(size)
    rest = [Image.new("RGB", size, (255, 255, 255)) for _ in range(pages - 1)]
    first.save(path, format="PDF", save_all=True, append_images=rest, resolution=72)
    return Path(path)


_CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>"""

_XXE_CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE container [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
  <leak>&xxe;</leak>
</container>"""

_OPF = """<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="id">test-book</dc:identifier>
    <dc:title>{title}</dc:title>
    <dc:language>bo</dc:language>
  </metadata>
  <manifest>
    <item id="ch1" href="ch1.xhtml" media-type="application/xhtml+xml"/>
    {cover_item}
  </manifest>
  <spine><itemref idref="ch1"/></spine>
</package>"""

_CHAPTER = """<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>1</title></head>
<body><p>{text}</p></body></html>"""


def make_epub(path, *, cover=True, xxe=False, title=TIBETAN, opf=None):
    """Write an EPUB 3 with one chapter and (optionally) a cover image."""
    cover_item = ('<item id="cover" href="images/cover.png" media-type="image/png" '
                  'properties="cover-image"/>') if cover else ""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")  # stored, first
        zf.writestr("META-INF/container.xml", _XXE_CONTAINER if xxe else _CONTAINER,
                    compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("OEBPS/content.opf", opf or _OPF.format(title=title, cover_item=cover_item),
                    compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("OEBPS/ch1.xhtml", _CHAPTER.format(text=TIBETAN), compress_type=zipfile.ZIP_DEFLATED)
        if cover:
            buf = io.BytesIO()
            picture((300, 450)).save(buf, format="PNG")
            zf.writestr("OEBPS/images/cover.png", buf.getvalue())
    return Path(path)


# --- subtitles ---

SRT = (
    "1\r\n00:00:01,000 --> 00:00:03,500\r\n" + TIBETAN + "\r\n\r\n"
    "2\r\n00:00:04,000 --> 00:00:06,250\r\n" + CHINESE + "\r\n<i>བོད་ཡིག</i>\r\n\r\n"
)
VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:03.500\n" + TIBETAN + "\n\n00:00:04.000 --> 00:00:06.250\n" + CHINESE + "\n"


# --- hostile files ---

def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def make_png_bomb_header(path, width=100_000, height=100_000):
    """A PNG whose header claims ``width x height`` pixels (valid CRCs, tiny data)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    data = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")
    Path(path).write_bytes(data)
    return Path(path)


def make_truncated_jpeg(path):
    buf = io.BytesIO()
    picture((400, 300)).save(buf, format="JPEG", quality=95)
    Path(path).write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    return Path(path)


HTML = b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>\n"
SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>alert(1)</script><rect width="10" height="10"/></svg>\n')


def make_cyclic_pdf(path):
    """A PDF whose trailer's /Prev points back at its own xref, and whose page tree is its own kid."""
    objs = [
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
        b"2 0 obj\n<< /Type /Pages /Kids [2 0 R] /Count 1 >>\nendobj\n",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for obj in objs:
        offsets.append(len(out))
        out += obj
    xref = len(out)
    out += b"xref\n0 3\n0000000000 65535 f \n"
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size 3 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (xref, xref)
    Path(path).write_bytes(bytes(out))
    return Path(path)


# --- books for the in-page reader ---

def make_pages_pdf(path, sizes):
    """A PDF with one blank page per ``(width, height)`` in points (pypdfium2 writes it)."""
    import pypdfium2

    doc = pypdfium2.PdfDocument.new()
    for width, height in sizes:
        doc.new_page(width, height)
    doc.save(str(path))
    doc.close()
    return Path(path)


def _xhtml(body: str, *, doctype: str = "", lang: str = "bo", title: str = "") -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + doctype +
            f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="{lang}">'
            f"<head><title>{title}</title></head><body>{body}</body></html>")


def make_reader_epub(path, chapters, *, nav=None, ncx=None, pictures=None, doctypes=None, hrefs=None,
                     stored=(), items=""):
    """Write an EPUB 3 for the reader: ``chapters`` are bodies (XHTML) of ``ch1.xhtml`` ...

    :param nav: ``[(title, href)]`` for an EPUB 3 navigation document (``nav.xhtml``).
    :param ncx: ``[(title, src)]`` for an EPUB 2 NCX (``toc.ncx``) named by the spine.
    :param pictures: ``{archive path under OEBPS/: image bytes}``, listed in the manifest.
    :param doctypes: ``{chapter number: DOCTYPE text}`` to put before a chapter's root.
    :param hrefs: ``{chapter number: href}`` to list a chapter under another name in the manifest.
    :param stored: chapter numbers written uncompressed (so a large one is no zip bomb).
    :param items: more manifest items, as XML text.
    """
    pictures, doctypes, hrefs = pictures or {}, doctypes or {}, hrefs or {}
    manifest = [f'<item id="ch{n}" href="{hrefs.get(n, f"ch{n}.xhtml")}" media-type="application/xhtml+xml"/>'
                for n in range(1, len(chapters) + 1)]
    for name in pictures:
        kind = "image/png" if name.endswith(".png") else "image/jpeg" if name.endswith(".jpg") else "image/svg+xml"
        manifest.append(f'<item id="p{len(manifest)}" href="{name}" media-type="{kind}"/>')
    if nav is not None:
        manifest.append('<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>')
    if ncx is not None:
        manifest.append('<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>')
    spine = "".join(f'<itemref idref="ch{n}"/>' for n in range(1, len(chapters) + 1))
    toc = ' toc="ncx"' if ncx is not None else ""
    opf = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
           '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">reader-book</dc:identifier>'
           f'<dc:title>{TIBETAN}</dc:title><dc:language>bo</dc:language></metadata>'
           f'<manifest>{"".join(manifest)}{items}</manifest>'
           f"<spine{toc}>{spine}</spine></package>")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        zf.writestr("META-INF/container.xml", _CONTAINER, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("OEBPS/content.opf", opf, compress_type=zipfile.ZIP_DEFLATED)
        for n, body in enumerate(chapters, start=1):
            name = "OEBPS/" + hrefs.get(n, f"ch{n}.xhtml")
            if "/../" in name or name.startswith("OEBPS/../"):
                continue  # a manifest name that climbs out: nothing is written there
            zf.writestr(name, _xhtml(body, doctype=doctypes.get(n, ""), title=f"Chapter {n}"),
                        compress_type=zipfile.ZIP_STORED if n in stored else zipfile.ZIP_DEFLATED)
        for name, data in pictures.items():
            zf.writestr("OEBPS/" + name, data)
        if nav is not None:
            links = "".join(f'<li><a href="{href}">{title}</a></li>' for title, href in nav)
            zf.writestr("OEBPS/nav.xhtml", _xhtml(f'<nav epub:type="toc"><ol>{links}</ol></nav>'),
                        compress_type=zipfile.ZIP_DEFLATED)
        if ncx is not None:
            points = "".join(f'<navPoint id="n{i}" playOrder="{i}"><navLabel><text>{title}</text></navLabel>'
                             f'<content src="{src}"/></navPoint>' for i, (title, src) in enumerate(ncx, start=1))
            zf.writestr("OEBPS/toc.ncx", '<?xml version="1.0" encoding="UTF-8"?>\n'
                        '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
                        f"<navMap>{points}</navMap></ncx>", compress_type=zipfile.ZIP_DEFLATED)
    return Path(path)


def png_bytes(size=(120, 80)) -> bytes:
    buf = io.BytesIO()
    picture(size).save(buf, format="PNG")
    return buf.getvalue()
