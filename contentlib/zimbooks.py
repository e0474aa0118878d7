"""Books in a Kiwix ZIM: the reader's pages and chapters (``contentlib.books``), readable offline without script.

A PDF becomes one page ``read/<sha256>`` with every drawn page's picture and its
text under it; an EPUB one page per chapter, ``read/<sha256>/<n>``, with the
contents and the neighbours. Pictures go in as ``media/<sha256>-<name>.webp``
through the export's file list. A ``light`` export keeps the smaller pictures only.
"""

from __future__ import annotations

import html
import re

from . import books

WORDS = {
    "read": ("ཀློག", "阅读"),
    "contents": ("དཀར་ཆག", "目录"),
    "previous": ("སྔོན་མ།", "上一章"),
    "next": ("རྗེས་མ།", "下一章"),
    "back": ("བརྩམས་ཆོས།", "作品"),
    "more": ("ལྷག་མ་རྣམས་ཕབ་ལེན་ནང་དུ་ཡོད།", "其余内容请下载阅读。"),
}
STYLE = """
.page { margin: 1rem 0; } .page img { display: block; width: 100%; height: auto; border: 1px solid #ccc; }
.page-text p { margin: .3rem 0; white-space: pre-line; } .chapter img { max-width: 100%; height: auto; }
"""
_LINK = re.compile(r"\A(?:\?chapter=([0-9]+))?(#.*)?\Z")


def _both(key: str) -> str:
    bo, zh = WORDS[key]
    return f'<span lang="bo">{html.escape(bo)}</span> · <span lang="zh">{html.escape(zh)}</span>'


def _lang(lang: str | None) -> str:
    return f' lang="{html.escape(lang)}"' if lang else ""


def ready(media, entry) -> dict | None:
    """The reader's copy of a media entry's book when it is made and whole, else None."""
    if not books.book_format(entry):
        return None
    made = books.load(media, entry.sha256)
    return made if made and not made.get("error") and made.get("items") else None


def read_path(media, entry) -> str | None:
    """The ZIM path where a book entry can be read (its first chapter for an EPUB), or None."""
    made = ready(media, entry)
    if made is None:
        return None
    return f"read/{entry.sha256}" if made["format"] == "pdf" else f"read/{entry.sha256}/1"


def _picture(files, media, sha256: str, name: str) -> str | None:
    return files.add(f"{sha256}-{name.rsplit('.', 1)[0]}", books.folder(media, sha256) / name, "image/webp")


def _pdf(media, entry, made: dict, files, light: bool, work_path: str) -> list[tuple[str, str]]:
    widths = sorted(int(w) for w in made.get("widths") or ())
    parts = [f'<p><a href="../{work_path}">{_both("back")}</a></p>']
    for item in made["items"]:
        if item.get("error") or not widths:
            continue
        number = int(item["n"])
        small = _picture(files, media, entry.sha256, books.pages.page_file(number, widths[0]))
        if small is None:
            continue
        w, h = item["sizes"][str(widths[0])]
        srcset = ""
        if not light and len(widths) > 1:
            large = _picture(files, media, entry.sha256, books.pages.page_file(number, widths[-1]))
            if large:
                srcset = f' srcset="../{small} {widths[0]}w, ../{large} {widths[-1]}w" sizes="100vw"'
        text = "".join(f"<p{_lang(p.lang)}>{html.escape(p.text)}</p>" for p in books.paragraphs(item.get("text") or ""))
        parts.append(f'<section class="page" id="p-{number}"><img src="../{small}"{srcset} width="{w}" height="{h}" '
                     f'alt="" loading="lazy"><div class="page-text">{text}</div></section>')
    if made.get("stopped"):
        parts.append(f"<p>{_both('more')}</p>")
    return [(f"read/{entry.sha256}", "".join(parts))]


def _epub(media, entry, made: dict, files, work_path: str) -> list[tuple[str, str]]:
    items = made["items"]

    def link(href: str) -> str:
        found = _LINK.match(href)
        chapter, fragment = (found.group(1), found.group(2) or "") if found else (None, "")
        return (chapter or "") + fragment if chapter and int(chapter) <= len(items) else fragment or "#"

    def picture(name: str) -> str:
        found = _picture(files, media, entry.sha256, name)
        return "../../" + found if found else ""

    toc = "".join(f'<li><a href="{e["chapter"]}{"#" + html.escape(e["anchor"]) if e.get("anchor") else ""}">'
                  f'{html.escape(e["title"])}</a></li>' for e in made.get("toc") or ())
    out = []
    for n, item in enumerate(items, start=1):
        body = books.chapter_html(media, entry.sha256, item["file"], picture, link) if item.get("file") else ""
        lang = _lang(item.get("lang"))
        nav = [f'<a href="../../{work_path}">{_both("back")}</a>']
        if n > 1:
            nav.append(f'<a href="{n - 1}">{_both("previous")}</a>')
        if n < len(items):
            nav.append(f'<a href="{n + 1}">{_both("next")}</a>')
        nav_html = f'<p>{" | ".join(nav)}</p>'
        contents = f'<details><summary>{_both("contents")}</summary><ol>{toc}</ol></details>' if toc else ""
        out.append((f"read/{entry.sha256}/{n}",
                    f'{nav_html}{contents}<section class="chapter"{lang}>{body or _both("more")}</section>{nav_html}'))
    return out


def book_pages(media, work, files, light: bool = False) -> list[tuple[str, str, int]]:
    """The ZIM pages of a work's books as ``(path, body HTML, depth)``; their pictures are added to ``files``."""
    out, seen = [], set()
    for entry in work.media:
        made = ready(media, entry)
        if made is None or entry.sha256 in seen:
            continue
        seen.add(entry.sha256)
        if made["format"] == "pdf":
            out += [(path, body, 1) for path, body in _pdf(media, entry, made, files, light, f"works/{work.id}")]
        else:
            out += [(path, body, 2) for path, body in _epub(media, entry, made, files, f"works/{work.id}")]
    return out
