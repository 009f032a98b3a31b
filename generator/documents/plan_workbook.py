"""Write a plan as a plan workbook (方案工作簿, plan.xlsx) for staff to fill in Excel.

The sheets and columns are those of :data:`generator.model.plan_layout.SHEETS`, the
table the reader (:mod:`generator.read.plan_workbook`) uses too, so what is written
reads back to the same models. Each sheet has a frozen Chinese header row, readable
column widths, text-formatted columns for ids and texts (so Excel leaves 1.1 and
2016-05 alone), and dropdowns where a column has fixed choices; the 说明 sheet explains
every column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from generator.model.plan import Ledger, Organisation, PlanText
from generator.model.plan_layout import (
    GUIDE_SHEET,
    KEYED_HEADERS,
    SHEETS,
    Column,
    Sheet,
    description,
    guide_rows,
    is_required,
    required_text,
)
from generator.read.plan_workbook import number_text
from generator.render.xlsx.values import workbook_bytes

Row = dict[str, Any]  # column field (or kind, for level and parent) -> value

VALIDATED_ROWS = 1000  # dropdowns and number checks reach this far below the header
_FIXED_TIME = dt.datetime(2000, 1, 1)  # document properties: same plan, same bytes
_TEXT_KINDS = {"id", "text", "lines", "refs", "choice", "planned", "parent", "period", "details"}
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FONT = Font(bold=True, color="C00000")
_BOLD = Font(bold=True)
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")

GUIDE = (
    "方案工作簿填写说明",
    "本工作簿是一份方案的全部数据，与方案目录中的 plan.yaml、units.yaml、ledger.yaml 等价："
    "plandocs 可直接读取（--data 工作簿路径，或含 plan.xlsx 的目录），"
    "plandocs convert 可在工作簿和 YAML 之间转换。",
    "各工作表第一行是表头（红字为必填列），请勿改动表头文字；可以增删行，空行会被忽略。",
    "同一列上下合并的单元格视为每行都填了该内容；请不要跨列合并。",
    "编号、月份等列已设为文本格式，请直接输入，如 1.1、2016-05；"
    "如 Excel 仍把编号变成了数字，请在前面加英文单引号 '，如 '1.1。",
    "有下拉箭头的列请从列表中选择。多个单位之间用顿号「、」分隔。",
    "表彰类别 awards.yaml、推荐对象 nominations.yaml 和报回的台账 returns/"
    " 仍放在工作簿所在的目录中。",
    "填好后运行 plandocs check --data 工作簿路径 检查；问题会写明“工作表!单元格”和修改方法。",
)


def plan_workbook_bytes(text: PlanText, organisation: Organisation, ledger: Ledger) -> bytes:
    """The plan workbook of a plan, as .xlsx bytes (the same plan gives the same bytes)."""
    documents = {
        "plan": _dump(text),
        "units": _dump(organisation),
        "ledger": _dump(ledger),
    }
    workbook = Workbook()
    _guide(workbook.active)
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet.name)
        if sheet.keyed:
            _keyed_sheet(worksheet, sheet, documents)
        else:
            _table_sheet(worksheet, sheet, list(_rows(sheet, documents)))
    return _save(workbook)


def _dump(model: Any) -> dict[str, Any]:
    return model.model_dump(mode="python", exclude_defaults=True)  # type: ignore[no-any-return]


# --- rows ---------------------------------------------------------------------------------


def _rows(sheet: Sheet, documents: dict[str, dict[str, Any]]) -> Iterator[Row]:
    data = documents[sheet.document]
    if sheet.parent:
        parent = next(s for s in SHEETS if s.name == sheet.parent)
        for record in data.get(parent.records[0], []):
            for child in record.get(sheet.records[0], []):
                yield {**child, "parent": record["id"]}
    elif any(column.kind == "level" for column in sheet.columns):
        yield from _outline_rows(data.get(sheet.records[0], []), 1)
    else:
        yield from data.get(sheet.records[0], [])


def _outline_rows(items: list[dict[str, Any]], level: int) -> Iterator[Row]:
    """An item a row; its paragraphs after the first each on a row of their own."""
    for item in items:
        paragraphs = item.get("paragraphs", [])
        yield {**item, "level": level, "paragraphs": paragraphs[:1]}
        for paragraph in paragraphs[1:]:
            yield {"paragraphs": [paragraph]}
        yield from _outline_rows(item.get("items", []), level + 1)


def _lookup(data: dict[str, Any], dotted: str) -> Any:
    for key in dotted.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(key)  # type: ignore[assignment]
    return data


def _cell_value(column: Column, value: Any) -> Any:
    """How a model value is written in a cell of the column (the reader undoes it)."""
    if value is None or value == [] or value == {}:
        return None
    kind = column.kind
    if kind == "refs":
        return "、".join(value)
    if kind == "lines":
        return value[0]
    if kind == "choice":
        return column.labels[value]
    if kind == "bool":
        return "是" if value else None
    if kind == "planned":
        return "、".join(f"{name}:{number_text(number)}" for name, number in value.items())
    if kind == "details":
        return "\n".join(f"{d['label']}：{d.get('value', '')}" for d in value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# --- sheets -------------------------------------------------------------------------------


def _guide(worksheet: Worksheet) -> None:
    worksheet.title = GUIDE_SHEET
    worksheet.append([GUIDE[0]])
    worksheet["A1"].font = Font(bold=True, size=14)
    for line in GUIDE[1:]:
        worksheet.append([line])  # not wrapped: it runs on over the empty cells to its right
    worksheet.append([])
    _header(worksheet, ["工作表", "列（项目）", "必填", "说明"], [True] * 4)
    for row in guide_rows():
        worksheet.append(row)
        if not row[1]:  # a sheet's own row
            for cell in worksheet[worksheet.max_row]:
                cell.font = _BOLD
    _widths(worksheet, [12, 18, 12, 90])
    for row in worksheet.iter_rows(min_row=len(GUIDE) + 1):
        for cell in row:
            cell.alignment = _WRAP


def _keyed_sheet(worksheet: Worksheet, sheet: Sheet, documents: dict[str, dict[str, Any]]) -> None:
    _header(worksheet, list(KEYED_HEADERS), [True, False, False])
    for column in sheet.columns:
        value = _lookup(documents[column.document or sheet.document], column.field)
        values = (value or [None]) if column.kind == "lines" else [value]
        for each in values:
            row = worksheet.max_row + 1
            worksheet.cell(row, 1, column.header).font = (
                _REQUIRED_FONT if required_text(sheet, column) == "必填" else _BOLD
            )
            single = [each] if column.kind == "lines" and each is not None else each
            cell = worksheet.cell(row, 2, _cell_value(column, single))
            _format(cell, column)
            worksheet.cell(row, 3, description(sheet, column)).alignment = _WRAP
    worksheet.column_dimensions["B"].number_format = "@"
    _widths(worksheet, [18, 80, 60])
    worksheet.freeze_panes = "B2"


def _table_sheet(worksheet: Worksheet, sheet: Sheet, rows: list[Row]) -> None:
    _header(
        worksheet,
        [column.header for column in sheet.columns],
        [is_required(sheet, column) for column in sheet.columns],
    )
    for row in rows:
        number = worksheet.max_row + 1
        for col, column in enumerate(sheet.columns, start=1):
            value = row.get(column.field or column.kind)
            cell = worksheet.cell(number, col, _cell_value(column, value))
            _format(cell, column)
            if column.field == "title" and "level" in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top", indent=row["level"] - 1)
    for col, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(col)
        if column.kind in _TEXT_KINDS:
            worksheet.column_dimensions[letter].number_format = "@"
        _validation(worksheet, column, f"{letter}2:{letter}{VALIDATED_ROWS}")
    _widths(worksheet, [column.width for column in sheet.columns])
    worksheet.freeze_panes = "A2"


def _header(worksheet: Worksheet, headers: list[str], required: list[bool]) -> None:
    worksheet.append(headers)
    for cell, must in zip(worksheet[worksheet.max_row], required, strict=True):
        cell.font = _REQUIRED_FONT if must else _BOLD
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _format(cell: Any, column: Column) -> None:
    if isinstance(cell.value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    elif column.kind in _TEXT_KINDS:
        cell.number_format = "@"
    cell.alignment = _WRAP


def _validation(worksheet: Worksheet, column: Column, cells: str) -> None:
    """A dropdown for fixed choices, a whole-number check for levels."""
    if column.choices or column.kind == "bool":
        labels = [label for _, label in column.choices] or ["是"]
        rule = DataValidation(type="list", formula1=f'"{",".join(labels)}"', allow_blank=True)
        rule.error = f"请从下拉列表中选择：{'、'.join(labels)}"
    elif column.kind == "level":
        rule = DataValidation(type="whole", operator="between", formula1="1", formula2="5")
        rule.allow_blank = True
        rule.error = "层级为 1 至 5 的整数"
    else:
        return
    rule.errorTitle = column.header
    rule.showErrorMessage = True
    worksheet.add_data_validation(rule)
    rule.add(cells)


def _widths(worksheet: Worksheet, widths: list[int]) -> None:
    for col, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(col)].width = width


def _save(workbook: Workbook) -> bytes:
    # openpyxl's save stamps the time; writing through ExcelWriter keeps ours.
    workbook.properties.creator = "plandocs"
    workbook.properties.created = workbook.properties.modified = _FIXED_TIME
    return workbook_bytes(workbook)
