"""Draw the demo's short science animations and print its bilingual leaflets.

Everything is made by code so the repository holds no opaque media: each
animation is a few moving shapes under the work's Tibetan and Chinese titles
(shaped with libraqm), encoded as H.264 by PyAV at a low frame rate; its
subtitles are the work's own aligned FLORES-200 sentences; each leaflet is a
text PDF written by fpdf2 with HarfBuzz shaping, so its Tibetan can be
selected and searched. The same inputs give the same bytes.

Used by ``tools/build_demo.py``; needs the ``demo-build`` extra (fpdf2, uharfbuzz, fontTools).
"""

from __future__ import annotations

import datetime
import functools
import math
import re
from pathlib import Path

import av
from PIL import Image, ImageDraw

from contentlib.media.renditions import CJK_FONT, TIBETAN_FONT, _break_points, _font, _wrap

SIZE = (640, 360)
FPS = 8
TITLE_H = 112
SKY = (18, 32, 56)


# --- scenes: paint(draw, t, box) draws one frame's picture in box (x0, y0, x1, y1) ---

def _centre(box):
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _disc(draw, x, y, r, fill, outline=None):
    draw.ellipse((x - r, y - r, x + r, y + r), fill=fill, outline=outline)


def orbit(n=3, core=(235, 120, 60), body=(120, 200, 255), radius=95):
    """A core with bodies going round it: an atom, or the planets round the Sun."""
    def paint(draw, t, box):
        cx, cy = _centre(box)
        for i in range(n):
            rx, ry = radius * (0.55 + 0.45 * (i + 1) / n) * 1.6, radius * (0.35 + 0.2 * i / n)
            draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), outline=(70, 90, 130), width=2)
            a = t * (1.6 - 0.35 * i) + i * 2.1
            _disc(draw, cx + rx * math.cos(a), cy + ry * math.sin(a), 9 - i, body)
        _disc(draw, cx, cy, 26, core)
    return paint


def phases(light=(240, 236, 210), dark=(50, 58, 80)):
    """The Moon (or Venus) going through its phases, lit from the Sun at the left."""
    def paint(draw, t, box):
        cx, cy = _centre(box)
        _disc(draw, box[0] + 50, cy, 34, (255, 205, 60))
        phase = (t / 8.0) % 1.0  # 0 new, 0.5 full
        r = 70
        _disc(draw, cx + 60, cy, r, dark)
        k = math.cos(2 * math.pi * phase)  # 1 new … -1 full
        w = abs(k) * r
        lit_right = phase < 0.5
        half = (cx + 60 - r, cy - r, cx + 60 + r, cy + r)
        draw.pieslice(half, -90 if lit_right else 90, 90 if lit_right else 270, fill=light)
        colour = dark if k > 0 else light
        draw.ellipse((cx + 60 - w, cy - r, cx + 60 + w, cy + r), fill=colour)
    return paint


def rays(core=(255, 196, 40), ray=(255, 150, 30)):
    """A star or the Sun, pulsing and sending out light."""
    def paint(draw, t, box):
        cx, cy = _centre(box)
        r = 55 + 6 * math.sin(t * 3)
        for i in range(16):
            a = i * math.pi / 8 + t * 0.4
            r0, r1 = r + 12, r + 40 + 10 * math.sin(t * 4 + i)
            draw.line((cx + r0 * math.cos(a), cy + r0 * math.sin(a), cx + r1 * math.cos(a), cy + r1 * math.sin(a)),
                      fill=ray, width=4)
        _disc(draw, cx, cy, r, core)
    return paint


def waves(water=(40, 120, 190), thing=(200, 200, 210)):
    """Water with a floating needle riding the waves (surface tension), or a flowing river."""
    def paint(draw, t, box):
        x0, y0, x1, y1 = box
        level = y0 + (y1 - y0) * 0.55
        pts = [(x, level + 8 * math.sin(x / 40 + t * 2)) for x in range(x0, x1 + 1, 8)]
        draw.polygon(pts + [(x1, y1), (x0, y1)], fill=water)
        for j in range(6):
            x = (x0 + (j * 120 + t * 40) % (x1 - x0))
            draw.line((x, level + 40 + j * 6, x + 30, level + 40 + j * 6), fill=(120, 180, 230), width=2)
        nx = (x0 + x1) / 2
        ny = level + 8 * math.sin(nx / 40 + t * 2) - 4
        draw.line((nx - 90, ny, nx + 90, ny), fill=thing, width=5)
    return paint


def photons(atom=(110, 170, 255), photon=(255, 230, 90)):
    """Atoms giving off small wavy particles of light."""
    def paint(draw, t, box):
        x0, y0, x1, y1 = box
        cy = (y0 + y1) / 2
        for i, ax in enumerate((x0 + 110, x0 + 250)):
            _disc(draw, ax, cy + (i * 40 - 20), 30, atom)
            travel = (t * 70 + i * 90) % (x1 - ax - 40)
            sx = ax + 40 + travel
            pts = [(sx + k, cy + (i * 40 - 20) + 8 * math.sin(k / 5 + t * 6)) for k in range(0, 60, 3)]
            draw.line(pts, fill=photon, width=3)
    return paint


def bulb(glass=(255, 240, 150), base=(150, 150, 160)):
    """A light bulb that glows, flickers and goes out."""
    def paint(draw, t, box):
        cx, cy = _centre(box)
        on = (t % 6) < 4.5 and not (3.8 < t % 6 < 4.0)
        if on:
            for k in range(4, 0, -1):
                _disc(draw, cx, cy - 20, 60 + k * 14, (40 + k * 8, 40 + k * 8, 30))
        _disc(draw, cx, cy - 20, 60, glass if on else (90, 90, 80))
        draw.rectangle((cx - 26, cy + 35, cx + 26, cy + 80), fill=base)
        draw.line((cx - 15, cy - 10, cx, cy - 35, cx + 15, cy - 10), fill=(120, 80, 20), width=3)
    return paint


def heart(colour=(210, 40, 60), blood=(255, 90, 90)):
    """A beating heart with blood going round through the vessels."""
    def paint(draw, t, box):
        cx, cy = _centre(box)
        s = 1 + 0.12 * max(0.0, math.sin(t * 2 * math.pi * 1.1))
        r = 34 * s
        _disc(draw, cx - r * 0.7, cy - r * 0.4, r, colour)
        _disc(draw, cx + r * 0.7, cy - r * 0.4, r, colour)
        draw.polygon([(cx - r * 1.65, cy - r * 0.1), (cx + r * 1.65, cy - r * 0.1), (cx, cy + r * 1.9)], fill=colour)
        rx, ry = 230, 100
        draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), outline=(120, 40, 50), width=3)
        for i in range(10):
            a = t * 1.2 + i * math.pi / 5
            _disc(draw, cx + rx * math.cos(a), cy + ry * math.sin(a), 6, blood if math.cos(a) > 0 else (90, 110, 200))
    return paint


def cells(membrane=(120, 210, 140), nucleus=(60, 120, 80), count=7):
    """Cells drifting under a microscope, one dividing."""
    def paint(draw, t, box):
        x0, y0, x1, y1 = box
        for i in range(count):
            x = x0 + 50 + (i * 83 + t * (8 + i)) % (x1 - x0 - 100)
            y = y0 + 40 + (i * 47) % (y1 - y0 - 80) + 6 * math.sin(t + i)
            r = 22 + (i % 3) * 6
            _disc(draw, x, y, r, membrane)
            _disc(draw, x + 4, y - 3, r * 0.35, nucleus)
        cx, cy = _centre(box)
        split = 12 + 28 * (0.5 + 0.5 * math.sin(t * 0.8))
        for d in (-1, 1):
            _disc(draw, cx + d * split, cy, 36, membrane, outline=(40, 90, 60))
            _disc(draw, cx + d * split, cy, 12, nucleus)
    return paint


def magnet(north=(210, 60, 60), south=(60, 100, 210)):
    """A bar magnet with its field lines and particles following them."""
    def paint(draw, t, box):
        cx, cy = _centre(box)
        for k in range(1, 5):
            draw.ellipse((cx - 60 - k * 40, cy - k * 28, cx + 60 + k * 40, cy + k * 28), outline=(90, 100, 140), width=2)
            a = t * (1.5 / k) + k
            rx, ry = 60 + k * 40, k * 28
            _disc(draw, cx + rx * math.cos(a), cy + ry * math.sin(a), 5, (250, 230, 120))
        draw.rectangle((cx - 60, cy - 18, cx, cy + 18), fill=north)
        draw.rectangle((cx, cy - 18, cx + 60, cy + 18), fill=south)
    return paint


def comet(head=(230, 240, 255), tail=(120, 170, 255)):
    """A comet sweeping past the Earth."""
    def paint(draw, t, box):
        x0, y0, x1, y1 = box
        _disc(draw, x0 + 130, y1 - 80, 45, (60, 130, 220))
        p = (t / 10) % 1
        hx, hy = x1 - p * (x1 - x0 + 100), y0 + 40 + p * 120
        for k in range(12):
            _disc(draw, hx + k * 14, hy - k * 4, 12 - k, tail)
        _disc(draw, hx, hy, 13, head)
        for i in range(25):
            _disc(draw, x0 + (i * 97) % (x1 - x0), y0 + (i * 53) % (y1 - y0), 1.5, (200, 200, 220))
    return paint


def indicator():
    """Cabbage juice changing colour as acid or base is added."""
    def paint(draw, t, box):
        cx, cy = _centre(box)
        colours = [(220, 40, 70), (180, 60, 160), (110, 70, 190), (40, 120, 200), (40, 170, 120), (220, 210, 60)]
        for i, c in enumerate(colours):
            x = cx - 250 + i * 100
            level = 0.5 + 0.3 * math.sin(t * 1.3 + i)
            draw.rectangle((x - 30, cy - 70, x + 30, cy + 70), outline=(200, 200, 210), width=3)
            draw.rectangle((x - 27, cy + 70 - 137 * level, x + 27, cy + 67), fill=c)
    return paint


def plant(stem=(60, 160, 70), sun=(255, 205, 60)):
    """A plant growing towards the Sun, taking in light."""
    def paint(draw, t, box):
        x0, y0, x1, y1 = box
        draw.rectangle((x0, y1 - 30, x1, y1), fill=(110, 80, 50))
        _disc(draw, x1 - 80, y0 + 55, 36, sun)
        grow = min(1.0, t / 8)
        top = y1 - 30 - 190 * grow
        cx = (x0 + x1) / 2
        draw.line((cx, y1 - 30, cx, top), fill=stem, width=8)
        for k in range(int(grow * 5)):
            y = y1 - 60 - k * 36
            d = 1 if k % 2 else -1
            draw.ellipse((cx + (8 if d > 0 else -58), y - 12, cx + (58 if d > 0 else -8), y + 12), fill=stem)
        for i in range(6):
            f = ((t * 0.6 + i / 6) % 1)
            sx, sy = x1 - 80, y0 + 55
            draw.line((sx + (cx - sx) * f, sy + (top - sy) * f, sx + (cx - sx) * (f + 0.05), sy + (top - sy) * (f + 0.05)),
                      fill=(255, 240, 150), width=3)
    return paint


def moon(surface=(190, 190, 195), crater=(140, 140, 150)):
    """The Moon turning, its craters and ridges passing by."""
    def paint(draw, t, box):
        cx, cy = _centre(box)
        r = 110
        _disc(draw, cx, cy, r, surface)
        for i in range(9):
            a = t * 0.3 + i * 0.7
            x = math.cos(a) * r * 0.8
            if math.sin(a) > 0:  # only the craters on the near side
                _disc(draw, cx + x, cy - 70 + (i * 37) % 140, 8 + (i % 3) * 6, crater)
    return paint


def rain(cloud=(200, 205, 215), drop=(110, 170, 240)):
    """The water cycle: the Sun lifts water, clouds form, rain falls into a river."""
    def paint(draw, t, box):
        x0, y0, x1, y1 = box
        draw.rectangle((x0, y1 - 40, x1, y1), fill=(40, 110, 180))
        _disc(draw, x0 + 70, y0 + 50, 32, (255, 205, 60))
        cx = x0 + 320 + 40 * math.sin(t * 0.5)
        for dx in (-50, 0, 50):
            _disc(draw, cx + dx, y0 + 60, 38, cloud)
        for i in range(14):
            x = cx - 80 + (i * 13) % 160
            y = y0 + 100 + ((t * 90 + i * 23) % (y1 - y0 - 140))
            draw.line((x, y, x - 3, y + 12), fill=drop, width=3)
        for i in range(5):
            y = y1 - 40 - ((t * 30 + i * 25) % 120)
            _disc(draw, x0 + 150 + i * 18, y, 3, (170, 200, 240))
        if int(t * 2) % 9 == 0:
            draw.line((cx + 30, y0 + 90, cx + 10, y0 + 130, cx + 25, y0 + 130, cx, y0 + 175), fill=(255, 250, 180), width=4)
    return paint


def split(nucleus=(235, 120, 60), neutron=(170, 170, 180)):
    """A heavy nucleus hit by a neutron splits and sets energy free."""
    def paint(draw, t, box):
        cx, cy = _centre(box)
        p = (t % 5) / 5
        if p < 0.4:
            _disc(draw, cx - 250 + p / 0.4 * 200, cy, 9, neutron)
            _disc(draw, cx, cy, 50, nucleus)
        else:
            d = (p - 0.4) * 300
            _disc(draw, cx - d, cy - d * 0.3, 34, nucleus)
            _disc(draw, cx + d, cy + d * 0.3, 34, (220, 160, 70))
            for k in range(3):
                _disc(draw, cx + d * 1.4 * math.cos(k * 2.1), cy + d * 1.4 * math.sin(k * 2.1), 8, neutron)
            draw.ellipse((cx - d * 0.8, cy - d * 0.8, cx + d * 0.8, cy + d * 0.8), outline=(255, 230, 120), width=3)
    return paint


def germs(germ=(130, 200, 90), person=(230, 190, 150)):
    """Germs passing from one person to the next; soap and water wash them off."""
    def paint(draw, t, box):
        x0, y0, x1, y1 = box
        cy = (y0 + y1) / 2
        for px in (x0 + 110, x1 - 110):
            _disc(draw, px, cy - 40, 30, person)
            draw.rectangle((px - 30, cy - 8, px + 30, cy + 80), fill=person)
        washing = (t % 10) > 6
        for i in range(8):
            f = ((t * 0.25 + i / 8) % 1)
            x = x0 + 150 + f * (x1 - x0 - 300)
            y = cy - 30 + 25 * math.sin(t * 3 + i)
            if washing:
                _disc(draw, x, y, 10, (220, 235, 255), outline=(150, 190, 240))
            else:
                _disc(draw, x, y, 7, germ)
                for k in range(6):
                    a = k * math.pi / 3 + t
                    draw.line((x, y, x + 12 * math.cos(a), y + 12 * math.sin(a)), fill=germ, width=2)
    return paint


def mosquito(body=(60, 60, 60), wing=(200, 220, 240)):
    """A mosquito zigzagging, carrying a disease from one host to another."""
    def paint(draw, t, box):
        x0, y0, x1, y1 = box
        p = (t / 6) % 1
        x = x0 + 60 + p * (x1 - x0 - 120)
        y = (y0 + y1) / 2 + 50 * math.sin(t * 4) + 20 * math.sin(t * 11)
        flap = 10 * abs(math.sin(t * 30))
        draw.ellipse((x - 20, y - 6, x + 20, y + 6), fill=body)
        draw.ellipse((x - 8, y - 10 - flap, x + 8, y - 2), fill=wing)
        draw.ellipse((x - 2, y - 10 - flap, x + 14, y - 2), fill=wing)
        draw.line((x + 20, y, x + 34, y + 6), fill=body, width=2)
        for hx, c in ((x0 + 40, (200, 150, 120)), (x1 - 40, (230, 190, 150))):
            _disc(draw, hx, y1 - 60, 34, c)
    return paint


def quake(ground=(130, 100, 70), house=(220, 200, 160)):
    """A seismograph trace, and houses shaking as the ground moves."""
    def paint(draw, t, box):
        x0, y0, x1, y1 = box
        shake = 8 * math.sin(t * 25) * max(0.0, math.sin(t * 0.7)) ** 4
        draw.rectangle((x0, y1 - 60, x1, y1), fill=ground)
        for i in range(4):
            hx = x0 + 90 + i * 140 + shake
            draw.rectangle((hx - 30, y1 - 120, hx + 30, y1 - 60), fill=house)
            draw.polygon([(hx - 38, y1 - 120), (hx + 38, y1 - 120), (hx, y1 - 155)], fill=(170, 70, 60))
        pts = []
        for k in range(0, x1 - x0, 4):
            tt = t - (x1 - x0 - k) / 120
            amp = 40 * max(0.0, math.sin(tt * 0.7)) ** 4
            pts.append((x0 + k, y0 + 50 + amp * math.sin(tt * 25)))
        draw.line(pts, fill=(240, 90, 80), width=2)
    return paint


def shield(body=(120, 170, 240), germ=(150, 210, 90)):
    """A vaccine teaches the body's defenders to catch a germ."""
    def paint(draw, t, box):
        cx, cy = _centre(box)
        for i in range(6):
            a = t * 0.8 + i * math.pi / 3
            r = 120 - 40 * (0.5 + 0.5 * math.sin(t))
            x, y = cx + r * math.cos(a), cy + r * 0.6 * math.sin(a)
            draw.line((x, y, x + 12, y - 12), fill=body, width=4)
            draw.line((x + 12, y - 12, x + 22, y - 4), fill=body, width=4)
            draw.line((x + 12, y - 12, x + 4, y - 24), fill=body, width=4)
        _disc(draw, cx, cy, 22, germ)
        draw.rectangle((cx + 160, cy - 12, cx + 250, cy + 12), outline=(220, 220, 230), width=3)
        draw.line((cx + 150, cy, cx + 160, cy), fill=(220, 220, 230), width=3)
    return paint


def dinosaur(skin=(110, 150, 90), leaf=(70, 170, 80)):
    """A plant-eating dinosaur nodding at the leaves."""
    def paint(draw, t, box):
        x0, y0, x1, y1 = box
        bx, by = x0 + 260, y1 - 110
        draw.ellipse((bx - 110, by - 55, bx + 110, by + 55), fill=skin)
        nod = 12 * math.sin(t * 2)
        hx, hy = bx + 130, by - 30 + nod
        draw.polygon([(hx - 40, hy - 40), (hx + 50, hy), (hx - 30, hy + 35)], fill=skin)
        draw.line((hx - 10, hy - 20, hx + 30, hy - 50), fill=(230, 220, 200), width=5)
        for lx in (bx - 70, bx - 10, bx + 50):
            draw.rectangle((lx, by + 35, lx + 24, by + 85), fill=skin)
        for i in range(5):
            _disc(draw, x1 - 90 + 15 * math.sin(i), y0 + 60 + i * 30, 20, leaf)
    return paint


SCENES = {name: f() for name, f in (
    ("orbit", orbit), ("phases", phases), ("rays", rays), ("waves", waves), ("photons", photons), ("bulb", bulb),
    ("heart", heart), ("cells", cells), ("magnet", magnet), ("comet", comet), ("indicator", indicator),
    ("plant", plant), ("moon", moon), ("rain", rain), ("split", split), ("germs", germs),
    ("mosquito", mosquito), ("quake", quake), ("shield", shield), ("dinosaur", dinosaur))}
SCENES["solar"] = orbit(n=4, core=(255, 200, 50), body=(120, 170, 255), radius=110)


# --- subtitles ---

def cue_times(sentences: list[str], *, least=10.0, most=30.0) -> list[tuple[float, float]]:
    """Give each sentence time in proportion to its length, the whole lasting 10 to 30 s."""
    want = [min(9.0, max(4.0, 0.16 * len(s))) for s in sentences]
    total = min(most, max(least, sum(want)))
    scale = total / sum(want)
    times, start = [], 0.0
    for w in want:
        times.append((round(start, 3), round(start + w * scale, 3)))
        start += w * scale
    return times


def _stamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def webvtt(sentences: list[str], times: list[tuple[float, float]]) -> str:
    """WebVTT with one cue per sentence."""
    cues = [f"{i}\n{_stamp(a)} --> {_stamp(b)}\n{s}\n" for i, (s, (a, b)) in enumerate(zip(sentences, times), 1)]
    return "WEBVTT\n\n" + "\n".join(cues)


# --- the animation ---

def title_strip(titles: dict, width: int = SIZE[0], height: int = TITLE_H) -> Image.Image:
    """The titles band: up to two lines of Tibetan, then one of Chinese, shaped by libraqm."""
    from PIL import ImageFont

    im = Image.new("RGB", (width, height), (31, 58, 95))
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, height - 4, width, height), fill=(222, 160, 60))
    y = 6
    for lang, path, px, most, line_h, colour in (("bo", TIBETAN_FONT, 22, 2, 36, (255, 255, 255)),
                                                 ("zh", CJK_FONT, 20, 1, 28, (233, 238, 245))):
        text = (titles.get(lang) or "").strip()
        if not text:
            continue
        font = _font(str(path), px, ImageFont.Layout.RAQM)
        other = _font(str(CJK_FONT), round(px * 0.85), ImageFont.Layout.RAQM)
        lines = _wrap([(p, _length(p, font, other)) for p in _break_points(text)], width - 40)[:most]
        for line in lines:
            runs = _runs(line, font, other)
            x = (width - sum(f.getlength(r) for r, f in runs)) / 2
            for run, f in runs:  # a bracket or digit the Tibetan face lacks comes from the CJK face
                draw.text((x, y + (0 if f is font else round(px * 0.35))), run, font=f, fill=colour)
                x += f.getlength(run)
            y += line_h
    return im


@functools.lru_cache(maxsize=4)
def _cmap(path: str) -> frozenset:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(path, lazy=True).getBestCmap())


def _runs(text: str, font, other) -> list:
    """Split text into runs drawn by ``font``, or by ``other`` where ``font`` has no glyph."""
    have = _cmap(font.path)
    runs = []
    for ch in text:
        f = font if ord(ch) in have or ch.isspace() else other
        if runs and runs[-1][1] is f:
            runs[-1][0] += ch
        else:
            runs.append([ch, f])
    return [(r, f) for r, f in runs]


def _length(text: str, font, other) -> float:
    return sum(f.getlength(r) for r, f in _runs(text, font, other))


def animation(path: Path, titles: dict, scene: str, seconds: float) -> Path:
    """Write a ``seconds``-long 640x360 H.264 MP4 of ``scene`` under the titles."""
    strip = title_strip(titles)
    frames = max(1, round(seconds * FPS))
    paint = SCENES[scene]
    box = (0, TITLE_H, SIZE[0], SIZE[1])
    with av.open(str(path), "w", format="mp4",
                 container_options={"movflags": "+faststart", "fflags": "+bitexact"}) as out:
        out.metadata.clear()
        stream = out.add_stream("libx264", rate=FPS)
        stream.width, stream.height = SIZE
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": "30", "preset": "medium", "tune": "animation", "g": str(FPS * 4)}
        stream.codec_context.thread_count = 1  # one thread: the same bytes on every machine
        for i in range(frames):
            im = Image.new("RGB", SIZE, SKY)
            im.paste(strip, (0, 0))
            paint(ImageDraw.Draw(im), i / FPS, box)
            for packet in stream.encode(av.VideoFrame.from_image(im)):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


# --- the leaflet ---

def _tibetan_lines(pdf, text: str, width: float) -> list[str]:
    """Break Tibetan after a tsheg or a space (fpdf2 breaks only at spaces)."""
    lines, cur = [], ""
    for piece in re.findall(r"[^་ ]+[་ ]*|[་ ]+", text):
        if cur and pdf.get_string_width(cur + piece.rstrip()) > width:
            lines.append(cur)
            cur = piece
        else:
            cur += piece
    if cur:
        lines.append(cur)
    return lines


def _tibetan_cell(pdf, line: str, height: float) -> None:
    """Set one Tibetan line, marked with its text as written (PDF ActualText).

    A vowel drawn above a stack sits left of it, and a text extractor that orders
    glyphs by position reads it first; the marked text keeps copy, search and
    screen readers true to the sentence.
    """
    pdf._out("/Span <</ActualText <{}>>> BDC".format((b"\xfe\xff" + line.encode("utf-16-be")).hex().upper()))
    pdf.cell(0, height, line, new_x="LMARGIN", new_y="NEXT")
    pdf._out("EMC")


def leaflet(path: Path, titles: dict, bo: list[str], zh: list[str], note: str) -> int:
    """Write an A5 leaflet: each Tibetan sentence, then its Chinese, as real text; return its pages."""
    from fpdf import FPDF

    pdf = FPDF(format="A5")
    pdf.set_lang("bo")
    pdf.set_creation_date(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    pdf.set_producer("contentlib tools/build_demo.py")
    pdf.set_title(" · ".join(t for t in (titles.get("bo", "").strip(), titles.get("zh", "").strip()) if t))
    pdf.add_font("bo", fname=str(TIBETAN_FONT))
    pdf.add_font("zh", fname=str(CJK_FONT))
    pdf.set_text_shaping(True)
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_page()
    pdf.set_fill_color(31, 58, 95)
    pdf.rect(0, 0, pdf.w, 8, style="F")
    pdf.set_y(14)
    pdf.set_font("bo", size=15)
    for line in _tibetan_lines(pdf, titles["bo"], pdf.epw):
        _tibetan_cell(pdf, line, 10)
    pdf.set_font("zh", size=13)
    pdf.multi_cell(0, 8, titles["zh"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for b, z in zip(bo, zh):
        pdf.set_font("bo", size=12)
        for line in _tibetan_lines(pdf, b, pdf.epw):
            _tibetan_cell(pdf, line, 8.5)
        pdf.set_font("zh", size=10.5)
        pdf.multi_cell(0, 6, z, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.set_font("zh", size=7)
    pdf.set_text_color(90, 90, 90)
    pdf.multi_cell(0, 4, note, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return pdf.pages_count
