"""What an action did, said on the page it returns to: ``?done=<code>`` and a translated message.

A view that changes something redirects through ``done(url, code)``; base.html shows the
message of a known code at the top of the page (``role="status"``), in the visitor's language.
Only a code travels in the URL, so a link cannot make a page say anything else, and an
unknown code says nothing. An ``anchor`` brings the visitor back where they acted (a card of
the results, not the top of the page); a card shows the message there too (see _macros.html).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, request

from .texts import lazy_gettext as _l

bp = Blueprint("feedback", __name__)

MESSAGES = {
    "draft-saved": _l("Draft saved."),
    "file-attached": _l("The file was checked and attached. It becomes public when this version is approved."),
    "sent-to-review": _l("Sent to review: it waits in the queue for a reviewer."),
    "published": _l("Approved and published: the version is public now."),
    "sent-back": _l("Sent back to draft with your comment."),
    "list-saved": _l("Saved to your list."),
    "list-created": _l("List created."),
    "list-removed": _l("Removed from the list."),
    "list-deleted": _l("List deleted."),
    "term-added": _l("Term added to the glossary."),
    "term-saved": _l("Term saved."),
    "term-deleted": _l("Term deleted."),
    "terms-imported": _l("Glossary file imported."),
    "user-created": _l("User created."),
    "role-saved": _l("Role saved."),
    "user-enabled": _l("The user can log in again."),
    "user-disabled": _l("The user can no longer log in."),
    "labels-saved": _l("Labels saved."),
    "string-saved": _l("Saved. The interface uses it from now on."),
    "job-cancelled": _l("Job cancelled."),
    "job-cancelling": _l("The job stops at its next safe point; what it was writing is left as it was."),
}
_ANCHOR = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{0,99}$")


def done(url: str, code: str, anchor: str | None = None) -> str:
    """``url`` with ``done=code`` in its query (replacing an earlier one) and ``#anchor``.

    An anchor that is not a plain element id is dropped, not passed on.
    """
    if code not in MESSAGES:
        raise ValueError(f"no message for {code!r}")
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "done"]
    fragment = anchor if anchor and _ANCHOR.match(anchor) else ""
    return urlunsplit(parts._replace(query=urlencode(query + [("done", code)]), fragment=fragment))


@bp.app_context_processor
def done_message():
    """``done_code`` and ``done_message`` for the page a redirect with ``done=`` brought us to."""
    code = request.args.get("done", "")
    message = MESSAGES.get(code)
    return {"done_code": code if message else "", "done_message": message}
