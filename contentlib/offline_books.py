"""Books in the offline exports (a Kiwix ZIM, the folder for any browser): the reader's pages and chapters
(``contentlib.books``) as static pages, read with no server.

A PDF becomes one page ``read/<sha256>`` with every drawn page's picture and its
text under it; an EPUB one page per chapter, ``read/<sha256>/<n>``, with the
contents and the neighbours. Pictures go in as ``media/<sha256>-<name>.webp``
through the export's file list (``files.add(name, source, mime) -> path or None``).
A ``light`` export keeps the smaller pictures only.

Both exports write the same pages; a ``Flavour`` says what differs. A ZIM's links
have no ending and its pages no script. The folder's links end in ``.html`` and
its pages carry what the web reader's own script (``catalog/static/js/reader.js``)
reads, so next and previous, go to page or chapter and the remembered place work
there from ``file://``; a PDF also gets a smaller-pictures-only copy (data saver).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from . import books

WORDS = {
    "read": ("ཀློག", "阅读"),
    "contents": ("དཀར་ཆག", "目录"),
    "previous": ("སྔོན་མ།", "上一章"),
    "next": ("རྗེས་མ།", "下一章"),
    "back": ("བརྩམས་ཆོས།", "作品"),
    "more": ("ལྷག་མ་རྣམས་ཕབ་ལེན་ནང་དུ་ཡོད།", "其余内容请下载阅读。"),
    # the words of the web reader's own catalogs (translations/*/messages.po)
    "previous_page": ("ཤོག་ངོས་གོང་མ།", "上一页"),
    "next_page": ("ཤོག་ངོས་རྗེས་མ།", "下一页"),
    "go_to_page": ("ཤོག་ངོས་ལ་འགྲོ།", "跳到页码"),
    "go_to_chapter": ("ལེའུ་ལ་འགྲོ།", "跳到章节"),
    "go": ("འགྲོ།", "前往"),
    "saver": ("གྲངས་གཞི་གྲོན་ཆུང་། ཤོག་ངོས་ཆུང་བ་སྟོན།", "省流量：显示较小的页面"),
    "sharper": ("གྲངས་གཞི་གྲོན་ཆུང་ཁ་ཕྱེ་ཡོད། ཤོག་ངོས་གསལ་བ་སྟོན།", "省流量已开启：显示更清晰的页面"),
}
STYLE = """
.page { margin: 1rem 0; scroll-margin-top: .5rem; }
.page img { display: block; width: 100%; height: auto; border: 1px solid #ccc; }
.page-text p { margin: .3rem 0; white-space: pre-line; } .chapter img { max-width: 100%; height: auto; }
.reader-nav { display: flex; flex-wrap: wrap; gap: .5rem .8rem; align-items: center; margin: .6rem 0; }
.reader-nav .goto { display: flex; flex-wrap: wrap; gap: .3rem; align-items: center; }
.reader-nav input { width: 5rem; } .reader-nav select { max-width: 100%; }
.reader-nav a[aria-disabled=true] { opacity: .45; pointer-events: none; }
"""
_LINK = re.compile(r"\A(?:\?chapter=([0-9]+))?(#.*)?\Z")


def both(pair: tuple[str, str]) -> str:
    """A fixed word as a ZIM shows it: both scripts side by side."""
    bo, zh = pair
    return f'<span lang="bo">{html.escape(bo)}</span> · <span lang="zh">{html.escape(zh)}</span>'


@dataclass(frozen=True)
class Flavour:
    """How one export writes the reader's pages.

    :param suffix: the ending of its pages' names (``.html`` in a folder).
    :param say: ``say((bo, zh)) -> HTML``: a fixed word in both scripts.
    :param moves: write what reader.js reads (the folder for any browser; a ZIM has no script).
    """

    suffix: str = ""
    say: Callable = both
    moves: bool = False

    def chapter(self, n: int, fragment: str = "") -> str:
        """A link from one chapter page to chapter ``n``: the folder's say which chapter (reader.js keeps the
        remembered one for a plain address only, as on the server)."""
        return f"{n}{self.suffix}?chapter={n}{fragment}" if self.moves else f"{n}{fragment}"


ZIM = Flavour()


def _lang(lang: str | None) -> str:
    return f' lang="{html.escape(lang)}"' if lang else ""


def ready(media, entry) -> dict | None:
    """The reader's copy of a media entry's book when it is made and whole, else None."""
    if not books.book_format(entry):
        return None
    made = books.load(media, entry.sha256)
    return made if made and not made.get("error") and made.get("items") else None


def read_path(media, entry, flavour: Flavour = ZIM) -> str | None:
    """The path where a book entry can be read (its first chapter for an EPUB), or None."""
    made = ready(media, entry)
    if made is None:
        return None
    return f"read/{entry.sha256}{flavour.suffix}" if made["format"] == "pdf" else f"read/{entry.sha256}/1{flavour.suffix}"


def _picture(files, media, sha256: str, name: str) -> str | None:
    return files.add(f"{sha256}-{name.rsplit('.', 1)[0]}", books.folder(media, sha256) / name, "image/webp")


def _page_nav(flavour: Flavour, shown: int, where: str) -> str:
    """Previous, go to page, where one is, next: reader.js moves within the page (all pages are here)."""
    tag = "nav" if where == "top" else "div"
    say = flavour.say
    return (f'<{tag} class="reader-nav"><a rel="prev" data-step="-1" href="#p-1">{say(WORDS["previous_page"])}</a>'
            f'<form class="goto"><label for="goto-{where}">{say(WORDS["go_to_page"])}</label>'
            f'<input id="goto-{where}" name="page" type="number" inputmode="numeric" min="1" max="{shown}" value="1" '
            f'required><button type="submit">{say(WORDS["go"])}</button></form>'
            f'<span class="position" data-template="{{page}} / {shown}">1 / {shown}</span>'
            f'<a rel="next" data-step="1" href="#p-{min(2, shown)}">{say(WORDS["next_page"])}</a></{tag}>')


def _pdf(media, entry, made: dict, files, light: bool, work_path: str, flavour: Flavour,
         name: str, other: tuple | None = None) -> tuple[str, str]:
    """One page of every drawn page; ``other`` = (name, word key): the same pages at the other size."""
    widths = sorted(int(w) for w in made.get("widths") or ())
    links = [f'<a href="../{work_path}">{flavour.say(WORDS["back"])}</a>']
    if other:
        links.append(f'<a href="{other[0].rsplit("/", 1)[-1]}">{flavour.say(WORDS[other[1]])}</a>')
    sections = []
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
        sections.append(f'<section class="page" id="p-{number}" data-page="{number}"><img src="../{small}"{srcset} '
                        f'width="{w}" height="{h}" alt="" loading="lazy"><div class="page-text">{text}</div></section>')
    more = f"<p>{flavour.say(WORDS['more'])}</p>" if made.get("stopped") else ""
    head = f'<p>{" · ".join(links)}</p>'
    if not flavour.moves:
        return name, head + "".join(sections) + more
    shown = len(sections)
    own = html.escape(name.rsplit("/", 1)[-1])
    return name, (f'<article class="reader" id="reader" data-book="{entry.sha256}" data-format="pdf" data-state="ready" '
                  f'data-url="{own}" data-first="1" data-last="{shown}" data-shown="{shown}">{head}'
                  f'{_page_nav(flavour, shown, "top")}<div class="pages">{"".join(sections)}</div>'
                  f'{_page_nav(flavour, shown, "bottom")}{more}</article>')


def _epub(media, entry, made: dict, files, work_path: str, flavour: Flavour) -> list[tuple[str, str]]:
    items = made["items"]
    say = flavour.say

    def link(href: str) -> str:
        found = _LINK.match(href)
        chapter, fragment = (found.group(1), found.group(2) or "") if found else (None, "")
        return flavour.chapter(int(chapter), fragment) if chapter and int(chapter) <= len(items) else fragment or "#"

    def picture(name: str) -> str:
        found = _picture(files, media, entry.sha256, name)
        return "../../" + found if found else ""

    toc = "".join(f'<li><a href="{html.escape(flavour.chapter(e["chapter"], "#" + e["anchor"] if e.get("anchor") else ""))}">'
                  f'{html.escape(e["title"])}</a></li>' for e in made.get("toc") or ())
    options = "".join(f'<option value="{n}">{n}. {html.escape((i.get("title") or "")[:60])}</option>'
                      for n, i in enumerate(items, start=1))
    out = []
    for n, item in enumerate(items, start=1):
        body = books.chapter_html(media, entry.sha256, item["file"], picture, link) if item.get("file") else ""
        nav = [f'<a href="../../{work_path}">{say(WORDS["back"])}</a>']
        if n > 1:
            nav.append(f'<a rel="prev" data-step="-1" href="{flavour.chapter(n - 1)}">{say(WORDS["previous"])}</a>')
        if n < len(items):
            nav.append(f'<a rel="next" data-step="1" href="{flavour.chapter(n + 1)}">{say(WORDS["next"])}</a>')
        contents = f'<details class="toc"><summary>{say(WORDS["contents"])}</summary><ol>{toc}</ol></details>' if toc else ""
        chapter = f'<section class="chapter" id="chapter"{_lang(item.get("lang"))}>{body or say(WORDS["more"])}</section>'
        name = f"read/{entry.sha256}/{n}{flavour.suffix}"
        if not flavour.moves:
            nav_html = f'<p>{" | ".join(nav)}</p>'
            out.append((name, f"{nav_html}{contents}{chapter}{nav_html}"))
            continue
        chosen = options.replace(f'<option value="{n}">', f'<option value="{n}" selected>', 1)
        moves = [f'<{tag} class="reader-nav">{" ".join(nav)}<form class="goto"><label for="goto-{where}">'
                 f'{say(WORDS["go_to_chapter"])}</label><select id="goto-{where}" name="chapter">{chosen}</select>'
                 f'<button type="submit">{say(WORDS["go"])}</button></form></{tag}>'
                 for tag, where in (("nav", "top"), ("div", "bottom"))]
        out.append((name, f'<article class="reader" id="reader" data-book="{entry.sha256}" data-format="epub" '
                          f'data-state="ready" data-url="{n}{flavour.suffix}" data-chapter="{n}" data-shown="{len(items)}" '
                          f'data-chapter-url="{{n}}{flavour.suffix}?chapter={{n}}">'
                          f'{contents}{moves[0]}{chapter}{moves[1]}</article>'))
    return out


def book_pages(media, work, files, light: bool = False, flavour: Flavour = ZIM,
               seen: set | None = None) -> list[tuple[str, str, int]]:
    """The pages of a work's books as ``(path, body HTML, depth)``; their pictures are added to ``files``.

    :param seen: the books written already (sha256s), added to: a book two works share is written once,
        under the first of them.
    """
    work_path = f"works/{work.id}{flavour.suffix}"
    out, seen = [], set() if seen is None else seen
    for entry in work.media:
        made = ready(media, entry)
        if made is None or entry.sha256 in seen:
            continue
        seen.add(entry.sha256)
        if made["format"] == "epub":
            out += [(path, body, 2) for path, body in _epub(media, entry, made, files, work_path, flavour)]
            continue
        name = f"read/{entry.sha256}{flavour.suffix}"
        two = flavour.moves and not light and len(made.get("widths") or ()) > 1
        small = f"read/{entry.sha256}-small{flavour.suffix}"
        out.append((*_pdf(media, entry, made, files, light, work_path, flavour, name,
                          (small, "saver") if two else None), 1))
        if two:  # data saver: the same pages, the smaller pictures only
            out.append((*_pdf(media, entry, made, files, True, work_path, flavour, small, (name, "sharper")), 1))
    return out
