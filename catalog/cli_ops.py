"""Operations commands: ``contentlib status``."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from contentlib.progress import human as _size

from .resources import get_library


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
    for name, seq, beat in lib.outbox_consumers():
        click.echo(f"consumer {name}: at {seq}, seen {time.time() - beat:.0f} s ago")
