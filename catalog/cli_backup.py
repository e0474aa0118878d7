"""`contentlib backup` and `contentlib restore`: thin commands over ``Library.backup`` and ``Library.restore``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from contentlib import backup
from contentlib.errors import CannotWrite
from contentlib.progress import CommandTask

from .resources import get_library


def _fail(exc: Exception) -> None:
    click.echo(f"Error: {exc}", err=True)
    sys.exit(1)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path):
    """Write a consistent backup (database, media, settings, manifest) to PATH (a tar file), even while serving."""
    try:
        with CommandTask("backup: media files") as task:
            report = get_library().backup(path, task=task)
    except CannotWrite as exc:
        _fail(exc)
    counts = report.counts
    click.echo(f"{path}: {counts.get('works', 0)} works, {counts.get('users', 0)} users, "
               f"{report.media_files} media files, {report.members} members ({report.database} database)")
    if report.missing_media:
        click.echo(f"{path}: {len(report.missing_media)} file(s) were deleted while the backup ran", err=True)


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a home that already holds works, users or media.")
@with_appcontext
def restore_command(path, force):
    """Restore a backup into this (empty) home after checking its manifest; the search index is rebuilt."""
    try:
        with CommandTask("restore") as task:
            report, indexed = get_library().restore(path, force=force, task=task)
    except (backup.BackupInvalid, backup.HomeNotEmpty) as exc:
        _fail(exc)
    counts = report.counts
    click.echo(f"{path}: restored {counts.get('works', 0)} works, {counts.get('users', 0)} users, "
               f"{report.media_files} media files; index rebuilt: {indexed} works")
