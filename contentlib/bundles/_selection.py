"""Stand-in for ``contentlib.selection`` (helper "safety" owns it) until it lands on main.

Same names and behaviour as the shared interface in TEAM.md; ``contentlib.bundles``
imports the real module when it exists, so this file can then be deleted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import click
import sqlalchemy as sa


@dataclasses.dataclass(frozen=True)
class Selection:
    q: str | None = None
    type: str | None = None
    subject: str | None = None
    audience: str | None = None
    lang: str | None = None
    list_id: int | None = None
    since: dt.date | None = None

    def as_dict(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, dt.date) else v)
                for k, v in dataclasses.asdict(self).items() if v is not None}


def select_works(store, selection: Selection, search=None) -> list[str]:
    """The ids of the works the selection takes, in id order."""
    from contentlib.store import versions, work_terms, works
    from contentlib.tables_workflow import work_list_items

    q = sa.select(works.c.id)
    if selection.type:
        q = q.where(works.c.type == selection.type)
    for scheme, code in (("subjects", selection.subject), ("audiences", selection.audience)):
        if code:
            q = q.where(works.c.id.in_(sa.select(work_terms.c.work_id).where(
                work_terms.c.scheme == scheme, work_terms.c.code == code)))
    if selection.lang:
        q = q.where(works.c.id.in_(sa.select(versions.c.work_id).where(
            versions.c.lang == selection.lang, versions.c.slot == "public", versions.c.title.is_not(None))))
    if selection.list_id is not None:
        q = q.where(works.c.id.in_(sa.select(work_list_items.c.work_id).where(
            work_list_items.c.list_id == selection.list_id)))
    if selection.since is not None:
        start = dt.datetime.combine(selection.since, dt.time(), dt.timezone.utc).timestamp()
        q = q.where(works.c.updated_at >= start)
    with store.engine.connect() as conn:
        ids = conn.execute(q.order_by(works.c.id)).scalars().all()
    if selection.q:
        if search is None:
            raise ValueError("a text query needs a search function")
        hits = set(search(selection.q))
        ids = [i for i in ids if i in hits]
    return list(ids)


def selection_options(f):
    """Add ``--q --type --subject --audience --lang --list --since`` to a click command."""
    options = [
        click.option("--q", "q", help="Only works a search for this text finds."),
        click.option("--type", "type_", help="Only works of this type (video, book, ...)."),
        click.option("--subject", help="Only works with this subject code."),
        click.option("--audience", help="Only works for this audience code."),
        click.option("--lang", type=click.Choice(["bo", "zh", "en"]), help="Only works with a title in this language."),
        click.option("--list", "list_id", type=int, help="Only the works of this teacher's list (its number)."),
        click.option("--since", type=click.DateTime(["%Y-%m-%d"]),
                     help="Only works changed on or after this day (YYYY-MM-DD)."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def selection_from_options(**kwargs) -> Selection:
    since = kwargs.get("since")
    if isinstance(since, dt.datetime):
        since = since.date()
    return Selection(q=kwargs.get("q") or None, type=kwargs.get("type_") or kwargs.get("type") or None,
                     subject=kwargs.get("subject") or None, audience=kwargs.get("audience") or None,
                     lang=kwargs.get("lang") or None, list_id=kwargs.get("list_id"), since=since)
