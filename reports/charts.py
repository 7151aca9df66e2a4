"""Inline SVG charts as geometry: the template draws the rectangles, this module places them.

Two shapes: a vertical histogram of stacked bars (scores per band, split by verdict) and horizontal
100%-stacked bars (verdicts per component or per kind of change). Every segment carries its count and a
sentence for its ``<title>``; every chart has a data table next to it for screen readers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

STATUS_ORDER = ("eligible", "review", "blocked", "error")


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    w: float
    h: float
    status: str
    count: int
    title: str


@dataclass(frozen=True)
class Bar:
    label: str
    total: int
    segments: tuple[Segment, ...]
    label_x: float
    label_y: float
    counts: Mapping[str, int]


@dataclass(frozen=True)
class Tick:
    value: int
    x: float
    y: float


@dataclass(frozen=True)
class Marker:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: float
    plot_top: float
    plot_bottom: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    markers: tuple[Marker, ...]


def _scale(value: int) -> tuple[int, int]:
    """A round top for an axis that holds ``value`` and the step between at most five ticks."""
    if value <= 0:
        return 1, 1
    step = 1
    for magnitude in (10 ** k for k in range(10)):
        for factor in (1, 2, 5):
            step = factor * magnitude
            if math.ceil(value / step) <= 5:
                return step * math.ceil(value / step), step
    return value, value  # pragma: no cover - more than 10^10 users


def histogram(bins: Sequence[tuple[str, Mapping[str, int]]], markers: Mapping[int, str], *,
              width: int = 720, height: int = 300, noun: str = "users") -> Chart:
    """Vertical stacked bars, one per bin; ``markers``: bin index → label of a line drawn before that bin."""
    left, top, bottom = 52.0, 30.0, height - 62.0
    plot_w, plot_h = width - left - 8, bottom - top
    peak, step = _scale(max((sum(c.values()) for _, c in bins), default=0))
    slot = plot_w / max(len(bins), 1)
    bars = []
    for i, (label, counts) in enumerate(bins):
        x, y = left + i * slot + slot * 0.12, bottom
        segments = []
        for status in STATUS_ORDER:
            n = counts.get(status, 0)
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            segments.append(Segment(round(x, 2), round(y, 2), round(slot * 0.76, 2), round(h, 2), status, n,
                                    f"{label}: {n:,} {status} {noun}"))
        bars.append(Bar(label, sum(counts.values()), tuple(segments), round(left + (i + 0.5) * slot, 2),
                        bottom + 16, counts))
    ticks = tuple(Tick(v, left - 6, round(bottom - plot_h * v / peak, 2)) for v in range(0, peak + 1, step))
    lines = tuple(Marker(round(left + i * slot, 2), label) for i, label in sorted(markers.items()))
    return Chart(width, height, left, top, bottom, tuple(bars), ticks, lines)


def stacked_rows(rows: Sequence[tuple[str, Mapping[str, int]]], *, width: int = 720, row_height: int = 26,
                 label_width: int = 170, noun: str = "users") -> Chart:
    """Horizontal 100%-stacked bars, one per row (the label on the left, the total on the right)."""
    left, right = float(label_width), width - 64.0
    bars = []
    for i, (label, counts) in enumerate(rows):
        total = sum(counts.values())
        y, x = 6.0 + i * row_height, left
        segments = []
        for status in STATUS_ORDER:
            n = counts.get(status, 0)
            if not n or not total:
                continue
            w = (right - left) * n / total
            share = 100 * n / total
            segments.append(Segment(round(x, 2), y, round(w, 2), row_height - 8, status, n,
                                    f"{label}: {n:,} {status} ({share:.0f}%) of {total:,} {noun}"))
            x += w
        bars.append(Bar(label, total, tuple(segments), left - 8, y + row_height / 2, counts))
    height = int(12 + len(rows) * row_height)
    return Chart(width, height, left, 6.0, float(height), tuple(bars), (), ())
