"""The interface in three languages: locale choice, Babel formats, title order, delivery."""

import gzip
import re

import pytest

from contentlib import indexing, records
from tests.conftest import write_jsonl


def _work(id_, titles, **extra):
    return {"id": id_, "type": "book", "titles": titles, "subjects": ["health"],
            "license": "CC BY-SA 4.0", **extra}


# Tibetan dictionary order is by root letter: ཀ (ka) < ག (ga, even with prefix ད in དགའ)
# < ན (na) < སྐ (superscript sa over ka sorts under ka, after plain and prefixed ka).
# Code-point order would be ཀ ག ད(གའ) ན ས(ྐ) - the prefix decides - so the two differ.
SORTED_BO = ["ཀ་བ", "བཀའ་", "སྐད་", "གངས་", "དགའ་", "ནམ་"]
IMPORT_ORDER = [2, 0, 5, 1, 4, 3]  # neither dictionary order nor its reverse
ZH = {"ཀ་བ": "柱子", "བཀའ་": "命令", "སྐད་": "语言", "གངས་": "雪山", "དགའ་": "欢喜", "ནམ་": "夜晚"}


@pytest.fixture
def titled(app, tmp_path):
    res = app.extensions["contentlib"]
    lines = [_work(f"w{i}", {"bo": SORTED_BO[i], "zh": ZH[SORTED_BO[i]]}) for i in IMPORT_ORDER]
    records.import_file(res.store, write_jsonl(tmp_path / "titled.jsonl", lines))
    indexing.drain(res.store, res.index)
    return app


def _titles(html, lang):
    return re.findall(rf'<span class="title" lang="{lang}">([^<]+)</span>', html)


def test_listing_sorts_by_tibetan_root_letter(client, titled):
    html = client.get("/subjects/health?sort=title", headers={"Accept-Language": "bo"}).get_data(as_text=True)
    assert _titles(html, "bo") == SORTED_BO
    assert 'aria-current="page">' in html and "sort=title" in html


def test_listing_sorts_chinese_titles_by_pinyin_for_chinese_readers(client, titled):
    html = client.get("/subjects/health?sort=title", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    # huan xi, ming ling, xue shan, ye wan, yu yan, zhu zi
    assert _titles(html, "zh") == ["欢喜", "命令", "雪山", "夜晚", "语言", "柱子"]


def test_listing_defaults_to_newest_first_and_keeps_sort_in_the_pager(client, app, titled):
    html = client.get("/subjects/health", headers={"Accept-Language": "bo"}).get_data(as_text=True)
    assert _titles(html, "bo") == [SORTED_BO[i] for i in reversed(IMPORT_ORDER)]  # the last line is newest
    app.config["CONTENTLIB_PER_PAGE"] = 2
    page2 = client.get("/subjects/health?sort=title&page=2").get_data(as_text=True)
    assert _titles(page2, "bo") == SORTED_BO[2:4]
    assert re.search(r'href="/subjects/health\?(?=[^"]*sort=title)(?=[^"]*page=3)[^"]*"', page2)
    assert client.get("/subjects/health?sort=nonsense").status_code == 200


def test_accept_language_quality_zero_is_a_refusal(client, titled):
    html = client.get("/", headers={"Accept-Language": "en;q=0, zh;q=0.5"}).get_data(as_text=True)
    assert '<html lang="zh-Hans" dir="ltr">' in html


def test_default_locale_is_configurable(app, titled):
    app.config["CONTENTLIB_DEFAULT_LOCALE"] = "en"
    html = app.test_client().get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html


@pytest.fixture
def loaded(catalog_loaded):
    return catalog_loaded


def test_work_page_shows_the_update_date_formatted_for_the_locale(client, loaded):
    pages = {loc: client.get("/works/t-atom", headers={"Accept-Language": loc}).get_data(as_text=True)
             for loc in ("en", "zh", "bo")}
    iso = re.search(r'<time datetime="(\d{4})-(\d\d)-(\d\d)">', pages["en"]).groups()
    year, month, day = (int(x) for x in iso)
    assert re.search(rf'<time [^>]+>\w+ {day}, {year}</time>', pages["en"])
    assert f">{year}年{month}月{day}日</time>" in pages["zh"]
    # CLDR's Tibetan long date: སྤྱི་ལོ་ year, the month's name, ཚེས་ day (CLDR bo uses Latin digits)
    assert re.search(rf">སྤྱི་ལོ་{year} ཟླ་བ་[\u0f00-\u0fff]+ཚེས་{day}</time>", pages["bo"])


def test_numbers_follow_the_locale(client, app, tmp_path):
    res = app.extensions["contentlib"]
    lines = [_work(f"n{i}", {"en": f"Work {i}"}) for i in range(1234)]
    records.import_file(res.store, write_jsonl(tmp_path / "many.jsonl", lines))
    assert "1,234 works" in client.get("/subjects/health", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "1,234 部作品" in client.get("/subjects/health", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "བརྩམས་ཆོས་ 1,234" in client.get("/subjects/health", headers={"Accept-Language": "bo"}).get_data(as_text=True)


def test_search_problems_are_told_in_the_visitors_language(client, loaded):
    resp = client.get("/search?q=" + "a" * 600, headers={"Accept-Language": "zh"})
    assert resp.status_code == 400 and "搜索词过长" in resp.get_data(as_text=True)
    resp = client.get("/search?subject=astrology", headers={"Accept-Language": "bo"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "unknown code" not in html and "འདེམས་འཚག" in html


def test_static_urls_carry_a_content_hash_and_are_cached_long(client, loaded):
    html = client.get("/").get_data(as_text=True)
    href = re.search(r'href="(/static/css/site\.css\?v=[0-9a-f]{12})"', html).group(1)
    resp = client.get(href)
    assert resp.status_code == 200
    assert resp.cache_control.max_age == 365 * 24 * 3600 and resp.cache_control.immutable
    stale = client.get("/static/css/site.css?v=000000000000")  # not this file's version: no promise
    assert stale.status_code == 200 and not stale.cache_control.immutable
    assert stale.cache_control.max_age == 24 * 3600
    font = client.get("/static/fonts/NotoSerifTibetan.woff2")
    assert font.cache_control.max_age >= 7 * 24 * 3600 and not font.cache_control.no_cache


def test_pages_are_gzipped_when_the_browser_accepts_it(client, loaded):
    plain = client.get("/search?q=water")
    packed = client.get("/search?q=water", headers={"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    # The CSRF token carries the second it was signed in: two requests a second apart differ there only.
    token = re.compile(rb'name="csrf_token" value="[^"]+"')
    assert token.sub(b"", gzip.decompress(packed.data)) == token.sub(b"", plain.data)
    assert len(packed.data) < len(plain.data) / 2
    css = client.get("/static/css/site.css", headers={"Accept-Encoding": "gzip"})
    assert css.headers["Content-Encoding"] == "gzip" and css.headers["ETag"].startswith('W/"')
    raw = client.get("/static/css/site.css")
    assert gzip.decompress(css.data) == raw.data
    again = client.get("/static/css/site.css", headers={"Accept-Encoding": "gzip",
                                                        "If-None-Match": css.headers["ETag"]})
    assert again.status_code == 304


FOREIGN = {"en": ("bo|zh[-\\w]*", "\u0f00-\u0fff\u4e00-\u9fff"),
           "bo": ("zh[-\\w]*", "\u4e00-\u9fff"),
           "zh": ("bo", "\u0f00-\u0fff")}


def _unmarked(body, langs, script):
    """Runs of ``script`` left once every element declaring one of ``langs`` is removed."""
    previous = None
    while previous != body:  # innermost elements first
        previous = body
        body = re.sub(rf'<(\w+)[^>]*\slang="(?:{langs})"[^>]*>[^<]*(?:<(?!/?\1\b)[^<]*)*</\1>', "", body)
    return re.findall(rf"[{script}]+", body)


@pytest.mark.parametrize("locale", ["en", "bo", "zh"])
def test_every_run_in_another_script_is_marked_with_its_language(client, loaded, locale):
    """Tibetan or Chinese content on a page in another language sits inside an element with its lang."""
    langs, script = FOREIGN[locale]
    for path in ("/", "/works/t-atom", "/works/t-book", "/search?q=water", "/subjects/health"):
        html = client.get(path, headers={"Accept-Language": locale}).get_data(as_text=True)
        stray = _unmarked(html.split("<body>", 1)[1], langs, script)
        assert stray == [], (path, stray[:5])


def test_pages_say_their_language_and_vary_on_what_chose_it(client, loaded):
    resp = client.get("/", headers={"Accept-Language": "zh"})
    assert resp.headers["Content-Language"] == "zh-Hans"
    assert {"Accept-Language", "Cookie"} <= set(resp.vary)


def test_an_expired_form_and_other_http_errors_are_told_in_the_visitors_language(client, loaded):
    resp = client.post("/locale", data={"locale": "en"}, headers={"Accept-Language": "zh"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "此表单已过期" in html and '<html lang="zh-Hans"' in html
    resp = client.put("/", headers={"Accept-Language": "bo"})
    assert resp.status_code == 405 and "རེ་ཞུ་འདིར་ནོར་འཁྲུལ་ཡོད།" in resp.get_data(as_text=True)
    assert client.get("/api/v1/nothing-here").is_json


def test_roles_use_the_locales_brackets(client, loaded):
    zh = client.get("/works/t-atom", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "（出品方）" in zh
    en = client.get("/works/t-atom", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "(producer)" in en


def test_latin_in_a_tibetan_page_comes_from_a_latin_face_not_a_system_tibetan_one(client):
    """System Tibetan fonts carry a hyphen and spaces: "CC BY-SA" must not borrow them."""
    css = client.get("/static/css/fonts.css").get_data(as_text=True)
    stack = [f.strip().strip('"') for f in re.search(r"--font-bo:([^;]+);", css).group(1).split(",")]
    first_tibetan = stack.index("Noto Serif Tibetan")
    assert stack[0] == "Contentlib Noto Serif Tibetan"
    assert "system-ui" in stack[1:first_tibetan]


@pytest.mark.parametrize("locale", ["en", "bo", "zh"])
def test_editor_pages_mark_other_scripts_too(client, loaded, users, auth, locale):
    langs, script = FOREIGN[locale]
    auth.login("editor")
    for path in ("/editor/", "/editor/works/t-atom/bo", "/editor/works/t-atom/bo/review", "/coverage", "/glossary"):
        resp = client.get(path, headers={"Accept-Language": locale})
        assert resp.status_code == 200, path
        body = resp.get_data(as_text=True).split("<body>", 1)[1]
        body = re.sub(rf'<input[^>]*\slang="(?:{langs})"[^>]*>', "", body)  # a void element: its value
        stray = _unmarked(body, langs, script)
        assert stray == [], (path, stray[:5])
