"""contentlib.filelock: one holder at a time across descriptors, released when the block ends."""

from contentlib.filelock import file_lock


def test_a_held_lock_is_busy_for_a_second_taker_until_released(tmp_path):
    path = tmp_path / "x.lock"
    with file_lock(path) as first:
        assert first is True
        with file_lock(path, blocking=False) as second:
            assert second is False
    with file_lock(path, blocking=False) as again:
        assert again is True
    assert path.stat().st_mode & 0o777 == 0o600
