"""Chart geometry for inline SVG drawn on the server: month bars and lines, and horizontal bars.

No script, no web font of its own: the template writes ``<rect>``, ``<polyline>`` and
``<text>`` from these numbers, and the browser sets the labels in the page's fonts (the
self-hosted Tibetan face shapes Tibetan). Coordinates are in the SVG's user units;
the chart is drawn 1:1 up to its width and scales down. A chart 640 units wide would
shrink its 13-unit labels to 6 px on a 360 px phone, so every chart is also drawn
``NARROW`` (340 units: near 1:1 there, fewer month labels, bar labels above their bars),
and the page shows the one that fits (reports.css).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH = 640
NARROW = 340     # a phone's content width, so labels keep their size there
FONT = 13        # label size in user units
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 12, 44
LABEL_SPACE = 46  # user units a month label needs; closer ones are thinned out


def _left(width: int) -> int:
    """Room for the tick values: less on a narrow chart, whose plot needs every unit."""
    return LEFT if width >= WIDTH else 40


@dataclass
class Series:
    key: str          # css class suffix and CSV column
    name: str         # translated
    values: list[float]


@dataclass
class Chart:
    width: int
    height: int
    plot: tuple[float, float, float, float]       # x0, y0, x1, y1
    ticks: list[tuple[float, float]] = field(default_factory=list)   # (y, value)
    xlabels: list[dict] = field(default_factory=list)               # x, text, sub
    bars: list[dict] = field(default_factory=list)                  # x, y, w, h, key, title
    lines: list[dict] = field(default_factory=list)                 # points, key, name, dots
    rows: list[dict] = field(default_factory=list)                  # horizontal bars: y, label, bar, value
    series: list[Series] = field(default_factory=list)
    empty: bool = False


def nice_max(value: float, ticks: int = 4) -> tuple[float, float]:
    """A round top for the axis at or above ``value``, and its tick step."""
    if value <= 0:
        return 1.0, 1.0 if ticks <= 1 else 0.25
    raw = value / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        step = m * magnitude
        if step >= raw:
            break
    if step < 1 and value >= 1:
        step = 1.0
    return step * math.ceil(value / step), step


def _y_axis(chart: Chart, top_value: float, step: float) -> None:
    x0, y0, x1, y1 = chart.plot
    v = 0.0
    while v <= top_value + 1e-9:
        chart.ticks.append((y1 - (y1 - y0) * v / top_value, v))
        v += step


def _x_labels(chart: Chart, labels: list[tuple[str, str]], slot: float) -> None:
    """Month labels under the slots; every k-th when they would not fit."""
    x0 = chart.plot[0]
    every = max(1, math.ceil(len(labels) * LABEL_SPACE / (chart.plot[2] - x0)))
    for i, (text, sub) in enumerate(labels):
        if i % every == 0 or (sub and i > 0 and labels[i - 1][1] != sub):
            chart.xlabels.append({"x": x0 + slot * (i + 0.5), "text": text,
                                  "sub": sub if i == 0 or labels[i - 1][1] != sub else ""})


def month_bars(labels: list[tuple[str, str]], series: list[Series], stacked: bool = True,
               height: int = 240, width: int = WIDTH) -> Chart:
    """Bars per month: stacked (parts of a whole) or side by side (figures to compare)."""
    chart = Chart(width, height, (_left(width), TOP, width - RIGHT, height - BOTTOM), series=series)
    n = max(len(labels), 1)
    totals = [sum(s.values[i] for s in series) for i in range(n)] if stacked else \
        [max((s.values[i] for s in series), default=0) for i in range(n)]
    top_value, step = nice_max(max(totals, default=0))
    chart.empty = not any(totals)
    _y_axis(chart, top_value, step)
    x0, y0, x1, y1 = chart.plot
    slot = (x1 - x0) / n
    scale = (y1 - y0) / top_value
    for i in range(len(labels)):
        base = y1
        width = slot * 0.7 / (1 if stacked else len(series))
        for j, s in enumerate(series):
            v = s.values[i]
            h = v * scale
            x = x0 + slot * i + slot * 0.15 + (0 if stacked else j * width)
            y = base - h if stacked else y1 - h
            if v:
                chart.bars.append({"x": round(x, 2), "y": round(y, 2), "w": round(width, 2), "h": round(h, 2),
                                   "key": s.key, "name": s.name, "value": v, "label": labels[i]})
            if stacked:
                base -= h
    _x_labels(chart, labels, slot)
    return chart


def month_lines(labels: list[tuple[str, str]], series: list[Series], height: int = 240,
                width: int = WIDTH) -> Chart:
    """A line per series over the months (totals that grow, shares)."""
    chart = Chart(width, height, (_left(width), TOP, width - RIGHT, height - BOTTOM), series=series)
    n = max(len(labels), 1)
    top_value, step = nice_max(max((v for s in series for v in s.values), default=0))
    chart.empty = not any(v for s in series for v in s.values)
    _y_axis(chart, top_value, step)
    x0, y0, x1, y1 = chart.plot
    slot = (x1 - x0) / n
    for s in series:
        dots = [{"x": round(x0 + slot * (i + 0.5), 2), "y": round(y1 - (y1 - y0) * v / top_value, 2), "value": v,
                 "label": labels[i]} for i, v in enumerate(s.values)]
        chart.lines.append({"key": s.key, "name": s.name, "dots": dots,
                            "points": " ".join(f"{d['x']},{d['y']}" for d in dots)})
    _x_labels(chart, labels, slot)
    return chart


def horizontal_bars(rows: list[tuple[str, float, str | None]], label_width: int = 250, row: int = 30,
                    width: int = WIDTH) -> Chart:
    """One bar per row and its label (any script, any language): ``(label, value, lang)``.

    Wide, the label stands to the left of its bar; narrow, there is no room beside it, so it
    stands above the bar and the bar takes the whole width.
    """
    above = width < WIDTH
    if above:
        label_width, row = 8, 48
    height = TOP + row * max(len(rows), 1) + 8
    x0, x1 = label_width, width - 48
    chart = Chart(width, height, (x0, TOP, x1, height - 8))
    top_value = max((v for _, v, _ in rows), default=0) or 1
    chart.empty = not any(v for _, v, _ in rows)
    for i, (label, value, lang) in enumerate(rows):
        y = TOP + row * i
        bar_h = row * (0.34 if above else 0.62)
        bar_y = y + row * (0.56 if above else 0.19)
        chart.rows.append({"y": y, "mid": round(bar_y + bar_h / 2, 2), "label": label, "lang": lang, "value": value,
                           "w": round((x1 - x0) * value / top_value, 2), "h": round(bar_h, 2),
                           "bar_y": round(bar_y, 2),
                           "label_x": x0 if above else x0 - 8, "label_y": round(y + row * 0.3, 2) if above
                           else round(bar_y + bar_h / 2, 2), "anchor": "start" if above else "end"})
    return chart
