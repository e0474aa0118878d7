"""Every route × role × method has an explicit decision; a new route without one fails the suite.

The table lists, for each (endpoint, method) of ``app.url_map``, the roles that
get past the permission check. Each role then calls every route with a valid
session and CSRF token: a listed role must not be refused (401/403/redirect to
the login page) and no one may get a 5xx; an unlisted role must be refused.
"""

from __future__ import annotations

import io
import re

import pytest

from contentlib import accounts, glossary, lists
from contentlib.settings import LOCALES

from .conftest import login

ROLES = ("anonymous", "teacher", "editor", "reviewer", "admin")
ALL = frozenset(ROLES)
SIGNED_IN = ALL - {"anonymous"}
EDIT = frozenset({"editor", "admin"})
REVIEW = frozenset({"reviewer", "admin"})
STAFF = frozenset({"editor", "reviewer", "admin"})
LISTS = frozenset({"teacher", "admin"})
ADMIN = frozenset({"admin"})

DECISIONS = {
    ("browse.home", "GET"): ALL,
    ("browse.by_term", "GET"): ALL,
    ("browse.by_type", "GET"): ALL,
    ("works.show", "GET"): ALL,
    ("pwa.manifest", "GET"): ALL,
    ("pwa.service_worker", "GET"): ALL,
    ("pwa.offline", "GET"): ALL,
    ("search.page", "GET"): ALL,
    ("api.search", "GET"): ALL,
    ("api.work", "GET"): ALL,
    ("coverage.api", "GET"): ALL,
    ("coverage.page", "GET"): ALL,
    ("coverage.csv", "GET"): ALL,
    ("glossary.index", "GET"): ALL,
    ("glossary.export_csv", "GET"): ALL,
    ("media.original", "GET"): ALL,          # then the database decides per file (test_media_access)
    ("media.derived", "GET"): ALL,
    ("media.card", "GET"): ALL,
    ("media.book", "GET"): ALL,              # a book's page pictures: the file's own access, as media.derived
    ("reader.read", "GET"): ALL,             # the in-page reader: the book file's own access (test_reader)
    ("reader.books_to_keep", "GET"): ALL,    # a published work's reader pages for keep.js (public books only)
    ("media.set_data_saver", "POST"): ALL,
    ("static", "GET"): ALL,
    ("ops.healthz", "GET"): ALL,
    ("ops.readyz", "GET"): ALL,
    ("lists.shared", "GET"): ALL,            # the unguessable token is the permission
    ("lists.handout", "GET"): ALL,
    ("reports.page", "GET"): REVIEW,         # others too when CONTENTLIB_PUBLIC_REPORTS is set (a summary)
    ("reports.csv", "GET"): REVIEW,
    ("i18n.set_locale", "POST"): ALL,
    ("auth.login", "GET"): ALL,
    ("auth.login", "POST"): ALL,
    ("auth.logout", "POST"): SIGNED_IN,
    ("admin.users", "GET"): ADMIN,
    ("admin.create_user", "POST"): ADMIN,
    ("admin.set_active", "POST"): ADMIN,
    ("admin.set_role", "POST"): ADMIN,
    ("admin.unlock", "POST"): ADMIN,
    ("admin.vocabulary", "GET"): ADMIN,
    ("admin.set_labels", "POST"): ADMIN,
    ("admin.jobs", "GET"): ADMIN,
    ("admin.cancel_job", "POST"): ADMIN,
    ("site_settings.page", "GET"): ADMIN,
    ("site_settings.save", "POST"): ADMIN,
    ("offline.import_page", "GET"): ADMIN,
    ("offline.import_page", "POST"): ADMIN,
    ("offline.take_offline", "POST"): LISTS,
    ("offline.status", "GET"): LISTS,
    ("offline.download", "GET"): LISTS,
    ("reports_api.report", "GET"): REVIEW,
    # Across languages and demand (issue 24): anyone may ask for a translation; what was learned is for staff.
    ("works.ask", "POST"): ALL,
    ("api.ask", "POST"): ALL,
    ("lexicon.page", "GET"): STAFF,
    ("reports_api.demand", "GET"): REVIEW,
    ("workflow_api.version", "GET"): STAFF,
    ("workflow_api.history", "GET"): STAFF,
    ("workflow_api.save", "POST"): EDIT,
    ("workflow_api.submit", "POST"): EDIT,
    ("workflow_api.media", "POST"): EDIT,
    ("workflow_api.approve", "POST"): REVIEW,
    ("workflow_api.reject", "POST"): REVIEW,
    ("editor.queue", "GET"): STAFF,
    ("editor.review", "GET"): STAFF,
    ("editor.edit", "GET"): EDIT,
    ("editor.save", "POST"): EDIT,
    ("editor.upload", "POST"): EDIT,
    ("editor.submit", "POST"): EDIT,
    ("editor.approve", "POST"): REVIEW,
    ("editor.reject", "POST"): REVIEW,
    ("interface.page", "GET"): EDIT,
    ("interface.confirm", "POST"): EDIT,
    ("glossary.add", "POST"): STAFF,
    ("glossary.update", "POST"): STAFF,
    ("glossary.delete", "POST"): STAFF,
    ("glossary.import_csv", "POST"): STAFF,
    ("lists.index", "GET"): LISTS,
    ("lists.create", "POST"): LISTS,
    ("lists.show", "GET"): LISTS,
    ("lists.add", "POST"): LISTS,
    ("lists.remove", "POST"): LISTS,
    ("lists.delete", "POST"): LISTS,
    ("lists.add_to_chosen", "POST"): LISTS,
    # Open doors (issue 14): public catalog data for harvesters, e-readers, feed readers and API clients.
    ("oai.endpoint", "GET"): ALL,
    ("oai.endpoint", "POST"): ALL,             # OAI-PMH allows POST; it changes nothing
    ("opds.root", "GET"): ALL,
    ("opds.all", "GET"): ALL,
    ("opds.new", "GET"): ALL,
    ("opds.terms", "GET"): ALL,
    ("opds.term", "GET"): ALL,
    ("opds.languages", "GET"): ALL,
    ("opds.language", "GET"): ALL,
    ("opds.shared_lists", "GET"): ALL,
    ("opds.shared", "GET"): ALL,              # the unguessable token is the permission, as lists.shared
    ("opds.search", "GET"): ALL,
    ("opds.opensearch", "GET"): ALL,
    ("feeds.new_atom", "GET"): ALL,
    ("feeds.sitemap", "GET"): ALL,
    ("feeds.sitemap_part", "GET"): ALL,
    ("openapi.spec", "GET"): ALL,
    # The translation workbench (issue 23): staff read it, editors write, reviewers comment.
    ("translate.page", "GET"): STAFF,
    ("translate.save", "POST"): EDIT,
    ("translate.submit", "POST"): EDIT,
    ("translate.comment", "POST"): REVIEW,
    ("translation_api.segments", "GET"): STAFF,
    ("translation_api.segment", "GET"): STAFF,
    ("translation_api.save_segment", "PUT"): EDIT,
    ("translation_api.submit", "POST"): EDIT,
    ("translation_api.comment", "POST"): REVIEW,
    ("translation_api.xliff", "GET"): STAFF,
    ("translation_api.xliff_import", "PUT"): EDIT,
    ("translation_api.memory", "GET"): STAFF,
}
# The interface editor's permission is per locale (issue 21): editors change the Tibetan strings, only an
# admin the Chinese and English ones; the editors read every locale's. (method, locale) -> roles let through.
INTERFACE_LOCALES = {
    ("GET", "bo"): EDIT, ("GET", "zh_Hans"): EDIT, ("GET", "en"): EDIT,
    ("POST", "bo"): EDIT, ("POST", "zh_Hans"): ADMIN, ("POST", "en"): ADMIN,
}
SEARCH = {"bo": "འཚོལ་བཤེར།", "zh_Hans": "搜索", "en": "Search"}
# Run last, in this order: they delete what others use, or change the session itself.
LAST = [("glossary.delete", "POST"), ("lists.delete", "POST"), ("auth.logout", "POST"), ("auth.login", "POST")]


def _pairs(app):
    return sorted({(r.endpoint, m) for r in app.url_map.iter_rules() for m in r.methods - {"HEAD", "OPTIONS"}})


def _undecided(app):
    return sorted(set(_pairs(app)) - set(DECISIONS))


def test_every_route_has_a_decision(app):
    assert _undecided(app) == [], f"routes without a decision in DECISIONS: {_undecided(app)}"
    assert sorted(set(DECISIONS) - set(_pairs(app))) == [], "decisions for routes that no longer exist"


def test_a_new_route_without_a_decision_is_caught(app):
    app.add_url_rule("/brand-new", "brand_new", lambda: "new", methods=["GET", "POST"])
    assert _undecided(app) == [("brand_new", "GET"), ("brand_new", "POST")]


def _values(world, endpoint, role):
    owner = role if role in ("teacher", "admin") else "teacher"
    wl = world["lists"][owner]
    values = {"work_id": "t-atom", "lang": "en" if endpoint.endswith(("approve", "reject")) else "bo",
              "sha256": "a" * 64, "name": "thumb-320.webp", "key": "a" * 64, "width": 320,
              "scheme": "subjects", "code": "physical-science", "entry_id": world["entry"], "list_id": wl.id,
              "token": wl.token, "locale": "bo", "filename": "css/site.css", "number": 1, "sid": "title", "job_id": 1}
    if endpoint.startswith("admin."):
        values["name"] = "editor2"
    if endpoint.startswith("reports"):
        values["name"] = "views"
    if endpoint.startswith("offline."):
        values["token"] = "no-such-job"
    if endpoint == "browse.by_type":
        values["code"] = "book"
    return values


@pytest.fixture
def matrix_world(world):
    store = world["store"]
    world["entry"] = glossary.add(store, "原子", "རྡུལ་ཕྲན།").id
    world["lists"] = {n: lists.create(store, accounts.get_user(store, n), f"list of {n}") for n in ("teacher", "admin")}
    return world


def _refused(r) -> bool:
    return r.status_code in (401, 403) or (r.status_code == 302 and "/login" in r.headers.get("Location", ""))


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_decisions(app, matrix_world, role):
    client = app.test_client()
    if role != "anonymous":
        assert login(client, role).status_code == 302
    signed_in = role != "anonymous"
    adapter = app.url_map.bind("localhost")
    arguments = {r.endpoint: r.arguments for r in app.url_map.iter_rules()}
    pairs = [p for p in _pairs(app) if p not in LAST] + LAST
    wrong = []
    for endpoint, method in pairs:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
        values = _values(matrix_world, endpoint, role)
        url = adapter.build(endpoint, {k: values[k] for k in arguments[endpoint]}, method=method)
        data = {"csrf_token": token}
        if (endpoint, method) == ("auth.login", "POST"):
            data.update(name="teacher" if role == "anonymous" else role, password="correct horse battery")
        kwargs = {"headers": {"X-CSRFToken": token}}
        if method == "POST" and url.startswith("/api/"):
            r = client.post(url, json={}, **kwargs)
        elif method == "PUT":
            r = client.put(url, json={}, **kwargs)
        elif method == "POST":
            r = client.post(url, data=data, **kwargs)
        else:
            r = client.get(url, **kwargs)
        allowed = (role if signed_in else "anonymous") in DECISIONS[(endpoint, method)]
        if (endpoint, method) == ("auth.logout", "POST"):
            signed_in = False
        if r.status_code >= 500 or _refused(r) == allowed:
            wrong.append(f"{method} {url} ({endpoint}): {r.status_code} {r.headers.get('Location') or ''}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_admin_bundles_with_a_real_upload_for_each_role(app, matrix_world, role, tmp_path):
    """``/admin/bundles`` GET and POST with a signed, trusted bundle whose id climbs out of the home.

    Only the admin gets past the permission check; the admin's upload is refused with a 400
    that says why (not imported, not a 500), for a trusted key and with "allow untrusted" alike.
    """
    from contentlib import keys
    from tests.bundles.helpers import signed_bundle

    county = keys.identity(tmp_path / "county")
    keys.trust(matrix_world["store"], county.public_key, "county")
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep").write_text("x")
    bundle = signed_bundle(tmp_path / "evil.zip", county, [{"id": "evil-1", "type": "book", "titles": {"zh": "书"}}],
                           bundle_id="/../../../../victim").read_bytes()
    client = app.test_client()
    if role != "anonymous":
        assert login(client, role).status_code == 302
    allowed = role in DECISIONS[("offline.import_page", "POST")]
    page = client.get("/admin/bundles")
    assert _refused(page) != allowed and page.status_code < 500
    for untrusted in ("", "1"):
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
        r = client.post("/admin/bundles", data={"csrf_token": token, "allow_untrusted": untrusted,
                                                "bundle": (io.BytesIO(bundle), "evil.zip")},
                        content_type="multipart/form-data")
        if allowed:
            assert r.status_code == 400 and "bundle_id" in r.get_data(as_text=True), r.status_code
        else:
            assert _refused(r), r.status_code
    assert not matrix_world["store"].has_work("evil-1") and (victim / "keep").is_file()


def test_every_interface_locale_has_a_decision():
    assert {locale for _, locale in INTERFACE_LOCALES} == set(LOCALES)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_changes_exactly_the_interface_locales_it_may(app, matrix_world, role):
    """A real change (the "Search" string) to each locale: saved for the roles listed, refused and not saved for others."""
    client = app.test_client()
    if role != "anonymous":
        assert login(client, role).status_code == 302
    library = matrix_world["res"]
    wrong = []
    for (method, locale), allowed in sorted(INTERFACE_LOCALES.items()):
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
        if method == "GET":
            r = client.get(f"/editor/interface/?locale={locale}")
        else:
            r = client.post(f"/editor/interface/{locale}",
                            data={"csrf_token": token, "msgid": "Search", "form": SEARCH[locale]})
            saved = "Search" in library.interface.overrides(locale)
            if saved != (role in allowed):
                wrong.append(f"{method} {locale}: saved={saved}")
        if r.status_code >= 500 or _refused(r) == (role in allowed):
            wrong.append(f"{method} {locale}: {r.status_code} {r.headers.get('Location') or ''}")
    assert wrong == [], "\n".join(wrong)
