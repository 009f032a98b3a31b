"""The bureau-wide phase summary (阶段工作总结): figures, practice, problems, next steps.

Figures are cumulative as of the phase's end (see :mod:`summary_parts` for what each
means); ``earlier`` is the previous phase's result, so the summary can say why a figure
moved.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

from generator.documents.common import (
    Block,
    block,
    body_around_charts,
    chinese_date,
    outline_number,
    paragraphs,
    signature_lines,
    title_lines,
)
from generator.documents.document import Document, SummaryInputs
from generator.documents.measure_text import (
    goal,
    line_sentence,
    planned_sentences,
    reported_label,
    system_sentences,
)
from generator.documents.summary_charts import charts, unit_rates_notes
from generator.documents.summary_parts import (
    DEFINITION,
    movement,
    next_phase,
    numbered,
    pair_figures,
    percent,
    phase_label,
    progress_text,
    regression_problems,
    status_breakdown,
    summary_date,
    summary_day,
    target_figures,
    target_label,
    unit_list,
)
from generator.model.evaluation import (
    DONE,
    LAGGING,
    NOT_REPORTED,
    PhaseResult,
    TargetResult,
)
from generator.model.plan import Unit
from generator.model.resolved import Plan
from generator.model.unfinished import says_unfinished
from generator.render.document_spec import DocProperties
from generator.write.names import safe_filename

QUOTED_TEXTS = 2  # distinct 实施情况 texts quoted per target; the attachment has every unit


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
    earlier: PhaseResult | None = None,
) -> dict[str, Any]:
    """The summary of a phase, its figures as of the phase's end."""
    return {
        "title": title_lines(f"{plan.text.issuer}{summary_title(plan, result)}"),
        "addressee": "",
        **body_around_charts(
            [
                *paragraphs([_opening(plan, result)]),
                block(1, "一、", "基本情况"),
                *paragraphs(basic_facts(plan, result, earlier)),
                *paragraphs(unit_rates_notes(result, bool(charts))),
                block(1, "二、", "主要做法和成效"),
                *_practice(plan, result),
                block(1, "三、", "存在的问题"),
                *problem_blocks(plan, result, earlier),
                block(1, "四、", "下一步工作打算"),
                *_next_steps(plan, result),
            ],
            charts,
        ),
        "tables": [],  # further attachments other kinds add (see documents/attachments.py)
        "attachments": [{"label": "附件", "title": ledger_title(plan, result)}],
        "signature": signature_lines(plan.text.issuer),
        "date": summary_date(plan, result.phase),
        "ledger": ledger_attachment(plan, result, ledger_title(plan, result)),
    }


def _opening(plan: Plan, result: PhaseResult) -> str:
    return (
        f"根据《{plan.text.title}》要求，{phase_label(result.phase)}，{plan.text.issuer}"
        f"组织各单位扎实推进各项工作。现将{result.phase.name}工作情况总结如下："
    )


def issued_fact(plan: Plan, result: PhaseResult) -> str:
    """What was issued: the plan, then the units' own plans -- each with its date."""
    return (
        f"{chinese_date(plan.issue_date)}"
        f"印发《{plan.text.title}》及附件工作台账；{len(result.units)}个单位于"
        f"{chinese_date(plan.unit_plan_date)}前制定了本单位实施方案，"
        f"明确了{len(plan.tasks)}项任务、{len(result.targets)}项台账目标的牵头、配合分工。"
    )


def reporting_fact(plan: Plan, result: PhaseResult, year_end: bool = False) -> str:
    expected, reported = len(result.units), len(result.reported)
    text = (
        f"截至{chinese_date(summary_day(plan, result.phase, year_end))}，应报送工作台账的单位"
        f"{expected}个，已报送并审核通过{reported}个，报送率"
        f"{percent(reported / expected if expected else 0)}"
    )
    if result.missing:
        text += f"；{unit_list(result.missing)}未报送"
    return text + "。"


def figures_facts(plan: Plan, result: PhaseResult, year_end: bool = False) -> list[str]:
    """Both headline figures, each with its breakdown, and what they mean."""
    as_of = chinese_date(summary_day(plan, result.phase, year_end))
    return [
        target_figures(result) + status_breakdown(result.counts) + "。",
        pair_figures(result) + status_breakdown(result.pair_counts) + "。",
        DEFINITION.format(date=as_of),
    ]


def basic_facts(plan: Plan, result: PhaseResult, earlier: PhaseResult | None) -> list[str]:
    facts = [issued_fact(plan, result)]
    if not result.reported:
        return [*facts, "各单位工作台账尚未报回，完成情况将在回收台账后统计。"]
    facts.append(reporting_fact(plan, result))
    facts.extend(figures_facts(plan, result))
    if moved := movement(plan, result, earlier):
        facts.append(moved)
    return facts


def _practice(plan: Plan, result: PhaseResult) -> list[Block]:
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
                f"共{len(targets)}项目标，全部完成{done}项。",
            )
        )
        blocks.extend(numbered(3, [practice_text(plan, t, result) for t in targets]))
    return blocks


def done_count(target: TargetResult) -> str:
    """4个责任单位全部完成 / 9个责任单位中已完成7个."""
    statuses = target.unit_statuses()
    done = len(target.units_with(DONE))
    if done == len(statuses):
        return f"{len(statuses)}个责任单位全部完成"
    return f"{len(statuses)}个责任单位中已完成{done}个"


def quotes(target: TargetResult, limit: int = QUOTED_TEXTS) -> list[tuple[str, str]]:
    """What done units wrote: (the units who wrote it, the text), one per distinct text."""
    by_text: dict[str, list[Unit]] = {}
    for line in target.lines:
        text = progress_text(line)
        # A 已完成 whose own words say otherwise is not quoted as an achievement.
        if line.status == DONE and text and not says_unfinished(text):
            by_text.setdefault(text, []).append(line.unit)
    return [(unit_list(units), text) for text, units in list(by_text.items())[:limit]]


def measure_facts(plan: Plan, target: TargetResult, result: PhaseResult) -> list[str]:
    """The target's figures in words: units meeting a unit measure, system totals, plans."""
    facts = []
    for measure_id in dict.fromkeys(
        ln.measure.id for ln in target.lines if ln.unit_measure and ln.measure
    ):
        lines = [ln for ln in target.lines if ln.measure and ln.measure.id == measure_id]
        measure = lines[0].measure
        assert measure is not None
        reported = [ln for ln in lines if ln.value is not None]
        met = sum(1 for ln in reported if ln.met)
        if reported and lines[0].planned is None:
            facts.append(
                f"填报{reported_label(measure)}的{len(reported)}个单位中{met}个达到目标"
                f"（{goal(measure)}）"
            )
    facts.extend(text for text, _ in system_sentences(target, summary_day(plan, result.phase)))
    facts.extend(planned_sentences(target))
    return facts


def practice_text(plan: Plan, target: TargetResult, result: PhaseResult) -> str:
    parts = [f"{target_label(plan, target.target)}：{done_count(target)}"]
    parts.extend(measure_facts(plan, target, result))
    text = "，".join(parts) + "。"
    said = [f"{units}：{words}" for units, words in quotes(target)]
    return text + ("；".join(said) + "。" if said else "")


def problem_texts(
    plan: Plan, result: PhaseResult, earlier: PhaseResult | None, year_end: bool = False
) -> list[str]:
    as_of = summary_day(plan, result.phase, year_end)
    problems = regression_problems(plan, result, earlier)
    gone_back = {
        (t.target.id, u.id)
        for t, units in (result.regressions(earlier) if earlier else [])
        for u, _ in units
    }
    for target in result.targets:
        lagging = [line for line in target.lines if line.status == LAGGING]
        if not lagging:
            continue
        # A unit named above as gone back from 已完成 is not named again as lagging.
        behind = [
            line.unit
            for line in lagging
            if not line.shortfall and (target.target.id, line.unit.id) not in gone_back
        ]
        parts = [f"{unit_list(behind)}进度滞后"] if behind else []
        parts.extend(
            f"{line.unit.name}{line_sentence(line)}，未达到目标"
            for line in lagging
            if line.shortfall
        )
        if parts:
            problems.append(f"{target_label(plan, target.target)}：{'；'.join(parts)}。")
    for target in result.targets:
        for text, met in system_sentences(target, as_of):
            if not met:
                problems.append(f"{target_label(plan, target.target)}：{text}，尚未达到。")
    problems.extend(_overdue(plan, result, as_of))
    if result.missing and result.reported:
        problems.append(f"{unit_list(result.missing)}未按时报送工作台账。")
    return problems


def problem_blocks(plan: Plan, result: PhaseResult, earlier: PhaseResult | None) -> list[Block]:
    problems = problem_texts(plan, result, earlier)
    if not problems:
        return paragraphs(["各项任务推进顺利，未发现滞后或未达标的情况。"])
    return numbered(3, problems)


def _overdue(plan: Plan, result: PhaseResult, as_of: Any) -> list[str]:
    """Targets past their 完成时限 at the summary's date, with the units not done."""
    found = []
    for target in result.targets:
        late = [line for line in target.lines if line.report and line.overdue(as_of)]
        if late:
            deadline = chinese_date(late[0].deadline)  # type: ignore[arg-type]
            found.append(
                f"{target_label(plan, target.target)}：已过完成时限（{deadline}），"
                f"{unit_list(line.unit for line in late)}尚未完成。"
            )
    return found


def _next_steps(plan: Plan, result: PhaseResult) -> list[Block]:
    steps = []
    upcoming = next_phase(plan, result.phase)
    if upcoming:
        steps.append(f"按照方案部署，扎实开展{phase_label(upcoming)}工作：{upcoming.text}")
    if any(t.status == LAGGING for t in result.targets):
        steps.append("对滞后和未达标的任务逐项督办，限期整改，确保按期完成。")
    if result.missing:
        steps.append(f"督促{unit_list(result.missing)}按时报送工作台账。")
    return numbered(3, steps)


def ledger_attachment(plan: Plan, result: PhaseResult, title: str) -> dict[str, Any]:
    return {
        "title": title,
        "columns": ["序号", "创建项目", "具体目标内容", "完成情况", "完成率"],
        "rows": [ledger_row(plan, t, result) for t in result.targets],
    }


def ledger_row(plan: Plan, target: TargetResult, result: PhaseResult) -> dict[str, Any]:
    statuses = target.unit_statuses()
    done = target.units_with(DONE)
    parts = [done_count(target)]
    for status in (LAGGING, NOT_REPORTED):
        names = target.units_with(status)
        if names:
            parts.append(f"{status}：{unit_list(names, limit=len(names))}")
    figures: dict[str, list[str]] = {}
    for line in target.lines:
        if line.unit_measure and (text := line_sentence(line)):
            figures.setdefault(line.unit.name, []).append(text)
    parts.extend(f"{name}{'，'.join(texts)}" for name, texts in figures.items())
    parts.extend(text for text, _ in system_sentences(target, summary_day(plan, result.phase)))
    parts.extend(planned_sentences(target))
    rate = len(done) / len(statuses) if statuses else 0.0
    return {
        "cells": [
            plan.numbers[target.target.id],
            target.target.project,
            target.target.text,
            "；".join(parts),
            percent(rate),
        ]
    }


def documents(inputs: SummaryInputs) -> Iterator[Document]:
    """The bureau's phase summary (阶段总结), with its charts and the ledger attached."""
    plan, result = inputs.plan, inputs.result
    title = f"{plan.text.issuer}{summary_title(plan, result)}"
    date = summary_day(plan, result.phase)

    def context() -> dict[str, Any]:
        pictures = inputs.pictures() if inputs.pictures else charts(plan, result)
        return summary_context(plan, result, pictures, inputs.earlier)

    properties = DocProperties(title=title, author=plan.text.issuer, created=date)
    yield Document(
        PurePath(safe_filename(title, ".docx")), "局阶段总结", make=context, properties=properties
    )
