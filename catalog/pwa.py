"""The site as an installable web app: its manifest, its service worker and the page for "no connection".

The service worker (``static/js/sw.js``) is served from the site's root so that its
scope is every page. It keeps only what a visitor asked to keep on the phone
(``static/js/keep.js``) and never a private page or a ``Cache-Control: private``
response; it is re-read on every visit (``no-cache``) so a new version takes over.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, send_from_directory, url_for

bp = Blueprint("pwa", __name__)


@bp.get("/manifest.webmanifest")
def manifest():
    from flask_babel import get_locale, gettext

    icons = [{"src": url_for("static", filename=f"icons/icon-{size}.png"), "sizes": f"{size}x{size}",
              "type": "image/png"} for size in (192, 512)]
    response = jsonify({"name": gettext("Science Library"), "short_name": gettext("Science Library"),
                        "lang": str(get_locale() or "bo").replace("_", "-"), "start_url": url_for("browse.home"),
                        "scope": "/", "display": "standalone", "background_color": "#ffffff",
                        "theme_color": "#1f3a5f", "icons": icons})
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
def service_worker():
    response = send_from_directory(current_app.static_folder, "js/sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/no-connection")
def offline():
    """What a page that was not kept says when there is no connection (the service worker keeps a copy)."""
    return render_template("pwa/offline.html")
