"""The geometry of the dashboard's charts, drawn as inline SVG by the templates.

Pure arithmetic, no HTML: a chart is a box of `WIDTH` by `HEIGHT` user units (the
SVG's viewBox, scaled to the screen by CSS), a plot area inside margins that leave
room for the axis labels, and one column per week. The templates only place the
rectangles and labels computed here, so the geometry is tested without a browser.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 240
# Room for the value axis on the left and the week labels underneath.
LEFT, RIGHT, TOP, BOTTOM = 64, 8, 12, 30
# The share of a column its bar takes; the rest separates the weeks.
BAR_SHARE = 0.6
TICKS = 4
# Week labels legible side by side; beyond that, every other one (or fewer) is written.
MAX_LABELS = 13


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Column:
    """One week: its label, centred under the column, and its bar (or stack of bars)."""

    label: str
    label_x: float
    # False when too many weeks crowd the axis: the table beside still names every week.
    show_label: bool
    # One box per series, bottom first; a series with nothing in it has a zero-height box.
    boxes: list[Box]
    # No value at all (nothing was counted): the template says so rather than draw a zero.
    empty: bool


@dataclass(frozen=True)
class Tick:
    value: float
    y: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    baseline: float
    plot_left: float
    plot_right: float
    label_y: float
    columns: list[Column]
    ticks: list[Tick]


def bar_chart(
    labels: Sequence[str], values: Sequence[float | None], *, maximum: float | None = None
) -> Chart:
    """One bar per label; None is a week with nothing to measure. `maximum` fixes the scale
    (1.0 for rates, so 30 % looks like 30 % whatever the other weeks did)."""
    stacks = [[value] if value is not None else None for value in values]
    return stacked_bars(labels, stacks, maximum=maximum)


def stacked_bars(
    labels: Sequence[str],
    stacks: Sequence[Sequence[float] | None],
    *,
    maximum: float | None = None,
) -> Chart:
    """One stack per label, its series piled bottom first (sent, failed, skipped...)."""
    if len(labels) != len(stacks):
        raise ValueError("one label per column")
    if any(value < 0 for stack in stacks if stack for value in stack):
        raise ValueError("bars count things: no negative values")
    top = maximum if maximum is not None else _round_up(max(_sums(stacks), default=0))
    top = top if top > 0 else 1
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = HEIGHT - BOTTOM
    step = plot_width / len(labels) if labels else plot_width
    bar_width = step * BAR_SHARE
    every = -(-len(labels) // MAX_LABELS)
    columns = []
    for index, (label, stack) in enumerate(zip(labels, stacks, strict=True)):
        left = LEFT + index * step
        x = left + (step - bar_width) / 2
        boxes = []
        floor = float(baseline)
        for value in stack or ():
            height = min(value, top) / top * plot_height
            height = min(height, floor - TOP)  # a stack above the scale stops at the top
            boxes.append(Box(x, floor - height, bar_width, height))
            floor -= height
        columns.append(
            Column(label, left + step / 2, index % every == 0, boxes, empty=stack is None)
        )
    ticks = [Tick(top * i / TICKS, baseline - plot_height * i / TICKS) for i in range(TICKS + 1)]
    return Chart(
        WIDTH, HEIGHT, baseline, LEFT, WIDTH - RIGHT, baseline + BOTTOM - 8, columns, ticks
    )


def _sums(stacks: Sequence[Sequence[float] | None]) -> list[float]:
    return [sum(stack) for stack in stacks if stack]


def _round_up(value: float) -> float:
    """A scale whose ticks fall on round whole numbers: 1, 2, 3 or 5 times a power of ten."""
    magnitude = 1
    while True:
        for factor in (1, 2, 3, 5):
            if factor * magnitude * TICKS >= value:
                return float(factor * magnitude * TICKS)
        magnitude *= 10
