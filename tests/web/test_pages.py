"""Each page through the test client, with a small real catalog imported."""

import re

import pytest


@pytest.fixture
def loaded(catalog_loaded):
    return catalog_loaded


def test_home_shows_counts_newest_and_both_scripts(client, loaded):
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "3 works, 2 with a Tibetan version, 2 with a Chinese version." in html
    assert 'lang="bo">ལྟེ་ཉིང་ནང་རྫས་གཉིས་ཡོད་དེ་ཕོ་རྡུལ་དང་བར་རྡུལ་ལོ།<' in html
    assert 'lang="zh">高原饮水卫生<' in html
    assert '/subjects/health' in html and '/audiences/youth' in html and '/types/video' in html


def test_html_lang_follows_accept_language(client, loaded):
    for header, lang in (("bo", "bo"), ("zh-CN,zh;q=0.9", "zh-Hans"), ("en-US", "en"), ("fr", "bo")):
        html = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
        assert f'<html lang="{lang}" dir="ltr">' in html, header


def test_listing_by_subject_audience_grade_and_type(client, loaded):
    assert "t-book" in client.get("/subjects/health").get_data(as_text=True)
    page = client.get("/audiences/youth").get_data(as_text=True)
    assert "t-atom" in page and "t-book" not in page
    assert "t-atom" in client.get("/grades/junior-secondary").get_data(as_text=True)
    assert "t-poster" in client.get("/types/poster").get_data(as_text=True)
    assert client.get("/subjects/astrology").status_code == 404
    assert client.get("/types/film").status_code == 404


def test_listing_paginates(client, app, loaded):
    app.config["CONTENTLIB_PER_PAGE"] = 1
    first = client.get("/types/video", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Page 1 of 1" not in first  # only one video: no pager
    many = client.get("/audiences/general-public?page=1", headers={"Accept-Language": "en"})
    assert many.status_code == 200


def test_work_page_shows_versions_side_by_side_with_badges(client, loaded):
    html = client.get("/works/t-atom", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert re.search(r'class="version version-bo".*class="version version-zh"', html, re.S)
    # the work leads: both titles in the one heading, then the language badges, then the media
    head = re.search(r'<h1 class="work-titles">(.*?)</h1>', html, re.S).group(1)
    assert 'lang="bo"' in head and 'lang="zh"' in head
    assert html.index("</h1>") < html.index("badge-bo") < html.index('class="media"') < html.index("version-bo")
    assert 'badge-bo' in html and 'badge-zh' in html
    assert "FLORES-200" in html and "CC BY-SA 4.0" in html
    assert client.get("/works/nope").status_code == 404


def test_the_english_interface_leads_with_the_english_title_as_the_cards_do(client, app, tmp_path):
    from contentlib import records
    from tests.conftest import write_jsonl

    rec = {"id": "t-three", "type": "video", "subjects": ["physical-science"],
           "titles": {"bo": "རྡུལ་ཕྲན།", "zh": "原子", "en": "The atom"}}
    records.import_file(app.extensions["contentlib"].store, write_jsonl(tmp_path / "w.jsonl", [rec]))
    app.extensions["contentlib"].sync()

    def titles(html):
        head = re.search(r'<h1 class="work-titles">(.*?)</h1>', html, re.S).group(1)
        return re.findall(r'lang="(\w+)">([^<]+)<', head)

    english = client.get("/works/t-three", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert titles(english) == [("en", "The atom"), ("bo", "རྡུལ་ཕྲན།"), ("zh", "原子")]
    card = client.get("/subjects/physical-science", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert card.index(">The atom<") < card.index(">རྡུལ་ཕྲན།<")  # the card leads with it too
    for header in ("bo", "zh-CN"):  # the other interfaces keep Tibetan and Chinese
        html = client.get("/works/t-three", headers={"Accept-Language": header}).get_data(as_text=True)
        assert titles(html) == [("bo", "རྡུལ་ཕྲན།"), ("zh", "原子")]


def test_work_without_tibetan_says_so(client, loaded):
    html = client.get("/works/t-book", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "No Tibetan version yet." in html


def test_locale_switcher_sets_a_cookie_and_wins_over_accept_language(client, loaded):
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    resp = client.post("/locale", data={"locale": "zh_Hans", "next": "/works/t-atom", "csrf_token": token})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/works/t-atom")
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="zh-Hans" dir="ltr">' in html


def test_locale_switcher_refuses_missing_csrf_and_foreign_redirects(client, loaded):
    assert client.post("/locale", data={"locale": "en"}).status_code == 400
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    resp = client.post("/locale", data={"locale": "en", "next": "//evil.example/x", "csrf_token": token})
    assert resp.headers["Location"] == "/"


def test_tibetan_font_is_served_by_the_app(client):
    css = client.get("/static/css/fonts.css")
    assert css.status_code == 200
    url = re.search(r"url\(['\"]?\.\./fonts/([^'\")]+\.woff2)", css.get_data(as_text=True)).group(1)
    font = client.get(f"/static/fonts/{url}")
    assert font.status_code == 200 and font.data[:4] == b"wOF2"
