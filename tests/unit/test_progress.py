"""The progress display of long commands: a redrawn bar on a terminal, a few plain lines otherwise."""

import io

from contentlib.progress import Reporter, bar, human, line


def test_bar_and_line_formats():
    assert bar("reindex", 4, 10, width=10) == "reindex [####......]  40% 4/10"
    assert bar("reindex", 12, 10, width=10).startswith("reindex [##########] 100%")
    assert bar("reindex", 7, None) == "reindex 7"
    assert line("export", 1, 3) == "export: 1 of 3 (33%)"
    assert line("export", 5, None) == "export: 5"
    assert line("writing", 1536, 3 * 1024 * 1024, unit="bytes") == "writing: 1.5 KB of 3.0 MB (0%)"
    assert human(512) == "512 B" and human(5 * 1024 ** 3) == "5.0 GB"


def test_a_terminal_gets_one_bar_redrawn_in_place_then_a_newline():
    out = io.StringIO()
    with Reporter("reindex", stream=out, tty=True) as progress:
        for n in range(1, 5):
            progress(n, 4)
    text = out.getvalue()
    assert text.count("\r") == 4 and text.count("\n") == 1 and text.endswith("\n")
    assert text.rstrip("\n").rsplit("\r", 1)[-1].startswith("reindex [" + "#" * 30 + "] 100% 4/4")


def test_a_new_stage_ends_the_bar_of_the_previous_one_and_names_itself():
    out = io.StringIO()
    with Reporter("import", stream=out, tty=True, units={"reading": "bytes"}) as progress:
        progress(2048, 2048, "reading")
        progress(1, 2, "derived files")
    first, second = out.getvalue().split("\n")[:2]
    assert "import reading [" in first and "2.0 KB/2.0 KB" in first
    assert "import derived files [" in second and "1/2" in second


def test_plain_lines_come_each_tenth_and_at_the_end_not_for_every_call():
    out = io.StringIO()
    progress = Reporter("export", stream=out, tty=False, every=3600)
    for n in range(1, 1001):
        progress(n, 1000)
    lines = out.getvalue().splitlines()
    assert lines[0] == "export: 1 of 1000 (0%)" and lines[-1] == "export: 1000 of 1000 (100%)"
    assert len(lines) == 11  # 0%, 10%, ... 100%
    assert "\r" not in out.getvalue()
    progress(1000, 1000)  # said once already
    assert len(out.getvalue().splitlines()) == 11


def test_without_a_total_a_line_comes_every_few_seconds():
    now = [0.0]
    out = io.StringIO()
    progress = Reporter("reindex", stream=out, tty=False, every=5.0, clock=lambda: now[0])
    for n in range(1, 101):
        now[0] = n * 0.5  # one call each half second: 50 seconds in all
        progress(n, None)
    lines = out.getvalue().splitlines()
    assert 9 <= len(lines) <= 11 and lines[0] == "reindex: 1"
