"""OAI-PMH 2.0 at /oai: the six verbs, oai_dc, sets, dates, tokens, deletions and every protocol error."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from defusedxml.ElementTree import fromstring

from contentlib import records
from contentlib.store import works
from tests.conftest import DATA

from .live import eval_dev_catalog, serving

NS = {"o": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/",
      "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/"}
LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PUBLIC = "https://library.example.org"


@pytest.fixture
def oai_app(app):
    app.config.update(CONTENTLIB_PUBLIC_URL=PUBLIC, CONTENTLIB_OAI_PAGE_SIZE=2)
    records.import_file(app.extensions["contentlib"].store, DATA / "works.jsonl")
    return app


def ask(client, method="get", **params):
    response = getattr(client, method)("/oai", **({"query_string": params} if method == "get" else {"data": params}))
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    return fromstring(response.data)


def error_code(root):
    errors = root.findall("o:error", NS)
    return errors[0].get("code") if errors else None


def ids(root):
    return [h.find("o:identifier", NS).text.rsplit(":", 1)[1] for h in root.iter(f"{{{NS['o']}}}header")]


def set_stamp(app, work_id, iso):
    stamp = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
    with app.extensions["contentlib"].store.transaction() as conn:
        conn.execute(works.update().where(works.c.id == work_id).values(updated_at=stamp + 0.25))


def test_identify_declares_what_the_repository_does(client, oai_app):
    root = ask(client, verb="Identify")
    ident = root.find("o:Identify", NS)
    assert ident.findtext("o:baseURL", namespaces=NS) == PUBLIC + "/oai"
    assert root.findtext("o:request", namespaces=NS) == PUBLIC + "/oai"
    assert ident.findtext("o:protocolVersion", namespaces=NS) == "2.0"
    assert ident.findtext("o:deletedRecord", namespaces=NS) == "persistent"
    assert ident.findtext("o:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert ident.findtext("o:adminEmail", namespaces=NS)
    assert "ཚན་རིག" in ident.findtext("o:repositoryName", namespaces=NS)
    earliest = ident.findtext("o:earliestDatestamp", namespaces=NS)
    assert datetime.strptime(earliest, "%Y-%m-%dT%H:%M:%SZ")
    assert root.find("o:request", NS).get("verb") == "Identify"


def test_get_record_is_bilingual_dublin_core(client, oai_app):
    root = ask(client, verb="GetRecord", identifier="oai:library.example.org:t-atom", metadataPrefix="oai_dc")
    record = root.find("o:GetRecord/o:record", NS)
    assert record.findtext("o:header/o:identifier", namespaces=NS) == "oai:library.example.org:t-atom"
    assert [s.text for s in record.findall("o:header/o:setSpec", NS)] == ["type:video", "subject:physical-science"]
    dc = record.find("o:metadata/oai_dc:dc", NS)
    titles = {t.get(LANG): t.text for t in dc.findall("dc:title", NS)}
    assert titles == {"bo": "ལྟེ་ཉིང་ནང་རྫས་གཉིས་ཡོད་དེ་ཕོ་རྡུལ་དང་བར་རྡུལ་ལོ།", "zh": "原子核由中子和质子这两种粒子组成。"}
    assert {d.get(LANG) for d in dc.findall("dc:description", NS)} == {"zh"}
    subjects = {(s.get(LANG), s.text) for s in dc.findall("dc:subject", NS)}
    assert ("zh", "物理与化学") in subjects and ("bo", "དངོས་ཁམས་དང་རྫས་འགྱུར།") in subjects
    assert [i.text for i in dc.findall("dc:identifier", NS)] == [PUBLIC + "/works/t-atom"]
    assert [x.text for x in dc.findall("dc:language", NS)] == ["bo", "zh"]
    assert "MovingImage" in [x.text for x in dc.findall("dc:type", NS)]
    assert [x.text for x in dc.findall("dc:date", NS)] == ["2022"]
    assert "CC BY-SA 4.0" in [x.text for x in dc.findall("dc:rights", NS)]


def test_metadata_formats_and_sets(client, oai_app):
    root = ask(client, verb="ListMetadataFormats")
    assert [f.text for f in root.findall(".//o:metadataPrefix", NS)] == ["oai_dc"]
    root = ask(client, verb="ListMetadataFormats", identifier="oai:library.example.org:t-book")
    assert error_code(root) is None
    assert error_code(ask(client, verb="ListMetadataFormats", identifier="oai:library.example.org:nope")) == "idDoesNotExist"
    specs = {s.findtext("o:setSpec", namespaces=NS): s for s in ask(client, verb="ListSets").findall(".//o:set", NS)}
    assert {"subject", "type", "subject:health", "type:video", "type:book"} <= set(specs)
    assert "健康卫生" in specs["subject:health"].findtext("o:setName", namespaces=NS)
    labels = {t.get(LANG): t.text for t in specs["subject:health"].iter(f"{{{NS['dc']}}}title")}
    assert labels["bo"] == "འཕྲོད་བསྟེན།" and labels["zh"] == "健康卫生"


def test_sets_select_records(client, oai_app):
    assert sorted(ids(ask(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="subject:health"))) == ["t-book"]
    assert ids(ask(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="type:poster")) == ["t-poster"]
    assert error_code(ask(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="subject:astrology")) == "noRecordsMatch"
    assert error_code(ask(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="colour:red")) == "noRecordsMatch"


def test_lists_page_with_resumption_tokens(client, oai_app):
    first = ask(client, verb="ListRecords", metadataPrefix="oai_dc")
    token = first.find("o:ListRecords/o:resumptionToken", NS)
    assert len(first.findall(".//o:record", NS)) == 2
    assert (token.get("completeListSize"), token.get("cursor")) == ("3", "0") and token.text
    second = ask(client, verb="ListRecords", resumptionToken=token.text)
    last = second.find("o:ListRecords/o:resumptionToken", NS)
    assert (last.get("completeListSize"), last.get("cursor"), last.text) == ("3", "2", None)
    assert second.find("o:request", NS).get("resumptionToken") == token.text
    assert sorted(ids(first) + ids(second)) == ["t-atom", "t-book", "t-poster"]
    # the token is stateless: the same token answers the same page again (a harvester's retry)
    assert ids(ask(client, verb="ListRecords", resumptionToken=token.text)) == ids(second)
    headers = ask(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert len(ids(headers)) == 2 and not headers.findall(".//o:metadata", NS)


def test_from_and_until_by_last_change_in_days_and_seconds(client, oai_app):
    set_stamp(oai_app, "t-atom", "2020-01-01T10:00:00Z")
    set_stamp(oai_app, "t-book", "2021-06-15T12:30:45Z")
    set_stamp(oai_app, "t-poster", "2022-03-01T00:00:00Z")

    def listed(**dates):
        root = ask(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **dates)
        return sorted(ids(root)) if error_code(root) is None else error_code(root)

    assert listed(**{"from": "2021-01-01"}) == ["t-book", "t-poster"]
    assert listed(until="2021-06-15") == ["t-atom", "t-book"]
    assert listed(until="2021-06-15T12:30:44Z") == ["t-atom"]
    assert listed(until="2021-06-15T12:30:45Z") == ["t-atom", "t-book"]
    assert listed(**{"from": "2021-06-15T12:30:45Z", "until": "2021-06-15T12:30:45Z"}) == ["t-book"]
    assert listed(**{"from": "2021-06-15T12:30:46Z", "until": "2022-02-28T23:59:59Z"}) == "noRecordsMatch"
    assert listed(**{"from": "2030-01-01"}) == "noRecordsMatch"
    stamp = ask(client, verb="GetRecord", identifier="oai:library.example.org:t-book", metadataPrefix="oai_dc")
    assert stamp.findtext(".//o:datestamp", namespaces=NS) == "2021-06-15T12:30:45Z"
    earliest = ask(client, verb="Identify").findtext(".//o:earliestDatestamp", namespaces=NS)
    assert earliest == "2020-01-01T10:00:00Z"


@pytest.mark.parametrize("params, code", [
    ({}, "badVerb"),
    ({"verb": "ListEverything"}, "badVerb"),
    ({"verb": ["Identify", "Identify"]}, "badVerb"),
    ({"verb": "Identify", "extra": "1"}, "badArgument"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": ["oai_dc", "oai_dc"]}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-13-45"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-01T10:00Z"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-01", "until": "2021-01-01T00:00:00Z"},
     "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2022-01-01", "until": "2021-01-01"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "abc"}, "badArgument"),
    ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
    ({"verb": "ListIdentifiers", "resumptionToken": "WzEsMiwzXQ"}, "badResumptionToken"),
    ({"verb": "ListSets", "resumptionToken": "anything"}, "badResumptionToken"),
    ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "metadataPrefix": "mods", "identifier": "oai:library.example.org:t-atom"},
     "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:library.example.org:missing"},
     "idDoesNotExist"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:elsewhere.org:t-atom"}, "idDoesNotExist"),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "type:audio"}, "noRecordsMatch"),
])
def test_protocol_errors(client, oai_app, params, code):
    for method in ("get", "post"):
        root = ask(client, method=method, **params)
        assert error_code(root) == code, (method, params)
        assert root.findtext("o:request", namespaces=NS) == PUBLIC + "/oai"
        request_attrs = root.find("o:request", NS).attrib
        if code in ("badVerb", "badArgument"):
            assert request_attrs == {}  # the standard: echo no arguments of an illegal request
        else:
            assert request_attrs["verb"] == params["verb"]
        assert root.find("o:responseDate", NS) is not None
        assert len(list(root)) == 3  # responseDate, request, error: no verb element beside an error


def test_deleted_works_are_reported_persistently(client, runner, oai_app):
    assert runner.invoke(["delete", "t-book"]).exit_code == 0
    root = ask(client, verb="ListRecords", metadataPrefix="oai_dc", set="subject:health")
    header = root.find(".//o:header", NS)
    assert header.get("status") == "deleted" and ids(root) == ["t-book"]
    assert [s.text for s in header.findall("o:setSpec", NS)] == ["type:book", "subject:health"]
    assert root.find(".//o:metadata", NS) is None
    got = ask(client, verb="GetRecord", identifier="oai:library.example.org:t-book", metadataPrefix="oai_dc")
    assert got.find(".//o:header", NS).get("status") == "deleted" and got.find(".//o:metadata", NS) is None
    every = ask(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = every.find(".//o:resumptionToken", NS)
    assert token.get("completeListSize") == "3"
    rest = ask(client, verb="ListIdentifiers", resumptionToken=token.text)
    assert sorted(ids(every) + ids(rest)) == ["t-atom", "t-book", "t-poster"]
    # imported again, the work is a live record once more, listed once
    records.import_file(oai_app.extensions["contentlib"].store, DATA / "works.jsonl")
    again = ask(client, verb="GetRecord", identifier="oai:library.example.org:t-book", metadataPrefix="oai_dc")
    assert again.find(".//o:header", NS).get("status") is None
    assert ids(ask(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="subject:health")) == ["t-book"]


def test_deletion_tombstone_is_written_with_the_deletion(store):
    """On SQLite and PostgreSQL: one tombstone per deleted id, in the deletion's transaction."""
    from contentlib.tables import deleted_works

    records.import_file(store, DATA / "works.jsonl")
    store.delete_work("t-atom")
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(deleted_works)).one()
    assert (row.work_id, row.type, row.subjects) == ("t-atom", "video", ["physical-science"])
    store.delete_work("t-poster")  # deleting twice after a re-import keeps one tombstone per id
    records.import_file(store, DATA / "works.jsonl")
    store.delete_work("t-atom")
    with store.engine.connect() as conn:
        assert sorted(conn.execute(sa.select(deleted_works.c.work_id)).scalars()) == ["t-atom", "t-poster"]


def test_a_harvester_from_pypi_harvests_the_eval_dev_catalog(app):
    """oaipmh-scythe, over real HTTP, follows resumption tokens through every work."""
    from oaipmh_scythe import Scythe

    catalog = eval_dev_catalog()
    expected = {}
    for line in catalog.read_text("utf-8").splitlines():
        rec = json.loads(line)
        expected[rec["id"]] = rec["titles"]
    report = records.import_file(app.extensions["contentlib"].store, catalog)
    assert report.created == len(expected)
    asked = []

    @app.before_request
    def count():
        from flask import request
        asked.append(request.args.to_dict())

    with serving(app) as url, Scythe(url + "/oai") as scythe:
        identify = scythe.identify()
        assert identify.deletedRecord == "persistent"
        harvested = {}
        for record in scythe.list_records(metadata_prefix="oai_dc"):
            work_id = record.header.identifier.rsplit(":", 1)[1]
            assert work_id not in harvested
            harvested[work_id] = record
        sets = [s.setSpec for s in scythe.list_sets()]
    assert set(harvested) == set(expected)
    assert "subject:health" in sets
    for work_id, titles in expected.items():
        got = harvested[work_id].metadata["title"]
        assert sorted(got) == sorted(titles.values()), work_id
    pages = -(-len(expected) // app.config["CONTENTLIB_OAI_PAGE_SIZE"])
    assert pages > 1 and sum("resumptionToken" in a for a in asked) == pages - 1  # through resumption tokens


def test_paging_by_last_change_on_both_databases(store, tmp_path):
    """The resumption position (a float datestamp and an id) round-trips on SQLite and PostgreSQL."""
    from contentlib import oai

    recs = [{"id": f"w{i:02d}", "type": "book" if i % 2 else "video", "titles": {"zh": f"作品{i}"},
             "subjects": ["health"] if i % 3 == 0 else []} for i in range(11)]
    from tests.conftest import write_jsonl
    records.import_file(store, write_jsonl(tmp_path / "w.jsonl", recs))
    with store.transaction() as conn:  # several works share one datestamp: the id breaks the tie
        conn.execute(works.update().where(works.c.id.in_(["w03", "w04", "w05"])).values(updated_at=1_700_000_000.123456))
    store.delete_work("w07")
    repo = oai.Repository("t", "http://x/oai", "a@b.c", "x", lambda i: f"http://x/works/{i}", page_size=3,
                          secret_key="a-test-key")
    handler = oai.Handler(store, repo)
    seen, args, pages = [], {"verb": ["ListIdentifiers"], "metadataPrefix": ["oai_dc"]}, 0
    while True:
        root = fromstring(handler.respond(args))
        assert error_code(root) is None
        seen += [(h.get("status"), h.findtext("o:identifier", namespaces=NS)) for h in root.iter(f"{{{NS['o']}}}header")]
        pages += 1
        token = root.find(".//o:resumptionToken", NS)
        if token is None or not token.text:
            break
        assert token.get("completeListSize") == "11" and int(token.get("cursor")) == 3 * (pages - 1)
        args = {"verb": ["ListIdentifiers"], "resumptionToken": [token.text]}
    assert pages == 4 and len(seen) == 11
    assert sorted(i for _, i in seen) == [f"oai:x:w{i:02d}" for i in range(11)]
    assert [s for s, i in seen if i == "oai:x:w07"] == ["deleted"]
    health = fromstring(handler.respond({"verb": ["ListIdentifiers"], "metadataPrefix": ["oai_dc"],
                                         "set": ["subject:health"]}))
    assert len(ids(health)) == 3  # w00, w03, w06 (w09 on the next page)
