"""Ledger workbooks (工作台账): the master ledger and one per unit to fill in.

One worksheet row per reporting line (:class:`LedgerRow`): a target without a
quantitative measure gives one row, a target with measures one row per measure.
Each phase has a 状态 dropdown, an 实施情况 text and -- on measured rows -- a
number cell.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import weakref
from collections.abc import Callable, Hashable, Iterator, Sequence
from functools import partial
from pathlib import PurePath
from typing import Generic, TypeVar

from generator.documents.common import phase_heading
from generator.documents.document import Document, IssueInputs
from generator.documents.ledger_table import responsible_names
from generator.documents.unit_files import issued_units, unit_folder
from generator.model.ledger import LedgerRow, ledger_rows
from generator.model.plan import STATUSES, Measure, Unit
from generator.model.resolved import ROLE_NAMES, Plan, Role
from generator.render.workbook_spec import Column, Row, SheetSpec, WorkbookSpec
from generator.write.names import safe_filename

SHEET = "台账"
V = TypeVar("V")
KIND_MASTER, KIND_UNIT = "master-ledger", "unit-ledger"


def phase_groups(plan: Plan) -> list[tuple[str, str]]:
    """(phase id, header) per phase: 宣传教育阶段（5月份）."""
    return [(p.id, phase_heading(p)) for p in plan.text.phases]


def phase_columns(plan: Plan) -> list[Column]:
    columns = []
    for phase_id, group in phase_groups(plan):
        columns += [
            Column(f"{phase_id}.status", "状态", 9, "input_choice", group, STATUSES),
            Column(f"{phase_id}.progress", "实施情况", 28, "input_text", group),
            Column(f"{phase_id}.figure", "完成数", 8, "input_number", group),
        ]
    return columns


def _target_columns(unit_view: bool, deadlines: bool, planned: bool) -> list[Column]:
    columns = [
        Column("seq", "序号", 5, "text"),
        Column("project", "创建项目", 12, "text"),
        Column("content", "具体目标内容", 36, "text"),
        Column("responsible", "责任单位", 14, "text"),
    ]
    if deadlines:  # only plans that set them get the column
        columns.append(Column("deadline", "完成时限", 10, "text"))
    if unit_view:
        columns.append(Column("role", "本单位职责", 7, "text"))
    columns.append(Column("measure", "量化指标", 18, "text"))
    if planned:  # 计划数 beside the 完成数 units report, only where the plan sets them
        columns.append(Column("planned", "计划数", 8, "text"))
    return columns


def measure_text(measure: Measure | None) -> str:
    if measure is None:
        return ""
    return f"{measure.wording}\n填报：{measure.reported}（{measure.report_unit}）"


def planned_figure(plan: Plan, line: LedgerRow, unit: Unit | None) -> float | None:
    """A unit's 计划数 on the line; for the master ledger, all units' together."""
    if line.measure is None or not line.measure.planned:
        return None
    figure = plan.planned(line.measure, unit) if unit else sum(line.measure.planned.values())
    # A whole number is written as one (8, not 8.0): Excel shows and returns it so.
    return int(figure) if figure is not None and float(figure).is_integer() else figure


def _row(plan: Plan, line: LedgerRow, role: Role | None, unit: Unit | None) -> Row:
    values: dict[str, str | int | float | None] = {
        "seq": plan.numbers[line.target.id],  # the master ledger's 序号, in every workbook
        "project": line.target.project,
        "content": line.target.text,
        "responsible": responsible_names(plan, line.target),
        "measure": measure_text(line.measure),
    }
    if plan.has_deadlines:
        values["deadline"] = plan.deadline(line.target)[0]
    if role:
        values["role"] = ROLE_NAMES[role]
    if plan.has_planned:
        values["planned"] = planned_figure(plan, line, unit)
    disabled = (
        frozenset() if line.measure else frozenset(f"{p.id}.figure" for p in plan.text.phases)
    )
    return Row(line.key, values, disabled)


def _sheet(
    plan: Plan,
    title: str,
    subtitle: str,
    lines: list[tuple[LedgerRow, Role | None]],
    unit: Unit | None,
) -> SheetSpec:
    rows = [_row(plan, line, role, unit) for line, role in lines]
    return SheetSpec(
        name=SHEET,
        title=title,
        subtitle=subtitle,
        columns=[
            *_target_columns(unit is not None, plan.has_deadlines, plan.has_planned),
            *phase_columns(plan),
        ],
        rows=rows,
        merge_equal=frozenset({"seq", "project", "content"}),
    )


def identity(
    plan: Plan,
    kind: str,
    unit: Unit | None,
    sheets: Sequence[SheetSpec],
    version: str | None = None,
) -> dict[str, str]:
    """What the hidden sheet records to match a returned workbook to what was issued.

    ``plan_version`` is the hash of the plan data *as this workbook shows it* (its
    sheets' columns and rows): an edit elsewhere in the plan leaves it -- and a unit's
    return -- valid, so 1,000 ledgers need not be re-issued for one office's change.
    """
    return {
        "kind": kind,
        "plan_id": plan.text.id,
        "plan_title": plan.text.title,
        "plan_version": content_version(sheets) if version is None else version,
        "unit_id": unit.id if unit else "",
        "unit_name": unit.name if unit else "",
    }


def content_version(sheets: Sequence[SheetSpec]) -> str:
    """The hash of the JSON of each sheet's name, columns and rows, made a batch of rows at a
    time (the rows of ten thousand units' consolidated ledger are never one JSON text)."""
    digest = hashlib.sha256(b"[")
    for number, sheet in enumerate(sheets):
        columns = [[c.key, c.title, c.kind, c.group, list(c.choices)] for c in sheet.columns]
        head = _json([sheet.name, columns])
        digest.update(f"{', ' if number else ''}{head[:-1]}, [".encode())
        rows = iter(sheet.rows)
        separator = ""
        # One dumps per batch, not per row: the JSON of a list is its items' joined by ", ".
        while batch := [_row_json(r) for r in itertools.islice(rows, _ROWS_PER_DUMP)]:
            digest.update(f"{separator}{_json(batch)[1:-1]}".encode())
            separator = ", "
        digest.update(b"]]")
    digest.update(b"]")
    return digest.hexdigest()[:16]


_ROWS_PER_DUMP = 256


def _row_json(row: Row) -> list[object]:
    return [row.key, sorted(row.values.items()), sorted(row.disabled)]


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def plan_created(plan: Plan) -> dt.datetime:
    return dt.datetime.combine(plan.text.date, dt.time())


def master_ledger_spec(plan: Plan) -> WorkbookSpec:
    lines = [(line, None) for line in ledger_rows(plan.ledger.targets)]
    sheet = _sheet(plan, plan.ledger.title, f"发文单位：{plan.text.issuer}", lines, None)
    return WorkbookSpec(
        [sheet], identity(plan, KIND_MASTER, None, [sheet]), plan.ledger.title, plan_created(plan)
    )


def unit_ledger_spec(plan: Plan, unit: Unit) -> WorkbookSpec:
    lines = [
        (line, role) for target, role in plan.targets_for(unit) for line in ledger_rows([target])
    ]
    title = f"{plan.ledger.title}（{unit.name}）"
    subtitle = f"填报单位：{unit.name}　　填报人：　　　　联系电话：　　　　填报日期："
    sheet = _sheet(plan, title, subtitle, lines, unit)
    version = _versions(plan).of(unit_ledger_key(plan, unit), lambda: content_version([sheet]))
    stated = identity(plan, KIND_UNIT, unit, [sheet], version)
    return WorkbookSpec([sheet], stated, title, plan_created(plan))


def unit_ledger_key(plan: Plan, unit: Unit) -> Hashable:
    """What a unit's ledger table is made of: its targets with its role, and its 计划数.

    Units with equal keys are issued the same table (and ``plan_version``); only the
    title, subtitle and the unit named in ``_plandocs`` differ.
    """
    pairs = plan.targets_for(unit)
    planned: tuple[float | None, ...] = ()
    if plan.has_planned:
        planned = tuple(
            planned_figure(plan, line, unit)
            for target, _ in pairs
            for line in ledger_rows([target])
        )
    # The targets themselves (by identity: they live as long as the plan whose cache holds
    # the key), not their ids, which a careless plan file might repeat.
    return tuple((id(target), role) for target, role in pairs), planned


class LastMet(Generic[V]):
    """What was made for each of the ``kept`` keys met last; older ones are made again.

    Ten thousand units have a few dozen kinds of ledger table: what depends only on the
    kind (its version hash, the table a return is compared with) is made once per kind.
    """

    def __init__(self, kept: int = 256) -> None:
        self.kept = kept
        self._found: dict[Hashable, V] = {}

    def __len__(self) -> int:
        return len(self._found)

    def of(self, key: Hashable, make: Callable[[], V]) -> V:
        found = self._found.pop(key, None)  # re-inserted below: the last met stays longest
        if found is None:
            found = make()
            if len(self._found) >= self.kept:
                del self._found[next(iter(self._found))]
        self._found[key] = found
        return found


def _versions(plan: Plan) -> LastMet[str]:
    """The plan's unit-ledger versions by :func:`unit_ledger_key`: hashing a table costs more
    than building it."""
    found = _VERSIONS.get(plan)
    if found is None:
        found = _VERSIONS[plan] = LastMet()
    return found


# Each plan's unit-ledger versions (kept only as long as the plan is).
_VERSIONS: weakref.WeakKeyDictionary[Plan, LastMet[str]] = weakref.WeakKeyDictionary()


def master_documents(inputs: IssueInputs) -> Iterator[Document]:
    """The master ledger (总台账), beside the plan."""
    if inputs.only_unit is None:
        plan = inputs.plan
        name = PurePath(safe_filename(plan.ledger.title, ".xlsx"))
        yield Document(name, "总台账", master_ledger_spec(plan))


def unit_documents(inputs: IssueInputs) -> Iterator[Document]:
    """Each unit's ledger to fill in and return."""
    plan = inputs.plan
    for unit, _ in issued_units(plan, inputs.only_unit):
        name = unit_folder(unit) / safe_filename(f"{unit.name}工作台账", ".xlsx")
        spec = partial(unit_ledger_spec, plan, unit)
        yield Document(name, f"{unit.name} 台账", make=spec, digested=True)
