"""Content-Disposition with RFC 5987 names, and single byte ranges."""

from urllib.parse import unquote

import pytest

from contentlib.media import RangeNotSatisfiable, content_disposition, content_range, parse_range


def filename_star(value):
    part = value.split("filename*=", 1)[1]
    assert part.startswith("UTF-8''")
    return unquote(part[len("UTF-8''"):], encoding="utf-8", errors="strict")


def test_ascii_name_is_plain():
    assert content_disposition("report-2024.pdf") == 'attachment; filename="report-2024.pdf"'
    assert content_disposition("a b.mp4", attachment=False) == 'inline; filename="a b.mp4"'


def test_tibetan_name_is_sent_as_written():
    name = "ལྟེ་ཉིང་ནང་རྫས།.mp4"
    value = content_disposition(name)
    assert value.startswith('attachment; filename="download.mp4"; ')
    assert filename_star(value) == name
    assert value.isascii()


def test_mixed_chinese_name_keeps_ascii_part_in_fallback():
    value = content_disposition("原子核 atom 2024.pdf")
    assert 'filename="atom 2024.pdf"' in value
    assert filename_star(value) == "原子核 atom 2024.pdf"
    assert " " not in value.split("filename*=", 1)[1]


def test_dangerous_characters_are_neutralised():
    value = content_disposition('../../etc/pa"ss\\wd;\r\nX-Evil: 1.txt')
    assert "\r" not in value and "\n" not in value
    fallback = value.split('filename="', 1)[1].split('"', 1)[0]
    assert "/" not in fallback and "\\" not in fallback and ";" not in fallback
    assert filename_star(value).startswith('wd;X-Evil')


@pytest.mark.parametrize("header,size,expected", [
    ("bytes=0-99", 1000, (0, 99)),
    ("bytes=500-", 1000, (500, 999)),
    ("bytes=-100", 1000, (900, 999)),
    ("bytes=-5000", 1000, (0, 999)),
    ("bytes=990-2000", 1000, (990, 999)),
    ("Bytes = 1 - 1", 1000, (1, 1)),
    (None, 1000, None), ("", 1000, None),
    ("bytes=0-1,5-6", 1000, None),  # several ranges: send it all
    ("items=0-1", 1000, None), ("bytes=abc", 1000, None), ("bytes=-", 1000, None),
    ("bytes=9-3", 1000, None),
])
def test_parse_range(header, size, expected):
    assert parse_range(header, size) == expected


@pytest.mark.parametrize("header,size", [("bytes=1000-", 1000), ("bytes=5000-6000", 1000),
                                         ("bytes=-0", 1000), ("bytes=0-", 0), ("bytes=-10", 0)])
def test_unsatisfiable_range(header, size):
    with pytest.raises(RangeNotSatisfiable) as err:
        parse_range(header, size)
    assert err.value.content_range == f"bytes */{size}"


def test_content_range():
    assert content_range(0, 99, 1000) == "bytes 0-99/1000"


def test_bidi_override_is_removed_but_tibetan_marks_stay():
    value = content_disposition("photo\u202egpj.exe")
    assert "%E2%80%AE" not in value and 'filename="photogpj.exe"' in value
    name = "བོད་\u0f7a\u0f7a.txt"  # unusual but as written: kept
    assert filename_star(content_disposition(name)) == name
