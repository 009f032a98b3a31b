"""A unit's own implementation plan (实施方案): exactly the tasks it answers for."""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from functools import partial
from itertools import groupby
from typing import Any

from generator.documents.common import (
    Block,
    block,
    chinese_date,
    detail_lines,
    measure_line,
    outline_blocks,
    outline_number,
    paragraphs,
    phase_blocks,
    signature_lines,
    task_terms,
    title_lines,
    units_line,
)
from generator.documents.document import Document, IssueInputs
from generator.documents.unit_files import issued_units, unit_folder
from generator.documents.unit_voice import unit_voice
from generator.model.plan import Item, Unit
from generator.model.resolved import ROLE_NAMES, Duty, Plan
from generator.render.document_spec import DocProperties
from generator.write.names import safe_filename


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
            b
            for section in requirements
            for b in [
                *paragraphs(section.paragraphs),
                *outline_blocks(plan, [voiced(plan, unit, i) for i in section.items], 2),
            ]
        ],
        "signature": signature_lines(unit.name),
        "date": chinese_date(plan.unit_plan_date),
    }


def voiced(plan: Plan, unit: Unit, item: Item) -> Item:
    """The item as the unit's plan says it: its ``unit_text`` if the plan gives one, else
    its text without what is addressed to others (see :mod:`unit_voice`)."""
    if item.unit_text:
        text, paragraphs = item.unit_text, []
    else:
        text = unit_voice(plan, unit, item.text)
        paragraphs = [p for p in (unit_voice(plan, unit, p) for p in item.paragraphs) if p]
    children = [voiced(plan, unit, child) for child in item.items]
    # Most units' plans voice an item alike: one copy serves them all.
    known = _VOICED.setdefault(plan, {})
    key = (id(item), text, tuple(paragraphs), tuple(map(id, children)))
    copy = known.get(key)
    if copy is None:
        if len(known) >= _VOICED_KEPT:  # items that name units one by one: start afresh
            known.clear()
        copy = item.model_copy(update={"text": text, "paragraphs": paragraphs, "items": children})
        known[key] = copy
    return copy


# The voiced copies of each plan's items (their originals, and so their ids, live as long).
_VOICED: weakref.WeakKeyDictionary[Plan, dict[tuple[Any, ...], Item]] = weakref.WeakKeyDictionary()
_VOICED_KEPT = 4096


def task_blocks(plan: Plan, unit: Unit, duties: list[Duty]) -> list[Block]:
    """The unit's tasks grouped by category: （一） category, 1. task, （1） target."""
    blocks: list[Block] = []
    for n, (_, in_category) in enumerate(groupby(duties, key=lambda d: id(d.task.category)), 1):
        category_duties = list(in_category)
        original = category_duties[0].task.category
        category = voiced(plan, unit, original)
        blocks.append(block(2, outline_number(2, n), category.title, category.text))
        if category_duties[0].task.item is original:
            blocks.extend(_duty_details(plan, unit, category_duties[0], target_level=3))
            continue
        for m, duty in enumerate(category_duties, 1):
            item = voiced(plan, unit, duty.task.item)
            blocks.append(block(3, outline_number(3, m), item.title, item.text))
            blocks.extend(_duty_details(plan, unit, duty, target_level=4))
    return blocks


def _duty_details(plan: Plan, unit: Unit, duty: Duty, target_level: int) -> list[Block]:
    item = duty.task.item
    lines = paragraphs(detail_lines(item))  # 时间、地点 of an activity, blanks as written
    lines.append(block(0, text=f"本单位职责：{ROLE_NAMES[duty.role]}（{units_line(plan, item)}）"))
    if terms := task_terms(item):
        lines.append(block(0, text="；".join(terms)))
    if duty.targets:
        lines.append(block(0, text="台账目标："))
    task_words = _plain(item.title + item.text + "".join(item.paragraphs))
    for k, target in enumerate(duty.targets, 1):
        number = plan.numbers[target.id]
        # A target that only restates its task is named, not repeated word for word.
        own = unit_voice(plan, unit, target.text).rstrip("。；")
        if _plain(target.text) in task_words or not own:
            text = f"{plan.short(target)}：按上述任务要求完成（台账第{number}项）。"
        else:
            text = f"{own}（台账第{number}项）。"
        lines.append(block(target_level, outline_number(target_level, k), "", text))
        lines.extend(
            block(0, text=measure_line(measure, plan.planned(measure, unit)))
            for measure in target.measures
        )
    return lines


def _plain(text: str) -> str:
    """Text without punctuation, to see whether one text repeats another."""
    return re.sub(r"[\s，。；：、,.;:“”（）()]", "", text)


def documents(inputs: IssueInputs) -> Iterator[Document]:
    """Each unit's own 实施方案, covering exactly its duties."""
    plan = inputs.plan
    for unit, duties in issued_units(plan, inputs.only_unit):
        title = unit_plan_title(plan, unit)
        yield Document(
            unit_folder(unit) / safe_filename(title, ".docx"),
            f"{unit.name} 实施方案",
            make=partial(unit_plan_context, plan, unit, duties),
            properties=DocProperties(title=title, author=unit.name, created=plan.text.date),
            digested=True,
        )
