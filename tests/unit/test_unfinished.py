"""What a start finds left to make: read from the media rows, the same answer as reading every work."""

import pytest

from contentlib import attachments, lightvideo
from contentlib.model import MediaEntry, Version, Work

CHECKED_IMAGE = {"file": {"kind": "image", "width": 4, "height": 4}}
CHECKED_VIDEO = {"file": {"kind": "video", "width": 64, "height": 48}}


def _work(work_id, *entries):
    return Work(work_id, "video", {"zh": Version("zh", work_id)}, media=list(entries))


def _entry(name, info, role="original", content_type=None):
    return MediaEntry(f"media/{name}", role, name[0] * 64, content_type=content_type, info=info)


@pytest.mark.parametrize("app", ["sqlite", "postgresql"], indirect=True)
def test_unfinished_reads_the_media_rows_and_agrees_with_every_work(app):
    lib = app.extensions["contentlib"]
    lib.store.put_works([
        _work("a-image", _entry("a.png", CHECKED_IMAGE, "cover", "image/png")),  # thumbnails to make
        _work("b-video", _entry("b.mp4", {**CHECKED_VIDEO, "renditions": {"poster": {}}}, content_type="video/mp4")),
        _work("c-done", _entry("c.mp4", {**CHECKED_VIDEO, "renditions": {"poster": {}, "light": {}}},
                               content_type="video/mp4")),
        _work("d-bare"),
        _work("e-refused", _entry("e.mp4", {**CHECKED_VIDEO, "renditions": {"error": "unreadable"}},
                                  content_type="video/mp4")),
        _work("f-draft", _entry("f.png", {**CHECKED_IMAGE, "renditions": {"thumb": {}}}, "cover", "image/png"),
              _entry("g.png", {**CHECKED_IMAGE, "draft": True}, "cover", "image/png")),  # an upload in review
        _work("h-unchecked", _entry("h.pdf", {}, content_type="application/pdf")),  # imported, never checked
    ])
    every_work = [w.id for w in lib.store.iter_works(public=False)
                  if attachments.pending_renditions(w) or lightvideo.pending_positions(w)]
    assert lib.unfinished() == every_work == ["a-image", "b-video", "f-draft"]
    assert lib.queue_unfinished() == 3
    assert sorted(j.key for j in lib.jobs.recent()) == ["a-image", "b-video", "f-draft"]
