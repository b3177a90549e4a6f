"""The dashboard charts' geometry (admin/charts.py): where each bar goes, how tall it is."""

from __future__ import annotations

import pytest

from admin.charts import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, bar_chart, stacked_bars

PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
BASELINE = HEIGHT - BOTTOM


def test_a_rate_chart_scales_to_one_and_leaves_unmeasured_weeks_empty() -> None:
    chart = bar_chart(["05/10", "12/10", "19/10", "26/10"], [0.5, 1.0, None, 0.0], maximum=1.0)

    step = PLOT_WIDTH / 4
    assert [c.label for c in chart.columns] == ["05/10", "12/10", "19/10", "26/10"]
    assert [c.label_x for c in chart.columns] == [LEFT + step * (i + 0.5) for i in range(4)]
    half, full, nothing, zero = chart.columns
    assert half.boxes[0].height == pytest.approx(PLOT_HEIGHT / 2)
    assert half.boxes[0].y + half.boxes[0].height == pytest.approx(BASELINE)
    assert half.boxes[0].width == pytest.approx(step * 0.6)
    assert half.boxes[0].x == pytest.approx(LEFT + step * 0.2)
    assert full.boxes[0].y == pytest.approx(TOP)
    assert nothing.empty
    assert nothing.boxes == []
    assert not zero.empty
    assert zero.boxes[0].height == 0
    assert [tick.value for tick in chart.ticks] == [0, 0.25, 0.5, 0.75, 1.0]
    assert chart.ticks[0].y == BASELINE
    assert chart.ticks[-1].y == TOP


def test_stacked_bars_pile_up_from_the_baseline_on_a_round_scale() -> None:
    chart = stacked_bars(["a", "b"], [[3, 1, 2], None])

    # Six reminders at most: the scale ends at 8, two per tick.
    assert [tick.value for tick in chart.ticks] == [0, 2, 4, 6, 8]
    sent, failed, skipped = chart.columns[0].boxes
    unit = PLOT_HEIGHT / 8
    assert sent.height == pytest.approx(3 * unit)
    assert sent.y + sent.height == pytest.approx(BASELINE)
    assert failed.y + failed.height == pytest.approx(sent.y)
    assert failed.height == pytest.approx(unit)
    assert skipped.y + skipped.height == pytest.approx(failed.y)
    assert skipped.y == pytest.approx(BASELINE - 6 * unit)
    assert chart.columns[1].empty


def test_a_long_range_writes_every_other_week_label() -> None:
    chart = bar_chart([str(n) for n in range(20)], [0.5] * 20, maximum=1.0)
    assert [c.label for c in chart.columns if c.show_label] == [str(n) for n in range(0, 20, 2)]
    assert all(c.show_label for c in bar_chart(["a"] * 13, [0.5] * 13).columns)


@pytest.mark.parametrize(
    ("largest", "top"), [(0, 4), (4, 4), (5, 8), (13, 20), (43, 80), (999, 1200)]
)
def test_the_scale_of_counts_ends_on_a_round_number(largest: int, top: int) -> None:
    assert stacked_bars(["w"], [[largest]]).ticks[-1].value == top


def test_a_value_above_a_fixed_scale_stops_at_the_top_and_bad_input_is_refused() -> None:
    chart = bar_chart(["w"], [1.5], maximum=1.0)
    assert chart.columns[0].boxes[0].y == pytest.approx(TOP)
    with pytest.raises(ValueError, match="one label"):
        bar_chart(["a"], [1, 2])
    with pytest.raises(ValueError, match="negative"):
        stacked_bars(["a"], [[-1]])
