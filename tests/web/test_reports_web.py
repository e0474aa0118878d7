"""The reports through the JSON API, the /reports page and its CSV files, on a known history."""

import csv
import io
import re

import pytest

from contentlib import accounts
from contentlib import reports as core
from tests.unit import report_history

Q1 = {"from": "2026-01", "to": "2026-03"}


@pytest.fixture
def history(app, users):
    store = app.extensions["contentlib"].store
    report_history.build(store)
    return store


def bearer(store, name):
    return {"Authorization": f"Bearer {accounts.issue_token(store, name)}"}


@pytest.mark.parametrize("name", ["collection", "translation", "usage"])
def test_api_answers_months_and_totals_for_reviewers_and_admins(client, history, name):
    for who in ("reviewer", "admin"):
        r = client.get(f"/api/v1/reports/{name}", query_string=Q1, headers=bearer(history, who))
        assert r.status_code == 200, r.get_data(as_text=True)
        body = r.get_json()
        assert [m["month"] for m in body["months"]] == ["2026-01", "2026-02", "2026-03"]
        assert isinstance(body["totals"], dict)
    fn = {"collection": core.collection, "translation": core.translation, "usage": core.usage}[name]
    assert body == fn(history, core.Period("2026-01", "2026-03"))


def test_api_usage_rows_carry_views_plays_and_downloads(client, history):
    body = client.get("/api/v1/reports/usage", query_string=Q1, headers=bearer(history, "reviewer")).get_json()
    march = body["months"][2]
    assert (march["views"], march["plays"], march["downloads"]) == (4, 6, 3)
    assert (body["totals"]["views"], body["totals"]["plays"], body["totals"]["downloads"]) == (12, 8, 3)


def test_api_filters(client, history):
    h = bearer(history, "reviewer")
    body = client.get("/api/v1/reports/collection", query_string={**Q1, "subject": "health", "type": "book"},
                      headers=h).get_json()
    assert body["totals"]["added"] == 2 and body["filters"] == {"subject": "health", "type": "book"}
    body = client.get("/api/v1/reports/translation", query_string={**Q1, "audience": "farmers-herders"},
                      headers=h).get_json()
    assert body["totals"]["zh"]["published"] == 1 and body["totals"]["bo"]["published"] == 0


@pytest.mark.parametrize("args, parameter", [
    ({"from": "2026-13"}, "from"), ({"from": "January"}, "from"), ({"to": "2026-1"}, "to"),
    ({"from": "2026-03", "to": "2026-01"}, "from"), ({"subject": "alchemy"}, "subject"),
    ({"type": "film"}, "type"), ({"audience": "cats"}, "audience"), ({"library": "nowhere"}, "library"),
])
def test_api_bad_parameters_get_the_error_shape(client, history, args, parameter):
    r = client.get("/api/v1/reports/usage", query_string=args, headers=bearer(history, "admin"))
    assert r.status_code == 400
    error = r.get_json()["error"]
    assert error["code"] == "bad_parameter" and error["parameter"] == parameter and error["message"]


def test_api_needs_an_admin_or_reviewer_token(client, history):
    assert client.get("/api/v1/reports/usage").status_code == 401
    assert client.get("/api/v1/reports/usage", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    for who in ("teacher", "editor"):
        r = client.get("/api/v1/reports/usage", headers=bearer(history, who))
        assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    assert client.get("/api/v1/reports/nothing", headers=bearer(history, "admin")).status_code == 404


def numbers(html, table_id):
    """The cells of one table on the page, as text."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


@pytest.mark.parametrize("locale", ["bo", "zh_Hans", "en"])
def test_page_shows_each_figure_with_charts_tables_and_csv_holding_the_same_numbers(client, history, auth, locale):
    auth.login("reviewer")
    client.set_cookie("locale", locale)
    r = client.get("/reports", query_string=Q1)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    for chart in ("chart-added", "chart-tibetan", "chart-translation", "chart-gaps", "chart-usage", "chart-libraries"):
        assert f'<svg id="{chart}"' in html
    assert "<script" not in html  # no script at all (a strict CSP is coming)
    assert not re.search(r"<[^>]+\son[a-z]+=", html)  # nor inline handlers
    usage_rows = numbers(html, "table-usage")
    assert [row[1:4] for row in usage_rows] == [["0", "0", "0"], ["8", "2", "0"], ["4", "6", "3"]]
    csv_rows = list(csv.reader(io.StringIO(client.get("/reports/usage.csv", query_string=Q1)
                                           .get_data(as_text=True).lstrip("\ufeff"))))
    assert csv_rows[0][:4] == ["month", "views", "plays", "downloads"]
    assert [row[1:4] for row in csv_rows[1:]] == [row[1:4] for row in usage_rows]
    tibetan = numbers(html, "table-tibetan")
    assert [row[1:3] for row in tibetan] == [["2", "1"], ["3", "1"], ["4", "3"]]
    translation = numbers(html, "table-translation")
    assert translation[2][1:6] == ["1", "2", "2", "0", "21.5"]
    gaps = numbers(html, "table-gaps")
    assert gaps[0][1:4] == ["3", "2", "1"]
    health = history.vocabulary().get("subjects", "health").label("zh" if locale == "zh_Hans" else locale)
    assert health in html  # subject names in the visitor's language, in the chart too
    assert re.search(rf'<text class="label"[^>]*>{re.escape(health)}</text>', html)


def test_every_table_has_a_formula_safe_csv(client, history, auth):
    from contentlib import workflow

    workflow.save_draft(history, accounts.get_user(history, "ed"), "w-lung", "zh", {"title": "=HYPERLINK(1)"})
    workflow.submit(history, accounts.get_user(history, "ed"), "w-lung", "zh")
    workflow.approve(history, accounts.get_user(history, "rev"), "w-lung", "zh")
    auth.login("admin")
    for name in core.TABLES:
        r = client.get(f"/reports/{name}.csv", query_string=Q1)
        assert r.status_code == 200 and r.mimetype == "text/csv", name
        assert "attachment" in r.headers["Content-Disposition"]
    top = client.get("/reports/top.csv", query_string=Q1).get_data(as_text=True)
    assert "'=HYPERLINK(1)" in top and ",=HYPERLINK" not in top


def test_page_for_a_year_or_quarter(client, history, auth):
    auth.login("admin")
    html = client.get("/reports", query_string={"year": "2026", "quarter": "1"}).get_data(as_text=True)
    assert len(numbers(html, "table-usage")) == 3
    html = client.get("/reports", query_string={"year": "2026"}).get_data(as_text=True)
    assert len(numbers(html, "table-usage")) == 12
    assert client.get("/reports", query_string={"year": "26"}).status_code == 400
    assert client.get("/reports", query_string={"year": "2026", "quarter": "5"}).status_code == 400
    assert client.get("/reports", query_string={"from": "2026-00"}).status_code == 400


def test_page_is_for_reviewers_and_admins_unless_a_summary_is_public(app, client, history, auth):
    r = client.get("/reports")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    auth.login("editor")
    assert client.get("/reports").status_code == 403
    assert client.get("/reports/usage.csv").status_code == 403
    auth.logout()
    app.config["CONTENTLIB_PUBLIC_REPORTS"] = True
    html = client.get("/reports", query_string=Q1).get_data(as_text=True)
    assert 'id="chart-usage"' in html and 'id="chart-libraries"' not in html and "table-top-bo" not in html
    assert client.get("/reports/usage.csv", query_string=Q1).status_code == 200
    assert client.get("/reports/top.csv", query_string=Q1).status_code == 404
    assert client.get("/reports/libraries.csv", query_string=Q1).status_code == 404
