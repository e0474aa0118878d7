"""The search's layers: glossary equivalents kept per glossary generation, the engine chosen by name."""

import time

import pytest

from contentlib import glossary
from contentlib.errors import ContentlibError, UnknownEngine
from contentlib.search import Search, SearchIndex, open_engine
from contentlib.search.engines import engine_name
from contentlib.store import Store


def _within_two_seconds(check):
    """Another process's edit is seen within about a second (``storage.generations``)."""
    deadline = time.monotonic() + 2.5
    while not check():
        assert time.monotonic() < deadline, "the edit was not seen within two seconds"
        time.sleep(0.1)


def test_expansions_read_the_glossary_once_per_generation(store, db_url):
    glossary.add(store, "原子核", "ལྟེ་ཉིང")
    expand = glossary.Expansions(store)
    assert expand("原子核的结构") == {"原子核": ["ལྟེ་ཉིང"]}
    assert expand("原子核") == {"原子核": ["ལྟེ་ཉིང"]} and expand("電子") == {}
    assert expand.loads == 1  # three searches, one read of the table
    other = Store.from_url(db_url)  # another process's edits are seen by the next search
    try:
        entry = glossary.add(other, "電子", "གློག་རྡུལ")
        _within_two_seconds(lambda: expand("電子") == {"電子": ["གློག་རྡུལ", "电子"]})
        assert expand.loads == 2
        glossary.update(other, entry.id, "电子", "གློག་རྡུལ་ཕྲན")
        _within_two_seconds(lambda: expand("电子") == {"电子": ["གློག་རྡུལ་ཕྲན"]})
        assert expand.loads == 3
        glossary.delete(other, entry.id)
        _within_two_seconds(lambda: expand("电子") == {})
        assert expand.loads == 4
    finally:
        other.close()
    assert expand("") == {} and expand.loads == 4


def test_expansions_equal_the_whole_table_read(store):
    for zh, bo in [("原子核", "ལྟེ་ཉིང"), ("電子", "གློག་རྡུལ"), ("冰川", "གངས་ཆུ")]:
        glossary.add(store, zh, bo)
    expand = glossary.Expansions(store)
    for q in ["原子核", "電子", "电子和冰川", "གློག་རྡུལ་", "ཀགློག་རྡུལ", "nothing"]:
        assert expand(q) == glossary.expansions(store, q), q


def test_the_engine_is_chosen_by_name(tmp_path, monkeypatch):
    monkeypatch.delenv("CONTENTLIB_SEARCH_ENGINE", raising=False)
    assert engine_name() == "whoosh"
    assert open_engine(tmp_path / "a").name == "whoosh"
    monkeypatch.setenv("CONTENTLIB_SEARCH_ENGINE", " Whoosh ")
    assert engine_name() == "whoosh"
    monkeypatch.setenv("CONTENTLIB_SEARCH_ENGINE", "lucene")
    with pytest.raises(UnknownEngine, match="CONTENTLIB_SEARCH_ENGINE='lucene'.*one of tantivy, whoosh"):
        open_engine(tmp_path / "b")
    with pytest.raises(ContentlibError):
        SearchIndex(tmp_path / "c")
    assert not (tmp_path / "b").exists() and not (tmp_path / "c").exists()


def test_the_library_builds_its_search_from_the_setting(tmp_path):
    from contentlib.library import Library
    from contentlib.settings import defaults

    env = {"CONTENTLIB_INSTANCE_DIR": str(tmp_path / "home"), "CONTENTLIB_SEARCH_ENGINE": "nonsense"}
    with pytest.raises(UnknownEngine):
        Library.from_settings(defaults(env))
    lib = Library.from_settings(defaults({"CONTENTLIB_INSTANCE_DIR": str(tmp_path / "home")}))
    try:
        assert isinstance(lib.index, Search) and lib.index.engine.name == "whoosh"
        assert not hasattr(lib.index, "_ix")  # the Whoosh index is the engine's, not the library's
    finally:
        lib.close()


def test_the_cli_refuses_an_unknown_engine_in_one_line(tmp_path):
    import os
    import subprocess
    import sys

    env = dict(os.environ, CONTENTLIB_HOME=str(tmp_path / "home"), CONTENTLIB_SEARCH_ENGINE="lucene")
    for name in ("CONTENTLIB_DATABASE_URL", "CONTENTLIB_INDEX_DIR", "CONTENTLIB_MEDIA_DIR"):
        env.pop(name, None)
    p = subprocess.run([sys.executable, "-c", "from catalog.cli import main; main()", "status"], env=env,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 1
    assert p.stderr.strip() == "Error: CONTENTLIB_SEARCH_ENGINE='lucene': the search engine is one of tantivy, whoosh"
