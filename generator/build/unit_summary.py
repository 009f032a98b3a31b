"""A unit's own phase summary (单位阶段工作总结), from the lines it reported."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from generator.build.common import (
    Block,
    block,
    outline_number,
    paragraphs,
    signature_lines,
    title_lines,
)
from generator.build.summary_parts import (
    figures_sentence,
    line_result_text,
    next_phase,
    numbered,
    phase_label,
    reported_label,
    short_name,
    summary_date,
)
from generator.model.evaluation import LAGGING, PhaseResult, UnitResult
from generator.model.resolved import Plan

TEMPLATE = "summary.docx"


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
            *paragraphs([figures_sentence("本单位台账", len(unit.lines), unit.counts)]),
            block(1, "二、", "主要做法和成效"),
            *_practice(unit),
            block(1, "三、", "存在的问题"),
            *_problems(unit),
            block(1, "四、", "下一步工作打算"),
            *_next_steps(plan, result),
        ],
        "charts": [],
        "attachments": [{"label": "附件", "title": ledger_title}],
        "signature": signature_lines(unit.unit.name),
        "date": summary_date(result.phase, result.year),
        "ledger": {
            "title": ledger_title,
            "columns": ["序号", "创建项目", "具体目标内容", "状态", "实施情况", "完成数/目标"],
            "rows": [
                {
                    "cells": [
                        str(n),
                        line.target.project,
                        line.target.text,
                        line.status,
                        line.report.progress if line.report else "",
                        line.actual_text(),
                    ]
                }
                for n, line in enumerate(unit.lines, 1)
            ],
        },
    }


def _practice(unit: UnitResult) -> list[Block]:
    blocks: list[Block] = []
    for n, (project, lines) in enumerate(groupby(unit.lines, key=lambda ln: ln.target.project), 1):
        blocks.append(block(2, outline_number(2, n), f"{project.rstrip('。')}。"))
        texts = [
            f"{short_name(line.target)}：{line.status}。{line_result_text(line)}".rstrip("。")
            + "。"
            for line in lines
        ]
        blocks.extend(numbered(3, texts))
    return blocks


def _problems(unit: UnitResult) -> list[Block]:
    problems = [
        f"{short_name(line.target)}："
        + (
            f"{reported_label(line.measure)}{line.actual_text()}，未达到目标。"
            if line.shortfall and line.measure
            else "进度滞后。"
        )
        for line in unit.lines
        if line.status == LAGGING
    ]
    if not problems:
        return paragraphs(["本阶段各项任务均按计划推进，未发现滞后或未达标的情况。"])
    return numbered(3, problems)


def _next_steps(plan: Plan, result: PhaseResult) -> list[Block]:
    upcoming = next_phase(plan, result.phase)
    if upcoming is None:
        return paragraphs(["认真总结全年工作，巩固活动成果，建立长效机制。"])
    return paragraphs([f"{phase_label(upcoming)}：{upcoming.unit_text}"])
