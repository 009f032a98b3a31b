"""Collect returned ledgers (回收台账): check each cell, keep what units reported.

For every file in the returns folder: recognise it, match it to its unit and
plan version through the identity written in phase 1 (never the file name),
compare every locked cell with what was issued, read the fill-in cells, and
either accept it as a :class:`Submission` or reject it with every problem.

What a fill-in cell may hold is decided here, once:

* a formula, an error value (``#N/A``), a control character XML cannot hold (Excel
  writes one as ``_x000B_``) or text longer than Excel allows is refused at its cell --
  never its cached result, never cut short; any other text is kept exactly;
* a status is accepted when it is one of the choices after trimming and NFKC
  (full-width) normalisation, with a notice; ``已 完成`` is refused;
* a date in 完成数 or 实施情况 is refused (Excel turned what was typed into a date,
  including Chinese-locale formats openpyxl reads as bare numbers);
* merges over fill-in cells are refused; hidden/unhidden and added sheets, and text
  beside the table, are only noted -- the original file is kept verbatim anyway.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import unicodedata
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from generator.documents.ledger_workbook import (
    KIND_UNIT,
    SHEET,
    LastMet,
    unit_ledger_key,
    unit_ledger_spec,
)
from generator.figures import read_figure, shown, snippet
from generator.formats.cells import MAX_CELL_CHARS, replace_illegal_chars
from generator.formats.identity import IDENTITY_SHEET, WorkbookIdentityError
from generator.intake.notes import add_staff_notes
from generator.model.ledger import LedgerRow, ledger_rows
from generator.model.plan import STATUSES, Unit
from generator.model.progress import (
    ARRIVAL_WINDOW_NS,
    PackedRows,
    PhaseReport,
    ProgressRecord,
    Rows,
    Submission,
)
from generator.model.resolved import Plan
from generator.problems import Problem
from generator.read.returns import (
    OpenedReturn,
    ReturnedFile,
    UnreadableReturn,
    W,
    list_returns,
    open_return,
    read_return,
    saved_utc,
)
from generator.read.xlsx_cells import Book, GridCell, Sheet, read_sheet_map
from generator.render.workbook_spec import Row, SheetSpec
from generator.write.store import Intake, RecordStore

# The locked columns that tell one issued row from another.
_ROW_SIGNATURE = ("content", "measure")
_STATE_NAMES = {"visible": "显示", "hidden": "隐藏", "veryHidden": "深度隐藏"}
# Excel stores a character XML cannot hold as _xHHHH_, and a literal "_xHHHH_" typed by the
# unit as _x005F_xHHHH_ (an escaped underscore). Decoded in one pass, left to right, so the
# literal text comes back verbatim and only a real control character is refused.
_EXCEL_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Built-in "0%" and "0.00%": what Excel and Calc apply when "30%" is typed into a cell.
_PERCENT_FORMATS = frozenset({9, 10})
# Built-in number formats that Chinese-locale Excel shows as dates (年月日, 时分) but that
# openpyxl, knowing only the English built-ins, reads as plain numbers.
_LOCALE_DATE_FORMATS = frozenset({*range(27, 37), *range(50, 59)})
_REFUSED = object()  # a fill-in cell whose content was refused; the problem is on the check


@dataclass
class ReturnCheck:
    """The verdict on one returned file."""

    file: ReturnedFile
    unit: Unit | None = None
    stamp: str = ""  # the save time the workbook records, as written
    saved_utc: str = ""  # the same in UTC; '' when missing or not believable
    errors: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    rows: Rows = field(default_factory=dict)
    identity: dict[str, str] = field(default_factory=dict)  # as the workbook states it

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
    ignored: list[ReturnedFile]  # Excel/WPS/LibreOffice lock files
    superseded_now: list[Submission]
    missing: list[Unit]  # units with duties and no accepted return (未报)
    store: RecordStore  # where the record lives; the run's intake is not yet committed
    run: int = 0  # this run's number in the store


def collect(plan: Plan, folder: Path, store: RecordStore | None = None) -> CollectResult:
    """Check every file in ``folder`` and take it into the record ``store``.

    Without ``store`` an in-memory one is used (a plain check). Which accepted return of a
    unit counts is the store's rule (arrival order, see :mod:`generator.model.progress`);
    earlier plan versions' returns are kept there but do not count.
    """
    checks, ignored = check_returns(plan, folder)
    _reject_ambiguous_duplicates(checks)
    store = store or RecordStore.memory()
    before = store.record(plan.text.id, plan.version, lazy=True)
    for check in checks:  # regressions and contradicting 已完成: notes for staff, not rejections
        add_staff_notes(plan, check, before)
    run = store.start_run(folder)
    store.set_version(plan.text.id, plan.version)
    store.take_in(plan.version, [_intake(check) for check in checks], run)
    for check in checks:
        check.rows = {}  # in the store now, and in the record read back from it: not thrice
    record = store.record(plan.text.id, plan.version, lazy=True)
    known = {s.sha256 for s in before.superseded}
    superseded = [s for s in record.superseded if s.sha256 not in known]
    return CollectResult(record, checks, ignored, superseded, _missing(plan, record), store, run)


@dataclass
class _Checked:
    """The last pass over a returns folder, for the collect that follows its guard."""

    plan: Plan
    listing: list[tuple[str, int, int]]
    checks: list[ReturnCheck]
    ignored: list[ReturnedFile]


_last_pass: _Checked | None = None
# Issued ledgers kept for the kinds of unit met last: a kind is a set of targets and roles,
# ten thousand units have a few dozen, and each is held only while its units keep coming.
SPECS_KEPT = 256


@dataclass(frozen=True)
class IssuedLedger:
    """What a return is compared with: the table and version issued to one kind of unit."""

    version: str  # the plan_version its _plandocs states
    sheet: SheetSpec  # its 台账 sheet; only the columns and rows, shared by the kind's units


class IssuedLedgers:
    """Each kind of unit's issued ledger (:func:`unit_ledger_key`), built once for all its units.

    Two units of one kind are issued the same columns and rows, and so the same version;
    what tells one unit's file from another's -- its ``_plandocs`` unit and its file name --
    is checked from the return itself.
    """

    def __init__(self, plan: Plan, kept: int = SPECS_KEPT) -> None:
        self.plan = plan
        self._kinds: LastMet[IssuedLedger] = LastMet(kept)
        self._last: tuple[Unit, IssuedLedger] | None = None  # asked twice per return

    def __len__(self) -> int:
        return len(self._kinds)

    def of(self, unit: Unit) -> IssuedLedger:
        if self._last is None or self._last[0] is not unit:
            key = unit_ledger_key(self.plan, unit)
            self._last = (unit, self._kinds.of(key, lambda: _issued_ledger(self.plan, unit)))
        return self._last[1]


def _issued_ledger(plan: Plan, unit: Unit) -> IssuedLedger:
    spec = unit_ledger_spec(plan, unit)
    # Without the unit's name: the sheet stands for every unit of its kind.
    sheet = dataclasses.replace(spec.sheets[0], title="", subtitle="")
    return IssuedLedger(spec.identity["plan_version"], sheet)


def _listing(folder: Path) -> list[tuple[str, int, int]]:
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        stat = path.stat()
        found.append((path.as_posix(), stat.st_size, stat.st_mtime_ns))
    return found


def check_returns(
    plan: Plan, folder: Path, keep: bool = False
) -> tuple[list[ReturnCheck], list[ReturnedFile]]:
    """Every file in ``folder`` read, checked and its bytes let go: the one pass over them.

    Each file is read once, checked cell by cell and released (its hash and verdict kept;
    the bytes are read again only to be copied, see :meth:`ReturnedFile.content`), so
    10,000 returns do not sit in memory together. With ``keep`` the pass is remembered
    for the next call on the same plan and an unchanged folder: the plan guard
    (:func:`generator.pipeline.plan_guard.returns_problems`) and the collect after it
    read the returns once between them. Lock files are listed apart, unchecked.
    """
    global _last_pass
    remembered, _last_pass = _last_pass, None
    if (
        remembered is not None
        and remembered.plan is plan
        and remembered.listing == _listing(folder)
    ):
        return remembered.checks, remembered.ignored
    checks: list[ReturnCheck] = []
    ignored: list[ReturnedFile] = []
    issued = IssuedLedgers(plan)
    for file in list_returns(folder):
        if file.is_lock_file:
            ignored.append(file)
            continue
        check = check_return(plan, file, issued)
        check.rows = PackedRows(check.rows)  # held until the store takes them: kept compact
        checks.append(check)
        file.release()
    if keep:
        _last_pass = _Checked(plan, _listing(folder), checks, ignored)
    return checks, ignored


def forget_pass() -> None:
    global _last_pass
    _last_pass = None


def recorded(plan: Plan, store: RecordStore) -> CollectResult:
    """The record as it stands, with no returns checked now (to rewrite the views)."""
    record = store.record(plan.text.id, plan.version, lazy=True)
    return CollectResult(record, [], [], [], _missing(plan, record), store)


def _missing(plan: Plan, record: ProgressRecord) -> list[Unit]:
    return [u for u in expected_units(plan) if u.id not in record.accepted]


def expected_units(plan: Plan) -> list[Unit]:
    """The units with duties (应报单位), in the organisation's order: found once per plan."""
    found = _EXPECTED.get(plan)
    if found is None:
        found = _EXPECTED[plan] = [u for u in plan.organisation.units if plan.duties(u)]
    return found


_EXPECTED: weakref.WeakKeyDictionary[Plan, list[Unit]] = weakref.WeakKeyDictionary()


def _intake(check: ReturnCheck) -> Intake:
    return Intake(
        check.file.sha256,
        check.file.source or check.file.path.name,
        check.file.path.name,
        check.file.mtime_ns,
        check.unit.id if check.unit else "",
        check.stamp,
        check.saved_utc,
        [problem_line(p.place, p.message, p.hint) for p in check.errors],
        check.rows if check.accepted else {},
    )


def problem_line(place: str, message: str, hint: str) -> str:
    where = f"{place}：" if place else ""
    return f"{where}{message}（{hint}）" if hint else f"{where}{message}"


def _reject_ambiguous_duplicates(checks: list[ReturnCheck]) -> None:
    """Two different files of one unit, arrived together and saved at the same moment.

    Neither arrival nor save time tells which is newer, so neither is taken: the unit is
    asked to send one.
    """
    by_unit: dict[tuple[str, str, int], list[ReturnCheck]] = {}
    for check in checks:
        if check.accepted and check.unit:
            window = check.file.mtime_ns // ARRIVAL_WINDOW_NS
            by_unit.setdefault((check.unit.id, check.saved_utc, window), []).append(check)
    for group in by_unit.values():
        if len({c.file.sha256 for c in group}) > 1:
            names = "、".join(c.file.path.name for c in group)
            for check in group:
                check.error(
                    "",
                    f"同一单位有两份内容不同、同时收到且保存时间相同的台账（{names}），"
                    "无法判断以哪份为准",
                    "请该单位确认后只报送一份",
                )


def open_and_match(
    plan: Plan,
    file: ReturnedFile,
    kind: str,
    noun: str,
    version_of: Callable[[Unit], str],
    opener: Callable[[ReturnedFile], OpenedReturn[W]] = open_return,  # type: ignore[assignment]
) -> tuple[ReturnCheck, OpenedReturn[W] | None]:
    """Open a returned workbook of ``kind`` and match it to its unit; problems go on the check.

    Shared by every kind of workbook we send out and read back (台账, 推荐表格);
    ``version_of`` gives the version the unit's workbook has now; ``opener`` gives the
    workbook as openpyxl's (:func:`open_return`) or as its cells (:func:`read_return`).
    """
    check = ReturnCheck(file)
    try:
        opened = opener(file)
    except UnreadableReturn as exc:
        check.error("", str(exc), exc.hint)
        return check, None
    check.identity = opened.identity
    check.unit = _match_unit(plan, opened, check, kind, noun, version_of)
    if check.unit is None:
        return check, None
    check.stamp = _stamp(opened.stamp)
    check.saved_utc = saved_utc(opened.stamp, opened.application, dt.datetime.now(dt.timezone.utc))
    if opened.stamp is not None and not check.saved_utc:
        check.notice(
            "",
            f"台账记录的保存时间 {check.stamp} 晚于本机当前时间（电脑时钟可能有误），"
            "不用于判断先后，以收到的先后为准",
        )
    return check, opened


def check_return(
    plan: Plan, file: ReturnedFile, issued: IssuedLedgers | None = None
) -> ReturnCheck:
    """Check one returned ledger; ``issued`` keeps the issued ledgers across files."""
    ledgers = IssuedLedgers(plan) if issued is None else issued
    assert ledgers.plan is plan, "issued ledgers are those of the plan checked against"

    def version_of(unit: Unit) -> str:
        return ledgers.of(unit).version

    check, opened = open_and_match(plan, file, KIND_UNIT, "台账", version_of, read_return)
    if opened is None or check.unit is None:
        return check
    book = opened.workbook
    if not _has_ledger_sheet(book, check):
        return check
    _note_sheets(book, check, opened.application)
    sheet = ledgers.of(check.unit).sheet
    table = _issued_table(book, sheet, check)
    if table is not None and _headers_in_place(table, sheet, check):
        _check_table(plan, table, check)
    return check


def _stamp(moment: dt.datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def _match_unit(
    plan: Plan,
    opened: OpenedReturn[W],
    check: ReturnCheck,
    kind: str,
    noun: str,
    version_of: Callable[[Unit], str],
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
    current = version_of(unit)
    if identity.get("plan_version") != current:
        check.error(
            "_plandocs",
            f"这是按旧版方案（版本 {identity.get('plan_version')}）下发的{noun}，本单位的{noun}"
            f"已随方案更新为版本 {current}",
            f"请使用重新下发的{noun}填写（可把已填内容复制到新表的填写格中）",
        )
        return None
    _check_file_name(plan, opened.file, unit, check, noun)
    return unit


def _check_file_name(
    plan: Plan, file: ReturnedFile, unit: Unit, check: ReturnCheck, noun: str
) -> None:
    """A file named after another unit is that unit's copy sent by mistake, or the wrong file."""
    named = plan.unit_names.named_in(file.path.stem)  # an index, not a scan of every unit
    if named and unit not in named:
        check.error(
            "",
            f"文件名表明是「{named[0].name}」的{noun}，但文件内容是「{unit.name}」的{noun}",
            f"请核对是否报错了文件：每个单位只报送下发给本单位的{noun}",
        )


# --- the workbook's sheets ---------------------------------------------------------------------


def _has_ledger_sheet(book: Book, check: ReturnCheck) -> bool:
    """A renamed 台账 sheet is refused, not guessed at: the structure was locked when issued."""
    if SHEET in book:
        return True
    others = [name for name in book.sheetnames if name != IDENTITY_SHEET]
    found = f"（现有工作表：{'、'.join(others)}，可能是「{SHEET}」被改了名）" if others else ""
    check.error(
        "",
        f"找不到工作表「{SHEET}」{found}",
        f"请把工作表名改回「{SHEET}」，或用下发的原表重新填写",
    )
    return False


def _note_sheets(book: Book, check: ReturnCheck, application: str = "") -> None:
    """Sheets shown, hidden or added: nothing to correct, but worth telling (original kept)."""
    # Calc has no "very hidden": saving makes every hidden sheet plainly hidden.
    calc = "LibreOffice" in application or "OpenOffice" in application
    for name in book.sheetnames:
        state = book[name].state
        if name == IDENTITY_SHEET and state == "hidden" and calc:
            continue
        if name == IDENTITY_SHEET and state != "veryHidden":
            shown_as = _STATE_NAMES.get(state, state)
            check.notice(
                IDENTITY_SHEET,
                f"隐藏的标识表「{IDENTITY_SHEET}」被设为{shown_as}；标识照常读取",
                f"请勿改动「{IDENTITY_SHEET}」表",
            )
        elif name == SHEET and state != "visible":
            check.notice(SHEET, f"工作表「{SHEET}」被设为隐藏；内容照常读取")
        elif name not in (SHEET, IDENTITY_SHEET):
            check.notice(
                name,
                f"工作簿中多了工作表「{name}」，其内容不读入进度记录；原件已原样保存",
                f"台账内容请填写在「{SHEET}」表中",
            )


@dataclass(frozen=True)
class _Table:
    """Where the issued rows and columns are on a returned sheet, as ``_plandocs`` records them.

    Every check reads these coordinates, or the cells the file actually holds; never a
    ``max_row`` x ``max_column`` box, which one formatted far-away cell makes huge.
    """

    book: Book
    ws: Sheet  # the book's 台账
    columns: dict[str, int]  # column key -> 1-based column
    inputs: frozenset[int]  # the fill-in columns
    first: int  # first data row
    rows: list[Row]  # issued rows, top to bottom

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1

    @property
    def width(self) -> int:
        return len(self.columns)

    def cell(self, number: int, key: str) -> GridCell:
        return self.ws.cell(number, self.columns[key])


def _issued_table(book: Book, spec: SheetSpec, check: ReturnCheck) -> _Table | None:
    """The issued layout, if ``_plandocs`` still records exactly what was issued."""
    try:
        recorded = read_sheet_map(book, SHEET)
    except WorkbookIdentityError:
        recorded = None
    keys = [column.key for column in spec.columns]
    first = recorded.header_rows[1] + 1 if recorded else 0
    if (
        recorded is None
        or recorded.columns != dict(enumerate(keys, start=1))
        or recorded.rows != {first + i: row.key for i, row in enumerate(spec.rows)}
    ):
        check.error(
            IDENTITY_SHEET,
            f"台账标识被破坏：隐藏的标识表「{IDENTITY_SHEET}」与下发时不一致",
            "请使用下发的原表重新填写",
        )
        return None
    inputs = frozenset(i for i, c in enumerate(spec.columns, start=1) if c.kind != "text")
    columns = {key: index for index, key in recorded.columns.items()}
    return _Table(book, book[SHEET], columns, inputs, first, spec.rows)


def _issued_headers(sheet: SheetSpec, top: int) -> dict[tuple[int, int], str]:
    """(row, column) -> header text, as the ledger writer lays the two header rows out.

    A column without a group spans both rows (the lower cell is under the merge, empty);
    a group's name heads its first column on the upper row, its columns' titles below.
    """
    cells: dict[tuple[int, int], str] = {}
    previous = None
    for index, column in enumerate(sheet.columns, start=1):
        if column.group is None:
            cells[(top, index)], cells[(top + 1, index)] = column.title, ""
        else:
            first = column.group != previous
            cells[(top, index)] = column.group if first else ""
            cells[(top + 1, index)] = column.title
        previous = column.group
    return cells


def _header_label(ws: Sheet, top: int, column: int) -> tuple[str, str]:
    return tuple(  # type: ignore[return-value]
        "" if ws.cell(row, column).value is None else str(ws.cell(row, column).value).strip()
        for row in (top, top + 1)
    )


def _headers_in_place(table: _Table, sheet: SheetSpec, check: ReturnCheck) -> bool:
    """Every header cell as issued; columns inserted or deleted are named as such.

    A unit that moved a block of columns (headers included) and filled under the headers
    it saw would otherwise be read by the issued positions, its figures in the wrong phase.
    """
    top = table.first - 2
    expected = _issued_headers(sheet, top)
    width = len(sheet.columns)
    used = [c.column for c in table.ws.cells.values() if top <= c.row <= top + 1 and c.value]
    last = max([width, *used])
    wanted = [(expected[(top, c)], expected[(top + 1, c)]) for c in range(1, width + 1)]
    found = [_header_label(table.ws, top, c) for c in range(1, last + 1)]
    if found[:width] == wanted:
        return True  # whatever stands further right is beside the table, not in it
    shifted = False
    matcher = difflib.SequenceMatcher(a=wanted, b=found, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "insert" or (tag == "replace" and b1 - b0 > a1 - a0):
            shifted = True
            letters = "、".join(get_column_letter(c) for c in range(b0 + 1, b1 + 1))
            check.error(
                f"{SHEET}!{get_column_letter(b0 + 1)}{top}",
                f"台账中插入了列（{letters} 列）",
                "不要增加列；请删除插入的列，或用下发的原表重新填写",
            )
        elif tag == "delete" or (tag == "replace" and a1 - a0 > b1 - b0):
            shifted = True
            names = "、".join("".join(wanted[i]) for i in range(a0, a1))
            check.error(
                f"{SHEET}!{get_column_letter(b0 + 1)}{top}",
                f"台账中删除了列（「{names}」）",
                "不要删除列；请用下发的原表重新填写",
            )
    if shifted:
        return False
    for column in range(1, width + 1):
        for row in (top, top + 1):
            actual = found[column - 1][row - top]
            issued = expected[(row, column)]
            if actual != issued:
                now = f"「{actual[:30]}」" if actual else "空白"
                check.error(
                    f"{SHEET}!{get_column_letter(column)}{row}",
                    f"表头被改动：现为{now}，下发时为「{issued[:30]}」"
                    if issued
                    else f"表头被改动：此格下发时为空，现为{now}",
                    "请勿调整表头和列的顺序；请用下发的原表重新填写",
                )
    return False


# --- the table -----------------------------------------------------------------------------------


def _check_table(plan: Plan, table: _Table, check: ReturnCheck) -> None:
    _check_merges(table, check)
    _note_outside(table, check)
    if not _rows_in_place(table, check):
        return
    texts = [key for key, index in table.columns.items() if index not in table.inputs]
    followers = _merged_followers(
        table.ws, [table.columns[k] for k in texts], table.first, table.last
    )
    filled = False
    for number, row in enumerate(table.rows, start=table.first):
        for key in texts:
            _check_locked(table, number, row, key, check, followers)
        filled |= _read_inputs(plan, table, number, row, check)
    if not filled and not check.errors:
        extra = [n for n in table.book.sheetnames if n not in (SHEET, IDENTITY_SHEET)]
        elsewhere = f"（是否填在了工作表「{'、'.join(extra)}」中？）" if extra else ""
        check.error(
            "",
            f"台账没有填写任何内容{elsewhere}",
            f"请在「{SHEET}」表各阶段的状态、实施情况栏填写后再报送",
        )


def _check_merges(table: _Table, check: ReturnCheck) -> None:
    """Merges a unit added over fill-in cells: a merge keeps only its top-left cell's value."""
    for merged in table.ws.merged:
        in_rows = merged.min_row <= table.last and merged.max_row >= table.first
        if in_rows and any(merged.min_col <= c <= merged.max_col for c in table.inputs):
            check.error(
                f"{SHEET}!{get_column_letter(merged.min_col)}{merged.min_row}",
                f"填写格被合并（{merged.coord}）：合并后只有左上角一格的内容会保存",
                "请取消合并（开始 → 合并后居中 → 取消单元格合并），每格分别填写",
            )


def _note_outside(table: _Table, check: ReturnCheck) -> None:
    """Text typed beside the table belongs to no report; say so (the original keeps it)."""
    width = table.width
    outside = sorted(
        (cell.row, cell.column)
        for cell in table.ws.cells.values()
        if cell.column > width and cell.value is not None
    )
    if not outside:
        return
    places = [f"{get_column_letter(column)}{row}" for row, column in outside]
    more = "等" if len(places) > 3 else ""
    check.notice(
        f"{SHEET}!{places[0]}",
        f"表格右侧有 {len(places)} 个单元格填了内容（{'、'.join(places[:3])}{more}），"
        "未读入进度记录；原件已原样保存",
        "补充说明请写在对应的实施情况栏",
    )


def _last_content_row(table: _Table) -> int:
    """The last row holding anything in the table's columns: rows added below show up here."""
    first, width = table.first, table.width
    rows = [
        cell.row
        for cell in table.ws.cells.values()
        if cell.row >= first and cell.column <= width and cell.value is not None
    ]
    return max(rows, default=table.first - 1)


def _merged_followers(
    ws: Sheet, columns: list[int], first: int, last: int
) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, column) hidden under a merge -> the merge's top-left, within rows first..last.

    Only the given columns and rows are visited, so a merge's size costs nothing.
    """
    followers = {}
    for merged in ws.merged:
        top = (merged.min_row, merged.min_col)
        for row in range(max(merged.min_row, first), min(merged.max_row, last) + 1):
            for column in columns:
                if merged.min_col <= column <= merged.max_col and (row, column) != top:
                    followers[(row, column)] = top
    return followers


def _visible(
    ws: Sheet, row: int, column: int, followers: dict[tuple[int, int], tuple[int, int]]
) -> str:
    source = ws.cell(*followers.get((row, column), (row, column)))
    return "" if source.value is None else str(source.value).replace("\r\n", "\n").strip()


def _rows_in_place(table: _Table, check: ReturnCheck) -> bool:
    """Rows deleted, added or reordered? Compare each row's locked texts with the issued ones."""
    keys = [table.columns[k] for k in _ROW_SIGNATURE]
    last = _last_content_row(table)
    followers = _merged_followers(table.ws, keys, table.first, last)
    expected = [
        tuple(str(r.values.get(k) or "").strip() for k in _ROW_SIGNATURE) for r in table.rows
    ]
    actual = [
        tuple(_visible(table.ws, n, c, followers) for c in keys)
        for n in range(table.first, last + 1)
    ]
    if actual == expected:
        return True
    if len(actual) == len(expected) and all(
        a == e or a not in expected for a, e in zip(actual, expected, strict=True)
    ):
        return True  # rows where they were, some locked texts changed: each cell is named
    extra = [table.first + i for i, sig in enumerate(actual) if sig not in expected]
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
    table: _Table,
    number: int,
    row: Row,
    key: str,
    check: ReturnCheck,
    followers: dict[tuple[int, int], tuple[int, int]],
) -> None:
    """Every locked cell as issued, an empty one included (clearing one is a change too)."""
    expected = str(row.values.get(key) or "").strip()
    actual = _visible(table.ws, number, table.columns[key], followers)
    if actual != expected:
        cell = table.cell(number, key)
        if not actual:
            check.error(
                _place(cell),
                "锁定的内容被清空",
                f"请恢复为下发时的内容「{expected[:30]}」",
            )
            return
        check.error(
            _place(cell),
            f"锁定的内容被改动：现为「{actual[:30]}」",
            f"请恢复为下发时的内容「{expected[:30]}」",
        )


# --- the fill-in cells ---------------------------------------------------------------------------


def _read_inputs(plan: Plan, table: _Table, number: int, row: Row, check: ReturnCheck) -> bool:
    """Read one row's fill-in cells for every phase; return whether anything was filled."""
    line = _ledger_line(plan, row.key)
    reports = {}
    for phase in plan.text.phases:
        report = _read_phase(table, number, phase.id, line, check)
        if not report.is_blank:
            reports[phase.id] = report
    if reports:
        filled = check.rows
        assert isinstance(filled, dict), "a check's rows are packed only once it is done"
        filled[row.key] = reports
    return bool(reports)


def _read_phase(
    table: _Table, number: int, phase_id: str, line: LedgerRow, check: ReturnCheck
) -> PhaseReport:
    status_cell = table.cell(number, f"{phase_id}.status")
    progress_cell = table.cell(number, f"{phase_id}.progress")
    status = _status(status_cell, check)
    progress = _progress(progress_cell, check)
    figure = _figure(table.cell(number, f"{phase_id}.figure"), line, status, check)
    if status is None and _blank(status_cell.value) and _normalised(progress or "") in STATUSES:
        check.error(
            _place(status_cell),
            f"状态为空，实施情况栏却写着「{progress}」",
            f"请在状态栏的下拉列表中选择「{_normalised(progress or '')}」，实施情况栏写明做了什么",
        )
    if status == "已完成" and progress == "":
        check.error(
            _place(progress_cell),
            "状态为「已完成」，但实施情况为空",
            "请简要写明完成了什么（时间、做法、成效）",
        )
    return PhaseReport(status, progress or "", figure)


def _ledger_line(plan: Plan, key: str) -> LedgerRow:
    lines = _LINES.get(plan)
    if lines is None:  # once per plan, not a scan of the targets for every row of every return
        lines = _LINES[plan] = {}
        for line in ledger_rows(plan.ledger.targets):
            lines.setdefault(line.key, line)  # the first, as a scan would find it
    return lines[key]


# Each plan's ledger lines by key (kept only as long as the plan is).
_LINES: weakref.WeakKeyDictionary[Plan, dict[str, LedgerRow]] = weakref.WeakKeyDictionary()


def _place(cell: GridCell) -> str:
    return f"{SHEET}!{cell.coordinate}"


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _normalised(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _entry(cell: GridCell, label: str, check: ReturnCheck) -> object:
    """What was typed into a fill-in cell, or ``_REFUSED`` after saying why it cannot be taken."""
    if isinstance(cell.value, str) and cell.data_type not in ("f", "e"):
        return _text(cell.value, cell, label, check)
    place = _place(cell)
    if cell.data_type == "f":
        formula = str(getattr(cell.value, "text", cell.value))  # array formulas are objects
        check.error(
            place,
            f"{label}是公式「{snippet(formula)}」；收回的台账只接受直接填写的内容，"
            "公式及其保存的计算结果都不读取",
            f"请删除公式，直接填写{label}",
        )
        return _REFUSED
    if cell.data_type == "e":
        check.error(place, f"{label}是错误值 {cell.value}", f"请删除错误值，直接填写{label}")
        return _REFUSED
    return cell.value


def _text(value: str, cell: GridCell, label: str, check: ReturnCheck) -> object:
    """Cell text as the unit typed it -- checked, never cut -- or ``_REFUSED``."""
    text = value
    if "_x" in value:  # (most text holds no escape: no need to look further)
        text = _EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
        if _SURROGATE.search(text):
            text = value  # an escape of half a surrogate pair is no character: keep what is there
    bad = _first_illegal(text)
    if bad is not None:
        check.error(
            _place(cell),
            f"{label}含有控制字符 U+{ord(text[bad]):04X}（第 {bad + 1} 个字符）",
            "请删除该字符后重新填写（常见于从其他软件复制粘贴的文字）",
        )
        return _REFUSED
    length = len(text.encode("utf-16-le")) // 2  # Excel counts UTF-16 code units
    if length > MAX_CELL_CHARS:
        check.error(
            _place(cell),
            f"{label}长达 {length} 个字符，超过 Excel 单元格上限 {MAX_CELL_CHARS} 个字符"
            "（Excel 保存不出这样的文件）；为免丢失内容，不作截断",
            f"请精简到 {MAX_CELL_CHARS} 个字符以内，详细材料可另附报送",
        )
        return _REFUSED
    return text


def _first_illegal(text: str) -> int | None:
    """Where the first character XML cannot hold is: the set both engines refuse to write."""
    clean = replace_illegal_chars(text)  # one replacement per character, so indexes agree
    if clean == text:
        return None
    return next((i for i, (a, b) in enumerate(zip(text, clean, strict=True)) if a != b), None)


def _as_date(cell: GridCell, raw: object) -> object:
    """The date a unit typed, if the cell holds one (possibly as a bare serial number)."""
    if isinstance(raw, dt.date | dt.time | dt.timedelta):
        return raw
    # See _LOCALE_DATE_FORMATS.
    number = isinstance(raw, int | float) and not isinstance(raw, bool)
    if number and cell.number_format in _LOCALE_DATE_FORMATS:
        try:
            return from_excel(raw)
        except (ValueError, OverflowError):
            return None
    return None


def _status(cell: GridCell, check: ReturnCheck) -> str | None:
    raw = _entry(cell, "状态", check)
    if raw is _REFUSED or _blank(raw):
        return None
    text = shown(raw)
    clean = _normalised(text)
    if clean in STATUSES:
        if clean != text:
            check.notice(
                _place(cell),
                f"状态「{text}」含多余的空格或全角字符，已按「{clean}」读取",
                "下次请从下拉列表中选择",
            )
        return clean
    spaced = "（文字中间不能有空格）" if any(ch.isspace() for ch in clean) else ""
    check.error(
        _place(cell),
        f"状态「{snippet(text)}」不是可选值",
        f"请从下拉列表中选择：{'、'.join(STATUSES)}{spaced}",
    )
    return None


def _progress(cell: GridCell, check: ReturnCheck) -> str | None:
    """The 实施情况 text, unabridged; None when it was refused."""
    raw = _entry(cell, "实施情况", check)
    if raw is _REFUSED:
        return None
    date = _as_date(cell, raw)
    if date is not None:
        check.error(
            _place(cell),
            f"实施情况被 Excel 识别成了日期「{shown(date)}」，原来输入的文字已无法还原",
            "请把该格设为「文本」格式后写成文字说明，如「6月1日召开动员会」",
        )
        return None
    return "" if raw is None else shown(raw).strip()


def _figure(
    cell: GridCell, line: LedgerRow, status: str | None, check: ReturnCheck
) -> float | None:
    if line.measure is None:
        if not _blank(cell.value):
            check.error(
                _place(cell), "该目标不是量化目标，此格不应填写", "请清空此格（灰色格不需填写）"
            )
        return None
    report_unit = line.measure.report_unit
    raw = _entry(cell, "完成数", check)
    if raw is _REFUSED:
        return None
    number = isinstance(raw, int | float) and not isinstance(raw, bool)
    if number and cell.number_format in _PERCENT_FORMATS and report_unit != "%":
        assert isinstance(raw, int | float)
        check.error(
            _place(cell),
            f"完成数设成了百分比格式：显示为「{raw * 100:g}%」，表格实际保存的是 {raw:g}，"
            f"而本目标的单位是「{report_unit}」",
            f"请把该格设为「常规」格式后只填写数字（单位：{report_unit}），如 {raw * 100:g}",
        )
        return None
    date = _as_date(cell, raw)
    reading = read_figure(raw if date is None else date, report_unit)
    if reading.error:
        check.error(_place(cell), reading.error, f"请只填写阿拉伯数字（单位：{report_unit}），如 6")
    elif reading.notice:
        check.notice(_place(cell), reading.notice, "下次请直接填写数字")
    if reading.value is None and not reading.error and status in ("已完成", "正在推进", "滞后"):
        check.error(
            _place(cell), "量化目标未填写完成数", f"请填写截至本阶段的完成数（单位：{report_unit}）"
        )
    return reading.value
