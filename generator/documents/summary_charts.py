"""The summaries' charts: completion by unit and by target, sized to the 版心.

matplotlib is imported when a chart is drawn, not when the registry is loaded.

For a few dozen units a chart is split into parts of a readable size (图1（1/3）…);
for more (``MANY_UNITS``), the by-unit chart becomes the lowest and highest units and
the distribution of all, every unit in the statistics workbook: neither a picture's
pixel size nor the number of pictures grows with the number of units.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from generator.documents.summary_parts import UNIT_SHEET, percent, statistics_name
from generator.model.evaluation import DONE, PhaseResult, TargetResult, UnitResult
from generator.model.resolved import Plan

CHART_WIDTH_MM = 150.0
# A chart, its caption and the blank line above it fit one 225 mm 版心 with room to spare.
CHART_MAX_HEIGHT_MM = 190.0

# Up to this many reporting units, every unit has its bar (at most four chart pages);
# beyond it, the lowest and highest ``EXTREMES`` and the distribution.
MANY_UNITS = 50
EXTREMES = 10
# The distribution's classes: none done, then by the rate as printed (``percent``) in
# fifths of 100% (each from its lower bound up to, not including, the next), all done.
CLASSES = ("0%", "不足20%", "20%～40%", "40%～60%", "60%～80%", "80%～100%", "100%")
Series = tuple[list[str], list[float], str]


def charts(plan: Plan, result: PhaseResult, year_end: bool = False) -> list[dict[str, Any]]:
    """Completion by unit and by target (named by its short name), as pictures.

    Both are 单位任务完成率 -- the figure the text defines -- and none before any return.
    Without a Chinese font the labels would be boxes: then the Word summary goes
    without charts (the CLI says so) -- the statistics workbook keeps its native charts.
    """
    from generator.render.charts import FIGURE_WIDTH, bar_chart, chart_parts

    units = result.reported
    if not units or not chinese_font_available():
        return []
    span = "全年" if year_end else result.phase.name
    targets = [(plan.short(t.target), target_pair_rate(t)) for t in result.targets]
    series: list[tuple[Series, bool]] = [
        *unit_series(units),
        (
            (
                [name for name, _ in targets],
                [rate * 100 for _, rate in targets],
                "各台账目标完成情况（单位任务完成率）",
            ),
            True,
        ),
    ]
    pictures = []
    with figures_released() as release:
        for number, ((names, values, caption), rates) in enumerate(series, 1):
            parts = chart_parts(names, CHART_MAX_HEIGHT_MM / CHART_WIDTH_MM * FIGURE_WIDTH)
            for index, part in enumerate(parts, 1):
                chart = bar_chart(
                    [names[i] for i in part],
                    {"完成率" if rates else "单位数": [values[i] for i in part]},
                    title="",  # the caption below the picture names it
                    value_label="单位任务完成率（%）" if rates else "单位数（个）",
                    percent=rates,
                )
                release()
                # Split charts keep one figure number: 图1（1/3）, 图1（2/3）, …
                of = f"（{index}/{len(parts)}）" if len(parts) > 1 else ""
                text = f"图{number} {span}{caption}{of}"
                picture = chart.as_picture(CHART_WIDTH_MM, text)
                pictures.append({"picture": picture, "caption": text})
    return pictures


def many_units(result: PhaseResult) -> bool:
    """Too many reporting units for a bar each: the extremes and the distribution."""
    return len(result.reported) > MANY_UNITS


def unit_series(units: list[UnitResult]) -> list[tuple[Series, bool]]:
    """The by-unit charts' (names, values, caption), and whether the values are rates."""
    if len(units) <= MANY_UNITS:
        every = ([u.unit.name for u in units], [u.rate * 100 for u in units])
        return [((*every, "各单位台账完成情况（单位任务完成率）"), True)]
    # Units of equal rate keep the plan's order, lowest and highest alike.
    ranked = sorted(units, key=lambda u: u.rate)
    lowest = ranked[:EXTREMES]
    highest = sorted(units, key=lambda u: -u.rate)[:EXTREMES]
    counts = [0] * len(CLASSES)
    for unit in units:
        counts[rate_class(unit.rate)] += 1
    return [
        *(
            (
                ([u.unit.name for u in chosen], [u.rate * 100 for u in chosen], caption),
                True,
            )
            for chosen, caption in (
                (lowest, f"单位任务完成率最低的{EXTREMES}个单位"),
                (highest, f"单位任务完成率最高的{EXTREMES}个单位"),
            )
        ),
        ((list(CLASSES), [float(c) for c in counts], "各单位完成率分布（单位数）"), False),
    ]


def rate_class(rate: float) -> int:
    """The unit's class in ``CLASSES``, by its rate as the summaries print it (``percent``,
    one decimal): a unit printed at 20.0% is not counted 不足20%."""
    if rate <= 0:
        return 0
    if rate >= 1:
        return len(CLASSES) - 1
    printed = float(percent(rate).rstrip("%"))
    return 1 + min(4, int(printed // 20))


def unit_rates_notes(result: PhaseResult, charted: bool) -> list[str]:
    """For many units, the sentence ending the figures: what the charts show instead of
    every unit, and where every unit is -- the statistics workbook issued with the
    summary (a table of thousands of rows would make the 公文 itself too big)."""
    if not many_units(result):
        return []
    where = f"各单位完成情况详见《{statistics_name(result)}》（“{UNIT_SHEET}”表）。"
    if not charted:
        return [where]
    return [
        f"因单位较多，图1、图2分别列出单位任务完成率最低、最高的{EXTREMES}个单位"
        "（完成率相同的按单位顺序），图3为各单位完成率的分布（各段含下限、不含上限），" + where
    ]


@contextmanager
def figures_released() -> Iterator[Callable[[], int]]:
    """A function freeing the charts drawn so far, cheaply.

    A matplotlib figure is a reference cycle (figure, canvas, renderer): it and its pixel
    buffer (1260 × 1596 px RGBA, 8 MB) wait for Python's cyclic collector, which runs the
    more rarely the bigger the heap is -- with thousands of units' results, dozens of
    drawn charts' buffers were most of the summary's peak memory. Everything alive before
    the charts (the plan, the results) is frozen meanwhile, so each collection after a
    chart scans only the objects made since, not the whole heap.
    """
    gc.freeze()
    try:
        yield gc.collect
    finally:
        gc.unfreeze()


def target_pair_rate(target: TargetResult) -> float:
    statuses = target.unit_statuses()
    return len(target.units_with(DONE)) / len(statuses) if statuses else 0.0


def chinese_font_available() -> bool:
    from generator.render.charts import ChartFontError, find_cjk_font  # matplotlib: when drawn

    try:
        find_cjk_font()
    except ChartFontError:
        return False
    return True
