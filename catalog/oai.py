"""OAI-PMH 2.0 at ``/oai`` for library aggregators: the protocol lives in ``contentlib.oai``."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _

from contentlib import oai

from .extensions import csrf
from .public import base, host, public_url
from .resources import get_library

bp = Blueprint("oai", __name__)


def site_name() -> str:
    """The site's name in all three interface languages (harvesters show it to everyone)."""
    names = []
    for locale in ("bo", "zh_Hans", "en"):
        with force_locale(locale):
            names.append(_("Science Library"))
    return " · ".join(dict.fromkeys(names))


def repository() -> oai.Repository:
    cfg = current_app.config
    return oai.Repository(name=site_name(), base_url=base() + "/oai", admin_email=cfg["CONTENTLIB_ADMIN_EMAIL"],
                          repository_id=host(), page_size=cfg["CONTENTLIB_OAI_PAGE_SIZE"],
                          work_url=lambda work_id: public_url("works.show", work_id=work_id),
                          secret_key=current_app.secret_key)


@bp.route("/oai", methods=["GET", "POST"])
@csrf.exempt  # harvesters POST form-encoded requests; nothing here changes state
def endpoint():
    args = request.values.to_dict(flat=False)  # POST bodies and query strings alike, repeats kept
    body = get_library().oai_response(repository(), args)
    return Response(body, mimetype="text/xml", headers={"Cache-Control": "no-cache"})
