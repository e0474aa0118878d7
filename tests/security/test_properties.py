"""Keep them closed: property-based tests of the record parser, the search query parser, subtitles and OAI tokens.

Each parser either round-trips what it should, or fails only with its documented
error (``problems`` / ``JSONRefused`` for records, ``BadParameter`` for search
arguments, ``MediaRejected`` for subtitles, ``BadToken`` for OAI resumption
tokens and a protocol error for any OAI request) — never with anything else.
"""

from __future__ import annotations

import base64
import contextlib
import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentlib import jsonsafe, oai, oai_tokens, records
from contentlib.errors import BadParameter, MediaRejected
from contentlib.media import subtitles
from contentlib.model import CREATOR_ROLES, LANGUAGES, WORK_TYPES
from contentlib.search.query import clean, interpret
from contentlib.search_request import parse_search_args

EXAMPLES = 300
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text as people write it in the catalog: Tibetan, Chinese, Latin, digits, punctuation and spaces.
TEXT_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
text = st.text(TEXT_CHARS, max_size=40)
nonblank = text.filter(lambda s: s.strip())
ids = st.text(string.ascii_letters + string.digits + "._-", min_size=1, max_size=64)
lang_map = lambda values, **kw: st.dictionaries(st.sampled_from(LANGUAGES), values, **kw)  # noqa: E731


@st.composite
def valid_records(draw):
    rec = {"id": draw(ids), "type": draw(st.sampled_from(WORK_TYPES)),
           "titles": draw(lang_map(nonblank, min_size=1))}
    if draw(st.booleans()):
        rec["descriptions"] = draw(lang_map(text))
    if draw(st.booleans()):
        rec["keywords"] = draw(lang_map(st.lists(text, max_size=5)))
    if draw(st.booleans()):
        rec["year"] = draw(st.integers(1900, 2100))
    if draw(st.booleans()):
        rec["creators"] = draw(st.lists(st.fixed_dictionaries(
            {"name": lang_map(nonblank, min_size=1), "role": st.sampled_from(CREATOR_ROLES)}), max_size=3))
    if draw(st.booleans()):
        rec["license"] = draw(text)
    return rec


def _normal(rec: dict) -> dict:
    """What export writes for ``rec``: empty keyword lists and creators are left out, languages in order."""
    out = dict(rec)
    if "keywords" in out:
        out["keywords"] = {k: v for k, v in out["keywords"].items() if v}
        if not out["keywords"]:
            del out["keywords"]
    if not out.get("creators"):
        out.pop("creators", None)
    if not out.get("descriptions"):
        out.pop("descriptions", None)
    for name in ("titles", "descriptions", "keywords"):
        if name in out:
            present = {lang: out[name][lang] for lang in LANGUAGES if lang in out[name]}
            out[name] = present
    return out


@SETTINGS
@given(valid_records())
def test_a_valid_record_round_trips_through_json(rec):
    line = json.dumps(rec, ensure_ascii=False)
    work, files, problems = records.parse_record(jsonsafe.loads(line, 4 * 2 ** 20))
    assert problems == [] and files == []
    back = records.work_to_record(work)
    expected = _normal(rec)
    titles = {lang: t for lang, t in back["titles"].items()}
    back = {**back, "titles": titles}
    # A language with only a description or keywords has no title in the record: compare what exists.
    assert {k: v for k, v in back.items() if k != "titles"} == {k: v for k, v in expected.items() if k != "titles"}
    assert {k: v for k, v in titles.items() if v is not None} == expected["titles"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=30)
record_like = st.fixed_dictionaries({}, optional={
    "id": json_values | ids, "type": json_values | st.sampled_from(WORK_TYPES),
    "titles": json_values | lang_map(json_values), "descriptions": json_values | lang_map(json_values),
    "keywords": json_values | lang_map(json_values), "subjects": json_values, "year": json_values,
    "creators": json_values | st.lists(st.dictionaries(st.sampled_from(["name", "role", "x"]), json_values)),
    "media": json_values | st.lists(st.dictionaries(st.sampled_from(["path", "role", "lang", "sha256"]), json_values)),
    "duration_seconds": json_values, "pages": json_values, "source_url": json_values, "license": json_values})


@SETTINGS
@given(st.one_of(json_values, record_like))
def test_any_json_value_gives_problems_never_an_exception(value):
    work, files, problems = records.parse_record(value)
    assert (work is None) == bool(problems)
    for field, message in problems:
        assert isinstance(field, str) and isinstance(message, str)


@SETTINGS
@given(st.binary(max_size=300) | st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_any_line_bytes_are_read_into_problems(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("lines") / "x.jsonl"
    path.write_bytes(data.replace(b"\n", b" ") + b"\n")
    parsed, problems = records.read_file(path)
    assert all(str(p).split(": ", 2)[0].isdigit() for p in problems)


@SETTINGS
@given(st.text(max_size=300))
def test_jsonsafe_raises_only_its_own_error(text_):
    with contextlib.suppress(jsonsafe.JSONRefused):
        jsonsafe.loads(text_, 10_000)


# --- the search query parser -----------------------------------------------------------------

query_text = st.text(st.characters(codec="utf-8"), max_size=120) | st.text(
    "ཀཁགངཅ་།中国原子核zhongguo bod skad 0123 \t\n\"'()*?-+:~^", max_size=80)


@SETTINGS
@given(query_text)
def test_interpreting_any_query_never_raises(q):
    readings = interpret(q)
    assert clean(clean(q)) == clean(q)  # cleaning is idempotent
    for r in readings:
        assert r.script in ("bo", "zh", "ewts", "pinyin", "latin") and (r.terms or r.grams)


@SETTINGS
@given(st.dictionaries(st.sampled_from(["q", "page", "per_page", "type", "lang", "subject", "audience", "grade"]),
                       st.lists(query_text, max_size=3), max_size=6))
def test_search_arguments_raise_only_bad_parameter(args):
    from contentlib.vocabulary import load_shipped

    try:
        req = parse_search_args(args, load_shipped())
    except BadParameter:
        return
    assert 1 <= req.page <= 10_000 and 1 <= req.per_page <= 100 and len(req.q) <= 500


# --- the subtitle converter -------------------------------------------------------------------

cue_line = st.text(TEXT_CHARS, min_size=1, max_size=30).map(lambda s: " ".join(s.split())).filter(
    lambda s: s and "-->" not in s and not s.isdigit())


@st.composite
def cue_lists(draw):
    cues, t = [], 0
    for _ in range(draw(st.integers(1, 6))):
        start = t + draw(st.integers(0, 5000))
        end = start + draw(st.integers(0, 10_000))
        cues.append(subtitles.Cue(start, end, tuple(draw(st.lists(cue_line, min_size=1, max_size=3)))))
        t = end
    return cues


def _srt_time(ms):
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def _srt(cues):
    return "\n".join(f"{i}\n{_srt_time(c.start_ms)} --> {_srt_time(c.end_ms)}\n" + "\n".join(c.lines) + "\n"
                     for i, c in enumerate(cues, 1))


@SETTINGS
@given(cue_lists())
def test_srt_round_trips_and_converts_to_the_same_webvtt_cues(cues):
    data = _srt(cues).encode("utf-8")
    assert subtitles.parse_srt(subtitles.decode_utf8(data)) == cues
    vtt = subtitles.srt_to_vtt(data)
    back = subtitles.parse_vtt(subtitles.decode_utf8(vtt))
    assert [(c.start_ms, c.end_ms) for c in back] == [(c.start_ms, c.end_ms) for c in cues]
    assert [tuple(line.replace("--&gt;", "-->") for line in c.lines) for c in back] == [c.lines for c in cues]
    assert subtitles.validate(vtt, "vtt") == len(cues)


@SETTINGS
@given(st.binary(max_size=400) | st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass"))
       | st.text("0123456789:,.-> \n\r\tWEBVT", max_size=200).map(str.encode))
def test_any_subtitle_bytes_are_accepted_or_refused_with_media_rejected(data):
    for fmt in ("srt", "vtt"):
        with contextlib.suppress(MediaRejected):
            subtitles.validate(data, fmt)
    with contextlib.suppress(MediaRejected):
        subtitles.srt_to_vtt(data)


@pytest.mark.parametrize("data", [b"WEBVTT\n\n00:00.000 --> 00:01.000\n", b"1\n99:59:59,999 --> 00:00:00,000\nx\n"])
def test_edge_subtitles_do_not_crash(data):
    for fmt in ("srt", "vtt"):
        with contextlib.suppress(MediaRejected):
            subtitles.validate(data, fmt)


# --- OAI-PMH resumption tokens and arguments ----------------------------------------------------

OAI_KEY = b"k" * 32
legal_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")).filter(
    lambda c: c not in "\ufffe\uffff"), min_size=1, max_size=40)
times = st.floats(min_value=-62135596800, max_value=253402300800, allow_nan=False)
positions = st.builds(
    oai_tokens.Query, st.just("oai_dc"), st.none() | legal_text, st.none() | times, st.none() | times,
    st.none() | st.tuples(times, legal_text), st.integers(0, 2 ** 53), st.integers(0, 2 ** 53))


@SETTINGS
@given(positions)
def test_a_token_round_trips_its_position(query):
    assert oai_tokens.Query.from_token(query.token(OAI_KEY), OAI_KEY, oai.FORMATS) == query


def _signed(payload: str) -> str:
    return f"{payload}.{oai_tokens._mac(OAI_KEY, payload)}"


def _b64(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


token_text = (st.text(max_size=300) | st.text(string.ascii_letters + string.digits + "_-.=", max_size=300)
              | json_values.map(_b64) | json_values.map(lambda v: _b64(v) + "." + "A" * 43))


odd_time = st.none() | times | st.floats() | st.integers() | st.booleans() | st.text(max_size=5)
odd_count = st.integers() | st.booleans() | st.floats() | st.none()
near_positions = st.tuples(  # the shape of ours, with any value in each field
    st.sampled_from(["oai_dc", "marc21", ""]) | json_values, st.none() | legal_text | json_values, odd_time, odd_time,
    st.none() | st.tuples(odd_time, legal_text | json_values).map(list) | json_values, odd_count, odd_count).map(list)


@SETTINGS
@given(token_text | json_values.map(lambda v: _signed(_b64(v))) | near_positions.map(lambda v: _signed(_b64(v))))
def test_any_token_is_refused_with_bad_token_or_read_within_bounds(token):
    """Forged, random or signed-but-odd: BadToken, or a position whose every field is in bounds."""
    try:
        query = oai_tokens.Query.from_token(token, OAI_KEY, oai.FORMATS)
    except oai_tokens.BadToken:
        return
    assert query.prefix in oai.FORMATS and type(query.cursor) is int and type(query.total) is int
    assert 0 <= query.cursor <= oai_tokens.MAX_COUNT and 0 <= query.total <= oai_tokens.MAX_COUNT
    for t in (query.start, query.end, *(query.after[:1] if query.after else ())):
        assert t is None or oai_tokens.MIN_TIME <= t <= oai_tokens.MAX_TIME


class _EmptyStore:
    """No works and no tombstones: lists match nothing, identifiers exist not."""

    def vocabulary(self):
        from contentlib.vocabulary import load_shipped

        return load_shipped()

    def count_changed(self, **_):
        return 0

    def changed_after(self, *_, **__):
        return []

    def tombstones(self, *_):
        return []

    def tombstone(self, _):
        return None

    def get_works(self, _):
        return []

    def earliest_change(self):
        return None, None


OAI_NAMES = st.sampled_from(["verb", "metadataPrefix", "identifier", "set", "from", "until", "resumptionToken"])
OAI_VALUES = (st.sampled_from(["Identify", "ListRecords", "ListIdentifiers", "GetRecord", "ListSets",
                               "ListMetadataFormats", "oai_dc", "2020-01-01", "0000-01-01", "type:video"])
              | st.text(max_size=60) | token_text)


@SETTINGS
@given(st.dictionaries(OAI_NAMES | st.text(max_size=8), st.lists(OAI_VALUES, min_size=1, max_size=2), max_size=5))
def test_any_oai_request_gets_an_oai_answer(args):
    from defusedxml.ElementTree import fromstring

    repo = oai.Repository("t", "http://x/oai", "a@b.c", "x", lambda i: i, page_size=2, secret_key="k" * 32)
    root = fromstring(oai.Handler(_EmptyStore(), repo).respond(args))
    errors = root.findall("{http://www.openarchives.org/OAI/2.0/}error")
    assert {e.get("code") for e in errors} <= {"badVerb", "badArgument", "badResumptionToken", "cannotDisseminateFormat",
                                               "idDoesNotExist", "noRecordsMatch", "noSetHierarchy"}
