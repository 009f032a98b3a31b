"""Render fill-in Excel ledgers (台账) from a plain layout spec.

The engine knows nothing about plans: the caller describes sheets as columns and
rows, and the engine lays them out with the cell styles and page setup taken
from a template workbook (see ``tools/make_xlsx_template.py`` for the prototype
convention). Output is protected so units can only type into the fill-in cells,
prints as A4 landscape with repeated header rows, and carries a ``veryHidden``
sheet ``_plandocs`` recording who the workbook is for and which worksheet row
holds which plan row, so a returned workbook can be matched cell by cell.

Every str value is written as a text cell: a plan line that starts with ``=`` or
reads ``#N/A`` must print as written, never be evaluated by Excel.

Rendered workbooks are written as XML text by ``xlsx_writer`` -- openpyxl's
object per cell made a ledger cost several times a plain template fill. openpyxl
still reads the template (once per engine, which also resolves every cell format
then) and serves the helpers here that work on openpyxl workbooks
(``write_value``, ``workbook_bytes``: annotated copies, statistics, tests).
"""

from __future__ import annotations

import datetime
import functools
import io
import math
import re
import unicodedata
import warnings
from collections.abc import Iterator, Mapping, Sequence
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.header_footer import HeaderFooter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from generator.render.xlsx_writer import (
    PageXml,
    Properties,
    SharedStrings,
    SheetPart,
    SheetWriter,
    StyleTable,
    Validation,
    absolute_range,
    absolute_rows,
    package,
    protection_xml,
    schema_ordered_fonts,
)
from generator.write.atomic import normalize_zip

ColumnKind = Literal["text", "input_text", "input_choice", "input_number"]
CellValue = str | int | float | None

# --- names shared with tools/make_xlsx_template.py -------------------------------

PROTOTYPE_SHEET = "台账"
IDENTITY_SHEET = "_plandocs"

STYLE_TITLE = "台账标题"
STYLE_SUBTITLE = "台账副标题"
STYLE_HEADER = "台账表头"
STYLE_TEXT = "台账文字"
STYLE_INPUT = "台账填写"
STYLE_CHOICE = "台账选项"
STYLE_NUMBER = "台账数字"
STYLE_DISABLED = "台账不适用"
STYLE_NAMES = (
    STYLE_TITLE,
    STYLE_SUBTITLE,
    STYLE_HEADER,
    STYLE_TEXT,
    STYLE_INPUT,
    STYLE_CHOICE,
    STYLE_NUMBER,
    STYLE_DISABLED,
)
# Only the fill-in styles are editable; enforced here whatever the template says,
# because protection is what keeps units from overwriting the plan text.
UNLOCKED_STYLES = frozenset({STYLE_INPUT, STYLE_CHOICE, STYLE_NUMBER})

# No password: protection guides units to the fill-in cells, it is not a secret;
# the bureau can lift it with 审阅 → 撤销工作表保护 without asking anyone.
SHEET_PASSWORD: str | None = None

FOOTER_TEXT = "第 &P 页 共 &N 页"
CHOICE_ERROR = "请从下拉列表中选择"
NUMBER_ERROR = "请输入不小于 0 的数字"
ERROR_TITLE = "输入有误"
AUTHOR = "plandocs"

# --- layout heuristics -------------------------------------------------------------

# Column widths are in units of the default font's digit width (Calibri 11); a CJK
# glyph at 11pt is about two of those. Overestimating costs a little white space,
# underestimating hides text on paper, so round up.
WIDE_CHAR_UNITS = 2.1
NARROW_CHAR_UNITS = 1.1
BASE_FONT_SIZE = 11.0
CELL_PADDING_UNITS = 1.0
LINE_HEIGHT_FACTOR = 1.4
ROW_PADDING_PT = 6.0
MAX_ROW_HEIGHT_PT = 409.0  # Excel's hard limit
# Printed ledgers are often filled in by hand, so rows with a fill-in text cell get
# room for two lines even when empty.
MIN_INPUT_LINES = 2
# Freeze the leading text columns only while they leave most of a laptop screen
# for scrolling.
FREEZE_MAX_WIDTH = 60.0

MAX_CELL_CHARS = 32767
# XML 1.0 forbids these; openpyxl would raise a bare error or write a broken file.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel decodes _xHHHH_ in cell text as a character; escaping the underscore keeps
# such literal text intact.
_OOXML_ESCAPE = re.compile("_(x[0-9A-Fa-f]{4}_)")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Keeps a pre-filled "=..." a string even after a unit edits the cell in Excel.
_FORMULA_STARTS = frozenset("=+-@")

# Identity sheet vocabulary (the first row also marks the workbook as ours).
_FORMAT_KEY = "plandocs_format"
_FORMAT_VERSION = "1"
_SHEET_KEY = "sheet"
_HEADER_ROWS_KEY = "header_rows"
_COLUMN_TABLE = ("column", "key")
_ROW_TABLE = ("row", "key")
_RESERVED_IDENTITY_KEYS = frozenset({_FORMAT_KEY, _SHEET_KEY})


class WorkbookRenderError(ValueError):
    """A spec that cannot be rendered faithfully; the message is for the user (Chinese)."""


class WorkbookIdentityError(ValueError):
    """A workbook whose ``_plandocs`` sheet is missing or unreadable."""


class TemplateStyleWarning(UserWarning):
    """The template lacks a style or page setup and a built-in default is used."""


# --- public spec -------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: float
    kind: ColumnKind
    group: str | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    key: str
    values: Mapping[str, CellValue]
    disabled: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SheetSpec:
    name: str
    title: str
    subtitle: str = ""
    columns: Sequence[Column] = ()
    rows: Sequence[Row] = ()
    merge_equal: frozenset[str] = frozenset()


@dataclass(frozen=True)
class WorkbookSpec:
    sheets: Sequence[SheetSpec]
    identity: Mapping[str, str]
    title: str
    created: datetime.datetime


@dataclass(frozen=True)
class SheetMap:
    """What ``_plandocs`` records about one rendered sheet."""

    header_rows: tuple[int, int]
    columns: dict[int, str]  # 1-based column index -> column key
    rows: dict[int, str]  # worksheet row number -> row key


# --- styles and page setup ----------------------------------------------------------


@dataclass(frozen=True)
class CellStyle:
    """One prototype's formatting; turned into a fresh NamedStyle for every render."""

    font: Font
    fill: PatternFill
    border: Border
    alignment: Alignment
    number_format: str = "General"

    @classmethod
    def of(cls, source: Cell | NamedStyle) -> CellStyle:
        """The formatting of a template cell or of a named style."""
        return cls(
            font=copy(source.font),
            fill=copy(source.fill),
            border=copy(source.border),
            alignment=copy(source.alignment),
            number_format=source.number_format,
        )

    @property
    def font_size(self) -> float:
        return float(self.font.sz or BASE_FONT_SIZE)

    def apply(self, cell: Cell) -> None:
        """Format one cell directly, for workbooks that do not carry our named styles."""
        cell.font = copy(self.font)
        cell.fill = copy(self.fill)
        cell.border = copy(self.border)
        cell.alignment = copy(self.alignment)
        cell.number_format = self.number_format

    def named_style(self, name: str) -> NamedStyle:
        return NamedStyle(
            name=name,
            font=copy(self.font),
            fill=copy(self.fill),
            border=copy(self.border),
            alignment=copy(self.alignment),
            number_format=self.number_format,
            protection=Protection(locked=name not in UNLOCKED_STYLES),
        )


@dataclass(frozen=True)
class PageLayout:
    orientation: str = "landscape"
    paper_size: int = 9  # A4
    fit_to_page: bool = True
    fit_to_width: int = 1
    fit_to_height: int = 0  # 0 = as many pages tall as needed
    horizontal_centered: bool = True
    margins: PageMargins = field(
        default_factory=lambda: PageMargins(
            left=0.5, right=0.5, top=0.6, bottom=0.7, header=0.3, footer=0.35
        )
    )
    header_footer: HeaderFooter = field(default_factory=lambda: _default_header_footer())


def _default_header_footer() -> HeaderFooter:
    hf = HeaderFooter()
    hf.oddFooter.center.text = FOOTER_TEXT
    hf.oddFooter.center.font = "仿宋_GB2312,Regular"
    hf.oddFooter.center.size = 10
    return hf


def _thin_border() -> Border:
    side = Side(style="thin", color="FF000000")
    return Border(left=side, right=side, top=side, bottom=side)


def default_cell_styles() -> dict[str, CellStyle]:
    """The built-in styles: what the template is generated from, and the fallback."""
    body_font = Font(name="仿宋_GB2312", size=11, charset=134)
    wrap_left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    wrap_center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    none = PatternFill()
    plain = Border()
    return {
        STYLE_TITLE: CellStyle(
            Font(name="方正小标宋简体", size=18, charset=134), none, plain, wrap_center
        ),
        STYLE_SUBTITLE: CellStyle(
            Font(name="仿宋_GB2312", size=12, charset=134),
            none,
            plain,
            Alignment(horizontal="left", vertical="center", wrap_text=True),
        ),
        STYLE_HEADER: CellStyle(
            Font(name="黑体", size=11, charset=134),
            PatternFill("solid", fgColor="FFF2F2F2"),
            _thin_border(),
            wrap_center,
        ),
        STYLE_TEXT: CellStyle(copy(body_font), none, _thin_border(), wrap_left),
        STYLE_INPUT: CellStyle(
            copy(body_font), PatternFill("solid", fgColor="FFFFFFF0"), _thin_border(), wrap_left
        ),
        STYLE_CHOICE: CellStyle(
            copy(body_font), PatternFill("solid", fgColor="FFFFFFF0"), _thin_border(), wrap_center
        ),
        # General, not a fixed-decimals format: counts should show "5", amounts "2.5",
        # and every fixed Excel format gets one of the two wrong ("5." or "2.50").
        STYLE_NUMBER: CellStyle(
            copy(body_font),
            PatternFill("solid", fgColor="FFFFFFF0"),
            _thin_border(),
            Alignment(horizontal="right", vertical="center", wrap_text=True),
            "General",
        ),
        STYLE_DISABLED: CellStyle(
            Font(name="仿宋_GB2312", size=11, charset=134, color="FF808080"),
            PatternFill("solid", fgColor="FFD9D9D9"),
            _thin_border(),
            wrap_center,
        ),
    }


def default_page_layout() -> PageLayout:
    return PageLayout()


def apply_page_layout(ws: Worksheet, layout: PageLayout) -> None:
    """Put ``layout`` on ``ws`` (also used to write the template itself)."""
    ws.page_setup.orientation = layout.orientation
    ws.page_setup.paperSize = layout.paper_size
    ws.page_setup.fitToWidth = layout.fit_to_width
    ws.page_setup.fitToHeight = layout.fit_to_height
    ws.sheet_properties.pageSetUpPr.fitToPage = layout.fit_to_page
    ws.print_options.horizontalCentered = layout.horizontal_centered
    ws.page_margins = copy(layout.margins)
    ws.HeaderFooter = copy(layout.header_footer)


# --- template loading -----------------------------------------------------------------


def _warn(message: str) -> None:
    # Point at the code constructing the engine, not at the template reader.
    warnings.warn(message, TemplateStyleWarning, stacklevel=4)


def _find_prototypes(ws: Worksheet) -> dict[str, CellStyle]:
    """First cell (reading order) carrying each of our named styles."""
    found: dict[str, CellStyle] = {}
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell, Cell) and cell.style in STYLE_NAMES and cell.style not in found:
                found[cell.style] = CellStyle.of(cell)
    return found


def _read_styles(path: Path, wb: Workbook, ws: Worksheet | None) -> dict[str, CellStyle]:
    prototypes = _find_prototypes(ws) if ws is not None else {}
    # openpyxl exposes only the names publicly; the definitions live here.
    named = {style.name: style for style in wb._named_styles}
    defaults = default_cell_styles()
    styles: dict[str, CellStyle] = {}
    missing: list[str] = []
    for name in STYLE_NAMES:
        if name in prototypes:
            styles[name] = prototypes[name]
        elif name in named:
            styles[name] = CellStyle.of(named[name])
        else:
            missing.append(f"“{name}”")
            styles[name] = defaults[name]
    if missing:
        _warn(f"台账模板 {path} 中没有单元格样式{'、'.join(missing)}，已使用内置默认样式")
    return styles


def _default_if_none(value: bool | None, default: bool) -> bool:
    """openpyxl reports a setting the template leaves out as None."""
    return default if value is None else bool(value)


def _read_page_layout(path: Path, ws: Worksheet | None) -> PageLayout:
    default = default_page_layout()
    if ws is None:
        _warn(f"台账模板 {path} 中没有工作表“{PROTOTYPE_SHEET}”，页面设置使用内置默认值")
        return default
    setup = ws.page_setup
    fit = ws.sheet_properties.pageSetUpPr
    footer = ws.HeaderFooter
    has_footer = footer is not None and bool(
        footer.oddFooter.left.text or footer.oddFooter.center.text or footer.oddFooter.right.text
    )
    return PageLayout(
        orientation=setup.orientation or default.orientation,
        paper_size=setup.paperSize or default.paper_size,
        fit_to_page=_default_if_none(fit and fit.fitToPage, default.fit_to_page),
        fit_to_width=default.fit_to_width if setup.fitToWidth is None else setup.fitToWidth,
        fit_to_height=default.fit_to_height if setup.fitToHeight is None else setup.fitToHeight,
        horizontal_centered=_default_if_none(
            ws.print_options.horizontalCentered, default.horizontal_centered
        ),
        margins=copy(ws.page_margins) if ws.page_margins is not None else default.margins,
        header_footer=copy(footer) if has_footer else default.header_footer,
    )


# --- cell values ------------------------------------------------------------------------


def refuse_illegal_chars(text: str, where: str) -> None:
    """Raise if ``text`` holds a character XML (and so Excel) cannot store."""
    bad = _ILLEGAL_XML.search(text)
    if bad is not None:
        raise WorkbookRenderError(
            f"{where}：文字中含有 Excel 不允许的控制字符 U+{ord(bad.group()):04X}"
            f"（第 {bad.start() + 1} 个字符），请删除后重试"
        )


def checked_text(text: str, where: str) -> str:
    """Return ``text`` escaped for OOXML, or raise if Excel cannot hold it exactly."""
    refuse_illegal_chars(text, where)
    escaped = _OOXML_ESCAPE.sub(r"_x005F_\1", text) if "_x" in text else text
    # Excel counts UTF-16 code units (at most two per character); openpyxl would
    # silently cut the rest off.
    if 2 * len(escaped) > MAX_CELL_CHARS:
        length = len(escaped.encode("utf-16-le")) // 2
        if length > MAX_CELL_CHARS:
            raise WorkbookRenderError(
                f"{where}：文字长度 {length} 超过 Excel 单元格上限 {MAX_CELL_CHARS} 个字符，"
                "请精简内容"
            )
    return escaped


def checked_number(value: object, where: str) -> int | float:
    """``value`` if Excel can store it as a number, else raise."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WorkbookRenderError(f"{where}：不支持的数据类型 {type(value).__name__}")
    if not math.isfinite(value):
        raise WorkbookRenderError(f"{where}：数值 {value} 无法写入 Excel")
    return value


def needs_quote_prefix(text: str) -> bool:
    """Text Excel would take for a formula once a unit edits the cell."""
    return text[:1] in _FORMULA_STARTS


def replace_illegal_chars(text: str, replacement: str = "\ufffd") -> str:
    """``text`` with the characters XML cannot hold replaced, for text we must not refuse."""
    return _ILLEGAL_XML.sub(replacement, text)


def write_value(cell: Cell, value: object, where: str) -> None:
    """Write a str as text (never a formula), a number as a number; ``where`` names the cell."""
    if value is None or value == "":
        return
    if isinstance(value, str):
        cell.value = checked_text(value, where)
        # openpyxl turns "=..." into a formula and "#N/A" into an error; plan text is text.
        cell.data_type = "s"
        if needs_quote_prefix(value):
            cell.quotePrefix = True
        return
    cell.value = checked_number(value, where)


# --- geometry -------------------------------------------------------------------------------


def text_units(text: str) -> float:
    return sum(
        WIDE_CHAR_UNITS if unicodedata.east_asian_width(ch) in "WFA" else NARROW_CHAR_UNITS
        for ch in text
    )


# The same plan texts recur in every unit's ledger; measuring each once saves most of the work.
@functools.lru_cache(maxsize=16384)
def _line_count(text: str, width: float, font_size: float) -> int:
    usable = max(width - CELL_PADDING_UNITS, 1.0)
    scale = font_size / BASE_FONT_SIZE
    return sum(max(1, math.ceil(text_units(part) * scale / usable)) for part in text.split("\n"))


def _height(lines: int, font_size: float) -> float:
    return min(lines * font_size * LINE_HEIGHT_FACTOR + ROW_PADDING_PT, MAX_ROW_HEIGHT_PT)


def needed_height(value: object, width: float, font_size: float, min_lines: int = 1) -> float:
    text = "" if value is None else str(value)
    return _height(max(_line_count(text, width, font_size), min_lines), font_size)


def _spread(heights: dict[int, float], rows: range, needed: float) -> None:
    """Grow the rows of a merged block evenly until together they fit ``needed``."""
    deficit = needed - sum(heights[r] for r in rows)
    if deficit > 0:
        for r in rows:
            heights[r] = min(heights[r] + deficit / len(rows), MAX_ROW_HEIGHT_PT)


def _runs(items: Sequence[int]) -> Iterator[tuple[int, int]]:
    """Consecutive integer runs in a sorted sequence, as (first, last)."""
    start = prev = None
    for item in items:
        if prev is not None and item == prev + 1:
            prev = item
            continue
        if start is not None and prev is not None:
            yield start, prev
        start = prev = item
    if start is not None and prev is not None:
        yield start, prev


# --- spec checks ------------------------------------------------------------------------------


def check_sheet_name(name: str, seen: set[str]) -> None:
    if not 1 <= len(name) <= 31 or _SHEET_NAME_FORBIDDEN.search(name):
        raise WorkbookRenderError(
            f"工作表名称“{name}”不合法：须为 1 至 31 个字符，且不含 [ ] : * ? / \\"
        )
    if name.lower() in seen or name == IDENTITY_SHEET:
        raise WorkbookRenderError(f"工作表名称“{name}”重复或与系统保留名称冲突")
    seen.add(name.lower())


def _check_sheet(sheet: SheetSpec) -> None:
    keys = [c.key for c in sheet.columns]
    if not keys:
        raise WorkbookRenderError(f"工作表“{sheet.name}”没有任何列")
    if len(set(keys)) != len(keys):
        raise WorkbookRenderError(f"工作表“{sheet.name}”的列标识重复")
    row_keys = [r.key for r in sheet.rows]
    if len(set(row_keys)) != len(row_keys):
        raise WorkbookRenderError(f"工作表“{sheet.name}”的行标识重复")
    kinds = {c.key: c.kind for c in sheet.columns}
    for key in sheet.merge_equal:
        if kinds.get(key) != "text":
            raise WorkbookRenderError(f"工作表“{sheet.name}”：只有文字列可以合并相同内容（{key}）")
    for column in sheet.columns:
        _check_choices(sheet.name, column)
    for row in sheet.rows:
        unknown = (set(row.values) | row.disabled) - set(kinds)
        if unknown:
            raise WorkbookRenderError(
                f"工作表“{sheet.name}”行“{row.key}”引用了不存在的列：{'、'.join(sorted(unknown))}"
            )
        if any(kinds[key] == "text" for key in row.disabled):
            raise WorkbookRenderError(
                f"工作表“{sheet.name}”行“{row.key}”：只有填写列可以设为不适用"
            )


def _check_choices(sheet_name: str, column: Column) -> None:
    if column.kind != "input_choice":
        return
    where = f"工作表“{sheet_name}”列“{column.title}”"
    if not column.choices:
        raise WorkbookRenderError(f"{where}：下拉列表没有选项")
    if any("," in c or '"' in c or not c for c in column.choices):
        raise WorkbookRenderError(f"{where}：下拉选项不能为空，也不能含半角逗号或双引号")
    # Excel rejects inline lists longer than 255 characters when opening the file.
    if len(",".join(column.choices)) > 255:
        raise WorkbookRenderError(f"{where}：下拉选项总长度超过 Excel 上限 255 个字符")


# --- sheet rendering ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Frame:
    """Row numbers of one sheet's parts."""

    title_row: int
    subtitle_row: int | None
    header_rows: tuple[int, int]

    @property
    def first_data_row(self) -> int:
        return self.header_rows[1] + 1


def _frame(sheet: SheetSpec) -> _Frame:
    subtitle_row = 2 if sheet.subtitle else None
    first_header = 3 if sheet.subtitle else 2
    return _Frame(1, subtitle_row, (first_header, first_header + 1))


def _data_style(column: Column, disabled: bool) -> str:
    if column.kind == "text":
        return STYLE_TEXT
    if disabled:
        return STYLE_DISABLED
    return {"input_text": STYLE_INPUT, "input_choice": STYLE_CHOICE}.get(column.kind, STYLE_NUMBER)


class _SheetRenderer:
    """Lays one SheetSpec out as worksheet XML."""

    def __init__(
        self,
        sheet: SheetSpec,
        styles: Mapping[str, CellStyle],
        table: StyleTable,
        strings: SharedStrings,
    ):
        self.out = SheetWriter(table, strings)
        self.sheet = sheet
        self.styles = styles
        self.frame = _frame(sheet)
        self.last_col = len(sheet.columns)
        self.heights: dict[int, float] = {}
        self.blocks = list(self._merge_blocks())
        # (column index, row offset) of cells inside a vertical merge: sized per block.
        self.in_block = {
            (index, offset) for index, start, end in self.blocks for offset in range(start, end + 1)
        }

    def render(self, page: PageXml, protection: str) -> SheetPart:
        self.out.widths = [column.width for column in self.sheet.columns]
        self._title_rows()
        self._header()
        self._data()
        self._merge_equal()
        self._validations()
        self.out.heights = {row: round(height, 1) for row, height in self.heights.items()}
        top, bottom = self.frame.header_rows
        self.out.frozen = (bottom + 1, self._frozen_columns() + 1)
        self.out.protection = protection
        self.out.page = page
        last_row = max(bottom, bottom + len(self.sheet.rows))
        names = {
            "Print_Titles": absolute_rows(top, bottom),
            "Print_Area": absolute_range(1, 1, last_row, self.last_col),
        }
        return SheetPart(self.sheet.name, self.out.xml(), names=names)

    # -- helpers

    def _put(self, row: int, col: int, value: object, style: str) -> None:
        _put(self.out, self.sheet.name, row, col, value, style)

    def _merge(
        self, first_row: int, first_col: int, last_row: int, last_col: int, style: str
    ) -> None:
        """Merge a block whose top-left cell is already written in named style ``style``.

        The other cells get the block's outer borders (as openpyxl's merge gives
        them), so the whole block prints framed.
        """
        if (first_row, first_col) != (last_row, last_col):
            self.out.merge(first_row, first_col, last_row, last_col, style)

    def _font_size(self, style: str) -> float:
        return self.styles[style].font_size

    # -- parts

    def _title_rows(self) -> None:
        total = sum(c.width for c in self.sheet.columns)
        lines = [(self.frame.title_row, self.sheet.title, STYLE_TITLE)]
        if self.frame.subtitle_row is not None:
            lines.append((self.frame.subtitle_row, self.sheet.subtitle, STYLE_SUBTITLE))
        for row, text, style in lines:
            self._put(row, 1, text, style)
            self._merge(row, 1, row, self.last_col, style)
            self.heights[row] = needed_height(text, total, self._font_size(style)) + 4

    def _header(self) -> None:
        top, bottom = self.frame.header_rows
        size = self._font_size(STYLE_HEADER)
        self.heights[top] = self.heights[bottom] = _height(1, size)
        # Headers spanning both rows are sized once both rows have their own heights.
        vertical: list[tuple[range, float]] = []
        columns = list(self.sheet.columns)
        index = 0
        while index < len(columns):
            column = columns[index]
            if column.group is None:
                self._put(top, index + 1, column.title, STYLE_HEADER)
                self._merge(top, index + 1, bottom, index + 1, STYLE_HEADER)
                needed = needed_height(column.title, column.width, size)
                vertical.append((range(top, bottom + 1), needed))
                index += 1
                continue
            end = index
            while end + 1 < len(columns) and columns[end + 1].group == column.group:
                end += 1
            span = sum(c.width for c in columns[index : end + 1])
            self._put(top, index + 1, column.group, STYLE_HEADER)
            self._merge(top, index + 1, top, end + 1, STYLE_HEADER)
            self.heights[top] = max(self.heights[top], needed_height(column.group, span, size))
            for offset in range(index, end + 1):
                sub = columns[offset]
                self._put(bottom, offset + 1, sub.title, STYLE_HEADER)
                needed = needed_height(sub.title, sub.width, size)
                self.heights[bottom] = max(self.heights[bottom], needed)
            index = end + 1
        for rows, needed in vertical:
            _spread(self.heights, rows, needed)

    def _data(self) -> None:
        for offset, row in enumerate(self.sheet.rows):
            r = self.frame.first_data_row + offset
            height = 0.0
            for index, column in enumerate(self.sheet.columns, start=1):
                disabled = column.key in row.disabled
                style = _data_style(column, disabled)
                value = row.values.get(column.key)
                self._put(r, index, value, style)
                if (index, offset) in self.in_block:
                    continue
                min_lines = MIN_INPUT_LINES if style == STYLE_INPUT else 1
                size = self._font_size(style)
                height = max(height, needed_height(value, column.width, size, min_lines))
            self.heights[r] = height or _height(1, self._font_size(STYLE_TEXT))

    def _merge_blocks(self) -> Iterator[tuple[int, int, int]]:
        """(column index, first offset, last offset) for each block to merge.

        A block never crosses a break of a merged column further left, so a task
        merged under one 创建项目 never runs into the next project.
        """
        breaks: set[int] = set()
        rows = self.sheet.rows
        for index, column in enumerate(self.sheet.columns, start=1):
            if column.key not in self.sheet.merge_equal:
                continue
            start = 0
            for offset in range(1, len(rows) + 1):
                value = rows[start].values.get(column.key)
                same = (
                    offset < len(rows)
                    and offset not in breaks
                    and value not in (None, "")
                    and rows[offset].values.get(column.key) == value
                )
                if same:
                    continue
                breaks.add(offset)
                if offset - 1 > start:
                    yield index, start, offset - 1
                start = offset

    def _merge_equal(self) -> None:
        first = self.frame.first_data_row
        for index, start, end in self.blocks:
            column = self.sheet.columns[index - 1]
            self._merge(first + start, index, first + end, index, STYLE_TEXT)
            value = self.sheet.rows[start].values.get(column.key)
            needed = needed_height(value, column.width, self._font_size(STYLE_TEXT))
            _spread(self.heights, range(first + start, first + end + 1), needed)

    def _validations(self) -> None:
        first = self.frame.first_data_row
        for index, column in enumerate(self.sheet.columns, start=1):
            if column.kind not in ("input_choice", "input_number"):
                continue
            enabled = [
                first + offset
                for offset, row in enumerate(self.sheet.rows)
                if column.key not in row.disabled
            ]
            if enabled:
                ranges = [(start, index, end, index) for start, end in _runs(enabled)]
                self.out.validate(_validation(column, ranges))

    def _frozen_columns(self) -> int:
        count, width = 0, 0.0
        for column in self.sheet.columns:
            width += column.width
            if column.kind != "text" or width > FREEZE_MAX_WIDTH:
                break
            count += 1
        return count


def _validation(column: Column, ranges: Sequence[tuple[int, int, int, int]]) -> Validation:
    if column.kind == "input_choice":
        kind = {"type": "list"}
        formula, error = '"' + ",".join(column.choices) + '"', CHOICE_ERROR
    else:
        kind = {"type": "decimal", "operator": "greaterThanOrEqual"}
        formula, error = "0", NUMBER_ERROR
    attributes = {
        **kind,
        "errorStyle": "stop",
        "allowBlank": "1",
        "showErrorMessage": "1",
        "errorTitle": ERROR_TITLE,
        "error": error,
    }
    return Validation(attributes, formula, ranges)


def _put(
    out: SheetWriter, sheet: str, row: int, col: int, value: object, style: str | None
) -> None:
    """Write a str as text (never a formula), a number as a number, in named style ``style``."""
    styles = out.styles
    if value is None or value == "":
        out.blank(row, col, styles.xf(style))
        return
    where = f"{sheet}!{get_column_letter(col)}{row}"
    if isinstance(value, str):
        out.text(row, col, checked_text(value, where), styles.xf(style, needs_quote_prefix(value)))
    else:
        out.number(row, col, checked_number(value, where), styles.xf(style))


# --- identity sheet -----------------------------------------------------------------------------


def _identity_sheet(
    spec: WorkbookSpec,
    frames: Mapping[str, _Frame],
    table: StyleTable,
    strings: SharedStrings,
    protection: str,
) -> SheetPart:
    lines: list[tuple[object, ...]] = [(_FORMAT_KEY, _FORMAT_VERSION)]
    for key, value in spec.identity.items():
        if not key or key in _RESERVED_IDENTITY_KEYS:
            raise WorkbookRenderError(f"标识项名称“{key}”为空或为系统保留名称")
        lines.append((key, value))
    for sheet in spec.sheets:
        frame = frames[sheet.name]
        lines.append(())
        lines.append((_SHEET_KEY, sheet.name))
        lines.append((_HEADER_ROWS_KEY, *frame.header_rows))
        lines.append(_COLUMN_TABLE)
        lines.extend((i, c.key) for i, c in enumerate(sheet.columns, start=1))
        lines.append(_ROW_TABLE)
        lines.extend((frame.first_data_row + i, r.key) for i, r in enumerate(sheet.rows))
    out = SheetWriter(table, strings)
    out.protection = protection
    out.page = _plain_page()
    for r, line in enumerate(lines, start=1):
        for c, value in enumerate(line, start=1):
            _put(out, IDENTITY_SHEET, r, c, value, None)
    return SheetPart(IDENTITY_SHEET, out.xml(), state="veryHidden")


IdentityLines = list[tuple[object, ...]]


def _identity_lines(workbook: Workbook) -> IdentityLines:
    if IDENTITY_SHEET not in workbook.sheetnames:
        raise missing_identity()
    return checked_identity_lines(
        [tuple(row) for row in workbook[IDENTITY_SHEET].iter_rows(values_only=True)]
    )


def missing_identity() -> WorkbookIdentityError:
    return WorkbookIdentityError(
        f"工作簿中没有标识表“{IDENTITY_SHEET}”，可能不是本系统生成的台账，或已被另存为其他格式"
    )


def checked_identity_lines(lines: IdentityLines) -> IdentityLines:
    """The identity sheet's rows, once its first row shows it is one."""
    if not lines or lines[0][:1] != (_FORMAT_KEY,):
        raise WorkbookIdentityError(f"标识表“{IDENTITY_SHEET}”格式无法识别")
    return lines


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _as_int(value: object) -> int:
    if isinstance(value, int | float | str):
        try:
            return int(value)
        except ValueError:
            pass
    raise WorkbookIdentityError(f"标识表“{IDENTITY_SHEET}”中的行号或列号“{value}”无法识别")


def read_identity(workbook: Workbook) -> dict[str, str]:
    """The ``identity`` mapping a workbook was rendered with."""
    return identity_of(_identity_lines(workbook))


def identity_of(lines: IdentityLines) -> dict[str, str]:
    """The ``identity`` mapping recorded in the identity sheet's rows."""
    identity: dict[str, str] = {}
    for line in lines[1:]:
        if not line or line[0] is None:
            break
        identity[_text(line[0])] = _text(line[1] if len(line) > 1 else None)
    return identity


def read_sheet_map(workbook: Workbook, sheet_name: str) -> SheetMap:
    """Header rows, column keys and row keys recorded for one rendered sheet."""
    return sheet_map_of(_identity_lines(workbook), sheet_name)


def sheet_map_of(lines: IdentityLines, sheet_name: str) -> SheetMap:
    """One sheet's header rows, column keys and row keys, from the identity sheet's rows."""
    starts = [i for i, line in enumerate(lines) if line[:2] == (_SHEET_KEY, sheet_name)]
    if not starts:
        raise WorkbookIdentityError(f"标识表中没有工作表“{sheet_name}”的记录")
    start = starts[0]
    header_rows = (0, 0)
    tables: dict[tuple[object, ...], dict[int, str]] = {_COLUMN_TABLE: {}, _ROW_TABLE: {}}
    current: dict[int, str] | None = None
    for line in lines[start + 1 :]:
        if not line or line[0] is None:
            break
        if line[0] == _HEADER_ROWS_KEY:
            header_rows = (_as_int(line[1]), _as_int(line[2]))
        elif line[:2] in tables:
            current = tables[line[:2]]
        elif current is not None:
            current[_as_int(line[0])] = _text(line[1])
    return SheetMap(header_rows, tables[_COLUMN_TABLE], tables[_ROW_TABLE])


def read_row_keys(workbook: Workbook, sheet_name: str) -> dict[int, str]:
    """Worksheet row number -> row key, for one rendered sheet."""
    return read_sheet_map(workbook, sheet_name).rows


def read_column_keys(workbook: Workbook, sheet_name: str) -> dict[int, str]:
    """1-based column index -> column key, for one rendered sheet."""
    return read_sheet_map(workbook, sheet_name).columns


# --- engine ---------------------------------------------------------------------------------------


def _utc_naive(moment: datetime.datetime) -> datetime.datetime:
    """Core properties are stored as UTC without an offset."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def set_properties(wb: Workbook, title: str, created: datetime.datetime) -> None:
    """Fixed document properties: same inputs, same bytes."""
    moment = _utc_naive(created)
    wb.properties.title = title
    wb.properties.creator = AUTHOR
    wb.properties.lastModifiedBy = AUTHOR
    wb.properties.created = moment
    wb.properties.modified = moment


STYLES_PART = "xl/styles.xml"


def workbook_bytes(wb: Workbook) -> bytes:
    """The .xlsx bytes of ``wb``, reproducible (fixed zip metadata), fonts in schema order."""
    # Not wb.save(): openpyxl's save_workbook stamps "modified" with the clock.
    buffer = io.BytesIO()
    with ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    written = ZipFile(io.BytesIO(buffer.getvalue()))
    ordered = io.BytesIO()
    with ZipFile(ordered, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        for name in written.namelist():
            data = written.read(name)
            archive.writestr(name, schema_ordered_fonts(data) if name == STYLES_PART else data)
    return normalize_zip(ordered.getvalue())


class XlsxEngine:
    """Renders WorkbookSpecs with the styles and page setup of one template."""

    def __init__(self, template_path: Path):
        self.template_path = Path(template_path)
        # Read once: rendering many units' ledgers must not touch the disk again.
        wb = load_workbook(io.BytesIO(self.template_path.read_bytes()))
        ws = wb[PROTOTYPE_SHEET] if PROTOTYPE_SHEET in wb.sheetnames else None
        self.styles = _read_styles(self.template_path, wb, ws)
        self.page_layout = _read_page_layout(self.template_path, ws)
        # Everything equal in every workbook of this template is resolved here, once.
        self._table = StyleTable([style.named_style(name) for name, style in self.styles.items()])
        page = Workbook().active
        apply_page_layout(page, self.page_layout)
        self._page = PageXml.of(page)

    def render(self, spec: WorkbookSpec) -> bytes:
        if not spec.sheets:
            raise WorkbookRenderError("工作簿中没有任何工作表")
        frames: dict[str, _Frame] = {}
        parts: list[SheetPart] = []
        seen: set[str] = set()
        strings = SharedStrings()
        for sheet in spec.sheets:
            check_sheet_name(sheet.name, seen)
            _check_sheet(sheet)
            renderer = _SheetRenderer(sheet, self.styles, self._table, strings)
            parts.append(renderer.render(self._page, _ledger_protection()))
            frames[sheet.name] = _frame(sheet)
        identity = _identity_sheet(spec, frames, self._table, strings, _identity_protection())
        parts.append(identity)
        refuse_illegal_chars(spec.title, "文档属性“标题”")
        properties = Properties(spec.title, AUTHOR, _utc_naive(spec.created))
        # Units must not rename or add sheets: the returned file is matched by name.
        return package(parts, self._table, strings, properties, lock_structure=True)


@functools.cache
def _ledger_protection() -> str:
    protection = SheetProtection(sheet=True, formatRows=False, formatColumns=False)
    # Allowed: resizing rows/columns, so staff can fix a height our estimate got wrong.
    if SHEET_PASSWORD:
        protection.password = SHEET_PASSWORD
    return protection_xml(protection)


@functools.cache
def _identity_protection() -> str:
    return protection_xml(SheetProtection(sheet=True))


@functools.cache
def _plain_page() -> PageXml:
    return PageXml.of(Workbook().active)
