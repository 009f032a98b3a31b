"""Annotated copies of rejected returned workbooks (退回修改).

A unit's returned workbook is copied with every problem marked where it is: the
cell gets a red fill and an Excel comment (批注) saying what is wrong and how to
fix it, and a new first sheet ``退回说明`` lists all problems with links to the
cells. Everything the unit entered stays as it was -- values, the hidden
``_plandocs`` identity sheet, validations, protection, merges, widths and print
setup -- so the unit corrects the copy and sends it back.

Plan-agnostic: the caller says which cells are wrong and why. openpyxl rewrites
the whole file, so objects it cannot read (pictures, charts, threaded comments)
are not carried over; the workbooks we issue have none.
"""

from __future__ import annotations

import datetime
import io
import math
import re
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.utils.exceptions import CellCoordinatesException
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from generator.formats.cells import replace_illegal_chars
from generator.render.xlsx.geometry import needed_height, text_units
from generator.render.xlsx.styles import (
    STYLE_HEADER,
    STYLE_SUBTITLE,
    STYLE_TEXT,
    STYLE_TITLE,
    CellStyle,
    apply_page_layout,
    default_cell_styles,
    default_page_layout,
)
from generator.render.xlsx.values import AUTHOR, checked_text, workbook_bytes, write_value

NOTES_SHEET = "退回说明"
NOTE_FILL = PatternFill("solid", fgColor="FFFFC7CE")  # Excel's own "差" (bad) red
LINK_COLOR = "FF0563C1"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

WORKBOOK_PLACE = "整个工作簿"
MISSING_SHEET = "（未找到该工作表，未能在表中标出）"
BAD_CELL = "（单元格位置无效，未能在表中标出）"
NOTES_HEADERS = ("序号", "位置", "问题", "修改方法")
NOTES_WIDTHS = (6.0, 22.0, 48.0, 48.0)
NOTES_FIRST_ROW = 4  # title, intro, header, then one row per note
TITLE_FONT_SIZE = 16

# Comment boxes: a fixed width and a height that fits the text at the default
# 9pt comment font (a CJK glyph is about 12 px, i.e. ~5.8 px per text unit).
COMMENT_WIDTH_PX = 360
COMMENT_PX_PER_UNIT = 5.8
COMMENT_LINE_PX = 16
COMMENT_PADDING_PX = 14
COMMENT_MAX_HEIGHT_PX = 800
# Marks a comment the unit had on a cell before we added ours, so a later
# annotation of the corrected copy can give it back.
_ORIGINAL_COMMENT = re.compile(r"\n\n——单位原有批注（(.*?)）——\n(.*)\Z", re.S)
_ORIGINAL_COMMENT_MARK = "\n\n——单位原有批注（{author}）——\n{text}"

# Excel writes "_xHHHH_" for characters XML cannot carry, and "_x005F_xHHHH_" for
# such text typed literally. openpyxl drops the "x005F_" when reading but does not
# put it back when writing, so literal text like "编号_x0041_" would come back as
# "编号A"; any escape that is not one Excel would write is re-protected.
_ESCAPE = re.compile("_(x([0-9A-Fa-f]{4})_)")
_FALLBACK_DATE = datetime.datetime(2000, 1, 1)

MAX_EXCEL_ROW = 1_048_576
MAX_EXCEL_COLUMN = 16_384


class AnnotateError(ValueError):
    """The workbook cannot be read for annotation; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class CellNote:
    """One problem: ``cell`` like "C5" on ``sheet``, or None for the whole workbook."""

    sheet: str
    cell: str | None
    message: str
    hint: str


@dataclass(frozen=True)
class _Place:
    """Where a note goes: its 位置 text, and the cell to mark when there is one."""

    label: str
    sheet: str | None = None
    cell: str | None = None  # the note's cell, normalised ("$c$5" -> "C5")
    anchor: str | None = None  # the cell to mark: top-left of a merged range

    @property
    def link(self) -> str | None:
        if self.sheet is None or self.cell is None:
            return None
        return f"{quote_sheetname(self.sheet)}!{self.cell}"


def annotate_workbook(original: bytes, notes: Sequence[CellNote], title: str) -> bytes:
    """A copy of ``original`` with ``notes`` marked on the cells and listed on a first sheet.

    ``original`` is only read. Notes on a sheet or cell that does not exist are
    listed on the ``退回说明`` sheet only. Raises :class:`AnnotateError` when the
    bytes are not a workbook openpyxl can read.
    """
    wb = _open(original)
    _remove_previous_annotation(wb)
    _protect_literal_escapes(wb)
    places = [_locate(wb, note) for note in notes]
    _mark_cells(wb, notes, places)
    _write_notes_sheet(wb, notes, places, title)
    _pin_properties(wb)
    return workbook_bytes(wb)


# --- reading -----------------------------------------------------------------------------


def _open(original: bytes) -> Workbook:
    if original.startswith(OLE_MAGIC):
        raise AnnotateError("文件已加密或为旧版 .xls 格式，无法生成退回批注副本")
    try:
        return load_workbook(io.BytesIO(original), rich_text=True)
    except Exception as exc:  # openpyxl fails on damaged files in many different ways
        raise AnnotateError(
            f"文件已损坏或不是 Excel 工作簿，无法生成退回批注副本（{type(exc).__name__}）"
        ) from exc


def _cells(ws: Worksheet) -> list[Cell]:
    # The stored cells only: iter_rows() would create every empty cell in the range.
    return list(ws._cells.values())


def _remove_previous_annotation(wb: Workbook) -> None:
    """Undo an earlier annotation the unit sent back, so only the new problems show."""
    if NOTES_SHEET in wb.sheetnames:
        wb.remove(wb[NOTES_SHEET])
    named = {style.name: style for style in wb._named_styles}
    for ws in wb.worksheets:
        for cell in _cells(ws):
            if cell.comment is None or cell.comment.author != AUTHOR:
                continue
            cell.comment = _unit_comment(cell.comment.text)
            if cell.style in named:
                cell.fill = copy(named[cell.style].fill)


def _unit_comment(text: str) -> Comment | None:
    found = _ORIGINAL_COMMENT.search(text)
    return Comment(found.group(2), found.group(1)) if found else None


def _protect_text(text: str) -> str:
    """Every ``_xHHHH_`` written so that Excel and Calc show it as the text it is.

    openpyxl has already dropped the marker of a literal one in a shared string, so a
    literal "_x000B_" the unit typed looks like Excel's escape of a control character;
    written back unprotected, the copy would hand the unit a control character it never
    typed. Protected, a real control character (refused anyway) shows as its escape.
    """
    return _ESCAPE.sub(lambda m: f"_x005F_{m.group(1)}", text) if "_x" in text else text


def _protect_literal_escapes(wb: Workbook) -> None:
    for ws in wb.worksheets:
        for cell in _cells(ws):
            if isinstance(cell.value, CellRichText):
                cell.value = CellRichText(*map(_protect_part, cell.value))
            elif cell.data_type == "s" and isinstance(cell.value, str):
                cell._value = _protect_text(cell.value)  # keeps the data type as loaded


def _protect_part(part: str | TextBlock) -> str | TextBlock:
    if isinstance(part, TextBlock):
        return TextBlock(part.font, _protect_text(part.text))
    return _protect_text(part)


# --- locating notes ----------------------------------------------------------------------


def _normalised_cell(cell: str) -> str | None:
    """ "$c$5" -> "C5"; None if it is not one cell inside Excel's grid."""
    text = cell.replace("$", "").strip().upper()
    try:
        letters, row = coordinate_from_string(text)
        column = column_index_from_string(letters)
    except (ValueError, CellCoordinatesException):
        return None
    if not (1 <= row <= MAX_EXCEL_ROW and 1 <= column <= MAX_EXCEL_COLUMN):
        return None
    return f"{letters}{row}"


def _markable(wb: Workbook, name: str) -> bool:
    return name in wb.sheetnames and wb[name].sheet_state == "visible"


def _anchor(ws: Worksheet, cell: str) -> str:
    for merged in ws.merged_cells.ranges:
        if cell in merged:
            return merged.start_cell.coordinate
    return cell


def _locate(wb: Workbook, note: CellNote) -> _Place:
    if note.cell is None:
        return _Place(WORKBOOK_PLACE)
    written = f"{note.sheet}!{note.cell}"
    if not _markable(wb, note.sheet):
        return _Place(written + MISSING_SHEET)
    cell = _normalised_cell(note.cell)
    if cell is None:
        return _Place(written + BAD_CELL)
    return _Place(f"{note.sheet}!{cell}", note.sheet, cell, _anchor(wb[note.sheet], cell))


# --- marking cells -----------------------------------------------------------------------


def _note_text(note: CellNote) -> str:
    lines = [f"问题：{note.message}"]
    if note.hint:
        lines.append(f"修改方法：{note.hint}")
    return replace_illegal_chars("\n".join(lines))


def _comment_size(text: str) -> tuple[int, int]:
    per_line = (COMMENT_WIDTH_PX - COMMENT_PADDING_PX) / COMMENT_PX_PER_UNIT
    lines = sum(max(1, math.ceil(text_units(part) / per_line)) for part in text.split("\n"))
    height = int(lines * COMMENT_LINE_PX + COMMENT_PADDING_PX)
    return COMMENT_WIDTH_PX, min(height, COMMENT_MAX_HEIGHT_PX)


def _comment(cell: Cell, texts: list[str]) -> Comment:
    text = "\n\n".join(texts)
    existing = cell.comment
    if existing is not None:
        text += _ORIGINAL_COMMENT_MARK.format(author=existing.author or "", text=existing.text)
    text = checked_text(text, f"{cell.parent.title}!{cell.coordinate}")
    width, height = _comment_size(text)
    return Comment(text, AUTHOR, height=height, width=width)


def _mark_cells(wb: Workbook, notes: Sequence[CellNote], places: Sequence[_Place]) -> None:
    texts: dict[tuple[str, str], list[str]] = {}
    for note, place in zip(notes, places, strict=True):
        if place.sheet is not None and place.anchor is not None:
            texts.setdefault((place.sheet, place.anchor), []).append(_note_text(note))
    for (sheet, anchor), lines in texts.items():
        cell = wb[sheet][anchor]
        assert not isinstance(cell, MergedCell)  # _anchor() resolved merges
        cell.fill = copy(NOTE_FILL)
        cell.comment = _comment(cell, lines)


# --- the 退回说明 sheet --------------------------------------------------------------------


def _put(ws: Worksheet, row: int, col: int, value: object, style: CellStyle) -> Cell:
    cell = ws.cell(row=row, column=col)
    style.apply(cell)
    write_value(cell, value, f"{ws.title}!{cell.coordinate}")
    return cell


def _link(cell: Cell, place: _Place) -> None:
    if place.link is None:
        return
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=place.link, tooltip="跳转到该单元格")
    font = copy(cell.font)
    font.color = LINK_COLOR
    font.underline = "single"
    cell.font = font


def _title_style(styles: dict[str, CellStyle]) -> CellStyle:
    base = styles[STYLE_TITLE]
    font = copy(base.font)
    font.sz = TITLE_FONT_SIZE
    return CellStyle(font, base.fill, base.border, base.alignment)


def _intro(count: int) -> str:
    return (
        f"共 {count} 条问题。表中标红并加批注的单元格即问题所在（鼠标移到单元格上可查看批注），"
        "点击“位置”可跳转到该单元格。请逐条修改后重新报送。"
    )


def _write_notes_sheet(
    wb: Workbook, notes: Sequence[CellNote], places: Sequence[_Place], title: str
) -> None:
    ws = wb.create_sheet(NOTES_SHEET, 0)
    styles = default_cell_styles()
    total = sum(NOTES_WIDTHS)
    heights: dict[int, float] = {}
    for col, width in enumerate(NOTES_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    for row, text, style in (
        (1, replace_illegal_chars(title), _title_style(styles)),
        (2, _intro(len(notes)), styles[STYLE_SUBTITLE]),
    ):
        _put(ws, row, 1, text, style)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(NOTES_WIDTHS))
        heights[row] = needed_height(text, total, style.font_size) + 4
    for col, header in enumerate(NOTES_HEADERS, start=1):
        _put(ws, NOTES_FIRST_ROW - 1, col, header, styles[STYLE_HEADER])
    heights[NOTES_FIRST_ROW - 1] = needed_height("", 1, styles[STYLE_HEADER].font_size)
    for offset, (note, place) in enumerate(zip(notes, places, strict=True)):
        row = NOTES_FIRST_ROW + offset
        heights[row] = _note_row(ws, row, offset + 1, note, place, styles[STYLE_TEXT])
    for row, height in heights.items():
        ws.row_dimensions[row].height = round(height, 1)
    _finish_notes_sheet(wb, ws, len(notes))


def _note_row(
    ws: Worksheet, row: int, number: int, note: CellNote, place: _Place, style: CellStyle
) -> float:
    values = (number, place.label, note.message, note.hint)
    for col, value in enumerate(values, start=1):
        text = replace_illegal_chars(value) if isinstance(value, str) else value
        cell = _put(ws, row, col, text, style)
        if col == 1:
            cell.alignment = _centered(style)
    _link(ws.cell(row=row, column=2), place)
    return max(
        needed_height(value, width, style.font_size)
        for value, width in zip(values, NOTES_WIDTHS, strict=True)
    )


def _centered(style: CellStyle) -> Alignment:
    alignment = copy(style.alignment)
    alignment.horizontal = "center"
    return alignment


def _finish_notes_sheet(wb: Workbook, ws: Worksheet, count: int) -> None:
    header = NOTES_FIRST_ROW - 1
    ws.freeze_panes = ws.cell(row=NOTES_FIRST_ROW, column=1)
    apply_page_layout(ws, default_page_layout())
    ws.print_title_rows = f"{header}:{header}"
    ws.print_area = f"A1:D{max(header, header + count)}"
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    wb.active = 0


def _pin_properties(wb: Workbook) -> None:
    """Keep the unit's dates (not the clock), so the same input gives the same bytes."""
    props = wb.properties
    props.created = props.created or props.modified or _FALLBACK_DATE
    props.modified = props.modified or props.created
    props.lastModifiedBy = AUTHOR
