"""HTML building blocks of the report: escaping (every text from the dataset goes through
``esc``), numbers as printed, and bar charts drawn as inline SVG."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Final

from parsers.numbers import percent as as_percent
from parsers.numbers import plain
from pipeline.review.display import visible


def esc(value: object) -> str:
    """Text from the dataset, safe in element content and in quoted attribute values, with
    control and bidi characters shown (``⟨U+202E⟩``), never applied."""
    return html.escape("" if value is None else visible(str(value), newlines=True), quote=True)


def num(value: Decimal | int | float | None) -> str:
    """A number as printed: no exponent, no trailing zeros ("95", "9.41")."""
    if value is None:
        return ""
    return plain(value if isinstance(value, Decimal) else Decimal(value))


def percent(ratio: Decimal | None) -> str:
    return "" if ratio is None else as_percent(ratio)


SCORE_BINS: Final = ("<60", "60–70", "70–80", "80–90", "90–100", ">100")
RATE_BINS: Final = (*(f"{i * 10}–{i * 10 + 10}" for i in range(10)), ">100")  # per cent


def score_bin(score: Decimal) -> int:
    """<60, [60,70), [70,80), [80,90), [90,100], >100."""
    if score < 60:
        return 0
    if score > 100:
        return 5
    return min(int((score - 60) // 10) + 1, 4)


def rate_bin(rate: Decimal) -> int:
    """[0,10%), … [90%,100%], >100% (a negative rate counts in the first bin)."""
    if rate > 1:
        return 10
    return max(0, min(int(rate * 10), 9))


def bar_chart(chart_id: str, title: str, labels: Sequence[str], counts: Sequence[int], bad: set[int]) -> str:
    """A bar chart as inline SVG (labels are ours; counts are numbers)."""
    width, height, left, right, top, bottom = 560, 236, 40, 10, 16, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(counts, default=0)
    step = max(1, math.ceil(peak / 5)) if peak else 1
    y_max = max(step * math.ceil(peak / step), 1)
    band = plot_w / len(counts)
    out = [
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{esc(title)}"><title>{esc(title)}</title>'
    ]
    for v in range(0, y_max + 1, step):
        y = top + plot_h - plot_h * v / y_max
        out.append(
            f'<line class="gl" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{v}</text>'
        )
    for i, (label, count) in enumerate(zip(labels, counts, strict=True)):
        h = plot_h * count / y_max
        x = left + band * i + band * 0.15
        y = top + plot_h - h
        cls = "bar bad" if i in bad else "bar"
        out.append(
            f'<rect class="{cls}" x="{x:.1f}" y="{y:.1f}" width="{band * 0.7:.1f}" height="{h:.1f}">'
            f"<title>{esc(label)}：{count}</title></rect>"
        )
        if count:
            out.append(
                f'<text class="val" x="{x + band * 0.35:.1f}" y="{y - 3:.1f}" '
                f'text-anchor="middle">{count}</text>'
            )
        out.append(
            f'<text class="lab" x="{left + band * (i + 0.5):.1f}" y="{top + plot_h + 16}" '
            f'text-anchor="middle">{esc(label)}</text>'
        )
    out.append(
        f'<line class="axis" x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}"/></svg>'
    )
    return "".join(out)
