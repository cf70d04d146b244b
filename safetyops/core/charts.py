"""Charts for PDFs as hand-built SVG strings (WeasyPrint draws inline SVG itself).

Every <text> names the vendored font explicitly, so that the charts embed the same CJK font as
the text and never fall back to a system font. Sizes are in SVG user units on a 640-unit-wide
canvas that the PDF draws 166 mm wide: 12 units is about 9 pt on paper.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

FONT = "SafetyOps Sans"
WIDTH = 640
INK = "#222222"
GRID = "#d9d9d9"
AXIS = "#555555"
BLUE = "#2f5597"
GREEN = "#3a8a4f"
RED = "#c00000"
ORANGE = "#d9822b"


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: Sequence[int]


def _text(x: float, y: float, content: str, *, size: int = 12, anchor: str = "start", colour: str = INK,
          weight: int = 400) -> str:  # fmt: skip
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" font-weight="{weight}" '
        f'fill="{colour}" text-anchor="{anchor}">{escape(content)}</text>'
    )


def _nice_max(value: int, ticks: int = 5) -> tuple[int, int]:
    """A round axis maximum ≥ value and its step: 0-5-10-15-20-25, 0-20-40 ..."""
    if value <= 0:
        return ticks, 1
    raw = value / ticks
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        step = max(1, int(factor * magnitude))
        if step * ticks >= value:
            return step * ticks, step
    return value, max(1, value // ticks)  # not reached


def _text_width(content: str, size: int) -> float:
    """Rough width: CJK characters are one em, digits and Latin letters about half."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.56 for ch in content)


def _legend(series: Sequence[Series], right: float, y: float) -> str:
    parts, x = [], right
    for item in reversed(series):
        label_width = _text_width(item.name, 12)
        x -= label_width
        parts.append(_text(x, y + 10, item.name, size=12))
        x -= 18
        parts.append(f'<rect x="{x:.1f}" y="{y}" width="13" height="11" fill="{item.colour}"/>')
        x -= 16
    return "".join(parts)


def _svg(height: float, body: str, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="{WIDTH}" height="{height:.0f}" role="img" aria-label="{escape(title)}">'
        f'<rect x="0" y="0" width="{WIDTH}" height="{height:.0f}" fill="#ffffff"/>{body}</svg>'
    )


def line_chart(title: str, labels: Sequence[str], series: Sequence[Series], *, sublabels: Sequence[str] = ()) -> str:
    """A line chart over categories (months) with values at each point, a y axis with grid and a legend."""
    height, top, bottom, left, right = 270, 42, 46, 44, WIDTH - 16
    plot_h = height - top - bottom
    top_value, step = _nice_max(max((v for s in series for v in s.values), default=0))
    n = len(labels)
    slot = (right - left) / max(n, 1)
    parts = [_text(4, 18, title, size=14, weight=700), _legend(series, right, 8)]
    for tick in range(0, top_value + 1, step):
        y = top + plot_h - plot_h * tick / top_value
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{GRID}" stroke-width="0.8"/>')
        parts.append(_text(left - 6, y + 4, str(tick), size=11, anchor="end", colour=AXIS))
    base = top + plot_h
    parts.append(f'<line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="{AXIS}" stroke-width="1"/>')
    for i, label in enumerate(labels):
        x = left + slot * (i + 0.5)
        parts.append(_text(x, base + 16, label, size=11, anchor="middle"))
        if i < len(sublabels) and sublabels[i]:
            parts.append(_text(x, base + 31, sublabels[i], size=10, anchor="middle", colour=AXIS))
    for s_index, item in enumerate(series):
        points = [
            (left + slot * (i + 0.5), top + plot_h - plot_h * value / top_value) for i, value in enumerate(item.values)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{item.colour}" stroke-width="2.2"/>')
        for (x, y), value in zip(points, item.values, strict=True):
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.2" fill="{item.colour}"/>')
            # The first series labels above its points, the second below, so that they do not collide.
            dy = -7 if s_index == 0 else 15
            if value:
                parts.append(_text(x, y + dy, str(value), size=10, anchor="middle", colour=item.colour))
    return _svg(height, "".join(parts), title)


def hbar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    notes: Sequence[str] = (),
    note_title: str = "",
) -> str:
    """Horizontal grouped bars: one row per label, one bar per series, the value at the end of each
    bar, and an optional note column on the right (e.g. the rectification rate)."""
    bar_h, gap = 11, 9
    row_h = bar_h * len(series) + gap
    label_w = max((_text_width(label, 12) for label in labels), default=40) + 12
    note_w = 64 if notes else 0
    left, right, top = max(label_w, 60), WIDTH - 34 - note_w, 56
    height = top + row_h * len(labels) + 26
    top_value, step = _nice_max(max((v for s in series for v in s.values), default=0))
    plot_w = right - left
    parts = [_text(4, 18, title, size=14, weight=700), _legend(series, WIDTH - 4, 8)]
    base = top + row_h * len(labels)
    for tick in range(0, top_value + 1, step):
        x = left + plot_w * tick / top_value
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{base}" stroke="{GRID}" stroke-width="0.8"/>')
        parts.append(_text(x, base + 15, str(tick), size=11, anchor="middle", colour=AXIS))
    parts.append(f'<line x1="{left}" y1="{top - 4}" x2="{left}" y2="{base}" stroke="{AXIS}" stroke-width="1"/>')
    if notes and note_title:
        parts.append(_text(WIDTH - 8, top - 8, note_title, size=11, anchor="end", weight=700))
    for row, label in enumerate(labels):
        y0 = top + row_h * row + gap / 2
        parts.append(_text(left - 8, y0 + bar_h * len(series) / 2 + 4, label, size=12, anchor="end"))
        for s_index, item in enumerate(series):
            value = item.values[row]
            y = y0 + bar_h * s_index
            w = plot_w * value / top_value
            if value:
                parts.append(
                    f'<rect x="{left}" y="{y:.1f}" width="{w:.1f}" height="{bar_h - 1}" fill="{item.colour}"/>'
                )
                parts.append(_text(left + w + 4, y + bar_h - 2, str(value), size=10, colour=item.colour))
        if row < len(notes):
            parts.append(_text(WIDTH - 8, y0 + bar_h * len(series) / 2 + 4, notes[row], size=11, anchor="end"))
    return _svg(height, "".join(parts), title)
