"""contentlib.media_kinds: one rule for what counts as video, audio, book, image, subtitles."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from contentlib import attachments, indexing, media_kinds
from contentlib.media.check import FORMATS
from contentlib.model import MediaEntry


def entry(role, content_type=None, path="f", checked=None):
    info = {"file": {"kind": checked}} if checked else {}
    return MediaEntry(path=path, role=role, sha256="0" * 64, content_type=content_type, info=info)


# Entries on which the card's marks (attachments.kinds) and the search's has= (indexing.file_kinds)
# once disagreed, and some on which they agreed.
CASES = [
    ([entry("document", "audio/mpeg", checked="audio")], []),  # an audio document: not offered as audio
    ([entry("original", "video/mp4")], ["video"]),  # not checked yet: its content type decides
    ([entry("original", None, path="media/talk.MP3")], ["audio"]),  # untyped: its extension
    ([entry("original", "application/octet-stream", checked="book")], ["book"]),  # the bytes win
    ([entry("poster", "video/mp4", checked="video"), entry("cover", "image/png", checked="image")], []),
    ([entry("subtitle", "text/vtt", checked="subtitle"), entry("dub", "audio/mp4", checked="audio"),
      entry("document", "application/pdf", checked="book")], ["book", "audio", "subtitles"]),
]


@pytest.mark.parametrize("media, offered", CASES)
def test_the_card_and_the_search_apply_one_rule(media, offered):
    work = SimpleNamespace(media=media)
    assert media_kinds.offered(media) == offered
    assert indexing.file_kinds(media) == offered
    assert attachments.kinds(work) == set(offered)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_checked_format_has_the_kind_its_type_and_extension_name(fmt):
    f = FORMATS[fmt]
    assert f.kind in media_kinds.FILE_KINDS
    assert media_kinds.of_type(f.content_type) == f.kind
    assert media_kinds.of_path(f"a/b.{f.extension}") == f.kind


def test_unknown_types_and_names_are_no_kind():
    assert media_kinds.of_type("application/zip") is None and media_kinds.of_type(None) is None
    assert media_kinds.of_path("README") is None and media_kinds.of_path("a.exe") is None
    assert media_kinds.entry_kind(entry("original", "application/zip", path="a.mp4")) is None  # typed: no guessing
