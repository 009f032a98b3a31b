"""A unit's own implementation plan (实施方案): exactly the tasks it answers for."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from generator.build.common import (
    Block,
    block,
    chinese_date,
    measure_line,
    outline_blocks,
    outline_number,
    phase_blocks,
    signature_lines,
    task_terms,
    title_lines,
    units_line,
)
from generator.model.plan import Unit
from generator.model.resolved import ROLE_NAMES, Duty, Plan

TEMPLATE = "unit_plan.docx"


def unit_plan_title(plan: Plan, unit: Unit) -> str:
    return f"{unit.name}{plan.text.year}年{plan.text.activity}实施方案"


def unit_plan_context(plan: Plan, unit: Unit, duties: list[Duty]) -> dict[str, Any]:
    requirements = [s for s in plan.text.sections if s.role == "requirements"]
    return {
        "title": title_lines(unit_plan_title(plan, unit)),
        "plan_title": plan.text.title,
        "unit_name": unit.name,
        "year": str(plan.text.year),
        "task_blocks": task_blocks(plan, unit, duties),
        "phase_blocks": phase_blocks(plan.text.phases, 2, unit_view=True),
        "requirement_blocks": [
            b for section in requirements for b in outline_blocks(plan, section.items, 2)
        ],
        "signature": signature_lines(unit.name),
        "date": chinese_date(plan.text.date),
    }


def task_blocks(plan: Plan, unit: Unit, duties: list[Duty]) -> list[Block]:
    """The unit's tasks grouped by category: （一） category, 1. task, （1） target."""
    blocks: list[Block] = []
    for n, (_, in_category) in enumerate(groupby(duties, key=lambda d: id(d.task.category)), 1):
        category_duties = list(in_category)
        category = category_duties[0].task.category
        blocks.append(block(2, outline_number(2, n), category.title, category.text))
        if category_duties[0].task.item is category:
            blocks.extend(_duty_details(plan, unit, category_duties[0], target_level=3))
            continue
        for m, duty in enumerate(category_duties, 1):
            item = duty.task.item
            blocks.append(block(3, outline_number(3, m), item.title, item.text))
            blocks.extend(_duty_details(plan, unit, duty, target_level=4))
    return blocks


def _duty_details(plan: Plan, unit: Unit, duty: Duty, target_level: int) -> list[Block]:
    item = duty.task.item
    lines = [block(0, text=f"本单位职责：{ROLE_NAMES[duty.role]}（{units_line(plan, item)}）")]
    if terms := task_terms(item):
        lines.append(block(0, text="；".join(terms)))
    if duty.targets:
        lines.append(block(0, text="台账目标："))
    for k, target in enumerate(duty.targets, 1):
        lines.append(block(target_level, outline_number(target_level, k), "", target.text))
        lines.extend(
            block(0, text=measure_line(measure, plan.planned(measure, unit)))
            for measure in target.measures
        )
    return lines
