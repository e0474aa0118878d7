"""``contentlib report export|import``: use counts travel from county libraries to the province."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from contentlib.errors import InvalidRecord

from .resources import get_library


@click.group("report")
def report_group():
    """Use counts between libraries: export this library's, import a county's."""


@report_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m"]),
              help="First day (YYYY-MM-DD) or month (YYYY-MM); the file starts at the first of that month.")
@click.option("--name", help="This library's name in the file (default: CONTENTLIB_LIBRARY_NAME, else as before).")
@with_appcontext
def export_command(path, since, name):
    """Write this library's aggregate use counts per work and month as JSON."""
    counter = current_app.extensions.get("contentlib_usage")
    if counter is not None:
        counter.flush()  # counts still in memory belong in the file
    data = get_library().export_counts(path, since=since.date() if since else None, name=name)
    click.echo(f"{path}: {len(data['counts'])} count(s) of {data['library']['name']} "
               f"({data['library']['id']}), {data['period']['from']} to {data['period']['to']}")


@report_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(path):
    """Add a county library's exported counts under its name (again: replaces, never adds twice)."""
    try:
        result = get_library().import_counts(path.read_text(encoding="utf-8"))
    except (InvalidRecord, UnicodeDecodeError) as exc:
        problems = exc.problems if isinstance(exc, InvalidRecord) else [("file", "not UTF-8 text")]
        for where, message in problems:
            click.echo(f"{path}: {where}: {message}", err=True)
        click.echo(f"{path}: nothing was imported.", err=True)
        sys.exit(1)
    click.echo(f"{path}: {result['rows']} count(s) of {result['name']} ({result['library_id']}) "
               f"for {result['months']} month(s)")

