"""Every action that changes something says what it did, in the visitor's language (issue 26, item 6).

A POST redirects with ``done=<code>`` (catalog/feedback.py); the page it lands on says the
code's message at its top, translated; only known codes say anything.
"""

from __future__ import annotations

import html
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from catalog.feedback import MESSAGES, done
from tests.conftest import PASSWORD

TITLE = "མཐོ་སྒང་གི་ཆུ་འཐུང་འཕྲོད་བསྟེན།"
LANGS = {"bo": {"Accept-Language": "bo"}, "zh_Hans": {"Accept-Language": "zh-CN"}, "en": {"Accept-Language": "en"}}


@pytest.fixture
def loaded(catalog_loaded, users):
    return catalog_loaded


def notice(html: str) -> str | None:
    """The text of the page's "what was done" notice, if any."""
    found = re.search(r'<p class="notice done" role="status" id="done">(.*?)</p>', html, re.S)
    return found.group(1) if found else None


def translated(app, code: str, locale: str) -> str:
    from flask_babel import force_locale

    with app.test_request_context("/"), force_locale(locale):
        return str(MESSAGES[code])


def landed(client, response, code, anchor=None, headers=None):
    """Follow a redirect that says ``code`` (and goes to ``anchor``); return the page's HTML."""
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    parts = urlsplit(response.headers["Location"])
    assert parse_qs(parts.query)["done"] == [code]
    assert parts.fragment == (anchor or "")
    return client.get(f"{parts.path}?{parts.query}", headers=headers or LANGS["en"]).get_data(as_text=True)


def test_done_adds_one_code_keeps_the_query_and_drops_a_strange_anchor():
    assert done("/search?q=water&page=2", "list-saved", "w-t-atom") == "/search?q=water&page=2&done=list-saved#w-t-atom"
    assert done("/search?q=water&done=term-added", "list-saved") == "/search?q=water&done=list-saved"
    assert done("/lists/1", "list-removed", '"><script>') == "/lists/1?done=list-removed"
    with pytest.raises(ValueError):
        done("/", "anything")


@pytest.mark.parametrize("locale", ["bo", "zh_Hans", "en"])
def test_the_review_path_says_what_each_step_did(app, client, loaded, auth, locale):
    h = LANGS[locale]
    auth.login("editor")
    page = landed(client, auth.post("/editor/works/t-book/bo", {"title": TITLE, "then": "save"}), "draft-saved",
                  headers=h)
    assert notice(page) == translated(app, "draft-saved", locale)
    queue = landed(client, auth.post("/editor/works/t-book/bo/submit"), "sent-to-review", headers=h)
    assert notice(queue) == translated(app, "sent-to-review", locale) and 'id="q-t-book-bo"' in queue
    auth.logout()
    auth.login("reviewer")
    queue = landed(client, auth.post("/editor/works/t-book/bo/reject", {"comment": "ཁ་བྱང་།"}), "sent-back", headers=h)
    assert notice(queue) == translated(app, "sent-back", locale)
    auth.logout()
    auth.login("editor")
    landed(client, auth.post("/editor/works/t-book/bo", {"title": TITLE, "then": "submit"}), "sent-to-review")
    auth.logout()
    auth.login("reviewer")
    queue = landed(client, auth.post("/editor/works/t-book/bo/approve"), "published", headers=h)
    # Back on the queue, now without the work, saying it was published in the visitor's language.
    assert notice(queue) == translated(app, "published", locale) and 'id="q-t-book-bo"' not in queue
    if locale != "en":
        assert notice(queue) != str(MESSAGES["published"])


def test_an_upload_returns_to_the_files_and_says_so_there(client, loaded, auth):
    from tests.unit import media_samples as ms

    auth.login("editor")
    picture = io.BytesIO()
    ms.picture((64, 48)).save(picture, format="PNG")
    picture.seek(0)
    r = auth.post("/editor/works/t-book/bo/media", {"file": (picture, "cover.png"), "role": "cover"},
                  content_type="multipart/form-data")
    page = landed(client, r, "file-attached", "files")
    assert notice(page) == str(MESSAGES["file-attached"])
    files = page[page.index('id="files"'):]
    assert str(MESSAGES["file-attached"]) in files[:files.index("<form")]  # in place, above the upload form


def test_saving_a_result_returns_to_its_card_which_says_so(client, loaded, auth):
    auth.login("teacher")
    page = client.get("/search?q=water", headers=LANGS["en"]).get_data(as_text=True)
    form = re.search(r'<form method="post" class="card-save" action="/lists">(.*?)</form>', page, re.S).group(1)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    work = fields["work_id"]
    assert fields["anchor"] == f"w-{work}" and f'id="w-{work}"' in page
    back = landed(client, client.post("/lists", data=fields), "list-saved", f"w-{work}")
    start = back.index(f'id="w-{work}"')
    card = back[start:min(i for i in (back.find('<li class="result', start), back.find("</ol>", start)) if i > 0)]
    assert f'<span class="card-done">{MESSAGES["list-saved"]}</span>' in card
    assert "<details class=\"filters\">" in back  # the message is no filter: the filters stay folded
    # Saving again (now to the chosen list) says it again; the earlier done= is replaced, not repeated.
    form = re.search(r'<form method="post" class="card-save" action="/lists/add">(.*?)</form>', back, re.S).group(1)
    fields = {k: html.unescape(v) for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)}
    again = client.post("/lists/add", data=fields)
    assert again.headers["Location"].count("done=") == 1
    landed(client, again, "list-saved", fields["anchor"])


def test_list_glossary_and_admin_actions_each_say_what_they_did(client, loaded, auth):
    auth.login("teacher")
    page = landed(client, auth.post("/lists", {"name": "Class 3"}), "list-created")
    assert notice(page) == "List created."
    list_id = int(re.search(r"/lists/(\d+)", client.get("/lists").get_data(as_text=True)).group(1))
    auth.post(f"/lists/{list_id}/add", {"work_id": "t-atom"})
    assert notice(landed(client, auth.post(f"/lists/{list_id}/remove", {"work_id": "t-atom"}), "list-removed")) \
        == "Removed from the list."
    assert notice(landed(client, auth.post(f"/lists/{list_id}/delete"), "list-deleted")) == "List deleted."
    auth.logout()

    auth.login("editor")
    assert notice(landed(client, auth.post("/glossary", {"zh": "水", "bo": "ཆུ།"}), "term-added")) \
        == "Term added to the glossary."
    entry = re.search(r'<tr id="term-(\d+)">', client.get("/glossary").get_data(as_text=True)).group(1)
    r = auth.post(f"/glossary/{entry}", {"zh": "水", "bo": "ཆུ།", "note": "H2O"})
    assert notice(landed(client, r, "term-saved", f"term-{entry}")) == "Term saved."
    assert notice(landed(client, auth.post(f"/glossary/{entry}/delete"), "term-deleted")) == "Term deleted."
    csv_file = (io.BytesIO("zh,bo,note\n火,མེ།,\n".encode()), "terms.csv")
    r = auth.post("/glossary/import", {"file": csv_file}, content_type="multipart/form-data")
    assert notice(landed(client, r, "terms-imported")) == "Glossary file imported."
    auth.logout()

    auth.login("admin")
    r = auth.post("/admin/users", {"name": "newcomer", "role": "teacher", "password": PASSWORD})
    assert notice(landed(client, r, "user-created")) == "User created."
    r = auth.post("/admin/users/newcomer/role", {"role": "editor"})
    assert notice(landed(client, r, "role-saved", "user-newcomer")) == "Role saved."
    r = auth.post("/admin/users/newcomer/active", {"active": "0"})
    assert notice(landed(client, r, "user-disabled", "user-newcomer")) == "The user can no longer log in."
    r = auth.post("/admin/users/newcomer/active", {"active": "1"})
    assert notice(landed(client, r, "user-enabled", "user-newcomer")) == "The user can log in again."
    r = auth.post("/admin/vocabulary/subjects/health", {"bo": "འཕྲོད་བསྟེན།", "zh": "健康", "en": "Health"})
    assert notice(landed(client, r, "labels-saved", "subjects-health")) == "Labels saved."


def test_only_known_codes_say_anything(client, loaded):
    for code in ("", "nonsense", "<script>alert(1)</script>", "published "):
        page = client.get("/", query_string={"done": code}, headers=LANGS["en"]).get_data(as_text=True)
        assert notice(page) is None and "<script>alert" not in page
    assert notice(client.get("/?done=published", headers=LANGS["en"]).get_data(as_text=True)) == str(MESSAGES["published"])
