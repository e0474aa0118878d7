"""Kiwix ZIM export: the catalog (or a selection) as one file that Kiwix reads and searches offline.

Layout inside the ZIM (libzim 9 has no namespaces; links are relative):

- ``index``: the main page, in Tibetan and Chinese: subjects and every work;
- ``works/<work id>``: one page per work, every language version with its ``lang``,
  the cover (or cover card), the video with its subtitle tracks, books to download;
- ``read/<sha256>`` (a PDF) and ``read/<sha256>/<n>`` (an EPUB's chapters): books as the
  reader shows them, pictures and text (``offline_books.py``), where the worker has made them;
- ``subjects/<code>``: browse pages; ``media/<sha256>.<ext>`` the files;
  ``assets/`` the stylesheet and the self-hosted Tibetan font.

Search: each work page brings its own ``IndexData``, shaped in ``zimsearch.py`` so that
current readers (libzim 9, which strip a query's combining marks: Tibetan vowel signs and
subjoined letters) and Debian 12's kiwix-serve 3.3 (libzim 8, which keeps them) both find
what the site finds. The indexing language is ``mul`` (``zh``'s stop words lose Chinese
queries). Chinese is found by libzim 9 as is, by kiwix-serve 3.3 only with
``XAPIAN_CJK_NGRAM=1``: the main page says so (``NGRAM_NOTE``).
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from . import disk, offline_books
from .attachments import card_path, ensure_cover_card
from .model import Work
from .offline_pages import ORDER, version_sections
from .offline_pages import escape as _e
from .targets import output_folder
from .xmltext import xml_safe
from .zimsearch import index_title, search_text, without_marks  # noqa: F401 (without_marks: tests)

LANG_NAMES = {"bo": "བོད་ཡིག", "zh": "中文", "en": "English"}
# The fixed words of the pages, in both scripts (the ZIM is read in either).
WORDS = {
    "library": ("ཚན་རིག་དཔེ་མཛོད།", "科普资源库"),
    "subjects": ("བརྗོད་གཞི།", "学科"),
    "works": ("བརྩམས་ཆོས་ཡོངས།", "全部作品"),
    "download": ("ཕབ་ལེན།", "下载"),
    "read": offline_books.WORDS["read"],
    "back": ("གཙོ་ངོས།", "首页"),
    "licence": ("ཆོག་མཆན།", "许可"),
    "source": ("འབྱུང་ཁུངས།", "来源"),
}
# Debian 12's kiwix-serve 3.3 (libzim 8) splits Chinese into n-grams only when told to.
NGRAM_NOTE = {
    "bo": "Debian 12 ཡི་ kiwix-serve 3.3 ནང་རྒྱ་ཡིག་འཚོལ་བར་ XAPIAN_CJK_NGRAM=1 སྒྲིག་འགོད་བྱེད་དགོས།",
    "zh": "Debian 12 的 kiwix-serve 3.3 需设置 XAPIAN_CJK_NGRAM=1 才能搜索中文。",
    "en": "Debian 12's kiwix-serve 3.3 needs XAPIAN_CJK_NGRAM=1 to search Chinese.",
}
TYPES_MIME = {"video/mp4": "mp4", "video/webm": "webm", "audio/mp4": "m4a", "audio/mpeg": "mp3", "audio/ogg": "ogg",
              "application/pdf": "pdf", "application/epub+zip": "epub", "text/vtt": "vtt", "image/webp": "webp",
              "image/jpeg": "jpg", "image/png": "png"}
STYLE = """
@font-face { font-family: "Contentlib Noto Serif Tibetan"; font-display: swap;
  src: url("NotoSerifTibetan.woff2") format("woff2"); unicode-range: U+0F00-0FFF; }
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 0 auto; padding: 1rem; line-height: 1.5; }
:lang(bo) { font-family: "Contentlib Noto Serif Tibetan", "Noto Serif Tibetan", "Jomolhari", serif;
  line-height: 1.9; overflow-wrap: anywhere; }
:lang(zh) { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", sans-serif; line-break: strict; }
img.cover { max-width: 100%; height: auto; } video { width: 100%; background: #000; }
ul.works li { margin: .4rem 0; } .meta { color: #555; }
""" + offline_books.STYLE


@dataclass
class ZimInfo:
    """What Kiwix's library shows about the file (its metadata)."""

    name: str = "contentlib_bo-zh_science"
    title: str = "ཚན་རིག་དཔེ་མཛོད། 科普资源库"
    description: str = "Tibetan-Chinese science library: videos, books and posters"
    creator: str = "contentlib"
    publisher: str = "contentlib"
    license: str = "CC BY-SA 4.0"
    source: str = "contentlib"
    tags: tuple[str, ...] = ("science", "tibetan", "chinese")
    date: dt.date | None = None


@dataclass
class ZimReport:
    works: int = 0
    files: int = 0
    light_videos: int = 0
    skipped_files: list[str] = field(default_factory=list)


def titles_line(work: Work) -> str:
    found = [v.title.strip() for lang in ORDER
             if (v := work.versions.get(lang)) is not None and v.title is not None and v.has_title]
    return " · ".join(dict.fromkeys(found)) or work.id


def _both(key: str) -> str:
    bo, zh = WORDS[key]
    return f'<span lang="bo">{_e(bo)}</span> · <span lang="zh">{_e(zh)}</span>'


def _page(title: str, body: str, depth: int) -> str:
    up = "../" * depth
    return (f'<!doctype html>\n<html lang="bo"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{_e(title)}</title><link rel="stylesheet" href="{up}assets/style.css"></head>'
            f'<body>{body}</body></html>')


def _work_link(work: Work, up: str) -> str:
    parts = [f'<span lang="{lang}">{_e(work.versions[lang].title)}</span>' for lang in ORDER
             if lang in work.versions and work.versions[lang].has_title]
    return f'<a href="{up}works/{_e(work.id)}">{" · ".join(parts)}</a>'


class _Files:
    """The media files that go into the ZIM, each once, named by sha256."""

    def __init__(self, media):
        self.media, self.paths = media, {}

    def add(self, sha256: str, source: Path, mime: str) -> str | None:
        if not source.is_file():
            return None
        path = f"media/{sha256}.{TYPES_MIME.get(mime, 'bin')}"
        self.paths[path] = (source, mime)
        return path


def _cover(media, work: Work, files: _Files) -> str | None:
    """The ZIM path of the work's picture: a thumbnail of its cover, poster, video frame or book, else its card."""
    for role in ("cover", "poster", "original", "document", "dub"):
        for entry in work.media:
            if entry.role != role:
                continue
            thumbs = (entry.info.get("renditions") or {}).get("thumbnails") or {}
            small = thumbs.get(320) or thumbs.get("320") or {}
            if small.get("webp"):
                found = files.add(f"{entry.sha256}-320", media.root / small["webp"], "image/webp")
                if found:
                    return found
    ensure_cover_card(media, work)
    card = card_path(media, work, 640) or card_path(media, work, 320)
    return files.add(f"card-{work.id}", card, "image/webp") if card else None


def work_page(media, work: Work, files: _Files, vocabulary=None, light: bool = False, report=None) -> str:
    """The HTML of a work's page (its files registered in ``files``)."""
    up = "../"
    parts = [f'<p><a href="{up}index">{_both("back")}</a></p>']
    cover = _cover(media, work, files)
    if cover:
        parts.append(f'<img class="cover" src="{up}{cover}" alt="">')
    parts += version_sections(work)
    tracks = []
    for entry in work.media:
        if entry.role != "subtitle":
            continue
        made = entry.info.get("renditions") or {}
        fmt = (entry.info.get("file") or {}).get("format")
        source = media.root / made["vtt"] if fmt == "srt" and made.get("vtt") else media.path(entry.sha256)
        path = files.add(f"{entry.sha256}-vtt", source, "text/vtt") if fmt in ("srt", "vtt") else None
        if path:
            lang = entry.lang or "und"
            tracks.append(f'<track kind="subtitles" src="{up}{path}" srclang="{_e(lang)}" '
                          f'label="{_e(LANG_NAMES.get(lang, lang))}">')
    for entry in work.media:
        kind = (entry.info.get("file") or {}).get("kind")
        if entry.role not in ("original", "dub", "document") or kind not in ("video", "audio", "book"):
            continue
        mime, sha, source = entry.content_type or "application/octet-stream", entry.sha256, media.path(entry.sha256)
        light_video = (entry.info.get("renditions") or {}).get("light") if kind == "video" and light else None
        if isinstance(light_video, dict) and light_video.get("path") and (media.root / light_video["path"]).is_file():
            mime, sha, source = "video/mp4", light_video.get("sha256") or f"{sha}-light", media.root / light_video["path"]
            if report is not None:
                report.light_videos += 1
        path = files.add(sha, source, mime)
        if path is None:
            if report is not None:
                report.skipped_files.append(entry.path)
            continue
        lang = f' lang="{_e(entry.lang)}"' if entry.lang else ""
        if kind == "video":
            parts.append(f'<video controls preload="metadata"{lang}><source src="{up}{path}" type="{_e(mime)}">'
                         f'{"".join(tracks)}</video>')
            tracks = []  # the tracks belong to the first video
        elif kind == "audio":
            parts.append(f'<audio controls preload="none"{lang} src="{up}{path}"></audio>')
        name = entry.original_name or entry.path.rsplit("/", 1)[-1]
        read = offline_books.read_path(media, entry) if kind == "book" else None
        if read:  # the reader's pages and text (contentlib.offline_books)
            parts.append(f'<p><a href="{up}{read}"{lang}>{_both("read")}</a></p>')
        parts.append(f'<p><a href="{up}{path}" download="{_e(name)}"{lang}>{_both("download")}: {_e(name)}</a></p>')
    facts = []
    if work.subjects and vocabulary is not None:
        links = []
        for code in work.subjects:
            term = vocabulary.get("subjects", code)
            if term:
                links.append(f'<a href="{up}subjects/{_e(code)}"><span lang="bo">{_e(term.labels.get("bo", code))}'
                             f'</span> · <span lang="zh">{_e(term.labels.get("zh", code))}</span></a>')
        facts.append(f'<p>{_both("subjects")}: {", ".join(links)}</p>')
    if work.license:
        facts.append(f'<p class="meta">{_both("licence")}: <span lang="en">{_e(work.license)}</span>'
                     + (f' — <span lang="en">{_e(work.attribution)}</span>' if work.attribution else "") + "</p>")
    parts += facts
    return _page(titles_line(work), "".join(parts), 1)


def main_page(works: list[Work], vocabulary, subjects: dict[str, int]) -> str:
    bo, zh = WORDS["library"]
    body = [f'<h1><span lang="bo">{_e(bo)}</span> <span lang="zh">{_e(zh)}</span></h1>']
    if subjects:
        body.append(f"<h2>{_both('subjects')}</h2><ul>")
        for term in vocabulary.terms("subjects"):
            if subjects.get(term.code):
                body.append(f'<li><a href="subjects/{_e(term.code)}"><span lang="bo">{_e(term.labels.get("bo", ""))}'
                            f'</span> · <span lang="zh">{_e(term.labels.get("zh", ""))}</span></a> '
                            f'({subjects[term.code]})</li>')
        body.append("</ul>")
    body.append(f'<h2>{_both("works")}</h2><ul class="works">')
    body += [f"<li>{_work_link(w, '')}</li>" for w in works]
    body.append("</ul>")
    body.append('<footer class="meta">' + "".join(f'<p lang="{lang}">{_e(text)}</p>' for lang, text in NGRAM_NOTE.items())
                + "</footer>")
    return _page(f"{bo} {zh}", "".join(body), 0)


def subject_page(term, works: list[Work]) -> str:
    bo, zh = term.labels.get("bo", term.code), term.labels.get("zh", term.code)
    body = [f'<p><a href="../index">{_both("back")}</a></p>',
            f'<h1><span lang="bo">{_e(bo)}</span> · <span lang="zh">{_e(zh)}</span></h1><ul class="works">']
    body += [f"<li>{_work_link(w, '../')}</li>" for w in works]
    body.append("</ul>")
    return _page(f"{bo} · {zh}", "".join(body), 1)


def illustration(size: int = 48) -> bytes:
    """A small square PNG for Kiwix's library: an open book on the library's colour."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (size, size), (20, 83, 116, 255))
    d = ImageDraw.Draw(img)
    s = size / 48
    d.polygon([(6 * s, 14 * s), (23 * s, 18 * s), (23 * s, 38 * s), (6 * s, 34 * s)], fill=(255, 255, 255, 255))
    d.polygon([(25 * s, 18 * s), (42 * s, 14 * s), (42 * s, 34 * s), (25 * s, 38 * s)], fill=(255, 214, 102, 255))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def export_zim(store, media, work_ids: list[str], out: Path, font: Path, *, light: bool = False,
               info: ZimInfo | None = None, progress=None) -> ZimReport:
    """Write the works ``work_ids`` (in that order) as a ZIM file at ``out``.

    The file is written beside ``out`` and renamed into place at the end, so a failed
    export leaves any earlier file as it was.

    :param font: the self-hosted Tibetan web font (WOFF2) the pages use.
    :param light: use a video's light rendition (``renditions["light"]``) where one was made.
    :param progress: called as ``progress(done, total, stage)``: works written (``pages``), then files (``files``).
    :raises CannotWrite: when ``out``'s folder is missing or cannot be written.
    """
    output_folder(out)
    from libzim.writer import Creator, FileProvider, Hint, IndexData, Item, StringProvider

    info = info or ZimInfo()
    vocabulary = store.vocabulary()
    works = store.get_works(work_ids)
    report = ZimReport(works=len(works))
    files = _Files(media)

    class Page(Item):
        def __init__(self, path, title, text, index=None, front=True):
            super().__init__()
            self.path, self.title, self.text, self.index, self.front = path, title, text, index, front

        def get_path(self):
            return self.path

        def get_title(self):
            return self.title

        def get_mimetype(self):
            return "text/html"

        def get_contentprovider(self):
            return StringProvider(self.text)

        def get_hints(self):
            return {Hint.FRONT_ARTICLE: self.front, Hint.COMPRESS: True}

        def get_indexdata(self):
            return self.index

    class Asset(Item):
        def __init__(self, path, mime, source=None, data=None):
            super().__init__()
            self.path, self.mime, self.source, self.data = path, mime, source, data

        def get_path(self):
            return self.path

        def get_title(self):
            return ""

        def get_mimetype(self):
            return self.mime

        def get_contentprovider(self):
            return FileProvider(str(self.source)) if self.source is not None else StringProvider(self.data)

        def get_hints(self):
            return {Hint.FRONT_ARTICLE: False, Hint.COMPRESS: self.mime.startswith("text/")}

    class WorkIndex(IndexData):
        def __init__(self, title, content, keywords):
            super().__init__()
            self.title, self.content, self.keywords = title, content, keywords

        def has_indexdata(self):
            return True

        def get_title(self):
            return self.title

        def get_content(self):
            return self.content

        def get_keywords(self):
            return self.keywords

        def get_wordcount(self):
            return len(self.content.split())

        def get_geoposition(self):
            return None

    out = Path(out)
    tmp = out.with_name(out.name + ".part")
    tmp.unlink(missing_ok=True)
    subjects: dict[str, list[Work]] = {}
    for w in works:
        for code in w.subjects:
            subjects.setdefault(code, []).append(w)
    try:
        with Creator(str(tmp)).config_indexing(True, "mul") as creator:
            creator.set_mainpath("index")
            creator.add_illustration(48, illustration(48))
            date = (info.date or dt.date.today()).isoformat()
            tags = ";".join(["_ftindex:yes", "_category:other", "_pictures:yes", "_videos:yes", *info.tags])
            for name, value in (("Name", info.name), ("Title", info.title[:30]), ("Description", info.description[:80]),
                                ("Language", "bod,zho"), ("Creator", info.creator), ("Publisher", info.publisher),
                                ("Date", date), ("License", info.license), ("Source", info.source), ("Tags", tags),
                                ("Flavour", "light" if light else "full")):
                creator.add_metadata(name, value)
            creator.add_item(Asset("assets/style.css", "text/css", data=STYLE))
            creator.add_item(Asset("assets/NotoSerifTibetan.woff2", "font/woff2", source=Path(font)))
            say = progress or (lambda done, total, stage="": None)
            books_seen: set = set()  # a book two works share: its pages once
            for n, w in enumerate(works, start=1):
                say(n - 1, len(works), "pages")
                html_text = work_page(media, w, files, vocabulary, light, report)
                content, keywords = (xml_safe(text) for text in search_text(w, vocabulary))
                title = xml_safe(titles_line(w))  # libzim takes C strings: no NUL, no controls
                indexed = xml_safe(index_title(w, title))
                creator.add_item(Page(f"works/{w.id}", title, html_text, WorkIndex(indexed, content, keywords)))
                for path, body, depth in offline_books.book_pages(media, w, files, light, seen=books_seen):
                    creator.add_item(Page(path, title, _page(title, body, depth), front=False))
            counts = {code: len(ws) for code, ws in subjects.items()}
            creator.add_item(Page("index", info.title, main_page(works, vocabulary, counts), front=True))
            for code, ws in subjects.items():
                term = vocabulary.get("subjects", code)
                if term is not None:
                    creator.add_item(Page(f"subjects/{code}", xml_safe(f"{term.labels.get('bo', code)} · "
                                          f"{term.labels.get('zh', code)}"), subject_page(term, ws), front=False))
            say(len(works), len(works), "pages")
            for n, (path, (source, mime)) in enumerate(files.paths.items(), start=1):
                creator.add_item(Asset(path, mime, source=source))
                say(n, len(files.paths), "files")
            report.files = len(files.paths)
        tmp.replace(out)
    except Exception as exc:  # libzim says only "error": ask the disk whether it was full or read-only
        fault = disk.fault_at(out.parent, exc, where=str(out))
        if fault is not None:
            raise fault from exc
        raise
    finally:
        tmp.unlink(missing_ok=True)
        for scratch in tmp.parent.glob(f"{tmp.name}.tmp*"):  # libzim's own working files, left on a failure
            if scratch.is_dir():
                shutil.rmtree(scratch, ignore_errors=True)
            else:
                scratch.unlink(missing_ok=True)
    return report

