"""Phase summaries (阶段总结): the bureau's, each reporting unit's, and the statistics workbook.

Reads the progress record that ``collect`` wrote; lays out jobs like phase 1.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from typing import Any

from generator.build import phase_summary, unit_summary
from generator.build.summary_parts import percent, phase_end
from generator.model.evaluation import DONE, LAGGING, NOT_STARTED, UNDER_WAY, PhaseResult
from generator.model.resolved import Plan
from generator.phase1 import Job
from generator.render.charts import (
    FIGURE_WIDTH,
    ChartFontError,
    bar_chart,
    chart_parts,
    find_cjk_font,
)
from generator.render.docx_engine import DocProperties
from generator.render.templates import TemplateSet
from generator.render.xlsx_stats import ChartSpec, StatsSpec, StatsTable, render_statistics
from generator.write.names import safe_filename

FOLDER = PurePath("阶段总结")
CHART_WIDTH_MM = 150.0
# A chart, its caption and the blank line above it fit one 225 mm 版心 with room to spare.
CHART_MAX_HEIGHT_MM = 190.0


YEAR_FOLDER = PurePath("年度总结")


def summary_folder(result: PhaseResult, year_end: bool = False) -> PurePath:
    return YEAR_FOLDER if year_end else FOLDER / safe_filename(result.phase.name)


def summary_jobs(
    plan: Plan,
    result: PhaseResult,
    templates: TemplateSet,
    year_end: bool = False,
    commendations: str = "",
) -> list[Job]:
    """The bureau's summary, the statistics and each reporting unit's summary."""
    folder = summary_folder(result, year_end)
    date = phase_end(result.phase, result.year)
    title = f"{plan.text.issuer}{phase_summary.summary_title(plan, result, year_end)}"
    jobs = [
        Job(
            folder / safe_filename(title, ".docx"),
            "局阶段总结",
            lambda: templates.docx(phase_summary.TEMPLATE).render(
                phase_summary.summary_context(
                    plan, result, charts(result), year_end, commendations
                ),
                DocProperties(title=title, author=plan.text.issuer, created=date),
            ),
        ),
        Job(
            folder / safe_filename(f"{result.phase.name}统计", ".xlsx"),
            "统计表",
            lambda: render_statistics(statistics_spec(plan, result)),
        ),
    ]
    for unit in result.reported:
        unit_title = unit_summary.unit_summary_title(plan, result, unit, year_end)
        jobs.append(
            Job(
                folder / "各单位" / safe_filename(unit_title, ".docx"),
                f"{unit.unit.name} 阶段总结",
                lambda unit=unit, unit_title=unit_title: templates.docx(
                    unit_summary.TEMPLATE
                ).render(
                    unit_summary.unit_summary_context(plan, result, unit, year_end),
                    DocProperties(title=unit_title, author=unit.unit.name, created=date),
                ),
            )
        )
    return jobs


def charts(result: PhaseResult) -> list[dict[str, Any]]:
    """Completion by unit and by 创建项目, as pictures (none before any return).

    Without a Chinese font the labels would be boxes: then the Word summary goes
    without charts (the CLI says so) -- the statistics workbook keeps its native charts.
    """
    units = result.reported
    if not units or not chinese_font_available():
        return []
    projects = result.by_project()
    pictures = []
    for number, (names, rates, caption) in enumerate(
        (
            ([u.unit.name for u in units], [u.rate * 100 for u in units], "各单位台账完成率"),
            (
                [name for name, _ in projects],
                [rate * 100 for _, rate in projects],
                "各创建项目完成率（按单位任务计）",
            ),
        ),
        1,
    ):
        parts = chart_parts(names, CHART_MAX_HEIGHT_MM / CHART_WIDTH_MM * FIGURE_WIDTH)
        for part in parts:
            chart = bar_chart(
                [names[i] for i in part],
                {"完成率": [rates[i] for i in part]},
                title="",  # the caption below the picture names it
                value_label="完成率（%）",
            )
            # Split charts keep one figure number: 图1（1/3）, 图1（2/3）, …
            of = f"（{parts.index(part) + 1}/{len(parts)}）" if len(parts) > 1 else ""
            text = f"图{number} {result.phase.name}{caption}{of}"
            pictures.append({"picture": chart.as_picture(CHART_WIDTH_MM, text), "caption": text})
    return pictures


def statistics_spec(plan: Plan, result: PhaseResult) -> StatsSpec:
    statuses = (DONE, UNDER_WAY, LAGGING, NOT_STARTED)
    unit_rows = [
        [u.unit.name, len(u.lines), *(u.counts[s] for s in statuses), u.rate]
        for u in result.reported
    ]
    target_rows = [
        [n, t.target.project, t.target.text, t.status] for n, t in enumerate(result.targets, 1)
    ]
    return StatsSpec(
        title=f"{plan.text.title}{result.phase.name}统计",
        created=dt.datetime.combine(phase_end(result.phase, result.year), dt.time()),
        tables=[
            StatsTable(
                "按单位",
                f"{result.phase.name}各单位台账完成情况（已报送 {len(result.reported)} 个单位）",
                ["单位", "台账行数", *statuses, "完成率"],
                unit_rows,
                ChartSpec("bar", "各单位完成率", 0, [6], "完成率", True),
            ),
            StatsTable(
                "按创建项目",
                f"{result.phase.name}各创建项目完成情况",
                ["创建项目", "完成率"],
                [[name, rate] for name, rate in result.by_project()],
                ChartSpec("column", "各创建项目完成率", 0, [1], "完成率", True),
            ),
            StatsTable(
                "按目标",
                f"台账目标完成情况：已完成 {result.counts[DONE]} 项，完成率 {percent(result.rate)}",
                ["序号", "创建项目", "具体目标内容", "状态"],
                target_rows,
                None,
            ),
        ],
    )


def chinese_font_available() -> bool:
    try:
        find_cjk_font()
    except ChartFontError:
        return False
    return True
