"""Notes for the staff on accepted returns (提示), never reasons to reject one.

Two things a reader of the summaries would trip over, pointed out while collecting:

* a regression: a line reported 已完成 in one phase and not in a later one -- or not
  in the unit's new return where its accepted one said 已完成;
* a 已完成 whose own 实施情况 says otherwise (正在施工, 尚未完成 …).

``collect`` calls :func:`add_staff_notes` once per returned file; the notes join the
file's other notices in 报送情况.txt (四、提示).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.model.plan import STATUSES
from generator.model.progress import PhaseReport, ProgressRecord
from generator.model.unfinished import says_unfinished

if TYPE_CHECKING:
    from generator.intake.collect import ReturnCheck
    from generator.model.resolved import Plan

DONE = STATUSES[0]


def add_staff_notes(plan: Plan, check: ReturnCheck, previous: ProgressRecord | None) -> None:
    """Add the regressions and contradicting 已完成 of an accepted return as notices."""
    if not check.accepted or check.unit is None:
        return
    phases = plan.text.phases
    earlier = previous.accepted.get(check.unit.id) if previous else None
    for key, reports in check.rows.items():
        where = _line_name(plan, key)
        done_in = ""
        for phase in phases:
            report = reports.get(phase.id, PhaseReport())
            if report.status == DONE:
                done_in = phase.name
                if word := says_unfinished(report.progress):
                    check.notice(
                        where,
                        f"{phase.name}填报「已完成」，但实施情况写有「{word}」，请与单位核实",
                    )
            elif done_in and report.status:
                check.notice(
                    where,
                    f"{done_in}填报「已完成」，{phase.name}改报「{report.status}」，"
                    "请与单位核实原因",
                )
            old = earlier.report(key, phase.id) if earlier else None
            if old and old.status == DONE and report.status and report.status != DONE:
                check.notice(
                    where,
                    f"{phase.name}上次报送为「已完成」，本次改报「{report.status}」，请与单位核实",
                )


def _line_name(plan: Plan, key: str) -> str:
    """台账第2项（核心价值观宣传进机关）: a reporting line as staff find it in the ledger."""
    target_id = key.split("/")[0]
    target = next((t for t in plan.ledger.targets if t.id == target_id), None)
    if target is None:
        return key
    return f"台账第{plan.numbers[target_id]}项（{plan.short(target)}）"
