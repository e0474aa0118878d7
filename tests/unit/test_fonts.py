"""The shipped Tibetan web font, its CSS and its papers.

The font checks need fontTools and brotli (the ``dev`` extra); without them
they are skipped, the file and CSS checks still run.
"""

import re
import struct
from pathlib import Path

import pytest

from contentlib.fonts import FONT_TEST_STRING_BO, TIBETAN_FONT_FAMILY, TIBETAN_FONT_FILE

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "catalog" / "static"
FONT = STATIC / TIBETAN_FONT_FILE
CSS = STATIC / "css" / "fonts.css"
README = STATIC / "fonts" / "README.md"
SOURCE_TTF = Path("/usr/share/fonts/truetype/noto/NotoSerifTibetan-Regular.ttf")


def test_font_is_woff2_and_within_its_share_of_the_page_budget():
    data = FONT.read_bytes()
    signature, _flavor, length = struct.unpack(">4sII", data[:12])
    assert signature == b"wOF2"
    assert length == len(data)
    # 200 KB per first load, fonts included; the Tibetan font may take 150 KiB.
    assert len(data) <= 150 * 1024


def test_licence_and_readme_ship_with_the_font():
    ofl = (STATIC / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in ofl
    assert "Copyright 2018 Google LLC" in ofl
    assert "must be distributed entirely under this license" in ofl
    readme = README.read_text(encoding="utf-8")
    assert FONT_TEST_STRING_BO in readme
    assert "--layout-features='*'" in readme


def test_readme_command_is_the_one_the_script_runs():
    script = (ROOT / "tools" / "subset_fonts.sh").read_text(encoding="utf-8")
    readme = README.read_text(encoding="utf-8")
    unicodes = re.search(r"--unicodes='([^']+)'", script).group(1)
    assert f"--unicodes='{unicodes}'" in readme


def _css():
    return CSS.read_text(encoding="utf-8")


def test_css_font_face_points_at_the_shipped_file_by_relative_url():
    face = re.search(r"@font-face\s*{(.*?)}", _css(), re.S).group(1)
    url = re.search(r'url\("([^"]+)"\)', face).group(1)
    assert url.startswith("../")
    assert (CSS.parent / url).resolve() == FONT.resolve()
    assert f'font-family: "{TIBETAN_FONT_FAMILY}"' in face
    assert "font-display: swap" in face
    # Only the Tibetan block triggers the download.
    assert re.search(r"unicode-range:\s*U\+0F00-0FFF;", face)


def test_css_custom_properties_and_language_rules():
    css = _css()
    bo = re.search(r"--font-bo:([^;]+);", css).group(1)
    assert bo.split(",")[0].strip() == f'"{TIBETAN_FONT_FAMILY}"'
    zh = [f.strip() for f in re.search(r"--font-zh:([^;]+);", css).group(1).split(",")]
    assert zh == ['"Noto Sans CJK SC"', '"Source Han Sans SC"', '"PingFang SC"',
                  '"Microsoft YaHei"', "sans-serif"]
    rule_bo = re.search(r":lang\(bo\)\s*{(.*?)}", css, re.S).group(1)
    assert "font-family: var(--font-bo)" in rule_bo
    assert "line-height: var(--font-bo-line-height)" in rule_bo
    assert re.search(r"--font-bo-line-height:\s*1\.9;", css)
    assert "word-break: normal" in rule_bo
    assert "overflow-wrap: anywhere" in rule_bo
    rule_zh = re.search(r":lang\(zh\)\s*{(.*?)}", css, re.S).group(1)
    assert "font-family: var(--font-zh)" in rule_zh


def _load_font():
    pytest.importorskip("brotli")
    ttLib = pytest.importorskip("fontTools.ttLib")
    return ttLib.TTFont(FONT)


def test_font_maps_the_whole_tibetan_block_the_source_maps():
    font = _load_font()
    cmap = font.getBestCmap()
    assert all(ord(c) in cmap for c in FONT_TEST_STRING_BO)
    for cp in (0x0F0B, 0x0F40, 0x0F90, 0x0FB1, 0x0F72, 0x25CC, 0x200D, 0x00A0):
        assert cp in cmap, hex(cp)
    if SOURCE_TTF.exists():
        from fontTools.ttLib import TTFont

        source = TTFont(SOURCE_TTF).getBestCmap()
        block = {cp for cp in source if 0x0F00 <= cp <= 0x0FFF}
        assert block <= set(cmap)


def test_font_keeps_every_layout_feature_that_builds_stacks():
    font = _load_font()
    for table, expected in (("GSUB", {"ccmp", "abvs", "blws", "calt"}),
                            ("GPOS", {"kern", "mark", "mkmk"})):
        tags = {r.FeatureTag for r in font[table].table.FeatureList.FeatureRecord}
        assert expected <= tags, table
    assert "GDEF" in font
    # The stack ligatures are most of the font: a subset that lost the GSUB
    # closure would have a few hundred glyphs, not ~1,900.
    assert len(font.getGlyphOrder()) > 1800
