"""The few lines ``contentlib serve`` prints first: where the data lives, the address, how to log in."""

from __future__ import annotations

from sqlalchemy.engine import make_url


def banner(app, host: str, port: int) -> list[str]:
    """Say where the data is, the URL, and how to log in (or how to make the first admin)."""
    cfg = app.config
    url = make_url(cfg["CONTENTLIB_DATABASE_URL"])
    database = url.database if url.drivername.startswith("sqlite") else url.render_as_string(hide_password=True)
    with app.app_context():
        lib = app.extensions["contentlib"]
        admins, works = lib.accounts.admins(), lib.count_works()
        public, name = lib.site.public_url(), lib.site.name()
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    lines = [f"contentlib: {name}, {works} works",
             f"  database  {database}",
             f"  media     {cfg['CONTENTLIB_MEDIA_DIR']}",
             f"  index     {cfg['CONTENTLIB_INDEX_DIR']}",
             f"  open      http://{shown}:{port}/"]
    if public:
        lines.append(f"  handouts  QR codes point at {public}/ (the public address)")
    else:
        lines.append(f"  handouts  QR codes point at the address a browser opened (http://{shown}:{port}/ here): "
                     f"set a public address at http://{shown}:{port}/admin/settings")
    if admins:
        lines.append(f"  log in    http://{shown}:{port}/login as {', '.join(admins[:3])}")
    else:
        lines.append("  no account yet: make admin NAME=you PASSWORD='at least 8 characters'"
                     " (or .venv/bin/contentlib users create NAME --role admin)")
    lines.append("  stop      Ctrl+C")
    return lines
