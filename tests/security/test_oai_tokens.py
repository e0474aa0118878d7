"""Issue 21, case 7 (OAI-PMH): resumption tokens are signed and fully checked; bad arguments are protocol errors.

Before: a token was unsigned base64 JSON, so a harvester could forge the cursor
(``cursor="True"`` was echoed) and the list size, a time of 10**30 or 10**400
raised OverflowError, a POSTed token nested 50,000 deep RecursionError, and a
NUL in ``identifier`` or ``metadataPrefix`` a ValueError from the XML writer: 500s.
"""

from __future__ import annotations

import base64
import json

import pytest
from defusedxml.ElementTree import fromstring

NS = {"o": "http://www.openarchives.org/OAI/2.0/"}


@pytest.fixture
def oai_client(world):
    world["app"].config["CONTENTLIB_OAI_PAGE_SIZE"] = 2
    return world["app"].test_client()


def ask(client, method="get", **params):
    """One OAI request; it must be an OAI answer (200, XML), never a 500."""
    send = {"query_string": params} if method == "get" else {"data": params}
    r = getattr(client, method)("/oai", **send)
    assert r.status_code == 200 and r.mimetype == "text/xml", r.status_code
    return fromstring(r.data), r.data


def error_code(root):
    found = root.find("o:error", NS)
    return found.get("code") if found is not None else None


def unsigned(raw: str) -> str:
    """A token as the old code made them: base64 of JSON, nothing else."""
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def signed(app, raw: str) -> str:
    """A token of any JSON, signed with this installation's key (what only a key holder could make)."""
    from contentlib import oai_tokens

    payload = unsigned(raw)
    return f"{payload}.{oai_tokens._mac(oai_tokens.token_key(app.secret_key), payload)}"


def first_token(client):
    root, _ = ask(client, verb="ListRecords", metadataPrefix="oai_dc")
    token = root.find(".//o:resumptionToken", NS)
    assert token is not None and token.text and token.get("cursor") == "0"
    return token.text, token.get("completeListSize")


FORGED = {
    "a 10**30 time": '["oai_dc",null,1' + "0" * 30 + ',null,null,0,3]',
    "a 10**400 time": '["oai_dc",null,null,null,[1' + "0" * 400 + ',"t-atom"],0,3]',
    "a 1e400 time": '["oai_dc",null,1e400,null,null,0,3]',
    "a NaN time": '["oai_dc",null,NaN,null,null,0,3]',
    "cursor True": '["oai_dc",null,null,null,null,true,3]',
    "a forged total": '["oai_dc",null,null,null,null,0,999999]',
    "a negative cursor": '["oai_dc",null,null,null,null,-5,3]',
    "a NUL in the last id": '["oai_dc",null,null,null,[1.5,"t\\u0000"],0,3]',
    "a set that is a number": '["oai_dc",7,null,null,null,0,3]',
    "six fields": '["oai_dc",null,null,null,null,0]',
    "an object": '{"prefix":"oai_dc"}',
    "nested 40 deep": "[" * 40 + "]" * 40,
}


def test_forged_tokens_are_bad_resumption_tokens_and_nothing_forged_is_echoed(oai_client):
    for name, raw in FORGED.items():
        for method in ("get", "post"):
            root, body = ask(oai_client, method, verb="ListRecords", resumptionToken=unsigned(raw))
            assert error_code(root) == "badResumptionToken", (name, method)
            assert root.find(".//o:resumptionToken", NS) is None  # no cursor="True", no completeListSize="999999"
            assert b"cursor=" not in body and b"completeListSize=" not in body


def test_signed_tokens_are_still_checked_field_by_field(world, oai_client):
    """A token with our signature but a value out of bounds (another version's, say) is refused too."""
    out_of_bounds = {**{k: v for k, v in FORGED.items() if k != "a forged total"},
                     "a total over 2**53": '["oai_dc",null,null,null,null,0,' + str(2 ** 53 + 1) + "]",
                     "a format not offered": '["marc21",null,null,null,null,0,3]',
                     "a time before year 1": '["oai_dc",null,-62135596801,null,null,0,3]'}
    for name, raw in out_of_bounds.items():
        root, body = ask(oai_client, "post", verb="ListIdentifiers", resumptionToken=signed(world["app"], raw))
        assert error_code(root) == "badResumptionToken", name
        assert b"cursor=" not in body


def test_a_token_is_signed_so_its_cursor_and_total_cannot_be_changed(oai_client):
    token, total = first_token(oai_client)
    payload = token.split(".")[0]
    fields = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert fields[-2:] == [2, int(total)]
    fields[-2:] = [True, 999999]
    forged = unsigned(json.dumps(fields, separators=(",", ":")))
    for attempt in (forged, forged + "." + token.split(".")[1]):
        root, body = ask(oai_client, verb="ListRecords", resumptionToken=attempt)
        assert error_code(root) == "badResumptionToken"
        assert b'cursor="True"' not in body and b"999999\"" not in body
    # one changed character of a real token
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert error_code(ask(oai_client, verb="ListRecords", resumptionToken=flipped)[0]) == "badResumptionToken"
    # the real one still works, and says where the harvest is
    root, _ = ask(oai_client, verb="ListRecords", resumptionToken=token)
    assert error_code(root) is None
    last = root.find(".//o:resumptionToken", NS)
    assert (last.get("cursor"), last.get("completeListSize")) == ("2", total)
    # the widest dates a token may carry (0001-01-01 to the end of 9999-12-31), and an empty set: each
    # first page's token leads on to the next page
    for extra in ({"until": "9999-12-31", "from": "0001-01-01"}, {"set": ""}):
        root, _ = ask(oai_client, verb="ListRecords", metadataPrefix="oai_dc", **extra)
        token = root.find(".//o:resumptionToken", NS).text
        assert error_code(ask(oai_client, verb="ListRecords", resumptionToken=token)[0]) is None, extra


def test_a_token_from_another_installation_is_refused(world, oai_client, tmp_path):
    from contentlib import oai

    token, _ = first_token(oai_client)
    store = world["store"]
    other = oai.Handler(store, oai.Repository("t", "http://x/oai", "a@b.c", "localhost", lambda i: i, page_size=2,
                                              secret_key="another-installation-key"))
    root = fromstring(other.respond({"verb": ["ListRecords"], "resumptionToken": [token]}))
    assert error_code(root) == "badResumptionToken"


def test_a_token_nested_50000_deep_is_refused_unread(oai_client):
    deep = unsigned("[" * 50_000 + "]" * 50_000)
    for method in ("get", "post"):
        root, _ = ask(oai_client, method, verb="ListRecords", resumptionToken=deep)
        assert error_code(root) == "badArgument"  # longer than any token this repository issues
        assert root.find("o:request", NS).attrib == {}
    root, _ = ask(oai_client, "post", verb="ListRecords", resumptionToken=deep[:1000])
    assert error_code(root) == "badResumptionToken"


BAD_ARGUMENTS = [  # what XML cannot carry, what is longer than anything of ours, dates no calendar has
    {"verb": "GetRecord", "identifier": "oai:localhost:t-atom\x00", "metadataPrefix": "oai_dc"},
    {"verb": "GetRecord", "identifier": "oai:localhost:t-atom", "metadataPrefix": "oai_dc\x00"},
    {"verb": "ListMetadataFormats", "identifier": "\x00"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "type:video\x01"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-01\x0b"},
    {"verb": "ListRecords", "resumptionToken": "abc\x00"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "\ufffe"},
    {"verb": "Identify", "bad\x00name": "1"},
    {"verb": "Identify", "\x1b": ["1", "2"]},
    {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "subject:" + "a" * 300},
    {"verb": "GetRecord", "identifier": "oai:localhost:" + "x" * 5000, "metadataPrefix": "oai_dc"},
    *({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": day}  # dates no calendar has, or not ASCII
      for day in ("0000-01-01", "٢٠٢٠-٠١-٠١", "2020-01-01T00:00:60Z", "99999-01-01")),
]


def test_bad_arguments_are_bad_argument_errors_never_echoed(oai_client):
    for params in BAD_ARGUMENTS:
        for method in ("get", "post"):
            root, body = ask(oai_client, method, **params)
            assert error_code(root) == "badArgument", (params, method)
            assert root.find("o:request", NS).attrib == {}  # an illegal request's arguments are not echoed
