"""The ``has`` search filter: works with a public file of a kind (spec/search-api.md)."""
import pytest

from contentlib import accounts, indexing, workflow
from contentlib.errors import BadParameter
from contentlib.indexing import file_kinds, search_record
from contentlib.model import MediaEntry, Version, Work
from contentlib.search import SearchIndex
from contentlib.search_request import parse_search_args
from contentlib.store import Store


def entry(role, content_type, path="f", lang=None):
    return MediaEntry(path=path, role=role, sha256="0" * 64, lang=lang, content_type=content_type)


def test_file_kinds_follow_content_type_and_role():
    assert file_kinds([]) == []
    assert file_kinds([entry("original", "video/mp4")]) == ["video"]
    assert file_kinds([entry("dub", "audio/mp4", lang="bo")]) == ["audio"]
    assert file_kinds([entry("document", "application/pdf"), entry("original", "application/epub+zip")]) == ["book"]
    assert file_kinds([entry("subtitle", "text/vtt"), entry("subtitle", "application/x-subrip")]) == ["subtitles"]
    # covers and posters are pictures, not any of the kinds asked for
    assert file_kinds([entry("cover", "image/png"), entry("poster", "image/jpeg")]) == []
    # every kind at once, in the spec's order
    assert file_kinds([entry("subtitle", "text/vtt"), entry("dub", "audio/mpeg"), entry("original", "video/webm"),
                       entry("document", "application/pdf")]) == ["video", "book", "audio", "subtitles"]
    # an entry without a checked content type falls back to its extension
    assert file_kinds([entry("original", None, path="media/a.MP4")]) == ["video"]


class Vocabulary:
    def has(self, scheme, code):
        return True


def test_has_is_parsed_repeatable_and_checked():
    req = parse_search_args({"has": ["video", "book", "video"]}, Vocabulary())
    assert req.filters == {"has": ["video", "book"]}
    for empty in ([""], ["video", ""]):  # an empty code is refused (spec/search-api.md), not "no filter"
        with pytest.raises(BadParameter) as err:
            parse_search_args({"has": empty}, Vocabulary())
        assert err.value.parameter == "has"
    with pytest.raises(BadParameter) as err:
        parse_search_args({"has": ["image"]}, Vocabulary())
    assert err.value.parameter == "has"


def rec(work_id, has, title, type_="video"):
    return {"id": work_id, "type": type_, "titles": {"zh": title}, "has": has}


@pytest.fixture(scope="module")
def idx(tmp_path_factory):
    index = SearchIndex(tmp_path_factory.mktemp("ix") / "index")
    index.rebuild([rec("v", ["video", "subtitles"], "原子核的视频"),
                   rec("b", ["book"], "原子核的书", "book"),
                   rec("a", ["audio"], "原子核的录音", "audio"),
                   rec("n", [], "原子核没有文件")])
    yield index
    index.close()


def found(result):
    return sorted(r["id"] for r in result["results"])


def test_has_filters_browse_and_query_or_within_and_across(idx):
    assert found(idx.search("", filters={"has": ["video"]})) == ["v"]
    assert found(idx.search("", filters={"has": ["subtitles"]})) == ["v"]
    assert found(idx.search("", filters={"has": ["video", "book"]})) == ["b", "v"]
    assert found(idx.search("原子核", filters={"has": ["audio", "book"]})) == ["a", "b"]
    assert found(idx.search("原子核", filters={"has": ["video", "book"], "type": ["book"]})) == ["b"]
    res = idx.search("原子核", filters={"has": ["book", "audio"]})
    assert res["total"] == 2 and sum(res["facets"]["type"].values()) == 2
    assert idx.search("", filters={"has": ["audio"], "type": ["video"]})["total"] == 0


def test_has_is_kept_by_an_update(tmp_path):
    index = SearchIndex(tmp_path / "index")
    index.rebuild([rec("x", [], "原子")])
    assert index.search("", filters={"has": ["book"]})["total"] == 0
    index.update(records=[rec("x", ["book"], "原子")])
    assert found(index.search("原子", filters={"has": ["book"]})) == ["x"]
    index.update(records=[rec("x", [], "原子")])
    assert index.search("", filters={"has": ["book"]})["total"] == 0


def test_only_public_files_count(db_url, tmp_path):
    """A draft upload does not make a work match ``has`` until its version is approved."""
    store = Store.from_url(db_url)
    try:
        store.put_works([Work("w", "book", {"zh": Version("zh", "原子")},
                              media=[MediaEntry("media/w.pdf", "original", "1" * 64, content_type="application/pdf"),
                                     MediaEntry("media/w.png", "cover", "3" * 64, content_type="image/png")])])
        editor, reviewer = accounts.User("ed", "editor"), accounts.User("rev", "reviewer")
        workflow.save_draft(store, editor, "w", "bo", {"title": "རྡུལ་ཕྲན།"})
        workflow.attach_media(store, editor, "w", "bo",
                              MediaEntry("media/w.m4a", "dub", "2" * 64, content_type="audio/mp4"))
        assert search_record(store.get_work("w"))["has"] == ["book"]
        index = SearchIndex(tmp_path / "index")
        indexing.rebuild(store, index)
        assert index.search("", filters={"has": ["audio"]})["total"] == 0
        workflow.submit(store, editor, "w", "bo")
        workflow.approve(store, reviewer, "w", "bo")
        indexing.drain(store, index)
        assert found(index.search("", filters={"has": ["audio"]})) == ["w"]
        assert found(index.search("原子", filters={"has": ["book", "audio"]})) == ["w"]
        index.close()
    finally:
        store.close()
