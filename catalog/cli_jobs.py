"""``contentlib jobs list`` and ``contentlib jobs cancel ID``: the background jobs, and stopping one."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from contentlib.errors import NotFound

from .resources import get_library


@click.group("jobs")
def jobs_group():
    """Background jobs (derived files, offline bundles, the lexicon): list them, cancel one."""


@jobs_group.command("list")
@with_appcontext
def jobs_list():
    """List the newest jobs: id, kind, key, state, attempts."""
    for job in get_library().recent_jobs():
        click.echo(f"{job.id}\t{job.kind}\t{job.key}\t{job.state}\t{job.attempts}")


@jobs_group.command("cancel")
@click.argument("job_id", type=click.IntRange(min=1, max=2 ** 31 - 1))
@with_appcontext
def jobs_cancel(job_id):
    """Stop job ID: a waiting one now, a running one at its next safe point (what it wrote stays as it was)."""
    try:
        state = get_library().cancel_job(job_id)
    except NotFound:
        click.echo(f"no job {job_id} (finished jobs leave the list)", err=True)
        sys.exit(1)
    click.echo(f"job {job_id}: " + ("cancelled" if state == "cancelled" else
                                    f"{state}: it stops at its next safe point" if state == "cancelling" else state))
