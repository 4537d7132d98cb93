"""Horizontal bar charts as numbers an SVG template draws: no script, no inline style (strict CSP)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 180
BAR_SPACE = 320  # the longest bar; the value is written after it
WIDTH = LABEL_WIDTH + BAR_SPACE + 80
MAX_LABEL = 26
MAX_BARS = 15  # a chart of more bars is unreadable; the table beside it has every row


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int | None
    y: int
    width: float


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int
    label_width: int = LABEL_WIDTH
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT


def short(label: str) -> str:
    """A label cut to fit the chart's label column."""
    return label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1] + "…"


def bar_chart(rows: Iterable[Any], value: Callable[[Any], Decimal | int | None],
              maximum: Decimal | int | None = None) -> Chart:
    """Bars for the first ``MAX_BARS`` rows, scaled to ``maximum`` (the largest value when None)."""
    values = [(row.label, value(row)) for row in list(rows)[:MAX_BARS]]
    top = maximum if maximum is not None else max((number for _label, number in values if number), default=0)
    bars = [Bar(short(label), number, index * (BAR_HEIGHT + GAP),
                round(float(number) / float(top) * BAR_SPACE, 1) if number and top else 0.0)
            for index, (label, number) in enumerate(values)]
    return Chart(bars, max(len(bars), 1) * (BAR_HEIGHT + GAP))
