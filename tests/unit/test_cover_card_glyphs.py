"""Cover cards draw every character of a title: Han characters outside GB2312 (榅, 桲, 䲟) take the extra CJK font."""

from __future__ import annotations

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from contentlib.media import renditions

RARE = "榅桲䲟"
NOTDEF = "\ue000"  # private use: no bundled font has it, so it is drawn as the .notdef box


def _glyph(ch: str, font) -> Image.Image:
    im = Image.new("L", (96, 96), 0)
    ImageDraw.Draw(im).text((8, 80), ch, font=font, fill=255, anchor="ls")
    return im


def _ink(im: Image.Image) -> int:
    return sum(im.histogram()[129:])


@pytest.fixture
def chain():
    layout = ImageFont.Layout.RAQM if renditions.has_raqm() else ImageFont.Layout.BASIC
    return [ImageFont.truetype(str(renditions.CJK_FONT), 64, layout_engine=layout),
            ImageFont.truetype(str(renditions.CJK_EXTRA_FONT), 64, layout_engine=layout)]


def test_each_rare_character_is_drawn_by_a_font_that_has_it_not_as_a_box(chain):
    tofu = _glyph(NOTDEF, chain[0])
    for ch in RARE + "榅桲的" + "䲟鱼":
        [(run, font)] = renditions.font_runs(ch, chain)
        assert ord(ch) in renditions.covered(font.path), ch
        drawn = _glyph(ch, font)
        assert _ink(drawn) > 40, ch  # not empty
        assert ImageChops.difference(drawn, tofu).getbbox() is not None, ch  # not the .notdef box
    assert [f for _, f in renditions.font_runs("核桃和榅桲", chain)] == [chain[0], chain[1]]  # 榅桲 only


@pytest.mark.parametrize("titles", [{"zh": "榅桲"}, {"zh": "䲟鱼的吸盘", "bo": "ཉ་"}, {"en": "Quince 榅桲"}])
def test_a_card_with_rare_characters_is_not_a_card_of_boxes(titles):
    card = renditions.cover_card_image(titles)
    boxes = renditions.cover_card_image({lang: "".join(NOTDEF if c in RARE else c for c in t)
                                         for lang, t in titles.items()})
    assert ImageChops.difference(card, boxes).getbbox() is not None  # the rare characters are drawn, not boxed
    blank = renditions.cover_card_image({lang: " " for lang in titles} | {"zh": "。"})
    assert ImageChops.difference(card, blank).getbbox() is not None
