"""Collect returned ledgers (回收台账): check each cell, keep what units reported.

For every file in the returns folder: recognise it, match it to its unit and
plan version through the identity written in phase 1 (never the file name),
compare every locked cell with what was issued, read the fill-in cells, and
either accept it as a :class:`Submission` or reject it with every problem.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.worksheet.worksheet import Worksheet

from generator.build.ledger_workbook import KIND_UNIT, SHEET, unit_ledger_spec
from generator.figures import read_figure
from generator.model.ledger import LedgerRow, ledger_rows
from generator.model.plan import STATUSES, Unit
from generator.model.progress import PhaseReport, ProgressRecord, Submission
from generator.model.resolved import Plan
from generator.problems import Problem
from generator.read.returns import (
    OpenedReturn,
    ReturnedFile,
    UnreadableReturn,
    list_returns,
    open_return,
)
from generator.render.xlsx_engine import Row, SheetSpec, WorkbookIdentityError, read_sheet_map


@dataclass
class ReturnCheck:
    """The verdict on one returned file."""

    file: ReturnedFile
    unit: Unit | None = None
    stamp: str = ""
    errors: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    rows: dict[str, dict[str, PhaseReport]] = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        return not self.errors

    def error(self, place: str, message: str, hint: str) -> None:
        self.errors.append(Problem(self.file.path, place, "", message, hint))

    def notice(self, place: str, message: str, hint: str = "") -> None:
        self.notices.append(Problem(self.file.path, place, "", message, hint))

    def submission(self) -> Submission:
        assert self.unit is not None and self.accepted
        return Submission(
            self.unit.id, self.file.path.name, self.file.sha256, self.stamp, self.rows
        )


@dataclass
class CollectResult:
    record: ProgressRecord
    checks: list[ReturnCheck]
    ignored: list[ReturnedFile]  # Excel/WPS lock files
    superseded_now: list[Submission]
    missing: list[Unit]  # units with duties and no accepted return (未报)


def collect(plan: Plan, folder: Path, previous: ProgressRecord | None = None) -> CollectResult:
    """Check every file in ``folder`` and merge the accepted ones into the record."""
    files = list(list_returns(folder))
    ignored = [f for f in files if f.is_lock_file]
    checks = [check_return(plan, f) for f in files if not f.is_lock_file]
    _reject_ambiguous_duplicates(checks)
    record = _fresh_record(plan, previous)
    superseded = []
    for check in sorted((c for c in checks if c.accepted), key=lambda c: (c.stamp, c.file.sha256)):
        older = record.accept(check.submission())
        if older is not None:
            superseded.append(older)
    missing = [u for u in plan.organisation.units if plan.duties(u) and u.id not in record.accepted]
    return CollectResult(record, checks, ignored, superseded, missing)


def _fresh_record(plan: Plan, previous: ProgressRecord | None) -> ProgressRecord:
    if previous is not None and previous.plan_version == plan.version:
        return ProgressRecord(
            plan.text.id, plan.version, dict(previous.accepted), list(previous.superseded)
        )
    return ProgressRecord(plan.text.id, plan.version)


def _reject_ambiguous_duplicates(checks: list[ReturnCheck]) -> None:
    """Two different accepted files of one unit saved at the same moment: neither can win."""
    by_unit: dict[tuple[str, str], list[ReturnCheck]] = {}
    for check in checks:
        if check.accepted and check.unit:
            by_unit.setdefault((check.unit.id, check.stamp), []).append(check)
    for group in by_unit.values():
        if len({c.file.sha256 for c in group}) > 1:
            names = "、".join(c.file.path.name for c in group)
            for check in group:
                check.error(
                    "",
                    f"同一单位有两份内容不同、保存时间相同的台账（{names}），无法判断以哪份为准",
                    "请该单位确认后只报送一份",
                )


def open_and_match(
    plan: Plan, file: ReturnedFile, kind: str, noun: str
) -> tuple[ReturnCheck, OpenedReturn | None]:
    """Open a returned workbook of ``kind`` and match it to its unit; problems go on the check.

    Shared by every kind of workbook we send out and read back (台账, 推荐表格).
    """
    check = ReturnCheck(file)
    try:
        opened = open_return(file)
    except UnreadableReturn as exc:
        check.error("", str(exc), exc.hint)
        return check, None
    check.unit = _match_unit(plan, opened, check, kind, noun)
    if check.unit is None:
        return check, None
    check.stamp = _stamp(opened.stamp)
    return check, opened


def check_return(plan: Plan, file: ReturnedFile) -> ReturnCheck:
    check, opened = open_and_match(plan, file, KIND_UNIT, "台账")
    if opened is None or check.unit is None:
        return check
    unit = check.unit
    if SHEET not in opened.workbook.sheetnames:
        check.error("", f"找不到工作表「{SHEET}」", "请不要删除或改名工作表，用下发的原表重新填写")
        return check
    spec = unit_ledger_spec(plan, unit).sheets[0]
    _check_layout(plan, opened, spec, check)
    return check


def _stamp(moment: dt.datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def _match_unit(
    plan: Plan, opened: OpenedReturn, check: ReturnCheck, kind: str, noun: str
) -> Unit | None:
    identity = opened.identity
    if not identity or identity.get("kind") != kind:
        check.error(
            "_plandocs",
            f"不是本系统下发的{noun}（缺少{noun}标识）",
            f"请使用下发给本单位的{noun}文件填写，不要新建或复制到其他工作簿",
        )
        return None
    if identity.get("plan_id") != plan.text.id:
        check.error(
            "_plandocs",
            f"这是另一份方案（{identity.get('plan_title', '')}）的{noun}",
            f"请报送《{plan.text.title}》的{noun}",
        )
        return None
    unit = plan.units.get(identity.get("unit_id", ""))
    if unit is None:
        check.error(
            "_plandocs", f"{noun}所属单位不在本方案的单位名单中", f"请使用下发给本单位的{noun}"
        )
        return None
    if identity.get("plan_version") != plan.version:
        check.error(
            "_plandocs",
            f"这是按旧版方案（版本 {identity.get('plan_version')}）下发的{noun}，方案已更新为版本 "
            f"{plan.version}",
            f"请使用重新下发的{noun}填写（可把已填内容复制到新表的填写格中）",
        )
        return None
    _check_file_name(plan, opened.file, unit, check, noun)
    return unit


def _check_file_name(
    plan: Plan, file: ReturnedFile, unit: Unit, check: ReturnCheck, noun: str
) -> None:
    """A file named after another unit is that unit's copy sent by mistake, or the wrong file."""
    named = [u for u in plan.organisation.units if u.name in file.path.stem]
    named = [u for u in named if not any(u.name in o.name and u is not o for o in named)]
    if named and unit not in named:
        check.error(
            "",
            f"文件名表明是「{named[0].name}」的{noun}，但文件内容是「{unit.name}」的{noun}",
            f"请核对是否报错了文件：每个单位只报送下发给本单位的{noun}",
        )


def _check_layout(plan: Plan, opened: OpenedReturn, spec: SheetSpec, check: ReturnCheck) -> None:
    ws = opened.workbook[SHEET]
    try:
        recorded = read_sheet_map(opened.workbook, SHEET)
    except WorkbookIdentityError:
        check.error("_plandocs", "台账标识被破坏", "请使用下发的原表重新填写")
        return
    columns = {key: index for index, key in recorded.columns.items()}
    if list(recorded.columns.values()) != [c.key for c in spec.columns] or list(
        recorded.rows.values()
    ) != [r.key for r in spec.rows]:
        check.error("_plandocs", "台账结构与下发时不一致", "请使用下发的原表重新填写")
        return
    first = recorded.header_rows[1] + 1
    if not _rows_in_place(ws, spec, columns, first, check):
        return
    texts = [c for c in spec.columns if c.kind == "text"]
    filled = False
    for offset, row in enumerate(spec.rows):
        number = first + offset
        for column in texts:
            _check_locked(ws, number, columns[column.key], row, column.key, check)
        filled |= _read_inputs(plan, ws, number, columns, row, check)
    if not filled and not check.errors:
        check.error("", "台账没有填写任何内容", "请在各阶段的状态、实施情况栏填写后再报送")


def _merged_followers(ws: Worksheet) -> dict[str, str]:
    """Cells hidden under a merge -> the merge's top-left cell."""
    followers = {}
    for merged in ws.merged_cells.ranges:
        top = merged.start_cell.coordinate
        for row in ws.iter_rows(
            min_row=merged.min_row,
            max_row=merged.max_row,
            min_col=merged.min_col,
            max_col=merged.max_col,
        ):
            for cell in row:
                if cell.coordinate != top:
                    followers[cell.coordinate] = top
    return followers


def _visible(ws: Worksheet, row: int, column: int, followers: dict[str, str]) -> str:
    cell = ws.cell(row, column)
    source = ws[followers[cell.coordinate]] if cell.coordinate in followers else cell
    return "" if source.value is None else str(source.value).replace("\r\n", "\n").strip()


def _signature(ws: Worksheet, row: int, keys: list[int], followers: dict[str, str]) -> tuple:
    return tuple(_visible(ws, row, c, followers) for c in keys)


def _rows_in_place(
    ws: Worksheet, spec: SheetSpec, columns: dict[str, int], first: int, check: ReturnCheck
) -> bool:
    """Rows deleted, added or reordered? Compare each row's locked texts with the issued ones."""
    followers = _merged_followers(ws)
    keys = [columns[k] for k in ("content", "measure")]
    expected = [
        tuple(str(r.values.get(k) or "").strip() for k in ("content", "measure")) for r in spec.rows
    ]
    last = ws.max_row
    while last >= first and all(cell.value is None for cell in ws[last]):
        last -= 1
    actual = [_signature(ws, n, keys, followers) for n in range(first, last + 1)]
    if actual == expected:
        return True
    extra = [first + i for i, sig in enumerate(actual) if sig not in expected]
    gone = [sig for sig in expected if sig not in actual]
    if gone:
        check.error(
            SHEET,
            f"台账少了 {len(gone)} 行（第一处：{gone[0][0][:20]}…）",
            "不要删除行；请用下发的原表重新填写",
        )
    if extra:
        cells = "、".join(f"{SHEET}!A{n}" for n in extra[:5])
        check.error(
            f"{SHEET}!A{extra[0]}",
            f"台账多了 {len(extra)} 行：{cells}",
            "不要增加行；请删除新增的行",
        )
    if not gone and not extra:
        check.error(
            SHEET, "台账的行顺序被调整（排序或移动了行）", "请恢复原顺序，或用下发的原表重新填写"
        )
    return False


def _check_locked(
    ws: Worksheet, number: int, column: int, row: Row, key: str, check: ReturnCheck
) -> None:
    cell = ws.cell(number, column)
    expected = str(row.values.get(key) or "").strip()
    if cell.value is None:
        return  # under a merge, or an empty issued cell: _rows_in_place compared the content
    actual = str(cell.value).replace("\r\n", "\n").strip()
    if actual != expected:
        check.error(
            f"{SHEET}!{cell.coordinate}",
            f"锁定的内容被改动：现为「{actual[:30]}」",
            f"请恢复为下发时的内容「{expected[:30]}」",
        )


def _read_inputs(
    plan: Plan, ws: Worksheet, number: int, columns: dict[str, int], row: Row, check: ReturnCheck
) -> bool:
    """Read one row's fill-in cells for every phase; return whether anything was filled."""
    line = _ledger_line(plan, row.key)
    filled = False
    reports = {}
    for phase in plan.text.phases:
        status_cell = ws.cell(number, columns[f"{phase.id}.status"])
        progress_cell = ws.cell(number, columns[f"{phase.id}.progress"])
        figure_cell = ws.cell(number, columns[f"{phase.id}.figure"])
        status = _status(status_cell.value, f"{SHEET}!{status_cell.coordinate}", check)
        progress = "" if progress_cell.value is None else str(progress_cell.value).strip()
        figure = None
        if line.measure is None:
            if figure_cell.value not in (None, ""):
                check.error(
                    f"{SHEET}!{figure_cell.coordinate}",
                    "该目标不是量化目标，此格不应填写",
                    "请清空此格（灰色格不需填写）",
                )
        else:
            figure = _figure(figure_cell, line.measure.report_unit, status, check)
        if status == "已完成" and not progress:
            check.error(
                f"{SHEET}!{progress_cell.coordinate}",
                "状态为「已完成」，但实施情况为空",
                "请简要写明完成了什么（时间、做法、成效）",
            )
        report = PhaseReport(status, progress, figure)
        if not report.is_blank:
            reports[phase.id] = report
            filled = True
    if reports:
        check.rows[row.key] = reports
    return filled


def _ledger_line(plan: Plan, key: str) -> LedgerRow:
    target_id = key.split("/", 1)[0]
    target = next(t for t in plan.ledger.targets if t.id == target_id)
    return next(line for line in ledger_rows([target]) if line.key == key)


def _status(raw: object, place: str, check: ReturnCheck) -> str | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = str(raw).strip()
    if text not in STATUSES:
        check.error(
            place, f"状态「{text}」不是可选值", f"请从下拉列表中选择：{'、'.join(STATUSES)}"
        )
        return None
    return text


def _figure(cell, report_unit: str, status: str | None, check: ReturnCheck) -> float | None:  # type: ignore[no-untyped-def]
    place = f"{SHEET}!{cell.coordinate}"
    raw = cell.value
    if cell.data_type == "f":
        raw = str(raw)  # a formula: read_figure explains why it is refused
    reading = read_figure(raw, report_unit)
    if reading.error:
        check.error(place, reading.error, f"请只填写阿拉伯数字（单位：{report_unit}），如 6")
    elif reading.notice:
        check.notice(place, reading.notice, "下次请直接填写数字")
    if reading.value is None and not reading.error and status in ("已完成", "正在推进", "滞后"):
        check.error(
            place, "量化目标未填写完成数", f"请填写截至本阶段的完成数（单位：{report_unit}）"
        )
    return reading.value
