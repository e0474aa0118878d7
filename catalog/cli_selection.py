"""The flags that choose a part of the catalog, the same for every command that takes one.

``export``, ``bundle export`` and ``zim export`` read them alike and receive one
``contentlib.selection.Selection``.
"""

from __future__ import annotations

import functools
import sys

import click

from contentlib.errors import BadParameter
from contentlib.selection import Selection

# The command-line flag of each field, for error messages.
FLAGS = {"q": "--q", "type": "--type", "subject": "--subject", "audience": "--audience", "grade": "--grade",
         "lang": "--lang", "has": "--has", "list_id": "--list", "list": "--list", "since": "--since"}


def selection_options(f):
    """Add ``--q --type --subject --audience --grade --lang --has --list --since`` to a click command.

    The command receives them as one ``selection`` (each filter flag may be
    repeated). A ``BadParameter``, from the flags or from the command, is printed
    as one line, ``Error: --flag: message``, with exit code 1.
    """

    @functools.wraps(f)
    def run(*args, q, type, subject, audience, grade, lang, has, list_id, since, **kwargs):
        try:
            selection = Selection(q=q, type=type, subject=subject, audience=audience, grade=grade, lang=lang,
                                  has=has, list_id=list_id, since=since or None)
            return f(*args, selection=selection, **kwargs)
        except BadParameter as exc:
            click.echo(f"Error: {FLAGS.get(exc.parameter, exc.parameter)}: {exc.message}", err=True)
            sys.exit(1)

    options = [
        click.option("--since", metavar="YYYY-MM-DD", help="Only works whose text or files changed on or after this day."),
        click.option("--list", "list_id", metavar="LIST_ID", help="Only the works of this teacher's list."),
        click.option("--has", multiple=True, metavar="KIND",
                     help="Only works with a public file of this kind (video, book, audio, subtitles)."),
        click.option("--lang", multiple=True, metavar="L", help="Only works with a title in this language (bo, zh, en)."),
        click.option("--audience", multiple=True, metavar="A", help="Only works for this audience (a code)."),
        click.option("--grade", multiple=True, metavar="G", help="Only works for this grade (a code)."),
        click.option("--subject", multiple=True, metavar="S", help="Only works on this subject (a code)."),
        click.option("--type", multiple=True, metavar="T", help="Only works of this type (video, book, ...)."),
        click.option("--q", metavar="QUERY", help="Only works the search finds for this query."),
    ]
    for option in options:
        run = option(run)
    return run
