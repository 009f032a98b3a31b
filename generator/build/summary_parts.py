"""Pieces both phase summaries (局 and 单位) share: figures sentences, dates, short names."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from generator.build.common import Block, block, chinese_date, outline_number, phase_heading
from generator.model.evaluation import (
    DONE,
    LAGGING,
    NOT_STARTED,
    UNDER_WAY,
    LineResult,
    TargetResult,
    number,
    percent_of,
)
from generator.model.plan import Measure, Phase, Target
from generator.model.resolved import Plan


def percent(rate: float) -> str:
    """0.8 → 80.0%: one decimal, as offices write completion rates."""
    return f"{rate * 100:.1f}%"


def figures_sentence(noun: str, total: int, counts: Counter[str]) -> str:
    """台账共列15项任务，已完成12项，完成率80.0%；正在推进2项；滞后1项。"""
    rate = counts[DONE] / total if total else 0.0
    text = f"{noun}共列{total}项任务，已完成{counts[DONE]}项，完成率{percent(rate)}"
    for status in (UNDER_WAY, LAGGING, NOT_STARTED):
        if counts[status]:
            text += f"；{status}{counts[status]}项"
    return text + "。"


def planned_totals_texts(target: TargetResult) -> list[str]:
    """志愿服务时长计划5000小时，完成5500小时，完成率110.0%: units' 计划数 against their 完成数."""
    return [
        f"{reported_label(measure)}计划{number(planned)}{measure.unit}，"
        f"完成{number(done)}{measure.unit}，完成率{percent_of(done, planned)}"
        for measure, planned, done in target.planned_totals()
        if planned
    ]


def phase_end(phase: Phase, year: int) -> dt.date:
    """A summary is dated the last day of its phase (the plan year's end when none is given)."""
    return phase.last_day() or dt.date(year, 12, 31)


def summary_date(phase: Phase, year: int) -> str:
    return chinese_date(phase_end(phase, year))


def phase_label(phase: Phase) -> str:
    return phase_heading(phase)


def next_phase(plan: Plan, phase: Phase) -> Phase | None:
    phases = plan.text.phases
    index = phases.index(phase)
    return phases[index + 1] if index + 1 < len(phases) else None


def short_name(target: Target, limit: int = 24) -> str:
    """A target as a heading: its subject, else its first sentence, cut at ``limit``."""
    if target.subject:
        return target.subject
    sentence = target.text.replace("；", "。").split("。")[0]
    return sentence if len(sentence) <= limit else sentence[:limit] + "……"


def line_result_text(line: LineResult) -> str:
    """What a unit reported on a line, with its figure against the target."""
    parts = []
    if line.report and line.report.progress:
        parts.append(line.report.progress.rstrip("。；;"))
    if line.measure and line.actual_text():
        parts.append(f"{reported_label(line.measure)}{line.actual_text()}")
    return "，".join(parts)


def reported_label(measure: Measure) -> str:
    """What was reported, without the filling instruction: 本单位通过达标验收（是填1，否填0）."""
    label = measure.reported
    return label[: label.rindex("（")] if label.endswith("）") and "（" in label else label


def numbered(level: int, texts: list[str]) -> list[Block]:
    return [block(level, outline_number(level, n), "", text) for n, text in enumerate(texts, 1)]
