"""The statistics workbook (统计表) of a phase or the year, with Excel's own charts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import PurePath

from generator.documents.document import Document, SummaryInputs
from generator.documents.summary_charts import target_pair_rate
from generator.documents.summary_parts import UNIT_SHEET, percent, statistics_name, summary_day
from generator.model.evaluation import (
    DONE,
    LAGGING,
    NOT_REPORTED,
    NOT_STARTED,
    UNDER_WAY,
    PhaseResult,
)
from generator.model.resolved import Plan
from generator.render.xlsx_stats import ChartSpec, StatsSpec, StatsTable
from generator.write.names import safe_filename


def documents(inputs: SummaryInputs) -> Iterator[Document]:
    plan, result = inputs.plan, inputs.result
    date = summary_day(plan, result.phase, inputs.year_end)
    name = PurePath(safe_filename(statistics_name(result), ".xlsx"))
    yield Document(name, "统计表", make=lambda: statistics_spec(plan, result, date))


def statistics_spec(plan: Plan, result: PhaseResult, date: dt.date) -> StatsSpec:
    """Every unit (未报 included), every target by its number and short name."""
    statuses = (DONE, UNDER_WAY, LAGGING, NOT_STARTED)
    unit_rows: list[list[str | float | int | None]] = [
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
                UNIT_SHEET,
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
