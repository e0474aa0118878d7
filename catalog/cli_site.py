"""``contentlib site export``: the catalog, or a selection of it, as a folder of pages for any browser."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from contentlib.errors import CannotWrite
from contentlib.progress import Reporter, human

from .cli_selection import selection_options
from .resources import get_library

FONT = Path(__file__).parent / "static" / "fonts" / "NotoSerifTibetan.woff2"


@click.group("site")
def site_group():
    """A zipped folder of pages that opens from file:// in any browser, with its own search."""


@site_group.command("export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@selection_options
@click.option("--light", is_flag=True, help="Use light video renditions where they exist.")
@with_appcontext
def export_command(out, light, selection):
    """Write the selected works (all by default) as a zip of static pages at OUT (unzip, open index.html)."""
    def announce(plan):
        click.echo(f"{out}: {len(plan.works)} works, {len(plan.files)} files, about {human(plan.size)}")

    try:
        with Reporter("site") as progress:
            plan = get_library().export_site(selection, out, FONT, light=light, announce=announce, progress=progress)
    except CannotWrite as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"{out}: written, {human(out.stat().st_size)}"
               + (f", {plan.light_videos} light videos" if light else ""))
    for missing in plan.skipped_files:
        click.echo(f"{missing}: file missing from the media store, left out", err=True)
