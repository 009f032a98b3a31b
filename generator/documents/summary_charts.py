"""The summaries' charts: completion by unit and by target, sized to the 版心.

matplotlib is imported when a chart is drawn, not when the registry is loaded.

For many units a chart is split into parts of a readable size (图1（1/3）…), so a
picture's pixel size never grows with the number of units.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from generator.model.evaluation import DONE, PhaseResult, TargetResult
from generator.model.resolved import Plan

CHART_WIDTH_MM = 150.0
# A chart, its caption and the blank line above it fit one 225 mm 版心 with room to spare.
CHART_MAX_HEIGHT_MM = 190.0


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
    series = (
        (
            [u.unit.name for u in units],
            [u.rate * 100 for u in units],
            "各单位台账完成情况（单位任务完成率）",
        ),
        (
            [name for name, _ in targets],
            [rate * 100 for _, rate in targets],
            "各台账目标完成情况（单位任务完成率）",
        ),
    )
    pictures = []
    with figures_released() as release:
        for number, (names, rates, caption) in enumerate(series, 1):
            parts = chart_parts(names, CHART_MAX_HEIGHT_MM / CHART_WIDTH_MM * FIGURE_WIDTH)
            for index, part in enumerate(parts, 1):
                chart = bar_chart(
                    [names[i] for i in part],
                    {"完成率": [rates[i] for i in part]},
                    title="",  # the caption below the picture names it
                    value_label="单位任务完成率（%）",
                )
                release()
                # Split charts keep one figure number: 图1（1/3）, 图1（2/3）, …
                of = f"（{index}/{len(parts)}）" if len(parts) > 1 else ""
                text = f"图{number} {span}{caption}{of}"
                picture = chart.as_picture(CHART_WIDTH_MM, text)
                pictures.append({"picture": picture, "caption": text})
    return pictures


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
