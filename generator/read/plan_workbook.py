"""Read a plan workbook (plan.xlsx) into the same plain data the three YAML files give.

The sheets and columns are those of :data:`generator.model.plan_layout.SHEETS`. Each of
the three documents (plan, units, ledger) becomes a :class:`WorkbookDocument` that
remembers the ``sheet!cell`` of every value, so validation and the cross-file checks
locate their problems exactly as they do for YAML (see
:mod:`generator.read.plan_reader`).

Excel changes what staff type: ``1.1`` becomes a number, ``2016-05`` a date, ``95%``
the number 0.95, ``1.`` the number 1. Numbers typed as text, stray spaces, empty rows,
cells merged down a column and dates typed as text are taken as meant; ids stored as
numbers and dates stored in text columns are reported with the cell and how to fix them.
The file is read into memory and never written.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from generator.model.plan_layout import (
    KEYED_HEADERS,
    SHEETS,
    Column,
    Document,
    Kind,
    Sheet,
    is_required,
)
from generator.problems import Problem
from generator.read.returns import ReturnedFile, UnreadableReturn, open_return
from generator.read.yaml_source import PathKey, format_path

WORKBOOK_HINT = (
    "请用 Excel 或 WPS 打开方案工作簿，以 .xlsx（Excel 工作簿）格式保存后重试；"
    "可用 plandocs init --xlsx 生成空白方案工作簿"
)
HEADER_SEARCH_ROWS = 10  # a title row or two above the header is tolerated
_TEXT_HINT = "请把本列设为文本格式后重新输入，或在内容前加英文单引号 '"
# What a type error's fix says, by the kind of cell (the YAML path says "请改为…").
_KIND_HINTS: dict[Kind, str] = {
    "int": "请填写整数（阿拉伯数字）",
    "number": "请填写数字（阿拉伯数字，不带单位）",
    "date": "请写成日期，如 2016-06-07",
    "period": "请写成月份（如 2016-05）或日期（如 2016-05-10）",
    "bool": "是示例数据请填「是」，否则留空",
}
_SEPARATOR = re.compile(r"\s*([、，,；;\n])\s*")
_PAIR = re.compile(r"\s*([^:：]+?)\s*[:：]\s*([-+]?\d+(?:\.\d+)?)\s*(?:[、，,；;\n]|$)")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_TRUE = {"是", "true", "yes", "y", "1", "√"}
_FALSE = {"否", "false", "no", "n", "0"}
_EMPTY: Any = object()


@dataclass(frozen=True)
class Cell:
    """A cell's value as stored, where it is, and how Excel shows it."""

    value: Any
    coordinate: str
    number_format: str = "General"


@dataclass
class WorkbookDocument:
    """One of the plan's three documents, read from sheets, with the cell of every value."""

    path: Path
    data: dict[str, Any]
    root: str  # the place of the document as a whole, e.g. "方案!A1"
    positions: dict[PathKey, str] = field(default_factory=dict)
    texts: dict[PathKey, str] = field(default_factory=dict)  # values as the cell shows them
    hints: dict[PathKey, str] = field(default_factory=dict)
    labels: dict[PathKey, tuple[str, str]] = field(default_factory=dict)  # header, fill hint
    flagged: set[PathKey] = field(default_factory=set)  # paths the reader already reported

    def place(self, path: PathKey) -> str:
        """``sheet!cell`` of ``path``, or of its nearest located ancestor."""
        for cut in range(len(path), -1, -1):
            position = self.positions.get(tuple(path[:cut]))
            if position:
                return position
        return self.root

    def problem(self, path: PathKey, message: str, hint: str = "") -> Problem:
        return Problem(self.path, self.place(path), format_path(path), message, hint)

    def source_text(self, path: PathKey, value: Any) -> str:
        return self.texts.get(tuple(path), str(value))

    def scalar_hint(self, path: PathKey) -> str:
        return self.hints.get(tuple(path), "")

    def missing(self, path: PathKey) -> Problem:
        """A required value not given: named by its column header, at its empty cell."""
        header, hint = self.labels.get(tuple(path), (str(path[-1]), "请填写该单元格"))
        return self.problem(path, f"缺少必填字段「{header}」", hint)


def read_workbook(path: Path, problems: list[Problem]) -> dict[Document, WorkbookDocument] | None:
    """The three documents of the plan workbook at ``path``; ``None`` if it cannot be opened."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(path, "", "", "文件不存在", "请检查 --data 指定的工作簿路径"))
        return None
    except OSError as error:
        problems.append(Problem(path, "", "", f"无法读取文件：{error.strerror}", WORKBOOK_HINT))
        return None
    try:
        workbook = open_return(ReturnedFile(path, data)).workbook
    except UnreadableReturn as error:
        problems.append(Problem(path, "", "", str(error), WORKBOOK_HINT))
        return None
    return _Reader(path, workbook, problems).read()


def split_refs(text: str, known: set[str]) -> list[str]:
    """References separated by 、 (or ， ； and line breaks), keeping names that contain one.

    ``局属各总支、支部`` is one group's name: a run of pieces that joins back into a
    known name is taken as that name, the longest such run first.
    """
    parts = _SEPARATOR.split(text.strip())
    pieces, separators = parts[0::2], parts[1::2]
    found: list[str] = []
    start = 0
    while start < len(pieces):
        end = start
        for last in range(len(pieces) - 1, start, -1):
            joined = pieces[start] + "".join(
                separators[k] + pieces[k + 1] for k in range(start, last)
            )
            if joined in known:
                found.append(joined)
                end = last
                break
        else:
            found.append(pieces[start])
        start = end + 1
    return [ref for ref in found if ref]


def number_text(value: float) -> str:
    """A number as staff typed it: 6 for 6.0, 1.1 for 1.1."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Reader:
    def __init__(self, path: Path, workbook: Workbook, problems: list[Problem]) -> None:
        self.path = path
        self.workbook = workbook
        self.problems = problems
        roots = {"plan": "方案!A1", "units": "单位!A1", "ledger": "台账目标!A1"}
        self.documents: dict[Document, WorkbookDocument] = {
            name: WorkbookDocument(path, {}, root) for name, root in roots.items()
        }
        self.known: set[str] = set()  # unit and group ids and names, for splitting references

    def read(self, sheets: tuple[Sheet, ...] = SHEETS) -> dict[Document, WorkbookDocument]:
        self.known = self._names() if sheets == SHEETS else set()
        for sheet in sheets:
            worksheet = self._worksheet(sheet)
            if worksheet is not None:
                cells = self._cells(worksheet)
                (self._keyed if sheet.keyed else self._table)(sheet, cells)
        return self.documents

    def _names(self) -> set[str]:
        """Every unit's and group's id and name: splitting a list of references needs them."""
        first = _Reader(self.path, self.workbook, [])  # its problems are found again below
        units = first.read(tuple(s for s in SHEETS if s.document == "units")).get("units")
        records = [r for key in ("units", "groups") for r in units.data.get(key, [])]  # type: ignore[union-attr]
        return {r[key] for r in records for key in ("id", "name") if isinstance(r.get(key), str)}

    # --- sheets and cells ----------------------------------------------------------------

    def _add(self, place: str, message: str, hint: str, path: PathKey = ()) -> None:
        self.problems.append(Problem(self.path, place, format_path(path), message, hint))

    def _worksheet(self, sheet: Sheet) -> Worksheet | None:
        if sheet.name in self.workbook.sheetnames:
            return self.workbook[sheet.name]
        for column in sheet.columns if sheet.keyed else ():
            self._document(sheet, column).flagged.add(_path(column))
        self.documents[sheet.document].flagged.add(sheet.records)
        if sheet.required:
            close = difflib.get_close_matches(sheet.name, self.workbook.sheetnames, n=1, cutoff=0.3)
            guess = f"工作表「{close[0]}」是否就是它？请改名为「{sheet.name}」；" if close else ""
            self._add(
                "",
                f"缺少工作表「{sheet.name}」",
                f"{guess}请按 plandocs init --xlsx 生成的空白工作簿添加该工作表",
            )
        return None

    def _cells(self, worksheet: Worksheet) -> dict[int, dict[int, Cell]]:
        """Row -> column -> cell, for every cell with a value; merged blocks filled down."""
        rows: dict[int, dict[int, Cell]] = {}
        name = worksheet.title
        for row in worksheet.iter_rows():
            for cell in row:
                if cell.value is None or isinstance(cell, MergedCell):
                    continue
                where = f"{name}!{cell.coordinate}"
                if cell.data_type == "f":
                    self._add(
                        where,
                        "单元格是公式，方案只读取填写的值",
                        "请改为直接填写内容（可复制后“选择性粘贴 → 数值”）",
                    )
                    continue
                if cell.data_type == "e":
                    self._add(where, f"单元格是错误值 {cell.value}", "请改为正确的内容")
                    continue
                rows.setdefault(cell.row, {})[cell.column] = Cell(
                    cell.value, cell.coordinate, cell.number_format
                )
        for block in worksheet.merged_cells.ranges:
            top = rows.get(block.min_row, {}).get(block.min_col)
            if top is None:
                continue
            if block.min_col != block.max_col:
                self._add(
                    f"{name}!{block.coord}",
                    "合并单元格跨了多列，只有最左列能读到内容",
                    "请取消合并，把内容填在各自的列中（同一列上下合并可以保留）",
                )
                continue
            letter = get_column_letter(block.min_col)
            for row_number in range(block.min_row + 1, block.max_row + 1):
                rows.setdefault(row_number, {})[block.min_col] = replace(
                    top, coordinate=f"{letter}{row_number}"
                )
        return dict(sorted(rows.items()))

    def _header(
        self, sheet: Sheet, cells: dict[int, dict[int, Cell]], headers: list[str]
    ) -> tuple[int, dict[str, int]] | None:
        """The header row and header -> column number; problems for unknown headers."""
        for number in list(cells)[:HEADER_SEARCH_ROWS]:
            found = {
                _header_text(c.value): col for col, c in cells[number].items() if not _blank(c)
            }
            if not set(found) & set(headers):
                continue
            for text, col in found.items():
                if text not in headers:
                    self._unknown(sheet, cells[number][col], text, headers, "列")
            duplicates = [
                c
                for col, c in cells[number].items()
                if not _blank(c) and found[_header_text(c.value)] != col
            ]
            for cell in duplicates:
                self._add(
                    f"{sheet.name}!{cell.coordinate}",
                    f"列「{_header_text(cell.value)}」重复",
                    "请删除或改名重复的列，每列只出现一次",
                )
            return number, {text: col for text, col in found.items() if text in headers}
        self._add(
            f"{sheet.name}!A1",
            f"工作表「{sheet.name}」中找不到表头（{'、'.join(headers[:3])}……）",
            "请在第一行写表头，可从 plandocs init --xlsx 生成的空白工作簿中复制",
        )
        return None

    def _unknown(self, sheet: Sheet, cell: Cell, text: str, known: list[str], what: str) -> None:
        """An unknown column header, or an unknown 项目 of the key/value sheet."""
        close = difflib.get_close_matches(text, known, n=1, cutoff=0.5)
        guess = f"是否想写「{close[0]}」？" if close else ""
        self._add(
            f"{sheet.name}!{cell.coordinate}",
            f"未知的{what}「{text}」",
            f"{guess}本表可用的{what}：{'、'.join(known)}",
        )

    # --- the key/value sheet 方案 --------------------------------------------------------

    def _keyed(self, sheet: Sheet, cells: dict[int, dict[int, Cell]]) -> None:
        for column in sheet.columns:
            self._document(sheet, column).labels[_path(column)] = (
                column.header,
                f"请在「{sheet.name}」工作表中填写「{column.header}」一行的「内容」列",
            )
        found = self._header(sheet, cells, list(KEYED_HEADERS))
        if found is None:
            return
        header_row, numbers = found
        label_col, value_col = (numbers.get(header) for header in KEYED_HEADERS[:2])
        if label_col is None or value_col is None:
            absent = KEYED_HEADERS[0] if label_col is None else KEYED_HEADERS[1]
            self._add(f"{sheet.name}!A{header_row}", f"缺少列「{absent}」", "请补上该列的表头")
            return
        by_label = {column.header: column for column in sheet.columns}
        seen: dict[str, int] = {}
        current: Column | None = None
        for number, row in cells.items():
            label_cell, cell = row.get(label_col), row.get(value_col)
            if number <= header_row or (_blank(label_cell) and _blank(cell)):
                continue
            where = f"{sheet.name}!{get_column_letter(value_col)}{number}"
            if label_cell is None or _blank(label_cell):
                # A paragraph list goes on in the rows below its first (项目 left blank).
                if current is None or current.kind != "lines":
                    self._add(where, "这一行有内容但没有项目名", "请在「项目」列写明项目名")
                else:
                    self._keyed_value(sheet, current, cell, where)
                continue
            label = _header_text(label_cell.value)
            current = by_label.get(label)
            if current is None:
                self._unknown(sheet, label_cell, label, list(by_label), "项目")
            elif label in seen and current.kind != "lines":
                self._add(
                    f"{sheet.name}!{label_cell.coordinate}",
                    f"项目「{label}」重复（第一次在第 {seen[label]} 行）",
                    "删除或合并重复的行，只保留一行",
                )
            else:
                seen.setdefault(label, number)
                self._keyed_value(sheet, current, cell, where)
        for column in sheet.columns:  # a 项目 with no row: its problems point at the header
            document = self._document(sheet, column)
            document.positions.setdefault(_path(column), f"{sheet.name}!A{header_row}")

    def _document(self, sheet: Sheet, column: Column) -> WorkbookDocument:
        return self.documents[column.document or sheet.document]

    def _keyed_value(self, sheet: Sheet, column: Column, cell: Cell | None, where: str) -> None:
        document = self._document(sheet, column)
        path = here = _path(column)
        if column.kind == "lines":
            here = (*path, len(_parent(document.data, path).get(path[-1], [])))
            if here[-1] == 0:
                document.positions[path] = where
        document.positions[here] = where
        value = self._value(document, here, column, cell)
        if value is _EMPTY:
            return
        # Containers are made only for a value: no 通知 rows filled in means no notice.
        parent = _parent(document.data, path, create=True)
        if column.kind == "lines":
            parent.setdefault(path[-1], []).append(value)
        else:
            parent[path[-1]] = value

    # --- table sheets ----------------------------------------------------------------------

    def _table(self, sheet: Sheet, cells: dict[int, dict[int, Cell]]) -> None:
        document = self.documents[sheet.document]
        found = self._header(sheet, cells, [column.header for column in sheet.columns])
        if found is None:
            document.flagged.add(sheet.records)
            return
        header_row, numbers = found
        columns = [(c, numbers[c.header]) for c in sheet.columns if c.header in numbers]
        absent = [c for c in sheet.columns if c.header not in numbers and is_required(sheet, c)]
        for column in absent:
            self._add(
                f"{sheet.name}!A{header_row}",
                f"缺少列「{column.header}」",
                "请在表头添加该列（可从 plandocs init --xlsx 生成的空白工作簿中复制表头）",
            )
        table = _Table(sheet, document, columns, absent)
        rows = [
            (number, row)
            for number, row in cells.items()
            if number > header_row and not all(_blank(row.get(col)) for _, col in columns)
        ]
        if sheet.parent:
            self._children(table, rows)
            return
        document.positions[sheet.records] = f"{sheet.name}!A{header_row}"
        if table.number("level") is not None:
            self._outline(table, rows)
        elif not any(c.kind == "level" for c in sheet.columns):
            records = document.data.setdefault(sheet.records[0], [])
            for number, row in rows:
                records.append(self._record(table, number, row, (*sheet.records, len(records))))

    def _record(
        self, table: _Table, number: int, row: dict[int, Cell], path: PathKey
    ) -> dict[str, Any]:
        record: dict[str, Any] = {}
        document = table.document
        document.positions[path] = table.place(table.columns[0][1], number)
        document.flagged.update((*path, c.field) for c in table.absent)
        for column, col in table.columns:
            if column.kind in ("level", "parent"):
                continue
            here = (*path, column.field)
            document.positions[here] = table.place(col, number)
            document.labels[here] = (column.header, "请填写该单元格")
            if column.kind == "lines":  # the first paragraph; more follow in rows below
                first = (*here, 0)
                document.positions[first] = document.positions[here]
                here = first
            value = self._value(document, here, column, row.get(col))
            if value is not _EMPTY:
                record[column.field] = [value] if column.kind == "lines" else value
        return record

    def _outline(self, table: _Table, rows: list[tuple[int, dict[int, Cell]]]) -> None:
        """正文: an item a row, nested by 层级; a row with only 其后段落 continues the last item."""
        sections: list[dict[str, Any]] = table.document.data.setdefault("sections", [])
        level_col = table.number("level")
        lines_col = table.number("lines")
        stack: list[tuple[dict[str, Any], PathKey]] = []
        for number, row in rows:
            filled = {col for col, cell in row.items() if not _blank(cell)}
            if lines_col in filled and not filled & (table.numbers() - {lines_col}):
                self._more_paragraphs(table, row[lines_col], stack)  # type: ignore[index]
                continue
            level = self._level(table, number, row.get(level_col), len(stack))  # type: ignore[arg-type]
            del stack[level - 1 :]
            siblings = stack[-1][0].setdefault("items", []) if stack else sections
            above: PathKey = (*stack[-1][1], "items") if stack else ("sections",)
            path = (*above, len(siblings))
            item = self._record(table, number, row, path)
            siblings.append(item)
            stack.append((item, path))

    def _more_paragraphs(
        self, table: _Table, cell: Cell, stack: list[tuple[dict[str, Any], PathKey]]
    ) -> None:
        where = f"{table.sheet.name}!{cell.coordinate}"
        if not stack:
            self._add(
                where,
                "这一行只有「其后段落」，但上面没有条目",
                "请填写层级和标题，或把这段移到所属条目的下面",
            )
            return
        item, path = stack[-1]
        paragraphs = item.setdefault("paragraphs", [])
        here = (*path, "paragraphs", len(paragraphs))
        table.document.positions[here] = where
        value = self._value(table.document, here, table.sheet.column("paragraphs"), cell)
        if value is not _EMPTY:
            paragraphs.append(value)

    def _level(self, table: _Table, number: int, cell: Cell | None, depth: int) -> int:
        """The row's nesting depth; a bad or skipping level is reported and taken as meant."""
        value = _integer(cell.value) if cell is not None else None
        where = table.place(table.number("level") or 1, number)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            shown = "空" if cell is None else f"「{_display(cell)}」"
            self._add(
                where,
                f"层级应为 1 至 5 的整数，实际是{shown}",
                "1 为 一、，2 为 （一），3 为 1.，4 为 （1），5 为 ①；"
                "只填「其后段落」的行是上一条目的续段",
            )
            return max(depth, 1)
        if value > depth + 1:
            self._add(
                where,
                f"层级从 {depth} 跳到 {value}，中间缺少一级",
                "下级条目的层级只能比上级大 1；要跳过编号样式（如 一、 下直接用 1.），"
                "请在上级条目的「下级编号样式」中选择",
            )
            return depth + 1
        return value

    def _children(self, table: _Table, rows: list[tuple[int, dict[int, Cell]]]) -> None:
        """量化指标: each row is appended to the measures of the target its 目标编号 names."""
        parent_sheet = next(s for s in SHEETS if s.name == table.sheet.parent)
        parents = table.document.data.get(parent_sheet.records[0], [])
        index = {p.get("id"): i for i, p in reversed(list(enumerate(parents)))}
        parent_col = table.number("parent")
        if parent_col is None:
            return
        header = table.sheet.column("").header
        for number, row in rows:
            cell = row.get(parent_col)
            key = "" if _blank(cell) else _display(cell)  # type: ignore[arg-type]
            if key not in index:
                message = f"目标编号「{key}」不在「{parent_sheet.name}」工作表中"
                self._add(
                    table.place(parent_col, number),
                    message if key else f"缺少必填字段「{header}」",
                    f"请填写「{parent_sheet.name}」工作表中已有的目标编号",
                )
                continue
            children = parents[index[key]].setdefault(table.sheet.records[0], [])
            path = (*parent_sheet.records, index[key], *table.sheet.records, len(children))
            children.append(self._record(table, number, row, path))

    # --- values ----------------------------------------------------------------------------

    def _value(
        self, document: WorkbookDocument, path: PathKey, column: Column, cell: Cell | None
    ) -> Any:
        """The cell's value for the model, or ``_EMPTY``; Excel's conversions undone or reported."""
        if cell is None or _blank(cell):
            return _EMPTY
        document.texts[path] = _display(cell)
        if column.kind in _KIND_HINTS:
            document.hints[path] = _KIND_HINTS[column.kind]
        converted, trouble = _convert(column, cell, self.known)
        if trouble:
            document.flagged.add(path)
            self._add(document.positions.get(path, ""), *trouble, path=path)
        return converted


@dataclass
class _Table:
    """A table sheet being read: its columns (with their numbers) and the document it fills."""

    sheet: Sheet
    document: WorkbookDocument
    columns: list[tuple[Column, int]]
    absent: list[Column]

    def number(self, kind: Kind) -> int | None:
        return next((col for c, col in self.columns if c.kind == kind), None)

    def numbers(self) -> set[int]:
        return {col for _, col in self.columns}

    def place(self, col: int, row: int) -> str:
        return f"{self.sheet.name}!{get_column_letter(col)}{row}"


def _path(column: Column) -> PathKey:
    return tuple(column.field.split("."))


def _parent(data: dict[str, Any], path: PathKey, create: bool = False) -> dict[str, Any]:
    """The mapping that holds ``path``'s last key (empty and detached if absent, unless created)."""
    for key in path[:-1]:
        data = data.setdefault(str(key), {}) if create else data.get(str(key), {})
    return data


def _header_text(value: Any) -> str:
    return re.sub(r"[\s*＊:：]", "", _text_of(value))


def _text_of(value: Any) -> str:
    if isinstance(value, float | int) and not isinstance(value, bool):
        return number_text(value)
    return str(value).strip()


def _blank(cell: Cell | None) -> bool:
    return cell is None or (isinstance(cell.value, str) and not cell.value.strip())


def _display(cell: Cell) -> str:
    value = cell.value
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return _text_of(value)


def _integer(value: Any) -> Any:
    """A whole number from a number or a text of digits; anything else as it is."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return value.strip()
        return int(number) if number.is_integer() else number
    return value


Trouble = tuple[str, str] | None


def _convert(column: Column, cell: Cell, known: set[str]) -> tuple[Any, Trouble]:
    value, kind = cell.value, column.kind
    if isinstance(value, dt.time):
        return _display(cell), (f"「{value}」被 Excel 存成了时间", _TEXT_HINT)
    if kind == "int":
        return _integer(value), None
    if kind == "number":
        return _number(cell), None
    if kind in ("date", "period"):
        return _date(cell, kind == "period")
    if kind == "bool":
        return _bool(value), None
    text = _display(cell)
    if isinstance(value, dt.datetime):
        return text, (f"「{text}」被 Excel 存成了日期", _TEXT_HINT)
    if kind in ("id", "parent") and not isinstance(value, str):
        return text, (
            f"编号「{text}」被 Excel 存成了数字（数字会丢掉开头或末尾的 0，如 1.10 变成 1.1）",
            f"{_TEXT_HINT}，如 '{text}",
        )
    if kind == "refs":
        return split_refs(text, known), None
    if kind == "choice":
        return _choice(column, text)
    if kind == "planned":
        return _planned(text)
    if kind == "details":
        return _details(text), None
    return text, None


def _details(text: str) -> list[dict[str, str]]:
    """活动主题：…\n时间：  年 月 日 -> [{label, value}]; a line without ： is a label alone."""
    found = []
    for line in text.split("\n"):
        if line.strip():
            label, _, value = line.partition("：")
            found.append({"label": label.strip(), "value": value})
    return found


def _number(cell: Cell) -> Any:
    value = cell.value
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        # 95% typed in Excel is stored as 0.95 shown with a percent format.
        return round(value * 100, 10) if "%" in cell.number_format else value
    try:
        return float(str(value).strip())
    except ValueError:
        return str(value).strip()


def _date(cell: Cell, month_allowed: bool) -> tuple[Any, Trouble]:
    value = cell.value
    if isinstance(value, dt.datetime):
        # 2016-05 typed in a cell becomes 2016-05-01 shown without the day.
        if month_allowed and "d" not in cell.number_format.lower() and value.day == 1:
            return f"{value.year}-{value.month:02d}", None
        return value.date(), None
    if not isinstance(value, str):
        return value, None  # a number: the model says it should be a date
    text = value.strip()
    month = _MONTH.match(text)
    if month_allowed and month:
        if re.fullmatch(r"\d{4}-\d{1,2}", text):
            return text, None
        return f"{month[1]}-{int(month[2]):02d}", None
    found = _DATE.match(text)
    if found is None:
        return text, None  # the model explains what a date looks like
    try:
        return dt.date(int(found[1]), int(found[2]), int(found[3])), None
    except ValueError:
        return text, (f"日期「{text}」不存在", "请写成真实存在的日期，如 2016-06-07")


def _bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    text = _text_of(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return text


def _choice(column: Column, text: str) -> tuple[Any, Trouble]:
    wanted = text.rstrip(".")
    for value, label in column.choices:
        if wanted in (value.rstrip("."), label.rstrip(".")):
            return value, None
    labels = "、".join(label for _, label in column.choices)
    return text, (f"「{text}」不是允许的取值", f"只能是：{labels}（请从下拉列表中选择）")


def _planned(text: str) -> tuple[Any, Trouble]:
    pairs: dict[str, float] = {}
    position = 0
    for match in _PAIR.finditer(text):
        if match.start() != position:
            break
        position = match.end()
        name = match[1]
        if name in pairs:
            return text, (f"计划数中「{name}」出现了两次", "每个单位只写一次")
        pairs[name] = float(match[2])
    if position != len(text) or not pairs:
        return text, (
            f"计划数「{text}」格式不对",
            "请写成 单位:计划数，多个用顿号「、」分隔，如 局法制科:3、局办公室:5",
        )
    return pairs, None
