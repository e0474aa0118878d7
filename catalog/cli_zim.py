"""``contentlib zim export``: the catalog, or a selection of it, as a Kiwix ZIM file."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from contentlib import usage, zim
from contentlib.errors import CannotWrite
from contentlib.selection import select_works, selection_from_options, selection_options

from .resources import get_library

FONT = Path(__file__).parent / "static" / "fonts" / "NotoSerifTibetan.woff2"


@click.group("zim")
def zim_group():
    """Kiwix ZIM files for reading and searching offline."""


@zim_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@selection_options
@click.option("--light", is_flag=True, help="Use light video renditions where they exist.")
@with_appcontext
def export_command(path, light, **options):
    """Write the selected works (all by default) as a ZIM file at PATH."""
    lib = get_library()
    ids = select_works(lib.store, selection_from_options(**options), search=lib.search_ids)
    info = zim.ZimInfo(source=current_app.config.get("CONTENTLIB_PUBLIC_URL") or "contentlib")
    try:
        report = zim.export_zim(lib.store, lib.media, ids, path, FONT, light=light, info=info)
    except CannotWrite as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    if current_app.config["CONTENTLIB_COUNT_USE"]:
        usage.count_exports(lib.store, ids, "zim")
    click.echo(f"{path}: {report.works} works, {report.files} files"
               + (f", {report.light_videos} light videos" if light else ""))
    for missing in report.skipped_files:
        click.echo(f"{missing}: file missing from the media store, left out", err=True)
