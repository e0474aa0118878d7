"""Operations commands: ``contentlib status`` and the progress shown by long commands."""

from __future__ import annotations

import sys
import time

import click
from flask.cli import with_appcontext

from .resources import get_library


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


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
    for name, seq, beat in lib.store.consumers():
        click.echo(f"consumer {name}: at {seq}, seen {time.time() - beat:.0f} s ago")


class Progress:
    """Progress of a long command: a bar on a terminal, a line every few seconds otherwise."""

    def __init__(self, label: str, total: int | None = None, every: float = 5.0, stream=None):
        self.label, self.total, self.every = label, total, every
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None) -> None:
        total = total or self.total
        now = time.monotonic()
        if self.tty:
            if total:
                width = 30
                filled = int(width * min(done, total) / total)
                self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            else:
                self.stream.write(f"\r{self.label} {done}")
            self.stream.flush()
        elif now - self._last >= self.every:
            self.stream.write(f"{self.label}: {done}" + (f" of {total}" if total else "") + "\n")
            self.stream.flush()
            self._last = now

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def stage(line: str) -> None:
    """Say which stage a long command has reached (on stderr, so stdout stays the result)."""
    click.echo(f"... {line}", err=True)
