"""Coverage: how many works have a published, in-review, draft or missing version per language.

A language counts as published when a public version with a title exists,
even while a new edit of it is in draft or review; missing means neither a
published nor a working version.
"""

from __future__ import annotations

from typing import Any

from .csvsafe import to_csv
from .model import DRAFT, IN_REVIEW, LANGUAGES, PUBLISHED
from .store import Store

STATES = (PUBLISHED, IN_REVIEW, DRAFT, "missing")


def _empty() -> dict:
    return {s: 0 for s in STATES}


def work_states(store: Store) -> dict[str, dict]:
    """Each work's type, subjects, audiences, titles and per-language state."""
    out = {}
    work_rows, version_rows, term_rows = store.coverage_rows()
    for r in work_rows:
        out[r.id] = {"type": r.type, "added": r.added, "subjects": [], "audiences": [], "titles": {},
                     "langs": {lang: "missing" for lang in LANGUAGES}}
    for v in version_rows:
        w = out.get(v.work_id)
        if w is None or v.lang not in LANGUAGES:
            continue
        has_title = bool(v.title and v.title.strip())
        if v.slot == "public" and has_title:
            w["langs"][v.lang] = PUBLISHED
            w["titles"][v.lang] = v.title
        elif v.slot == "working" and w["langs"][v.lang] != PUBLISHED:
            w["langs"][v.lang] = v.state
    for t in term_rows:
        if t.work_id in out:
            out[t.work_id][t.scheme].append(t.code)
    return out


def coverage(store: Store) -> dict:
    """Counts per language, and per subject, audience and type."""
    states = work_states(store)
    body: dict[str, Any] = {"total_works": len(states), "languages": {lang: _empty() for lang in LANGUAGES},
            "by_subject": {}, "by_audience": {}, "by_type": {}}

    def bump(group, key, w):
        entry = group.setdefault(key, {"total": 0, **{lang: _empty() for lang in LANGUAGES}})
        entry["total"] += 1
        for lang, state in w["langs"].items():
            entry[lang][state] += 1

    for w in states.values():
        for lang, state in w["langs"].items():
            body["languages"][lang][state] += 1
        for code in w["subjects"]:
            bump(body["by_subject"], code, w)
        for code in w["audiences"]:
            bump(body["by_audience"], code, w)
        bump(body["by_type"], w["type"], w)
    for key in ("by_subject", "by_audience", "by_type"):
        body[key] = dict(sorted(body[key].items()))
    return body


def known_filters(vocabulary, subject: str | None, audience: str | None) -> tuple[str | None, str | None]:
    """The subject and audience filters this library knows; an empty or unknown code means no filter."""
    subject = subject if subject and vocabulary.has("subjects", subject) else None
    audience = audience if audience and vocabulary.has("audiences", audience) else None
    return subject, audience


def to_translate(store: Store, subject: str | None = None, audience: str | None = None,
                 lang: str = "bo", source: str = "zh") -> list[dict]:
    """Works published in ``source`` with nothing at all in ``lang``, by subject, audience and age."""
    rows = []
    for work_id, w in work_states(store).items():
        if w["langs"][source] != PUBLISHED or w["langs"][lang] != "missing":
            continue
        if subject and subject not in w["subjects"]:
            continue
        if audience and audience not in w["audiences"]:
            continue
        rows.append({"id": work_id, "type": w["type"], "title": w["titles"].get(source),
                     "subjects": w["subjects"], "audiences": w["audiences"], "added": w["added"]})
    rows.sort(key=lambda r: (r["subjects"][:1] or ["~"], r["audiences"][:1] or ["~"], -(r["added"] or 0)))
    return rows


def to_translate_csv(rows: list[dict], url_for_work=None) -> str:
    """The to-translate list as CSV (UTF-8 text; the caller adds a BOM for spreadsheets if wanted)."""
    return to_csv(["id", "title_zh", "type", "subjects", "audiences", "url"],
                  ([r["id"], r["title"] or "", r["type"], ";".join(r["subjects"]), ";".join(r["audiences"]),
                    url_for_work(r["id"]) if url_for_work else ""] for r in rows))
