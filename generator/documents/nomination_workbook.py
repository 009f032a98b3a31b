"""Nomination workbooks (推荐表格) sent to units to fill in, one sheet per award."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import partial
from pathlib import PurePath

from generator.documents.document import Document, IssueInputs
from generator.documents.ledger_workbook import identity
from generator.model.awards import CHOICES, FIELD_LABELS, Award
from generator.model.nomination_rules import quota
from generator.model.plan import Unit
from generator.model.resolved import Plan
from generator.render.workbook_spec import Column, Row, SheetSpec, WorkbookSpec
from generator.write.names import safe_filename

KIND = "nomination-form"
OPEN_ROWS = 3  # rows offered where an award sets no quota
WIDTHS = {"story": 60, "honours": 24, "position": 22, "contact": 18, "name": 12}


def form_columns(award: Award) -> list[Column]:
    first = award.first_label
    columns = [
        Column("seq", "序号", 5, "text"),
        Column("name", first, WIDTHS["name"], "input_text"),
    ]
    for name in award.form_fields:
        choices = CHOICES.get(name, ())
        kind = "input_choice" if choices else "input_text"
        columns.append(Column(name, FIELD_LABELS[name], WIDTHS.get(name, 10), kind, None, choices))
    columns.append(Column("honours", "曾获荣誉", WIDTHS["honours"], "input_text"))
    columns.append(Column("story", "主要事迹（300字以上）", WIDTHS["story"], "input_text"))
    return columns


def row_key(award: Award, n: int) -> str:
    return f"{award.id}.{n}"


def form_sheet(award: Award, unit: Unit) -> SheetSpec:
    rows = quota(award, unit) or OPEN_ROWS
    limit = f"（本单位限报 {rows} 名）" if quota(award, unit) else ""
    return SheetSpec(
        name=award.name,
        title=f"{award.name}推荐表格{limit}",
        subtitle=f"推荐单位：{unit.name}　　按推荐顺序逐行填写，不推荐的行留空",
        columns=form_columns(award),
        rows=[Row(row_key(award, n), {"seq": str(n)}) for n in range(1, rows + 1)],
    )


def nomination_form_spec(plan: Plan, unit: Unit) -> WorkbookSpec:
    assert plan.awards is not None
    title = f"{plan.awards.title}推荐表格（{unit.name}）"
    sheets = [form_sheet(award, unit) for award in plan.awards.awards]
    created = dt.datetime.combine(plan.awards.report.date, dt.time())
    return WorkbookSpec(sheets, identity(plan, KIND, unit, sheets), title, created)


def documents(inputs: IssueInputs) -> Iterator[Document]:
    """A nomination workbook per unit, to collect nominees the way ledgers are collected."""
    plan = inputs.plan
    for unit in plan.organisation.units:
        yield Document(
            PurePath(safe_filename(f"{unit.name}推荐表格", ".xlsx")),
            f"{unit.name} 推荐表格",
            make=partial(nomination_form_spec, plan, unit),
        )
