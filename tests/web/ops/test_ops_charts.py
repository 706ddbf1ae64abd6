"""The server-drawn bar charts: bars scale to the largest value; hidden values draw no bar."""

from __future__ import annotations

from hub.web.ops.charts import BAR_AREA, bar_chart


def test_bars_scale_to_the_largest_value_and_suppressed_ones_say_so() -> None:
    chart = bar_chart(
        "c",
        "Enquiries",
        "Bars",
        [("Kent", 40.0), ("Medway", None), ("Surrey", 10.0)],
        suppressed=[False, True, False],
    )
    assert [(b.label, b.width, b.text) for b in chart.bars] == [
        ("Kent", BAR_AREA, "40"),
        ("Medway", 0, "suppressed"),
        ("Surrey", round(BAR_AREA / 4), "10"),
    ]
    assert chart.bars[2].y > chart.bars[1].y > chart.bars[0].y
    assert chart.height > chart.bars[-1].y


def test_long_labels_are_shortened_and_all_zero_draws_nothing() -> None:
    chart = bar_chart("c", "t", "d", [("A very long regional hub name indeed", 0.0)])
    assert chart.bars[0].label.endswith("…") and len(chart.bars[0].label) == 20
    assert chart.bars[0].width == 0 and chart.bars[0].text == "0"
