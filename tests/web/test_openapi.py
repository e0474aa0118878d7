"""/api/v1/openapi.json: generated from the routes, valid, and schemathesis finds nothing against it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from contentlib import accounts, records, workflow
from tests.conftest import DATA, TEST_SECRET

from .live import serving

DOCUMENTED = {  # every JSON endpoint the API has today, with its full description
    ("/api/v1/search", "get"), ("/api/v1/works/{work_id}", "get"), ("/api/v1/coverage", "get"),
    ("/api/v1/works/{work_id}/versions/{lang}", "get"), ("/api/v1/works/{work_id}/versions/{lang}", "post"),
    ("/api/v1/works/{work_id}/versions/{lang}/submit", "post"),
    ("/api/v1/works/{work_id}/versions/{lang}/approve", "post"),
    ("/api/v1/works/{work_id}/versions/{lang}/reject", "post"),
    ("/api/v1/works/{work_id}/versions/{lang}/media", "post"),
    ("/api/v1/works/{work_id}/history", "get"),
}


@pytest.fixture
def api_app(app):
    res = app.extensions["contentlib"]
    records.import_file(res.store, DATA / "works.jsonl")
    res.sync()
    return app


def test_the_document_is_valid_and_describes_every_json_endpoint(client, api_app):
    doc = client.get("/api/v1/openapi.json").get_json()
    validate(doc)
    operations = {(path, method) for path, item in doc["paths"].items() for method in item}
    assert operations >= DOCUMENTED
    for path, method in DOCUMENTED:
        op = doc["paths"][path][method]
        assert op["summary"] and "default" not in op["responses"], (path, method)
        assert all("content" in r for r in op["responses"].values()), (path, method)
    search = {p["name"]: p for p in doc["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert set(search) == {"q", "type", "subject", "audience", "grade", "lang", "has", "page", "per_page"}
    assert "health" in search["subject"]["schema"]["items"]["enum"]  # codes come from the vocabulary
    upload = doc["paths"]["/api/v1/works/{work_id}/versions/{lang}/media"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"] and upload["security"] == [{"bearer": []}]
    assert doc["components"]["schemas"]["Record"]["properties"]["type"]["enum"][0] == "video"


def test_a_new_route_appears_without_editing_any_document(home):
    """Generated from the URL map: a route nobody documented is still listed, as plain JSON."""
    from flask import Blueprint, jsonify

    from catalog import create_app

    app = create_app({"TESTING": True, "CONTENTLIB_SECRET_KEY": TEST_SECRET})
    extra = Blueprint("extra", __name__)
    extra.add_url_rule("/api/v1/ping/<name>", "ping", lambda name: jsonify(name=name))
    app.register_blueprint(extra)
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    validate(doc)
    op = doc["paths"]["/api/v1/ping/{name}"]["get"]
    assert op["parameters"][0]["name"] == "name" and "default" in op["responses"]
    app.extensions["contentlib"].store.close()


def test_schemathesis_finds_no_server_error_and_no_response_off_the_schema(api_app, tmp_path):
    """A bounded run (25 examples per operation, fixed seed) over real HTTP, with an admin's token.

    ``positive_data_acceptance`` is left out: a schema cannot say that a version needs a
    title before review or that an image cannot be a work's original, so valid-looking
    requests are rightly refused with 400/409 (documented responses).
    """
    store = api_app.extensions["contentlib"].store
    admin = accounts.create_user(store, "admin", "admin", "correct horse battery")
    token = accounts.issue_token(store, "admin")
    workflow.save_draft(store, admin, "t-poster", "zh", {"title": "地震预防"})
    workflow.submit(store, admin, "t-poster", "zh")  # something in review, for approve and reject
    schemathesis = Path(sys.executable).with_name("schemathesis")
    with serving(api_app) as url:
        run = subprocess.run(
            [str(schemathesis), "run", url + "/api/v1/openapi.json", "--url", url, "--max-examples", "25",
             "--seed", "1", "--generation-database", "none", "--workers", "1", "--no-color",
             "--checks", "all", "--exclude-checks", "positive_data_acceptance",
             "--header", f"Authorization: Bearer {token}", "--report", "junit",
             "--report-junit-path", str(tmp_path / "junit.xml")],
            capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "generated" in run.stdout
