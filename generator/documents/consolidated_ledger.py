"""The consolidated ledger (台账汇总): every unit's entries, phase by phase, in one workbook."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import PurePath

from generator.documents.common import format_number
from generator.documents.document import CollectInputs, Document
from generator.documents.ledger_workbook import (
    SHEET,
    identity,
    measure_text,
    phase_groups,
    plan_created,
)
from generator.model.ledger import LedgerRow, ledger_rows
from generator.model.plan import Unit
from generator.model.progress import ProgressRecord
from generator.model.resolved import ROLE_NAMES, Plan, Role
from generator.render.workbook_spec import Column, Row, RowStream, SheetSpec, WorkbookSpec

KIND = "consolidated-ledger"
NOT_REPORTED = "未报"


def consolidated_spec(plan: Plan, record: ProgressRecord) -> WorkbookSpec:
    columns = [
        Column("seq", "序号", 5, "text"),
        Column("project", "创建项目", 12, "text"),
        Column("content", "具体目标内容", 34, "text"),
        Column("measure", "量化指标", 16, "text"),
        Column("unit", "单位", 14, "text"),
        Column("role", "职责", 6, "text"),
    ]
    for phase_id, group in phase_groups(plan):
        columns += [
            Column(f"{phase_id}.status", "状态", 8, "text", group),
            Column(f"{phase_id}.progress", "实施情况", 30, "text", group),
            Column(f"{phase_id}.figure", "完成数", 8, "text", group),
        ]
    # Which units each line lists, found once; the rows themselves are made as the engine
    # writes them (ten thousand units' rows are never held at once).
    lines = [(line, _units(plan, line)) for line in ledger_rows(plan.ledger.targets)]
    count = sum(len(units) for _, units in lines)
    rows = RowStream(count, lambda: _rows(plan, record, lines))
    title = f"{plan.ledger.title}（汇总）"
    sheet = SheetSpec(
        name=SHEET,
        title=title,
        subtitle=f"已报送并审核通过 {len(record.accepted)} 个单位",
        columns=columns,
        rows=rows,
        merge_equal=frozenset({"seq", "project", "content", "measure"}),
    )
    return WorkbookSpec([sheet], identity(plan, KIND, None, [sheet]), title, plan_created(plan))


def _units(plan: Plan, line: LedgerRow) -> list[tuple[Unit, Role]]:
    """The units responsible for ``line``, in the organisation's order, with their role."""
    named, lead = plan.target_refs(line.target)
    found = []
    for unit in plan.organisation.units:
        role = plan.role(unit, named, lead)
        if role is not None:
            found.append((unit, role))
    return found


def _rows(
    plan: Plan, record: ProgressRecord, lines: list[tuple[LedgerRow, list[tuple[Unit, Role]]]]
) -> Iterator[Row]:
    for line, units in lines:
        yield from _unit_rows(plan, record, plan.numbers[line.target.id], line, units)


def _unit_rows(
    plan: Plan, record: ProgressRecord, seq: str, line: LedgerRow, units: list[tuple[Unit, Role]]
) -> Iterator[Row]:
    shared = {
        "seq": seq,
        "project": line.target.project,
        "content": line.target.text,
        "measure": measure_text(line.measure),
    }
    for unit, role in units:
        values: dict[str, str | int | float | None] = {
            **shared,
            "unit": unit.name,
            "role": ROLE_NAMES[role],
        }
        submission = record.accepted.get(unit.id)
        for phase in plan.text.phases:
            if submission is None:
                values[f"{phase.id}.status"] = NOT_REPORTED
                continue
            report = submission.report(line.key, phase.id)
            values[f"{phase.id}.status"] = report.status or ""
            values[f"{phase.id}.progress"] = report.progress
            values[f"{phase.id}.figure"] = (
                "" if report.figure is None else format_number(report.figure)
            )
        yield Row(f"{unit.id}:{line.key}", values)


def documents(inputs: CollectInputs) -> Iterator[Document]:
    """台账汇总.xlsx: what every unit reported, as the record holds it now."""
    yield Document(
        PurePath("台账汇总.xlsx"),
        "台账汇总",
        make=partial(consolidated_spec, inputs.plan, inputs.record),
    )
