"""``contentlib export`` and ``contentlib exporters``: every export goes through the registry, one way.

``run_export`` is the one path the export commands share (``export``, ``bundle export``,
``zim export``): plan (the folder is checked first), say what is coming, write with a
progress bar that Ctrl-C stops. Their errors go through the command group's one handler
(``cli_ops.Group``): a folder that cannot be written or a cancel is one line.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from contentlib.progress import CommandTask

from .cli_selection import selection_options
from .resources import get_library


def run_export(name: str, selection, out: Path, label: str, announce=None, unit: str = "", **options):
    """Plan and write exporter ``name``'s output at ``out``; return ``(plan, result)``."""
    lib = get_library()
    plan = lib.plan_export(name, selection, out, **options)
    if announce is not None:
        announce(plan)
    with CommandTask(label, unit=unit) as task:
        return plan, lib.write_export(plan, out, task)


@click.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@selection_options
@click.option("--format", "name", default="jsonl", show_default=True, metavar="NAME",
              help="An exporter (`contentlib exporters` lists them).")
@with_appcontext
def export_command(path, selection, name):
    """Export works as JSON Lines, their files under PATH's name + _media/ beside it (or as another --format)."""
    if name not in get_library().exporters():
        known = ", ".join(get_library().exporters())
        raise click.BadParameter(f"no exporter named {name!r}; known: {known}", param_hint="--format")
    plan, result = run_export(name, selection, path, "export")
    count = result if name == "jsonl" else plan.works
    click.echo(f"{path}: {count} works exported" + ("" if name == "jsonl" else f" ({name})"))


@click.command("exporters")
@with_appcontext
def exporters_command():
    """List the export formats: name, title and what each is for."""
    for name, exporter in get_library().exporters().items():
        click.echo(f"{name}\t{exporter.title}\t{exporter.explanation}")
