"""``contentlib translate export WORK LANG FILE.xlf`` and ``contentlib translate import FILE.xlf``: XLIFF 2.0."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from contentlib.accounts import User
from contentlib.errors import CannotWrite, ContentlibError, InvalidRecord, NotFound

from .resources import get_library

CLI_USER = "cli"  # who the history names when no --user is given


def _user(name: str | None) -> User:
    if name is None:
        return User(CLI_USER, "editor")
    user = get_library().accounts.get(name)
    if user is None or not user.active or not user.can("edit"):
        click.echo(f"Error: {name!r} is not an active account that may edit", err=True)
        sys.exit(1)
    return user


def _fail(what, exc: ContentlibError) -> None:
    problems = exc.problems if isinstance(exc, InvalidRecord) else [("", str(exc))]
    click.echo(f"{what}: " + "; ".join(f"{w}: {m}" if w else m for w, m in problems) + "; nothing was changed.",
               err=True)
    sys.exit(1)


@click.group("translate")
def translate_group():
    """Translate works in outside tools: XLIFF 2.0 files of a version's segments."""


@translate_group.command("export")
@click.argument("work_id")
@click.argument("lang")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--user", "user_name", default=None, help="Act as this account (default: the command line).")
@with_appcontext
def translate_export(work_id, lang, path, user_name):
    """Write the segments of WORK_ID's LANG version as an XLIFF 2.0 file."""
    try:
        count = get_library().translation.export_xliff(_user(user_name), work_id, lang, path)
    except CannotWrite as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except (LookupError, ContentlibError) as exc:
        click.echo(f"Error: {work_id} {lang}: {exc}", err=True)
        sys.exit(1)
    click.echo(f"{path}: {count} segment(s) of {work_id} ({lang}) exported")


@translate_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "user_name", default=None, help="Act as this account (default: the command line).")
@with_appcontext
def translate_import(path, user_name):
    """Set the targets an XLIFF 2.0 file carries into its work's draft (all or nothing)."""
    try:
        with open(path, "rb") as fh:
            work_id, lang, count = get_library().translation.import_xliff(_user(user_name), fh)
    except (InvalidRecord, NotFound, ContentlibError, LookupError) as exc:
        _fail(path, exc if isinstance(exc, ContentlibError) else NotFound(str(exc)))
    click.echo(f"{path}: {count} segment(s) of {work_id} ({lang}) set in its draft")
