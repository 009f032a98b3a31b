"""Pieces every summary (局 and 单位, phase and year) shares: figures, dates, lists, names.

The figures each summary prints, defined once here (and in README):

* 目标完成数 -- a ledger target counts as done when *every* responsible unit has done it
  (已完成, with its figure met);
* 单位任务完成率 -- done (unit, target) pairs over all pairs: a unit answering for a target
  is one 单位任务; a unit that has not reported has not done its part;
* both are cumulative *as of the end of the phase*: each line's latest report up to then.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from pathlib import PurePath

from generator.documents.common import Block, block, chinese_date, outline_number, phase_heading
from generator.documents.document import SummaryInputs
from generator.model.evaluation import (
    DONE,
    LAGGING,
    NOT_REPORTED,
    NOT_STARTED,
    UNDER_WAY,
    LineResult,
    PhaseResult,
)
from generator.model.plan import Phase, Target, Unit
from generator.model.resolved import Plan
from generator.write.names import safe_filename

LISTED = 5  # unit names a list prints before 「等N个单位」


UNIT_SHEET = "按单位"  # the statistics workbook's table of every unit


def statistics_name(result: PhaseResult) -> str:
    """The statistics workbook's name (without .xlsx): 集中提升行动阶段统计."""
    return f"{result.phase.name}统计"


def percent(rate: float) -> str:
    """0.8 → 80.0%: one decimal, as offices write completion rates."""
    return f"{rate * 100:.1f}%"


def unit_list(units: Iterable[Unit | str], limit: int = LISTED) -> str:
    """A、B、C — or A、B、C等7个单位 when longer: every unit once, N the whole count."""
    names = list(dict.fromkeys(u if isinstance(u, str) else u.name for u in units))
    if len(names) <= limit:
        return "、".join(names)
    return "、".join(names[:limit]) + f"等{len(names)}个单位"


def status_breakdown(counts: Counter[str], measure: str = "项") -> str:
    """；正在推进2项；滞后1项: the statuses other than done, those that occur."""
    parts = [
        f"{status}{counts[status]}{measure}"
        for status in (UNDER_WAY, LAGGING, NOT_STARTED, NOT_REPORTED)
        if counts[status]
    ]
    return "".join(f"；{part}" for part in parts)


def target_figures(result: PhaseResult) -> str:
    """台账共列15项目标，全部责任单位均已完成的8项，占53.3%."""
    total, done = len(result.targets), result.counts[DONE]
    rate = done / total if total else 0.0
    return f"台账共列{total}项目标，全部责任单位均已完成的{done}项，占{percent(rate)}"


def pair_figures(result: PhaseResult) -> str:
    """各单位承担的单位任务共120项，已完成98项，单位任务完成率81.7%."""
    counts = result.pair_counts
    total = sum(counts.values())
    return (
        f"各单位承担的单位任务共{total}项（一个单位承担一项目标计为一项），已完成{counts[DONE]}项，"
        f"单位任务完成率{percent(result.pair_rate)}"
    )


DEFINITION = "两项数字均按截至{date}各单位最近一次填报累计计算，未报送单位承担的任务计为未完成。"


def movement(plan: Plan, result: PhaseResult, earlier: PhaseResult | None) -> str:
    """How both headline figures moved since the end of the earlier phase, and why."""
    if earlier is None:
        return ""
    parts = []
    for label, before, now in (
        ("全部完成的目标", f"{earlier.counts[DONE]}项", f"{result.counts[DONE]}项"),
        ("单位任务完成率", percent(earlier.pair_rate), percent(result.pair_rate)),
    ):
        parts.append(f"{label}由{before}变为{now}" if before != now else f"{label}仍为{now}")
    text = f"与{earlier.phase.name}末相比，" + "，".join(parts)
    was = {t.target.id for t in earlier.targets if t.status == DONE}
    now_done = {t.target.id for t in result.targets if t.status == DONE}
    gained = [plan.short(t) for t in plan.ledger.targets if t.id in now_done - was]
    lost = [plan.short(t) for t in plan.ledger.targets if t.id in was - now_done]
    if gained:
        text += f"；新增全部完成{'、'.join(gained)}"
    if lost:
        text += f"；{'、'.join(lost)}不再全部完成"
    back = result.regressions(earlier)
    if back:
        pairs = sum(len(units) for _, units in back)
        text += (
            f"；{len(back)}项目标共有{pairs}项单位任务由已完成转为未完成"
            "（单位在本阶段改报为正在推进或滞后，见存在的问题）"
        )
    return text + "。"


def regression_problems(plan: Plan, result: PhaseResult, earlier: PhaseResult | None) -> list[str]:
    """Targets that went back from 已完成, with the units and what they report now."""
    if earlier is None:
        return []
    found = []
    for target, units in result.regressions(earlier):
        by_status: dict[str, list[Unit]] = {}
        for unit, status in units:
            by_status.setdefault(status, []).append(unit)
        now = "，".join(f"{unit_list(us)}改报为{status}" for status, us in by_status.items())
        found.append(
            f"{target_label(plan, target.target)}："
            f"{earlier.phase.name}报告已完成，本阶段{now}，须核实原因并督促整改。"
        )
    return found


def summary_day(plan: Plan, phase: Phase, year_end: bool = False) -> dt.date:
    """A summary's date: the end of its phase, never before what it reports on (the units'
    实施方案, and at the year's end the commendation report)."""
    after = [phase_end(phase, plan.text.year), plan.unit_plan_date]
    if year_end and plan.awards is not None:
        after.append(plan.awards.report.date)
    return max(after)


def phase_end(phase: Phase, year: int) -> dt.date:
    """The last day of a phase (the plan year's end when none is given)."""
    return phase.last_day() or dt.date(year, 12, 31)


def summary_date(plan: Plan, phase: Phase, year_end: bool = False) -> str:
    return chinese_date(summary_day(plan, phase, year_end))


def phase_label(phase: Phase) -> str:
    return phase_heading(phase)


def next_phase(plan: Plan, phase: Phase) -> Phase | None:
    phases = plan.text.phases
    index = phases.index(phase)
    return phases[index + 1] if index + 1 < len(phases) else None


def progress_text(line: LineResult) -> str:
    """What a unit wrote in 实施情况, without its closing mark."""
    return line.report.progress.rstrip("。；;") if line.report and line.report.progress else ""


def numbered(level: int, texts: list[str]) -> list[Block]:
    return [block(level, outline_number(level, n), "", text) for n, text in enumerate(texts, 1)]


def target_label(plan: Plan, target: Target) -> str:
    """核心价值观宣传进机关（台账第2项）: a target named in prose."""
    return f"{plan.short(target)}（台账第{plan.numbers[target.id]}项）"


PHASE_FOLDER = PurePath("阶段总结")
YEAR_FOLDER = PurePath("年度总结")


def summary_folder(inputs: SummaryInputs) -> PurePath:
    """阶段总结/<阶段>/, or 年度总结/ for the year's."""
    if inputs.year_end:
        return YEAR_FOLDER
    return PHASE_FOLDER / safe_filename(inputs.result.phase.name)


def unit_summary_folder(inputs: SummaryInputs) -> PurePath:
    return summary_folder(inputs) / "各单位"
