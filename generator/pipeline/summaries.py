"""Phase summaries (阶段总结): the bureau's, each reporting unit's, and the statistics workbook.

Reads the progress record that ``collect`` wrote; lays out jobs like phase 1.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from typing import Any

from generator.documents import phase_summary, unit_summary, year_summary
from generator.documents.summary_parts import percent, summary_day
from generator.model.evaluation import (
    DONE,
    LAGGING,
    NOT_REPORTED,
    NOT_STARTED,
    UNDER_WAY,
    PhaseResult,
    TargetResult,
)
from generator.model.nomination_rules import Verdict
from generator.model.resolved import Plan
from generator.pipeline.jobs import Job
from generator.render.charts import (
    FIGURE_WIDTH,
    ChartFontError,
    bar_chart,
    chart_parts,
    find_cjk_font,
)
from generator.render.document_spec import DocProperties
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
    phases: list[PhaseResult],
    templates: TemplateSet,
    year_end: bool = False,
    verdicts: list[Verdict] | None = None,
) -> list[Job]:
    """The bureau's summary, the statistics and each reporting unit's summary.

    ``phases`` holds each phase's cumulative result up to the one summed up (the last).
    """
    result = phases[-1]
    earlier = phases[-2] if len(phases) > 1 else None
    folder = summary_folder(result, year_end)
    date = summary_day(plan, result.phase, year_end)
    title = f"{plan.text.issuer}{phase_summary.summary_title(plan, result, year_end)}"

    def bureau_context() -> dict[str, Any]:
        pictures = charts(plan, result, year_end)
        if year_end:
            return year_summary.year_summary_context(plan, phases, pictures, verdicts)
        return phase_summary.summary_context(plan, result, pictures, earlier)

    jobs = [
        Job(
            folder / safe_filename(title, ".docx"),
            "局阶段总结",
            lambda: templates.docx(phase_summary.TEMPLATE).render(
                bureau_context(),
                DocProperties(title=title, author=plan.text.issuer, created=date),
            ),
        ),
        Job(
            folder / safe_filename(f"{result.phase.name}统计", ".xlsx"),
            "统计表",
            lambda: render_statistics(statistics_spec(plan, result, date)),
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


def charts(plan: Plan, result: PhaseResult, year_end: bool = False) -> list[dict[str, Any]]:
    """Completion by unit and by target (named by its short name), as pictures.

    Both are 单位任务完成率 -- the figure the text defines -- and none before any return.
    Without a Chinese font the labels would be boxes: then the Word summary goes
    without charts (the CLI says so) -- the statistics workbook keeps its native charts.
    """
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
    for number, (names, rates, caption) in enumerate(series, 1):
        parts = chart_parts(names, CHART_MAX_HEIGHT_MM / CHART_WIDTH_MM * FIGURE_WIDTH)
        for index, part in enumerate(parts, 1):
            chart = bar_chart(
                [names[i] for i in part],
                {"完成率": [rates[i] for i in part]},
                title="",  # the caption below the picture names it
                value_label="单位任务完成率（%）",
            )
            # Split charts keep one figure number: 图1（1/3）, 图1（2/3）, …
            of = f"（{index}/{len(parts)}）" if len(parts) > 1 else ""
            text = f"图{number} {span}{caption}{of}"
            pictures.append({"picture": chart.as_picture(CHART_WIDTH_MM, text), "caption": text})
    return pictures


def target_pair_rate(target: TargetResult) -> float:
    statuses = target.unit_statuses()
    return len(target.units_with(DONE)) / len(statuses) if statuses else 0.0


def statistics_spec(plan: Plan, result: PhaseResult, date: dt.date) -> StatsSpec:
    """Every unit (未报 included), every target by its number and short name."""
    statuses = (DONE, UNDER_WAY, LAGGING, NOT_STARTED)
    unit_rows = [
        [
            u.unit.name,
            "已报送" if u.reported else NOT_REPORTED,
            len(u.lines),
            *(u.counts[s] for s in statuses),
            u.rate,
        ]
        for u in result.units
    ]
    target_rows = [
        [
            plan.numbers[t.target.id],
            t.target.project,
            plan.short(t.target),
            t.target.text,
            t.status,
            percent(target_pair_rate(t)),
        ]
        for t in result.targets
    ]
    return StatsSpec(
        title=f"{plan.text.title}{result.phase.name}统计",
        created=dt.datetime.combine(date, dt.time()),
        tables=[
            StatsTable(
                "按单位",
                f"{result.phase.name}各单位台账完成情况（应报 {len(result.units)} 个单位，"
                f"已报送 {len(result.reported)} 个）",
                ["单位", "报送情况", "台账行数", *statuses, "完成率"],
                unit_rows,
                ChartSpec("bar", "各单位完成率", 0, [7], "完成率", True),
            ),
            StatsTable(
                "按创建项目",
                f"{result.phase.name}各创建项目完成情况（单位任务完成率）",
                ["创建项目", "完成率"],
                [[name, rate] for name, rate in result.by_project()],
                ChartSpec("column", "各创建项目完成率", 0, [1], "完成率", True),
            ),
            StatsTable(
                "按目标",
                f"台账目标完成情况：全部责任单位均已完成 {result.counts[DONE]} 项，"
                f"占 {percent(result.rate)}；单位任务完成率 {percent(result.pair_rate)}",
                ["序号", "创建项目", "简称", "具体目标内容", "状态", "单位任务完成率"],
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
