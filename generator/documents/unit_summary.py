"""A unit's own phase summary (单位阶段工作总结), from the lines it reported."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from itertools import groupby
from pathlib import PurePath
from typing import Any

from generator.documents.common import (
    Block,
    block,
    outline_number,
    paragraphs,
    signature_lines,
    title_lines,
)
from generator.documents.document import Document, SummaryInputs
from generator.documents.measure_text import line_sentence
from generator.documents.summary_parts import (
    next_phase,
    numbered,
    percent,
    phase_label,
    progress_text,
    status_breakdown,
    summary_date,
    summary_day,
    target_label,
)
from generator.model.evaluation import DONE, LAGGING, LineResult, PhaseResult, UnitResult
from generator.model.resolved import Plan
from generator.render.document_spec import DocProperties
from generator.write.names import safe_filename


def unit_summary_title(
    plan: Plan, result: PhaseResult, unit: UnitResult, year_end: bool = False
) -> str:
    span = "" if year_end else result.phase.name
    return f"{unit.unit.name}{plan.text.year}年{plan.text.activity}{span}工作总结"


def unit_summary_context(
    plan: Plan, result: PhaseResult, unit: UnitResult, year_end: bool = False
) -> dict[str, Any]:
    """A unit's summary of a phase, or with ``year_end`` of its whole year."""
    span = "全年" if year_end else result.phase.name
    ledger_title = f"{unit.unit.name}工作台账（{span}）"
    return {
        "title": title_lines(unit_summary_title(plan, result, unit, year_end)),
        "addressee": "",
        "blocks": [
            *paragraphs(
                [
                    f"根据《{plan.text.title}》和本单位实施方案要求，现将本单位"
                    f"{span}工作情况总结如下："
                ]
            ),
            block(1, "一、", "基本情况"),
            *paragraphs([_figures(unit)]),
            block(1, "二、", "主要做法和成效"),
            *_practice(plan, unit),
            block(1, "三、", "存在的问题"),
            *_problems(plan, unit),
            block(1, "四、", "下一步工作打算"),
            *_next_steps(plan, result, year_end),
        ],
        "charts": [],
        "blocks_after_charts": [],
        "tables": [],  # further attachments other kinds add (see documents/attachments.py)
        "attachments": [{"label": "附件", "title": ledger_title}],
        "signature": signature_lines(unit.unit.name),
        "date": summary_date(plan, result.phase, year_end),
        "ledger": {
            "title": ledger_title,
            "columns": ["序号", "创建项目", "具体目标内容", "状态", "实施情况", "完成数"],
            "rows": [
                {
                    "cells": [
                        plan.numbers[line.target.id],
                        line.target.project,
                        line.target.text,
                        line.status,
                        line.report.progress if line.report else "",
                        line_sentence(line),
                    ]
                }
                for line in unit.lines
            ],
        },
    }


def _figures(unit: UnitResult) -> str:
    total = len(unit.lines)
    return (
        f"本单位工作台账共{total}行（每项目标、每个量化指标各一行），已完成{unit.counts[DONE]}行，"
        f"完成率{percent(unit.rate)}{status_breakdown(unit.counts, '行')}。"
    )


def _line_text(plan: Plan, line: LineResult) -> str:
    parts = [f"{target_label(plan, line.target)}：{line.status}"]
    parts += [text for text in (progress_text(line), line_sentence(line)) if text]
    return "，".join(parts) + "。"


def _practice(plan: Plan, unit: UnitResult) -> list[Block]:
    blocks: list[Block] = []
    for n, (project, lines) in enumerate(groupby(unit.lines, key=lambda ln: ln.target.project), 1):
        blocks.append(block(2, outline_number(2, n), f"{project.rstrip('。')}。"))
        blocks.extend(numbered(3, [_line_text(plan, line) for line in lines]))
    return blocks


def _problems(plan: Plan, unit: UnitResult) -> list[Block]:
    problems = [
        f"{target_label(plan, line.target)}："
        + (f"{line_sentence(line)}，未达到目标。" if line.shortfall else "进度滞后。")
        for line in unit.lines
        if line.status == LAGGING
    ]
    if not problems:
        return paragraphs(["各项任务均按计划推进，未发现滞后或未达标的情况。"])
    return numbered(3, problems)


def _next_steps(plan: Plan, result: PhaseResult, year_end: bool) -> list[Block]:
    upcoming = None if year_end else next_phase(plan, result.phase)
    if upcoming is None:
        return paragraphs([f"认真总结全年工作，巩固{plan.text.activity}成果，推动各项工作常态化。"])
    return paragraphs([f"{phase_label(upcoming)}：{upcoming.unit_text}"])


def documents(inputs: SummaryInputs) -> Iterator[Document]:
    """Each reporting unit's summary of the phase (or year), in its own voice."""
    plan, result, year_end = inputs.plan, inputs.result, inputs.year_end
    date = summary_day(plan, result.phase, year_end)
    for unit in result.reported:
        title = unit_summary_title(plan, result, unit, year_end)
        yield Document(
            PurePath(safe_filename(title, ".docx")),
            f"{unit.unit.name} 阶段总结",
            make=partial(unit_summary_context, plan, result, unit, year_end),
            properties=DocProperties(title=title, author=unit.unit.name, created=date),
        )
