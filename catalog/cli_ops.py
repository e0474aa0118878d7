"""Operations: ``contentlib status``, and the command group's one-line errors for a database away or a full disk."""

from __future__ import annotations

import time

import click
from flask.cli import FlaskGroup, with_appcontext

from contentlib.errors import CannotWrite, DatabaseUnavailable, UnknownEngine, storage_error
from contentlib.longwork import Cancelled
from contentlib.progress import human as _size

from .resources import get_library

CANCELLED_EXIT = 130  # what a shell reports for a command stopped by Ctrl-C


class Group(FlaskGroup):
    """Flask's command group; a database that is away, a disk that is full or read-only, or an unknown
    ``CONTENTLIB_SEARCH_ENGINE`` is one line, exit 1.

    A command stopped by Ctrl-C (``longwork.Cancelled``) is one line too, exit 130.

    Whichever command meets them, what it was writing is left as it was (the core's promise),
    so a traceback would only hide the one thing the operator must do: bring the database
    back, or make room.
    """

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except Cancelled as exc:  # Ctrl-C: the work stopped at a safe point, having changed nothing
            click.echo(f"Stopped: {exc}", err=True)
            ctx.exit(CANCELLED_EXIT)
        except (DatabaseUnavailable, CannotWrite, UnknownEngine) as exc:
            fault = exc
        except OSError as exc:
            fault = storage_error(exc)
            if fault is None:
                raise
        click.echo(f"Error: {fault}", err=True)
        ctx.exit(1)


@click.command("status")
@with_appcontext
def status_command():
    """Print works in the database vs this node's index, outbox lag, queued jobs and disk use."""
    lib = get_library()
    st = lib.status()
    click.echo(f"works in database:   {st.works_in_db}")
    click.echo(f"works in this index: {st.works_in_index if st.index_ready else 'no index (being built?)'}")
    click.echo(f"outbox lag:          {st.outbox_lag} change(s) not yet applied here")
    click.echo(f"jobs:                {st.jobs_queued} queued, {st.jobs_running} running, {st.jobs_failed} failed")
    click.echo(f"index on disk:       {_size(st.index_bytes)} ({lib.index_dir})")
    click.echo(f"media on disk:       {_size(st.media_bytes)} ({lib.media.root})")
    for d in st.disks:
        flag = " READ-ONLY" if d.read_only else (" LOW: make room (under CONTENTLIB_MIN_FREE_MB)" if d.low else "")
        click.echo(f"{f'disk ({d.name}):':<21}{_size(d.free)} free of {_size(d.total)} ({d.path}){flag}")
    for name, seq, beat in lib.outbox_consumers():
        click.echo(f"consumer {name}: at {seq}, seen {time.time() - beat:.0f} s ago")
