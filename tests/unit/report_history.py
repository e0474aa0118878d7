"""A known history for the report tests: four works, a translation workflow and use, at fixed times (UTC).

- 2026-01: w-heart (video, health) added in Chinese; w-lung (book, health) added in Chinese and Tibetan.
- 2026-02: w-star (video, earth-space) added in Chinese. w-heart's Tibetan draft begun on 1 Feb, sent
  to review, sent back, edited, sent again on 1 Mar, published 11 Mar (38 days after its first draft).
- 2026-03: w-soil (book, health, farmers-herders) added in Chinese. w-star's Tibetan version drafted
  1 Mar and published 6 Mar (5 days). w-soil's Chinese text edited 10 Mar and published 12 Mar (2 days).
- Use: views, plays and downloads on known days in February and March.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from contentlib import accounts, usage, workflow
from contentlib.model import Version, Work
from contentlib.tables import version_history

TIBETAN = "སྙིང་གི་འཕྲོད་བསྟེན།"


def at(y, m, d, hour=12) -> float:
    return datetime(y, m, d, hour, tzinfo=UTC).timestamp()


def _add(store, work: Work, when: float) -> None:
    store.put_works([work])
    with store.transaction() as conn:
        conn.execute(version_history.update().where(version_history.c.work_id == work.id,
                                                     version_history.c.action == "import").values(at=when))


def work(work_id, type, subjects, titles, audiences=()):
    return Work(id=work_id, type=type, subjects=list(subjects), audiences=list(audiences),
                versions={lang: Version(lang, t) for lang, t in titles.items()})


def build(store) -> dict:
    """Write the history; return the users."""
    editor = accounts.create_user(store, "ed", "editor", "correct horse battery")
    reviewer = accounts.create_user(store, "rev", "reviewer", "correct horse battery")
    _add(store, work("w-heart", "video", ["health"], {"zh": "心脏"}), at(2026, 1, 10))
    _add(store, work("w-lung", "book", ["health"], {"zh": "肺", "bo": TIBETAN}), at(2026, 1, 20))
    _add(store, work("w-star", "video", ["earth-space"], {"zh": "星星"}), at(2026, 2, 5))
    _add(store, work("w-soil", "book", ["health"], {"zh": "土壤"}, ["farmers-herders"]), at(2026, 3, 3))

    workflow.save_draft(store, editor, "w-heart", "bo", {"title": "སྙིང་།"}, now=at(2026, 2, 1))
    workflow.save_draft(store, editor, "w-heart", "bo", {"description": "ཞིབ་ཕྲ།"}, now=at(2026, 2, 2))
    workflow.submit(store, editor, "w-heart", "bo", now=at(2026, 2, 3))
    workflow.reject(store, reviewer, "w-heart", "bo", "ཡི་གེ་ནོར་འདུག", now=at(2026, 2, 4))
    workflow.save_draft(store, editor, "w-heart", "bo", {"title": "སྙིང་ཁམས།"}, now=at(2026, 2, 5))
    workflow.submit(store, editor, "w-heart", "bo", now=at(2026, 3, 1))
    workflow.approve(store, reviewer, "w-heart", "bo", now=at(2026, 3, 11))

    workflow.save_draft(store, editor, "w-star", "bo", {"title": "སྐར་མ།"}, now=at(2026, 3, 1))
    workflow.submit(store, editor, "w-star", "bo", now=at(2026, 3, 2))
    workflow.approve(store, reviewer, "w-star", "bo", now=at(2026, 3, 6))

    workflow.save_draft(store, editor, "w-soil", "zh", {"title": "土壤与草场"}, now=at(2026, 3, 10))
    workflow.submit(store, editor, "w-soil", "zh", now=at(2026, 3, 11))
    workflow.approve(store, reviewer, "w-soil", "zh", now=at(2026, 3, 12))

    usage.add_counts(store, {
        (date(2026, 2, 10), "w-heart", "zh", "view"): 5,
        (date(2026, 2, 11), "w-heart", "bo", "view"): 3,
        (date(2026, 2, 11), "w-heart", "", "play"): 2,
        (date(2026, 3, 1), "w-star", "bo", "view"): 4,
        (date(2026, 3, 2), "w-star", "bo", "play"): 6,
        (date(2026, 3, 31), "w-lung", "zh", "download"): 1,
        (date(2026, 3, 31), "w-lung", "bo", "download_light"): 2,
        (date(2026, 3, 15), "w-lung", "", "export_bundle"): 1,
        (date(2026, 4, 1), "w-lung", "bo", "view"): 100,   # after the period the tests ask for
    })
    return {"editor": editor, "reviewer": reviewer}
