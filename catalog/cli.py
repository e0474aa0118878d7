"""The ``contentlib`` command: Flask's commands (run, routes, shell) plus the library's own."""

from __future__ import annotations

import sys
from importlib import resources as pkg_resources
from pathlib import Path

import click
from flask.cli import with_appcontext

from contentlib import accounts
from contentlib.errors import CannotWrite, InvalidRecord, NotFound
from contentlib.progress import Reporter

from . import create_app
from .cli_backup import backup_command, restore_command
from .cli_ops import Group, status_command
from .cli_selection import selection_options
from .resources import get_library


@click.group(cls=Group, create_app=create_app, add_version_option=False)
def cli():
    """Manage the contentlib catalog: import, export, reindex, demo, serve."""


def _fail(exc: InvalidRecord, prefix: str = "", summary: str = "") -> None:
    """Print every problem of ``exc`` as ``WHERE: message`` on stderr and exit 1."""
    for where, message in exc.problems:
        click.echo(f"{prefix}{where}: {message}", err=True)
    if summary:
        click.echo(summary, err=True)
    sys.exit(1)


def _import(path: Path, skip_invalid: bool, cards: bool = False, mirror: bool = False, yes: bool = False) -> None:
    progress = Reporter("import", units={"reading": "bytes"})

    def confirm(plan) -> bool:
        progress.finish()
        for line in plan.lines():
            click.echo(line)
        click.echo(f"{path}: --mirror would remove {len(plan.works)} work(s), {len(plan.versions)} version(s) "
                   f"and {len(plan.media)} file(s) that the file does not carry.")
        if yes:
            return True
        try:
            return click.confirm("Remove them?", default=False)
        except click.Abort:  # no one to answer
            return False

    try:
        with progress:
            report = get_library().import_file(path, skip_invalid=skip_invalid, cards=cards, mirror=mirror,
                                               confirm=confirm, progress=progress)
    except InvalidRecord as exc:
        _fail(exc, summary=f"{path}: {len(exc.problems)} problem(s); nothing was imported.")
    if report.removed is None:
        click.echo(f"{path}: not confirmed; nothing was changed.", err=True)
        sys.exit(1)
    for problem in report.problems:
        click.echo(str(problem), err=True)
    for note in report.notes():
        click.echo(note)
    click.echo(f"{path}: {report.summary()}"
               + (f"; {len(report.removed)} work(s) removed" if mirror else "")
               + (f", {len({p.line for p in report.problems})} invalid line(s) skipped" if report.problems else ""))
    if report.problems:
        sys.exit(2)


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Import the valid lines and report the others.")
@click.option("--cover-cards", is_flag=True,
              help="Also draw the cover cards of works without a picture now (else the server draws them on demand).")
@click.option("--mirror", is_flag=True,
              help="Make the catalog equal the file: remove the works, versions and files it does not carry "
                   "(prints them and asks first).")
@click.option("--yes", is_flag=True, help="With --mirror: remove without asking.")
@with_appcontext
def import_command(path, skip_invalid, cover_cards, mirror, yes):
    """Merge works from a JSON Lines file into the catalog (all or nothing unless --skip-invalid).

    A version or file the file does not carry stays; a version editors changed here
    is kept unless the file's `updated` for it is later. The derived files of imported
    media (thumbnails, poster frames, WebVTT) are made before it exits.
    """
    _import(path, skip_invalid, cover_cards, mirror, yes)


@cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@selection_options
@with_appcontext
def export_command(path, selection):
    """Export works as JSON Lines, their files under PATH's name + _media/ beside it."""
    try:
        with Reporter("export") as progress:
            count = get_library().export(path, selection=selection, progress=progress)
    except CannotWrite as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"{path}: {count} works exported")


@cli.command("delete")
@click.argument("work_ids", nargs=-1, required=True)
@with_appcontext
def delete_command(work_ids):
    """Delete works; files no other work references are freed."""
    for work_id, freed in get_library().delete(work_ids).items():
        click.echo(f"{work_id}: deleted, {len(freed)} file(s) freed")


@cli.command("reindex")
@with_appcontext
def reindex_command():
    """Rebuild the search index from the database and swap it in."""
    with Reporter("reindex") as progress:
        count = get_library().reindex(progress=progress)
    click.echo(f"index rebuilt: {count} works")


@cli.command("demo")
@with_appcontext
def demo_command():
    """Load the bundled demo catalog and its glossary (safe to run again: it changes nothing the second time)."""
    demo = pkg_resources.files("contentlib").joinpath("data/demo")
    with pkg_resources.as_file(demo.joinpath("catalog.jsonl")) as path:
        _import(Path(path), skip_invalid=False, cards=True)
    # Science terms as the demo's own aligned sentences translate them: the editor's glossary hints.
    terms = get_library().glossary.import_csv(demo.joinpath("glossary.csv").read_text(encoding="utf-8"))
    click.echo(f"demo glossary: {terms} zh-bo terms (contentlib/data/demo/glossary.csv)")
    lib = get_library()
    if lib.lexicon_stale():
        info = lib.build_lexicon()
        click.echo(f"lexicon learned from the demo: {info['entries']} entries from {info['pairs']} pairs")


@cli.group("users")
def users_group():
    """Manage accounts: create users, issue API tokens."""


@users_group.command("create")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(accounts.ROLES))
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 8 characters (prompted for when not given).")
@with_appcontext
def users_create(name, role, password):
    """Create a user with a role: teacher, editor, reviewer or admin."""
    try:
        get_library().accounts.create(name, role, password)
    except InvalidRecord as exc:
        _fail(exc)
    click.echo(f"user {name} created ({role})")


@users_group.command("token")
@click.argument("name")
@with_appcontext
def users_token(name):
    """Print a new API token for NAME (the old one stops working); send it as Authorization: Bearer."""
    try:
        click.echo(get_library().accounts.issue_token(name))
    except NotFound:
        click.echo(f"no user {name}", err=True)
        sys.exit(1)


@users_group.command("list")
@with_appcontext
def users_list():
    """List users and their roles."""
    for user in get_library().accounts.users():
        click.echo(f"{user.name}\t{user.role}")


@cli.group("glossary")
def glossary_group():
    """Import or export the zh-bo glossary as CSV (columns zh, bo, note)."""


@glossary_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def glossary_import(path):
    """Add the terms of a CSV file (all or nothing)."""
    try:
        count = get_library().glossary.import_csv(path.read_text(encoding="utf-8-sig"))
    except InvalidRecord as exc:
        _fail(exc, prefix=f"{path}:")
    click.echo(f"{path}: {count} terms read")


@glossary_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def glossary_export(path):
    """Write the glossary as CSV."""
    try:
        count = get_library().glossary.export_file(path)
    except CannotWrite as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"{path}: {count} terms exported")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="Threads per process.")
@click.option("--workers", default=None, type=click.IntRange(min=1),
              help="Processes (gunicorn); default one per core, 1 serves with waitress in this process.")
@click.option("--jobs/--no-jobs", default=True, show_default=True,
              help="Also run background jobs here (turn off when a separate `contentlib worker` runs them).")
def serve_command(host, port, threads, workers, jobs):
    """Serve the catalog, one process per core where the platform allows; the index follows the database."""
    from .resources import start_workers, stop_workers
    from .serving import serve

    app = create_app()
    from .startup import banner

    click.echo("\n".join(banner(app, host, port)))
    # Each serving process follows the outbox into the index (a missing index is built in the
    # background: search answers 503 meanwhile) and runs jobs, which the database hands out once.
    # SIGTERM: the requests in flight are answered, the job in hand finishes, the use counts are written.
    serve(app, host=host, port=port, threads=threads, workers=workers,
          on_start=lambda app: start_workers(app, jobs=jobs), on_stop=stop_workers)


@cli.command("worker")
@click.option("--interval", default=1.0, show_default=True, type=float, help="Seconds between polls when idle.")
@click.option("--once", is_flag=True, help="Run the waiting jobs, then exit.")
@with_appcontext
def worker_command(interval, once):
    """Run background jobs (derived files, cover cards ...) from the database until stopped."""
    import signal
    import threading

    from contentlib import worker

    lib = get_library()
    lib.queue_unfinished()
    if once:
        click.echo(f"{worker.run_once(lib, limit=10**9)} job(s) run")
        return
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    click.echo("contentlib worker running")
    worker.loop(lib, stop, interval)


cli.add_command(status_command)


cli.add_command(backup_command)
cli.add_command(restore_command)
from .cli_bundles import register as _register_bundles  # noqa: E402  (offline bundles, keys, light renditions)
from .cli_reports import report_group  # noqa: E402  (the report commands live in their own module)

_register_bundles(cli)
cli.add_command(report_group)
from .cli_interface import translations_group  # noqa: E402  (the editors' interface strings)

cli.add_command(translations_group)
__import__("catalog.cli_security").cli_security.register(users_group)  # users unlock


def main() -> None:
    cli(prog_name="contentlib")


from .cli_zim import zim_group  # noqa: E402  (each feature's commands live in their own module)

cli.add_command(zim_group)
from .cli_lexicon import lexicon_group  # noqa: E402

cli.add_command(lexicon_group)
from .cli_settings import settings_group  # noqa: E402  (the library's name, id and public address)

cli.add_command(settings_group)
from .cli_translate import translate_group  # noqa: E402  (XLIFF out and in, issue 23)

cli.add_command(translate_group)
