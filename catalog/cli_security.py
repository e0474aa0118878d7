"""Security commands: ``contentlib users unlock NAME`` (listed in ``catalog.cli.COMMANDS``)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from contentlib.errors import NotFound

from .resources import get_library


@click.command("unlock")
@click.argument("name")
@with_appcontext
def users_unlock(name):
    """Let NAME log in again after too many failed logins (forgets its failures)."""
    try:
        count = get_library().accounts.unlock(name)
    except NotFound:
        click.echo(f"no user {name}", err=True)
        sys.exit(1)
    click.echo(f"user {name} unlocked ({count} failed login(s) forgotten)")
