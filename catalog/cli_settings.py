"""``contentlib settings``: read and change the library's name, id and public address."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from contentlib.errors import InvalidRecord
from contentlib.site import KEYS

from .resources import get_library


@click.group("settings")
def settings_group():
    """The library's settings kept in its database: name, id, public-url."""


def _line(setting) -> str:
    shown = setting.value if setting.value is not None else "(not set)"
    return f"{setting.key}\t{shown}" + (f"\t(from {setting.environment})" if setting.environment else "")


@settings_group.command("get")
@click.argument("key", required=False, type=click.Choice(list(KEYS)))
@with_appcontext
def settings_get(key):
    """Print one setting, or every one (a variable that wins over the stored value is named)."""
    lib = get_library()
    for setting in ([lib.site.get(key)] if key else lib.site.all()):
        click.echo(_line(setting) if not key else (setting.value or ""))


@settings_group.command("set")
@click.argument("key", type=click.Choice(list(KEYS)))
@click.argument("value")
@with_appcontext
def settings_set(key, value):
    """Store a setting (an empty public-url removes it); a bad value is refused and nothing changes."""
    lib = get_library()
    try:
        lib.site.set(key, value)
    except InvalidRecord as exc:
        for where, message in exc.problems:
            click.echo(f"{where}: {message}", err=True)
        sys.exit(1)
    setting = lib.site.get(key)
    click.echo(_line(setting))
    if setting.environment:
        click.echo(f"note: {setting.environment} is set, so it wins over the stored value", err=True)
