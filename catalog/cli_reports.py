"""``contentlib report export|import``: use counts travel from county libraries to the province."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from contentlib import keys, usage
from contentlib.errors import InvalidRecord

from .resources import get


def _identity():
    """The library's signing identity (``contentlib keys``): its id names the library in counts too."""
    return keys.identity(current_app.config["CONTENTLIB_INSTANCE_DIR"], current_app.config.get("CONTENTLIB_LIBRARY_NAME"))


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
    me = _identity()
    data = usage.export_counts(get().store, since=since.date() if since else None,
                               name=name or current_app.config.get("CONTENTLIB_LIBRARY_NAME") or me.name,
                               library_id=me.id)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)  # a crash leaves the old file or the new one
    click.echo(f"{path}: {len(data['counts'])} count(s) of {data['library']['name']} "
               f"({data['library']['id']}), {data['period']['from']} to {data['period']['to']}")


@report_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(path):
    """Add a county library's exported counts under its name (again: replaces, never adds twice)."""
    try:
        data = usage.read_counts_file(path.read_text(encoding="utf-8"))
        result = usage.import_counts(get().store, data, library_id=_identity().id)
    except (InvalidRecord, UnicodeDecodeError) as exc:
        problems = exc.problems if isinstance(exc, InvalidRecord) else [("file", "not UTF-8 text")]
        for where, message in problems:
            click.echo(f"{path}: {where}: {message}", err=True)
        click.echo(f"{path}: nothing was imported.", err=True)
        sys.exit(1)
    click.echo(f"{path}: {result['rows']} count(s) of {result['name']} ({result['library_id']}) "
               f"for {result['months']} month(s)")

