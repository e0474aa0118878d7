"""What every engine indexes of a work: the fields' texts and values (``document``).

Each language's title and keywords, its description, the keyword fields the
filters and facets read, two columns that order a browse, and the stored
``doc`` the results show. Engines tokenise the text fields with the same
analysers (``analysis``), so every engine holds the same terms.
"""

LANGS = ("bo", "zh", "en")


def document(rec):
    """Turn a catalog record into the values of the index's fields.

    Each language's title and keywords are indexed twice, before and after
    the description: a title match then weighs more without a separate
    title field, whose postings would cost a third more indexing time.
    jieba words (``zhw``) come from titles and keywords only: segmenting
    every description took 40% of a rebuild, and the gram field already
    finds any word in them.
    """
    titles = {k: v.strip() for k, v in (rec.get("titles") or {}).items()
              if k in LANGS and isinstance(v, str) and v.strip()}
    descs = {k: v for k, v in (rec.get("descriptions") or {}).items()
             if k in LANGS and isinstance(v, str) and v.strip()}
    kws = rec.get("keywords") or {}
    fields = {
        "id": rec["id"], "type": rec.get("type") or "",
        "subject": " ".join(rec.get("subjects") or ()),
        "audience": " ".join(rec.get("audiences") or ()),
        "grade": " ".join(rec.get("grades") or ()),
        "lang": " ".join(titles),
        # kinds of public file (indexing.file_kinds), for the ``has`` filter
        "has": " ".join(rec.get("has") or ()),
        "added": _int(rec.get("added"), -1), "year": _int(rec.get("year"), 0),
        "doc": {"type": rec.get("type"), "titles": titles, "descriptions": descs},
    }
    for lang in LANGS:
        head = "\n".join(p for p in (titles.get(lang), " ".join(kws.get(lang) or ())) if p)
        text = "\n".join(p for p in (head, descs.get(lang), head) if p)
        if text:
            fields[lang] = text
        if lang == "bo" and text:
            fields["bo2"] = text
        if lang == "zh" and text:
            fields["py"] = fields["py2"] = text
            if head:
                fields["zhw"] = head
    return fields


def _int(value, default):
    return default if value is None else int(value)


