"""What the offline pages share (the ZIM's and the folder for any browser's): escaping and a work's text.

Both are read by strict parsers and opened with no server, so both write the same HTML for a work's
versions; each adds its own links, media and scripts around it.
"""

from __future__ import annotations

import html

from .xmltext import xml_safe

ORDER = ("bo", "zh", "en")  # the versions in the order a Tibetan library shows them


def escape(text) -> str:
    """Escaped, and without what XML cannot carry (``xmltext``): readers parse these pages strictly too."""
    return html.escape(xml_safe(str(text)), quote=True)


def version_sections(work) -> list[str]:
    """One ``<section lang=…>`` per version: its title, description and keywords, escaped."""
    out = []
    for v in (work.versions[lang] for lang in ORDER if lang in work.versions):
        section = [f'<section lang="{escape(v.lang)}">']
        if v.has_title:
            section.append(f"<h1>{escape(v.title)}</h1>")
        if v.description:
            section.append(f"<p>{escape(v.description)}</p>")
        if v.keywords:
            section.append(f'<p class="meta">{escape(" · ".join(v.keywords))}</p>')
        out.append("".join(section) + "</section>")
    return out
