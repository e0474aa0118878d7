"""The exported site's search index: the server's analysers at export time, the same reading of a query in the browser.

The query side is the site's own script (``site.js``), run here with Node: its Tibetan
folding must give the server's search form for every syllable, and its readings of
Tibetan, EWTS, Chinese (either script) and pinyin must find the works the server finds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata

import pytest

from contentlib.model import Version, Work
from contentlib.search import tibetan
from contentlib.siteexport import STATIC, pages
from contentlib.siteexport.searchindex import IndexBuilder, work_terms
from tests.conftest import DATA

ROOT = DATA.parents[1]

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="needs Node.js to run the site's script")

BIRTH = Work("w-birth", "video", versions={
    "bo": Version("bo", title="བུ་བཙའ་བའི་སྔོན་འགོག", description="མ་དང་བུ་གཉིས་ཀྱི་འཕྲོད་བསྟེན།"),
    "zh": Version("zh", title="分娩前的预防", description="母亲与婴儿的卫生。", keywords=["卫生"])})
STARS = Work("w-stars", "book", versions={
    "bo": Version("bo", title="སྐར་མས་འོད་དང་དྲོད་འདོན་པ།"),
    "zh": Version("zh", title="恒星会散发光和热"),
    "en": Version("en", title="Stars give off light")})
WATER = Work("w-water", "book", versions={"zh": Version("zh", title="高原饮水卫生")})


def _index(*works) -> IndexBuilder:
    built = IndexBuilder()
    for w in works:
        built.add(w, f"works/{w.id}.html")
    return built


def test_terms_are_the_servers_search_forms_title_first():
    head, body = work_terms(BIRTH)
    assert "b:བཙའ" in head and "b:བ" not in head  # བའི: the particle dropped, བ folded with པ
    assert "B:བཙའ་པ" in head and "b:པ" in head
    assert "z:分娩" in head and "z:娩" in head
    assert "z:婴儿" in body and "z:卫生" not in body  # in a keyword: a title term, counted once
    assert all(t.split(":", 1)[0] in ("b", "B", "z", "e") for t in head | body)


def test_postings_mark_title_terms_and_the_script_defines_one_variable():
    built = _index(BIRTH, STARS)
    assert built.postings["z:恒星"] == [2 * 1 + 1]
    assert built.postings["z:婴儿"] == [0]
    script = built.script()
    assert script.startswith("window.CONTENTLIB_INDEX = JSON.parse(") and script.endswith(");\n")
    data = json.loads(json.loads(script[len("window.CONTENTLIB_INDEX = JSON.parse("):-3]))
    assert data["works"][0] == ["w-birth", "works/w-birth.html", {"bo": BIRTH.versions["bo"].title,
                                                                   "zh": "分娩前的预防"}]
    assert data["tables"]["ewts"]["btsa'"] == "བཙའ" and data["tables"]["ewts"]["ba'i"] == "པ"
    assert data["tables"]["t2s"]["衛"] == "卫" and "國" not in data["tables"]["t2s"]  # only characters the index has
    assert "娩" in data["tables"]["readings"]["mian"] and "分" in data["tables"]["readings"]["fen"]
    assert "长" not in "".join(data["tables"]["readings"].values())


def test_text_is_escaped_in_pages_and_the_index_cannot_close_a_script():
    evil = Work("w-evil", "book", versions={"zh": Version("zh", title="</script><b>标题</b>", description="a & b")})
    html = pages.work_page(evil, {"cover": None, "tracks": [("bo", b"WEBVTT\n")], "files": []}, [])
    assert "<b>" not in html and "&lt;/script&gt;&lt;b&gt;" in html and "a &amp; b" in html
    assert "</script><b>" not in _index(evil).script()


def _node(built: IndexBuilder, tmp_path, program: str, data) -> object:
    (tmp_path / "index.js").write_text(built.script(), "utf-8")
    (tmp_path / "run.js").write_text(
        "global.window = {};\n"
        f"require({json.dumps(str(tmp_path / 'index.js'))});\n"
        f"const site = require({json.dumps(str(STATIC / 'site.js'))});\n"
        "const index = window.CONTENTLIB_INDEX, input = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        + program, "utf-8")
    done = subprocess.run([NODE, str(tmp_path / "run.js")], input=json.dumps(data), capture_output=True, text=True,
                          timeout=60, check=True)
    return json.loads(done.stdout)


def _variants(syllables):
    """Spellings the server folds together: precomposed vowels, marks out of order, fixed-form ra, retroflex."""
    out = []
    for s in syllables:
        out += [s, unicodedata.normalize("NFC", s), s.replace("\u0f71\u0f72", "\u0f73"), s.replace("\u0f62", "\u0f6a"),
                s.replace("\u0f4f", "\u0f4a"), s[::-1][:2][::-1] + s[:-2] if len(s) > 3 else s]
    return list(dict.fromkeys(out))


@needs_node
def test_the_browser_folds_every_tibetan_syllable_as_the_server_does(tmp_path):
    demo = ROOT / "contentlib" / "data" / "demo" / "catalog.jsonl"
    raw = set()
    for line in demo.read_text("utf-8").splitlines():
        rec = json.loads(line)
        for text in (*(rec.get("titles") or {}).values(), *(rec.get("descriptions") or {}).values()):
            raw.update(tibetan._TOKEN_RE.findall(text))
    raw |= {"ཀཱི", "རྐྱེན", "ཤཱཀྱ", "པའི", "བོ", "མེས", "བྷ", "ཏཱཾ", "ཀ྄", "ཨོཾ", "ཟླའང", "༡༢", "Abc"}
    syllables = _variants(sorted(raw))
    assert len(syllables) > 1000
    got = _node(_index(STARS), tmp_path, "const r = new site.Reader(index.tables);\n"
                "console.log(JSON.stringify(input.map(s => r.normalize(s))));\n", syllables)
    want = [tibetan.normalize_syllable(s) for s in syllables]
    wrong = [(s, g, w) for s, g, w in zip(syllables, got, want) if g != w]
    assert not wrong, wrong[:5]


@needs_node
def test_queries_in_four_scripts_find_the_work_as_on_the_site(tmp_path):
    queries = {
        "བཙའ་བ": "w-birth",          # a title word whose syllable carries a particle in the title (བའི)
        "བུ་བཙའ": "w-birth",          # a title's first syllables
        "སྐར་མ": "w-stars",           # the particle ས dropped on both sides
        "bu btsa' ba": "w-birth",      # EWTS
        "skar ma": "w-stars",
        "恒星": "w-stars",             # Simplified, a title's first characters
        "恆星會": "w-stars",           # Traditional
        "分娩": "w-birth",
        "hengxing": "w-stars",         # pinyin, run together or apart, with tones
        "fēn miǎn": "w-birth",
        "yinshui": "w-water",
        "stars light": "w-stars",
    }
    got = _node(_index(BIRTH, STARS, WATER), tmp_path, "const s = new site.Searcher(index);\n"
                "console.log(JSON.stringify(input.map(q => s.search(q).map(w => w[0]))));\n", list(queries))
    for (q, want), found in zip(queries.items(), got):
        assert found and found[0] == want, (q, found)
    nothing = _node(_index(BIRTH, STARS, WATER), tmp_path, "const s = new site.Searcher(index);\n"
                    "console.log(JSON.stringify(input.map(q => s.search(q).length)));\n",
                    ["", "   ", "xyzzyq", "鑫鑫", "<script>"])
    assert nothing == [0, 0, 0, 0, 0]
