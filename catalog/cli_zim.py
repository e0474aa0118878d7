"""``contentlib zim export``: the catalog, or a selection of it, as a Kiwix ZIM file."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from .cli_export import run_export
from .cli_selection import selection_options

FONT = Path(__file__).parent / "static" / "fonts" / "NotoSerifTibetan.woff2"


@click.group("zim")
def zim_group():
    """Kiwix ZIM files for reading and searching offline."""


@zim_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@selection_options
@click.option("--light", is_flag=True, help="Use light video renditions where they exist.")
@with_appcontext
def export_command(path, light, selection):
    """Write the selected works (all by default) as a ZIM file at PATH."""
    _, report = run_export("zim", selection, path, "zim", font=FONT, light=light)
    click.echo(f"{path}: {report.works} works, {report.files} files"
               + (f", {report.light_videos} light videos" if light else ""))
    for missing in report.skipped_files:
        click.echo(f"{missing}: file missing from the media store, left out", err=True)
