"""The 报送情况表: every unit expected to report, whether it did, when, which return counts,
and the rejections it still has to correct -- the at-a-glance view staff keep by hand.

A part of other kinds' files (a sheet of 台账汇总.xlsx, an attachment of the bureau's
summary), made from the record of returns as it stands.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import PurePath
from typing import Protocol

from generator.documents.attachments import Attachment
from generator.documents.document import Document
from generator.model.progress import ProgressRecord, Submission
from generator.model.resolved import Plan
from generator.render.workbook_spec import Column, Row, SheetSpec

SHEET = "报送情况"
COLUMNS = (
    Column("seq", "序号", 5, "text"),
    Column("unit", "单位", 22, "text"),
    Column("state", "报送情况", 10, "text"),
    Column("saved", "报送时间", 17, "text"),  # as the unit's Excel saved it
    Column("version", "采用的报送", 34, "text"),
    Column("rejected", "待改正退回件", 26, "text"),
)
KEYS = tuple(c.key for c in COLUMNS)
REPORTED, MISSING, TO_CORRECT = "已报送", "未报送", "退回待改正"


class Recorded(Protocol):
    """What the builder reads of a flow's inputs (collect's and the summaries')."""

    @property
    def plan(self) -> Plan: ...

    @property
    def record(self) -> ProgressRecord | None: ...


def documents(inputs: Recorded) -> Iterator[Document]:
    plan = inputs.plan
    record = inputs.record or ProgressRecord(plan.text.id, plan.version)
    rows = status_rows(plan, record)
    counts = Counter(row[2] for row in rows)
    title = "各单位工作台账报送情况表"
    subtitle = "；".join(f"{state} {counts[state]} 个" for state in (REPORTED, TO_CORRECT, MISSING))
    sheet = SheetSpec(
        name=SHEET,
        title=title,
        subtitle=f"应报 {len(rows)} 个单位：{subtitle}",
        columns=COLUMNS,
        rows=[Row(row[0], dict(zip(KEYS, row, strict=True))) for row in rows],
    )
    yield Document(
        PurePath(SHEET), SHEET, Attachment(title, [c.title for c in COLUMNS], rows, sheet)
    )


def status_rows(plan: Plan, record: ProgressRecord) -> list[list[str]]:
    """One row per unit with duties, in the plan's order of units."""
    outstanding: dict[str, list[str]] = {}
    for rejection in record.rejected:
        if rejection.outstanding and rejection.unit_id:
            outstanding.setdefault(rejection.unit_id, []).append(rejection.file_name)
    rows = []
    expected = [u for u in plan.organisation.units if plan.duties(u)]
    for n, unit in enumerate(expected, 1):
        accepted = record.accepted.get(unit.id)
        waiting = outstanding.get(unit.id, [])
        state = REPORTED if accepted else TO_CORRECT if waiting else MISSING
        rows.append(
            [
                str(n),
                unit.name,
                state,
                _saved(accepted),
                _version(accepted),
                "、".join(waiting) if waiting else "无",
            ]
        )
    return rows


def _saved(submission: Submission | None) -> str:
    """2016-06-28 10:15 (the time inside the workbook, as the unit's Excel saved it)."""
    if submission is None:
        return ""
    return submission.stamp.replace("T", " ")[:16]


def _version(submission: Submission | None) -> str:
    if submission is None:
        return ""
    return submission.source or submission.file_name  # its place in the returns folder
