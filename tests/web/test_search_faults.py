"""A bug in search is a logged 500, never a 503 that rebuilds the index on every request."""

import logging
import threading

import pytest

from contentlib.search import highlight


@pytest.fixture
def faulty(catalog_loaded, monkeypatch):
    """The loaded app with a bug injected into highlighting, errors answered (not raised) as in production."""
    catalog_loaded.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(doc, readings):
        raise ZeroDivisionError("injected fault in highlighting")

    monkeypatch.setattr(highlight, "highlights", broken)
    return catalog_loaded


def _generations(index_dir):
    return sorted(p.name for p in index_dir.glob("gen-*")), (index_dir / "current").resolve()


def test_fault_in_highlighting_gives_500s_and_no_rebuild(faulty, client, caplog):
    lib = faulty.extensions["contentlib"]
    before = _generations(lib.index_dir)
    with caplog.at_level(logging.ERROR):
        for _ in range(3):
            resp = client.get("/api/v1/search?q=原子核")
            assert resp.status_code == 500
            assert resp.get_json()["error"]["code"] == "internal_error"
            assert client.get("/search?q=原子核").status_code == 500
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)  # with its traceback
    assert not [t for t in threading.enumerate() if t.name == "contentlib-rebuild"]
    assert _generations(lib.index_dir) == before  # not one rebuild


def test_once_the_fault_is_gone_the_same_index_answers(faulty, client, monkeypatch):
    lib = faulty.extensions["contentlib"]
    before = _generations(lib.index_dir)
    assert client.get("/api/v1/search?q=原子核").status_code == 500
    monkeypatch.undo()
    assert client.get("/api/v1/search?q=原子核").get_json()["results"][0]["id"] == "t-atom"
    assert _generations(lib.index_dir) == before
