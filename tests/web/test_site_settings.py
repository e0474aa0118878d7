"""The library's settings (issue 26): its public address, and its name and id, kept in the database."""

from __future__ import annotations

import json
import re
import socket

import pytest

from contentlib import lists as teacher_lists
from contentlib import records
from contentlib.site import DEFAULT_NAME
from tests.conftest import DATA, TEST_SECRET

PUBLIC = "https://library.example.org"


@pytest.fixture
def handout(app, users):
    """The path of a shared list's printable handout holding t-atom."""
    records.import_file(users, DATA / "works.jsonl")
    teacher = app.extensions["contentlib"].accounts.get("teacher")
    wl = teacher_lists.create(users, teacher, "list")
    teacher_lists.add(users, teacher, wl.id, "t-atom")
    return f"/shared/{wl.token}/print"


WARNINGS = {"en": "These QR codes point at http://localhost",
            "zh_Hans": "这些二维码指向打开本页所用的地址 http://localhost",
            "bo": "QR ཨང་རྟགས་འདི་དག་གིས་ཤོག་ངོས་འདི་ཁ་ཕྱེ་བའི་ཁ་བྱང་ http://localhost"}


@pytest.mark.parametrize("locale", sorted(WARNINGS))
def test_the_handout_warns_in_the_visitors_language_without_a_public_address(app, client, handout, locale):
    client.set_cookie("locale", locale)
    page = client.get(handout).get_data(as_text=True)
    assert 'id="no-public-address"' in page and WARNINGS[locale] in page
    assert "http://localhost/works/t-atom" in page
    app.config["CONTENTLIB_PUBLIC_URL"] = PUBLIC
    page = client.get(handout).get_data(as_text=True)
    assert 'id="no-public-address"' not in page and PUBLIC + "/works/t-atom" in page


def _save(auth, **values):
    return auth.post("/admin/settings", {k.replace("_", "-"): v for k, v in values.items()})


def test_an_admin_sets_the_public_address_every_link_then_uses(app, client, auth, handout):
    client.set_cookie("locale", "en")
    auth.login("teacher")
    assert client.get("/admin/settings").status_code == 403
    assert _save(auth, public_url=PUBLIC).status_code == 403
    auth.logout()
    auth.login("admin")
    page = client.get("/admin/settings").get_data(as_text=True)
    assert 'id="no-public-address"' in page and DEFAULT_NAME in page
    # Bad addresses are refused, translated, and nothing is stored (not even a good name sent with them).
    for bad in ("javascript:alert(1)", "ftp://library.example.org", "library.example.org", "http://", "https://a b.org",
                "https://library.example.org/\x07", "https://user:pw@library.example.org", "https://x.org/?q=1",
                "https://x.org:port/", "https://" + "a" * 600 + ".org"):
        answer = _save(auth, public_url=bad, name="Never stored")
        assert answer.status_code == 400, bad
        assert "The public address must be" in answer.get_data(as_text=True)
        assert app.extensions["contentlib"].site.public_url() is None
        assert app.extensions["contentlib"].site.name() == DEFAULT_NAME
    assert "&lt;b&gt;" in _save(auth, public_url="<b>").get_data(as_text=True)  # what was typed is shown as text
    answer = _save(auth, public_url=PUBLIC + "/")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/admin/settings?saved=1")
    assert 'id="settings-saved"' in client.get("/admin/settings?saved=1").get_data(as_text=True)
    assert app.extensions["contentlib"].site.public_url() == PUBLIC
    # Every absolute link uses it: the handout and its QR code, feeds, OPDS, OAI-PMH, the sitemap.
    page = client.get(handout).get_data(as_text=True)
    from catalog.lists import qr_svg

    assert PUBLIC + "/works/t-atom" in page and str(qr_svg(PUBLIC + "/works/t-atom")) in page
    assert 'id="no-public-address"' not in page and "http://localhost" not in page
    assert f'href="{PUBLIC}/feeds/new.atom"' in client.get("/feeds/new.atom").get_data(as_text=True)
    assert f"{PUBLIC}/opds/" in client.get("/opds/").get_data(as_text=True)
    assert "oai:library.example.org:" in client.get("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc").get_data(
        as_text=True)
    assert f"<loc>{PUBLIC}/</loc>" in client.get("/sitemap.xml").get_data(as_text=True)
    # The variable wins over the page, which says so.
    app.config["CONTENTLIB_PUBLIC_URL"] = "https://env.example.org"
    assert "https://env.example.org/works/t-atom" in client.get(handout).get_data(as_text=True)
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "CONTENTLIB_PUBLIC_URL" in page and re.search(r'id="public-url"[^>]*disabled', page)
    # An empty address removes the stored one.
    app.config["CONTENTLIB_PUBLIC_URL"] = None
    _save(auth, public_url="")
    assert app.extensions["contentlib"].site.public_url() is None


def test_serve_prints_the_address_handouts_will_carry(app):
    from catalog.startup import banner

    text = "\n".join(banner(app, "127.0.0.1", 5050))
    assert "QR codes point at the address a browser opened (http://localhost:5050/" in text
    assert "http://localhost:5050/admin/settings" in text
    app.extensions["contentlib"].site.set("public-url", PUBLIC)
    text = "\n".join(banner(app, "127.0.0.1", 5050))
    assert f"QR codes point at {PUBLIC}/" in text and "admin/settings" not in text


def _fresh_app(extra=None):
    from catalog import create_app

    app = create_app({"TESTING": True, "CONTENTLIB_SECRET_KEY": TEST_SECRET, **(extra or {})})
    lib = app.extensions["contentlib"]
    with app.app_context():
        found = lib.site.library_id(), lib.site.name(), lib.identity().id, lib.identity().name, lib.local_library()
    lib.store.close()
    return found


def test_the_name_and_id_are_set_at_the_first_start_and_never_change_by_themselves(home, monkeypatch):
    monkeypatch.delenv("CONTENTLIB_LIBRARY_NAME", raising=False)
    monkeypatch.setattr(socket, "gethostname", lambda: "vm")
    first = _fresh_app()
    library_id, name = first[0], first[1]
    assert name == DEFAULT_NAME and re.fullmatch(r"[0-9a-f]{32}", library_id)
    assert first == (library_id, name, library_id, name, (library_id, name))
    assert _fresh_app() == first  # a restart changes nothing
    assert "vm" not in json.dumps(first)


def test_settings_commands_rename_the_library_and_the_variable_wins(app, runner, home, monkeypatch, tmp_path):
    assert runner.invoke(["settings", "get", "name"]).output.strip() == DEFAULT_NAME
    library_id = runner.invoke(["settings", "get", "id"]).output.strip()
    result = runner.invoke(["settings", "set", "name", "  ཞིང་ཆེན་ 县科技馆  "])
    assert result.exit_code == 0, result.output
    assert runner.invoke(["settings", "get", "name"]).output.strip() == "ཞིང་ཆེན་ 县科技馆"
    for key, bad in (("name", ""), ("name", "a\x1bb"), ("public-url", "file:///etc/passwd"), ("id", "../x")):
        result = runner.invoke(["settings", "set", key, bad])
        assert result.exit_code == 1 and key in result.output
    listing = runner.invoke(["settings", "get"]).output
    assert f"id\t{library_id}" in listing and "name\tཞིང་ཆེན་ 县科技馆" in listing and "public-url\t(not set)" in listing
    # The next start keeps it; the bundle identity and the use counts' record carry it.
    app.extensions["contentlib"].store.close()
    assert _fresh_app()[:2] == (library_id, "ཞིང་ཆེན་ 县科技馆")
    out = tmp_path / "counts.json"
    assert runner.invoke(["report", "export", str(out)]).exit_code == 0
    assert json.loads(out.read_text("utf-8"))["library"] == {"id": library_id, "name": "ཞིང་ཆེན་ 县科技馆"}
    # CONTENTLIB_LIBRARY_NAME still wins over the stored name.
    monkeypatch.setenv("CONTENTLIB_LIBRARY_NAME", "From the environment")
    assert _fresh_app()[1] == "From the environment"


def test_the_settings_page_renames_the_library(app, client, auth, users):
    auth.login("admin")
    assert _save(auth, name="<i>County</i> library", public_url="").status_code == 302
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "&lt;i&gt;County&lt;/i&gt; library" in page and "<i>County" not in page
    assert app.extensions["contentlib"].site.name() == "<i>County</i> library"
    from contentlib import reports

    assert [r["name"] for r in reports.libraries(users) if r["local"]] == ["<i>County</i> library"]
