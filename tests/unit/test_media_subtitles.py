"""Subtitles: SRT to WebVTT, UTF-8 only, text carried over byte for byte."""

import pytest
import webvtt

from contentlib.errors import MediaRejected
from contentlib.media import convert_srt_file, srt_to_vtt
from contentlib.media.subtitles import parse_srt, validate
from tests.unit import media_samples as ms


def test_srt_to_vtt_keeps_tibetan_bytes_exactly():
    out = srt_to_vtt(ms.SRT.encode("utf-8"))
    assert out.startswith(b"WEBVTT\n\n")
    assert ms.TIBETAN.encode("utf-8") in out
    assert ms.CHINESE.encode("utf-8") + b"\n<i>\xe0\xbd\x96\xe0\xbd\xbc\xe0\xbd\x91\xe0\xbc\x8b" in out
    assert b"00:00:01.000 --> 00:00:03.500\n" in out
    assert b"00:00:04.000 --> 00:00:06.250\n" in out
    assert b"\r" not in out and b"," not in out.split(b"\n")[2]


def test_converted_vtt_parses_with_webvtt_py():
    doc = webvtt.from_string(srt_to_vtt(ms.SRT.encode("utf-8")).decode("utf-8"))
    assert ["\n".join(c.lines) for c in doc.captions] == [ms.TIBETAN, ms.CHINESE + "\n<i>བོད་ཡིག</i>"]
    assert [(c.start, c.end) for c in doc.captions] == [("00:00:01.000", "00:00:03.500"),
                                                        ("00:00:04.000", "00:00:06.250")]


def test_decomposed_tibetan_is_not_normalised():
    # U+0F71 U+0F72 (decomposed vowel) must stay as written, not be NFC/NFD'd.
    text = "ཀཱི"
    srt = f"1\n00:00:00,000 --> 00:00:01,000\n{text}\n".encode()
    assert text.encode("utf-8") in srt_to_vtt(srt)


def test_bom_and_missing_index_are_tolerated():
    srt = "\ufeff00:00:01,5 --> 00:00:02,000\nབཀྲ་ཤིས་བདེ་ལེགས།\n".encode("utf-8")
    assert srt_to_vtt(srt) == "WEBVTT\n\n00:00:01.500 --> 00:00:02.000\nབཀྲ་ཤིས་བདེ་ལེགས།\n".encode()


def test_arrow_in_cue_text_is_escaped():
    srt = b"1\n00:00:00,000 --> 00:00:01,000\nA --> B\n"
    assert b"A --&gt; B" in srt_to_vtt(srt)


def test_blank_line_inside_a_cue_stays_with_it():
    cues = parse_srt("1\n00:00:00,000 --> 00:00:01,000\nline one\n\nline two\n\n2\n00:00:02,000 --> 00:00:03,000\nnext\n")
    assert [c.lines for c in cues] == [("line one", "line two"), ("next",)]


@pytest.mark.parametrize("encoding", ["utf-16", "gb18030", "big5"])
def test_non_utf8_is_refused(encoding):
    text = ms.SRT if encoding == "utf-16" else "1\n00:00:01,000 --> 00:00:02,000\n中文字幕測試\n"
    with pytest.raises(MediaRejected, match="UTF-8|NUL"):
        srt_to_vtt(text.encode(encoding))


def test_cue_ending_before_it_starts_is_refused():
    with pytest.raises(MediaRejected, match="ends before"):
        srt_to_vtt(b"1\n00:00:05,000 --> 00:00:01,000\nback\n")


def test_convert_srt_file_writes_atomically(tmp_path):
    src = tmp_path / "bo.srt"
    src.write_bytes(ms.SRT.encode("utf-8"))
    out = tmp_path / "bo.vtt"
    assert convert_srt_file(src, out) == 2
    assert out.read_bytes() == srt_to_vtt(src.read_bytes())
    bad = tmp_path / "bad.srt"
    bad.write_bytes(b"\xff\xfe garbage")
    with pytest.raises(MediaRejected):
        convert_srt_file(bad, tmp_path / "bad.vtt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.srt", "bo.srt", "bo.vtt"]


def test_validate_vtt():
    assert validate(ms.VTT.encode("utf-8"), "vtt") == 2
    with pytest.raises(MediaRejected, match="WEBVTT"):
        validate(b"NOT VTT\n", "vtt")
