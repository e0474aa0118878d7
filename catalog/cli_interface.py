"""``contentlib translations export bo FILE.po``: the editors' confirmed interface strings, un-fuzzied."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from contentlib.settings import LOCALES

from .resources import get_library


@click.group("translations")
def translations_group():
    """Interface strings confirmed by the library's editors."""


@translations_group.command("export")
@click.argument("locale", type=click.Choice(LOCALES))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def translations_export(locale, path):
    """Write LOCALE's catalog with every confirmed string un-fuzzied, to merge into translations/."""
    folder = Path(current_app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")[0])
    count = get_library().interface.export_po(folder, locale, path)
    click.echo(f"{path}: {count} confirmed string(s) written un-fuzzied")
