"""Accounts on the real SQLite store: hashing, roles, tokens, login rate limit."""

import pytest

from contentlib import accounts
from contentlib.errors import InvalidRecord, TooManyAttempts
from contentlib.store import Store
from contentlib.tables import users


@pytest.fixture
def store(tmp_path):
    s = Store.from_url(f"sqlite:///{tmp_path / 'db.sqlite'}")
    yield s
    s.close()


def test_passwords_are_hashed_and_checked(store):
    accounts.create_user(store, "dolma", "editor", "correct horse")
    with store.engine.connect() as conn:
        stored = conn.execute(users.select()).first().password_hash
    assert "correct horse" not in stored
    assert accounts.authenticate(store, "dolma", "correct horse", "1.2.3.4") == accounts.User("dolma", "editor")
    assert accounts.authenticate(store, "dolma", "wrong", "1.2.3.4") is None
    assert accounts.authenticate(store, "nobody", "wrong", "1.2.3.4") is None


def test_bad_users_are_refused(store):
    with pytest.raises(InvalidRecord) as exc:
        accounts.create_user(store, "a b", "wizard", "short")
    assert {f for f, _ in exc.value.problems} == {"name", "role", "password"}
    accounts.create_user(store, "dolma", "editor", "correct horse")
    with pytest.raises(InvalidRecord):
        accounts.create_user(store, "dolma", "teacher", "correct horse")


def test_five_failures_in_fifteen_minutes_lock_name_and_address(store):
    accounts.create_user(store, "dolma", "editor", "correct horse")
    for i in range(5):
        assert accounts.authenticate(store, "dolma", "bad", "1.2.3.4", now=1000 + i) is None
    with pytest.raises(TooManyAttempts):
        accounts.authenticate(store, "dolma", "correct horse", "1.2.3.4", now=1010)
    assert accounts.authenticate(store, "dolma", "correct horse", "5.6.7.8", now=1010)  # other address
    assert accounts.authenticate(store, "dolma", "correct horse", "1.2.3.4", now=1005 + 15 * 60)


def test_tokens_are_stored_hashed_and_replaced(store):
    accounts.create_user(store, "dolma", "editor", "correct horse")
    token = accounts.issue_token(store, "dolma")
    with store.engine.connect() as conn:
        assert token not in str(conn.execute(users.select()).first())
    assert accounts.user_for_token(store, token).name == "dolma"
    newer = accounts.issue_token(store, "dolma")
    assert accounts.user_for_token(store, token) is None and accounts.user_for_token(store, newer)


def test_admin_can_do_everything_and_roles_only_their_part():
    admin, teacher = accounts.User("a", "admin"), accounts.User("t", "teacher")
    assert all(admin.can(p) for p in accounts.PERMISSIONS)
    assert teacher.can("lists") and not teacher.can("edit") and not teacher.can("review")
    assert accounts.User("r", "reviewer").can("review") and not accounts.User("r", "reviewer").can("edit")
