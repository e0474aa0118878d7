"""The HTML of the exported site: the home page with its search, a page per work, a page per subject.

Every page works from ``file://``: links are relative and end in ``.html``, the
only scripts are files beside the pages, and a subtitle track is a ``data:`` URL
(Chromium loads no ``<track src>`` from another file of a ``file://`` folder).
Fixed words are written in Tibetan and Chinese; the language switch shows one.
"""

from __future__ import annotations

import base64

from .. import offline_books
from ..offline_pages import ORDER, version_sections
from ..offline_pages import escape as e

LANG_NAMES = {"bo": "བོད་ཡིག", "zh": "中文", "en": "English"}
WORDS = {
    "library": ("ཚན་རིག་དཔེ་མཛོད།", "科普资源库"),
    "search": ("འཚོལ།", "搜索"),
    "found": ("འཚོལ་འབྲས།", "找到的作品"),
    "subjects": ("བརྗོད་གཞི།", "学科"),
    "works": ("བརྩམས་ཆོས་ཡོངས།", "全部作品"),
    "home": ("གཙོ་ངོས།", "首页"),
    "read": ("ཀློག", "阅读"),
    "download": ("ཕབ་ལེན།", "下载"),
    "licence": ("ཆོག་མཆན།", "许可"),
    "offline": ("དྲ་རྒྱ་མེད་ཀྱང་ཀློག་ཆོག", "无需网络即可阅读"),
}


def words(key: str) -> str:
    """A fixed word in both scripts; the switch (``data-ui`` on ``<html>``) shows one of them."""
    return switched(WORDS[key])


def switched(pair: tuple[str, str]) -> str:
    bo, zh = pair
    return f'<span class="w" lang="bo">{e(bo)}</span><span class="w" lang="zh">{e(zh)}</span>'


#: The reader's pages (``offline_books``): ``.html`` names, the switched words, and reader.js's moves.
READER = offline_books.Flavour(".html", switched, moves=True)


def page(title: str, body: str, up: str, scripts: tuple[str, ...] = (), reader: bool = False) -> str:
    """A page of the site; ``reader``: a book's page, moved through by ``assets/reader.js``."""
    switch = ('<p class="switch"><button type="button" data-set-lang="bo" lang="bo">བོད་ཡིག</button> '
              '<button type="button" data-set-lang="zh" lang="zh">中文</button></p>')
    # the index loads on its own (async): the page shows and browses while it is read
    tags = "".join(f'<script src="{up}{s}" id="site-index" async></script>' for s in scripts)
    tags += f'<script src="{up}assets/site.js"></script>'
    if reader:
        tags += f'<script src="{up}assets/reader.js"></script>'
    return (f'<!doctype html>\n<html lang="bo" data-ui="bo"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{e(title)}</title><link rel="stylesheet" href="{up}assets/site.css"></head>'
            f'<body><header><a href="{up}index.html">{words("home")}</a>{switch}</header>'
            f'<main>{body}</main>{tags}</body></html>\n')


def titles(work) -> list[tuple[str, str]]:
    return [(lang, work.versions[lang].title.strip()) for lang in ORDER
            if lang in work.versions and work.versions[lang].has_title]


def title_line(work) -> str:
    return " · ".join(dict.fromkeys(t for _, t in titles(work))) or work.id


def work_link(work, up: str) -> str:
    parts = [f'<span lang="{lang}">{e(t)}</span>' for lang, t in titles(work)] or [e(work.id)]
    return f'<a href="{up}works/{e(work.id)}.html">{" · ".join(parts)}</a>'


def term_label(term) -> str:
    return (f'<span lang="bo">{e(term.labels.get("bo") or term.code)}</span> · '
            f'<span lang="zh">{e(term.labels.get("zh") or term.code)}</span>')


def vtt_url(data: bytes) -> str:
    return "data:text/vtt;charset=utf-8;base64," + base64.b64encode(data).decode("ascii")


def work_page(work, parts: dict, subjects: list) -> str:
    """A work's page; ``parts`` holds what the plan found: cover, media links, tracks.

    :param parts: ``cover`` (a site path or None), ``tracks`` ([(lang, vtt bytes)]),
        ``files`` ([(kind, site path, mime, lang, name, reader's page or None)]).
    :param subjects: the vocabulary terms of the work's subjects.
    """
    up = "../"
    body = []
    if parts.get("cover"):
        body.append(f'<img class="cover" src="{up}{e(parts["cover"])}" alt="">')
    body += version_sections(work)
    tracks = "".join(f'<track kind="subtitles" src="{vtt_url(data)}" srclang="{e(lang)}" '
                     f'label="{e(LANG_NAMES.get(lang, lang))}"{" default" if n == 0 else ""}>'
                     for n, (lang, data) in enumerate(parts.get("tracks") or ()))
    for kind, path, mime, lang, name, read in parts.get("files") or ():
        lang_attr = f' lang="{e(lang)}"' if lang else ""
        if kind == "video":
            body.append(f'<video controls preload="metadata"{lang_attr}><source src="{up}{e(path)}" '
                        f'type="{e(mime)}">{tracks}</video>')
            tracks = ""  # the subtitles belong to the first video
        elif kind == "audio":
            body.append(f'<audio controls preload="none"{lang_attr} src="{up}{e(path)}"></audio>')
        elif kind == "book" and read:  # the reader's pages (offline_books), and the file to download
            body.append(f'<p class="book"><a href="{up}{e(read)}"{lang_attr}>{words("read")}</a> · '
                        f'<a href="{up}{e(path)}"{lang_attr} download="{e(name)}">{words("download")}: {e(name)}</a></p>')
        elif kind == "book":
            verb = "read" if mime == "application/pdf" else "download"
            body.append(f'<p class="book"><a href="{up}{e(path)}"{lang_attr}'
                        + ("" if verb == "read" else f' download="{e(name)}"')
                        + f'>{words(verb)}: {e(name)}</a></p>')
    if subjects:
        links = ", ".join(f'<a href="{up}subjects/{e(t.code)}.html">{term_label(t)}</a>' for t in subjects)
        body.append(f'<p>{words("subjects")}: {links}</p>')
    if work.license:
        body.append(f'<p class="meta">{words("licence")}: <span lang="en">{e(work.license)}</span>'
                    + (f' — <span lang="en">{e(work.attribution)}</span>' if work.attribution else "") + "</p>")
    return page(title_line(work), "".join(body), up)


def home_page(works: list, subjects: list[tuple]) -> str:
    """The home page: the search box, the subjects (term, count) and every work."""
    bo, zh = WORDS["library"]
    body = [f'<h1><span class="w" lang="bo">{e(bo)}</span><span class="w" lang="zh">{e(zh)}</span></h1>',
            f'<p class="meta">{words("offline")}</p>',
            '<form id="site-search" role="search"><input type="search" name="q" autocomplete="off" '
            f'aria-label="{e(WORDS["search"][0])} {e(WORDS["search"][1])}"> '
            f'<button type="submit">{words("search")}</button></form>',
            f'<p id="site-status" role="status" hidden>{words("found")}: <span data-count></span></p>',
            '<ol id="site-results" class="works"></ol>']
    if subjects:
        body.append(f"<h2>{words('subjects')}</h2><ul>")
        body += [f'<li><a href="subjects/{e(t.code)}.html">{term_label(t)}</a> ({n})</li>' for t, n in subjects]
        body.append("</ul>")
    body.append(f'<h2>{words("works")}</h2><ul class="works">')
    body += [f"<li>{work_link(w, '')}</li>" for w in works]
    body.append("</ul>")
    return page(f"{bo} {zh}", "".join(body), "", scripts=("index.js",))


def subject_page(term, works: list) -> str:
    body = [f"<h1>{term_label(term)}</h1><ul class=\"works\">"]
    body += [f"<li>{work_link(w, '../')}</li>" for w in works]
    body.append("</ul>")
    return page(f'{term.labels.get("bo") or term.code} · {term.labels.get("zh") or term.code}', "".join(body), "../")


STYLE = """
@font-face { font-family: "Contentlib Noto Serif Tibetan"; font-display: swap;
  src: url("NotoSerifTibetan.woff2") format("woff2"); unicode-range: U+0F00-0FFF; }
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 0 auto; padding: 1rem; line-height: 1.5; }
:lang(bo) { font-family: "Contentlib Noto Serif Tibetan", "Noto Serif Tibetan", "Jomolhari", serif;
  line-height: 1.9; overflow-wrap: anywhere; }
:lang(zh) { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", sans-serif; line-break: strict; }
html[data-ui="bo"] .w:lang(zh), html[data-ui="zh"] .w:lang(bo) { display: none; }
header { display: flex; justify-content: space-between; align-items: center; gap: 1rem; }
.switch button[aria-pressed="true"] { font-weight: bold; }
input[type=search] { font-size: 1.1rem; padding: .3rem; width: min(30rem, 70%); }
img.cover { max-width: 100%; height: auto; } video { width: 100%; background: #000; }
ul.works li, ol.works li { margin: .4rem 0; } .meta { color: #555; }
""" + offline_books.STYLE
