"""Fixtures of the security suite: the sample catalog, one user per role, their API tokens."""

from __future__ import annotations

import io

import pytest

from contentlib import accounts
from tests.conftest import PASSWORD


@pytest.fixture
def world(catalog_loaded, users):
    """The loaded sample catalog, users teacher/editor/reviewer/admin/editor2 and their API tokens."""
    res = catalog_loaded.extensions["contentlib"]
    names = ("teacher", "editor", "reviewer", "admin", "editor2")
    return {"app": catalog_loaded, "res": res, "store": res.store,
            "token": {n: accounts.issue_token(res.store, n) for n in names}}


def upload(client, world, name, data, who="editor", work="t-book", lang="bo", role=None):
    """Upload a file to a version through the editor API, with ``who``'s token."""
    form = {"file": (io.BytesIO(data), name)}
    if role:
        form["role"] = role
    return client.post(f"/api/v1/works/{work}/versions/{lang}/media", data=form,
                       content_type="multipart/form-data", headers=bearer(world, who))


def bearer(world, who):
    return {"Authorization": "Bearer " + world["token"][who]}


def login(client, name, password=PASSWORD):
    """Log in through the real form (CSRF token included); return the response."""
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token})


def png_bytes(tmp_path, name="secret-draft.png", size=(64, 40)) -> bytes:
    from tests.unit import media_samples as ms

    return ms.make_image(tmp_path / name, "PNG", size=size).read_bytes()
