"""``contentlib lexicon build``: learn the Tibetan-Chinese lexicon from the database alone."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from .resources import get_library


@click.group("lexicon")
def lexicon_group():
    """The lexicon the library learns from its own bilingual works (cross-language search)."""


@lexicon_group.command("build")
@with_appcontext
def build_command():
    """Align every published Tibetan-Chinese pair (and the glossary) and swap the new lexicon in."""
    info = get_library().build_lexicon()
    click.echo(f"lexicon {info['generation']}: {info['entries']} entries from {info['pairs']} pairs "
               f"of {info['works']} bilingual works in {info['seconds']} s")
