"""Simple bar charts as server-rendered SVG (no JavaScript, nothing from another site).

The geometry is worked out here and drawn by ``ops/_bar_chart.html``, in the pages' font stack
and brand colour (``hub/web/shared/brand.py``: no GDS Transport off GOV.UK). Each chart has a
``<title>`` and ``<desc>`` and sits next to the table it is drawn from, so a screen reader
user reads the table; suppressed values (counts under 5) have no bar and say so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

ROW_HEIGHT = 28
LABEL_WIDTH = 150
BAR_AREA = 190
VALUE_WIDTH = 80
TOP = 8
MAX_LABEL = 20


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    text: str  # the value as shown (or "suppressed", "no data")
    y: int
    width: int  # 0 when there is no value to draw


@dataclass(frozen=True, slots=True)
class BarChart:
    id: str
    title: str
    desc: str
    bars: tuple[Bar, ...]
    height: int
    label_width: int = LABEL_WIDTH
    bar_area: int = BAR_AREA

    @property
    def width(self) -> int:
        return self.label_width + self.bar_area + VALUE_WIDTH


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    values: Sequence[tuple[str, float | None]],
    *,
    show: Callable[[float], str] = lambda v: f"{v:,.0f}",
    suppressed: Sequence[bool] = (),
) -> BarChart:
    """A horizontal bar per (label, value); bars scale to the largest value."""
    top = max((v for _, v in values if v is not None), default=0.0)
    bars = []
    for i, (label, value) in enumerate(values):
        hidden = i < len(suppressed) and suppressed[i]
        if value is None:
            text = "suppressed" if hidden else "no data"
            width = 0
        else:
            text = show(value)
            width = round(BAR_AREA * value / top) if top > 0 else 0
        bars.append(Bar(_short(label), text, TOP + i * ROW_HEIGHT, width))
    return BarChart(chart_id, title, desc, tuple(bars), TOP * 2 + ROW_HEIGHT * max(len(bars), 1))
