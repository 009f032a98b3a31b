"""The bureau-wide phase summary (阶段工作总结): figures, practice, problems, next steps."""

from __future__ import annotations

from typing import Any

from generator.build.common import (
    Block,
    block,
    chinese_date,
    chinese_number,
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
    percent,
    phase_end,
    phase_label,
    planned_totals_texts,
    reported_label,
    short_name,
    summary_date,
)
from generator.model.evaluation import (
    DONE,
    LAGGING,
    NOT_REPORTED,
    PhaseResult,
    TargetResult,
    number,
)
from generator.model.resolved import Plan

TEMPLATE = "summary.docx"
EXAMPLES_PER_TARGET = 3  # unit reports quoted per target; the attachment lists them all


def summary_title(plan: Plan, result: PhaseResult, year_end: bool = False) -> str:
    """…集中提升行动阶段工作总结; the year-end one is the year's 工作总结."""
    span = "" if year_end else result.phase.name
    return f"{plan.text.year}年{plan.text.activity}{span}工作总结"


def ledger_title(plan: Plan, result: PhaseResult, year_end: bool = False) -> str:
    span = "全年" if year_end else result.phase.name
    return f"{plan.ledger.title}（{span}完成情况）"


def summary_context(
    plan: Plan,
    result: PhaseResult,
    charts: list[dict[str, Any]],
    year_end: bool = False,
    commendations: str = "",
) -> dict[str, Any]:
    """The summary of a phase, or with ``year_end`` of the whole year (年度工作总结)."""
    facts = _basic_facts(plan, result) + ([commendations] if commendations else [])
    return {
        "title": title_lines(f"{plan.text.issuer}{summary_title(plan, result, year_end)}"),
        "addressee": "",
        "blocks": [
            *paragraphs([_opening(plan, result, year_end)]),
            block(1, "一、", "基本情况"),
            *paragraphs(facts),
            block(1, "二、", "主要做法和成效"),
            *_practice(result),
            block(1, "三、", "存在的问题"),
            *_problems(result),
            block(1, "四、", "下一步工作打算"),
            *_next_steps(plan, result),
        ],
        "charts": charts,
        "attachments": [{"label": "附件", "title": ledger_title(plan, result, year_end)}],
        "signature": signature_lines(plan.text.issuer),
        "date": summary_date(result.phase, result.year),
        "ledger": {
            "title": ledger_title(plan, result, year_end),
            "columns": ["序号", "创建项目", "具体目标内容", "完成情况", "完成率"],
            "rows": [_ledger_row(n, t) for n, t in enumerate(result.targets, 1)],
        },
    }


def _opening(plan: Plan, result: PhaseResult, year_end: bool) -> str:
    if year_end:
        return (
            f"根据《{plan.text.title}》要求，{plan.text.year}年，{plan.text.issuer}组织各单位"
            f"深入开展{plan.text.activity}，按{_phase_names(plan)}扎实推进。"
            "现将全年工作情况总结如下："
        )
    return (
        f"根据《{plan.text.title}》要求，{phase_label(result.phase)}，{plan.text.issuer}"
        f"组织各单位扎实推进各项工作。现将{result.phase.name}工作情况总结如下："
    )


def _phase_names(plan: Plan) -> str:
    """宣传教育、集中提升行动、总结评比三个阶段."""
    names = "、".join(p.name.removesuffix("阶段") for p in plan.text.phases)
    return f"{names}{chinese_number(len(plan.text.phases))}个阶段"


def _basic_facts(plan: Plan, result: PhaseResult) -> list[str]:
    expected, reported = len(result.units), len(result.reported)
    facts = [
        f"印发《{plan.text.title}》及附件工作台账，向{expected}个单位分别印发本单位实施方案和"
        f"工作台账，明确了{len(plan.tasks)}项任务、{len(result.targets)}项台账目标的牵头、配合分工。",
    ]
    if not result.reported:
        return [*facts, "各单位工作台账尚未报回，完成情况将在回收台账后统计。"]
    reporting = (
        f"本阶段应报送工作台账的单位{expected}个，已报送并审核通过{reported}个，"
        f"报送率{percent(reported / expected if expected else 0)}"
    )
    if result.missing:
        reporting += f"；{'、'.join(u.name for u in result.missing)}未报送"
    facts.append(reporting + "。")
    facts.append(figures_sentence("台账", len(result.targets), result.counts))
    return facts


def _practice(result: PhaseResult) -> list[Block]:
    blocks: list[Block] = []
    projects: dict[str, list[TargetResult]] = {}
    for target in result.targets:
        projects.setdefault(target.target.project, []).append(target)
    for n, (project, targets) in enumerate(projects.items(), 1):
        done = sum(t.status == DONE for t in targets)
        blocks.append(
            block(
                2,
                outline_number(2, n),
                f"{project.rstrip('。')}。",
                f"共{len(targets)}项目标，已完成{done}项。",
            )
        )
        blocks.extend(numbered(3, [_practice_text(t) for t in targets]))
    return blocks


def _practice_text(target: TargetResult) -> str:
    done = target.units_with(DONE)
    total = len({line.unit.id for line in target.lines})
    quotes = [
        f"{line.unit.name}{text}"
        for line in target.lines
        if line.status == DONE and (text := line_result_text(line))
    ][:EXAMPLES_PER_TARGET]
    text = f"{short_name(target.target)}：{len(done)}/{total}个单位已完成"
    text = "，".join([text, *planned_totals_texts(target)])
    return text + ("。" + "；".join(quotes) + "。" if quotes else "。")


def _problems(result: PhaseResult) -> list[Block]:
    problems = []
    for target in result.targets:
        lagging = [line for line in target.lines if line.status == LAGGING]
        if not lagging:
            continue
        shortfalls = [
            f"{line.unit.name}{reported_label(line.measure)}{line.actual_text()}，未达到目标"
            for line in lagging
            if line.shortfall and line.measure
        ]
        behind = [line.unit.name for line in lagging if not line.shortfall]
        parts = []
        if behind:
            parts.append(f"{'、'.join(dict.fromkeys(behind))}进度滞后")
        parts.extend(shortfalls)
        problems.append(f"{short_name(target.target)}：{'；'.join(parts)}。")
    for measure, value, met in (m for t in result.targets for m in t.system_totals()):
        if not met:
            problems.append(
                f"全系统{measure.wording}：目前为{number(value)}{measure.unit}"
                + (f"，须在{measure.deadline_year}年前达到。" if measure.deadline_year else "。")
            )
    problems.extend(_overdue(result))
    if result.missing and result.reported:
        problems.append(f"{'、'.join(u.name for u in result.missing)}未按时报送工作台账。")
    if not problems:
        return paragraphs(["各项任务推进顺利，未发现滞后或未达标的情况。"])
    return numbered(3, problems)


def _overdue(result: PhaseResult) -> list[str]:
    """Targets past their 完成时限 at the end of the phase, with the units not done."""
    as_of = phase_end(result.phase, result.year)
    found = []
    for target in result.targets:
        late = [line for line in target.lines if line.report and line.overdue(as_of)]
        if late:
            units = "、".join(dict.fromkeys(line.unit.name for line in late))
            deadline = chinese_date(late[0].deadline)  # type: ignore[arg-type]
            found.append(
                f"{short_name(target.target)}：已过完成时限（{deadline}），{units}尚未完成。"
            )
    return found


def _next_steps(plan: Plan, result: PhaseResult) -> list[Block]:
    steps = []
    upcoming = next_phase(plan, result.phase)
    if upcoming:
        steps.append(f"按照方案部署，扎实开展{phase_label(upcoming)}工作：{upcoming.text}")
    else:
        steps.append("认真总结全年工作经验，巩固活动成果，建立文明服务长效机制。")
    if any(t.status == LAGGING for t in result.targets):
        steps.append("对滞后和未达标的任务逐项督办，限期整改，确保按期完成。")
    if result.missing:
        steps.append("督促各单位按时报送工作台账，严格落实台账报送制度。")
    return numbered(3, steps)


def _ledger_row(n: int, target: TargetResult) -> dict[str, Any]:
    units = {line.unit.id for line in target.lines}
    done = target.units_with(DONE)
    parts = [f"已完成{len(done)}/{len(units)}个单位"]
    for status in (LAGGING, NOT_REPORTED):
        names = [u.name for u in target.units_with(status)]
        if names:
            parts.append(f"{status}：{'、'.join(names)}")
    for line in target.lines:
        if line.unit_measure and line.actual_text():
            parts.append(f"{line.unit.name}{line.actual_text()}")
    for measure, value, _ in target.system_totals():
        parts.append(f"全系统{reported_label(measure)}：{number(value)}{measure.unit}")
    parts.extend(f"全系统{text}" for text in planned_totals_texts(target))
    rate = len(done) / len(units) if units else 0.0
    return {
        "cells": [
            str(n),
            target.target.project,
            target.target.text,
            "；".join(parts),
            percent(rate),
        ]
    }
