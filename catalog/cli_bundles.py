"""``contentlib keys ...``, ``contentlib bundle ...`` and ``contentlib renditions make``: offline bundles."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from contentlib import keys
from contentlib.bundles import BundleRefused
from contentlib.errors import InvalidRecord
from contentlib.progress import CommandTask, human

from .cli_export import run_export
from .cli_selection import selection_options
from .resources import get_library

# --- keys ---

@click.group("keys")
def keys_group():
    """This library's signing key, and the keys of libraries whose bundles it accepts."""


@keys_group.command("show")
@with_appcontext
def keys_show():
    """Print this library's public key (one line of base64) for others to trust."""
    click.echo(get_library().identity().public_key)


@keys_group.command("trust")
@click.argument("key")
@click.option("--name", help="A name to remember the library by.")
@with_appcontext
def keys_trust(key, name):
    """Accept bundles signed by KEY (another library's `contentlib keys show`)."""
    try:
        added = get_library().trust_key(key, name)
    except InvalidRecord as exc:
        for where, message in exc.problems:
            click.echo(f"{where}: {message}", err=True)
        sys.exit(1)
    click.echo(("trusted " if added else "already trusted ") + keys.parse_public_key(key) + (f" ({name})" if name else ""))


@keys_group.command("list")
@with_appcontext
def keys_list():
    """List the trusted keys with their names."""
    for key, name in get_library().trusted_keys():
        click.echo(f"{key}\t{name or ''}")


# --- bundles ---

@click.group("bundle")
def bundle_group():
    """Signed offline bundles: a selection of works and their files in one zip."""


@bundle_group.command("export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@selection_options
@click.option("--light", is_flag=True, help="Carry the light (small) renditions of videos instead of the originals.")
@with_appcontext
def bundle_export_command(out, light, selection):
    """Write the selected works and their files to OUT.zip, signed with this library's key."""
    def announce(plan):
        click.echo(f"{out}: {plan.works} works, {len(plan.files)} files, about {human(plan.size)}")
        if light:
            saved = plan.original_bytes - plan.size
            share = 100 * saved / plan.original_bytes if plan.original_bytes else 0
            click.echo(f"light: {human(plan.size)} instead of {human(plan.original_bytes)} with originals "
                       f"({share:.0f}% smaller)")

    _, manifest = run_export("bundle", selection, out, "writing", announce=lambda plan: announce(plan.detail),
                             unit="bytes", light=light)
    previous = manifest["previous"]
    click.echo(f"{out}: written, {human(out.stat().st_size)}, bundle {manifest['bundle_id']}"
               + (f", follows {previous}" if previous else ""))


@bundle_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--allow-untrusted", is_flag=True, help="Accept a validly signed bundle from a key not trusted here.")
@with_appcontext
def bundle_import_command(path, allow_untrusted):
    """Verify IN.zip completely, then import its works and files (refused bundles change nothing)."""
    try:
        with CommandTask("bundle", unit="bytes") as task:
            report = get_library().import_bundle(path, allow_untrusted=allow_untrusted, task=task)
    except BundleRefused as exc:
        click.echo(f"{path}: refused: {exc}", err=True)
        sys.exit(1)
    lib = report.library.get("name") or report.library.get("id")
    if not report.trusted:
        click.echo(f"warning: {lib}'s key is not trusted here (imported with --allow-untrusted)", err=True)
    if report.previous_missing:
        click.echo(f"note: this bundle follows bundle {report.previous_missing}, which was not imported here", err=True)
    for w in report.works:
        click.echo(f"{w.id}\t{w.status}" + (f"\tkept local: {','.join(w.kept)}" if w.kept else ""))
    click.echo(f"{path}: from {lib}: {report.count('created')} created, {report.count('updated')} updated, "
               f"{report.count('unchanged')} unchanged, {report.count('kept')} kept local; "
               f"{report.copied} file(s) copied ({human(report.copied_bytes)}), {report.present} already here")


# --- renditions ---

@click.group("renditions")
def renditions_group():
    """Derived files: thumbnails, posters and light videos."""


@renditions_group.command("make")
@with_appcontext
def renditions_make():
    """Make every missing derived file now, light videos included, showing progress."""
    lib = get_library()
    ids = lib.unfinished()
    click.echo(f"{len(ids)} work(s) need derived files")
    made = 0
    for n, work_id in enumerate(ids, start=1):
        with CommandTask(f"{n}/{len(ids)} {work_id}: light video (seconds)", whole=True) as task:
            light = lib.make_derived(work_id, task=task)
        made += light
        click.echo(f"{n}/{len(ids)} {work_id}: done" + (f", {light} light video(s)" if light else ""))
    click.echo(f"{made} light video(s) made")
